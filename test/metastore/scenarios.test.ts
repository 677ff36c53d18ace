// Every corruption scenario of docs/leveldb.md#damage-and-recovery, applied to real stores (goleveldb with
// lotus's options, goleveldb Snappy, C++ LevelDB via classic-level). For each, our lenient and
// strict repairs are compared with the ground truth the writer recorded, with LevelDB's RepairDB
// (classic-level) and with goleveldb's own open / RecoverFile under lotus's options.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { crc32c } from '@node-rs/crc32';
import { readLog } from '../../src/metastore/log-reader.js';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { repairStore } from '../../src/metastore/repair.js';
import { inspectStore } from '../../src/metastore/inspect.js';
import { dumpStore } from '../../src/metastore/dump.js';
import { StrictRefusalError } from '../../src/metastore/latest-view.js';
import { errorKind } from '../../src/errors.js';
import { scanStore } from '../../src/metastore/store-files.js';
import { scanTable } from '../../src/metastore/table-reader.js';
import { cppStore, dirFingerprint, goRun, goStore, readClassic, repairDb, score, tempDir, type KeySet, type Score, type Truth, removeTempDirs } from './helpers.js';

type Base = 'go' | 'go-snappy' | 'go-leftover' | 'cpp';

interface Scenario {
  name: string;
  base: Base;
  /** spec §3.3 item */
  spec: string;
  apply: (dir: string) => Promise<void> | void;
  /** leaves no trace to report: a valid empty journal, or a change that is not damage (.sst names) */
  undetectable?: boolean;
}

function pseudo(n: number, seed: string): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i += 32) createHash('sha256').update(`${seed}${i}`).digest().copy(out, i);
  return out;
}
const patch = (file: string, offset: number, bytes: Uint8Array) => {
  const b = readFileSync(file);
  const at = offset < 0 ? b.length + offset : offset;
  Buffer.from(bytes).copy(b, at);
  writeFileSync(file, b.subarray(0, Math.max(b.length, at)));
};
/** flip one bit of a byte, as LevelDB's and goleveldb's corruption tests do (x ^= 0x80) */
const flip = (file: string, offset: number) => {
  const b = readFileSync(file);
  const at = offset < 0 ? b.length + offset : offset;
  b[at] = b[at]! ^ 0x80;
  writeFileSync(file, b);
};
const files = (dir: string, ext: string) => readdirSync(dir).filter((n) => n.endsWith(ext)).sort();
const journal = (dir: string) => join(dir, files(dir, '.log').sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0]!);
/** the biggest table the manifest places below level 0 */
async function deepTable(dir: string): Promise<string> {
  const v = (await scanStore(dir)).version!;
  const best = [...v.files.values()].filter((f) => f.level > 0).sort((a, b) => b.size - a.size)[0]!;
  return join(dir, `${String(best.number).padStart(6, '0')}.ldb`);
}
/** a table holding deletion markers (the flushed level-0 table in our fixtures) */
function tombstoneTable(dir: string): string {
  for (const f of files(dir, '.ldb')) {
    const s = scanTable(readFileSync(join(dir, f)), f, { correct: false });
    if (s.entries.some((e) => e.kind === 0)) return join(dir, f);
  }
  throw new Error('fixture has no table with tombstones');
}
function footerHandles(file: string) {
  const s = scanTable(readFileSync(file), file, { correct: false });
  return { meta: s.blocks.find((b) => b.role === 'metaindex')!, data: s.blocks.filter((b) => b.role === 'data') };
}

