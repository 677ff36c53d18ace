// End to end: every committed oracle vector (sectors sealed by rust-fil-proofs, fixtures/vectors)
// is sealed again by our pipeline and every artifact must match byte for byte.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { sealProof } from '../../src/proofs/index.js';
import { allVectors } from '../helpers/vectors.js';
import { sealLikeReference } from './helpers/oracle-files.js';

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
    const dir = path.join(tmp, name);
    await mkdir(dir);
    await sealLikeReference(v, sealProof(v.proof.id), dir, path.join(tmp, 'parents'));
    await rm(dir, { recursive: true, force: true });
  });
});
