// RLE+ bitfields (docs/chain.md#bitfields): the actors' encoding of sector sets (faults,
// recoveries, a partition's sectors). A Lotus node returns them in JSON as the run-length array
// [unset, set, unset, …] (a leading 0 when bit 0 is set; [0] when empty); CBOR state holds the RLE+
// bytes. Values are u64, so every number stays a bigint here.
import { InputError } from '../errors.js';

/** Set bits as inclusive [first, last] ranges, ascending and non-adjacent. */
export type BitRanges = readonly (readonly [bigint, bigint])[];

/** A run of `length` bits, all set or all unset. */
export interface Run {
  readonly set: boolean;
  readonly length: bigint;
}

export class BitfieldError extends InputError {
  override name = 'BitfieldError';
}

const U64_MAX = (1n << 64n) - 1n;

/** LSB-first bit reader; past the end it reads zeros (which decode as the terminating zero run). */
class BitReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  bit(): number {
    const byte = this.bytes[this.pos >> 3] ?? 0;
    const b = (byte >> (this.pos & 7)) & 1;
    this.pos++;
    return b;
  }
  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v |= this.bit() << i;
    return v;
  }
}

/** The run lengths of an RLE+ byte string, as the reference decoder reads them. */
export function decodeRlePlusRuns(bytes: Uint8Array, where = 'RLE+ bitfield'): Run[] {
  if (bytes.length === 0) return [];
  // The encoding is minimal: a zero last byte would be padding the encoder never writes.
  if (bytes[bytes.length - 1] === 0) throw new BitfieldError(`${where}: not minimally encoded (trailing zero byte)`);
  const r = new BitReader(bytes);
  const version = r.bits(2);
  if (version !== 0) throw new BitfieldError(`${where}: unknown RLE+ version ${version} (only version 0 exists)`);
  let set = r.bit() === 1;
  const runs: Run[] = [];
  let total = 0n;
  for (;;) {
    let length: bigint;
    if (r.bit() === 1) length = 1n;
    else if (r.bit() === 1) length = BigInt(r.bits(4));
    else length = varint(r, where);
    if (length === 0n) break; // the terminator (explicit, or the zero padding after the last run)
    total += length;
    if (total > U64_MAX) throw new BitfieldError(`${where}: runs add up to more than 2^64-1 bits`);
    runs.push({ set, length });
    set = !set;
  }
  return runs;
}

/** Unsigned LEB128 over the bit stream, with the reference's limits (10 bytes, no zero continuation byte). */
function varint(r: BitReader, where: string): bigint {
  let x = 0n;
  let shift = 0n;
  for (let i = 0; ; i++) {
    if (i === 10) throw new BitfieldError(`${where}: run length longer than 64 bits`);
    const b = r.bits(8);
    if (b < 0x80) {
      if (i === 9 && b > 1) throw new BitfieldError(`${where}: run length longer than 64 bits`);
      if (b === 0 && shift > 0n) throw new BitfieldError(`${where}: invalid run length (zero continuation byte)`);
      return x | (BigInt(b) << shift);
    }
    x |= BigInt(b & 0x7f) << shift;
    shift += 7n;
  }
}

/** The set bits of an RLE+ byte string. */
export const decodeRlePlus = (bytes: Uint8Array, where?: string): BitRanges => rangesOfRuns(decodeRlePlusRuns(bytes, where));

/** RLE+ bytes for a set (the bytes the reference encoder writes for it). */
export function encodeRlePlus(ranges: BitRanges): Uint8Array {
  const runs = runsOfRanges(ranges);
  if (runs.length === 0) return new Uint8Array(0);
  const bits: number[] = [0, 0, runs[0]!.set ? 1 : 0];
  const push = (v: number, n: number) => {
    for (let i = 0; i < n; i++) bits.push((v >> i) & 1);
  };
  for (const { length } of runs) {
    if (length === 1n) bits.push(1);
    else if (length < 16n) {
      bits.push(0, 1);
      push(Number(length), 4);
    } else {
      bits.push(0, 0);
      let v = length;
      for (;;) {
        const low = Number(v & 0x7fn);
        v >>= 7n;
        push(v === 0n ? low : low | 0x80, 8);
        if (v === 0n) break;
      }
    }
  }
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => (out[i >> 3]! |= b << (i & 7)));
  let end = out.length;
  while (end > 0 && out[end - 1] === 0) end--;
  return out.subarray(0, end);
}

