// Resume after a kill that landed between a file's rename and its bookkeeping: a whole layer file
// that pc1-state.json does not list yet is verified (its labels recomputed from their parents,
// docs/sdr.md#labeling) and reused, while a damaged or foreign one is recomputed; a whole tree-d
// whose root is the sector's comm_d is not rebuilt. Files compared with the rust-fil-proofs oracle.
import { copyFile, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { asCommitment, asReplicaId, fromHex, sealProof } from '../../src/proofs/index.js';
import { ensureParentsCache } from '../../src/seal/parents-cache.js';
import { runPc1 } from '../../src/seal/pc1.js';
import { sealSector } from '../../src/seal/seal.js';
import { sampledLabelsMatch } from '../../src/seal/layer-check.js';
import { PC1_STATE_FILE } from '../../src/seal/pc1-checkpoint.js';
import { cacheFiles } from '../../src/sector/cache-files.js';
import { loadVector } from '../helpers/vectors.js';
import { testSettings } from '../helpers/settings.js';
import { expectOracleFiles, sealLikeReference, sha256 } from './helpers/oracle-files.js';

const V = loadVector('2KiB-V1_1-cc-f01000-s1');
const proof = sealProof(V.proof.id);
const replicaId = asReplicaId(fromHex(V.replica_id));
let tmp = '';
let parentsDir = '';
let parentsCachePath = '';

/** A fully sealed copy of the vector's sector, then pc1-state.json rolled back to list only layer 1. */
async function sealedWithLayer2Unrecorded(name: string): Promise<{ cacheDir: string; sealedPath: string; layer2: string }> {
  const dir = path.join(tmp, name);
  const out = await sealLikeReference(V, proof, dir, parentsDir);
  const statePath = path.join(out.cacheDir, PC1_STATE_FILE);
  const state = JSON.parse(await readFile(statePath, 'utf8')) as { finished: { layer: number }[] };
  expect(state.finished.map((f) => f.layer)).toEqual([1, 2]);
  await writeFile(statePath, JSON.stringify({ ...state, finished: state.finished.slice(0, 1) }));
  return { ...out, layer2: cacheFiles(proof, out.cacheDir).layers[1]! };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'resume-unrecorded-'));
  parentsDir = path.join(tmp, 'parents');
  parentsCachePath = await ensureParentsCache(proof, { dir: parentsDir });
});

describe('resume: whole files whose bookkeeping was not written yet', () => {
  it('a whole layer file missing from pc1-state.json is verified by recomputed labels and reused, not relabeled', async () => {
    const { cacheDir, layer2 } = await sealedWithLayer2Unrecorded('reuse');
    const before = await stat(layer2);
    const notices: string[] = [];
    await runPc1({ proof, replicaId, cacheDir, parentsCachePath, onNotice: (m: string) => notices.push(m) });
    const after = await stat(layer2);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    const state = JSON.parse(await readFile(path.join(cacheDir, PC1_STATE_FILE), 'utf8')) as { finished: { layer: number }[] };
    expect(state.finished.map((f) => f.layer)).toEqual([1, 2]);
    expect(sha256(await readFile(layer2))).toBe(V.files['sc-02-data-layer-2.dat']!.sha256);
  });

  it('a damaged or foreign unrecorded layer file fails the check and is labeled again, equal to the oracle', async () => {
    const { cacheDir, layer2 } = await sealedWithLayer2Unrecorded('damaged');
    const check = (layer: number) => sampledLabelsMatch({ proof, replicaId, cacheDir, layer, parentsCachePath });
    expect([check(1), check(2)]).toEqual([true, true]);
    // another sector's replica_id: every label differs
    const other = asReplicaId(fromHex(loadVector('2KiB-V1_1-cc-f01000-s2').replica_id));
    expect(sampledLabelsMatch({ proof, replicaId: other, cacheDir, layer: 2, parentsCachePath })).toBe(false);
    // one flipped bit in node 37 (2KiB has 64 nodes: all are checked)
    const bytes = await readFile(layer2);
    bytes[37 * 32 + 5]! ^= 0x10;
    await writeFile(layer2, bytes);
    expect(check(2)).toBe(false);
    await runPc1({ proof, replicaId, cacheDir, parentsCachePath });
    expect(sha256(await readFile(layer2))).toBe(V.files['sc-02-data-layer-2.dat']!.sha256);
    // layer 1 in place of layer 2 (a right-sized file of the wrong layer) is not taken either
    const state = path.join(cacheDir, PC1_STATE_FILE);
    const s = JSON.parse(await readFile(state, 'utf8')) as { finished: unknown[] };
    await writeFile(state, JSON.stringify({ ...s, finished: s.finished.slice(0, 1) }));
    await copyFile(cacheFiles(proof, cacheDir).layers[0]!, layer2);
    expect(check(2)).toBe(false);
    await runPc1({ proof, replicaId, cacheDir, parentsCachePath });
    expect(sha256(await readFile(layer2))).toBe(V.files['sc-02-data-layer-2.dat']!.sha256);
  });

  it('a whole tree-d with the sector’s comm_d as its root is kept on resume; one with another root is rebuilt', async () => {
    const dir = path.join(tmp, 'treed');
    const { cacheDir, sealedPath } = await sealLikeReference(V, proof, dir, parentsDir);
    const treeD = cacheFiles(proof, cacheDir).treeD;
    const seal = () =>
      sealSector({ proof, replicaId, commD: asCommitment(fromHex(V.comm_d)), stagedPath: null, cacheDir, sealedPath, settings: testSettings(parentsDir) });
    const before = await stat(treeD);
    await seal();
    const after = await stat(treeD);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    // a damaged root: rebuilt, and equal to the oracle again
    const bytes = await readFile(treeD);
    bytes[bytes.length - 1]! ^= 0x01;
    await writeFile(treeD, bytes);
    await seal();
    expect(sha256(await readFile(treeD))).toBe(V.files['sc-02-data-tree-d.dat']!.sha256);
    await expectOracleFiles(V, cacheDir, sealedPath);
  });
});
