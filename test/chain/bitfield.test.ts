// RLE+ decoding against vectors written by go-bitfield (tools/bitfield-gen → fixtures/bitfields):
// the bytes, the node's JSON text and the set bits all come from the reference implementation.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BitfieldError,
  bitfieldFromJson,
  bitfieldToJson,
  bitsOf,
  countBits,
  decodeRlePlus,
  decodeRlePlusRuns,
  encodeRlePlus,
  unionRanges,
} from '../../src/chain/bitfield.js';
import { parseJsonExact, stringifyJsonExact } from '../../src/chain/json-exact.js';

const dir = fileURLToPath(new URL('../../fixtures/bitfields/', import.meta.url));
interface Vector {
  name: string;
  setRanges: [string, string][];
  count: string;
  rleHex: string;
  json: string;
  runs: string[];
}
const vectors: Vector[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'odd-bytes.json')
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Vector);
const odd = JSON.parse(readFileSync(join(dir, 'odd-bytes.json'), 'utf8')) as { name: string; rleHex: string; error?: string; runs?: string[] }[];
const ranges = (v: Vector) => v.setRanges.map(([a, b]) => [BigInt(a), BigInt(b)]);

describe('RLE+ bitfields (go-bitfield vectors)', () => {
  it('has the vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(15);
    expect(vectors.map((v) => v.name)).toContain('beyond-2pow53');
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s: RLE+ bytes decode to the set', (_n, v) => {
    const got = decodeRlePlus(Buffer.from(v.rleHex, 'hex'));
    expect(got).toEqual(ranges(v));
    expect(countBits(got)).toBe(BigInt(v.count));
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s: the node JSON decodes to the set, exact beyond 2^53', (_n, v) => {
    expect(bitfieldFromJson(parseJsonExact(v.json))).toEqual(ranges(v));
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s: encoding gives the reference bytes and JSON', (_n, v) => {
    const set = ranges(v) as [bigint, bigint][];
    expect(Buffer.from(encodeRlePlus(set)).toString('hex')).toBe(v.rleHex);
    expect(bitfieldToJson(set).map(String)).toEqual(v.runs);
    expect(stringifyJsonExact(bitfieldToJson(set))).toBe(v.json);
  });

  it.each(odd.map((o) => [o.name, o] as const))('odd bytes %s: rejected or read exactly as go-bitfield does', (_n, o) => {
    const bytes = Buffer.from(o.rleHex, 'hex');
    if (o.error) {
      expect(() => decodeRlePlusRuns(bytes)).toThrow(BitfieldError);
    } else {
      const runs = decodeRlePlusRuns(bytes);
      const asJson = runs.length === 0 ? ['0'] : [...(runs[0]!.set ? ['0'] : []), ...runs.map((r) => String(r.length))];
      expect(asJson).toEqual(o.runs);
    }
  });

  it('JSON with a zero run past the start, negative or fractional runs is refused', () => {
    expect(() => bitfieldFromJson([3, 0, 2])).toThrow(/zero-length run/);
    expect(() => bitfieldFromJson([-1])).toThrow(BitfieldError);
    expect(() => bitfieldFromJson([1.5])).toThrow(BitfieldError);
    expect(() => bitfieldFromJson({ runs: [] })).toThrow(/JSON array/);
    expect(() => bitfieldFromJson(['18446744073709551615', '1'])).toThrow(/2\^64/);
  });

  it('union and listing', () => {
    const a = bitfieldFromJson([3, 2, 5, 1]); // {3,4,10}
    const b = bitfieldFromJson([5, 3]); // {5,6,7}
    expect(bitsOf(unionRanges(a, b), 100)).toEqual([3n, 4n, 5n, 6n, 7n, 10n]);
    expect(() => bitsOf(bitfieldFromJson([0, 1000]), 10, 'faults')).toThrow(/faults has 1000 bits set/);
  });
});

describe('exact JSON', () => {
  it('keeps integers beyond 2^53 as decimal strings, leaves strings and small numbers alone', () => {
    expect(parseJsonExact('{"a":18446744073709551615,"b":"12345678901234567890","c":-1.5e3,"d":[9007199254740993,1]}')).toEqual({
      a: '18446744073709551615',
      b: '12345678901234567890',
      c: -1500,
      d: ['9007199254740993', 1],
    });
    expect(parseJsonExact('"x\\"9999999999999999999"')).toBe('x"9999999999999999999');
  });
  it('writes bigints digit for digit', () => {
    expect(stringifyJsonExact({ params: ['f01000', 9007199254740993n, null] })).toBe('{"params":["f01000",9007199254740993,null]}');
  });
});