const SCENARIOS: Scenario[] = [
  { name: 'healthy', base: 'go', spec: '-', apply: () => undefined },
  { name: 'wal-bitflips (1 byte ^0x80 @19 and @33768)', base: 'go', spec: '1', apply: (d) => (flip(journal(d), 19), flip(journal(d), 33768)) },
  { name: 'wal-garbage (300 bytes mid-block)', base: 'go', spec: '1', apply: (d) => patch(journal(d), 40000, pseudo(300, 'wal')) },
  { name: 'wal-torn-tail (−500 bytes)', base: 'go', spec: '2', apply: (d) => truncateSync(journal(d), statSync(journal(d)).size - 500) },
  { name: 'wal-zero-fill (4 KiB zeroed)', base: 'go', spec: '3', apply: (d) => patch(journal(d), 50000, new Uint8Array(4096)) },
  { name: 'wal-empty (truncated to 0)', base: 'go', spec: '2', apply: (d) => truncateSync(journal(d), 0), undetectable: true },
  { name: 'table-data-bitflip (1 byte ^0x80 @100)', base: 'go', spec: '4', apply: async (d) => flip(await deepTable(d), 100) },
  { name: 'table-data-garbage (64 bytes in a block)', base: 'go', spec: '4', apply: async (d) => patch(await deepTable(d), 5000, pseudo(64, 'data')) },
  { name: 'table-zero-fill (8 KiB mid-table)', base: 'go', spec: '4', apply: async (d) => patch(await deepTable(d), 30000, new Uint8Array(8192)) },
  { name: 'table-data-byte (1 byte ^0xff @100: 8 bits)', base: 'go', spec: '4', apply: async (d) => patch(await deepTable(d), 100, Uint8Array.of(readFileSync(await deepTable(d))[100]! ^ 0xff)) },
  { name: 'table-index (500 bytes @−2000)', base: 'go', spec: '5', apply: async (d) => patch(await deepTable(d), -2000, pseudo(500, 'idx')) },
  { name: 'table-footer (magic flipped)', base: 'go', spec: '6', apply: async (d) => patch(await deepTable(d), -8, pseudo(8, 'magic')) },
  {
    // the walk then meets the index block, whose separators are often real internal keys; the
    // lost block's keys must not come back with block handles as values
    name: 'table-footer+data (magic and a block)',
    base: 'go',
    spec: '4/6',
    apply: async (d) => {
      const t = await deepTable(d);
      patch(t, -8, pseudo(8, 'magic2'));
      patch(t, 20000, pseudo(64, 'data2'));
    },
  },
  {
    name: 'table-metaindex (1 byte ^0x80)',
    base: 'go',
    spec: '8',
    apply: async (d) => {
      const t = await deepTable(d);
      flip(t, footerHandles(t).meta.offset + 1);
    },
  },
  { name: 'table-truncated (half)', base: 'go', spec: '6', apply: async (d) => truncateSync(await deepTable(d), Math.floor(statSync(await deepTable(d)).size / 2)) },
  { name: 'table-short (40 bytes)', base: 'go', spec: '6', apply: async (d) => truncateSync(await deepTable(d), 40) },
  { name: 'table-zero-length', base: 'go', spec: '6', apply: async (d) => truncateSync(await deepTable(d), 0) },
  { name: 'table-missing', base: 'go', spec: '9', apply: async (d) => unlinkSync(await deepTable(d)) },
  {
    name: 'tombstone-table (middle third garbage)',
    base: 'go',
    spec: '4/13',
    apply: (d) => {
      const t = tombstoneTable(d);
      const n = statSync(t).size;
      patch(t, Math.floor(n / 3), pseudo(Math.floor(n / 3), 'tomb'));
    },
  },
  { name: 'wal-missing (journal deleted)', base: 'go', spec: '2', apply: (d) => unlinkSync(journal(d)) },
  {
    name: 'wal-bad-sequence (batch seq > 2^56−1, valid CRC)',
    base: 'go',
    spec: '15',
    apply: (d) => {
      // rewrite one whole-record batch header and re-checksum it: a record that passes its CRC
      // but carries an impossible sequence (goleveldb issue #454)
      const j = journal(d);
      const b = readFileSync(j);
      const rec = readLog(b, j, 'strict').records.filter((r) => b[r.offset + 6] === 1)[20]!;
      b.writeBigUInt64LE((1n << 56n) + 5n, rec.offset + 7);
      const len = b.readUInt16LE(rec.offset + 4);
      const c = crc32c(b.subarray(rec.offset + 7, rec.offset + 7 + len), crc32c(Uint8Array.of(1))) >>> 0;
      const masked = ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
      b.writeUInt32LE(masked, rec.offset);
      writeFileSync(j, b);
    },
  },
  { name: 'tables-renamed-to-.sst', base: 'go', spec: 'U17', undetectable: true, apply: (d) => files(d, '.ldb').forEach((f) => renameSync(join(d, f), join(d, f.replace(/\.ldb$/, '.sst')))) },
  { name: 'manifest-missing', base: 'go', spec: '11', apply: (d) => files(d, '').filter((f) => f.startsWith('MANIFEST-')).forEach((f) => unlinkSync(join(d, f))) },
  { name: 'manifest-corrupt (first 1000 bytes)', base: 'go', spec: '11', apply: (d) => files(d, '').filter((f) => f.startsWith('MANIFEST-')).forEach((f) => patch(join(d, f), 0, pseudo(Math.min(1000, statSync(join(d, f)).size), 'mf'))) },
  { name: 'current-missing (and CURRENT.bak)', base: 'go', spec: '10', apply: (d) => ['CURRENT', 'CURRENT.bak'].forEach((f) => rmSync(join(d, f), { force: true })) },
  { name: 'current-empty (and CURRENT.bak)', base: 'go', spec: '10', apply: (d) => ['CURRENT', 'CURRENT.bak'].forEach((f) => writeFileSync(join(d, f), '')) },
  { name: 'current-names-missing-manifest', base: 'go', spec: '10', apply: (d) => ['CURRENT', 'CURRENT.bak'].forEach((f) => writeFileSync(join(d, f), 'MANIFEST-999999\n')) },
  {
    // a journal older than the manifest's log number: goleveldb never replays it (and strict must
    // not let it stop the replay of the live journal)
    name: 'retired-journal-garbage',
    base: 'go',
    spec: '14',
    apply: (d) => writeFileSync(join(d, '000003.log'), pseudo(5000, 'retiredlog')),
  },
  {
    name: 'junk-files',
    base: 'go',
    spec: '14',
    apply: (d) => {
      writeFileSync(join(d, 'junk.txt'), 'not a leveldb file\n');
      writeFileSync(join(d, '000100.ldb'), '');
      writeFileSync(join(d, '000101.log'), pseudo(5000, 'junklog'));
      writeFileSync(join(d, '000102.ldb'), pseudo(3000, 'junkldb'));
      writeFileSync(join(d, '000103.log'), '');
    },
  },
  {
    name: 'obsolete-table-left-behind',
    base: 'go-leftover',
    spec: '16',
    // keep only the planted leftover (000900.ldb) among the tables the manifest no longer lists,
    // as after a clean-up that missed one file: its deleted keys have no tombstone left anywhere
    apply: async (d) => {
      const v = (await scanStore(d)).version!;
      for (const f of files(d, '.ldb')) if (f !== '000900.ldb' && !v.files.has(Number(f.slice(0, 6)))) unlinkSync(join(d, f));
    },
  },
  { name: 'snappy: table-data-garbage', base: 'go-snappy', spec: '4', apply: async (d) => patch(await deepTable(d), 5000, pseudo(64, 'sdata')) },
  { name: 'snappy: table-index', base: 'go-snappy', spec: '5', apply: async (d) => patch(await deepTable(d), -2000, pseudo(500, 'sidx')) },
  {
    name: 'c++: table-data-bitflip (^0x80)',
    base: 'cpp',
    spec: '4',
    apply: async (d) => flip(join(d, files(d, '.ldb')[0]!), 100),
  },
  {
    name: 'c++: filter-block garbage',
    base: 'cpp',
    spec: '7',
    apply: (d) => {
      const t = join(d, files(d, '.ldb')[0]!);
      const f = scanTable(readFileSync(t), t, { correct: false }).blocks.find((b) => b.role === 'filter')!;
      patch(t, f.offset, pseudo(Math.min(64, f.size), 'filter'));
    },
  },
  { name: 'c++: wal-garbage', base: 'cpp', spec: '1', apply: (d) => patch(journal(d), 1000, pseudo(200, 'cwal')) },
];

