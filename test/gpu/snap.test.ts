// SnapDeals encoding with the new tree-r-last built on the OpenCL device: the update cache's
// tree-r-last, p_aux and comm_r_new equal the reference's (tools/oracle `encode`) byte for byte.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { gpuTreeBuilder } from '../../src/gpu/select.js';
import { asCommitment, fromHex, toHex } from '../../src/proofs/index.js';
import { snapEncode } from '../../src/snap/encode.js';
import { sha256 } from '../seal/helpers/oracle-files.js';
import { allSnapVectors, keyProof, snapStaged, writeKey } from '../snap/helpers.js';
import { itGpu, session } from './helpers.js';

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-gpu-snap-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// The 2KiB vectors (the 8MiB ones only add PoCL minutes); rows_to_discard 1 included when present.
const vectors = allSnapVectors().filter(({ name }) => name.includes('2KiB'));

describe('snap encode with tree-r-last on the device', () => {
  itGpu('has 2KiB snap vectors', async () => {
    expect(vectors.length).toBeGreaterThan(0);
  });
  for (const { name, vector: v } of vectors) {
    itGpu(name, async (device) => {
      const proof = keyProof(v);
      const dir = path.join(tmp, name.replaceAll('/', '_'));
      const { keyPath, keyCacheDir } = await writeKey(v, dir, path.join(tmp, 'parents'));
      const stagedPath = path.join(dir, 'staged');
      await writeFile(stagedPath, snapStaged(v));
      const updateCacheDir = path.join(dir, 'update-cache');
      const seen = new Set<string>();
      const r = await snapEncode({
        proof,
        keyPath,
        keyCacheDir,
        stagedPath,
        commDNew: asCommitment(fromHex(v.comm_d_new)),
        replicaPath: path.join(dir, 'update'),
        updateCacheDir,
        treeBuilder: gpuTreeBuilder([await session(device)]),
        onProgress: (p) => p.stage === 'tree-r-last' && seen.add(p.device ?? 'cpu'),
      });
      expect([...seen]).toEqual([device.id]);
      expect([toHex(r.commRLastNew), toHex(r.commRNew)]).toEqual([v.comm_r_last_new, v.comm_r_new]);
      for (const [file, f] of Object.entries(v.files['update-cache'])) {
        expect(sha256(await readFile(path.join(updateCacheDir, file))), file).toBe(f.sha256);
      }
    }, 60_000);
  }
});
