// Parents of sampled nodes of the large graphs (512MiB, 32GiB, 64GiB; V1, V1_1, SyntheticPoRep,
// NI-PoRep) against rust-fil-proofs 19.1.0's own StackedBucketGraph (fixtures/reference-parents.json,
// generator fixtures/reference-parents.rs). This is what settles the V1_0 u32 truncation at
// 32/64GiB (docs/sdr.md#verification-status, §11.8), which no manifest digest covers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sealProof } from '../../src/proofs/registry.js';
import { graphParams } from '../../src/seal/graph-seeds.js';
import { graphParents } from '../../src/native/graph.js';

interface Case {
  id: number;
  name: string;
  api_version: string;
  nodes: number;
  parents: Array<{ node: number; parents: number[] }>;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/reference-parents.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('large-graph parents vs rust-fil-proofs StackedBucketGraph', () => {
  it('covers the V1_0 truncation graphs (32GiB and 64GiB V1) and the V1_1+/V1_2 ones', () => {
    expect(fixture.cases.map((c) => c.id)).toEqual(expect.arrayContaining([3, 4, 8, 9, 13, 14, 18, 19]));
  });

  it.each(fixture.cases.map((c) => [c.id, c] as const))('proof %i', (id, c) => {
    const proof = sealProof(id);
    expect(proof.name).toBe(c.name);
    expect(proof.apiVersion).toBe(c.api_version);
    expect(Number(proof.nodes)).toBe(c.nodes);
    const p = graphParams(proof);
    for (const { node, parents } of c.parents) expect(Array.from(graphParents(p, node, 1)), `node ${node}`).toEqual(parents);
  });
});
