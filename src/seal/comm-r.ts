// The commitments above the trees: the compound root over base-tree roots (comm_c, comm_r_last)
// and comm_r itself (docs/trees.md). Used by PC2, by verify, and by snap encoding.
import { poseidonHash } from '../native/poseidon.js';
import type { TreeShape } from '../proofs/registry.js';
import { asCommitment, type Commitment } from '../proofs/types.js';

/**
 * The commitment over the base-tree roots (merkletree from_sub_trees / from_trees, docs/trees.md):
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
