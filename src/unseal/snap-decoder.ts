// The seam between unsealing and SnapDeals decoding (docs/unseal.md#snapped-sectors). A snapped
// sector's data is (new replica − sector key)·rho⁻¹ per node, rho derived from comm_d_new and the
// key's CommR; the snap module implements it (src/snap/decode.ts). Unsealing depends only on this
// interface, so tests can hand in a stand-in and an API caller without a decoder gets a clear error.
import type { SealProof } from '../proofs/registry.js';
import type { Commitment } from '../proofs/types.js';
import type { StageOptions } from '../seal/contracts.js';
import { snapDecode } from '../snap/decode.js';

export interface SnapDecodeRequest extends StageOptions {
  readonly proof: SealProof;
  /** the sector key replica: for a CC key, the last layer's labels */
  readonly keyPath: string;
  /** update/s-t0M-N */
  readonly replicaPath: string;
  /** UnsealedCID of the new data */
  readonly commDNew: Commitment;
  /** SectorKeyCID's commitment */
  readonly commROld: Commitment;
  /** receives nodes × 32 bytes of padded data at outByteOffset */
  readonly outPath: string;
  readonly outByteOffset?: bigint;
  readonly firstNode: bigint;
  readonly nodes: bigint;
}

export interface SnapDecoder {
  decode(r: SnapDecodeRequest): Promise<void>;
}

/** The decoder this build ships: the SnapDeals kernels (docs/unseal.md#snapped-sectors). */
export const builtInSnapDecoder: SnapDecoder = { decode: (r) => snapDecode(r) };
