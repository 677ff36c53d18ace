// "sha254": SHA-256 with the two top bits of the last byte cleared, so every digest is a valid
// BLS12-381 scalar (< 2^254 < r). rfp: filecoin-hashers/src/sha256.rs (Sha256Function::hash/node)
// and fr32/src/convert.rs (bytes_into_fr_repr_safe).
import { createHash } from 'node:crypto';
import type { Commitment } from './types.js';

/** Clear the two most significant bits of byte 31 in place (rfp: `bytes_into_fr_repr_safe`). */
export function mask254(bytes: Uint8Array): Uint8Array {
  bytes[31]! &= 0x3f;
  return bytes;
}

/** SHA-256 over the concatenation of `parts`, then mask254. */
export function sha254(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return mask254(new Uint8Array(h.digest()));
}

/** The binary Merkle node hash of tree-d and piece trees: sha254(left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Commitment {
  return sha254(left, right) as Commitment;
}
