// What the chain (or an export file) says a sector's CommR is, as the scan receives it.
import type { SealProof } from '../proofs/registry.js';
import type { Commitment } from '../proofs/types.js';

export interface ExpectedCommR {
  readonly commR: Commitment;
  /** the CID the commitment came from (SealedCID, or SectorKeyCID for a snap-upgraded sector) */
  readonly cid: string;
  readonly proof: SealProof;
  /** e.g. "chain (StateSectorGetInfo)", "file sectors-recovery-f01000.json" */
  readonly source: string;
  readonly note?: string;
}

/** undefined = no chain source given; `unavailable` = a source was given but had no answer. */
export type ChainAnswer = { readonly kind: 'found'; readonly value: ExpectedCommR } | { readonly kind: 'unavailable'; readonly reason: string };
