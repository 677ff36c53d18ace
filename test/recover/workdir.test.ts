import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { SectorWorkDir } from '../../src/recover/workdir.js';
import { planSector } from '../../src/recover/plan.js';
import { E2E_2K } from './helpers/fake-sealer.js';
import { dirs, f01000, records } from './helpers/setup.js';

describe('sector working dir', () => {
  it('refuses a sector another live process holds, even with --restart', async () => {
    const d = await dirs();
    const plan = await planSector(records([{ n: 1, sealedCid: E2E_2K.sealedCid }])[0]!, f01000, { tempRoot: d.temp });
    const wd = await SectorWorkDir.open(plan);
    await writeFile(join(wd.dir.cacheDir, 'sc-02-data-layer-1.dat'), 'x');
    await wd.release();
    // a live process that is not us
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)']);
    try {
      await writeFile(join(plan.workDir, 'lock'), String(other.pid));
      await expect(SectorWorkDir.open(plan, { restart: true })).rejects.toThrow(new RegExp(`the working dir of s-t01000-1 is locked by process ${other.pid}`));
      expect(await readFile(join(wd.dir.cacheDir, 'sc-02-data-layer-1.dat'), 'utf8')).toBe('x');
    } finally {
      other.kill();
    }
  });

  it('keeps checkpoints for the same inputs and drops them when the inputs change', async () => {
    const d = await dirs();
    const [a, b] = [records([{ n: 1, sealedCid: E2E_2K.sealedCid }])[0]!, records([{ n: 1, ticketHex: '02'.repeat(32), sealedCid: E2E_2K.sealedCid }])[0]!];
    const pa = await planSector(a, f01000, { tempRoot: d.temp });
    const w1 = await SectorWorkDir.open(pa);
    await writeFile(join(w1.dir.cacheDir, 'sc-02-data-layer-1.dat'), 'x');
    await w1.release();
    const w2 = await SectorWorkDir.open(pa);
    expect(w2.resumed).toBe(true);
    await w2.release();
    const w3 = await SectorWorkDir.open(await planSector(b, f01000, { tempRoot: d.temp }));
    expect(w3.resumed).toBe(false);
    await expect(readFile(join(w3.dir.cacheDir, 'sc-02-data-layer-1.dat'))).rejects.toThrow(/ENOENT/);
    await w3.release();
  });

  it('a lock naming a live pid that is now another program (pid reuse) does not block: the checkpoints are resumed', async () => {
    const d = await dirs();
    const plan = await planSector(records([{ n: 1, sealedCid: E2E_2K.sealedCid }])[0]!, f01000, { tempRoot: d.temp });
    const wd = await SectorWorkDir.open(plan);
    await writeFile(join(wd.dir.cacheDir, 'sc-02-data-layer-1.dat'), 'x');
    await wd.release();
    const sleeper = spawn('sleep', ['30']);
    try {
      // what a killed sealer-recover run with that pid would have left (its start time differs from sleep's)
      const rec = { tool: 'sealer-recover', pid: sleeper.pid, hostname: hostname(), startTime: '1', cmdline: 'node bin/sealer-recover.js recover 1', nonce: 'x', purpose: 'p', since: '2026-01-01T00:00:00.000Z' };
      await writeFile(join(plan.workDir, 'lock'), JSON.stringify(rec));
      const again = await SectorWorkDir.open(plan);
      expect(again.resumed).toBe(true);
      expect(JSON.parse(await readFile(join(plan.workDir, 'lock'), 'utf8')).pid).toBe(process.pid);
      expect(await readFile(join(wd.dir.cacheDir, 'sc-02-data-layer-1.dat'), 'utf8')).toBe('x');
      await again.release();
    } finally {
      sleeper.kill();
    }
  });

  it('a working dir renamed aside by a removal killed mid-delete is cleaned when the sector is opened again', async () => {
    const d = await dirs();
    const plan = await planSector(records([{ n: 1, sealedCid: E2E_2K.sealedCid }])[0]!, f01000, { tempRoot: d.temp });
    const aside = `${plan.workDir}.removing-0badf00d`;
    await mkdir(join(aside, 'cache'), { recursive: true });
    await writeFile(join(aside, 'cache', 'sc-02-data-layer-1.dat'), 'x');
    const wd = await SectorWorkDir.open(plan);
    expect((await readdir(d.temp)).sort()).toEqual(['s-t01000-1']);
    await wd.remove();
    expect(await readdir(d.temp)).toEqual([]);
  });
});
