// The committed custom-size 8-8-0 / 8-8-2 vectors (fixtures/vectors/shapes/, tools/oracle
// `shape-seal` on rust-fil-proofs 19.1.0) are loadable and agree with themselves: setup of the
// 32GiB/64GiB proofs with a small node count, file names and sizes per base tree, p_aux / t_aux
// layouts, replica id and node-0 labels recomputed here with node:crypto.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entryBytes, sha254, shapeVectors, treeRLastCachedNodes, zeroPieceCommitment, type ShapeVector } from '../helpers/vectors.js';

const vectors = shapeVectors();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const u64le = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
const u64be = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
};

/** t_aux bincode (docs/trees.md#file-sizes layout) rebuilt from the setup. */
function tAuxBytes(v: ShapeVector): Buffer {
  const s = v.setup;
  const N = Number(s.nodes);
  const cachePath = v.files['t_aux']!.cache_path!;
  const str = (x: string): Buffer => Buffer.concat([u64le(Buffer.byteLength(x)), Buffer.from(x)]);
  const cfg = (id: string, size: number, rows: number): Buffer => Buffer.concat([str(cachePath), str(id), Buffer.from([1]), u64le(size), u64le(rows)]);
  const baseLen = s.shape.base_tree_rows.reduce((a, b) => a + b, 0);
  return Buffer.concat([
    u64le(s.layers),
    ...Array.from({ length: s.layers }, (_, i) => cfg(`layer-${i + 1}`, N, 0)),
    cfg('tree-d', 2 * N - 1, 0),
    cfg('tree-r-last', baseLen, s.shape.tree_r_last_rows_to_discard),
    cfg('tree-c', baseLen, 0),
  ]);
}

describe('fixtures/vectors/shapes: inventory', () => {
  it('has 8-8-0 and 8-8-2 for V1_1 and SyntheticPoRep (CC), random data, and smaller base trees', () => {
    const names = vectors.map((v) => v.name);
    for (const n of [
      '8-8-0-V1_1-cc-n4096',
      '8-8-0-SynthPoRep-cc-n4096',
      '8-8-2-V1_1-cc-n8192',
      '8-8-2-SynthPoRep-cc-n8192',
      '8-8-0-V1_1-random-n4096',
      '8-8-2-SynthPoRep-random-n8192',
      '8-8-0-V1_1-cc-n512',
      '8-8-0-V1_1-cc-n64',
    ]) {
      expect(names).toContain(n);
    }
  });
});

