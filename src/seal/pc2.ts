// PreCommit2 (sdr.md §5, §7, §8): tree-c over the layer columns, the sealed file (replica =
// last layer + data mod r), tree-r-last over the replica, p_aux and t_aux, and
// comm_r = Poseidon_2(comm_c, comm_r_last). The heavy work runs in native/sdr; this file decides
// names, shapes and order, and resumes after a kill (pc2-checkpoint.ts): finished base trees are
// kept, and a finished sealed file is not encoded again.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { poseidonHash } from '../native/poseidon.js';
import { buildTreeC, buildTreeRLast, encodeReplica, type Pc2NativeProgress, type TreeRoots } from '../native/pc2.js';
import type { SealProof, TreeShape } from '../proofs/registry.js';
import { InputError, asCommitment, type Commitment } from '../proofs/types.js';
import { defaultRowsToDiscard, octreeNodes, temporaryAuxFor, writePAux, writeTAux } from './aux-files.js';
import type { Pc2Options, Pc2Result, RunPc2, SealStage } from './contracts.js';
import { layerFileName } from './pc1-checkpoint.js';
import { finishedRoots, Pc2Checkpoint, type TreeFiles } from './pc2-checkpoint.js';

/** `sc-02-data-<id>.dat`, or `-<i>` per base tree when there is more than one (merkletree split_config). */
export function treeFileNames(proof: SealProof, id: 'tree-c' | 'tree-r-last'): string[] {
  if (proof.baseTrees === 1) return [`sc-02-data-${id}.dat`];
  return Array.from({ length: proof.baseTrees }, (_, i) => `sc-02-data-${id}-${i}.dat`);
}

/** Nodes of an arity-8 tree over `leaves` leaves when rows 0..rowsToDiscard are not stored. */
export function cachedTreeNodes(leaves: bigint, rowsToDiscard: number): bigint {
  let total = 0n;
  let row = 0;
  for (let w = leaves; ; w /= 8n, row++) {
    if (row > rowsToDiscard) total += w;
    if (w <= 1n) return total;
  }
}

export interface TreeLayout {
  readonly files: number;
  readonly treeCBytes: bigint;
  readonly treeRLastBytes: bigint;
  readonly rowsToDiscard: number;
}

/** Per-file sizes of tree-c and tree-r-last for a proof (sdr.md §8.2 table). */
export function treeLayout(proof: SealProof, rowsToDiscard = defaultRowsToDiscard(proof.nodesPerBaseTree)): TreeLayout {
  return {
    files: proof.baseTrees,
    treeCBytes: octreeNodes(proof.nodesPerBaseTree) * 32n,
    treeRLastBytes: cachedTreeNodes(proof.nodesPerBaseTree, rowsToDiscard) * 32n,
    rowsToDiscard,
  };
}

/**
 * The commitment over the base-tree roots (merkletree from_sub_trees / from_trees, sdr.md §7):
 * one base tree → its root; 8 → Poseidon_8(roots); 16 → Poseidon_2(Poseidon_8(0..7), Poseidon_8(8..15)).
 */
export function compoundRoot(shape: TreeShape, roots: readonly Uint8Array[]): Commitment {
  const expected = shape.top ? shape.top * shape.sub : shape.sub || 1;
  if (roots.length !== expected) throw new Error(`tree shape needs ${expected} base-tree roots, got ${roots.length}`);
  if (!shape.sub) return asCommitment(roots[0]!);
  const subs: Uint8Array[] = [];
  for (let i = 0; i < roots.length; i += shape.sub) subs.push(poseidonHash(shape.sub, roots.slice(i, i + shape.sub)));
  return asCommitment(shape.top ? poseidonHash(shape.top, subs) : subs[0]!);
}

/** comm_r = Poseidon_2(comm_c, comm_r_last), comm_c first (rfp PoseidonFunction::hash2). */
export const commR = (commC: Commitment, commRLast: Commitment): Commitment =>
  asCommitment(poseidonHash(2, [commC, commRLast]));

/** FIL_PROOFS_ROWS_TO_DISCARD as rust-fil-proofs reads it (default 2). */
function configuredRowsToDiscard(): number {
  const v = process.env.FIL_PROOFS_ROWS_TO_DISCARD;
  if (v === undefined || v === '') return 2;
  if (!/^\d+$/.test(v)) throw new InputError(`FIL_PROOFS_ROWS_TO_DISCARD must be a non-negative integer, got "${v}"`);
  return Number(v);
}

async function requireSize(path: string, bytes: bigint, what: string): Promise<void> {
  let size: bigint;
  try {
    size = (await stat(path, { bigint: true })).size;
  } catch {
    throw new InputError(`${what} ${path} is missing: run PreCommit1 first (or point --cache at the sector's cache dir)`);
  }
  if (size !== bytes) throw new InputError(`${what} ${path} is ${size} bytes, expected ${bytes}: it is incomplete or from another sector size`);
}