interface Row {
  name: string;
  spec: string;
  truth: number;
  lenient: Score & { flagged: number; unverified: number; unverifiedCorrect: number };
  strict: Score | null;
  strictError?: string;
  repairDb: KeySet & { s: Score };
  goOpen: KeySet & { s: Score };
  lotus: KeySet & { s: Score };
  goRecoverStrict: KeySet & { s: Score };
  goRecoverDefault: KeySet & { s: Score };
}

const rows: Row[] = [];
const bases = new Map<Base, { dir: string; truth: Truth }>();
const root = tempDir('scenarios');

beforeAll(async () => {
  const mk = async (b: Base) => {
    const dir = join(root, `base-${b}`);
    const truth = b === 'cpp' ? await cppStore(dir) : goStore(dir, { compression: b === 'go-snappy' ? 'snappy' : 'none', leftover: b === 'go-leftover' });
    bases.set(b, { dir, truth });
  };
  for (const b of ['go', 'go-snappy', 'go-leftover', 'cpp'] as const) await mk(b);
});

afterAll(removeTempDirs);

afterAll(() => {
  if (!rows.length) {
    rmSync(root, { recursive: true, force: true });
    return;
  }
  const f = (s: Score) => `${s.correct}${s.stale ? ` +${s.stale} stale` : ''}${s.neverWritten ? ` +${s.neverWritten} BAD` : ''}`;
  const g = (k: KeySet & { s: Score }) => (k.ok ? f(k.s) : k.keys.size ? `${f(k.s)} (then error)` : /crashed/.test(k.error ?? '') ? 'CRASHES' : 'fails');
  const lines = [
    '| scenario | §3.3 | truth | ours lenient | ours strict | RepairDB (classic-level) | goleveldb open, lotus options | lotus (open, auto RecoverFile) | goleveldb Recover StrictAll | goleveldb Recover DefaultStrict |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.spec} | ${r.truth} | ${f(r.lenient)}${r.lenient.flagged ? ` (${r.lenient.flagged} flagged stale)` : ''}${r.lenient.unverified ? `; ${r.lenient.unverified} unverified listed (${r.lenient.unverifiedCorrect} intact)` : ''} | ${r.strict ? f(r.strict) : `refuses: ${r.strictError}`} | ${g(r.repairDb)} | ${g(r.goOpen)}${r.goOpen.ok ? "" : ` (${(r.goOpen.error ?? "").slice(0, 80)})`} | ${g(r.lotus)} | ${g(r.goRecoverStrict)} | ${g(r.goRecoverDefault)} |`,
    ),
  ];
  const out = join(tmpdir(), 'metastore-scenarios.md');
  writeFileSync(out, lines.join('\n') + '\n');
  console.log(`\n${lines.join('\n')}\n(written to ${out})`);
  rmSync(root, { recursive: true, force: true });
});

