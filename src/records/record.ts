// A sector as the chain records it, whatever source told us: what recovery needs to re-seal it
// (ticket, proof, pieces) and what the result must equal (CommR). Every record source produces
// these; nothing downstream knows which source it was.
import type { SealProof } from '../proofs/registry.js';
import type { Commitment, SectorNumber, Ticket } from '../proofs/types.js';

export interface PieceRef {
  /** padded size */
  readonly size: bigint;
  readonly pieceCid: string;
}

export interface SectorRecord {
  readonly sectorNumber: SectorNumber;
  readonly ticket: Ticket;
  readonly proof: SealProof;
  readonly sealedCid: string;
  readonly commR: Commitment;
  readonly sealRandEpoch?: number;
  /** absent or undefined = CC (the Go tool's assumption) */
  readonly unsealedCid?: string;
  readonly dealIds?: readonly bigint[];
  readonly pieces?: readonly PieceRef[];
  /** pre-committed, not yet proven: ProveCommit still needs layers, tree-c and tree-d */
  readonly preCommitOnly?: boolean;
  /**
   * Set for a SnapDeals-upgraded sector: the chain's SectorKeyCID (the original CC replica's
   * CommR). Then `sealedCid`/`commR` are the *updated* replica's (SealedCID), `unsealedCid`/`pieces`
   * describe the new data, and `ticket`/`proof` are those the sector key was sealed with.
   */
  readonly sectorKey?: { readonly cid: string; readonly commR: Commitment };
}

/**
 * What a source says a sector's CommR is, as the integrity scan receives it. `commR`/`cid` are the
 * chain's SealedCID: the replica lotus proves (update/ for a snap-upgraded sector, else sealed/).
 * `sectorKey` is set for a snap-upgraded sector: SectorKeyCID, the CommR of the original replica
 * (sealed/, which lotus releases after the upgrade) — docs/verify.md#snap-upgraded-sectors.
 */
export interface ExpectedCommR {
  readonly commR: Commitment;
  /** SealedCID */
  readonly cid: string;
  /** SectorKeyCID of a snap-upgraded sector */
  readonly sectorKey?: { readonly cid: string; readonly commR: Commitment };
  readonly proof: SealProof;
  /** e.g. "chain (StateSectorGetInfo)", "file sectors-recovery-f01000.json" */
  readonly source: string;
  readonly note?: string;
}

/** `unavailable` = a source was given but had no answer for this sector (unknown, unreachable). */
export type ChainAnswer = { readonly kind: 'found'; readonly value: ExpectedCommR } | { readonly kind: 'unavailable'; readonly reason: string };
