// The disk fills up while a sector is being published (temp and result on one small tmpfs, as
// often on a real box): the sector fails with the disk-full message, nothing is half-published,
// and after the space is freed the rerun starts although the free space alone is now less than a
// fresh sector needs (its checkpoints count as paid), publishes without resealing and leaves no
// staging, lock or working dir behind. Mounting tmpfs needs root: CI runs as root, so there a
// missing permission fails the test instead of skipping it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { open, rm, statfs, access } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { recoverSectors } from '../../src/recover/recover.js';
import { preflight, PreflightError } from '../../src/recover/preflight.js';
import { planSector } from '../../src/recover/plan.js';
import { asSectorNumber } from '../../src/proofs/types.js';
import { testSettings } from '../helpers/settings.js';
import { FakeSealer, E2E_2K } from './helpers/fake-sealer.js';
import { dirs, f01000, listTree, options, records } from './helpers/setup.js';

const exists = (p: string) => access(p).then(() => true, () => false);
const mount = (path: string, size: string) => {
  mkdirSync(path, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], { stdio: 'ignore' }).status === 0;
};
const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = join(tmpdir(), `sealer-recover-tmpfs-probe2-${process.pid}`);
  const ok = mount(probe, '16k');
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();
if (!canMount && process.env.CI === 'true') {
  throw new Error('publish-full-disk.test.ts needs to mount a tmpfs (run as root); CI runs as root, so this is a broken CI environment, not a skip');
}

/** Writes 4 KiB blocks until the filesystem is full. */
async function fill(path: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    for (;;) await fh.write(Buffer.alloc(4096, 1));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

describe.skipIf(!canMount)('disk full while publishing (tmpfs)', () => {
  let mnt: string;
  beforeAll(async () => {
    mnt = join((await dirs()).root, 'tmpfs');
    // Fits a fresh 2KiB sector (76.3 KiB while sealing + 66.0 KiB of results, the same filesystem)
    // but not a second fresh one beside the first one's checkpoints.
    if (!mount(mnt, '160k')) throw new Error('mount failed');
  });
  afterAll(() => {
    spawnSync('umount', [mnt]);
  });

  it('fails with the disk-full message, nothing half-published; after freeing space the rerun starts, publishes without resealing and cleans up', async () => {
    const d = { temp: join(mnt, 'temp'), result: join(mnt, 'result') };
    const recs = records([{ n: 1, sealedCid: E2E_2K.sealedCid }]);
    const table = { [E2E_2K.replicaId]: E2E_2K };
    const hog = join(mnt, 'hog');
    const first = await recoverSectors(f01000, recs, [asSectorNumber(1)], options(d, new FakeSealer(table), {
      publishFault: async (step) => {
        if (step === 'staged-cache') await fill(hog); // something else fills the disk mid-publish
      },
    }));
    const s = first.sectors[0]!;
    expect(s.status).toBe('failed');
    expect(s.reason).toMatch(new RegExp(`^the disk is full \\(ENOSPC\\) while publishing s-t01000-1: nothing half-finished was published and the working dir keeps its checkpoints\\. Free space on --sealing-result ${d.result} and rerun the same command`));
    expect((await listTree(d.result)).filter((f) => /^(sealed|cache)\/s-t0/.test(f))).toEqual([]);
    // the failed publish removed its own staging dir and released its lock
    expect(await exists(join(d.result, '.sealer-recover'))).toBe(false);

    await rm(hog);
    // Freed, but less is free than a fresh sector needs: only its own checkpoints make it fit.
    const plan = await planSector(recs[0]!, f01000, { tempRoot: d.temp });
    const fresh = { ...plan, workDir: join(d.temp, 'elsewhere') };
    const free = (await statfs(mnt, { bigint: true })).bavail * 4096n;
    expect(free).toBeLessThan(76n * 1024n + 66n * 1024n);
    await expect(preflight({ plans: [fresh], parallel: 1, tempRoot: d.temp, resultRoot: d.result, keepPrecommitFiles: false, settings: testSettings() })).rejects.toBeInstanceOf(PreflightError);

    const sealer = new FakeSealer(table);
    const again = await recoverSectors(f01000, recs, [asSectorNumber(1)], options(d, sealer));
    expect(again.sectors[0]!.reason).toBeUndefined();
    expect(again.sectors[0]).toMatchObject({ status: 'recovered', resumed: true });
    expect(again.preflight?.checkpointsOnDisk).toMatch(/KiB$/);
    expect(sealer.calls).toHaveLength(0);
    expect(await exists(join(d.result, 'sealed', 's-t01000-1'))).toBe(true);
    expect(await exists(join(d.result, '.sealer-recover'))).toBe(false);
    expect(await exists(join(d.temp, 's-t01000-1'))).toBe(false);
  });
});