/**
 * rust's PC1 copies the staged file and set_len()s it to the sector size (rfp
 * filecoin-proofs/src/api/seal.rs; sdr.md §6.5): a short file reads as zero-extended, a longer one
 * (a lotus unsealed "partial file" with its trailer) is cut. Tree-d and the encoder read only the
 * first sector_bytes, so any non-empty file is accepted as it is.
 */
async function requireStaged(path: string): Promise<void> {
  let size: bigint;
  try {
    size = (await stat(path, { bigint: true })).size;
  } catch {
    throw new InputError(`staged (unsealed, fr32-padded) sector file ${path} is missing`);
  }
  if (size === 0n) throw new InputError(`staged sector file ${path} is empty: pass null for a CC sector`);
}

export interface Pc2Tuning {
  /** worker threads for the tree builders; default every core */
  readonly threads?: number;
  /** leaves per streaming chunk of the tree builders (power of 8); tests use small ones */
  readonly chunkLeaves?: bigint;
  /** told when earlier work in the cache dir is discarded or resumed */
  readonly onNotice?: (message: string) => void;
}

/**
 * Builds the base trees that have no finished file and returns every root, finished ones read
 * back from their files.
 */
async function resumeTrees(
  what: string,
  trees: TreeFiles,
  notice: ((m: string) => void) | undefined,
  build: (outPaths: Array<string | null>) => Promise<TreeRoots<string | null>>,
): Promise<Uint8Array[]> {
  const have = await finishedRoots(trees);
  const done = have.filter((r) => r !== null).length;
  if (done === have.length) return have as Uint8Array[];
  if (done > 0) notice?.(`resuming ${what}: ${done} of ${have.length} base trees already built`);
  const built = await build(trees.paths.map((p, i) => (have[i] ? null : p)));
  return have.map((r, i) => (r ?? built[i])!);
}

export async function runPc2(o: Pc2Options & Pc2Tuning): Promise<Pc2Result> {
  const { proof, cacheDir, stagedPath, sealedPath, signal, threads, chunkLeaves } = o;
  const layerPaths = Array.from({ length: proof.layers }, (_, i) => join(cacheDir, layerFileName(i + 1)));
  for (const [i, p] of layerPaths.entries()) await requireSize(p, proof.sectorBytes, `layer ${i + 1} file`);
  if (stagedPath !== null) await requireStaged(stagedPath);

  const progress = (stage: SealStage) => (p: Pc2NativeProgress) => o.onProgress?.({ stage, done: p.done, total: p.total });
  const leavesPerTree = proof.nodesPerBaseTree;
  const rowsToDiscard = defaultRowsToDiscard(leavesPerTree, configuredRowsToDiscard());
  const layout = treeLayout(proof, rowsToDiscard);
  const files = (id: 'tree-c' | 'tree-r-last') => treeFileNames(proof, id).map((f) => join(cacheDir, f));
  const treeC: TreeFiles = { paths: files('tree-c'), bytes: layout.treeCBytes };
  const treeRLast: TreeFiles = { paths: files('tree-r-last'), bytes: layout.treeRLastBytes };
  const { checkpoint, discarded } = await Pc2Checkpoint.open({ cacheDir, proof, layerPaths, stagedPath, treeC, treeRLast });
  if (discarded) o.onNotice?.(`${cacheDir}: ${discarded}; PC2 starts over`);
  const tuning = { leavesPerTree, threads, ...(chunkLeaves ? { chunkLeaves } : {}), signal };

  const cRoots = await resumeTrees('tree-c', treeC, o.onNotice, (outPaths) =>
    buildTreeC({ ...tuning, layerPaths, outPaths, onProgress: progress('tree-c') }),
  );
  const commC = compoundRoot(proof.shape, cRoots);

  // Encoding is one sequential pass, cheap next to the trees: it is redone whole if it did not
  // finish, and skipped if it did, so that tree-r-last trees built over its output stay valid.
  if (!(await checkpoint.encoded(sealedPath))) {
    await checkpoint.encodeStarts();
    await encodeReplica({
      keyPath: layerPaths[layerPaths.length - 1]!,
      dataPath: stagedPath,
      outPath: sealedPath,
      firstNode: 0n,
      nodes: proof.nodes,
      outSize: proof.sectorBytes,
      threads,
      onProgress: progress('encode'),
      signal,
    });
    await checkpoint.encodeFinished(sealedPath);
  }

  const rRoots = await resumeTrees('tree-r-last', treeRLast, o.onNotice, (outPaths) =>
    buildTreeRLast({ ...tuning, replicaPath: sealedPath, outPaths, rowsToDiscard, onProgress: progress('tree-r-last') }),
  );
  const commRLast = compoundRoot(proof.shape, rRoots);

  await writePAux(cacheDir, { commC, commRLast });
  await writeTAux(cacheDir, temporaryAuxFor(proof, cacheDir, rowsToDiscard));
  o.onProgress?.({ stage: 'aux', done: 1, total: 1 });
  return { commC, commRLast, commR: commR(commC, commRLast) };
}
runPc2 satisfies RunPc2;
