// One sector through PreCommit1 + PreCommit2: parents cache → tree-d → labels → trees → comm_r.
// Every stage is resumable on its own (pc1 checkpoints per layer); seal.ts only chains them.
// sealSectors does the same for several sectors of one proof, labeling them together
// (runPc1Batch: one thread, interleaved SHA-256 streams) while every other stage stays per sector.
import { mkdir, open } from 'node:fs/promises';
import { cacheFiles } from '../sector/cache-files.js';
import { treeSizes } from '../sector/tree-shape.js';
import type { SealProof } from '../proofs/registry.js';
import { toHex, type Commitment, type ReplicaId } from '../proofs/types.js';
import type { Pc2Result, SealProgress, StageOptions } from './contracts.js';
import { ensureParentsCache } from './parents-cache.js';
import { buildTreeD } from './tree-d.js';
import { runPc1, runPc1Batch } from './pc1.js';
import { runPc2 } from './pc2.js';
import type { TreeBuilder } from './tree-builder.js';
import { MismatchError } from '../errors.js';
import { proofsSettings, type ProofsSettings } from '../sector/settings.js';

export interface SealInputs extends StageOptions {
  readonly proof: SealProof;
  readonly replicaId: ReplicaId;
  /** comm_d the replica id was derived from; tree-d must reproduce it */
  readonly commD: Commitment;
  /** fr32-padded staged sector, or null for CC; a longer file is read up to the sector size */
  readonly stagedPath: string | null;
  /** sector working directory: layers, trees, p_aux, t_aux */
  readonly cacheDir: string;
  readonly sealedPath: string;
  /** FIL_PROOFS_* settings (parents cache dir, rows_to_discard); default this process's */
  readonly settings?: ProofsSettings;
  /** who builds tree-c and tree-r-last (src/gpu/select.ts); default the CPU */
  readonly treeBuilder?: TreeBuilder;
}

export class CommDMismatchError extends MismatchError {
  override name = 'CommDMismatchError';
}

async function treeDChecked(i: SealInputs): Promise<void> {
  const stage = { onProgress: i.onProgress, signal: i.signal };
  await mkdir(i.cacheDir, { recursive: true });
  if (await treeDOnDisk(i)) return;
  const commD = await buildTreeD({ ...stage, proof: i.proof, stagedPath: i.stagedPath, cacheDir: i.cacheDir });
  if (toHex(commD) !== toHex(i.commD)) {
    throw new CommDMismatchError(
      `comm_d of the staged data is ${toHex(commD)} but the sector's comm_d is ${toHex(i.commD)}: the pieces or unsealed copy do not match this sector`,
    );
  }
}

/**
 * A resumed sector keeps its tree-d: the file exists only when written whole (the addon renames it
 * from .partial after fsync), so one of the full size whose root — the last node, docs/trees.md —
 * is this sector's comm_d is the tree these inputs give.
 */
async function treeDOnDisk(i: SealInputs): Promise<boolean> {
  const path = cacheFiles(i.proof, i.cacheDir).treeD;
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const size = (await fh.stat()).size;
    if (BigInt(size) !== treeSizes(i.proof, 0).treeDBytes) return false;
    const root = Buffer.alloc(32);
    await fh.read(root, 0, 32, size - 32);
    return root.equals(i.commD);
  } finally {
    await fh.close();
  }
}

const pc2 = (i: SealInputs) =>
  runPc2({
    onProgress: i.onProgress,
    signal: i.signal,
    proof: i.proof,
    cacheDir: i.cacheDir,
    stagedPath: i.stagedPath,
    sealedPath: i.sealedPath,
    ...(i.settings ? { settings: i.settings } : {}),
    ...(i.treeBuilder ? { treeBuilder: i.treeBuilder } : {}),
  });

