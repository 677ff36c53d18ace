// Single-bit error correction for a checksummed record. CRC-32C is affine over GF(2), so flipping
// bit b of byte p changes the CRC by a constant that depends only on b and on how many bytes follow
// p. Given the stored CRC we look for the one bit whose flip explains the mismatch; if exactly one
// does, the record is restored bit-exactly (LevelDB's and goleveldb's own corruption tests flip one
// bit, 0x80, per byte). Only single bits are tried: a wider damage then matches some candidate by
// chance with probability ≈ 8·length/2³² (≈ 8e-6 for a 4 KiB block), where trying all 255 values
// of every byte would raise that to ≈ 2e-4 and risk returning bytes that were never written.
// All CRC arithmetic goes through @node-rs/crc32; only GF(2) bookkeeping is done here.
import { crc32cOf } from './crc.js';

/** The linear map "append one zero byte" on a CRC value, as 4 byte-lookup tables. */
let zeroStep: Uint32Array[] | null = null;

function buildZeroStep(): Uint32Array[] {
  const z = new Uint8Array(1);
  const base = crc32cOf(z, 0);
  const cols = new Uint32Array(32);
  for (let i = 0; i < 32; i++) cols[i] = (crc32cOf(z, (1 << i) >>> 0) ^ base) >>> 0;
  const tabs: Uint32Array[] = [];
  for (let k = 0; k < 4; k++) {
    const t = new Uint32Array(256);
    for (let b = 0; b < 256; b++) {
      let acc = 0;
      for (let bit = 0; bit < 8; bit++) if (b & (1 << bit)) acc ^= cols[k * 8 + bit]!;
      t[b] = acc >>> 0;
    }
    tabs.push(t);
  }
  return tabs;
}

function stepZero(x: number): number {
  const t = (zeroStep ??= buildZeroStep());
  return (t[0]![x & 0xff]! ^ t[1]![(x >>> 8) & 0xff]! ^ t[2]![(x >>> 16) & 0xff]! ^ t[3]![x >>> 24]!) >>> 0;
}

export interface Correction {
  /** index within the message that was changed */
  readonly position: number;
  /** xor applied to that byte */
  readonly xor: number;
}

/**
 * Find the unique single-bit change to `message` whose CRC-32C equals `expected`, given its
 * current CRC `actual`. Returns null when none or more than one exists.
 */
export function findSingleBitCorrection(message: Uint8Array, expected: number, actual: number, maxLength = 1 << 20): Correction | null {
  const n = message.length;
  if (n === 0 || n > maxLength) return null;
  const syndrome = (actual ^ expected) >>> 0;
  if (syndrome === 0) return null;
  // basis[i] = CRC difference caused by flipping bit i of the byte at the current position
  const one = new Uint8Array(1);
  const zero0 = crc32cOf(new Uint8Array(1), 0);
  const basis = new Uint32Array(8);
  for (let i = 0; i < 8; i++) {
    one[0] = 1 << i;
    basis[i] = (crc32cOf(one, 0) ^ zero0) >>> 0;
  }
  let found: Correction | null = null;
  for (let p = n - 1; p >= 0; p--) {
    for (let i = 0; i < 8; i++) {
      if (basis[i] === syndrome) {
        if (found) return null; // ambiguous: refuse to guess
        found = { position: p, xor: 1 << i };
      }
      basis[i] = stepZero(basis[i]!);
    }
  }
  return found;
}

/** Apply a correction to a copy of `message`. */
export function applyCorrection(message: Uint8Array, c: Correction): Uint8Array {
  const out = Uint8Array.from(message);
  out[c.position] = out[c.position]! ^ c.xor;
  return out;
}