describe('corruption scenarios (docs/leveldb.md#damage-and-recovery)', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, sc) => {
    const base = bases.get(sc.base)!;
    const dir = join(root, sc.name.replace(/[^a-z0-9+]+/gi, '_'));
    cpSync(base.dir, dir, { recursive: true });
    await sc.apply(dir);
    const t = base.truth;
    const before = dirFingerprint(dir);

    // ours (read-only on dir)
    const inspect = await inspectStore(dir);
    await dumpStore(dir, { decode: true });
    const outL = `${dir}.lenient`;
    const rep = await repairStore(dir, outL, 'lenient');
    let strictRep: Awaited<ReturnType<typeof repairStore>> | null = null;
    let strictError: string | undefined;
    try {
      strictRep = await repairStore(dir, `${dir}.strict`, 'strict');
    } catch (e) {
      // a refusal is a corruption error naming the damaged file and offset and the way out
      expect(e).toBeInstanceOf(StrictRefusalError);
      expect(errorKind(e)).toBe('corruption');
      const r = (e as StrictRefusalError).refusals[0]!;
      expect((e as Error).message).toContain(`${r.file} @ ${r.offset}`);
      expect((e as Error).message).toContain('--mode lenient');
      expect(inspect.strict).toBeNull();
      expect(inspect.strictRefuses).toMatchObject({ file: r.file, offset: r.offset, others: (e as StrictRefusalError).refusals.length - 1 });
      await expect(dumpStore(dir, { mode: 'strict' })).rejects.toBeInstanceOf(StrictRefusalError);
      strictError = `${r.file} @ ${r.offset}: ${r.message}`;
    }
    expect(dirFingerprint(dir)).toBe(before);
    if (sc.name === 'healthy') expect(inspect.healthy).toBe(true);
    else if (sc.base !== 'go-leftover' && !sc.undetectable) expect(inspect.damage.length + inspect.pointer.problems.length + inspect.orphanTables.length).toBeGreaterThan(0);

    // the repaired stores open in C++ LevelDB and in goleveldb with lotus's options, with the same keys
    const lenientKeys = await readClassic(outL);
    expect(lenientKeys.ok).toBe(true);
    expect(lenientKeys.keys.size).toBe(rep.keysWritten);
    const goL = goRun('dump', outL, 'all');
    expect(goL.error).toBeUndefined();
    expect(goL.keys).toEqual(lenientKeys.keys);
    let strictScore: Score | null = null;
    if (strictRep) {
      const sk = await readClassic(`${dir}.strict`);
      expect(sk.ok).toBe(true);
      expect(goRun('dump', `${dir}.strict`, 'all').keys).toEqual(sk.keys);
      strictScore = score(sk.keys, t);
      expect(strictScore.neverWritten).toBe(0);
    }

    // entries of damaged blocks that lenient reports but does not write (they cannot be verified)
    const unverifiedCorrect = new Set(
      rep.unverified.filter((u) => !u.deletion && t.final.get(Buffer.from(u.key, 'latin1').toString('base64')) === Buffer.from(u.value).toString('base64')).map((u) => Buffer.from(u.key, 'latin1').toString('base64')),
    );

    // references, each on its own copy
    const s = (k: KeySet) => ({ ...k, s: score(k.keys, t) });
    const row: Row = {
      name: sc.name,
      spec: sc.spec,
      truth: t.final.size,
      lenient: { ...score(lenientKeys.keys, t), flagged: rep.staleKeys.length, unverified: rep.unverified.length, unverifiedCorrect: unverifiedCorrect.size },
      strict: strictScore,
      strictError,
      repairDb: s(await repairDb(dir)),
      goOpen: s(goRun('dump', dir, 'all')),
      lotus: s(goRun('lotus', dir)),
      goRecoverStrict: s(goRun('recover', dir, 'all')),
      goRecoverDefault: s(goRun('recover', dir, 'default')),
    };
    rows.push(row);
    // strict refuses exactly the stores goleveldb refuses when opened with lotus's options
    // (OpenFile with StrictAll, then every key read), on its own copy
    // (OpenFile with StrictAll, then every key read), on its own copy — with one deliberate
    // exception: a live journal the manifest names but that is gone is damage to us (goleveldb
    // creates a journal before naming it) while goleveldb opens without it, losing its writes
    // silently (docs/metastore-recovery.md#strict)
    const goRefuses = !row.goOpen.ok || sc.name.startsWith('wal-missing');
    expect({ refuses: strictError !== undefined, why: strictError }).toEqual({ refuses: goRefuses, why: goRefuses ? expect.any(String) : undefined });
    expect(dirFingerprint(dir)).toBe(before);

    // lenient never returns a value that was never written …
    expect(row.lenient.neverWritten).toBe(0);
    // … and recovers every key RepairDB recovers correctly: verified, or (when only a block that
    // failed its checksum holds it) listed as unverified salvage with the same value
    const missed = [...row.repairDb.s.correctKeys].filter((k) => !row.lenient.correctKeys.has(k) && !unverifiedCorrect.has(k));
    expect(missed.map((k) => Buffer.from(k, 'base64').toString())).toEqual([]);
    // … and every key goleveldb's own recovery gets right
    for (const ref of [row.goRecoverDefault, row.goRecoverStrict, row.lotus]) {
      const m = [...ref.s.correctKeys].filter((k) => !row.lenient.correctKeys.has(k));
      expect(m.map((k) => Buffer.from(k, 'base64').toString())).toEqual([]);
    }
    // an older value kept where newer data was lost is listed as stale, unless the lost data's
    // keys are unknown (a damaged journal record), which the report then says
    if (row.lenient.stale && !sc.undetectable) {
      const flagged = new Set(rep.staleKeys.map((k) => Buffer.from(k.key, 'latin1').toString('base64')));
      const unflagged = [...lenientKeys.keys].filter(([k, v]) => t.final.get(k) !== v && !flagged.has(k));
      if (unflagged.length) expect(rep.lostRanges.some((r) => r.lo === null && r.hi === null)).toBe(true);
    }
    if (rep.unverified.length) {
      // --include-unverified writes them as RepairDB would, listed as UNVERIFIED stale keys, and
      // then covers RepairDB's keys outright
      const outU = `${dir}.unverified`;
      const u = await repairStore(dir, outU, 'lenient', { includeUnverified: true });
      const uk = await readClassic(outU);
      const us = score(uk.keys, t);
      expect([...row.repairDb.s.correctKeys].filter((k) => !us.correctKeys.has(k))).toEqual([]);
      expect(u.staleKeys.filter((k) => k.reason.startsWith('UNVERIFIED')).length).toBeGreaterThan(0);
    }
    if (sc.base === 'go-leftover') {
      // the references resurrect deleted keys from the leftover; we must not
      expect(row.repairDb.s.stale).toBeGreaterThan(0);
      expect(row.lenient.stale).toBe(0);
      expect(row.strict!.stale).toBe(0);
      expect(rep.obsoleteVersionsIgnored).toBeGreaterThan(0);
    }
    if (/^(healthy|manifest|current|junk|retired|tables-renamed|c\+\+: filter)/.test(sc.name)) {
      // nothing of the data was damaged: both modes get everything back
      expect(row.lenient.correct).toBe(row.truth);
      // (strict refuses a damaged pointer or manifest, as goleveldb does: checked above)
      if (!strictError) expect(row.strict?.correct).toBe(row.truth);
    }
    // strict gets exactly the keys right that goleveldb's StrictAll RecoverFile gets right, when
    // that succeeds (it fails outright on any journal problem, where strict keeps the good prefix)
    if (row.goRecoverStrict.ok && strictScore) {
      const show = (ks: Set<string>) => [...ks].map((k) => Buffer.from(k, 'base64').toString()).sort();
      expect(show(strictScore.correctKeys)).toEqual(show(row.goRecoverStrict.s.correctKeys));
    }
    if (strictRep) expect(inspect.strict!.keys).toBe(strictRep.keysWritten);
    expect(inspect.lenient.keys).toBe(rep.keysWritten);
  });
});

