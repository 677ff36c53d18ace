// Small pieces of verify against figures from the spec (docs/trees.md#file-sizes) and plain arithmetic.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sealProof } from '../../src/proofs/registry.js';
import { storedRowWidths, treeSizes } from '../../src/sector/tree-shape.js';
import { chooseProof } from '../../src/verify/proof-type.js';
import { passReportPath } from '../../src/verify/report.js';
import { findSectors, isSnapped, replicaFiles } from '../../src/verify/sector-dirs.js';
import { locate } from '../../src/verify/tree-r-last-store.js';
import { statusOf, fail, pass } from '../../src/verify/findings.js';
import { asActorId, asSectorNumber } from '../../src/proofs/types.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('stored tree-r-last rows (docs/trees.md#file-sizes)', () => {
  it('2KiB keeps only the root; 8MiB rows 3..6 = 512+64+8+1 = 585; 32GiB base tree 299,593 nodes', () => {
    expect(storedRowWidths(64n, 1)).toEqual([1n]);
    expect(storedRowWidths(1n << 18n, 2)).toEqual([512n, 64n, 8n, 1n]);
    expect(storedRowWidths(1n << 27n, 2).reduce((a, b) => a + b)).toBe(299_593n);
    expect(treeSizes(sealProof('32GiB/V1_1'), 2).treeRLastBytes).toBe(9_586_976n);
  });
  it('locate maps a stored node index to its tree row and index', () => {
    const w = storedRowWidths(1n << 18n, 2);
    expect(locate(w, 2, 0)).toEqual({ row: 3, index: 0 });
    expect(locate(w, 2, 517)).toEqual({ row: 4, index: 5 });
    expect(locate(w, 2, 584)).toEqual({ row: 6, index: 0 });
  });
});

describe('proof choice', () => {
  it('size from the sealed file, else t_aux; V1_1 assumed and said so; a recorded proof wins', () => {
    expect(chooseProof({ sealedBytes: 2048n })).toMatchObject({ proof: { name: 'StackedDrg2KiBV1_1' }, assumption: expect.stringMatching(/sealed file size.*V1_1 assumed/) });
    expect(chooseProof({ sealedBytes: 1000n, tAuxNodes: 1n << 30n })?.proof.name).toBe('StackedDrg32GiBV1_1');
    expect(chooseProof({ sealedBytes: 1000n })).toBeUndefined();
    expect(chooseProof({ recorded: sealProof(10), sealedBytes: 2048n })).toEqual({ proof: sealProof(10) });
  });
});

describe('findings', () => {
  it('missing outranks damaged outranks error', () => {
    expect(statusOf([pass('p_aux', '')])).toBe('ok');
    expect(statusOf([fail('chain-comm_r', '', { inconclusive: true })])).toBe('error');
    expect(statusOf([fail('chain-comm_r', '', { inconclusive: true }), fail('p_aux', '')])).toBe('damaged');
    expect(statusOf([fail('p_aux', ''), fail('t_aux', '', { missing: ['x'] })])).toBe('missing');
  });
});

describe('report paths', () => {
  it('one time-stamped file per pass, next to --report', () => {
    const at = new Date('2026-11-22T02:15:00.123Z');
    expect(passReportPath('/r/verify.json', at)).toBe('/r/verify-20261122T021500.123Z.json');
    expect(passReportPath('/r.d/verify', at)).toBe('/r.d/verify-20261122T021500.123Z');
  });
});

describe('sector discovery', () => {
  it('lists sealed files and cache dirs by lotus name, ignores foreign entries, filters by miner', async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-verify-find-'));
    dirs.push(d);
    await mkdir(path.join(d, 'sealed'), { recursive: true });
    await mkdir(path.join(d, 'cache', 's-t01000-12'), { recursive: true });
    await mkdir(path.join(d, 'cache', 's-t02000-3'), { recursive: true });
    await writeFile(path.join(d, 'sealed', 's-t01000-2'), '');
    await writeFile(path.join(d, 'sealed', 's-t01000-12'), '');
    await writeFile(path.join(d, 'sealed', 's-t01000-5.tmp'), '');
    const all = await findSectors(d);
    expect(all.map((l) => l.name)).toEqual(['s-t01000-2', 's-t01000-12', 's-t02000-3']);
    const one = await findSectors(d, { miner: asActorId(2000) });
    expect(one.map((l) => [l.sealedPath, l.cacheDir])).toEqual([[path.join(d, 'sealed', 's-t02000-3'), path.join(d, 'cache', 's-t02000-3')]]);
    await expect(findSectors(d, { sectors: [asSectorNumber(1)] })).rejects.toThrow(/several miners.*--miner/);
    await expect(findSectors(path.join(d, 'nope'))).rejects.toThrow(/neither a sealed\/ nor a cache\/ directory/);
  });

  it('a storage path with only update/ and update-cache/ (a snapped sector recovered without its key): found, marked snapped', async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-verify-find-'));
    dirs.push(d);
    await mkdir(path.join(d, 'update'), { recursive: true });
    await mkdir(path.join(d, 'update-cache', 's-t01000-5'), { recursive: true });
    await mkdir(path.join(d, 'update-cache', 's-t01000-6'), { recursive: true });
    await writeFile(path.join(d, 'update', 's-t01000-5'), '');
    const all = await findSectors(d);
    expect(all.map((l) => [l.name, l.present, isSnapped(l)])).toEqual([
      ['s-t01000-5', { sealed: false, cache: false, update: true, updateCache: true }, true],
      ['s-t01000-6', { sealed: false, cache: false, update: false, updateCache: true }, true],
    ]);
    const r = replicaFiles(all[0]!, 'update');
    expect([r.replicaPath, r.cacheDir]).toEqual([path.join(d, 'update', 's-t01000-5'), path.join(d, 'update-cache', 's-t01000-5')]);
  });
});
