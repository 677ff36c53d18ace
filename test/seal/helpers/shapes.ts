// Proof objects for layouts the registry has no small proof for: the same sector (nodes, graph,
// layers) split into the base trees of another shape, which only the tree code sees.
import type { SealProof, TreeShape } from '../../../src/proofs/index.js';

export function withShape(proof: SealProof, shape: TreeShape): SealProof {
  const baseTrees = (shape.top || 1) * (shape.sub || 1);
  return { ...proof, shape, baseTrees, nodesPerBaseTree: proof.nodes / BigInt(baseTrees) };
}

export const SHAPE_8_8_0: TreeShape = { base: 8, sub: 8, top: 0 };
