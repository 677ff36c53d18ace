// Narrowing a damaged region of a replica with the sector's stored tree-r-last (docs/unseal.md#finding-the-bad-node).
// A finalized cache keeps, per base tree, the arity-8 Poseidon rows above the discarded ones
// (docs/trees.md#tree-r-last). Its lowest stored row has one node per block of 8^(d+1) replica nodes
// (512 with the default d = 2): the Poseidon root of a block read from the sealed file that differs
// from the stored node marks a damaged block. The row was written when the sector was sealed, so it
// describes the replica before the damage.
import { open, stat } from 'node:fs/promises';
import { octreeInMemory } from '../native/poseidon.js';
import type { SealProof } from '../proofs/registry.js';
import { cacheFiles } from '../sector/cache-files.js';

export interface TreeRLastRows {
  readonly files: readonly string[];
  /** replica nodes per base tree */
  readonly leavesPerTree: bigint;
  /** rows not stored above the leaves */
  readonly rowsToDiscard: number;
  /** replica nodes under one node of the lowest stored row */
  readonly blockNodes: bigint;
}

/** The stored rows of a cache dir's tree-r-last, or undefined when absent or of an unexpected size. */
export async function findTreeRLast(proof: SealProof, cacheDir: string): Promise<TreeRLastRows | undefined> {
  const files = cacheFiles(proof, cacheDir).treeRLast;
  const leavesPerTree = proof.nodes / BigInt(files.length);
  let height = 0;
  for (let n = leavesPerTree; n > 1n; n /= 8n) height++;
  if (8n ** BigInt(height) !== leavesPerTree) return undefined;
  let size: bigint | undefined;
  for (const f of files) {
    const s = await stat(f).then((x) => BigInt(x.size), () => undefined);
    if (s === undefined || (size !== undefined && s !== size)) return undefined;
    size = s;
  }
  // The file size says which rows are stored (d+1 … top).
  for (let d = 0; d < height; d++) {
    let nodes = 0n;
    for (let l = d + 1; l <= height; l++) nodes += leavesPerTree / 8n ** BigInt(l);
    if (nodes * 32n === size) return { files, leavesPerTree, rowsToDiscard: d, blockNodes: 8n ** BigInt(d + 1) };
  }
  return undefined;
}

/**
 * The blocks of [start, start + nodes) whose Poseidon root over the replica differs from the stored
 * tree-r-last row. Reads that range of the replica once.
 */
export async function damagedBlocks(t: TreeRLastRows, replicaPath: string, start: bigint, nodes: bigint, signal?: AbortSignal): Promise<{ start: bigint; nodes: bigint }[]> {
  const B = t.blockNodes;
  const first = (start / B) * B;
  const out: { start: bigint; nodes: bigint }[] = [];
  const replica = await open(replicaPath, 'r');
  const handles = new Map<number, Awaited<ReturnType<typeof open>>>();
  try {
    const leaves = Buffer.alloc(Number(B) * 32);
    const stored = Buffer.alloc(32);
    for (let b = first; b < start + nodes; b += B) {
      signal?.throwIfAborted();
      await replica.read(leaves, 0, leaves.length, Number(b * 32n));
      const root = octreeInMemory(leaves, t.rowsToDiscard + 1);
      const tree = Number(b / t.leavesPerTree);
      let fh = handles.get(tree);
      if (!fh) {
        fh = await open(t.files[tree]!, 'r');
        handles.set(tree, fh);
      }
      await fh.read(stored, 0, 32, Number(((b % t.leavesPerTree) / B) * 32n));
      if (Buffer.compare(Buffer.from(root.subarray(0, 32)), stored) !== 0) {
        const s = b < start ? start : b;
        const e = b + B > start + nodes ? start + nodes : b + B;
        out.push({ start: s, nodes: e - s });
      }
    }
  } finally {
    await replica.close();
    for (const fh of handles.values()) await fh.close();
  }
  return out;
}
