// Metastore I/O safety on real files (docs/metastore-recovery.md#io-safety): FIFOs, devices, link
// loops, directories and unreadable files where store files belong are reported as damage with
// their path and never hang a read; repair --out resolves symlinks before its checks; a killed
// repair's .partial output is cleaned. Every case runs with a hard timeout so a hang fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repairStore } from '../../src/metastore/repair.js';
import { inspectStore } from '../../src/metastore/inspect.js';
import { dumpStore } from '../../src/metastore/dump.js';
import { scanStore, StoreError, StoreFileAccessError } from '../../src/metastore/store-files.js';
import { errorKind } from '../../src/errors.js';
import { goStore, readClassic, tempDir, removeTempDirs, type Truth } from './helpers.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const T = 20_000;

let base: string;
let truth: Truth;
beforeAll(() => {
  base = join(tempDir('io'), 'metadata');
  truth = goStore(base, { sectors: 60 });
});
afterAll(removeTempDirs);

function copy(tag: string): string {
  const d = join(tempDir(tag), 'metadata');
  cpSync(base, d, { recursive: true });
  return d;
}
const tables = (d: string) => readdirSync(d).filter((n) => n.endsWith('.ldb')).sort();
const logs = (d: string) => readdirSync(d).filter((n) => n.endsWith('.log')).sort();
/** the live table the manifest lists (any one will do) */
async function liveTable(d: string): Promise<string> {
  const v = (await scanStore(d)).version!;
  const n = [...v.files.keys()].sort((a, b) => a - b)[0]!;
  return `${String(n).padStart(6, '0')}.ldb`;
}

describe('non-regular files where store files belong', () => {
  it('a FIFO in place of a live table: lenient reads the rest and names it; strict refuses (corruption)', { timeout: T }, async () => {
    const d = copy('fifo');
    const t = await liveTable(d);
    rmSync(join(d, t));
    execFileSync('mkfifo', [join(d, t)]);
    const ins = await inspectStore(d);
    const dmg = ins.damage.filter((x) => x.file === t);
    expect(dmg.some((x) => x.kind === 'unreadable' && /FIFO/.test(x.message))).toBe(true);
    expect(dmg.some((x) => x.kind === 'missing' && /cannot be read/.test(x.message))).toBe(true);
    const { entries, view } = await dumpStore(d);
    expect(entries.length).toBeGreaterThan(0);
    expect(view.lostRanges.some((r) => r.file === t)).toBe(true);
    const out = join(dirname(d), 'out');
    const r = await repairStore(d, out, 'lenient');
    expect(r.keysWritten).toBeGreaterThan(0);
    expect(r.damagedFiles).toContain(t);
    const err = await repairStore(d, join(dirname(d), 'out2'), 'strict').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(errorKind(err)).toBe('corruption');
    expect((err as Error).message).toContain(`${t} is a FIFO`);
    expect(existsSync(join(dirname(d), 'out2'))).toBe(false);
  });

  it('a journal that is a symlink to /dev/zero is reported, never read (no hang, no memory blow-up)', { timeout: T }, async () => {
    const d = copy('devzero');
    const l = logs(d).at(-1)!;
    rmSync(join(d, l));
    symlinkSync('/dev/zero', join(d, l));
    const { view } = await dumpStore(d);
    const dmg = view.damage.find((x) => x.file === l && x.kind === 'unreadable');
    expect(dmg?.message).toMatch(/symbolic link to a character device/);
    expect(view.sources.find((s) => s.file === l)?.note).toMatch(/not read/);
    expect(view.lostRanges.some((r) => r.file === l && /journal/.test(r.what))).toBe(true);
    // what the journal wrote is unknown: the values kept from the tables may be older
    expect(view.stale.some((x) => x.reason.includes(`the journal ${l} could not be read`))).toBe(true);
  });

  it('a symlink loop and a directory named like store files are damage with their path', { timeout: T }, async () => {
    const d = copy('loop');
    symlinkSync('999990.ldb', join(d, '999990.ldb'));
    mkdirSync(join(d, '999991.log'));
    const layout = await scanStore(d);
    const loop = layout.damage.find((x) => x.file === '999990.ldb')!;
    expect(loop.kind).toBe('unreadable');
    expect(loop.cause).toBe('symlink-loop');
    const dir = layout.damage.find((x) => x.file === '999991.log')!;
    expect(dir.message).toMatch(/is a directory, not a regular file/);
    // lenient repair: every key of the store still comes through
    const out = join(dirname(d), 'out');
    const r = await repairStore(d, out, 'lenient');
    expect((await readClassic(out)).keys).toEqual(truth.final);
    expect(r.damagedFiles).toEqual(expect.arrayContaining(['999990.ldb', '999991.log']));
    await expect(repairStore(d, join(dirname(d), 'o2'), 'strict')).rejects.toThrow(/999990\.ldb symbolic link loop/);
  });

  it('CURRENT as a FIFO: the manifest is found through CURRENT.bak or the newest manifest, no hang', { timeout: T }, async () => {
    const d = copy('current');
    rmSync(join(d, 'CURRENT'));
    execFileSync('mkfifo', [join(d, 'CURRENT')]);
    const layout = await scanStore(d);
    expect(layout.damage.some((x) => x.file === 'CURRENT' && x.kind === 'unreadable')).toBe(true);
    expect(layout.version).not.toBeNull();
  });
});

