// The graph against the reference oracle (fixtures/vectors/*.json, written by tools/oracle running
// rust-fil-proofs 19.1.0's own ParentCache): cache file names, whole-file digests and sampled
// parents for every proof the vectors cover, including SyntheticPoRep / NI-PoRep (ids 10, 11, 15,
// 16) for which no upstream manifest digest exists.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealProof } from '../../src/proofs/registry.js';
import { graphParams, parentsCacheFileName } from '../../src/seal/graph-seeds.js';
import { graphParents, writeParentsCache } from '../../src/native/graph.js';
import { allVectors, type OracleVector } from '../helpers/vectors.js';

// one vector per proof id is enough: the graph depends only on the proof
const byProof = new Map<number, OracleVector>();
for (const { vector } of allVectors()) if (!byProof.has(vector.proof.id)) byProof.set(vector.proof.id, vector);
const cases = [...byProof.entries()].sort((a, b) => a[0] - b[0]);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'graph-oracle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('graph vs the reference oracle', () => {
  it('covers V1, V1_1, SyntheticPoRep and NI-PoRep graphs', () => {
    expect(cases.map(([id]) => id)).toEqual(expect.arrayContaining([0, 5, 10, 15, 1, 6, 11, 16]));
  });

  it.each(cases)('proof %i: file name and sampled parents', (id, v) => {
    const proof = sealProof(id);
    expect(parentsCacheFileName(proof)).toBe(v.parents_cache.file);
    const p = graphParams(proof);
    for (const { node, parents } of v.parents) expect(Array.from(graphParents(p, node, 1)), `node ${node}`).toEqual(parents);
  });

  it.each(cases.filter(([id]) => id >= 10))('proof %i: whole-file SHA-256 equals the reference ParentCache file', async (id, v) => {
    const path = join(dir, v.parents_cache.file);
    await writeParentsCache(graphParams(sealProof(id)), path);
    expect(createHash('sha256').update(await readFile(path)).digest('hex')).toBe(v.parents_cache.sha256);
    await rm(path);
  });
});
