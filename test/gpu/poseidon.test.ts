// Poseidon on the OpenCL device: the reference's known answers (fixtures/vectors/poseidon, from
// neptune via the oracle), and a randomized differential against the CPU kernels over batch sizes,
// odd offsets/strides and the arity-8 levels a tree chunk uses.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { poseidonHashMany } from '../../src/native/poseidon.js';
import { KNOWN_ANSWERS_PATH, selfTest } from '../../src/gpu/self-test.js';
import { itGpu, session } from './helpers.js';

interface Ka {
  arity: Record<string, Array<{ inputs: string[]; output: string }>>;
}
const ka = JSON.parse(readFileSync(KNOWN_ANSWERS_PATH, 'utf8')) as Ka;

/** n random canonical elements (top byte masked below p's, so every element is < p). */
function elements(n: number): Buffer {
  const b = randomBytes(n * 32);
  for (let i = 0; i < n; i++) b[i * 32 + 31]! &= 0x3f;
  return b;
}

describe('Poseidon on the OpenCL device', () => {
  for (const [arity, limbs] of [2, 8, 11].flatMap((a) => [[a, 64], [a, 32]] as const)) {
    itGpu(`arity ${arity}, ${limbs}-bit field multiply: the reference's known answers`, async (d) => {
      const cases = ka.arity[String(arity)]!;
      expect(cases.length).toBeGreaterThan(0);
      const flat = Buffer.concat(cases.flatMap((c) => c.inputs.map((x) => Buffer.from(x, 'hex'))));
      const s = await session(d, limbs);
      expect(s.limbs).toBe(limbs);
      const out = await s.hashMany(arity, flat);
      expect(cases.map((_, k) => out.subarray(k * 32, k * 32 + 32).toString('hex'))).toEqual(cases.map((c) => c.output));
    });
  }

  itGpu('the self-test passes', async (d) => {
    const r = await selfTest(await session(d));
    expect(r.detail).toBeUndefined();
    expect(r.passed).toBe(true);
    expect(r.hashes).toBe(5 * (ka.arity['2']!.length + ka.arity['8']!.length + ka.arity['11']!.length));
  });

  itGpu('random batches of every arity and size equal the CPU kernel (both field multiplies)', async (d) => {
    for (const limbs of [64, 32] as const) {
      const s = await session(d, limbs);
      for (const arity of [2, 8, 11]) {
        for (const n of [1, 3, 7, 64, 65, 257]) {
          const flat = elements(n * arity);
          const gpu = await s.hashMany(arity, flat);
          expect(gpu.toString('hex'), `${limbs}-bit arity ${arity} n ${n}`).toBe(Buffer.from(poseidonHashMany(arity, flat)).toString('hex'));
        }
      }
    }
  });

  itGpu('column hashing at odd offsets (strided, layer-major) equals the CPU kernel', async (d) => {
    const s = await session(d);
    for (const [L, n, pad] of [[2, 9, 3], [11, 17, 5], [11, 64, 1]] as const) {
      // L layers of n + pad nodes each; hash the columns of nodes [pad, pad + n).
      const stride = n + pad;
      const layers = elements(L * stride);
      const rows = [];
      for (let v = pad; v < stride; v++) for (let l = 0; l < L; l++) rows.push(layers.subarray((l * stride + v) * 32, (l * stride + v + 1) * 32));
      const want = Buffer.from(poseidonHashMany(L, Buffer.concat(rows))).toString('hex');
      const got = await s.hashRows({ input: layers.subarray(pad * 32), arity: L, n, groupStride: 1, elemStride: stride, levels: 0 });
      expect(got.toString('hex'), `L ${L} n ${n} offset ${pad}`).toBe(want);
    }
  });

  itGpu('arity-8 levels above a pass equal hashing row by row on the CPU', async (d) => {
    const s = await session(d);
    const n = 8 ** 3;
    const leaves = elements(n * 8);
    const got = await s.hashRows({ input: leaves, arity: 8, n, groupStride: 8, elemStride: 1, levels: 3 });
    let row = Buffer.from(poseidonHashMany(8, leaves));
    const want = [row];
    for (let l = 0; l < 3; l++) want.push((row = Buffer.from(poseidonHashMany(8, row))));
    expect(got.toString('hex')).toBe(Buffer.concat(want).toString('hex'));
  });
});
