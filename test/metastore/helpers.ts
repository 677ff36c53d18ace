// Test fixtures from real LevelDB implementations: goleveldb through tools/leveldb-gen (built
// once per source hash into a cache dir under os.tmpdir()), C++ LevelDB through classic-level.
import { spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClassicLevel } from 'classic-level';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const genSrc = join(repo, 'tools', 'leveldb-gen');

const made: string[] = [];

/** Remove every directory tempDir() made in this process (call from afterAll). */
export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A fresh directory under os.tmpdir(); removeTempDirs() deletes them all. */
export function tempDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `metastore-${tag}-`));
  made.push(d);
  return d;
}

let built: string | null = null;

/** Path of the leveldb-gen binary, building it if this source has not been built yet. */
export function leveldbGen(): string {
  if (built) return built;
  const h = createHash('sha256');
  // every Go source of the module, subpackages (lotustypes/) included
  for (const f of (readdirSync(genSrc, { recursive: true }) as string[]).sort()) if (/\.(go|mod|sum)$/.test(f)) h.update(f).update(readFileSync(join(genSrc, f)));
  const dir = join(tmpdir(), `sealer-recover-leveldb-gen-${h.digest('hex').slice(0, 16)}`);
  const bin = join(dir, 'leveldb-gen');
  if (!existsSync(bin)) {
    const go = spawnSync('go', ['version'], { encoding: 'utf8' });
    if (go.error || go.status !== 0) {
      throw new Error(
        'Go toolchain not found: the metastore tests build tools/leveldb-gen (goleveldb) to write real lotus-style stores. ' +
          'Install Go ≥ 1.21 (https://go.dev/dl) and make sure `go` is on PATH; the module github.com/syndtr/goleveldb comes from the Go module proxy.',
      );
    }
    mkdirSync(dir, { recursive: true });
    const tmp = `${bin}.${process.pid}`;
    const r = spawnSync('go', ['build', '-o', tmp, '.'], { cwd: genSrc, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building tools/leveldb-gen failed:\n${r.stderr}`);
    renameSync(tmp, bin);
  }
  return (built = bin);
}

export interface Write {
  k: string; // base64
  v: string | null; // base64
}

export interface SectorTruth {
  number: number;
  state: string;
  sectorType: number;
  ticketValue: string;
  ticketEpoch: number;
  commD: string | null;
  commR: string | null;
  pieces: Array<{ size: number; pieceCid: string; dealId: number | null }>;
  canonical: boolean;
}

export interface Truth {
  writes: Write[];
  sectors: Record<string, SectorTruth>;
  badSectorKeys: string[];
  /** final state: key (base64) → value (base64) */
  final: Map<string, string>;
  /** every value ever written per key (base64 → set of base64) */
  everWritten: Map<string, Set<string>>;
}

function loadTruth(path: string): Truth {
  const t = JSON.parse(readFileSync(path, 'utf8')) as Omit<Truth, 'final' | 'everWritten'>;
  const final = new Map<string, string>();
  const everWritten = new Map<string, Set<string>>();
  for (const w of t.writes) {
    if (w.v === null) final.delete(w.k);
    else {
      final.set(w.k, w.v);
      let s = everWritten.get(w.k);
      if (!s) everWritten.set(w.k, (s = new Set()));
      s.add(w.v);
    }
  }
  return { ...t, final, everWritten };
}

export interface GenOptions {
  sectors?: number;
  compression?: 'none' | 'snappy';
  seed?: number;
  leftover?: boolean;
  log?: number;
}

/** Write a lotus-like store with goleveldb (lotus options) into `dir`; returns the ground truth. */
export function goStore(dir: string, o: GenOptions = {}): Truth {
  const truth = `${dir}.truth.json`;
  const args = ['write', '-dir', dir, '-truth', truth, '-sectors', String(o.sectors ?? 400), '-compression', o.compression ?? 'none', '-seed', String(o.seed ?? 1), '-log', String(o.log ?? 3)];
  if (o.leftover) args.push('-leftover');
  execFileSync(leveldbGen(), args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return loadTruth(truth);
}

export interface KeySet {
  ok: boolean;
  error?: string;
  /** key (base64) → value (base64) */
  keys: Map<string, string>;
}

/** Run goleveldb on a copy of `dir`: `dump` (OpenFile), `recover` (RecoverFile) or `lotus` (go-ds-leveldb). */
export function goRun(cmd: 'dump' | 'recover' | 'lotus', dir: string, strict: 'all' | 'default' | 'none' = 'all'): KeySet {
  const copy = tempDir('go');
  cpSync(dir, copy, { recursive: true });
  try {
    const args = [cmd, '-dir', copy];
    if (cmd !== 'lotus') args.push('-strict', strict);
    const r = spawnSync(leveldbGen(), args, { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) return { ok: false, error: `exit ${r.status}: ${r.stderr}`, keys: new Map() };
    const j = JSON.parse(r.stdout) as { ok: boolean; error?: string; keys: Record<string, string> };
    return { ok: j.ok, error: j.error, keys: new Map(Object.entries(j.keys)) };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Every key/value classic-level (C++ LevelDB 1.20) reads from `dir`, opened without create. */
export async function readClassic(dir: string): Promise<KeySet> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { createIfMissing: false, keyEncoding: 'view', valueEncoding: 'view' });
  const keys = new Map<string, string>();
  try {
    await db.open();
    for await (const [k, v] of db.iterator()) keys.set(Buffer.from(k).toString('base64'), Buffer.from(v).toString('base64'));
    return { ok: true, keys };
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return { ok: false, error: `${err.message}${err.cause ? `: ${err.cause.message}` : ''}`, keys };
  } finally {
    await db.close().catch(() => undefined);
  }
}

/**
 * LevelDB's RepairDB (via classic-level) on a copy of `dir`, then read it back. It runs in a child
 * process: LevelDB 1.20 aborts the whole process on some damage (an assertion on a zero-filled
 * table region), which is then reported as a failure instead of killing the test worker.
 */
export async function repairDb(dir: string): Promise<KeySet> {
  const copy = tempDir('repairdb');
  cpSync(dir, copy, { recursive: true });
  const script = `
    const { ClassicLevel } = require('classic-level');
    (async () => {
      const dir = process.argv[1];
      await ClassicLevel.repair(dir);
      const db = new ClassicLevel(dir, { createIfMissing: false, keyEncoding: 'view', valueEncoding: 'view' });
      await db.open();
      const keys = {};
      for await (const [k, v] of db.iterator()) keys[Buffer.from(k).toString('base64')] = Buffer.from(v).toString('base64');
      await db.close();
      process.stdout.write(JSON.stringify(keys));
    })().catch((e) => { process.stderr.write(String(e && e.message)); process.exit(3); });`;
  try {
    const r = spawnSync(process.execPath, ['-e', script, copy], { encoding: 'utf8', cwd: repo, maxBuffer: 1 << 28 });
    if (r.status !== 0) {
      const why = r.signal ? `crashed (${r.signal}): ${r.stderr.trim().split('\n').pop()}` : r.stderr.trim();
      return { ok: false, error: why, keys: new Map() };
    }
    return { ok: true, keys: new Map(Object.entries(JSON.parse(r.stdout) as Record<string, string>)) };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Fingerprint of a directory: every entry's name, size and content hash. */
export function dirFingerprint(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      h.update(`${rel}${name}\0${st.isDirectory() ? 'dir' : st.size}\0`);
      if (st.isDirectory()) walk(p, `${rel}${name}/`);
      else h.update(readFileSync(p));
    }
  };
  walk(dir, '');
  return h.digest('hex');
}

export interface Score {
  /** keys whose value equals the final truth */
  correct: number;
  /** keys with a value that was written once but is not the final one (stale / resurrected) */
  stale: number;
  /** keys with a value never written for that key */
  neverWritten: number;
  correctKeys: Set<string>;
}

export function score(keys: Map<string, string>, t: Truth): Score {
  let correct = 0;
  let stale = 0;
  let neverWritten = 0;
  const correctKeys = new Set<string>();
  for (const [k, v] of keys) {
    if (t.final.get(k) === v) {
      correct++;
      correctKeys.add(k);
    } else if (t.everWritten.get(k)?.has(v)) stale++;
    else neverWritten++;
  }
  return { correct, stale, neverWritten, correctKeys };
}

export const b64 = (u: Uint8Array): string => Buffer.from(u).toString('base64');

/** A store written by C++ LevelDB (classic-level defaults: Snappy, bloom filter); returns the truth. */
export async function cppStore(dir: string, n = 1500): Promise<Truth> {
  const { randomBytes } = await import('node:crypto');
  const writes: Write[] = [];
  const db = new ClassicLevel<string, Uint8Array>(dir, { valueEncoding: 'view', writeBufferSize: 64 * 1024 });
  await db.open();
  const put = async (k: string, v: Uint8Array) => {
    await db.put(k, v);
    writes.push({ k: b64(Buffer.from(k)), v: b64(v) });
  };
  const del = async (k: string) => {
    await db.del(k);
    writes.push({ k: b64(Buffer.from(k)), v: null });
  };
  for (let i = 0; i < n; i++) await put(`/sectors/${i}`, i % 2 ? randomBytes(700) : Buffer.alloc(700, `Proving-${i}-`));
  await db.compactRange('\x00', '\xff');
  for (let i = 0; i < n; i += 7) await del(`/sectors/${i}`);
  for (let i = 1; i < n; i += 5) await put(`/sectors/${i}`, randomBytes(500));
  await db.close();
  const final = new Map<string, string>();
  const everWritten = new Map<string, Set<string>>();
  for (const w of writes) {
    if (w.v === null) final.delete(w.k);
    else {
      final.set(w.k, w.v);
      if (!everWritten.has(w.k)) everWritten.set(w.k, new Set());
      everWritten.get(w.k)!.add(w.v);
    }
  }
  return { writes, sectors: {}, badSectorKeys: [], final, everWritten };
}

export interface Summary {
  ok: boolean;
  error?: string;
  count: number;
  /** sha256 over (u32le len ‖ key ‖ u32le len ‖ value) for every pair in key order */
  sha256: string;
}

/** goleveldb's view of a (large) store as a count and digest; opens `dir` in place (it may write). */
export function goSummary(dir: string, cmd: 'dump' | 'lotus' = 'dump'): Summary {
  const r = spawnSync(leveldbGen(), [cmd, '-dir', dir, '-summary', ...(cmd === 'dump' ? ['-strict', 'all'] : [])], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, error: `exit ${r.status}: ${r.stderr}`, count: 0, sha256: '' };
  const j = JSON.parse(r.stdout) as { ok: boolean; error?: string; count: number; sha256: string };
  return { ok: j.ok, error: j.error, count: j.count, sha256: j.sha256 };
}

/** The same digest through classic-level (C++ LevelDB). */
export async function classicSummary(dir: string): Promise<Summary> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { createIfMissing: false, keyEncoding: 'view', valueEncoding: 'view' });
  const h = createHash('sha256');
  const n = Buffer.alloc(4);
  let count = 0;
  try {
    await db.open();
    for await (const [k, v] of db.iterator()) {
      n.writeUInt32LE(k.length);
      h.update(n).update(k);
      n.writeUInt32LE(v.length);
      h.update(n).update(v);
      count++;
    }
    return { ok: true, count, sha256: h.digest('hex') };
  } catch (e) {
    return { ok: false, error: (e as Error).message, count, sha256: '' };
  } finally {
    await db.close().catch(() => undefined);
  }
}
