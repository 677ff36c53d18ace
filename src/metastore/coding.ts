// LevelDB primitive encodings (docs/leveldb.md#primitive-encodings): little-endian fixed ints, LEB128 varints.

export class DecodeError extends Error {
  override name = 'DecodeError';
}

export interface Cursor {
  readonly buf: Uint8Array;
  pos: number;
  readonly end: number;
}

export const cursor = (buf: Uint8Array, pos = 0, end = buf.length): Cursor => ({ buf, pos, end });

export function fixed32(buf: Uint8Array, at: number): number {
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16)) + buf[at + 3]! * 0x1000000;
}

export function fixed64(buf: Uint8Array, at: number): bigint {
  return BigInt(fixed32(buf, at)) | (BigInt(fixed32(buf, at + 4)) << 32n);
}

/** varint32 as a number; throws DecodeError past `end` or beyond 5 bytes. */
export function varint32(c: Cursor): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 5; i++) {
    if (c.pos >= c.end) throw new DecodeError('truncated varint');
    const b = c.buf[c.pos++]!;
    result += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (result > 0xffffffff) throw new DecodeError('varint32 overflow');
      return result;
    }
    mul *= 128;
  }
  throw new DecodeError('varint32 longer than 5 bytes');
}

/** varint64 as a bigint. */
export function varint64(c: Cursor): bigint {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= c.end) throw new DecodeError('truncated varint');
    const b = c.buf[c.pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) {
      if (result >= 1n << 64n) throw new DecodeError('varint64 overflow');
      return result;
    }
    shift += 7n;
  }
  throw new DecodeError('varint64 longer than 10 bytes');
}

/** varint64 that must fit a JS number exactly (file numbers, sizes, offsets). */
export function varintNumber(c: Cursor): number {
  const v = varint64(c);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DecodeError(`value ${v} too large`);
  return Number(v);
}

export function lengthPrefixed(c: Cursor): Uint8Array {
  const n = varint32(c);
  if (c.pos + n > c.end) throw new DecodeError(`length-prefixed slice of ${n} bytes overruns its record`);
  const out = c.buf.subarray(c.pos, c.pos + n);
  c.pos += n;
  return out;
}
