// SnapDeals on the OpenCL device: the new replica (key + data·rho) and its tree-r-last computed on
// the device equal the reference's (tools/oracle `encode`) byte for byte, update cache included;
// and the device encoder equals native/sdr's across chunk seams, short and absent data files.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { gpuTreeBuilder } from '../../src/gpu/select.js';
import { snapEncodeOnDevice } from '../../src/gpu/snap-encode.js';
import { snapEncodeNative } from '../../src/native/snap.js';
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
      const replicaPath = path.join(dir, 'update');
      const seen = new Set<string>();
      const fallbacks: string[] = []; // a device failure would fall back to the CPU with a notice
      const r = await snapEncode({
        proof,
        keyPath,
        keyCacheDir,
        stagedPath,
        commDNew: asCommitment(fromHex(v.comm_d_new)),
        replicaPath,
        updateCacheDir,
        treeBuilder: gpuTreeBuilder([await session(device)], { onNotice: (m) => fallbacks.push(m) }),
        onProgress: (p) => p.stage === 'tree-r-last' && seen.add(p.device ?? 'cpu'),
      });
      expect([...seen]).toEqual([device.id]);
      expect(fallbacks).toEqual([]);
      expect([toHex(r.commRLastNew), toHex(r.commRNew)]).toEqual([v.comm_r_last_new, v.comm_r_new]);
      expect(sha256(await readFile(replicaPath)), 'update (new replica)').toBe(v.files.update.sha256);
      for (const [file, f] of Object.entries(v.files['update-cache'])) {
        expect(sha256(await readFile(path.join(updateCacheDir, file))), file).toBe(f.sha256);
      }
    }, 60_000);
  }

  itGpu('the device encoder equals native/sdr at chunk seams, with a short and with no data file', async (device) => {
    const s = await session(device);
    const dir = path.join(tmp, 'diff');
    await mkdir(dir, { recursive: true });
    const nodes = 300;
    const elements = (n: number) => {
      const b = randomBytes(n * 32);
      for (let i = 0; i < n; i++) b[i * 32 + 31]! &= 0x3f;
      return b;
    };
    const keyPath = path.join(dir, 'key');
    await writeFile(keyPath, elements(nodes));
    const dataPath = path.join(dir, 'data');
    await writeFile(dataPath, elements(nodes - 37)); // short: the tail reads as zero
    const rhos = elements(5); // bitsShr 6: groups of 64 nodes, 5 groups cover 300
    for (const data of [dataPath, null]) {
      const cpuOut = path.join(dir, `cpu-${data ? 'data' : 'cc'}`);
      await snapEncodeNative({ keyPath, dataPath: data, outPath: cpuOut, rhos, bitsShr: 6, nodes: BigInt(nodes) });
      for (const chunkNodes of [7, 64, 1000]) {
        const out = path.join(dir, `gpu-${data ? 'data' : 'cc'}-${chunkNodes}`);
        await snapEncodeOnDevice(s, { keyPath, dataPath: data, outPath: out, rhos, bitsShr: 6, nodes: BigInt(nodes), chunkNodes });
        expect((await readFile(out)).equals(await readFile(cpuOut)), `data ${data ? 'short file' : 'none'} chunk ${chunkNodes}`).toBe(true);
      }
    }
  });
});
