// Sizes of the Merkle trees a sealed sector keeps on disk (docs/trees.md): arity-8 Poseidon trees
// for tree-c and tree-r-last (one per base tree), the binary SHA-254 tree-d, and which rows of
// tree-r-last are cached. Pure arithmetic over the proof's shape; no file names here.
import type { SealProof } from '../proofs/registry.js';

/** Rows of an arity-8 tree over `leaves` leaves, leaves and root included. */
export function octreeRows(leaves: bigint): number {
  let rows = 1;
  for (let w = leaves; w > 1n; w /= 8n) rows++;
  return rows;
}

/** Nodes of a full arity-8 tree over `leaves` leaves: (8^(k+1) − 1) / 7. */
export function octreeNodes(leaves: bigint): bigint {
  return cachedOctreeNodes(leaves, -1);
}

/** Nodes of an arity-8 tree over `leaves` leaves when rows 0..rowsToDiscard are not stored. */
export function cachedOctreeNodes(leaves: bigint, rowsToDiscard: number): bigint {
  let total = 0n;
  let row = 0;
  for (let w = leaves; ; w /= 8n, row++) {
    if (row > rowsToDiscard) total += w;
    if (w <= 1n) return total;
  }
}

/**
 * rust-fil-proofs storage-proofs-core/src/util.rs default_rows_to_discard(leaves, 8): a tree of 2
 * rows keeps all, of 3 rows drops one, otherwise min(rows − 2, FIL_PROOFS_ROWS_TO_DISCARD). The
 * reference counts rows with an f64 log; the integer count is the same for powers of 8.
 */
export function rowsToDiscard(leavesPerTree: bigint, configured: number): number {
  const rows = octreeRows(leavesPerTree);
  if (rows <= 2) return 0;
  if (rows === 3) return 1;
  return Math.min(rows - 2, configured);
}

/** Width of each stored tree-r-last row, bottom-up, for one base tree. */
export function storedRowWidths(leaves: bigint, discarded: number): bigint[] {
  const widths: bigint[] = [];
  let row = 0;
  for (let w = leaves; ; w /= 8n, row++) {
    if (row > discarded) widths.push(w);
    if (w <= 1n) return widths;
  }
}

export interface TreeSizes {
  /** base trees per tree-c / tree-r-last (1, 8 or 16): one file each */
  readonly files: number;
  readonly rowsToDiscard: number;
  /** bytes of one tree-c file (every row) */
  readonly treeCBytes: bigint;
  /** bytes of one tree-r-last file (rows above rowsToDiscard) */
  readonly treeRLastBytes: bigint;
  /** bytes of the tree-d file: 2N − 1 nodes */
  readonly treeDBytes: bigint;
  /** bytes of one layer file, the sealed file, and the staged data: N nodes */
  readonly layerBytes: bigint;
}

/** Every tree file size of a proof, with tree-r-last's rows_to_discard from the configured setting. */
export function treeSizes(proof: SealProof, configuredRowsToDiscard: number): TreeSizes {
  const discard = rowsToDiscard(proof.nodesPerBaseTree, configuredRowsToDiscard);
  return {
    files: proof.baseTrees,
    rowsToDiscard: discard,
    treeCBytes: octreeNodes(proof.nodesPerBaseTree) * 32n,
    treeRLastBytes: cachedOctreeNodes(proof.nodesPerBaseTree, discard) * 32n,
    treeDBytes: (2n * proof.nodes - 1n) * 32n,
    layerBytes: proof.sectorBytes,
  };
}
