// Names and sizes of the files a sealed sector consists of (spec sdr.md §8; rfp
// storage-proofs-core/src/util.rs default_rows_to_discard; merkletree level_cache store).
import type { SealProof } from '../proofs/registry.js';

/**
 * Files that ClearCache deletes once a sector is proven (rfp clear_files.rs clear_cache_dir), plus
 * the synthetic-PoRep proofs C1 needs: kept only for sectors still waiting for ProveCommit.
 */
export const isPrecommitOnlyFile = (name: string): boolean =>
  /^sc-02-data-(layer-\d+|tree-d|tree-c(-\d+)?)\.dat$/.test(name) || name === 'syn-porep-vanilla-proofs.dat';

/** What a finalized sector's cache holds (lotus CheckProvable / WindowPoSt). */
export const isFinalizedFile = (name: string): boolean =>
  name === 'p_aux' || name === 't_aux' || /^sc-02-data-tree-r-last(-\d+)?\.dat$/.test(name);

export function treeRLastNames(p: SealProof): string[] {
  return p.baseTrees === 1
    ? ['sc-02-data-tree-r-last.dat']
    : Array.from({ length: p.baseTrees }, (_, i) => `sc-02-data-tree-r-last-${i}.dat`);
}

/** Rows of an arity-8 base tree including leaves and root. */
function rowCount(leaves: bigint): number {
  let rows = 1;
  for (let n = leaves; n > 1n; n /= 8n) rows++;
  return rows;
}

export function rowsToDiscard(p: SealProof): number {
  const rows = rowCount(p.nodesPerBaseTree);
  if (rows <= 2) return 0;
  if (rows === 3) return 1;
  return Math.min(rows - 2, 2);
}

/** Bytes of one tree-r-last file: only the rows above the discarded ones are cached. */
export function treeRLastFileBytes(p: SealProof): bigint {
  const d = rowsToDiscard(p);
  let nodes = 0n;
  let width = p.nodesPerBaseTree;
  for (let row = 0; width >= 1n; row++, width /= 8n) {
    if (row > d) nodes += width;
    if (width === 1n) break;
  }
  return nodes * 32n;
}

/** Bytes of one full tree-c base-tree file (every row). */
export function treeCFileBytes(p: SealProof): bigint {
  let nodes = 0n;
  for (let width = p.nodesPerBaseTree; ; width /= 8n) {
    nodes += width;
    if (width === 1n) break;
  }
  return nodes * 32n;
}

export const treeDFileBytes = (p: SealProof): bigint => (2n * p.nodes - 1n) * 32n;
