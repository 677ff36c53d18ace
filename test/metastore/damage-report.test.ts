// inspect names every problem by file and byte offset, says what the damaged region held, and
// lists orphans and missing files — checked against damage we place at known offsets in real
// goleveldb stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatInspect, inspectStore } from '../../src/metastore/inspect.js';
import { scanStore } from '../../src/metastore/store-files.js';
import { goRun, goStore, tempDir, removeTempDirs } from './helpers.js';

let base: string;
let root: string;
beforeAll(() => {
  root = tempDir('damage');
  base = join(root, 'base');
  goStore(base, { sectors: 300 });
});

let n = 0;
function copy(): string {
  const d = join(root, `c${n++}`);
  cpSync(base, d, { recursive: true });
  return d;
}
const journal = (d: string) => readdirSync(d).filter((f) => f.endsWith('.log')).sort((a, b) => statSync(join(d, b)).size - statSync(join(d, a)).size)[0]!;
async function deepTable(d: string): Promise<string> {
  const v = (await scanStore(d)).version!;
  const t = [...v.files.values()].filter((f) => f.level > 0).sort((a, b) => b.size - a.size)[0]!;
  return `${String(t.number).padStart(6, '0')}.ldb`;
}
function xor(file: string, at: number, bytes: number[]) {
  const b = readFileSync(file);
  bytes.forEach((x, i) => (b[at + i] = b[at + i]! ^ x));
  writeFileSync(file, b);
}

describe('inspect damage report', () => {
  it('a healthy store has no findings', async () => {
    const r = await inspectStore(base);
    expect(r.healthy).toBe(true);
    expect(r.damage).toEqual([]);
    expect(r.orphanTables).toEqual([]);
  });

  it('a flipped table byte is located exactly and undone', async () => {
    const d = copy();
    const t = await deepTable(d);
    xor(join(d, t), 100, [0x10]);
    const r = await inspectStore(d);
    expect(r.damage).toEqual([expect.objectContaining({ file: t, offset: 100, length: 1, kind: 'corrected' })]);
    expect(r.files.find((f) => f.name === t)!.blocks).toMatchObject({ corrected: 1, damaged: 0 });
    // strict does not correct: the block fails its checksum and strict refuses, as goleveldb
    // opened with lotus's options does when it reads that block
    expect(r.strict).toBeNull();
    const blk = r.files.find((f) => f.name === t)!;
    expect(blk).toBeDefined();
    expect(r.strictRefuses).toMatchObject({ file: t, others: 0 });
    expect(r.strictRefuses!.offset).toBeLessThanOrEqual(100);
    expect(formatInspect(r)).toContain(`strict refuses: ${t} @ ${r.strictRefuses!.offset}`);
    expect(goRun('dump', d, 'all').ok).toBe(false);
  });

  it('a flipped journal byte is located exactly and undone', async () => {
    const d = copy();
    const j = journal(d);
    xor(join(d, j), 40000, [0x01]);
    const r = await inspectStore(d);
    expect(r.damage).toEqual([expect.objectContaining({ file: j, offset: 40000, kind: 'corrected' })]);
  });

  it('an uncorrectable data block is reported with its offset and the keys it held', async () => {
    const d = copy();
    const t = await deepTable(d);
    xor(join(d, t), 5000, Array.from({ length: 40 }, (_, i) => (i * 7 + 1) & 0xff || 1));
    const r = await inspectStore(d);
    const dmg = r.damage.filter((x) => x.file === t && x.kind === 'checksum');
    expect(dmg).toHaveLength(1);
    expect(dmg[0]!.offset).toBeLessThanOrEqual(5000);
    expect(dmg[0]!.offset + dmg[0]!.length).toBeGreaterThan(5040);
    expect(dmg[0]!.held).toMatch(/^keys .* < k ≤ \/sectors\//);
  });

  it('journal garbage is reported with the sequence numbers of the writes it held', async () => {
    const d = copy();
    const j = journal(d);
    xor(join(d, j), 20000, Array.from({ length: 300 }, () => 0xa5));
    const r = await inspectStore(d);
    const dmg = r.damage.filter((x) => x.file === j && x.kind !== 'corrected');
    expect(dmg.length).toBeGreaterThan(0);
    expect(dmg[0]!.offset).toBeLessThanOrEqual(20000);
    expect(dmg[0]!.offset).toBeGreaterThan(20000 - 32768);
    expect(dmg.some((x) => /^writes with sequence numbers \d+–\d+$/.test(x.held ?? ''))).toBe(true);
  });

  it('a torn journal tail is reported as such, at the last record', async () => {
    const d = copy();
    const j = journal(d);
    const size = statSync(join(d, j)).size;
    writeFileSync(join(d, j), readFileSync(join(d, j)).subarray(0, size - 100));
    const r = await inspectStore(d);
    const torn = r.damage.filter((x) => x.kind === 'torn-tail');
    expect(torn).toHaveLength(1);
    expect(torn[0]!.file).toBe(j);
    expect(torn[0]!.offset).toBeGreaterThan(size - 100 - 32768);
  });

  it('missing tables, orphans, a missing journal and a broken CURRENT are named', async () => {
    const d = copy();
    const t = await deepTable(d);
    const j = journal(d);
    unlinkSync(join(d, t));
    unlinkSync(join(d, j));
    writeFileSync(join(d, '000999.ldb'), readFileSync(join(base, t)));
    writeFileSync(join(d, 'CURRENT'), 'MANIFEST-\n');
    const r = await inspectStore(d);
    // CURRENT is unusable and goleveldb's CURRENT.bak names the manifest before the last open,
    // long deleted: the newest manifest present is used and each step is said
    const mf = readdirSync(base).find((f) => f.startsWith('MANIFEST-'))!;
    expect(r.pointer.from).toBeNull();
    expect(r.pointer.manifest).toBe(mf);
    expect(r.pointer.problems.join('\n')).toMatch(/CURRENT is not[\s\S]*CURRENT\.bak names MANIFEST-\d+, which does not exist[\s\S]*newest manifest present/);
    expect(r.missingTables).toEqual([t]);
    expect(r.orphanTables).toEqual(['000999.ldb']);
    expect(r.damage.filter((x) => x.kind === 'missing').map((x) => x.file).sort()).toEqual([t, j, 'CURRENT.bak'].sort());
    // the orphan holds exactly the missing table's data, so lenient loses only the journal's keys
    const onlyJournalLost = copy();
    unlinkSync(join(onlyJournalLost, j));
    expect(r.lenient.keys).toBe((await inspectStore(onlyJournalLost)).lenient.keys);
  });
});

afterAll(removeTempDirs);
