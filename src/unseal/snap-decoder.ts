// The seam between unsealing and SnapDeals decoding (docs/unseal.md#snapped-sectors). A snapped
// sector's data is (new replica − sector key)·rho⁻¹ per node, rho derived from comm_d_new and the
// key's CommR; the snap module implements it (src/snap). Until this build wires one in,
// `unseal` refuses snapped sectors with a clear error instead of guessing.
import type { SealProof } from '../proofs/registry.js';
import type { Commitment } from '../proofs/types.js';
import type { StageOptions } from '../seal/contracts.js';

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

/** The decoder this build ships: none yet (the SnapDeals kernels are not in this build). */
export const builtInSnapDecoder: SnapDecoder | undefined = undefined;
