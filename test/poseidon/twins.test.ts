// Fast kernels against their plain twins on random inputs: the optimized permutation equals the
// textbook one on the full state, and the ADX multiply equals the portable one, for every arity
// sealing uses (plus 4 and 16 for coverage).
import { describe, expect, it } from 'vitest';
import { frKernels, poseidonHashMany, poseidonKernels, poseidonPermute } from '../../src/native/poseidon.js';
import { R, hex, le, seededElements, seededFr } from './helpers.js';

describe('plain == optimized, portable == adx', () => {
  for (const arity of [2, 4, 8, 11, 16]) {
    it(`arity ${arity}: full-state permutations of random states (values up to r − 1)`, () => {
      const vals = seededFr(`state-${arity}`, 20 * (arity + 1));
      for (let k = 0; k < 20; k++) {
        const state = vals.slice(k * (arity + 1), (k + 1) * (arity + 1)).map(le);
        if (k === 0) state[0] = le(R - 1n);
        const ref = poseidonPermute(arity, state, { form: 'plain', kernel: 'portable' }).map(hex);
        for (const form of ['plain', 'optimized'] as const)
          for (const kernel of frKernels()) expect(poseidonPermute(arity, state, { form, kernel }).map(hex)).toEqual(ref);
      }
    });
  }
  for (const arity of [2, 4, 8, 11]) {
    it(`arity ${arity}: batches of 1…9 hashes (4-hash lockstep groups and the one-at-a-time rest) equal hashing each alone`, () => {
      const inputs = seededElements(`lanes-${arity}`, 45 * arity);
      const single = (k: number) => hex(poseidonHashMany(arity, inputs.subarray(k * arity * 32, (k + 1) * arity * 32), { form: 'plain', kernel: 'portable' }));
      const alone = Array.from({ length: 45 }, (_, k) => single(k));
      let off = 0;
      for (let n = 1; n <= 9; off += n, n++)
        for (const kernel of frKernels())
          expect(hex(poseidonHashMany(arity, inputs.subarray(off * arity * 32, (off + n) * arity * 32), { form: 'optimized', kernel }))).toBe(alone.slice(off, off + n).join(''));
    });
  }
  for (const arity of [2, 8, 11]) {
    it(`arity ${arity}: 300 MerkleTree hashes in one batch agree across forms and kernels`, () => {
      const inputs = seededElements(`batch-${arity}`, 300 * arity);
      // extremes: r − 1 everywhere in the first hash, zeros in the second
      for (let i = 0; i < arity; i++) inputs.set(le(R - 1n), i * 32);
      inputs.fill(0, arity * 32, 2 * arity * 32);
      const ref = hex(poseidonHashMany(arity, inputs, { form: 'plain', kernel: 'portable' }));
      for (const form of ['plain', 'optimized'] as const)
        for (const kernel of frKernels()) expect(hex(poseidonHashMany(arity, inputs, { form, kernel }))).toBe(ref);
      if (poseidonKernels().includes('ifma')) {
        expect(hex(poseidonHashMany(arity, inputs, { form: 'optimized', kernel: 'ifma' }))).toBe(ref);
        // partial batches: 1, 7, 9 hashes (lanes beyond the input are padding)
        for (const n of [1, 7, 9])
          expect(hex(poseidonHashMany(arity, inputs.subarray(0, n * arity * 32), { form: 'optimized', kernel: 'ifma' }))).toBe(ref.slice(0, n * 64));
      }
    });
  }
});
