// SnapDeals encoding of one sector (docs/snap.md#encoding), what rust-fil-proofs encode_into does:
// tree-d over the new data (comm_d_new), phi/rho from comm_d_new and the key's comm_r, the new
// replica = key + data·rho, tree-r-last over it with the key's shape and rows_to_discard, and an
// update cache holding p_aux (comm_c, comm_r_last_new), t_aux (the key's, byte for byte), tree-d and
// tree-r-last. comm_r_new = Poseidon_2(comm_c, comm_r_last_new).
import { mkdir, readFile, stat } from 'node:fs/promises';
import { InputError, MismatchError } from '../errors.js';
import type { FrKernel } from '../native/poseidon.js';
import type { SealProof } from '../proofs/registry.js';
import { toHex, type Commitment } from '../proofs/types.js';
import { commR, compoundRoot } from '../seal/comm-r.js';
import type { StageOptions } from '../seal/contracts.js';
import { cpuTreeBuilder, type TreeBuilder } from '../seal/tree-builder.js';
import { buildTreeD } from '../seal/tree-d.js';
import { decodePAux, decodeTAux, writePAux, writeAtomic } from '../sector/aux-files.js';
import { cacheFiles } from '../sector/cache-files.js';
import { rhoTables } from './rho.js';
import { updateProofFor } from './update-proof.js';

export interface SnapEncodeInputs extends StageOptions {
  /** the seal proof the key was sealed with (only its size and tree shape matter) */
  readonly proof: SealProof;
  /** the sector key: the CC sealed file */
  readonly keyPath: string;
  /** the key's cache dir: p_aux and t_aux are read from it */
  readonly keyCacheDir: string;
  /** fr32-padded new data (staged sector); a short file reads as zero-extended */
  readonly stagedPath: string;
  /** comm_d the deal pieces commit to; tree-d must reproduce it (omit to accept whatever it is) */
  readonly commDNew?: Commitment;
  /** the new replica */
  readonly replicaPath: string;
  /** the update cache dir (created) */
  readonly updateCacheDir: string;
  readonly threads?: number;
  readonly kernel?: FrKernel;
  /** who builds the new tree-r-last (docs/gpu.md); default the CPU */
  readonly treeBuilder?: TreeBuilder;
}

export interface SnapEncodeResult {
  readonly commDNew: Commitment;
  readonly commROld: Commitment;
  readonly commC: Commitment;
  readonly commRLastNew: Commitment;
  readonly commRNew: Commitment;
}

export class SnapCommDMismatchError extends MismatchError {
  override name = 'SnapCommDMismatchError';
}

async function requireSize(path: string, bytes: bigint, what: string): Promise<void> {
  let size: bigint;
  try {
    size = (await stat(path, { bigint: true })).size;
  } catch {
    throw new InputError(`${what} ${path} does not exist`);
  }
  if (size !== bytes) throw new InputError(`${what} ${path} is ${size} bytes, expected ${bytes}: it is incomplete or of another sector size`);
}

export async function snapEncode(i: SnapEncodeInputs): Promise<SnapEncodeResult> {
  const { proof, signal } = i;
  const u = updateProofFor(proof);
  const key = cacheFiles(proof, i.keyCacheDir);
  const out = cacheFiles(proof, i.updateCacheDir);
  await requireSize(i.keyPath, proof.sectorBytes, 'sector key (sealed file)');
  const keyPAuxBytes = await readFile(key.pAux).catch(() => {
    throw new InputError(`the sector key's p_aux ${key.pAux} is missing: the key's cache dir is needed (comm_c, comm_r_last)`);
  });
  const keyTAuxBytes = await readFile(key.tAux).catch(() => {
    throw new InputError(`the sector key's t_aux ${key.tAux} is missing: the key's cache dir is needed (rows_to_discard)`);
  });
  const { commC, commRLast: commRLastOld } = decodePAux(keyPAuxBytes, key.pAux);
  const rowsToDiscard = Number(decodeTAux(keyTAuxBytes, undefined, key.tAux).treeRLast.rowsToDiscard);
  const commROld = commR(commC, commRLastOld);
  await mkdir(i.updateCacheDir, { recursive: true });

  const commDNew = await buildTreeD({ proof, stagedPath: i.stagedPath, cacheDir: i.updateCacheDir, onProgress: i.onProgress, signal });
  if (i.commDNew && toHex(commDNew) !== toHex(i.commDNew))
    throw new SnapCommDMismatchError(
      `comm_d of the new data is ${toHex(commDNew)} but the update's comm_d is ${toHex(i.commDNew)}: the pieces do not match this snapped sector`,
    );

  const { rhos } = rhoTables(u, commDNew, commROld, false);
  const builder = i.treeBuilder ?? cpuTreeBuilder;
  await builder.snapEncode({
    keyPath: i.keyPath,
    dataPath: i.stagedPath,
    outPath: i.replicaPath,
    rhos,
    bitsShr: u.bitsShr,
    nodes: proof.nodes,
    ...(i.threads !== undefined ? { threads: i.threads } : {}),
    ...(i.kernel ? { kernel: i.kernel } : {}),
    onProgress: (p) => i.onProgress?.({ stage: 'encode', done: p.done, total: p.total }),
    signal,
  });

  const roots = (await builder.buildTreeRLast({
    replicaPath: i.replicaPath,
    outPaths: out.treeRLast,
    leavesPerTree: proof.nodesPerBaseTree,
    rowsToDiscard,
    ...(i.threads !== undefined ? { threads: i.threads } : {}),
    onProgress: (p) => i.onProgress?.({ stage: 'tree-r-last', ...(p.device ? { device: p.device } : {}), done: p.done, total: p.total }),
    signal,
  })) as Uint8Array[];
  const commRLastNew = compoundRoot(proof.shape, roots);
  await writePAux(i.updateCacheDir, { commC, commRLast: commRLastNew });
  // encode_into copies the key's t_aux unchanged (its paths still name the key's cache dir).
  await writeAtomic(out.tAux, keyTAuxBytes);
  i.onProgress?.({ stage: 'aux', done: 1, total: 1 });
  return { commDNew, commROld, commC, commRLastNew, commRNew: commR(commC, commRLastNew) };
}

