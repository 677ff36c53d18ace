// PreCommit2 (docs/trees.md, docs/sdr.md): tree-c over the layer columns, the sealed file (replica =
// last layer + data mod r), tree-r-last over the replica, p_aux and t_aux, and
// comm_r = Poseidon_2(comm_c, comm_r_last). The heavy work runs in native/sdr; this file decides
// names, shapes and order, and resumes after a kill (pc2-checkpoint.ts): finished base trees are
// kept, and a finished sealed file is not encoded again.
import { stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { encodeReplica, type Pc2NativeProgress, type TreeRoots } from '../native/pc2.js';
import { temporaryAuxFor, writePAux, writeTAux } from '../sector/aux-files.js';
import { cacheFiles } from '../sector/cache-files.js';
import { proofsSettings, type ProofsSettings } from '../sector/settings.js';
import { treeSizes } from '../sector/tree-shape.js';
import type { Pc2Options, Pc2Result, RunPc2, SealStage } from './contracts.js';
import { commR, compoundRoot } from './comm-r.js';
import { finishedRoots, Pc2Checkpoint, type TreeFiles } from './pc2-checkpoint.js';
import { cpuTreeBuilder, type TreeBuilder } from './tree-builder.js';

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
 * filecoin-proofs/src/api/seal.rs; docs/proofs.md#staged-sector-file): a short file reads as zero-extended, a longer one
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
  /** leaves per streaming chunk of the tree builders (power of 8); tests use small ones */
  readonly chunkLeaves?: bigint;
  /** told when earlier work in the cache dir is discarded or resumed */
  readonly onNotice?: (message: string) => void;
  /** who builds tree-c and tree-r-last (src/gpu/select.ts); default the CPU */
  readonly treeBuilder?: TreeBuilder;
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
  const settings = o.settings ?? proofsSettings();
  const files = cacheFiles(proof, cacheDir);
  const sizes = treeSizes(proof, settings.rowsToDiscard);
  const layerPaths = files.layers;
  for (const [i, p] of layerPaths.entries()) await requireSize(p, sizes.layerBytes, `layer ${i + 1} file`);
  if (stagedPath !== null) await requireStaged(stagedPath);

  const builder = o.treeBuilder ?? cpuTreeBuilder;
  // Every device that reported progress for a stage: with several GPUs one sector's base trees
  // spread over all of them, and a device that fails mid-tree hands the tree to the CPU.
  const builtOn: Partial<Record<SealStage, Set<string>>> = {};
  const progress = (stage: SealStage) => (p: Pc2NativeProgress) => {
    if (stage === 'tree-c' || stage === 'tree-r-last') {
      const device = p.device ?? 'cpu';
      (builtOn[stage] ??= new Set()).add(device);
      o.onProgress?.({ stage, device, done: p.done, total: p.total });
    } else o.onProgress?.({ stage, done: p.done, total: p.total });
  };
  const leavesPerTree = proof.nodesPerBaseTree;
  const treeC: TreeFiles = { paths: files.treeC, bytes: sizes.treeCBytes };
  const treeRLast: TreeFiles = { paths: files.treeRLast, bytes: sizes.treeRLastBytes };
  const { checkpoint, discarded } = await Pc2Checkpoint.open({ cacheDir, proof, layerPaths, stagedPath, treeC, treeRLast });
  if (discarded) o.onNotice?.(`${cacheDir}: ${discarded}; PC2 starts over`);
  const tuning = { leavesPerTree, threads, ...(chunkLeaves ? { chunkLeaves } : {}), signal };

  const cRoots = await resumeTrees('tree-c', treeC, o.onNotice, (outPaths) =>
    builder.buildTreeC({ ...tuning, layerPaths, outPaths, onProgress: progress('tree-c') }),
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
    builder.buildTreeRLast({ ...tuning, replicaPath: sealedPath, outPaths, rowsToDiscard: sizes.rowsToDiscard, onProgress: progress('tree-r-last') }),
  );
  const commRLast = compoundRoot(proof.shape, rRoots);

  await writePAux(cacheDir, { commC, commRLast });
  await writeTAux(cacheDir, temporaryAuxFor(proof, cacheDir, settings.rowsToDiscard));
  o.onProgress?.({ stage: 'aux', done: 1, total: 1 });
  const named = (s: Set<string> | undefined): string => (s ? [...s].sort().join(', ') : 'resumed');
  const treeDevices = { treeC: named(builtOn['tree-c']), treeRLast: named(builtOn['tree-r-last']) };
  return { commC, commRLast, commR: commR(commC, commRLast), treeDevice: builder.device, treeDevices };
}
runPc2 satisfies RunPc2;
