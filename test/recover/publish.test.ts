import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readFile, access, mkdir, writeFile } from 'node:fs/promises';
import { recoverInterruptedPublishes, STAGING_DIR } from '../../src/recover/publish.js';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { recoverSectors } from '../../src/recover/recover.js';
import { asSectorNumber } from '../../src/proofs/types.js';
import { FakeSealer, E2E_2K } from './helpers/fake-sealer.js';
import { dirs, f01000, listTree, options, records } from './helpers/setup.js';

const here = dirname(fileURLToPath(import.meta.url));
const exists = (p: string) => access(p).then(() => true, () => false);
const recs = records([{ n: 1, sealedCid: E2E_2K.sealedCid }]);
const table = { [E2E_2K.replicaId]: E2E_2K };
const sectorEntries = async (root: string) => (await listTree(root)).filter((f) => /^(sealed|cache)\/s-t0/.test(f));

function killedAt(step: string, temp: string, result: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'helpers', 'publish-child.ts'), temp, result, step], { encoding: 'utf8' });
  expect(r.signal).toBe('SIGKILL');
  expect(r.stdout).not.toContain('finished');
}

describe('atomic publish', () => {
  it('kill -9 after staging, before the intent: nothing under sealed/ or cache/; the rerun publishes without resealing', async () => {
    const d = await dirs();
    killedAt('staged-replica', d.temp, d.result);
    expect(await sectorEntries(d.result)).toEqual([]);
    const sealer = new FakeSealer(table);
    const r = await recoverSectors(f01000, recs, [asSectorNumber(1)], options(d, sealer));
    expect(r.sectors[0]).toMatchObject({ status: 'recovered', resumed: true });
    expect(sealer.calls).toHaveLength(0);
    expect((await readFile(join(d.result, 'cache/s-t01000-1/p_aux'))).toString('hex')).toBe(E2E_2K.commC + E2E_2K.commRLast);
    expect(await exists(join(d.result, '.sealer-recover'))).toBe(false);
  });

  it('kill -9 between the renames: the next run rolls the publish forward', async () => {
    const d = await dirs();
    killedAt('cache-renamed', d.temp, d.result);
    // The sealed file (renamed last) is not there yet: lotus cannot mistake this for a provable sector.
    expect(await sectorEntries(d.result)).toEqual(['cache/s-t01000-1/', 'cache/s-t01000-1/p_aux', 'cache/s-t01000-1/sc-02-data-tree-r-last.dat', 'cache/s-t01000-1/t_aux']);
    const r = await recoverSectors(f01000, recs, [asSectorNumber(1)], options(d, new FakeSealer(table)));
    expect(r.sectors[0]!.status).toBe('skipped');
    expect(r.sectors[0]!.reason).toMatch(/^already present/);
    expect(await exists(join(d.result, 'sealed/s-t01000-1'))).toBe(true);
    expect(await exists(join(d.result, '.sealer-recover'))).toBe(false);
  });

  it('an I/O failure mid-publish leaves nothing under the result path and the sector failed', async () => {
    const d = await dirs();
    const r = await recoverSectors(
      f01000,
      recs,
      [asSectorNumber(1)],
      options(d, new FakeSealer(table), {
        publishFault: (s) => {
          if (s === 'staged-cache') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
      }),
    );
    expect(r.sectors[0]).toMatchObject({ status: 'failed', reason: expect.stringMatching(/ENOSPC/) });
    expect(await sectorEntries(d.result)).toEqual([]);
    const again = await recoverSectors(f01000, recs, [asSectorNumber(1)], options(d, new FakeSealer(table)));
    expect(again.sectors[0]!.status).toBe('recovered');
  });

  it('--restart discards checkpoints and seals again', async () => {
    const d = await dirs();
    const first = new FakeSealer(table, { failFor: E2E_2K.replicaId });
    await recoverSectors(f01000, recs, [asSectorNumber(1)], options(d, first));
    expect(await exists(join(d.temp, 's-t01000-1', 'cache', 'sc-02-data-layer-1.dat'))).toBe(true);
    const second = new FakeSealer(table);
    const r = await recoverSectors(f01000, recs, [asSectorNumber(1)], options(d, second, { restart: true }));
    expect(r.sectors[0]).toMatchObject({ status: 'recovered', resumed: false });
    expect(second.calls).toHaveLength(1);
  });

  it('leaves another live run’s staging alone and discards a dead run’s, with its publish lock', async () => {
    const d = await dirs();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)']);
    try {
      // publish locks naming their owner (a bare pid, as the simplest lock record)
      for (const [name, pid] of [['s-t01000-8', other.pid!], ['s-t01000-9', 999_999_999]] as const) {
        await mkdir(join(d.result, STAGING_DIR, name, 'cache'), { recursive: true });
        await writeFile(join(d.result, STAGING_DIR, `${name}.lock`), String(pid));
      }
      expect(await recoverInterruptedPublishes(d.result)).toEqual([]);
      expect(await exists(join(d.result, STAGING_DIR, 's-t01000-8'))).toBe(true);
      expect(await exists(join(d.result, STAGING_DIR, 's-t01000-8.lock'))).toBe(true);
      expect(await exists(join(d.result, STAGING_DIR, 's-t01000-9'))).toBe(false);
      expect(await exists(join(d.result, STAGING_DIR, 's-t01000-9.lock'))).toBe(false);
    } finally {
      other.kill();
    }
  });
});