describe('sequence numbers (docs/leveldb.md#damage-and-recovery items 12 and 13)', () => {
  it('a newer-numbered table holding an older version does not win (C7: RepairDB get() is stale)', async () => {
    // two tables made separately: 000010.ldb holds a=NEW at seq 6, 000020.ldb holds a=OLD at seq 1
    const { ClassicLevel } = await import('classic-level');
    const mk = async (dir: string, puts: Array<[string, string]>) => {
      const db = new ClassicLevel(dir);
      await db.open();
      for (const [k, v] of puts) await db.put(k, v);
      await db.compactRange('\x00', '\xff');
      await db.close();
      return join(dir, files(dir, '.ldb')[0]!);
    };
    const w = tempDir('seq');
    const oldT = await mk(join(w, 'old'), [['a', 'OLD']]);
    const newT = await mk(join(w, 'new'), [['x1', '1'], ['x2', '2'], ['x3', '3'], ['x4', '4'], ['x5', '5'], ['a', 'NEW']]);
    const dir = join(w, 'store');
    cpSync(newT, join(dir, '000010.ldb'));
    cpSync(oldT, join(dir, '000020.ldb'));

    const ref = join(w, 'repairdb');
    cpSync(dir, ref, { recursive: true });
    const { ClassicLevel: CL } = await import('classic-level');
    await CL.repair(ref);
    const r = new CL(ref, { createIfMissing: false });
    await r.open();
    expect(await r.get('a')).toBe('OLD'); // the hazard, as measured in the spec
    await r.close();

    // no CURRENT, no manifest: goleveldb cannot find the store's entry point, so strict refuses
    await expect(repairStore(dir, join(w, 'out-strict'), 'strict')).rejects.toThrow(/strict mode refuses this store.*CURRENT @ 0/);
    for (const mode of ['lenient'] as const) {
      const out = join(w, `out-${mode}`);
      const rep = await repairStore(dir, out, mode);
      expect(rep.keysWritten).toBe(6);
      const db = new CL(out, { createIfMissing: false });
      await db.open();
      expect(await db.get('a')).toBe('NEW');
      // later writes win over everything recovered (item 12)
      await db.put('a', 'NEWER');
      await db.close();
      const again = new CL(out, { createIfMissing: false });
      await again.open();
      expect(await again.get('a')).toBe('NEWER');
      await again.close();
      expect(goRun('dump', out, 'all').keys.get(Buffer.from('a').toString('base64'))).toBe(Buffer.from('NEWER').toString('base64'));
    }
    rmSync(w, { recursive: true, force: true });
  });
});