describe.each(vectors)('shapes/$name: self-consistent', ({ name, vector: v }) => {
  const s = v.setup;
  const N = Number(s.nodes);
  const sh = s.shape;

  it('setup: the 32GiB/64GiB proof\'s degree, expansion degree, 11 layers and porep_id, N replaced', () => {
    expect(name.startsWith(sh.name)).toBe(true);
    expect(sh.name).toBe(s.proof.sector_size === String(32 * 2 ** 30) ? '8-8-0' : '8-8-2');
    expect([s.degree, s.expansion_degree, s.layers, s.column_arity]).toEqual([6, 8, 11, 11]);
    expect(s.real_proof_setup.layers).toBe(11);
    expect(Number(s.real_proof_setup.nodes)).toBe(Number(s.proof.sector_size) / 32);
    expect(s.porep_id).toBe(hex(Buffer.concat([u64le(s.proof.id), Buffer.alloc(24)])));
    expect(Number(s.sector_bytes)).toBe(N * 32);
  });

  it('shape: base trees × leaves = N, rows of a power-of-8 tree, rows_to_discard by the default rule', () => {
    expect(sh.base_tree_count).toBe(sh.top_tree_arity === 0 ? sh.sub_tree_arity : sh.sub_tree_arity * sh.top_tree_arity);
    expect(sh.base_tree_count * sh.base_tree_leaves).toBe(N);
    const rows: number[] = [];
    for (let r = sh.base_tree_leaves; r >= 1; r /= 8) rows.push(r);
    expect(sh.base_tree_rows).toEqual(rows);
    expect(sh.max_rows_to_discard).toBe(Math.max(rows.length - 2, 0));
    const expected = rows.length <= 2 ? 0 : rows.length === 3 ? 1 : Math.min(rows.length - 2, v.rows_to_discard?.setting ?? 2);
    expect(sh.tree_r_last_rows_to_discard).toBe(expected);
    expect(sh.default_rows_to_discard_fn).toBe(expected);
  });

  it('files: names per base tree and sizes of the 8-ary trees', () => {
    const f = v.files;
    const n = sh.base_tree_count;
    const names = [
      'p_aux',
      't_aux',
      'sealed',
      'sc-02-data-tree-d.dat',
      ...Array.from({ length: s.layers }, (_, i) => `sc-02-data-layer-${i + 1}.dat`),
      ...Array.from({ length: n }, (_, i) => `sc-02-data-tree-c-${i}.dat`),
      ...Array.from({ length: n }, (_, i) => `sc-02-data-tree-r-last-${i}.dat`),
    ];
    expect(Object.keys(f).sort()).toEqual(names.sort());
    const baseLen = sh.base_tree_rows.reduce((a, b) => a + b, 0);
    for (let i = 0; i < n; i++) {
      expect(f[`sc-02-data-tree-c-${i}.dat`]!.size).toBe(baseLen * 32);
      expect(f[`sc-02-data-tree-r-last-${i}.dat`]!.size).toBe(treeRLastCachedNodes(sh.base_tree_rows, sh.tree_r_last_rows_to_discard) * 32);
    }
    expect(f['sc-02-data-tree-d.dat']!.size).toBe((2 * N - 1) * 32);
    expect(f['sealed']!.size).toBe(N * 32);
    v.layer_sha256.forEach((d, i) => expect(f[`sc-02-data-layer-${i + 1}.dat`]!.sha256).toBe(d));
    for (const [fname, e] of Object.entries(f)) {
      const b = entryBytes(e);
      if (b) expect(createHash('sha256').update(b).digest('hex'), fname).toBe(e.sha256);
    }
  });

  it('p_aux = comm_c ‖ comm_r_last; t_aux = the bincode layout with this shape\'s sizes', () => {
    expect(hex(entryBytes(v.files['p_aux'])!)).toBe(v.comm_c + v.comm_r_last);
    expect(hex(entryBytes(v.files['t_aux'])!)).toBe(hex(tAuxBytes(v)));
  });

  it('comm_d: zero sector for CC, the single full piece otherwise', () => {
    expect(v.pieces).toHaveLength(1);
    expect(Number(v.pieces[0]!.padded_size)).toBe(N * 32);
    expect(v.comm_d).toBe(v.pieces[0]!.comm_p);
    if (v.data === 'cc') expect(v.comm_d).toBe(hex(zeroPieceCommitment(N * 32)));
  });

  it('replica_id and node-0 labels follow the SDR formulas with this porep_id', () => {
    const rid = sha254(Buffer.from(v.prover_id, 'hex'), u64be(BigInt(v.sector_id)), Buffer.from(v.ticket, 'hex'), Buffer.from(v.comm_d, 'hex'), Buffer.from(s.porep_id, 'hex'));
    expect(v.replica_id).toBe(hex(rid));
    for (let layer = 1; layer <= s.layers; layer++) {
      const header = Buffer.alloc(64);
      rid.copy(header, 0);
      header.writeUInt32BE(layer, 32);
      expect(v.labels.find((l) => l.layer === layer && l.node === 0)?.label, `layer ${layer}`).toBe(hex(sha254(header)));
    }
  });

  it('parents: 14 per sampled node, in range, V1_1+ base-parent rules', () => {
    for (const { node, parents } of v.parents) {
      expect(parents).toHaveLength(14);
      for (const p of parents) expect(p).toBeGreaterThanOrEqual(0), expect(p).toBeLessThan(N);
      if (node < 2) expect(parents.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
      else expect(parents[0]).toBe(node - 1);
    }
    expect(v.labels).toHaveLength(s.layers * v.parents.length);
    expect(v.columns.map((c) => c.node)).toEqual(v.parents.map((p) => p.node));
  });
});
