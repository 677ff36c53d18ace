// The 32GiB/64GiB code paths on sectors small enough for the suite: every custom-size 8-8-0 / 8-8-2
// vector (fixtures/vectors/shapes, rust-fil-proofs' own setup of the 32GiB/64GiB proofs with the
// node count replaced, 11 layers) is sealed by sealSector with a SealProof built from the vector's
// setup, and every file — layers, tree-d, each base tree of tree-c and tree-r-last, p_aux, t_aux,
// sealed — must equal the reference's byte for byte.
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCommitment, asReplicaId, fromHex, toHex } from '../../src/proofs/index.js';
import { graphParams, parentsCacheFileName } from '../../src/seal/graph-seeds.js';
import { sealSector } from '../../src/seal/seal.js';
import { testSettings } from '../helpers/settings.js';
import { shapeVectors } from '../helpers/vectors.js';
import { expectOracleFiles, sha256, stagedSector } from './helpers/oracle-files.js';
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
    graphParams(proof); // the graph seeds derive from the vector's porep_id

    const dir = path.join(tmp, name);
    const staged = stagedSector(v, proof.sectorBytes);
    let stagedPath: string | null = null;
    if (staged) {
      expect(sha256(staged.subarray(0, v.staged.size)), 'staged file').toBe(v.staged.sha256);
      stagedPath = path.join(tmp, `${name}.staged`);
      await writeFile(stagedPath, staged);
    }
    const cacheDir = path.join(dir, 'cache');
    const sealedPath = path.join(dir, 'sealed');
    const parentsCacheDir = path.join(tmp, 'parents');
    const out = await sealSector({
      proof,
      replicaId: asReplicaId(fromHex(v.replica_id)),
      commD: asCommitment(fromHex(v.comm_d)),
      stagedPath,
      cacheDir,
      sealedPath,
      settings: testSettings(parentsCacheDir),
    });
    expect(toHex(out.commC), 'comm_c').toBe(v.comm_c);
    expect(toHex(out.commRLast), 'comm_r_last').toBe(v.comm_r_last);
    expect(toHex(out.commR), 'comm_r').toBe(v.comm_r);

    expect(parentsCacheFileName(proof), 'parents cache name').toBe(v.parents_cache.file);
    expect(sha256(await readFile(path.join(parentsCacheDir, v.parents_cache.file))), 'parents cache').toBe(v.parents_cache.sha256);
    await expectOracleFiles(v, cacheDir, sealedPath);
    await rm(dir, { recursive: true, force: true });
    if (stagedPath) await rm(stagedPath, { force: true });
  });
});
