// Tree-c and tree-r-last built on the OpenCL device equal rust-fil-proofs' files byte for byte
// (oracle vectors: PC1 on the CPU, PC2 trees on the device; every file of the vector is compared).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { gpuTreeBuilder } from '../../src/gpu/select.js';
import { sealProof } from '../../src/proofs/index.js';
import { largeVectors, loadVector, type OracleVector } from '../helpers/vectors.js';
import { sealLikeReference } from '../seal/helpers/oracle-files.js';
import { itGpu, session } from './helpers.js';

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-gpu-trees-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// 8MiB (PC1 on the CPU, then ~600k device hashes) takes ~2 min on PoCL with 2 shared cores, the
// 512MiB vector (fixtures/vectors-large) far longer: both only with SLOW=1.
const cases: Array<{ name: string; vector: () => OracleVector; timeout: number }> = [
  ...['2KiB-V1_1-random-f01000-s1', '2KiB-V1_1-cc-f0127595-s12345'].map((name) => ({ name, vector: () => loadVector(name), timeout: 60_000 })),
  ...(process.env.SLOW
    ? [
        ...['8MiB-V1_1-cc-f01000-s1', '8MiB-V1_1-random-f01000-s1'].map((name) => ({ name, vector: () => loadVector(name), timeout: 600_000 })),
        ...largeVectors().map(({ name, vector }) => ({ name, vector: () => vector, timeout: 6 * 3600_000 })),
      ]
    : []),
];
describe('PC2 trees on the OpenCL device equal the reference', () => {
  for (const c of cases) {
    itGpu(
      c.name,
      async (device) => {
        const v = c.vector();
        const dir = path.join(tmp, c.name);
        await mkdir(dir);
        const builder = gpuTreeBuilder([await session(device)]);
        const out = await sealLikeReference(v, sealProof(v.proof.id), dir, path.join(tmp, 'parents'), undefined, builder);
        expect(out.treeDevice).toBe(builder.device);
        await rm(dir, { recursive: true, force: true });
      },
      c.timeout,
    );
  }
});
