// Internal keys: user key ‖ fixed64((sequence << 8) | kind) (leveldb: db/dbformat.h;
// goleveldb: leveldb/key.go). Sequences stop at 2^56−1.
import { fixed32 } from './coding.js';

export const MAX_SEQUENCE = (1n << 56n) - 1n;

export const enum Kind {
  Deletion = 0,
  Value = 1,
}

export interface InternalKey {
  readonly userKey: Uint8Array;
  readonly seq: bigint;
  readonly kind: Kind;
}

/** Parse an internal key; null when it is shorter than 8 bytes or its kind is not 0/1. */
export function parseInternalKey(ikey: Uint8Array): InternalKey | null {
  const n = ikey.length - 8;
  if (n < 0) return null;
  const kind = ikey[n]!;
  if (kind > 1) return null;
  const lo = fixed32(ikey, n);
  const hi = fixed32(ikey, n + 4);
  // seq = trailer >> 8, computed from the two halves to avoid a 64-bit BigInt read per entry
  const seq = (BigInt(hi) << 24n) | BigInt(lo >>> 8);
  return { userKey: ikey.subarray(0, n), seq, kind: kind as Kind };
}

/** Printable form of a key for reports: UTF-8 when it is printable ASCII, else 0x-hex. */
export function showKey(key: Uint8Array): string {
  for (const b of key) if (b < 0x20 || b > 0x7e) return '0x' + Buffer.from(key).toString('hex');
  return Buffer.from(key).toString('latin1');
}
