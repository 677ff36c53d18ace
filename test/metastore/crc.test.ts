import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { crc32cOf, maskCrc, unmaskCrc } from '../../src/metastore/crc.js';
import { applyCorrection, findSingleBitCorrection } from '../../src/metastore/crc-correct.js';

// deterministic pseudo-random bytes (SHA-256 in counter mode)
function bytes(seed: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0, c = 0; i < n; c++) {
    const d = createHash('sha256').update(`${seed}/${c}`).digest();
    out.set(d.subarray(0, Math.min(32, n - i)), i);
    i += 32;
  }
  return out;
}

describe('CRC-32C and LevelDB masking', () => {
  it('matches the CRC-32C check value and the RFC 3720 B.4 vectors (as in leveldb util/crc32c_test.cc)', () => {
    expect(crc32cOf(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32cOf(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32cOf(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32cOf(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32cOf(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('continues a CRC across chunks', () => {
    const a = bytes('chunks', 1000);
    expect(crc32cOf(a.subarray(300), crc32cOf(a.subarray(0, 300)))).toBe(crc32cOf(a));
  });

  it('masks as leveldb does: rotate right 15, add 0xa282ead8; unmask inverts it', () => {
    // BigInt model of the formula in docs/leveldb.md#crc32c-and-masking
    const model = (c: bigint) => ((((c >> 15n) | (c << 17n)) & 0xffffffffn) + 0xa282ead8n) & 0xffffffffn;
    for (const c of [0, 1, 0xe3069283, 0xffffffff, 0x80000000, 0x12345678]) {
      expect(maskCrc(c)).toBe(Number(model(BigInt(c))));
      expect(unmaskCrc(maskCrc(c))).toBe(c);
      expect(maskCrc(c)).not.toBe(c);
    }
  });
});

describe('single-bit correction', () => {
  it('restores a block with any one bit flipped, bit-exactly', () => {
    for (let t = 0; t < 40; t++) {
      const orig = bytes(`blk${t}`, 200 + t * 97);
      const crc = crc32cOf(orig);
      const bad = Uint8Array.from(orig);
      const pos = (t * 7919) % bad.length;
      const xor = 1 << (t % 8);
      bad[pos]! ^= xor;
      const fix = findSingleBitCorrection(bad, crc, crc32cOf(bad));
      expect(fix).toEqual({ position: pos, xor });
      expect(Buffer.compare(applyCorrection(bad, fix!), orig)).toBe(0);
    }
  });

  it('refuses a byte with several bits changed, and wider damage, instead of guessing', () => {
    for (let t = 0; t < 20; t++) {
      const orig = bytes(`multi${t}`, 4096);
      const crc = crc32cOf(orig);
      const bad = Uint8Array.from(orig);
      bad[(t * 211) % bad.length]! ^= 0xff;
      expect(findSingleBitCorrection(bad, crc, crc32cOf(bad))).toBeNull();
    }
    for (let t = 0; t < 20; t++) {
      const orig = bytes(`wide${t}`, 4096);
      const crc = crc32cOf(orig);
      const bad = Uint8Array.from(orig);
      for (let i = 0; i < 16; i++) bad[100 + t * 50 + i * 7]! ^= 0x5a;
      expect(findSingleBitCorrection(bad, crc, crc32cOf(bad))).toBeNull();
    }
  });

  it('agrees with brute force (every bit flipped in turn, CRC recomputed) on short records', () => {
    for (let t = 0; t < 12; t++) {
      const orig = bytes(`brute${t}`, 24 + t * 5);
      const crc = crc32cOf(orig);
      const bad = Uint8Array.from(orig);
      bad[(t * 13) % bad.length]! ^= 1 << (t % 8);
      const brute: Array<{ position: number; xor: number }> = [];
      for (let p = 0; p < bad.length; p++) {
        for (let b = 0; b < 8; b++) {
          const m = Uint8Array.from(bad);
          m[p]! ^= 1 << b;
          if (crc32cOf(m) === crc) brute.push({ position: p, xor: 1 << b });
        }
      }
      expect(brute).toHaveLength(1);
      expect(findSingleBitCorrection(bad, crc, crc32cOf(bad))).toEqual(brute[0]);
    }
  });

  it('reports nothing to correct when the CRC already matches', () => {
    const orig = bytes('same', 100);
    expect(findSingleBitCorrection(orig, crc32cOf(orig), crc32cOf(orig))).toBeNull();
  });
});
