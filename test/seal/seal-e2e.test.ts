// End to end: every committed oracle vector (sectors sealed by rust-fil-proofs, fixtures/vectors)
// is sealed again by our pipeline and every artifact must match byte for byte.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { testSettings } from '../helpers/settings.js';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCommitment, asReplicaId, sealProof, toHex, fromHex } from '../../src/proofs/index.js';
import { sealSector } from '../../src/seal/seal.js';
import { allVectors } from '../helpers/vectors.js';
import { expectOracleFiles, sha256, stagedSector } from './helpers/oracle-files.js';

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-e2e-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// 8MiB sectors take seconds each; the default suite keeps two of them (CC and random data), SLOW=1 runs all.
const DEFAULT_8MIB = new Set(['8MiB-V1_1-cc-f01000-s1', '8MiB-V1_1-random-f01000-s1']);
const vectors = allVectors().filter((v) => process.env.SLOW || !v.name.startsWith('8MiB') || DEFAULT_8MIB.has(v.name));

describe('sealSector reproduces rust-fil-proofs on every committed vector', () => {
  it.each(vectors.map((v) => ({ ...v, label: v.name })))('$label', async ({ name, vector: v }) => {
    const proof = sealProof(v.proof.id);
    const dir = path.join(tmp, name);
    const staged = stagedSector(v);
    let stagedPath: string | null = null;
    if (staged) {
      expect(sha256(staged.subarray(0, v.staged.size)), 'staged file').toBe(v.staged.sha256);
      stagedPath = path.join(tmp, `${name}.staged`);
      await writeFile(stagedPath, staged);
    }
    const cacheDir = path.join(dir, 'cache');
    const sealedPath = path.join(dir, 'sealed');
    const out = await sealSector({
      proof,
      replicaId: asReplicaId(fromHex(v.replica_id)),
      commD: asCommitment(fromHex(v.comm_d)),
      stagedPath,
      cacheDir,
      sealedPath,
      settings: testSettings(path.join(tmp, 'parents')),
    });
    expect(toHex(out.commC), 'comm_c').toBe(v.comm_c);
    expect(toHex(out.commRLast), 'comm_r_last').toBe(v.comm_r_last);
    expect(toHex(out.commR), 'comm_r').toBe(v.comm_r);

    await expectOracleFiles(v, cacheDir, sealedPath);
    await rm(dir, { recursive: true, force: true });
    if (stagedPath) await rm(stagedPath, { force: true });
  });
});
