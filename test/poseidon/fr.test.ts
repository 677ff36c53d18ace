// Fr arithmetic against JS BigInt (independent reference), for every multiply kernel.
import { describe, expect, it } from 'vitest';
import { frIsCanonical, frKernels, frMul, frOp } from '../../src/native/poseidon.js';
import { R, fromLe, le, seededFr } from './helpers.js';

const modpow = (b: bigint, e: bigint): bigint => {
  let r = 1n;
  let x = b % R;
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) r = (r * x) % R;
    x = (x * x) % R;
  }
  return r;
};

const EDGE = [0n, 1n, 2n, R - 1n, R - 2n, (R - 1n) / 2n, (R + 1n) / 2n, (1n << 254n) - 1n, 1n << 254n, 1n << 64n,
  (1n << 64n) - 1n, 1n << 128n, R - (1n << 64n), 0xffffffff00000000n, 3n << 250n];
const RANDOM = seededFr('fr-test', 200);
const VALUES = [...EDGE, ...RANDOM];

describe('Fr vs BigInt', () => {
  for (const kernel of frKernels()) {
    it(`${kernel}: add, sub, mul, square, inverse on edge cases and random values`, () => {
      for (let i = 0; i < VALUES.length; i++) {
        const a = VALUES[i]!;
        const b = VALUES[(i * 7 + 3) % VALUES.length]!;
        expect(fromLe(frOp('+', le(a), le(b), kernel))).toBe((a + b) % R);
        expect(fromLe(frOp('-', le(a), le(b), kernel))).toBe((((a - b) % R) + R) % R);
        expect(fromLe(frOp('*', le(a), le(b), kernel))).toBe((a * b) % R);
        expect(fromLe(frMul(le(a), le(b), kernel))).toBe((a * b) % R);
        expect(fromLe(frOp('sq', le(a), undefined, kernel))).toBe((a * a) % R);
      }
      for (const a of [...EDGE.slice(1), ...RANDOM.slice(0, 10)]) {
        expect(fromLe(frOp('inv', le(a), undefined, kernel))).toBe(modpow(a, R - 2n));
      }
    });
  }

  it.skipIf(!frKernels().includes('adx'))('portable and ADX multiplication agree on every pair of edge values', () => {
    for (const a of EDGE) for (const b of EDGE) expect(frOp('*', le(a), le(b), 'adx')).toEqual(frOp('*', le(a), le(b), 'portable'));
  });

  it('rejects non-canonical encodings exactly at r (docs/poseidon.md#element-encoding cases)', () => {
    const ff = (last: number[]) => {
      const b = new Uint8Array(32).fill(0xff);
      b.set(last, 32 - last.length);
      return b;
    };
    expect(frIsCanonical(ff([0x73]))).toBe(false);
    expect(frIsCanonical(ff([0x72]))).toBe(true);
    expect(frIsCanonical(ff([0xec, 0x73]))).toBe(true);
    expect(frIsCanonical(ff([0xed, 0x73]))).toBe(false);
    expect(frIsCanonical(le(R))).toBe(false);
    expect(frIsCanonical(le(R - 1n))).toBe(true);
    expect(() => frOp('*', le(R), le(1n))).toThrow(/not a canonical field element/);
  });
});
