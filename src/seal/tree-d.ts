// PC1 prologue: tree-d over the staged sector (or all-zero for CC), written as the reference's
// sc-02-data-tree-d.dat; its root is comm_d. Implements BuildTreeD from contracts.ts.
import { mkdirSync, statSync } from 'node:fs';
import { buildTreeDNative } from '../native/pc1.js';
import type { Sha256Kernel } from '../native/hashing.js';
import { asCommitment, type Commitment } from '../proofs/types.js';
import { InputError } from '../errors.js';
import type { BuildTreeD, TreeDOptions } from './contracts.js';
import { cacheFiles } from '../sector/cache-files.js';

export async function buildTreeD(o: TreeDOptions & { kernel?: Sha256Kernel }): Promise<Commitment> {
  const { proof, stagedPath, cacheDir } = o;
  if (stagedPath !== null) {
    let size: number;
    try {
      size = statSync(stagedPath).size;
    } catch {
      throw new InputError(`staged sector ${stagedPath} does not exist`);
    }
    // The reference zero-extends a short staged file and cuts a long one at sector size
    // (rfp: filecoin-proofs/src/api/seal.rs, set_len); the native reader reads only the first
    // sector_bytes, zeros past the end. An empty file is almost certainly a mistake.
    if (size === 0) throw new InputError(`staged sector ${stagedPath} is empty: pass null for a CC sector`);
  }
  mkdirSync(cacheDir, { recursive: true });
  const root = await buildTreeDNative({
    nodes: proof.nodes,
    stagedPath,
    outPath: cacheFiles(proof, cacheDir).treeD,
    ...(o.kernel ? { kernel: o.kernel } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  return asCommitment(root, 'comm_d');
}
buildTreeD satisfies BuildTreeD;