describe('the CLI on a store full of traps', () => {
  it('inspect and dump finish (no hang) and name every trap; strict repair exits 1', { timeout: 4 * T }, () => {
    const d = copy('traps');
    execFileSync('mkfifo', [join(d, '999980.ldb')]);
    symlinkSync('/dev/zero', join(d, '999981.log'));
    symlinkSync('999982.ldb', join(d, '999982.ldb'));
    mkdirSync(join(d, '999983.ldb'));
    const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'src', 'cli', 'run.ts'), 'metastore', ...args], { encoding: 'utf8', cwd: repo, timeout: T });
    const ins = cli(['inspect', d]);
    expect(ins.error, 'inspect must not hang').toBeUndefined();
    expect(ins.status).toBe(0);
    for (const f of ['999980.ldb is a FIFO', '999981.log is a symbolic link to a character device', '999982.ldb symbolic link loop', '999983.ldb is a directory']) expect(ins.stdout).toContain(f);
    const dump = cli(['dump', d, '--json']);
    expect(dump.error).toBeUndefined();
    expect(JSON.parse(dump.stdout).entries.length).toBe(truth.final.size);
    const strict = cli(['repair', d, '--out', join(dirname(d), 'o'), '--mode', 'strict']);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/Strict mode reads every store file/);
  });
});