export async function sealSector(i: SealInputs): Promise<Pc2Result> {
  const stage = { onProgress: i.onProgress, signal: i.signal };
  const parentsCachePath = await ensureParentsCache(i.proof, { ...stage, dir: (i.settings ?? proofsSettings()).parentCacheDir });
  await treeDChecked(i);
  await runPc1({ ...stage, proof: i.proof, replicaId: i.replicaId, cacheDir: i.cacheDir, parentsCachePath });
  return pc2(i);
}

/** Per sector of a batch: its commitments and how many sectors its labels were computed with. */
export type BatchSealResult =
  | { readonly ok: true; readonly result: Pc2Result; readonly pc1BatchSize: number }
  | { readonly ok: false; readonly error: Error };

export interface BatchSealOptions {
  /** told when the batch falls back to labeling sectors one by one */
  readonly onNotice?: (message: string) => void;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
const anySignal = (items: readonly SealInputs[]): AbortSignal | undefined => {
  const s = items.flatMap((i) => (i.signal ? [i.signal] : []));
  return s.length === 0 ? undefined : s.length === 1 ? s[0] : AbortSignal.any(s);
};
const fanOut = (items: readonly SealInputs[]) => (p: SealProgress) => {
  for (const i of items) i.onProgress?.(p);
};

/**
 * Seals sectors of one proof with their labels computed together. A sector that fails (bad staged
 * data, comm_d mismatch, a PC2 error) fails alone: the others go on. If the shared labeling run
 * itself fails, each remaining sector is labeled on its own (resuming from the layers the batch
 * finished), so one bad sector cannot take the rest with it.
 */
export async function sealSectors(items: readonly SealInputs[], opts: BatchSealOptions = {}): Promise<BatchSealResult[]> {
  if (items.length === 0) return [];
  const proof = items[0]!.proof;
  const other = items.find((i) => i.proof.id !== proof.id);
  if (other) throw new Error(`sealSectors: one batch must share a proof, got ${proof.name} and ${other.proof.name}`);
  const results: (BatchSealResult | undefined)[] = items.map(() => undefined);
  const fail = (k: number, e: unknown) => (results[k] = { ok: false, error: asError(e) });
  const signal = anySignal(items);

  let parentsCachePath: string;
  try {
    parentsCachePath = await ensureParentsCache(proof, { onProgress: fanOut(items), signal, dir: (items[0]!.settings ?? proofsSettings()).parentCacheDir });
  } catch (e) {
    return items.map(() => ({ ok: false, error: asError(e) }));
  }

  const treeD = await Promise.allSettled(items.map((i) => treeDChecked(i)));
  treeD.forEach((r, k) => r.status === 'rejected' && fail(k, r.reason));
  const label = items.flatMap((i, k) => (results[k] ? [] : [k]));

  let batchSize = label.length;
  if (label.length > 1) {
    const group = label.map((k) => items[k]!);
    try {
      await runPc1Batch({
        proof,
        parentsCachePath,
        sectors: group.map((i) => ({ replicaId: i.replicaId, cacheDir: i.cacheDir })),
        onProgress: fanOut(group),
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      if (signal?.aborted) {
        for (const k of label) fail(k, e);
      } else {
        opts.onNotice?.(`labeling ${label.length} sectors together failed (${asError(e).message}); labeling them one by one`);
        batchSize = 1;
      }
    }
  }
  if (batchSize === 1) {
    for (const k of label) {
      if (results[k]) continue;
      const i = items[k]!;
      try {
        await runPc1({ onProgress: i.onProgress, signal: i.signal, proof, replicaId: i.replicaId, cacheDir: i.cacheDir, parentsCachePath });
      } catch (e) {
        fail(k, e);
      }
    }
  }

  const sealed = await Promise.allSettled(label.map((k) => (results[k] ? Promise.resolve(undefined) : pc2(items[k]!))));
  sealed.forEach((r, j) => {
    const k = label[j]!;
    if (results[k]) return;
    if (r.status === 'rejected') fail(k, r.reason);
    else results[k] = { ok: true, result: r.value!, pc1BatchSize: batchSize };
  });
  return results.map((r) => r!);
}
