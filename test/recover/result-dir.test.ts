// --sealing-result safety with real files (fake sealer): half sectors refused before any sealing
// with their exact files, --overwrite moving old copies to a dated backup, a damaged published
// sector reported as such (and re-recovered with --overwrite), leftovers of a publish killed after
// its last rename cleaned, a publisher waiting for another process's publish lock, typed outcomes.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { access, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recoverSectors } from '../../src/recover/recover.js';
import { ResultDirError } from '../../src/recover/result-dir.js';
import { publishLockPath } from '../../src/recover/result-paths.js';
import { allRecovered } from '../../src/recover/report.js';
import { errorKind } from '../../src/errors.js';
import { asSectorNumber } from '../../src/proofs/types.js';
import { FakeSealer, E2E_2K } from './helpers/fake-sealer.js';
import { dirs, f01000, listTree, options, records, recoveryJson } from './helpers/setup.js';
import { PassThrough } from 'node:stream';
import { runRecover } from '../../src/cli/commands/recover.js';

const here = dirname(fileURLToPath(import.meta.url));
const exists = (p: string) => access(p).then(() => true, () => false);
const recs = records([{ n: 1, sealedCid: E2E_2K.sealedCid }]);
const table = { [E2E_2K.replicaId]: E2E_2K };
const one = [asSectorNumber(1)];
const STAMP = '20261204T120000Z';

