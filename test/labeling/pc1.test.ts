// runPc1 / runPc1Batch: interleaved == single-sector, checkpoint/resume after kills, input changes
// and cancellation. Expected layer digests are docs/vectors.md#end-to-end-vectors's; the rest compares against clean runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { partialPath, partialSuffix } from '../../src/native/addon.js';
import { runPc1, runPc1Batch } from '../../src/seal/pc1.js';
import { PC1_STATE_FILE } from '../../src/seal/pc1-checkpoint.js';
import { sealProof, type SealProof } from '../../src/proofs/registry.js';
import type { ReplicaId } from '../../src/proofs/types.js';
import { parentsCacheFile, removeTempDirs, sha256Hex, tempDir, unhex } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
afterAll(removeTempDirs);

const P2K = sealProof('StackedDrg2KiBV1_1');
const P8M = sealProof('StackedDrg8MiBV1_1');
// docs/vectors.md#end-to-end-vectors E2E-2KiB-V1_1 and E2E-8MiB-V1_1
const R2K = unhex('3e75e87332cd5d60132c1f9f9a8362e2e4cf190b46f4fd636fd8864b842d170b') as ReplicaId;
const D2K = ['15a4a233f44c593466911846dfa69b7bdd7d241cdefe743452bfd77c78eee385', '187696ab8c544edce720fb7e79f948abda4747a8cb4629ac11be0bcfcd2d3cf0'];
const R8M = unhex('49808a3f801fc76f8e0a19e5f87f2810b61d0fb8cef7816a7396ab91d1774f3e') as ReplicaId;
const D8M = ['7c8f81d4aca9695372220103a96b81705e5f3bc43e7790cc584508cbea1e54a4', 'd9b98d32f3828161ac062e32ed9f4e07662e97f8d4707e3343f6553c1d02ddcb'];

const randomReplicaId = (): ReplicaId => {
  const r = new Uint8Array(randomBytes(32));
  r[31]! &= 0x3f;
  return r as ReplicaId;
};
const layerDigests = (proof: SealProof, dir: string): string[] =>
  Array.from({ length: proof.layers }, (_, i) => sha256Hex(readFileSync(join(dir, `sc-02-data-layer-${i + 1}.dat`))));

let parents2k: string;
let parents8m: string;
beforeAll(async () => {
  const d = await tempDir('parents-');
  parents2k = await parentsCacheFile(P2K, d);
  parents8m = await parentsCacheFile(P8M, d);
});

describe('interleaved labeling', () => {
  for (const k of [2, 3, 4, 5]) {
    it(`K=${k} sectors together give the same layers as each alone (2KiB, one lane is §9.6)`, async () => {
      const ids = [R2K, ...Array.from({ length: k - 1 }, randomReplicaId)];
      const batchDirs = await Promise.all(ids.map(() => tempDir()));
      await runPc1Batch({ proof: P2K, parentsCachePath: parents2k, sectors: ids.map((replicaId, i) => ({ replicaId, cacheDir: batchDirs[i]! })) });
      expect(layerDigests(P2K, batchDirs[0]!)).toEqual(D2K);
      for (let i = 0; i < k; i++) {
        const alone = await tempDir();
        await runPc1({ proof: P2K, replicaId: ids[i]!, cacheDir: alone, parentsCachePath: parents2k });
        expect(layerDigests(P2K, batchDirs[i]!)).toEqual(layerDigests(P2K, alone));
      }
    });
  }

  it('K=3 with the portable kernel equals the fast kernel', async () => {
    const ids = [randomReplicaId(), randomReplicaId(), randomReplicaId()];
    const a = await Promise.all(ids.map(() => tempDir()));
    const b = await Promise.all(ids.map(() => tempDir()));
    await runPc1Batch({ proof: P2K, parentsCachePath: parents2k, kernel: 'portable', sectors: ids.map((replicaId, i) => ({ replicaId, cacheDir: a[i]! })) });
    await runPc1Batch({ proof: P2K, parentsCachePath: parents2k, kernel: 'fast', sectors: ids.map((replicaId, i) => ({ replicaId, cacheDir: b[i]! })) });
    for (let i = 0; i < 3; i++) expect(layerDigests(P2K, a[i]!)).toEqual(layerDigests(P2K, b[i]!));
  });

  it('K=2 on 8MiB: the §9.6 sector and a random one', async () => {
    const other = randomReplicaId();
    const [d0, d1, alone] = [await tempDir(), await tempDir(), await tempDir()];
    await runPc1Batch({ proof: P8M, parentsCachePath: parents8m, sectors: [{ replicaId: R8M, cacheDir: d0 }, { replicaId: other, cacheDir: d1 }] });
    expect(layerDigests(P8M, d0)).toEqual(D8M);
    await runPc1({ proof: P8M, replicaId: other, cacheDir: alone, parentsCachePath: parents8m });
    expect(layerDigests(P8M, d1)).toEqual(layerDigests(P8M, alone));
  });
});

