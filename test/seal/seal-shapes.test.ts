// The 32GiB/64GiB code paths on sectors small enough for the suite: every custom-size 8-8-0 / 8-8-2
// vector (fixtures/vectors/shapes, rust-fil-proofs' own setup of the 32GiB/64GiB proofs with the
// node count replaced, 11 layers) is sealed by sealSector with a SealProof built from the vector's
// setup, and every file — layers, tree-d, each base tree of tree-c and tree-r-last, p_aux, t_aux,
// sealed — must equal the reference's byte for byte.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/proofs/index.js';
import { parentsCacheFileName } from '../../src/seal/graph-seeds.js';
import { shapeVectors } from '../helpers/vectors.js';
import { sealLikeReference, sha256 } from './helpers/oracle-files.js';
import { shapeVectorProof } from './helpers/shapes.js';

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-shapes-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const vectors = shapeVectors();

describe('sealSector reproduces rust-fil-proofs on the custom-size 8-8-0 / 8-8-2 vectors', () => {
  it('there are vectors of both shapes', () => {
    const shapes = new Set(vectors.map((v) => v.vector.setup.shape.name));
    expect([...shapes].sort()).toEqual(['8-8-0', '8-8-2']);
  });

  it.each(vectors.map((v) => ({ ...v, label: v.name })))('$label', async ({ name, vector: v }) => {
    const proof = shapeVectorProof(v);
    expect([proof.baseTrees, proof.nodesPerBaseTree]).toEqual([v.setup.shape.base_tree_count, BigInt(v.setup.shape.base_tree_leaves)]);
    expect(proof.apiVersion).toBe(v.setup.api_version);
    expect([...proof.features]).toEqual([...v.setup.features]);
    expect(toHex(proof.porepId)).toBe(v.setup.porep_id);

    const dir = path.join(tmp, name);
    await mkdir(dir);
    const parentsDir = path.join(tmp, 'parents');
    await sealLikeReference(v, proof, dir, parentsDir);
    expect(parentsCacheFileName(proof), 'parents cache name').toBe(v.parents_cache.file);
    expect(sha256(await readFile(path.join(parentsDir, v.parents_cache.file))), 'parents cache').toBe(v.parents_cache.sha256);
    await rm(dir, { recursive: true, force: true });
  });
});
