// Seal ticket = chain randomness drawn with the SealRandomness tag at the precommit's SealRandEpoch,
// with the CBOR-encoded miner ID address as entropy (go-state-types crypto/randomness.go;
// lotus storage/pipeline/states_sealing.go getTicket; froghub export/chain.go).
import { encode } from 'cbor-x';
import { asTicket, type ActorId, type Ticket } from '../proofs/types.js';
import { blake2b256 } from './blake2b.js';
import { encodeAddressBytes } from '../proofs/address.js';

export const DST_SEAL_RANDOMNESS = 5;

/** CBOR byte string of the ID address bytes, e.g. f01000 → 43 00 e8 07. */
export function minerEntropy(miner: ActorId): Uint8Array {
  // Buffer, not Uint8Array: cbor-x tags typed arrays (tag 64) but writes Buffers as plain byte strings.
  return new Uint8Array(encode(Buffer.from(encodeAddressBytes(miner))));
}

/** lotus chain/rand DrawRandomnessFromDigest: blake2b256(i64be(dst) ‖ digest ‖ i64be(epoch) ‖ entropy). */
export function drawRandomnessFromDigest(dst: number, digest: Uint8Array, epoch: number, entropy: Uint8Array): Ticket {
  const buf = new Uint8Array(8 + digest.length + 8 + entropy.length);
  const dv = new DataView(buf.buffer);
  dv.setBigInt64(0, BigInt(dst), false);
  buf.set(digest, 8);
  dv.setBigInt64(8 + digest.length, BigInt(epoch), false);
  buf.set(entropy, 16 + digest.length);
  return asTicket(blake2b256(buf));
}
