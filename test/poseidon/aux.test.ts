// p_aux / t_aux values for the large shapes (docs/trees.md#file-sizes table) and reader errors. Byte-exactness
// against the reference is in oracle.test.ts (2KiB and 8MiB t_aux/p_aux files).
import { describe, expect, it } from 'vitest';
import { sealProof } from '../../src/proofs/registry.js';
import { asCommitment } from '../../src/proofs/types.js';
import { InputError } from '../../src/errors.js';
import { decodePAux, decodeTAux, encodePAux, encodeTAux, temporaryAuxFor } from '../../src/sector/aux-files.js';

describe('t_aux values per shape (docs/trees.md#file-sizes)', () => {
  const cases: Array<[string, number, bigint, bigint, bigint]> = [
    // proof, layers, N, tree length of one base tree, rows_to_discard
    ['StackedDrg2KiBV1_1', 2, 64n, 73n, 1n],
    ['StackedDrg8MiBV1_1', 2, 262_144n, 299_593n, 2n],
    ['StackedDrg512MiBV1_1', 2, 16_777_216n, 19_173_961n, 2n],
    ['StackedDrg32GiBV1_1', 11, 1_073_741_824n, 153_391_689n, 2n],
    ['StackedDrg64GiBV1_1', 11, 2_147_483_648n, 153_391_689n, 2n],
  ];
  for (const [name, layers, n, treeLen, rows] of cases) {
    it(name, () => {
      const t = temporaryAuxFor(sealProof(name), '/cache', 2);
      expect(t.labels.map((c) => [c.id, c.size, c.rowsToDiscard])).toEqual(
        Array.from({ length: layers }, (_, i) => [`layer-${i + 1}`, n, 0n]),
      );
      expect([t.treeD.id, t.treeD.size, t.treeD.rowsToDiscard]).toEqual(['tree-d', 2n * n - 1n, 0n]);
      expect([t.treeRLast.id, t.treeRLast.size, t.treeRLast.rowsToDiscard]).toEqual(['tree-r-last', treeLen, rows]);
      expect([t.treeC.id, t.treeC.size, t.treeC.rowsToDiscard]).toEqual(['tree-c', treeLen, 0n]);
      // bincode layout: u64 count, then per config u64 len + path, u64 len + id, 1 + u64 size, u64 rows
      const bytes = encodeTAux(t);
      const cfg = (id: string) => 8 + 6 + 8 + id.length + 9 + 8;
      const ids = [...t.labels.map((c) => c.id), 'tree-d', 'tree-r-last', 'tree-c'];
      expect(bytes.length).toBe(8 + ids.reduce((s, id) => s + cfg(id), 0));
      expect(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)).toBe(BigInt(layers));
      expect(decodeTAux(bytes)).toEqual(t);
      expect(decodeTAux(bytes, '/elsewhere').treeC.path).toBe('/elsewhere');
    });
  }
});

describe('readers reject damaged files with a clear error', () => {
  it('p_aux must be 64 bytes', () => {
    expect(() => decodePAux(new Uint8Array(63))).toThrow(InputError);
    expect(() => decodePAux(new Uint8Array(63))).toThrow(/must be 64 bytes/);
    const a = { commC: asCommitment(new Uint8Array(32).fill(1)), commRLast: asCommitment(new Uint8Array(32).fill(2)) };
    expect(decodePAux(encodePAux(a))).toEqual(a);
  });
  it('t_aux truncated, with trailing bytes, or with a bad Option tag', () => {
    const good = encodeTAux(temporaryAuxFor(sealProof('StackedDrg2KiBV1_1'), '/c', 2));
    expect(() => decodeTAux(good.subarray(0, good.length - 3))).toThrow(/truncated/);
    expect(() => decodeTAux(new Uint8Array([...good, 0]))).toThrow(/trailing bytes/);
    const bad = new Uint8Array(good);
    // first StoreConfig: u64 count (8) + u64 path len (8) + "/c" (2) + u64 id len (8) + "layer-1" (7) → Option tag
    bad[8 + 8 + 2 + 8 + 7] = 7;
    expect(() => decodeTAux(bad)).toThrow(/bad Option tag 7/);
  });
});
