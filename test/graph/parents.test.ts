// Parents of single nodes against docs/sdr.md#worked-example-parents and the graph properties of §9.2.
import { describe, expect, it } from 'vitest';
import { sealProof } from '../../src/proofs/registry.js';
import { graphParams } from '../../src/seal/graph-seeds.js';
import { graphKernels, graphParents } from '../../src/native/graph.js';

const parentsOf = (id: number, node: bigint | number) => Array.from(graphParents(graphParams(sealProof(id)), node, 1));

// docs/sdr.md#worked-example-parents, each as [b0..b5, e0..e7]
const VECTORS: Array<[number, bigint, number[]]> = [
  [5, 0n, [0, 0, 0, 0, 0, 0, 4, 9, 60, 1, 14, 26, 26, 4]],
  [5, 1n, [0, 0, 0, 0, 0, 0, 6, 12, 35, 43, 23, 34, 58, 2]],
  [5, 2n, [1, 1, 1, 0, 1, 0, 30, 28, 55, 63, 63, 36, 37, 36]],
  [5, 3n, [2, 1, 1, 2, 2, 2, 10, 46, 59, 7, 43, 29, 9, 16]],
  [5, 63n, [62, 15, 42, 62, 61, 62, 0, 15, 30, 30, 28, 42, 49, 38]],
  [0, 2n, [0, 1, 1, 1, 1, 1, 32, 49, 26, 57, 3, 4, 47, 63]],
  [0, 63n, [62, 61, 56, 62, 37, 62, 49, 37, 35, 41, 52, 50, 54, 5]],
  [8, 2n, [1, 1, 0, 1, 0, 0, 694934376, 792214855, 560882435, 923855168, 468160064, 444658509, 700174899, 650486437]],
  [8, 1073741823n, [1073741822, 1073258530, 440642413, 663190843, 1073741654, 1073741786,
    307718517, 715446084, 558280128, 265147410, 110937796, 626719228, 201839602, 653041812]],
  [3, 2n, [0, 0, 1, 0, 0, 1, 400853530, 328272173, 484523968, 337953528, 195912658, 380473339, 445606617, 401399919]],
  [9, 2n, [1, 1, 0, 1, 0, 0, 712831275, 1199298225, 376978799, 1694222890, 1893784888, 258014408, 1369861727, 1689646049]],
];

describe('parents of listed nodes (docs/sdr.md#worked-example-parents)', () => {
  it.each(VECTORS)('proof %i node %i', (id, node, want) => {
    expect(parentsOf(id, node)).toEqual(want);
  });

  it('a range call equals single-node calls (record layout is 14 u32 per node)', () => {
    const p = graphParams(sealProof(5));
    const all = graphParents(p, 0, 64);
    for (const v of [0, 1, 2, 3, 63]) expect(Array.from(all.subarray(v * 14, v * 14 + 14))).toEqual(parentsOf(5, v));
  });
});

describe('graph properties (docs/vectors.md#graph-vectors)', () => {
  // ids: 2KiB V1 / V1_1 / Synthetic / NI, 8MiB V1 / V1_1
  const whole = [0, 5, 10, 15, 1, 6];

  it.each(whole)('proof %i: nodes 0 and 1 have all-zero base parents', (id) => {
    const p = graphParams(sealProof(id));
    const r = graphParents(p, 0, 2);
    expect(Array.from(r.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(r.subarray(14, 20))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it.each(whole)('proof %i: predecessor in slot 5 (V1_0) or slot 0 (V1_1+), base parents < node, no self-reference', (id) => {
    const proof = sealProof(id);
    const p = graphParams(proof);
    const n = Math.min(Number(proof.nodes), 1 << 14);
    const r = graphParents(p, 0, n);
    const predSlot = proof.apiVersion === 'V1_0_0' ? 5 : 0;
    const bad: string[] = [];
    for (let v = 2; v < n; v++) {
      const b = r.subarray(v * 14, v * 14 + 6);
      if (b[predSlot] !== v - 1) bad.push(`node ${v}: slot ${predSlot} = ${b[predSlot]}`);
      if (b.some((x) => x >= v)) bad.push(`node ${v}: base parents ${Array.from(b)} not all < ${v}`);
    }
    expect(bad).toEqual([]);
  });

  it.each([0, 5, 10, 15])('proof %i (2KiB): every node is an expander parent exactly 8 times (Feistel is a bijection on 8N)', (id) => {
    const r = graphParents(graphParams(sealProof(id)), 0, 64);
    const count = new Array<number>(64).fill(0);
    for (let v = 0; v < 64; v++) for (let i = 6; i < 14; i++) count[r[v * 14 + i]!]!++;
    expect(count.every((c) => c === 8)).toBe(true);
  });

  it('V1_0 32GiB expander parents stay below N/2 (u32 truncation); V1_1 32GiB reaches above it', () => {
    const sample = (id: number) => {
      const p = graphParams(sealProof(id));
      const out: number[] = [];
      for (let k = 0; k < 64; k++) {
        const v = BigInt(k) * 16777213n + 2n; // spread over [0, 2^30)
        out.push(...Array.from(graphParents(p, v, 1).subarray(6)));
      }
      return out;
    };
    const half = 2 ** 29;
    expect(sample(3).every((e) => e < half)).toBe(true);
    expect(sample(8).some((e) => e >= half)).toBe(true);
  });

  it('64GiB: V1_0 expander parents stay below 2^29, V1_1/V1_2 exceed it among the first nodes (rfp test_high_parent_bits)', () => {
    const exp = (id: number) => Array.from(graphParents(graphParams(sealProof(id)), 0, 64)).filter((_, i) => i % 14 >= 6);
    expect(exp(4).every((e) => e < 2 ** 29)).toBe(true);
    expect(exp(9).some((e) => e >= 2 ** 29)).toBe(true);
    expect(exp(19).some((e) => e >= 2 ** 29)).toBe(true);
  });

  it('the V1_0 and V1_1 graphs of one sector size differ (different porep ids)', () => {
    expect(parentsOf(0, 10)).not.toEqual(parentsOf(5, 10));
  });

  it('rejects ranges outside the graph with a clear error', () => {
    expect(() => graphParents(graphParams(sealProof(5)), 60, 5)).toThrow(/inside \[0, nodes\)/);
  });
});

describe('fast graph kernels equal the portable twin', () => {
  const kernels = graphKernels().supported.filter((k) => k !== 'portable');
  it('the default kernel is one of the supported ones', () => {
    expect(graphKernels().supported).toContain(graphKernels().best);
  });
  // 2KiB V1 and V1_1 whole; 8MiB (cycle walking on every other draw) and 32GiB/64GiB V1 and V1_1 slices.
  const cases: Array<[number, bigint, number]> = [[0, 0n, 64], [5, 0n, 64], [6, 0n, 4096], [1, 200000n, 2048], [3, 987654321n, 1024], [8, 5n, 1024], [4, 2147482000n, 1024], [9, 0n, 1024]];
  it.each(kernels)('%s', (kernel) => {
    for (const [id, start, count] of cases) {
      const p = graphParams(sealProof(id));
      const fast = graphParents(p, start, count, kernel);
      const plain = graphParents(p, start, count, 'portable');
      expect(Buffer.from(fast.buffer).equals(Buffer.from(plain.buffer)), `proof ${id} from ${start}`).toBe(true);
    }
  });
});
