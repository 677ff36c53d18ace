// The readers against stores written by the real implementations: goleveldb with lotus's options
// (uncompressed and Snappy) and C++ LevelDB via classic-level (Snappy, bloom filter). Expected
// contents come from the writers' own record of what they wrote and from the reference readers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ClassicLevel } from 'classic-level';
import { buildView, liveEntries } from '../../src/metastore/latest-view.js';
import { scanTable } from '../../src/metastore/table-reader.js';
import { readLog } from '../../src/metastore/log-reader.js';
import { decodeWriteBatch } from '../../src/metastore/write-batch.js';
import { scanStore } from '../../src/metastore/store-files.js';
import { b64, goRun, goStore, tempDir, type Truth, removeTempDirs } from './helpers.js';

const asMap = (entries: ReturnType<typeof liveEntries>) => new Map(entries.map((e) => [b64(e.key), b64(e.value)]));

describe.each(['none', 'snappy'] as const)('goleveldb store (lotus options, compression %s)', (compression) => {
  let dir: string;
  let truth: Truth;
  beforeAll(() => {
    dir = join(tempDir(`go-${compression}`), 'metadata');
    truth = goStore(dir, { compression });
  });

  it('spans several tables at two levels plus a live journal', async () => {
    const layout = await scanStore(dir);
    expect(layout.pointer.from).toBe('CURRENT');
    expect(layout.version!.comparator).toBe('leveldb.BytewiseComparator');
    expect(layout.version!.missingFields).toEqual([]);
    const tables = layout.files.filter((f) => f.role === 'table');
    expect(tables.length).toBeGreaterThanOrEqual(4);
    expect(new Set([...layout.version!.files.values()].map((f) => f.level)).size).toBeGreaterThanOrEqual(2);
    expect(layout.files.some((f) => f.role === 'log' && f.size > 3 * 32768)).toBe(true);
    expect(layout.missingTables).toEqual([]);
    // every table the manifest lists is present with exactly the recorded size
    for (const [n, meta] of layout.version!.files) expect(tables.find((t) => t.number === n)?.size).toBe(meta.size);
  });

  it('verifies every block checksum and decodes every entry', async () => {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ldb'))) {
      const scan = scanTable(readFileSync(join(dir, f)), f, { correct: false });
      expect(scan.damage).toEqual([]);
      expect(scan.clean).toBe(true);
      const data = scan.blocks.filter((b) => b.role === 'data');
      expect(data.every((b) => b.status === 'ok')).toBe(true);
      // lotus writes uncompressed blocks; goleveldb's Snappy mode compresses every block
      expect(new Set(data.map((b) => b.compression))).toEqual(new Set([compression === 'none' ? 0 : 1]));
    }
  });

  it('latest view equals what was written and what goleveldb reads', async () => {
    for (const mode of ['lenient', 'strict'] as const) {
      const view = await buildView(dir, mode);
      expect(view.damage).toEqual([]);
      expect(view.stale).toEqual([]);
      expect(asMap(liveEntries(view))).toEqual(truth.final);
    }
    const go = goRun('dump', dir, 'all');
    expect(go.ok).toBe(true);
    expect(go.keys).toEqual(truth.final);
  });

  it('journal records decode to write batches with consecutive sequence numbers', async () => {
    const log = readdirSync(dir).find((n) => n.endsWith('.log'))!;
    const r = readLog(readFileSync(join(dir, log)), log, 'strict');
    expect(r.damage).toEqual([]);
    expect(r.stoppedAt).toBeNull();
    let next: bigint | null = null;
    for (const rec of r.records) {
      const b = decodeWriteBatch(rec.data);
      expect(b.error).toBeNull();
      if (next !== null) expect(b.seq).toBe(next);
      next = b.seq + BigInt(b.count);
    }
    expect(r.records.length).toBeGreaterThan(50);
  });
});

describe('C++ LevelDB store written by classic-level (Snappy, bloom filter)', () => {
  it('reads back exactly what classic-level wrote, tombstones applied', async () => {
    const dir = join(tempDir('cpp'), 'db');
    const db = new ClassicLevel<string, Uint8Array>(dir, { valueEncoding: 'view', writeBufferSize: 64 * 1024, compression: true });
    await db.open();
    const expected = new Map<string, string>();
    for (let i = 0; i < 3000; i++) {
      // compressible values (stored as Snappy) and, under another prefix, incompressible ones
      // (C++ stores a block raw when Snappy saves less than 1/8)
      const k = i % 2 ? `/sectors/${i}` : `/stmgr/${i}`;
      const v = i % 2 ? Buffer.alloc(300, `state-${i % 7}-`) : randomBytes(600);
      await db.put(k, v);
      expected.set(b64(Buffer.from(k)), b64(v));
    }
    await db.compactRange('\x00', '\xff');
    for (let i = 1; i < 3000; i += 6) {
      await db.del(`/sectors/${i}`);
      expected.delete(b64(Buffer.from(`/sectors/${i}`)));
    }
    for (let i = 3; i < 300; i += 6) {
      const v = Buffer.from(`new-${i}`);
      await db.put(`/sectors/${i}`, v);
      expected.set(b64(Buffer.from(`/sectors/${i}`)), b64(v));
    }
    await db.close();

    const view = await buildView(dir, 'lenient');
    expect(view.damage).toEqual([]);
    expect(asMap(liveEntries(view))).toEqual(expected);
    const scans = view.tables;
    expect(scans.some((s) => s.blocks.some((b) => b.role === 'data' && b.compression === 1))).toBe(true);
    expect(scans.some((s) => s.blocks.some((b) => b.role === 'data' && b.compression === 0))).toBe(true);
    expect(scans.every((s) => s.filterName === 'leveldb.BuiltinBloomFilter2')).toBe(true);
  });
});

afterAll(removeTempDirs);
