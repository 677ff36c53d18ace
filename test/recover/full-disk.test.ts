// A real small filesystem (tmpfs) as --sealing-temp: refused up front with the numbers when too
// small, and a clean failure (nothing published, resumable) when it fills up during sealing.
// Needs permission to mount tmpfs (root in a container); skipped otherwise, a failure under CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { recoverSectors } from '../../src/recover/recover.js';
import { PreflightError } from '../../src/recover/preflight.js';
import { asSectorNumber } from '../../src/proofs/types.js';
import type { Sealer } from '../../src/recover/sealer.js';
import { FakeSealer, E2E_2K } from './helpers/fake-sealer.js';
import { dirs, f01000, listTree, options, records } from './helpers/setup.js';
import { skipUnless } from '../helpers/requires.js';

let mnt: string | undefined;
let base: Awaited<ReturnType<typeof dirs>>;

function mountTmpfs(path: string, size: string): boolean {
  mkdirSync(path, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], { stdio: 'ignore' }).status === 0;
}

const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = join(tmpdir(), `sealer-recover-tmpfs-probe-${process.pid}`);
  const ok = mountTmpfs(probe, '16k');
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

describe.skipIf(skipUnless(canMount, 'cannot mount a tmpfs (needs root with mount permission in this container)'))('full temp filesystem (tmpfs)', () => {
  beforeAll(async () => {
    base = await dirs();
    mnt = join(base.root, 'tmpfs');
    if (!mountTmpfs(mnt, '192k')) throw new Error('mount failed');
  });
  afterAll(() => {
    if (mnt) spawnSync('umount', [mnt]);
  });

  const recs = records([{ n: 1, sealedCid: E2E_2K.sealedCid }]);
  const table = { [E2E_2K.replicaId]: E2E_2K };

  it('refuses before any work when the filesystem is smaller than one sector needs', async () => {
    const small = join(base.root, 'tiny');
    expect(mountTmpfs(small, '16k')).toBe(true);
    try {
      const sealer = new FakeSealer(table);
      const err = await recoverSectors(f01000, recs, [asSectorNumber(1)], options({ temp: join(small, 'temp'), result: base.result }, sealer)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PreflightError);
      expect((err as Error).message).toMatch(/--sealing-temp .*tiny\/temp has 16.0 KiB free but 1 sector\(s\), 1 at a time need 76.3 KiB/);
      expect(sealer.calls).toHaveLength(0);
    } finally {
      spawnSync('umount', [small]);
    }
  });

  it('ENOSPC while sealing: sector failed, nothing published; after freeing space the rerun recovers', async () => {
    const temp = join(mnt!, 'temp');
    const hog = join(mnt!, 'hog');
    const inner = new FakeSealer(table);
    // Something else fills the disk after the pre-flight check passed.
    const filling: Sealer = { name: 'fake', seal: async (job) => (await writeFile(hog, Buffer.alloc(150 * 1024)), inner.seal(job)) };
    const r = await recoverSectors(f01000, recs, [asSectorNumber(1)], options({ temp, result: base.result }, filling));
    expect(r.sectors[0]!.status).toBe('failed');
    expect(r.sectors[0]!.reason).toMatch(/ENOSPC/);
    expect((await listTree(base.result)).filter((f) => f.includes('s-t0'))).toEqual([]);
    await rm(hog);
    const again = await recoverSectors(f01000, recs, [asSectorNumber(1)], options({ temp, result: base.result }, new FakeSealer(table)));
    expect(again.sectors[0]!.status).toBe('recovered');
  });
});