describe('checkpoint and resume', () => {
  it('a process killed right after layer 1 resumes at layer 2 and ends with the §9.6 bytes', async () => {
    const dir = await tempDir();
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(here, 'pc1-kill-child.ts'), P8M.name, Buffer.from(R8M).toString('hex'), dir, parents8m, '1'],
      { encoding: 'utf8' },
    );
    expect(r.signal).toBe('SIGKILL');
    const state = JSON.parse(readFileSync(join(dir, PC1_STATE_FILE), 'utf8'));
    expect(state.finished).toEqual([{ layer: 1, bytes: 8 << 20 }]);
    // Layer 2 may or may not have reached its final name before the kill (it depends on the
    // machine's load); a whole unrecorded layer would be verified and reused
    // (test/seal/resume-unrecorded.test.ts), so remove it: this case is the redo from layer 2.
    // A kill during the layer-2 write would leave its temp file: plant a torn one.
    rmSync(join(dir, 'sc-02-data-layer-2.dat'), { force: true });
    writeFileSync(partialPath(join(dir, 'sc-02-data-layer-2.dat')), randomBytes(12345));

    const notices: string[] = [];
    const layersRun = new Set<number>();
    await runPc1({
      proof: P8M,
      replicaId: R8M,
      cacheDir: dir,
      parentsCachePath: parents8m,
      onNotice: (m) => notices.push(m),
      onProgress: (p) => layersRun.add(p.layer!),
    });
    expect(notices.join('\n')).toMatch(/resuming PC1 at layer 2/);
    expect([...layersRun]).toEqual([2]);
    expect(layerDigests(P8M, dir)).toEqual(D8M);
    expect(readdirSync(dir).filter((f) => f.endsWith(partialSuffix()))).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, PC1_STATE_FILE), 'utf8')).finished).toHaveLength(2);
  });

  it('a finished run is not redone; other inputs in the same dir discard the old layers', async () => {
    const dir = await tempDir();
    await runPc1({ proof: P2K, replicaId: R2K, cacheDir: dir, parentsCachePath: parents2k });
    let progressed = false;
    await runPc1({ proof: P2K, replicaId: R2K, cacheDir: dir, parentsCachePath: parents2k, onProgress: () => (progressed = true) });
    expect(progressed).toBe(false);
    expect(layerDigests(P2K, dir)).toEqual(D2K);

    const other = randomReplicaId();
    const notices: string[] = [];
    await runPc1({ proof: P2K, replicaId: other, cacheDir: dir, parentsCachePath: parents2k, onNotice: (m) => notices.push(m) });
    expect(notices.join('\n')).toMatch(/other inputs/);
    const clean = await tempDir();
    await runPc1({ proof: P2K, replicaId: other, cacheDir: clean, parentsCachePath: parents2k });
    expect(layerDigests(P2K, dir)).toEqual(layerDigests(P2K, clean));
  });

  it('a layer file whose size is wrong is recomputed, and so is everything after it', async () => {
    const dir = await tempDir();
    await runPc1({ proof: P2K, replicaId: R2K, cacheDir: dir, parentsCachePath: parents2k });
    writeFileSync(join(dir, 'sc-02-data-layer-1.dat'), randomBytes(100));
    const layersRun = new Set<number>();
    await runPc1({ proof: P2K, replicaId: R2K, cacheDir: dir, parentsCachePath: parents2k, onProgress: (p) => layersRun.add(p.layer!) });
    expect([...layersRun]).toEqual([1, 2]);
    expect(layerDigests(P2K, dir)).toEqual(D2K);
  });

  it('cancelling rejects with the abort reason, and a rerun completes identically', async () => {
    const dir = await tempDir();
    const ac = new AbortController();
    const run = runPc1({
      proof: P8M,
      replicaId: R8M,
      cacheDir: dir,
      parentsCachePath: parents8m,
      signal: ac.signal,
      onProgress: () => ac.abort(new Error('stop requested')),
    });
    await expect(run).rejects.toThrow('stop requested');
    await runPc1({ proof: P8M, replicaId: R8M, cacheDir: dir, parentsCachePath: parents8m });
    expect(layerDigests(P8M, dir)).toEqual(D8M);
  });
});

describe('edge validation', () => {
  it('names the problem for a wrong parents cache, a bad replica id, or a shared cache dir', async () => {
    const dir = await tempDir();
    await expect(runPc1({ proof: P8M, replicaId: R8M, cacheDir: dir, parentsCachePath: parents2k })).rejects.toThrow(/needs 14680064/);
    await expect(runPc1({ proof: P2K, replicaId: R2K, cacheDir: dir, parentsCachePath: join(dir, 'nope') })).rejects.toThrow(/does not exist/);
    const bad = new Uint8Array(32).fill(0xff) as ReplicaId;
    await expect(runPc1({ proof: P2K, replicaId: bad, cacheDir: dir, parentsCachePath: parents2k })).rejects.toThrow(/top two bits/);
    await expect(
      runPc1Batch({ proof: P2K, parentsCachePath: parents2k, sectors: [{ replicaId: R2K, cacheDir: dir }, { replicaId: R2K, cacheDir: dir }] }),
    ).rejects.toThrow(/share the cache dir/);
  });

  it('a corrupt parents cache fails with a message instead of reading out of bounds', async () => {
    const dir = await tempDir();
    const corrupt = join(dir, 'corrupt.cache');
    const bytes = readFileSync(parents2k);
    bytes.writeUInt32LE(0xffffff, 56 * 10 + 4 * 8); // an expander parent of node 10
    writeFileSync(corrupt, bytes);
    await expect(runPc1({ proof: P2K, replicaId: R2K, cacheDir: dir, parentsCachePath: corrupt })).rejects.toThrow(/corrupt at node 10/);
  });
});
