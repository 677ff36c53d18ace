// A lost journal record must not silently hand back an older value (docs/metastore-recovery.md#stale-journal):
// when a damaged journal stretch held a newer write of a key whose older version survives in a
// table, lenient repair keeps the older value and lists the key as possibly stale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, truncateSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readLog } from '../../src/metastore/log-reader.js';
import { decodeWriteBatch } from '../../src/metastore/write-batch.js';
import { formatRepair, repairStore } from '../../src/metastore/repair.js';
import { allocatorWarnings } from '../../src/metastore/allocator-check.js';
import { fileURLToPath } from 'node:url';
import { buildView } from '../../src/metastore/latest-view.js';
import { goStore, readClassic, tempDir, removeTempDirs, type Truth } from './helpers.js';

let base: string;
let truth: Truth;
beforeAll(() => {
  base = join(tempDir('stale'), 'metadata');
  truth = goStore(base, { sectors: 60 });
});
afterAll(removeTempDirs);

const journal = (d: string) => join(d, readdirSync(d).filter((n) => n.endsWith('.log')).sort((a, b) => statSync(join(d, b)).size - statSync(join(d, a)).size)[0]!);
const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');

/** a journal record that rewrites a sector whose previous version is in a table */
async function victim(d: string): Promise<{ file: string; offset: number; length: number; key: string }> {
  const file = journal(d);
  const buf = readFileSync(file);
  const view = await buildView(d, 'lenient');
  const inTables = new Set<string>();
  for (const t of view.tables) for (const e of t.entries) inTables.add(Buffer.from(e.userKey).toString('latin1'));
  const recs = readLog(buf, file, 'strict').records;
  for (const [i, r] of recs.entries()) {
    const b = decodeWriteBatch(r.data);
    if (b.entries.length !== 1 || i === recs.length - 1) continue;
    const key = Buffer.from(b.entries[0]!.key).toString('latin1');
    // a single-chunk record (the whole record in one block) keeps the test to one damaged chunk
    if (key.startsWith('/sectors/') && inTables.has(key) && r.data.length < 20000 && Math.floor(r.offset / 32768) === Math.floor((r.offset + 7 + r.data.length) / 32768)) {
      return { file, offset: r.offset, length: 7 + r.data.length, key };
    }
  }
  throw new Error('the fixture has no journal rewrite of a table key');
}

describe('damaged journal records and stale values', () => {
  it('a checksum-damaged record: the key it rewrote is listed as possibly stale, with the region', async () => {
    const d = join(tempDir('stale-crc'), 'metadata');
    cpSync(base, d, { recursive: true });
    const v = await victim(d);
    const b = readFileSync(v.file);
    // two flipped bits in the value (one would be undone by single-bit correction); the key stays legible
    b[v.offset + v.length - 1]! ^= 0x01;
    b[v.offset + v.length - 3]! ^= 0x10;
    writeFileSync(v.file, b);
    const out = join(dirname(d), 'out');
    const r = await repairStore(d, out, 'lenient');
    const s = r.staleKeys.find((k) => k.key === v.key);
    expect(s, `${v.key} must be flagged`).toBeDefined();
    expect(s!.reason).toMatch(/a newer write of this key was lost in the damaged journal region .*\.log@\d+ \(sequence numbers \d+–\d+\)/);
    // the value handed back is indeed an older one, not the final one
    const kept = (await readClassic(out)).keys.get(b64(v.key))!;
    expect(kept).not.toBe(truth.final.get(b64(v.key)));
    expect(truth.everWritten.get(b64(v.key))!.has(kept)).toBe(true);
    // keys the damaged region did not touch are not flagged
    expect(r.staleKeys.length).toBeLessThan(5);
  });

  it('a zero-filled record: the lost writes are unknown, so every key older than them is listed', async () => {
    const d = join(tempDir('stale-zero'), 'metadata');
    cpSync(base, d, { recursive: true });
    const v = await victim(d);
    const b = readFileSync(v.file);
    b.fill(0, v.offset, v.offset + v.length);
    writeFileSync(v.file, b);
    const r = await repairStore(d, join(dirname(d), 'out'), 'lenient');
    const s = r.staleKeys.find((k) => k.key === v.key);
    expect(s?.reason).toMatch(/the journal region .*\.log@\d+ is zero-filled: it lost writes \(sequence numbers \d+–\d+\) whose keys are unknown/);
    expect(r.staleKeys.length).toBeGreaterThan(10);
  });

  it('a lost /storage/nextid write is named: the allocator may have gone backwards', async () => {
    const d = join(tempDir('stale-nextid'), 'metadata');
    cpSync(base, d, { recursive: true });
    const file = journal(d);
    const buf = readFileSync(file);
    const recs = readLog(buf, file, 'strict').records.filter((r) => decodeWriteBatch(r.data).entries.some((e) => Buffer.from(e.key).toString() === '/storage/nextid'));
    const last = recs.at(-1)!;
    buf[last.offset + 7 + last.data.length - 1]! ^= 0x01;
    buf[last.offset + 7 + last.data.length - 2]! ^= 0x01;
    writeFileSync(file, buf);
    const r = await repairStore(d, join(dirname(d), 'out'), 'lenient');
    expect(r.staleKeys.map((k) => k.key)).toContain('/storage/nextid');
    expect(r.allocatorWarnings.join('\n')).toMatch(/\/storage\/nextid = \d+ may be an older value .*the allocator may have gone backwards.*highest sector number/);
    expect(formatRepair(r)).toMatch(/WARNING: \/storage\/nextid/);
  });

  it('a consistent allocator gives no warning; a missing one or one below the sectors does', async () => {
    const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'sectorinfo', 'store');
    expect(allocatorWarnings(await buildView(fixture, 'lenient'))).toEqual([]);
    // base: the generator's deliberately undecodable record /sectors/<n+1000> lies above nextid
    const w = allocatorWarnings(await buildView(base, 'lenient'));
    expect(w.join('\n')).toMatch(/\/storage\/nextid = \d+ is below the highest sector record \/sectors\/1060: the counter went backwards/);
  });

  it('a torn tail (the write a crash interrupted) flags nothing', async () => {
    const d = join(tempDir('stale-torn'), 'metadata');
    cpSync(base, d, { recursive: true });
    const f = journal(d);
    truncateSync(f, statSync(f).size - 3);
    const r = await repairStore(d, join(dirname(d), 'out'), 'lenient');
    expect(r.damage.some((x) => x.kind === 'torn-tail')).toBe(true);
    expect(r.staleKeys).toEqual([]);
  });
});
