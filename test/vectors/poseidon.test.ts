// The oracle's Poseidon vectors (neptune 11 with the constants filecoin-hashers builds) against
// docs/poseidon.md#known-answer-vectors (neptune's own `hash_values` test), and their structure.
import { describe, expect, it } from 'vitest';
import { loadPoseidonVectors } from '../helpers/vectors.js';

const FR_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const leInt = (h: string): bigint => BigInt('0x' + Buffer.from(h, 'hex').reverse().toString('hex'));

describe('fixtures/vectors/poseidon vs docs/poseidon.md#known-answer-vectors', () => {
  const v = loadPoseidonVectors();

  it.each([
    ['2', 'ffe7029a363c202e9da6059d33a9fba661e1ef02d90f9e736ba5765ed7086539'],
    ['8', 'e6a5386df534992ad9aec49c9d2e684b777067114200011255dea5a31d619423'],
    ['11', '6331692bc3bbe3cec18fb0ccd8dcf3097ae8eb32e237a56c287f22e5b2c10f0c'],
  ] as const)('arity %s, preimage 0..arity-1', (arity, expected) => {
    const c = v.arity[arity][0]!;
    expect(c.inputs.map(leInt)).toEqual(Array.from({ length: Number(arity) }, (_, i) => BigInt(i)));
    expect(c.output).toBe(expected);
  });

  it('every case has `arity` canonical inputs and a canonical output', () => {
    for (const [arity, cases] of Object.entries(v.arity)) {
      expect(cases.length).toBeGreaterThanOrEqual(4);
      for (const c of cases) {
        expect(c.inputs).toHaveLength(Number(arity));
        for (const x of [...c.inputs, c.output]) {
          expect(x).toMatch(/^[0-9a-f]{64}$/);
          expect(leInt(x) < FR_MODULUS).toBe(true);
        }
      }
      expect(cases.find((c) => c.what === 'all r-1')!.inputs.every((x) => leInt(x) === FR_MODULUS - 1n)).toBe(true);
    }
  });
});
