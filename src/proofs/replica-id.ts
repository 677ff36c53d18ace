// replica_id = mask254(SHA-256(prover_id ‖ u64be(sector) ‖ ticket ‖ comm_d ‖ porep_id)).
// rfp: storage-proofs-porep/src/stacked/vanilla/params.rs generate_replica_id.
import { sha254 } from './sha254.js';
import type { Commitment, PorepId, ProverId, ReplicaId, SectorNumber, Ticket } from './types.js';

export function replicaId(
  prover: ProverId,
  sector: SectorNumber,
  ticket: Ticket,
  commD: Commitment,
  porepId: PorepId,
): ReplicaId {
  const sectorBe = new Uint8Array(8);
  // Big-endian here, unlike porep_id's little-endian id: the reference hashes `sector_id.to_be_bytes()`.
  new DataView(sectorBe.buffer).setBigUint64(0, sector, false);
  return sha254(prover, sectorBe, ticket, commD, porepId) as ReplicaId;
}
