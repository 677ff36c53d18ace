// PreCommit1 (labeling), resumable layer by layer: implements RunPc1 from contracts.ts, plus
// runPc1Batch, which labels several sectors of one proof together in one thread (recovery's --parallel).
import { mkdirSync, statSync } from 'node:fs';
import { labelLayers } from '../native/pc1.js';
import type { Sha256Kernel } from '../native/hashing.js';
import type { SealProof } from '../proofs/registry.js';
import { type ReplicaId } from '../proofs/types.js';
import { InputError } from '../errors.js';
import type { Pc1Options, RunPc1, StageOptions } from './contracts.js';
import { sampledLabelsMatch } from './layer-check.js';
import { resumePoint, withFinishedLayer, writeState, type Pc1State } from './pc1-checkpoint.js';
import { cacheFiles } from '../sector/cache-files.js';

export interface Pc1Tuning {
  /** SHA-256 kernel; default 'fast' (SHA-NI when present) */
  readonly kernel?: Sha256Kernel;
  /** told when earlier work in a cache dir is discarded or resumed */
  readonly onNotice?: (message: string) => void;
  /** called once layer `layer` is durable and recorded in every sector's checkpoint */
  readonly onLayerDone?: (layer: number) => void;
}

export interface Pc1BatchSector {
  readonly replicaId: ReplicaId;
  readonly cacheDir: string;
}

export interface Pc1BatchOptions extends StageOptions, Pc1Tuning {
  readonly proof: SealProof;
  readonly parentsCachePath: string;
  readonly sectors: readonly Pc1BatchSector[];
}

function validate(proof: SealProof, parentsCachePath: string, sectors: readonly Pc1BatchSector[]): void {
  if (sectors.length === 0) throw new InputError('PC1 needs at least one sector');
  const expected = proof.nodes * 56n;
  let size: bigint;
  try {
    size = BigInt(statSync(parentsCachePath).size);
  } catch {
    throw new InputError(`parents cache ${parentsCachePath} does not exist: generate it first (ensureParentsCache)`);
  }
  if (size !== expected)
    throw new InputError(
      `parents cache ${parentsCachePath} has ${size} bytes but ${proof.name} needs ${expected}: wrong file for this proof, or truncated`,
    );
  const dirs = new Set<string>();
  for (const s of sectors) {
    if (s.replicaId.length !== 32) throw new InputError(`replica id must be 32 bytes, got ${s.replicaId.length}`);
    if ((s.replicaId[31]! & 0xc0) !== 0)
      throw new InputError('replica id has its top two bits set: it must be mask254(SHA-256(…)) (docs/proofs.md#replica-id)');
    if (dirs.has(s.cacheDir)) throw new InputError(`two sectors share the cache dir ${s.cacheDir}`);
    dirs.add(s.cacheDir);
  }
}

/**
 * Labels every sector's layers 1..L into its cache dir, resuming each from its checkpoint. Sectors
 * that are already complete are skipped; the rest run together from the earliest unfinished layer
 * (a sector that was ahead just recomputes identical bytes).
 */
export async function runPc1Batch(o: Pc1BatchOptions): Promise<{ layerPaths: string[][] }> {
  const { proof } = o;
  validate(proof, o.parentsCachePath, o.sectors);
  const states = new Map<string, Pc1State>();
  const pending: Array<Pc1BatchSector & { start: number }> = [];
  for (const s of o.sectors) {
    mkdirSync(s.cacheDir, { recursive: true });
    const r = resumePoint(s.cacheDir, proof, s.replicaId, (layer) =>
      sampledLabelsMatch({ proof, replicaId: s.replicaId, cacheDir: s.cacheDir, layer, parentsCachePath: o.parentsCachePath }),
    );
    if (r.discarded) o.onNotice?.(`${s.cacheDir}: ${r.discarded}; PC1 restarts from layer 1`);
    else if (r.startLayer > 1 && r.startLayer <= proof.layers)
      o.onNotice?.(`${s.cacheDir}: resuming PC1 at layer ${r.startLayer} of ${proof.layers}`);
    states.set(s.cacheDir, r.state);
    if (r.startLayer <= proof.layers) pending.push({ ...s, start: r.startLayer });
  }

  if (pending.length > 0) {
    const startLayer = Math.min(...pending.map((p) => p.start));
    const layerBytes = Number(proof.nodes) * 32;
    // A failing checkpoint write (or caller callback) must stop the native run, not vanish.
    const internal = new AbortController();
    let callbackError: unknown;
    const signal = o.signal ? AbortSignal.any([o.signal, internal.signal]) : internal.signal;
    await labelLayers({
      nodes: proof.nodes,
      layers: proof.layers,
      startLayer,
      parentsCachePath: o.parentsCachePath,
      sectors: pending.map((p) => ({ replicaId: p.replicaId, layerPaths: cacheFiles(proof, p.cacheDir).layers })),
      ...(o.kernel ? { kernel: o.kernel } : {}),
      signal,
      onProgress: (p) => {
        if (callbackError !== undefined) return;
        try {
          if (p.layerDone) {
            // The layer is fsynced and renamed for every sector; record it before reporting it.
            for (const s of pending) {
              const next = withFinishedLayer(states.get(s.cacheDir)!, p.layer, layerBytes);
              states.set(s.cacheDir, next);
              writeState(s.cacheDir, next);
            }
            o.onLayerDone?.(p.layer);
          } else {
            o.onProgress?.({ stage: 'pc1', layer: p.layer, done: p.done, total: p.total });
          }
        } catch (err) {
          callbackError = err;
          internal.abort(err);
        }
      },
    }).catch((err: unknown) => {
      throw callbackError ?? err;
    });
    if (callbackError !== undefined) throw callbackError;
  }
  return { layerPaths: o.sectors.map((s) => [...cacheFiles(proof, s.cacheDir).layers]) };
}

/** RunPc1 for one sector (contracts.ts). */
// Declared as a function (not `const runPc1: RunPc1`) so callers see the tuning options too.
export async function runPc1(o: Pc1Options & Pc1Tuning): ReturnType<RunPc1> {
  const { replicaId, cacheDir, ...rest } = o;
  const r = await runPc1Batch({ ...rest, sectors: [{ replicaId, cacheDir }] });
  return { layerPaths: r.layerPaths[0]! };
}
runPc1 satisfies RunPc1;