describe('--sealing-result pre-flight and publish safety', () => {
  it('a half sector (cache/ without sealed/) is refused before any sealing, naming its files and the way out', async () => {
    const d = await dirs();
    await mkdir(join(d.result, 'cache', 's-t01000-1'), { recursive: true });
    await writeFile(join(d.result, 'cache', 's-t01000-1', 'p_aux'), 'old');
    const sealer = new FakeSealer(table);
    const err = await recoverSectors(f01000, recs, one, options(d, sealer)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResultDirError);
    expect(errorKind(err)).toBe('io');
    const msg = (err as Error).message;
    expect(msg).toContain('nothing was started');
    expect(msg).toContain(`s-t01000-1: present ${join(d.result, 'cache', 's-t01000-1')}/, ${join(d.result, 'cache', 's-t01000-1', 'p_aux')}; missing ${join(d.result, 'sealed', 's-t01000-1')}`);
    expect(msg).toContain('--overwrite');
    expect(msg).toContain(join(d.result, 'sealer-recover-backup'));
    expect(sealer.calls).toHaveLength(0);
    expect(await exists(d.temp)).toBe(false); // no working dir either

    // the other half: a sealed file without its cache
    const d2 = await dirs();
    await mkdir(join(d2.result, 'sealed'), { recursive: true });
    await writeFile(join(d2.result, 'sealed', 's-t01000-1'), 'x');
    await expect(recoverSectors(f01000, recs, one, options(d2, sealer))).rejects.toThrow(
      `s-t01000-1: present ${join(d2.result, 'sealed', 's-t01000-1')}; missing ${join(d2.result, 'cache', 's-t01000-1')}`,
    );
  });

  it('--overwrite moves the half sector to sealer-recover-backup/<UTC stamp>/ (nothing deleted) and recovers it', async () => {
    const d = await dirs();
    await mkdir(join(d.result, 'cache', 's-t01000-1'), { recursive: true });
    await writeFile(join(d.result, 'cache', 's-t01000-1', 'p_aux'), 'old');
    const r = await recoverSectors(f01000, recs, one, options(d, new FakeSealer(table), { overwrite: true, backupStamp: STAMP }));
    const backup = join(d.result, 'sealer-recover-backup', STAMP);
    expect(r.sectors[0]).toMatchObject({ status: 'recovered', backup: [join(backup, 'cache', 's-t01000-1')] });
    expect(await readFile(join(backup, 'cache', 's-t01000-1', 'p_aux'), 'utf8')).toBe('old');
    expect((await readFile(join(d.result, 'cache', 's-t01000-1', 'p_aux'))).toString('hex')).toBe(E2E_2K.commC + E2E_2K.commRLast);
    expect(allRecovered(r)).toBe(true);
  });

  it('a damaged published sector is reported as damaged (not "already present"); --overwrite backs it up and recovers it', async () => {
    const d = await dirs();
    await recoverSectors(f01000, recs, one, options(d, new FakeSealer(table)));
    // a flipped byte in comm_c: comm_r no longer equals the chain's SealedCID
    const pAux = join(d.result, 'cache', 's-t01000-1', 'p_aux');
    const bad = await readFile(pAux);
    bad[3]! ^= 0x01;
    await writeFile(pAux, bad);
    const sealer = new FakeSealer(table);
    const r = await recoverSectors(f01000, recs, one, options(d, sealer));
    expect(r.sectors[0]).toMatchObject({ status: 'failed', kind: 'damaged-published' });
    expect(r.sectors[0]!.damage!.map((c) => c.check)).toEqual(['chain-comm_r']);
    expect(r.sectors[0]!.reason).toMatch(/published copy in .* is damaged \(chain-comm_r: .*rerun with --overwrite/);
    expect(allRecovered(r)).toBe(false);
    expect(sealer.calls).toHaveLength(0);

    const again = await recoverSectors(f01000, recs, one, options(d, new FakeSealer(table), { overwrite: true, backupStamp: STAMP }));
    const backup = join(d.result, 'sealer-recover-backup', STAMP);
    expect(again.sectors[0]).toMatchObject({ status: 'recovered', backup: [join(backup, 'cache', 's-t01000-1'), join(backup, 'sealed', 's-t01000-1')] });
    expect(await readFile(join(backup, 'cache', 's-t01000-1', 'p_aux'))).toEqual(bad);
    expect((await readFile(pAux)).toString('hex')).toBe(E2E_2K.commC + E2E_2K.commRLast);
    // and a good published sector is "already present", counted as done by its typed kind
    const third = await recoverSectors(f01000, recs, one, options(d, new FakeSealer(table)));
    expect(third.sectors[0]).toMatchObject({ status: 'skipped', kind: 'already-present' });
    expect(allRecovered(third)).toBe(true);
  });

  it('allRecovered decides by the typed kind, not by the reason text', () => {
    const base = { tool: { name: 'sealer-recover' as const, version: 't' }, startedAt: '', inputs: {} as never, machine: { cpus: 1, model: '' } };
    const s = (o: object) => ({ ...base, sectors: [{ miner: 'f01000', sector: '1', ...o }] }) as never;
    expect(allRecovered(s({ status: 'skipped', reason: 'already present in /x' }))).toBe(false);
    expect(allRecovered(s({ status: 'skipped', kind: 'already-present', reason: 'whatever the words' }))).toBe(true);
    expect(allRecovered(s({ status: 'skipped', kind: 'cancelled', reason: 'already present' }))).toBe(false);
  });

  it('a --sealing-result that is a file is refused before any work', async () => {
    const d = await dirs();
    await mkdir(dirname(d.result), { recursive: true });
    await writeFile(d.result, 'not a dir');
    const sealer = new FakeSealer(table);
    await expect(recoverSectors(f01000, recs, one, options(d, sealer))).rejects.toThrow(`--sealing-result ${d.result} is not a directory`);
    expect(sealer.calls).toHaveLength(0);
  });

  it('kill -9 after the last rename: the rerun finds it published and removes the working dir and staging left behind', async () => {
    const d = await dirs();
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'helpers', 'publish-child.ts'), d.temp, d.result, 'replica-renamed'], { encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    expect(await exists(join(d.temp, 's-t01000-1'))).toBe(true);
    expect(await exists(join(d.result, '.sealer-recover', 's-t01000-1.lock'))).toBe(true); // a dead process's lock
    const sealer = new FakeSealer(table);
    const again = await recoverSectors(f01000, recs, one, options(d, sealer));
    expect(again.sectors[0]).toMatchObject({ status: 'skipped', kind: 'already-present' });
    expect(sealer.calls).toHaveLength(0);
    expect(await exists(join(d.temp, 's-t01000-1'))).toBe(false);
    expect(await exists(join(d.result, '.sealer-recover'))).toBe(false);
  });

  it('waits while another live process holds the sector’s publish lock, then publishes', async () => {
    const d = await dirs();
    const lock = publishLockPath(d.result, 's-t01000-1');
    const holder = spawn(process.execPath, ['--import', 'tsx', join(here, '..', 'platform', 'helpers', 'lock-child.ts'), lock, '1500'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((res) => holder.stdout!.once('data', () => res()));
    const t0 = Date.now();
    const r = await recoverSectors(f01000, recs, one, options(d, new FakeSealer(table)));
    expect(r.sectors[0]).toMatchObject({ status: 'recovered' });
    // it could not publish before the holder exited (its lock then is a dead process's)
    expect(holder.exitCode).toBe(0);
    expect(Date.now() - t0).toBeGreaterThan(500);
    expect((await listTree(d.result)).filter((f) => f.startsWith('.sealer-recover'))).toEqual([]);
  }, 20_000);

  it('sectors already published by another run while this one sealed are reported as already present', async () => {
    const d = await dirs();
    const other = await dirs();
    // another run on the same result path publishes sector 1 while ours is sealing it
    const slow = new FakeSealer(table);
    const sealer = {
      name: 'fake',
      seal: async (job: Parameters<FakeSealer['seal']>[0]) => {
        await recoverSectors(f01000, recs, one, options({ temp: other.temp, result: d.result }, new FakeSealer(table)));
        return slow.seal(job);
      },
    };
    const r = await recoverSectors(f01000, recs, one, options(d, sealer));
    expect(r.sectors[0]).toMatchObject({ status: 'skipped', kind: 'already-present', reason: expect.stringMatching(/another run published it/) });
    expect(allRecovered(r)).toBe(true);
    expect(await readdir(join(d.result, 'sealed'))).toEqual(['s-t01000-1']);
    expect(await exists(join(d.temp, 's-t01000-1'))).toBe(false);
  });

  it('through the CLI: a damaged published sector exits incomplete; --overwrite recovers it and exits ok', async () => {
    const d = await dirs();
    await recoverSectors(f01000, recs, one, options(d, new FakeSealer(table)));
    await writeFile(join(d.result, 'cache', 's-t01000-1', 'sc-02-data-tree-r-last.dat'), Buffer.alloc(32, 1));
    const file = join(d.root, 'sectors-recovery-f01000.json');
    await writeFile(file, recoveryJson([{ n: 1, sealedCid: E2E_2K.sealedCid }]));
    const run = async (overwrite: boolean) => {
      const out = new PassThrough();
      let text = '';
      out.on('data', (c) => (text += c));
      const code = await runRecover(
        { sealingTemp: d.temp, sealingResult: d.result, sectorsRecoveryMetadata: file, numbers: ['1'], json: true, overwrite },
        { stdout: out, stderr: new PassThrough(), tty: false, cwd: d.root, env: {}, sealer: new FakeSealer(table) },
      );
      return { code, sector: JSON.parse(text).sectors[0] };
    };
    const bad = await run(false);
    expect(bad.code).toBe('incomplete');
    expect(bad.sector).toMatchObject({ status: 'failed', kind: 'damaged-published' });
    // the damaged root disagrees with p_aux and with the replica it is recomputed from
    expect(bad.sector.damage.map((c: { check: string }) => c.check)).toEqual(['comm_r_last', 'replica-sample']);
    const fixed = await run(true);
    expect(fixed.code).toBe('ok');
    expect(fixed.sector).toMatchObject({ status: 'recovered' });
    expect(fixed.sector.backup).toHaveLength(2);
  });
});
