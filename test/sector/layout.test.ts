// The sector's file names and sizes, against the reference's table of sizes (docs/trees.md) and
// against the files the oracle's reference runs wrote (fixtures/vectors).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sealProof } from '../../src/proofs/registry.js';
import { cacheFiles, isFinalizedFile, isPrecommitOnlyFile, treeFileNames } from '../../src/sector/cache-files.js';
import { rowsToDiscard, treeSizes } from '../../src/sector/tree-shape.js';
import { parseSectorName, sectorName, storagePaths } from '../../src/sector/storage-layout.js';
import { asActorId } from '../../src/proofs/types.js';

describe('tree file sizes (reference table)', () => {
  it.each([
    ['StackedDrg2KiBV1_1', 1, 32n, 2336n, 4064n],
    ['StackedDrg8MiBV1_1', 2, 18720n, 9586976n, 16777184n],
    ['StackedDrg512MiBV1_1', 2, 1198368n, 613566752n, 1073741792n],
    ['StackedDrg32GiBV1_1', 2, 9586976n, 4908534048n, 68719476704n],
    ['StackedDrg64GiBV1_1', 2, 9586976n, 4908534048n, 137438953440n],
  ])('%s', (name, d, rLast, treeC, treeD) => {
    const s = treeSizes(sealProof(name), 2);
    expect(s.rowsToDiscard).toBe(d);
    expect(s.treeRLastBytes).toBe(rLast);
    expect(s.treeCBytes).toBe(treeC);
    expect(s.treeDBytes).toBe(treeD);
  });
  it('rows_to_discard follows FIL_PROOFS_ROWS_TO_DISCARD, clamped to rows − 2 (rfp default_rows_to_discard)', () => {
    const p8 = sealProof('StackedDrg8MiBV1_1'); // 262144 leaves: 7 rows
    expect(rowsToDiscard(p8.nodesPerBaseTree, 0)).toBe(0);
    expect(rowsToDiscard(p8.nodesPerBaseTree, 1)).toBe(1);
    expect(rowsToDiscard(p8.nodesPerBaseTree, 4)).toBe(4);
    expect(rowsToDiscard(p8.nodesPerBaseTree, 9)).toBe(5);
    const p2 = sealProof('StackedDrg2KiBV1_1'); // 64 leaves: 3 rows, always 1
    expect(rowsToDiscard(p2.nodesPerBaseTree, 0)).toBe(1);
    expect(rowsToDiscard(p2.nodesPerBaseTree, 5)).toBe(1);
    expect(treeSizes(p8, 1).treeRLastBytes).toBe((4096n + 512n + 64n + 8n + 1n) * 32n);
  });
});

describe('cache file names', () => {
  it('names tree-r-last files like lotus CheckProvable expects', () => {
    expect(treeFileNames(sealProof('StackedDrg512MiBV1_1').baseTrees, 'tree-r-last')).toEqual(['sc-02-data-tree-r-last.dat']);
    expect(treeFileNames(sealProof('StackedDrg32GiBV1_1').baseTrees, 'tree-r-last')).toHaveLength(8);
    expect(treeFileNames(sealProof('StackedDrg64GiBV1_1').baseTrees, 'tree-c')[15]).toBe('sc-02-data-tree-c-15.dat');
  });
  it('finalize deletes exactly layers, tree-c and tree-d (rfp clear_files.rs)', () => {
    for (const f of ['sc-02-data-layer-1.dat', 'sc-02-data-layer-11.dat', 'sc-02-data-tree-d.dat', 'sc-02-data-tree-c.dat', 'sc-02-data-tree-c-7.dat', 'syn-porep-vanilla-proofs.dat'])
      expect(isPrecommitOnlyFile(f)).toBe(true);
    for (const f of ['p_aux', 't_aux', 'sc-02-data-tree-r-last.dat', 'sc-02-data-tree-r-last-3.dat']) {
      expect(isPrecommitOnlyFile(f)).toBe(false);
      expect(isFinalizedFile(f)).toBe(true);
    }
  });
  it('every file the reference wrote into a cache dir is one we name (oracle vectors)', () => {
    const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'vectors');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const v = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { proof: { id: number }; files: Record<string, { size: number }> };
      const proof = sealProof(v.proof.id);
      const files = cacheFiles(proof, 'C');
      const named = new Set([...files.layers, files.treeD, ...files.treeC, ...files.treeRLast, files.pAux, files.tAux].map((p) => p.slice(2)));
      const written = Object.keys(v.files).filter((n) => n !== 'sealed');
      expect(new Set(written), f).toEqual(named);
      const sizes = treeSizes(proof, 2);
      for (const t of files.treeRLast) expect(BigInt(v.files[t.slice(2)]!.size), `${f} ${t}`).toBe(sizes.treeRLastBytes);
      for (const t of files.treeC) expect(BigInt(v.files[t.slice(2)]!.size), `${f} ${t}`).toBe(sizes.treeCBytes);
      expect(BigInt(v.files[files.treeD.slice(2)]!.size)).toBe(sizes.treeDBytes);
    }
  });
});

describe('storage layout (lotus storiface)', () => {
  it('names sectors s-t0<miner>-<number> in every file-type dir', () => {
    const name = sectorName(asActorId(1000n), 12n);
    expect(name).toBe('s-t01000-12');
    expect(storagePaths('/r', name)).toEqual({
      name,
      sealed: '/r/sealed/s-t01000-12',
      cache: '/r/cache/s-t01000-12',
      update: '/r/update/s-t01000-12',
      updateCache: '/r/update-cache/s-t01000-12',
      unsealed: '/r/unsealed/s-t01000-12',
    });
    expect(parseSectorName('s-t01000-12')).toEqual({ miner: 1000n, number: 12n });
    expect(parseSectorName('s-t01000-12.tmp')).toBeUndefined();
    expect(parseSectorName('fetching')).toBeUndefined();
  });
});
