import { describe, expect, it } from 'vitest';
import { sealProof } from '../../src/proofs/registry.js';
import { isPrecommitOnlyFile, rowsToDiscard, treeCFileBytes, treeDFileBytes, treeRLastFileBytes, treeRLastNames } from '../../src/recover/sector-files.js';

// Expected sizes: spec sdr.md §8.2 table.
describe('sector file sizes (sdr.md §8.2)', () => {
  it.each([
    ['StackedDrg2KiBV1_1', 1, 32n, 2336n, 4064n],
    ['StackedDrg8MiBV1_1', 2, 18720n, 9586976n, 16777184n],
    ['StackedDrg512MiBV1_1', 2, 1198368n, 613566752n, 1073741792n],
    ['StackedDrg32GiBV1_1', 2, 9586976n, 4908534048n, 68719476704n],
    ['StackedDrg64GiBV1_1', 2, 9586976n, 4908534048n, 137438953440n],
  ])('%s', (name, d, rLast, treeC, treeD) => {
    const p = sealProof(name);
    expect(rowsToDiscard(p)).toBe(d);
    expect(treeRLastFileBytes(p)).toBe(rLast);
    expect(treeCFileBytes(p)).toBe(treeC);
    expect(treeDFileBytes(p)).toBe(treeD);
  });
  it('names tree-r-last files like lotus CheckProvable expects', () => {
    expect(treeRLastNames(sealProof('StackedDrg512MiBV1_1'))).toEqual(['sc-02-data-tree-r-last.dat']);
    expect(treeRLastNames(sealProof('StackedDrg32GiBV1_1'))).toHaveLength(8);
    expect(treeRLastNames(sealProof('StackedDrg64GiBV1_1'))[15]).toBe('sc-02-data-tree-r-last-15.dat');
  });
  it('finalize deletes exactly layers, tree-c and tree-d (rfp clear_files.rs)', () => {
    for (const f of ['sc-02-data-layer-1.dat', 'sc-02-data-layer-11.dat', 'sc-02-data-tree-d.dat', 'sc-02-data-tree-c.dat', 'sc-02-data-tree-c-7.dat']) expect(isPrecommitOnlyFile(f)).toBe(true);
    for (const f of ['p_aux', 't_aux', 'sc-02-data-tree-r-last.dat', 'sc-02-data-tree-r-last-3.dat']) expect(isPrecommitOnlyFile(f)).toBe(false);
  });
});
