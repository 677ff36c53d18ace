// Independent reference implementations for the tests, written straight from the spec text
// (docs/proofs.md#fr32-padding, §6.2) with node:crypto and bit-by-bit loops — deliberately not sharing code or
// structure with src/proofs, so agreement means something.
import { createHash } from 'node:crypto';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** SHA-256 then clear the top two bits of byte 31. */
export function refSha254(data: Uint8Array): Uint8Array {
  const d = new Uint8Array(createHash('sha256').update(data).digest());
  d[31] = d[31]! & 0x3f;
  return d;
}

/** Binary tree root over 32-byte leaves (count a power of two), parents = sha254(left ‖ right). */
export function refTreeRoot(leaves: Uint8Array): Uint8Array {
  let row: Uint8Array[] = [];
  for (let i = 0; i < leaves.length; i += 32) row.push(leaves.slice(i, i + 32));
  while (row.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < row.length; i += 2) next.push(refSha254(Buffer.concat([row[i]!, row[i + 1]!])));
    row = next;
  }
  return row[0]!;
}

/** §6.1 literally: LSB-first bit stream, 254-bit chunks, each followed by 2 zero bits. */
export function refFr32Pad(input: Uint8Array): Uint8Array {
  const bits = input.length * 8;
  const words = Math.ceil(bits / 254);
  const out = new Uint8Array(words * 32);
  for (let j = 0; j < bits; j++) {
    const bit = (input[j >> 3]! >> (j & 7)) & 1;
    const o = Math.floor(j / 254) * 256 + (j % 254);
    if (bit) out[o >> 3] = out[o >> 3]! | (1 << (o & 7));
  }
  return out;
}

/** Inverse of refFr32Pad for `n` output bytes. */
export function refFr32Unpad(padded: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let j = 0; j < n * 8; j++) {
    const o = Math.floor(j / 254) * 256 + (j % 254);
    const bit = (padded[o >> 3]! >> (o & 7)) & 1;
    if (bit) out[j >> 3] = out[j >> 3]! | (1 << (j & 7));
  }
  return out;
}

/** Deterministic pseudo-random bytes (xorshift32) so failures reproduce. */
export function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
