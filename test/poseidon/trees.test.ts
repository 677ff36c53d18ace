// Tree geometry (docs/trees.md), the streaming octree builder against a straightforward JS tree built
// from the (vector-checked) Poseidon_8, column hashing, threads = 1 vs many, cancellation, and
// bad-input errors.
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { partialSuffix } from '../../src/native/addon.js';
import { octreeInMemory, poseidonHash, poseidonHashMany } from '../../src/native/poseidon.js';
import { buildTreeC, buildTreeRLast } from '../../src/native/pc2.js';
import { sealProof } from '../../src/proofs/registry.js';
import { octreeNodes, rowsToDiscard, treeSizes } from '../../src/sector/tree-shape.js';
import { treeFileNames } from '../../src/sector/cache-files.js';
import { compoundRoot } from '../../src/seal/comm-r.js';
import { R, hex, le, removeTempDirs, seededElements, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** Reference: rows bottom-up, each parent = Poseidon_8 of its 8 children (docs/trees.md#column-hashes-and-tree-c). */
function referenceRows(leaves: Uint8Array): Uint8Array[] {
  const rows = [leaves];
  while (rows[rows.length - 1]!.length > 32) rows.push(poseidonHashMany(8, rows[rows.length - 1]!));
  return rows;
}
const concatRows = (rows: Uint8Array[], from: number) => new Uint8Array(Buffer.concat(rows.slice(from)));

describe('geometry (docs/trees.md#file-sizes)', () => {
  it('tree-c / tree-r-last file sizes and counts per sector size', () => {
    const want: Array<[string, number, bigint, bigint, number]> = [
      ['StackedDrg2KiBV1_1', 1, 2_336n, 32n, 1],
      ['StackedDrg8MiBV1_1', 1, 9_586_976n, 18_720n, 2],
      ['StackedDrg512MiBV1_1', 1, 613_566_752n, 1_198_368n, 2],
      ['StackedDrg32GiBV1_1', 8, 4_908_534_048n, 9_586_976n, 2],
      ['StackedDrg64GiBV1_1', 16, 4_908_534_048n, 9_586_976n, 2],
    ];
    for (const [name, files, c, r, d] of want) {
      const l = treeSizes(sealProof(name), 2);
      expect([l.files, l.treeCBytes, l.treeRLastBytes, l.rowsToDiscard]).toEqual([files, c, r, d]);
    }
    expect(treeFileNames(sealProof('StackedDrg2KiBV1_1').baseTrees, 'tree-r-last')).toEqual(['sc-02-data-tree-r-last.dat']);
    expect(treeFileNames(sealProof('StackedDrg32GiBV1_1').baseTrees, 'tree-c')[7]).toBe('sc-02-data-tree-c-7.dat');
    expect(treeFileNames(sealProof('StackedDrg64GiBV1_1').baseTrees, 'tree-r-last')).toHaveLength(16);
  });
  it('rows_to_discard (rfp default_rows_to_discard, arity 8)', () => {
    expect(rowsToDiscard(8n, 2)).toBe(0); // 2 rows
    expect(rowsToDiscard(64n, 2)).toBe(1); // 2KiB: 3 rows
    expect(rowsToDiscard(512n, 2)).toBe(2);
    expect(rowsToDiscard(1n << 18n, 2)).toBe(2); // 8MiB
    expect(rowsToDiscard(1n << 24n, 2)).toBe(2); // 512MiB
    expect(rowsToDiscard(1n << 27n, 2)).toBe(2); // 32GiB base tree
    expect(rowsToDiscard(1n << 27n, 5)).toBe(5);
    expect(rowsToDiscard(512n, 5)).toBe(2); // min(row_count − 2, configured)
    expect(octreeNodes(1n << 27n)).toBe(153_391_689n);
    expect(octreeNodes(64n)).toBe(73n);
  });
});

describe('octree builder', () => {
  it('in-memory tree equals the reference rows (512 leaves)', () => {
    const leaves = seededElements('mem', 512);
    const rows = referenceRows(leaves);
    expect(hex(octreeInMemory(leaves, 0))).toBe(hex(concatRows(rows, 0)));
    expect(hex(octreeInMemory(leaves, 2))).toBe(hex(concatRows(rows, 2)));
  });

  it('tree-r-last over a file: several chunks, two base trees, rows above rows_to_discard; 1 thread = 2 threads', async () => {
    const dir = await tempDir();
    const perTree = 8 ** 4; // 4096 leaves in 64-leaf chunks: 64 streaming chunks per tree
    const chunkLeaves = 64n;
    const leaves = seededElements('file', 2 * perTree);
    // values ≥ 2^254 (but < r) occur in real replicas; put a few in
    leaves.set(le(R - 1n), 5 * 32);
    leaves.set(le((1n << 254n) + 12345n), (perTree + 77) * 32);
    const replica = join(dir, 'replica');
    await writeFile(replica, leaves);
    const rowsToDiscard = 1; // rows 2 (the chunk roots) .. 4 stored: both write paths
    const outs = (tag: string) => [join(dir, `${tag}-0.dat`), join(dir, `${tag}-1.dat`)];
    const progress: number[] = [];
    const roots1 = await buildTreeRLast({ replicaPath: replica, outPaths: outs('a'), leavesPerTree: BigInt(perTree), rowsToDiscard, threads: 1, chunkLeaves });
    const roots2 = await buildTreeRLast({
      replicaPath: replica,
      outPaths: outs('b'),
      leavesPerTree: BigInt(perTree),
      rowsToDiscard,
      threads: 2,
      chunkLeaves,
      onProgress: (p) => progress.push(p.done / p.total),
    });
    for (let t = 0; t < 2; t++) {
      const rows = referenceRows(leaves.subarray(t * perTree * 32, (t + 1) * perTree * 32));
      const want = concatRows(rows, rowsToDiscard + 1);
      const got = await readFile(outs('a')[t]!);
      expect(got.length).toBe(73 * 32); // rows 2..4: 64 + 8 + 1
      expect(hex(got)).toBe(hex(want));
      expect(hex(await readFile(outs('b')[t]!))).toBe(hex(want));
      expect(hex(roots1[t]!)).toBe(hex(rows[rows.length - 1]!));
      expect(hex(roots2[t]!)).toBe(hex(roots1[t]!));
    }
    expect(progress[progress.length - 1]).toBe(1);
  });

  it('tree-c: column hashes of 2 and 11 layer files, layer 1 first, full tree stored', async () => {
    const dir = await tempDir();
    for (const L of [2, 11]) {
      const nodes = 512;
      const layers = Array.from({ length: L }, (_, l) => seededElements(`layer-${L}-${l}`, nodes));
      const paths = layers.map((_, l) => join(dir, `L${L}-layer-${l + 1}.dat`));
      await Promise.all(layers.map((b, l) => writeFile(paths[l]!, b)));
      const cols = new Uint8Array(nodes * 32);
      for (let v = 0; v < nodes; v++) cols.set(poseidonHash(L, layers.map((b) => b.subarray(v * 32, v * 32 + 32))), v * 32);
      const out = join(dir, `L${L}-tree-c.dat`);
      const [root] = await buildTreeC({ layerPaths: paths, outPaths: [out], leavesPerTree: BigInt(nodes) });
      const rows = referenceRows(cols);
      expect(hex(await readFile(out))).toBe(hex(concatRows(rows, 0)));
      expect(hex(root!)).toBe(hex(rows[rows.length - 1]!));
    }
  });

  it('a subset of base trees: null outputs are skipped, each built tree is committed as it finishes', async () => {
    const dir = await tempDir();
    const perTree = 8 ** 3;
    const leaves = seededElements('subset', 4 * perTree);
    const replica = join(dir, 'replica');
    await writeFile(replica, leaves);
    const outs = [0, 1, 2, 3].map((i) => join(dir, `t-${i}.dat`));
    const full = await buildTreeRLast({ replicaPath: replica, outPaths: outs, leavesPerTree: BigInt(perTree), rowsToDiscard: 0, chunkLeaves: 64n });
    const fullFiles = await Promise.all(outs.map((o) => readFile(o)));

    const again = [0, 1, 2, 3].map((i) => join(dir, `u-${i}.dat`));
    const events: Array<{ done: number; total: number; treeDone?: number }> = [];
    const roots = await buildTreeRLast({
      replicaPath: replica,
      outPaths: [null, again[1]!, null, again[3]!],
      leavesPerTree: BigInt(perTree),
      rowsToDiscard: 0,
      threads: 1,
      chunkLeaves: 64n,
      onProgress: (p) => events.push(p),
    });
    expect(roots[0]).toBeNull();
    expect(roots[2]).toBeNull();
    expect(hex(roots[1]!)).toBe(hex(full[1]!));
    expect(hex(roots[3]!)).toBe(hex(full[3]!));
    expect(existsSync(again[0]!) || existsSync(again[2]!)).toBe(false);
    expect((await readFile(again[1]!)).equals(fullFiles[1]!)).toBe(true);
    expect((await readFile(again[3]!)).equals(fullFiles[3]!)).toBe(true);
    // Progress counts the built trees only; one milestone per committed tree, in order on one thread.
    expect(new Set(events.map((e) => e.total))).toEqual(new Set([2 * perTree]));
    expect(events.filter((e) => e.treeDone !== undefined).map((e) => [e.treeDone, e.done])).toEqual([
      [1, perTree],
      [3, 2 * perTree],
    ]);
    expect((await readdir(dir)).filter((f) => f.endsWith(partialSuffix()))).toEqual([]);
  });

  it('cancelling keeps the base trees already committed and removes the partial one', async () => {
    const dir = await tempDir();
    const perTree = 8 ** 4;
    const replica = join(dir, 'replica');
    await writeFile(replica, seededElements('cancel-keep', 4 * perTree));
    const outs = [0, 1, 2, 3].map((i) => join(dir, `t-${i}.dat`));
    const ac = new AbortController();
    const p = buildTreeRLast({
      replicaPath: replica,
      outPaths: outs,
      leavesPerTree: BigInt(perTree),
      rowsToDiscard: 1,
      threads: 1,
      chunkLeaves: 8n,
      signal: ac.signal,
      onProgress: (e) => {
        if (e.treeDone === 0) ac.abort(new Error('enough'));
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'CancelledError', message: 'enough' });
    expect(existsSync(outs[0]!)).toBe(true);
    expect(existsSync(outs[3]!)).toBe(false);
    expect((await readdir(dir)).filter((f) => f.endsWith(partialSuffix()))).toEqual([]);
  });

  it('compound roots: Poseidon_8 over 8 base roots, Poseidon_2 over two of those (docs/trees.md#column-hashes-and-tree-c)', () => {
    const roots = Array.from({ length: 16 }, (_, i) => seededElements(`root${i}`, 1));
    const sub0 = poseidonHash(8, roots.slice(0, 8));
    const sub1 = poseidonHash(8, roots.slice(8));
    expect(hex(compoundRoot({ base: 8, sub: 0, top: 0 }, roots.slice(0, 1)))).toBe(hex(roots[0]!));
    expect(hex(compoundRoot({ base: 8, sub: 8, top: 0 }, roots.slice(0, 8)))).toBe(hex(sub0));
    expect(hex(compoundRoot({ base: 8, sub: 8, top: 2 }, roots))).toBe(hex(poseidonHash(2, [sub0, sub1])));
    expect(() => compoundRoot({ base: 8, sub: 8, top: 0 }, roots)).toThrow(/needs 8 base-tree roots/);
  });

  it('cancellation rejects with the abort reason and stops early', async () => {
    const dir = await tempDir();
    const perTree = 8 ** 4;
    const replica = join(dir, 'replica');
    await writeFile(replica, seededElements('cancel', perTree));
    const ac = new AbortController();
    const p = buildTreeRLast({
      replicaPath: replica,
      outPaths: [join(dir, 'x.dat')],
      leavesPerTree: BigInt(perTree),
      rowsToDiscard: 2,
      threads: 1,
      chunkLeaves: 8n,
      onProgress: () => ac.abort(new Error('stop requested')),
      signal: ac.signal,
    });
    await expect(p).rejects.toThrow(/stop requested/);
  });

  it('bad inputs: non-canonical node, short layer file, wrong shape', async () => {
    const dir = await tempDir();
    const leaves = seededElements('bad', 64);
    leaves.set(le(R), 10 * 32);
    await writeFile(join(dir, 'bad'), leaves);
    await expect(
      buildTreeRLast({ replicaPath: join(dir, 'bad'), outPaths: [join(dir, 'o')], leavesPerTree: 64n, rowsToDiscard: 1 }),
    ).rejects.toThrow(/node 10 is not a canonical field element/);
    await writeFile(join(dir, 'short'), seededElements('short', 60));
    await expect(
      buildTreeC({ layerPaths: [join(dir, 'short'), join(dir, 'short')], outPaths: [join(dir, 'o2')], leavesPerTree: 64n }),
    ).rejects.toThrow(/unexpected end of file/);
    await expect(
      buildTreeC({ layerPaths: [join(dir, 'short')], outPaths: [join(dir, 'o2')], leavesPerTree: 64n }),
    ).rejects.toThrow(/2 or 11 layer files/);
    await expect(
      buildTreeRLast({ replicaPath: join(dir, 'bad'), outPaths: [join(dir, 'o')], leavesPerTree: 100n, rowsToDiscard: 1 }),
    ).rejects.toThrow(/power of 8/);
    await expect(
      buildTreeRLast({ replicaPath: join(dir, 'missing'), outPaths: [join(dir, 'o')], leavesPerTree: 64n, rowsToDiscard: 1 }),
    ).rejects.toThrow(/cannot open .*missing/);
  });
});