/**
 * A node's JSON bitfield: the run lengths, unset first ([0, …] when bit 0 is set). Elements may be
 * JSON numbers or decimal strings (our JSON reader turns integers beyond 2^53 into strings).
 */
export function bitfieldFromJson(value: unknown, where = 'bitfield'): BitRanges {
  if (!Array.isArray(value)) throw new BitfieldError(`${where}: a bitfield must be a JSON array of run lengths, got ${JSON.stringify(value)?.slice(0, 60)}`);
  const runs: Run[] = [];
  let total = 0n;
  value.forEach((v, i) => {
    const length = u64(v, `${where}[${i}]`);
    if (length === 0n) {
      if (i !== 0) throw new BitfieldError(`${where}[${i}]: a zero-length run is only allowed first`);
      return;
    }
    total += length;
    if (total > U64_MAX) throw new BitfieldError(`${where}: runs add up to more than 2^64-1 bits`);
    runs.push({ set: i % 2 === 1, length });
  });
  return rangesOfRuns(runs);
}

/** The JSON run-length array a Lotus node would send for this set. */
export function bitfieldToJson(ranges: BitRanges): bigint[] {
  const runs = runsOfRanges(ranges);
  if (runs.length === 0) return [0n];
  return [...(runs[0]!.set ? [0n] : []), ...runs.map((r) => r.length)];
}

function u64(v: unknown, where: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d{1,20}$/.test(v) && BigInt(v) <= U64_MAX) return BigInt(v);
  if (typeof v === 'bigint' && v >= 0n && v <= U64_MAX) return v;
  throw new BitfieldError(`${where}: run length must be an unsigned 64-bit integer, got ${String(v)}`);
}

export function rangesOfRuns(runs: readonly Run[]): BitRanges {
  const out: [bigint, bigint][] = [];
  let pos = 0n;
  for (const r of runs) {
    if (r.set) {
      const last = out[out.length - 1];
      if (last && last[1] + 1n === pos) last[1] = pos + r.length - 1n;
      else out.push([pos, pos + r.length - 1n]);
    }
    pos += r.length;
  }
  return out;
}

function runsOfRanges(ranges: BitRanges): Run[] {
  const runs: Run[] = [];
  let pos = 0n;
  for (const [a, b] of normalize(ranges)) {
    if (a > pos) runs.push({ set: false, length: a - pos });
    runs.push({ set: true, length: b - a + 1n });
    pos = b + 1n;
  }
  return runs;
}

/** Sorted, merged ranges (adjacent or overlapping ones joined). */
export function normalize(ranges: BitRanges): BitRanges {
  const sorted = [...ranges].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [a, b] of sorted) {
    if (b < a) throw new BitfieldError(`bit range ${a}-${b} is empty`);
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1n) {
      if (b > last[1]) last[1] = b;
    } else out.push([a, b]);
  }
  return out;
}

/** Union of several sets (faults ∪ recoveries). */
export const unionRanges = (...sets: BitRanges[]): BitRanges => normalize(sets.flat());

export function countBits(ranges: BitRanges): bigint {
  let n = 0n;
  for (const [a, b] of ranges) n += b - a + 1n;
  return n;
}

/** Every set bit, ascending; refuses sets larger than `max` (a sector list, not a whole miner). */
export function bitsOf(ranges: BitRanges, max: number, what = 'bitfield'): bigint[] {
  const n = countBits(ranges);
  if (n > BigInt(max)) throw new BitfieldError(`${what} has ${n} bits set, more than the ${max} this command handles at once`);
  const out: bigint[] = [];
  for (const [a, b] of ranges) for (let i = a; i <= b; i++) out.push(i);
  return out;
}
