// PC1 and tree-d against the reference oracle (fixtures/vectors/*.json, written by rust-fil-proofs'
// own seal_pre_commit_phase1): layer-file digests, sampled labels, tree-d file digest and comm_d.
// Vectors that share a proof are labeled together in one interleaved batch, so the interleaved
// kernel is held against the reference directly; the 2KiB ones are also labeled one by one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fr32Pad } from '../../src/proofs/fr32.js';
import { stagedLayout } from '../../src/proofs/piece-layout.js';
import { sealProof, type SealProof } from '../../src/proofs/registry.js';
import type { ReplicaId } from '../../src/proofs/types.js';
import { runPc1, runPc1Batch } from '../../src/seal/pc1.js';
import { buildTreeD } from '../../src/seal/tree-d.js';
import { TREE_D as TREE_D_FILE } from '../../src/sector/cache-files.js';
import { allVectors, vectorPieceData, type NamedVector, type OracleVector } from '../helpers/vectors.js';
import { hex, parentsCacheFile, readLabel, removeTempDirs, sha256Hex, tempDir, unhex } from './helpers.js';

afterAll(removeTempDirs);

const vectors = allVectors();
const byProof = new Map<number, NamedVector[]>();
for (const v of vectors) byProof.set(v.vector.proof.id, [...(byProof.get(v.vector.proof.id) ?? []), v]);

const parents = new Map<number, string>();
beforeAll(async () => {
  const dir = await tempDir('oracle-parents-');
  for (const id of byProof.keys()) {
    const proof = sealProof(id);
    const path = await parentsCacheFile(proof, dir);
    // input sanity: the graph we label over is the reference's (its digest is in the vector)
    expect(sha256Hex(readFileSync(path))).toBe(byProof.get(id)![0]!.vector.parents_cache.sha256);
    parents.set(id, path);
  }
});

function checkLayers(v: OracleVector, proof: SealProof, dir: string): void {
  const got = Array.from({ length: proof.layers }, (_, i) => sha256Hex(readFileSync(join(dir, `sc-02-data-layer-${i + 1}.dat`))));
  expect(got).toEqual(v.layer_sha256);
  expect(got).toEqual(Array.from({ length: proof.layers }, (_, i) => v.files[`sc-02-data-layer-${i + 1}.dat`]!.sha256));
}

/** The staged sector the reference sealed: fr32 data pieces at their aligned offsets, zeros elsewhere. */
function stagedSector(v: OracleVector, proof: SealProof): Buffer | null {
  const data = vectorPieceData(v);
  if (!data) return null;
  const staged = Buffer.alloc(Number(proof.sectorBytes));
  const layout = stagedLayout(proof.sectorBytes, v.pieces.map((p) => BigInt(p.padded_size)));
  layout.pieces.forEach((p, i) => {
    if (!v.pieces[i]!.filler) staged.set(fr32Pad(data), Number(p.paddedOffset));
  });
  return staged;
}

describe('PC1 vs the reference oracle', () => {
  for (const [id, group] of byProof) {
    const proof = sealProof(id);
    it(`${proof.name}: ${group.length} sector(s) labeled as one batch`, async () => {
      const dirs = await Promise.all(group.map(() => tempDir()));
      await runPc1Batch({
        proof,
        parentsCachePath: parents.get(id)!,
        sectors: group.map((g, i) => ({ replicaId: unhex(g.vector.replica_id) as ReplicaId, cacheDir: dirs[i]! })),
      });
      for (let i = 0; i < group.length; i++) {
        const v = group[i]!.vector;
        checkLayers(v, proof, dirs[i]!);
        for (const l of v.labels) expect(await readLabel(dirs[i]!, l.layer, l.node), `${group[i]!.name} lab[${l.layer}][${l.node}]`).toBe(l.label);
      }
    });
  }

  for (const { name, vector: v } of vectors.filter((x) => x.name.startsWith('2KiB'))) {
    it(`${name}: single-sector labels`, async () => {
      const proof = sealProof(v.proof.id);
      const dir = await tempDir();
      await runPc1({ proof, replicaId: unhex(v.replica_id) as ReplicaId, cacheDir: dir, parentsCachePath: parents.get(v.proof.id)! });
      checkLayers(v, proof, dir);
      expect(v.labels.length).toBeGreaterThan(0);
      for (const l of v.labels) expect(await readLabel(dir, l.layer, l.node), `lab[${l.layer}][${l.node}]`).toBe(l.label);
    });
  }
});

describe('tree-d vs the reference oracle', () => {
  for (const { name, vector: v } of vectors) {
    it(`${name}: tree-d file and comm_d`, async () => {
      const proof = sealProof(v.proof.id);
      const dir = await tempDir();
      const staged = stagedSector(v, proof);
      let stagedPath: string | null = null;
      if (staged) {
        expect(sha256Hex(staged.subarray(0, v.staged.size)), 'staged input').toBe(v.staged.sha256);
        stagedPath = join(dir, 'staged');
        writeFileSync(stagedPath, staged);
      }
      const commD = await buildTreeD({ proof, stagedPath, cacheDir: dir });
      expect(hex(commD)).toBe(v.comm_d);
      const file = readFileSync(join(dir, TREE_D_FILE));
      expect(file.length).toBe(v.files[TREE_D_FILE]!.size);
      expect(sha256Hex(file)).toBe(v.files[TREE_D_FILE]!.sha256);
    });
  }
});