describe('a file the user cannot read (EACCES)', () => {
  // Tests run as root in CI, where chmod 000 does not stop reads: then the command runs in a child
  // that drops to user nobody (as-nobody.ts) against a world-readable copy whose one table is mode 000.
  const asRoot = process.getuid?.() === 0;
  function prepare(): { d: string; t: string; outRoot: string } {
    const root = tempDir('eacces');
    const d = join(root, 'metadata');
    cpSync(base, d, { recursive: true });
    chmodSync(root, 0o755);
    chmodSync(d, 0o755);
    for (const n of readdirSync(d)) chmodSync(join(d, n), 0o644);
    const t = tables(d)[0]!;
    chmodSync(join(d, t), 0o000);
    const outRoot = join(root, 'outs');
    mkdirSync(outRoot);
    chmodSync(outRoot, 0o777);
    return { d, t, outRoot };
  }
  function asNobody(args: Record<string, unknown>) {
    const a = { json: false, decode: false, includeUnverified: false, ...args };
    return spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'test', 'metastore', 'as-nobody.ts'), JSON.stringify(a)], { encoding: 'utf8', cwd: repo, timeout: T });
  }

  it('lenient: reported with its path and skipped; strict: refused with a clear message (io, exit 1)', { timeout: 2 * T }, async () => {
    const { d, t, outRoot } = prepare();
    if (asRoot) {
      const len = asNobody({ action: 'dump', dir: d, json: true });
      expect(len.status, len.stderr).toBe(0);
      const j = JSON.parse(len.stdout);
      const dmg = j.damage.find((x: { file: string; kind: string }) => x.file === t && x.kind === 'unreadable');
      expect(dmg.cause).toBe('permission');
      expect(dmg.message).toMatch(/permission denied \(EACCES\)/);
      expect(j.entries.length).toBeGreaterThan(0);
      const strict = asNobody({ action: 'repair', dir: d, out: join(outRoot, 'o'), mode: 'strict' });
      expect(strict.status).toBe(1);
      expect(strict.stderr).toContain(`${t} permission denied (EACCES)`);
      expect(strict.stderr).toMatch(/Strict mode reads every store file/);
      expect(existsSync(join(outRoot, 'o'))).toBe(false);
      // the store directory itself unreadable: an io error (exit 1), not "not a store"
      chmodSync(d, 0o700);
      const dir = asNobody({ action: 'dump', dir: d });
      expect(dir.status).toBe(1);
      expect(dir.stderr).toMatch(/cannot read store directory .*EACCES/);
    } else {
      const { view } = await dumpStore(d);
      expect(view.damage.find((x) => x.file === t && x.kind === 'unreadable')?.cause).toBe('permission');
      const e = await repairStore(d, join(outRoot, 'o'), 'strict').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(StoreFileAccessError);
      expect(errorKind(e)).toBe('io');
    }
  });
});

describe('repair --out', () => {
  it('a symlink that leads into the input store is refused before anything is read', { timeout: T }, async () => {
    const d = copy('outlink');
    const link = join(dirname(d), 'elsewhere');
    symlinkSync(d, link);
    const e = await repairStore(d, join(link, 'repaired'), 'lenient').catch((x: unknown) => x);
    expect(errorKind(e)).toBe('usage');
    expect((e as Error).message).toMatch(/is the input store or inside it \(it resolves to .*metadata\/repaired\)/);
    expect(existsSync(join(d, 'repaired'))).toBe(false);
    // and the input reached through a symlink, output inside its real path
    const e2 = await repairStore(link, join(d, 'x'), 'lenient').catch((x: unknown) => x);
    expect(errorKind(e2)).toBe('usage');
  });

  it('a .partial left by a killed repair is removed, and the repair completes', { timeout: T }, async () => {
    const d = copy('partial');
    const out = join(dirname(d), 'repaired');
    // a pid that no longer runs: a child that has exited
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    const stale = join(dirname(d), `.repaired.partial-${pid}`);
    mkdirSync(stale);
    writeFileSync(join(stale, '000001.log'), 'half-written');
    const r = await repairStore(d, out, 'lenient');
    expect(r.partialsRemoved).toEqual([stale]);
    expect(existsSync(stale)).toBe(false);
    expect((await readClassic(out)).keys).toEqual(truth.final);
    expect(readdirSync(dirname(d)).filter((n) => n.includes('.partial'))).toEqual([]);
  });

  it('a .partial of a repair still running is not touched: the second repair refuses (io)', { timeout: T }, async () => {
    const d = copy('partial-live');
    const live = join(dirname(d), `.repaired.partial-${process.ppid}`);
    mkdirSync(live);
    const e = await repairStore(d, join(dirname(d), 'repaired'), 'lenient').catch((x: unknown) => x);
    expect(errorKind(e)).toBe('io');
    expect((e as Error).message).toMatch(new RegExp(`another repair \\(pid ${process.ppid}\\)`));
    expect(statSync(live).isDirectory()).toBe(true);
    renameSync(live, `${live}-kept`);
  });
});
