// The seam between unsealing and SnapDeals decoding (docs/unseal.md#snapped-sectors). A snapped
// sector's data is (new replica − sector key)·rho⁻¹ per node, rho derived from comm_d_new and the
// key's CommR; the snap module implements it (src/snap/decode.ts). Unsealing depends only on this
// interface, so tests can hand in a stand-in and an API caller without a decoder gets a clear error.
import { snapDecode, type SnapDecodeInputs } from '../snap/decode.js';

/**
 * One node range of a snapped sector to decode: the snap module's inputs with the range required
 * (keyPath = the sector key replica, for a CC key the last layer's labels; replicaPath = update/s-t0M-N;
 * commDNew = UnsealedCID's commitment; commROld = SectorKeyCID's).
 */
export type SnapDecodeRequest = Omit<SnapDecodeInputs, 'firstNode' | 'nodes' | 'checkFr32' | 'threads' | 'kernel'> & {
  readonly firstNode: bigint;
  readonly nodes: bigint;
};

export interface SnapDecoder {
  decode(r: SnapDecodeRequest): Promise<void>;
}

/** The decoder this build ships: the SnapDeals kernels (docs/unseal.md#snapped-sectors). */
export const builtInSnapDecoder: SnapDecoder = { decode: (r) => snapDecode(r) };
