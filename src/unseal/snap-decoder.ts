// The seam between unsealing and SnapDeals decoding (docs/unseal.md#snapped-sectors). A snapped
// sector's data is (new replica − sector key)·rho⁻¹ per node, rho derived from comm_d_new and the
// key's CommR; the snap module implements it (src/snap/decode.ts, snapDecode). A build without that
// module refuses snapped sectors with a clear error instead of guessing.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/**
 * The decoder this build ships: src/snap/decode (the SnapDeals kernels) when it is part of the build,
 * else undefined. Looked up by file so `unseal` compiles and runs in builds without the snap module;
 * when the module is there, any error loading it is real and propagates.
 */
export async function builtInSnapDecoder(): Promise<SnapDecoder | undefined> {
  const present = ['../snap/decode.ts', '../snap/decode.js'].some((f) => existsSync(fileURLToPath(new URL(f, import.meta.url))));
  if (!present) return undefined;
  const spec: string = '../snap/decode.js';
  const m = (await import(spec)) as { snapDecode?: (r: SnapDecodeRequest) => Promise<void> };
  const decode = m.snapDecode;
  if (typeof decode !== 'function') throw new Error('src/snap/decode has no snapDecode export: the SnapDecoder seam and the snap module disagree');
  return { decode: (r) => decode(r) };
}
