// PreCommit2 (docs/trees.md, docs/sdr.md): tree-c over the layer columns, the sealed file (replica =
// last layer + data mod r), tree-r-last over the replica, p_aux and t_aux, and
// comm_r = Poseidon_2(comm_c, comm_r_last). The heavy work runs in native/sdr; this file decides
// names, shapes and order.
import { stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { buildTreeC, buildTreeRLast, encodeReplica, type Pc2NativeProgress } from '../native/pc2.js';
import { temporaryAuxFor, writePAux, writeTAux } from '../sector/aux-files.js';
import { cacheFiles } from '../sector/cache-files.js';
import { proofsSettings, type ProofsSettings } from '../sector/settings.js';
import { treeSizes } from '../sector/tree-shape.js';
import type { Pc2Options, Pc2Result, RunPc2, SealStage } from './contracts.js';
import { commR, compoundRoot } from './comm-r.js';

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
  /** FIL_PROOFS_* settings; default this process's */
  readonly settings?: ProofsSettings;
}

export async function runPc2(o: Pc2Options & Pc2Tuning): Promise<Pc2Result> {
  const { proof, cacheDir, stagedPath, sealedPath, signal } = o;
  const settings = o.settings ?? proofsSettings();
  const files = cacheFiles(proof, cacheDir);
  const sizes = treeSizes(proof, settings.rowsToDiscard);
  const layerPaths = files.layers;
  for (const [i, p] of layerPaths.entries()) await requireSize(p, sizes.layerBytes, `layer ${i + 1} file`);
  if (stagedPath !== null) await requireStaged(stagedPath);

  const progress = (stage: SealStage) => (p: Pc2NativeProgress) => o.onProgress?.({ stage, done: p.done, total: p.total });
  const leavesPerTree = proof.nodesPerBaseTree;

  const cRoots = await buildTreeC({
    layerPaths,
    outPaths: files.treeC,
    leavesPerTree,
    threads: o.threads,
    onProgress: progress('tree-c'),
    signal,
  });
  const commC = compoundRoot(proof.shape, cRoots);

  await encodeReplica({
    keyPath: layerPaths[layerPaths.length - 1]!,
    dataPath: stagedPath,
    outPath: sealedPath,
    firstNode: 0n,
    nodes: proof.nodes,
    outSize: proof.sectorBytes,
    onProgress: progress('encode'),
    signal,
  });

  const rRoots = await buildTreeRLast({
    replicaPath: sealedPath,
    outPaths: files.treeRLast,
    leavesPerTree,
    rowsToDiscard: sizes.rowsToDiscard,
    threads: o.threads,
    onProgress: progress('tree-r-last'),
    signal,
  });
  const commRLast = compoundRoot(proof.shape, rRoots);

  await writePAux(cacheDir, { commC, commRLast });
  await writeTAux(cacheDir, temporaryAuxFor(proof, cacheDir, settings.rowsToDiscard));
  o.onProgress?.({ stage: 'aux', done: 1, total: 1 });
  return { commC, commRLast, commR: commR(commC, commRLast) };
}
runPc2 satisfies RunPc2;
