// Graph seeds and the parents-cache file name, derived from a seal proof's porep_id
// (docs/sdr.md#graph-seeds; rfp: storage-proofs-core/src/crypto/mod.rs, drgraph.rs,
// storage-proofs-porep/src/stacked/vanilla/cache.rs).
import { createHash } from 'node:crypto';
import type { SealProof } from '../proofs/registry.js';
import type { GraphParams } from '../native/graph.js';

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** First 28 bytes of SHA-256("Filecoin_DRSample" || porep_id). */
export function drgSeed(proof: SealProof): Uint8Array {
  return new Uint8Array(sha256(Buffer.from('Filecoin_DRSample', 'ascii'), proof.porepId).subarray(0, 28));
}

export type FeistelKeys = readonly [bigint, bigint, bigint, bigint];

/** k0..k3: SHA-256("Filecoin_Feistel" || porep_id) as four u64 LE words. Only k0..k2 drive the graph. */
export function feistelKeys(proof: SealProof): FeistelKeys {
  const d = sha256(Buffer.from('Filecoin_Feistel', 'ascii'), proof.porepId);
  return [d.readBigUInt64LE(0), d.readBigUInt64LE(8), d.readBigUInt64LE(16), d.readBigUInt64LE(24)];
}

export function graphParams(proof: SealProof): GraphParams {
  const [k0, k1, k2] = feistelKeys(proof);
  return { nodes: proof.nodes, drgSeed: drgSeed(proof), feistelKeys: [k0, k1, k2], legacy: proof.apiVersion === 'V1_0_0' };
}

/** parameter_cache::VERSION in rust-fil-proofs; part of every cache file name. */
export const PARAMETER_CACHE_VERSION = 28;

/**
 * `v28-sdr-parent-<hex>.cache`, hex = SHA-256("poseidon_hasher" || graph identifier || k0..k3 u64le || u32le(N)).
 * The identifier string must match the reference's Debug-ish formatting byte for byte
 * (rfp: stacked/vanilla/graph.rs ParameterSetMetadata::identifier, drgraph.rs BucketGraph::identifier).
 */
export function parentsCacheFileName(proof: SealProof): string {
  const n = proof.nodes;
  const identifier =
    `stacked_graph::StackedGraph{expansion_degree: 8 base_graph: ` +
    `drgraph::BucketGraph{size: ${n}; degree: 6; hasher: poseidon_hasher} }`;
  const keys = Buffer.alloc(32);
  feistelKeys(proof).forEach((k, i) => keys.writeBigUInt64LE(k, 8 * i));
  const nodes = Buffer.alloc(4);
  nodes.writeUInt32LE(Number(n));
  const hex = sha256(Buffer.from('poseidon_hasher', 'ascii'), Buffer.from(identifier, 'ascii'), keys, nodes).toString('hex');
  return `v${PARAMETER_CACHE_VERSION}-sdr-parent-${hex}.cache`;
}
