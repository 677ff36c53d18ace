// `sealer-recover metastore …` end to end, on goleveldb-written stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dirFingerprint, goStore, leveldbGen, readClassic, tempDir, type Truth, removeTempDirs } from './helpers.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
function cli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'src', 'cli', 'run.ts'), 'metastore', ...args], { encoding: 'utf8', cwd: repo, maxBuffer: 1 << 28 });
}

describe('metastore CLI', () => {
  let root: string;
  let dir: string;
  let truth: Truth;
  beforeAll(() => {
    root = tempDir('cli');
    dir = join(root, 'metadata');
    truth = goStore(dir, { sectors: 120 });
  });

  it('inspect --json reports every file and a healthy store; the store is untouched', () => {
    const before = dirFingerprint(dir);
    const r = cli(['inspect', dir, '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.healthy).toBe(true);
    expect(j.lenient.keys).toBe(truth.final.size);
    expect(j.strict.keys).toBe(truth.final.size);
    expect(j.files.filter((f: { role: string }) => f.role === 'table').length).toBeGreaterThan(2);
    expect(j.manifest.comparator).toBe('leveldb.BytewiseComparator');
    expect(dirFingerprint(dir)).toBe(before);
    const text = cli(['inspect', dir]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/no damage found/);
  });

  it('dump --prefix --decode --json gives the newest value of each key, SectorInfo decoded', () => {
    const r = cli(['dump', dir, '--prefix', '/sectors/', '--decode', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { entries: Array<{ key: string; valueHex: string; decoded: { state: string } | null; decodeError?: string }> };
    const expected = [...truth.final].filter(([k]) => Buffer.from(k, 'base64').toString().startsWith('/sectors/'));
    expect(j.entries.length).toBe(expected.length);
    for (const e of j.entries) {
      expect(Buffer.from(e.valueHex, 'hex').toString('base64')).toBe(truth.final.get(Buffer.from(e.key).toString('base64')));
      if (truth.badSectorKeys.includes(e.key)) expect(e.decodeError).toMatch(/CBOR/);
      else expect(e.decoded!.state).toBe(truth.sectors[e.key]!.state);
    }
    const nextid = cli(['dump', dir, '--prefix', '/storage/nextid', '--decode']);
    expect(nextid.stdout.trim()).toMatch(/^\/storage\/nextid\t\d+$/);
  });

  it('sectors lists every record and exits 1 because one does not decode', () => {
    const r = cli(['sectors', dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`UNDECODABLE ${truth.badSectorKeys[0]}`);
    expect(r.stdout).toMatch(new RegExp(`${Object.keys(truth.sectors).length} sectors, 1 undecodable`));
  });

  it('repair writes a store classic-level opens, and refuses bad invocations with exit 2', async () => {
    const out = join(root, 'repaired');
    expect(cli(['repair', dir, '--mode', 'lenient']).status).toBe(2);
    expect(cli(['repair', dir, '--out', out]).status).toBe(2);
    expect(cli(['repair', dir, '--out', join(dir, 'inside'), '--mode', 'lenient']).status).toBe(2);
    const before = dirFingerprint(dir);
    const r = cli(['repair', dir, '--out', out, '--mode', 'strict', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).keysWritten).toBe(truth.final.size);
    expect(dirFingerprint(dir)).toBe(before);
    expect((await readClassic(out)).keys).toEqual(truth.final);
    const again = cli(['repair', dir, '--out', out, '--mode', 'lenient']);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('exits 2 (input) naming the problem for a directory that does not exist or holds no store', () => {
    const r = cli(['inspect', join(root, 'nope')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot open/);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const e = cli(['repair', empty, '--out', join(root, 'o2'), '--mode', 'lenient']);
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/no LevelDB tables, logs or manifests/);
  });

  it('reads a store that goleveldb (lotus) holds open and locked, without disturbing it', async () => {
    const live = join(root, 'live');
    cpSync(dir, live, { recursive: true });
    const holder = spawn(leveldbGen(), ['hold', '-dir', live], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((res, rej) => {
      holder.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && res());
      holder.on('exit', (c) => rej(new Error(`holder exited ${c}`)));
    });
    try {
      const before = dirFingerprint(live);
      const r = cli(['inspect', live, '--json']);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).lenient.keys).toBe(truth.final.size);
      const d = cli(['dump', live, '--json']);
      expect(JSON.parse(d.stdout).entries.length).toBe(truth.final.size);
      expect(dirFingerprint(live)).toBe(before);
    } finally {
      holder.stdin.end();
      await new Promise((res) => holder.on('exit', res));
    }
  });
});

afterAll(removeTempDirs);
