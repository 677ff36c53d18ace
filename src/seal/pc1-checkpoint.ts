// PC1 resume state: `<cacheDir>/pc1-state.json` records which layer files are complete for which
// inputs. A rerun with the same proof and replica_id continues after the last complete layer; any
// other inputs (or a damaged state) discard the old layers and start over.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { partialSuffix } from '../native/addon.js';
import type { SealProof } from '../proofs/registry.js';
import { isLayerFile, layerFileName } from '../sector/cache-files.js';
import { toHex, type ReplicaId } from '../proofs/types.js';
import { readOwnJsonFileSync } from '../platform/json-text.js';

export const PC1_STATE_FILE = 'pc1-state.json';
const STATE_VERSION = 1;

export interface Pc1State {
  readonly version: number;
  readonly proofId: number;
  readonly proofName: string;
  readonly replicaId: string;
  readonly nodes: string;
  readonly layers: number;
  /** complete layers in order 1..k, each with its file size */
  readonly finished: ReadonlyArray<{ readonly layer: number; readonly bytes: number }>;
}

export function freshState(proof: SealProof, replicaId: ReplicaId): Pc1State {
  return {
    version: STATE_VERSION,
    proofId: proof.id,
    proofName: proof.name,
    replicaId: toHex(replicaId),
    nodes: proof.nodes.toString(),
    layers: proof.layers,
    finished: [],
  };
}

function readState(cacheDir: string): Pc1State | undefined {
  return readOwnJsonFileSync(join(cacheDir, PC1_STATE_FILE)) as Pc1State | undefined;
}

/** Atomic, durable replace of the state file (temp → fsync → rename). */
export function writeState(cacheDir: string, state: Pc1State): void {
  const path = join(cacheDir, PC1_STATE_FILE);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(state, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  // and the rename itself durable: a crash must not bring back the previous state file
  const dfd = openSync(cacheDir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

export const withFinishedLayer = (s: Pc1State, layer: number, bytes: number): Pc1State => ({
  ...s,
  finished: [...s.finished.filter((f) => f.layer !== layer), { layer, bytes }].sort((a, b) => a.layer - b.layer),
});

export interface ResumePoint {
  readonly state: Pc1State;
  /** first layer to compute; layers + 1 when all are done */
  readonly startLayer: number;
  /** why earlier work was discarded, if it was */
  readonly discarded?: string;
}

/**
 * Works out where PC1 for these inputs should start in `cacheDir`, cleaning up what cannot be trusted:
 * leftover temp files always, and every layer file when the state belongs to other inputs.
 */
export function resumePoint(
  cacheDir: string,
  proof: SealProof,
  replicaId: ReplicaId,
  /** checks a whole layer file that the state does not list yet (src/seal/layer-check.ts); absent = never reuse one */
  verifyUnrecorded?: (layer: number) => boolean,
): ResumePoint {
  const fresh = freshState(proof, replicaId);
  const old = readState(cacheDir);
  const partial = partialSuffix();
  removeMatching(cacheDir, (f) => (f.endsWith(partial) && isLayerFile(f.slice(0, -partial.length))) || f === `${PC1_STATE_FILE}.tmp`);

  let discarded: string | undefined;
  if (old === undefined) {
    discarded = layerFilesPresent(cacheDir) ? 'layer files without a PC1 state file' : undefined;
  } else if (
    old.version !== STATE_VERSION ||
    old.proofId !== fresh.proofId ||
    old.replicaId !== fresh.replicaId ||
    old.nodes !== fresh.nodes ||
    old.layers !== fresh.layers
  ) {
    discarded = `previous PC1 state is for other inputs (proof ${old.proofName}, replica_id ${String(old.replicaId).slice(0, 16)}…)`;
  }
  if (discarded !== undefined || old === undefined) {
    if (discarded) removeMatching(cacheDir, isLayerFile);
    writeState(cacheDir, fresh);
    return { state: fresh, startLayer: 1, ...(discarded ? { discarded } : {}) };
  }

  // Trust the longest prefix 1..k whose files are present with the recorded, expected size.
  const want = Number(proof.nodes) * 32;
  const kept: Array<{ layer: number; bytes: number }> = [];
  for (let layer = 1; layer <= proof.layers; layer++) {
    const f = old.finished.find((x) => x.layer === layer);
    if (fileSize(join(cacheDir, layerFileName(layer))) !== want) break;
    // A whole file the state does not list: killed after its rename, before the state write.
    if (!f || f.bytes !== want) {
      if (!verifyUnrecorded?.(layer)) break;
    }
    kept.push({ layer, bytes: want });
  }
  const state = { ...fresh, finished: kept };
  writeState(cacheDir, state);
  return { state, startLayer: kept.length + 1 };
}

function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

function layerFilesPresent(dir: string): boolean {
  return readdirSync(dir).some(isLayerFile);
}

function removeMatching(dir: string, match: (name: string) => boolean): void {
  for (const f of readdirSync(dir)) if (match(f)) unlinkSync(join(dir, f));
}
