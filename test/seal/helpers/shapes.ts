// Proof objects for layouts the registry has no small proof for: the same sector (nodes, graph,
// layers) split into the base trees of another shape, which only the tree code sees.
import { fromHex, sealProof, type PorepId, type SealProof, type TreeShape } from '../../../src/proofs/index.js';
import type { ShapeVector } from '../../helpers/vectors.js';

export function withShape(proof: SealProof, shape: TreeShape): SealProof {
  const baseTrees = (shape.top || 1) * (shape.sub || 1);
  return { ...proof, shape, baseTrees, nodesPerBaseTree: proof.nodes / BigInt(baseTrees) };
}

export const SHAPE_8_8_0: TreeShape = { base: 8, sub: 8, top: 0 };

/**
 * The SealProof a custom-size shape vector was sealed with: its registered 32GiB/64GiB proof (graph
 * version, features) with the vector's nodes, layers, porep_id and tree shape.
 */
export function shapeVectorProof(v: ShapeVector): SealProof {
  const s = v.setup;
  const shape: TreeShape = { base: 8, sub: s.shape.sub_tree_arity as 0 | 8, top: s.shape.top_tree_arity as 0 | 2 };
  const proof: SealProof = {
    ...withShape(sealProof(s.proof.id), shape),
    nodes: BigInt(s.nodes),
    sectorBytes: BigInt(s.sector_bytes),
    layers: s.layers,
    porepId: fromHex(s.porep_id) as PorepId,
  };
  return { ...proof, nodesPerBaseTree: proof.nodes / BigInt(proof.baseTrees) };
}
