// The committed oracle vectors (rust-fil-proofs 19.1.0 via tools/oracle) against the shared spec
// (docs/vectors.md; section numbers (§) are those of the background SDR spec the values were first taken from) wherever both have a value, plus structural checks on every file.
// Spec formulas are evaluated here with node:crypto, independently of src/.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  allVectors,
  columnOf,
  fileBytes,
  labelOf,
  loadVector,
  parentsOf,
  replicaOf,
  sha256Ctr,
  vectorPieceData,
  type OracleVector,
} from '../helpers/vectors.js';

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const sha254 = (...parts: Uint8Array[]): Buffer => {
  const d = sha256(...parts);
  d[31] = d[31]! & 0x3f;
  return d;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Buffer => Buffer.from(s, 'hex');
const u64le = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};
const u64be = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
};

/** Z(32) = 0; Z(2s) = sha254(Z(s) ‖ Z(s)) (docs/proofs.md#zero-commitments). */
function zeroCommitment(paddedBytes: number): Buffer {
  let z: Buffer = Buffer.alloc(32);
  for (let s = 32; s < paddedBytes; s *= 2) z = sha254(z, z);
  return z;
}

const FR_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const leInt = (h: string): bigint => BigInt('0x' + (unhex(h).reverse().toString('hex') || '0'));

/** Node v of the fr32-padded data: bits [254v, 254v+254) of the input's LSB-first bit stream (§6.1). */
function fr32Node(data: Uint8Array, v: number): bigint {
  let x = 0n;
  for (let k = 253; k >= 0; k--) {
    const j = 254 * v + k;
    const byte = j >> 3 < data.length ? data[j >> 3]! : 0;
    x = (x << 1n) | BigInt((byte >> (j & 7)) & 1);
  }
  return x;
}

const vectors = allVectors();
const TICKET_01 = '01'.repeat(32);

describe('fixtures/vectors: inventory', () => {
  it('has the brief\'s cases: 2KiB and 8MiB × V1/V1_1/Synth/NI CC, random data, the f01000 network', () => {
    const names = vectors.map((v) => v.name);
    for (const size of ['2KiB', '8MiB']) {
      for (const ver of ['V1', 'V1_1', 'SynthPoRep', 'NiPoRep']) expect(names).toContain(`${size}-${ver}-cc-f01000-s1`);
    }
    for (const ver of ['V1', 'V1_1', 'SynthPoRep', 'NiPoRep']) expect(names).toContain(`2KiB-${ver}-random-f01000-s1`);
    for (const n of ['8MiB-V1_1-random-f01000-s1', '2KiB-V1_1-cc-f01000-s2', '2KiB-V1_1-cc-f01000-s3', '2KiB-V1_1-deal-f01000-s4', '8MiB-V1_1-cc-f01000-s5']) {
      expect(names).toContain(n);
    }
  });

  it('proof ids match the brief (0,5,10,15 for 2KiB; 1,6,11,16 for 8MiB)', () => {
    const ids: Record<string, number> = { V1: 0, V1_1: 5, SynthPoRep: 10, NiPoRep: 15 };
    for (const { name, vector } of vectors) {
      const [size, ver] = name.split('-') as [string, string];
      expect(vector.proof.id, name).toBe(ids[ver]! + (size === '8MiB' ? 1 : 0));
    }
  });
});

describe.each(vectors)('$name: well-formed', ({ vector: v }) => {
  const N = Number(v.nodes);
  const sector = Number(v.proof.sector_size);

  it('records the reference crates that produced it', () => {
    for (const c of ['filecoin-proofs', 'storage-proofs-porep', 'storage-proofs-core', 'filecoin-hashers', 'neptune', 'merkletree']) {
      expect(v.generator.crates[c], c).toMatch(/^\d+\.\d+\.\d+/);
    }
    expect(v.generator.rustc).toMatch(/^rustc /);
  });

  it('has 32-byte hex commitments: mask254 for SHA outputs, < r for Poseidon outputs', () => {
    for (const k of ['prover_id', 'ticket', 'porep_id', 'comm_d', 'replica_id', 'comm_c', 'comm_r_last', 'comm_r'] as const) {
      expect(v[k], k).toMatch(/^[0-9a-f]{64}$/);
    }
    // SHA-derived values are mask254'd; Poseidon outputs are canonical Fr (< r, which may use bit 254).
    for (const k of ['comm_d', 'replica_id'] as const) expect(unhex(v[k])[31]! & 0xc0, k).toBe(0);
    for (const k of ['comm_c', 'comm_r_last', 'comm_r'] as const) expect(leInt(v[k]) < FR_MODULUS, k).toBe(true);
  });

  it('sizes follow docs/proofs.md#sizes-and-shapes (N = sector/32, 2 layers)', () => {
    expect(N).toBe(sector / 32);
    expect(v.layers).toBe(2);
    expect(v.layer_sha256).toHaveLength(v.layers);
  });

  it('porep_id = u64le(id) ‖ 24 zero bytes (§1.2)', () => {
    expect(v.porep_id).toBe(hex(Buffer.concat([u64le(BigInt(v.proof.id)), Buffer.alloc(24)])));
  });

  it('prover_id = LEB128(actor id) zero-padded to 32 bytes (§2.1)', () => {
    expect(v.miner).toMatch(/^f0\d+$/);
    let id = BigInt(v.miner!.slice(2));
    const bytes: number[] = [];
    do {
      const b = Number(id & 0x7fn);
      id >>= 7n;
      bytes.push(id ? b | 0x80 : b);
    } while (id);
    expect(v.prover_id).toBe(hex(Buffer.concat([Buffer.from(bytes), Buffer.alloc(32 - bytes.length)])));
  });

  it('replica_id = mask254(SHA-256(prover ‖ u64be(sector) ‖ ticket ‖ comm_d ‖ porep_id)) (§2.3)', () => {
    const r = sha254(unhex(v.prover_id), u64be(BigInt(v.sector_id)), unhex(v.ticket), unhex(v.comm_d), unhex(v.porep_id));
    expect(v.replica_id).toBe(hex(r));
  });

  it('CIDs have the go-fil-commcid prefixes (§2.4)', () => {
    expect(v.comm_r_cid.startsWith('bagboea4b5abc')).toBe(true);
    expect(v.comm_d_cid.startsWith('baga6ea4seaq')).toBe(true);
    for (const p of v.pieces) expect(p.cid.startsWith('baga6ea4seaq')).toBe(true);
  });

  it('parents: 14 per node, in range, base-parent rules of §3.3', () => {
    const legacy = v.proof.api_version === 'V1_0_0';
    expect(v.parents.length).toBeGreaterThanOrEqual(6);
    for (const { node, parents } of v.parents) {
      expect(parents).toHaveLength(14);
      for (const p of parents) expect(p).toBeGreaterThanOrEqual(0), expect(p).toBeLessThan(N);
      const base = parents.slice(0, 6);
      if (node < 2) expect(base).toEqual([0, 0, 0, 0, 0, 0]);
      else {
        expect(base[legacy ? 5 : 0], `predecessor slot of node ${node}`).toBe(node - 1);
        for (const b of base) expect(b).toBeLessThan(node);
      }
    }
    for (const n of [0, 1, 2, 3, N / 2, N - 1]) expect(parentsOf(v, n), `node ${n}`).toBeDefined();
  });

  it('labels: every sampled node in every layer, canonical', () => {
    expect(v.labels).toHaveLength(v.layers * v.parents.length);
    for (const l of v.labels) {
      expect(l.label).toMatch(/^[0-9a-f]{64}$/);
      expect(unhex(l.label)[31]! & 0xc0).toBe(0);
    }
  });

  it('node 0 label = mask254(SHA-256(replica_id ‖ u32be(layer) ‖ u64be(0) ‖ 20 zero bytes)) (§4)', () => {
    for (let layer = 1; layer <= v.layers; layer++) {
      const header = Buffer.alloc(64);
      unhex(v.replica_id).copy(header, 0);
      header.writeUInt32BE(layer, 32);
      expect(labelOf(v, layer, 0), `layer ${layer}`).toBe(hex(sha254(header)));
    }
  });

  it('cache files have the §8.2 names and sizes', () => {
    const f = v.files;
    const treeLen = sector === 2048 ? 73 : 299_593;
    expect(Object.keys(f).sort()).toEqual(
      ['p_aux', 'sc-02-data-layer-1.dat', 'sc-02-data-layer-2.dat', 'sc-02-data-tree-c.dat', 'sc-02-data-tree-d.dat', 'sc-02-data-tree-r-last.dat', 'sealed', 't_aux'].sort(),
    );
    expect(f['p_aux']!.size).toBe(64);
    expect(f['sealed']!.size).toBe(sector);
    expect(f['sc-02-data-layer-1.dat']!.size).toBe(sector);
    expect(f['sc-02-data-tree-d.dat']!.size).toBe((2 * N - 1) * 32);
    expect(f['sc-02-data-tree-c.dat']!.size).toBe(treeLen * 32);
    expect(f['sc-02-data-tree-r-last.dat']!.size).toBe(sector === 2048 ? 32 : 18_720);
    v.layer_sha256.forEach((d, i) => expect(f[`sc-02-data-layer-${i + 1}.dat`]!.sha256).toBe(d));
  });

  it('tree files end in their roots: tree-r-last → comm_r_last (both sizes), tree-c → comm_c (2KiB) (§8.2)', () => {
    const rl = fileBytes(v, 'sc-02-data-tree-r-last.dat')!;
    expect(hex(rl.subarray(rl.length - 32))).toBe(v.comm_r_last);
    const tc = fileBytes(v, 'sc-02-data-tree-c.dat');
    if (sector === 2048) expect(hex(tc!.subarray(tc!.length - 32))).toBe(v.comm_c);
  });

  it('p_aux = comm_c ‖ comm_r_last (§8.2)', () => {
    expect(hex(fileBytes(v, 'p_aux')!)).toBe(v.comm_c + v.comm_r_last);
  });

  it('t_aux bytes = bincode layout of §8.2 rebuilt from the spec', () => {
    const t = v.files['t_aux']!;
    const cachePath = t.cache_path!;
    const str = (s: string): Buffer => Buffer.concat([u64le(BigInt(Buffer.byteLength(s))), Buffer.from(s)]);
    const cfg = (id: string, size: number, rows: number): Buffer =>
      Buffer.concat([str(cachePath), str(id), Buffer.from([1]), u64le(BigInt(size)), u64le(BigInt(rows))]);
    const treeLen = sector === 2048 ? 73 : 299_593;
    const expected = Buffer.concat([
      u64le(BigInt(v.layers)),
      ...Array.from({ length: v.layers }, (_, i) => cfg(`layer-${i + 1}`, N, 0)),
      cfg('tree-d', 2 * N - 1, 0),
      cfg('tree-r-last', treeLen, sector === 2048 ? 1 : 2),
      cfg('tree-c', treeLen, 0),
    ]);
    expect(hex(fileBytes(v, 't_aux')!)).toBe(hex(expected));
    expect(t.sha256).toBe(hex(sha256(expected)));
  });

  it('2KiB: tree-r-last file holds only the root = comm_r_last; tree-d is the full sha254 tree ending in comm_d', () => {
    if (sector !== 2048) return;
    expect(hex(fileBytes(v, 'sc-02-data-tree-r-last.dat')!)).toBe(v.comm_r_last);
    const treeD = fileBytes(v, 'sc-02-data-tree-d.dat')!;
    let off = 0;
    let row = treeD.subarray(0, N * 32);
    const staged = row.subarray(0, v.staged.size);
    expect(hex(sha256(staged))).toBe(v.staged.sha256);
    expect(row.subarray(v.staged.size).every((b) => b === 0)).toBe(true);
    off += row.length;
    while (row.length > 32) {
      const next = Buffer.alloc(row.length / 2);
      for (let i = 0; i < row.length; i += 64) sha254(row.subarray(i, i + 64)).copy(next, i / 2);
      expect(hex(treeD.subarray(off, off + next.length))).toBe(hex(next));
      off += next.length;
      row = next;
    }
    expect(hex(row)).toBe(v.comm_d);
  });

  it('piece list reproduces comm_d by the §6.4 stack reduction', () => {
    const stack: { c: Buffer; s: number }[] = [];
    const reduce = (): void => {
      while (stack.length > 1 && stack.at(-1)!.s === stack.at(-2)!.s) {
        const r = stack.pop()!;
        const l = stack.pop()!;
        stack.push({ c: sha254(l.c, r.c), s: l.s * 2 });
      }
    };
    v.pieces.forEach((p, i) => {
      const s = Number(p.padded_size);
      if (i > 0) while (stack.at(-1)!.s < s) (stack.push({ c: zeroCommitment(stack.at(-1)!.s), s: stack.at(-1)!.s }), reduce());
      stack.push({ c: unhex(p.comm_p), s });
      reduce();
    });
    while (stack.length > 1) (stack.push({ c: zeroCommitment(stack.at(-1)!.s), s: stack.at(-1)!.s }), reduce());
    expect(hex(stack[0]!.c)).toBe(v.comm_d);
    for (const p of v.pieces.filter((x) => x.filler)) expect(p.comm_p).toBe(hex(zeroCommitment(Number(p.padded_size))));
    expect(v.comm_d_no_pieces).toBe(hex(zeroCommitment(sector)));
  });

  it('replica[v] = (label[L][v] + staged[v]) mod r at every sampled node (§5, staged = fr32 of the pieces §6.1/§6.5)', () => {
    const piece = vectorPieceData(v);
    const padded = v.pieces.find((p) => !p.filler);
    expect(v.replica).toHaveLength(v.parents.length);
    for (const { node } of v.parents) {
      // pieces start at offset 0 here (one data piece first); fillers and the tail are zero
      const inPiece = piece && padded && node < Number(padded.padded_size) / 32;
      const data = inPiece ? fr32Node(piece, node) : 0n;
      const expected = (leInt(labelOf(v, v.layers, node)!) + data) % FR_MODULUS;
      expect(leInt(replicaOf(v, node)!), `node ${node}`).toBe(expected);
    }
  });

  it('columns: one per sampled node; for 2KiB they are the leaf row of the embedded tree-c file', () => {
    expect(v.columns.map((c) => c.node)).toEqual(v.parents.map((p) => p.node));
    for (const c of v.columns) expect(leInt(c.column) < FR_MODULUS).toBe(true);
    const treeC = fileBytes(v, 'sc-02-data-tree-c.dat');
    if (sector === 2048) {
      for (const c of v.columns) expect(hex(treeC!.subarray(c.node * 32, c.node * 32 + 32))).toBe(c.column);
    }
  });

  it('data: CC is all zero (sealed = last layer, §5); data pieces regenerate from their file or seed', () => {
    if (v.data === 'cc') {
      expect(v.comm_d).toBe(hex(zeroCommitment(sector)));
      expect(v.files['sealed']!.sha256).toBe(v.layer_sha256.at(-1));
      return;
    }
    const bytes = vectorPieceData(v)!;
    expect(bytes.length).toBe(v.data.unpadded_bytes);
    expect(hex(sha256(bytes))).toBe(v.data.sha256);
    // committed piece files must also be what their recorded seed generates
    if (v.data.seed && v.data.file) expect(hex(sha256(sha256Ctr(v.data.seed, v.data.unpadded_bytes)))).toBe(v.data.sha256);
    expect(v.files['sealed']!.sha256).not.toBe(v.layer_sha256.at(-1));
  });
});

// ---- docs/vectors.md#end-to-end-vectors end-to-end vectors (independent re-implementation validated on devnet sectors)

describe('docs/vectors.md#end-to-end-vectors vs oracle', () => {
  it('E2E-2KiB-V1_1 (CC, f01000, sector 1, ticket 32×0x01)', () => {
    const v = loadVector('2KiB-V1_1-cc-f01000-s1');
    expect([v.proof.id, v.miner, v.sector_id, v.ticket]).toEqual([5, 'f01000', '1', TICKET_01]);
    expect(v.prover_id).toBe('e807' + '00'.repeat(30));
    expect(v.comm_d).toBe('fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833');
    expect(v.replica_id).toBe('3e75e87332cd5d60132c1f9f9a8362e2e4cf190b46f4fd636fd8864b842d170b');
    expect(labelOf(v, 1, 0)).toBe('a7cc1fe75634063bb01dba191aeb0256505eb56d24b67027b44989c8c0d2680e');
    expect(labelOf(v, 2, 0)).toBe('63fe55454ef7b6681b3e1c1458777606c5bda7ce33fa78aa3b3fb7412df68f29');
    expect(labelOf(v, 2, 63)).toBe('f403883c85fbf18f7bdd78a5dbd27fbc1cb985e24b0e691290376f5f4cbab33e');
    expect(v.layer_sha256).toEqual([
      '15a4a233f44c593466911846dfa69b7bdd7d241cdefe743452bfd77c78eee385',
      '187696ab8c544edce720fb7e79f948abda4747a8cb4629ac11be0bcfcd2d3cf0',
    ]);
    expect(v.files['sealed']!.sha256).toBe('187696ab8c544edce720fb7e79f948abda4747a8cb4629ac11be0bcfcd2d3cf0');
    expect(v.files['sc-02-data-tree-c.dat']).toMatchObject({ size: 2336, sha256: 'c26968050fc39ed9ec3c657e1aa4b7fb9a0dcd7ae54a8691a87fcdba66b8390b' });
    expect(v.files['sc-02-data-tree-r-last.dat']!.sha256).toBe('ae59f7214739a489caa6b22a4b787560907d5512ab9691b03de189ab7e98f6e0');
    expect(columnOf(v, 0)).toBe('7f1c067efcbc04c58f179887fc36ae0a75d78095ace16258490b06d1d90ac438');
    expect(v.comm_c).toBe('341fe7b18303170f67577d8e825f09e2cf6cf4c2b65d4fa2eaf4e2b70eeeb365');
    expect(v.comm_r_last).toBe('90e693754e3cd7d23b1cbb26a69183485d04d7a96e8b0c2fef039a0f09bfef05');
    expect(v.comm_r).toBe('77424390b36f74acd595c40d0e341f4fbff18623feaf8ad72fe73d7490d0d65c');
  });

  it('E2E-2KiB-V1 (CC, same inputs, proof 0)', () => {
    const v = loadVector('2KiB-V1-cc-f01000-s1');
    expect([v.proof.id, v.miner, v.sector_id, v.ticket]).toEqual([0, 'f01000', '1', TICKET_01]);
    expect(v.replica_id).toBe('833e3d0ec6313d5110118382a53eadc8851b3bdc3c64d9d0a9515f36d630ee22');
    expect(v.layer_sha256).toEqual([
      '6a24d07efaf9e03dd7514022562a43ac7709544d4f4444b933b7dd156b994e18',
      '9f91f3f65de37e65b6652f935a816e800d6a9a9d4a0c7530396c1670bd98f43c',
    ]);
    expect(v.files['sc-02-data-tree-c.dat']!.sha256).toBe('27e12e38e38b40f75b79099b1e2c1336a936f38824d2e81e4da3c269eb8ce0f3');
    expect(columnOf(v, 0)).toBe('e1e393f2fc667ae2ada02679eab13e0045ac10548df7ff89945cfda0c48af471');
    expect(v.comm_c).toBe('24be9b50220033e6acd54502188361b9403d4fbc31e2fdc49d26d8287ef6cd6a');
    expect(v.comm_r_last).toBe('aa4a63d84fea96db3afb03c5986c2655a65f779006e666f1196c6da0a4e0ee02');
    expect(v.comm_r).toBe('5b25c87c9893927d5e7fe75707fc77fd700b9c0c732851dea4da8a7822fca340');
  });

  it('E2E-8MiB-V1_1 (CC, same inputs, proof 6)', () => {
    const v = loadVector('8MiB-V1_1-cc-f01000-s1');
    expect([v.proof.id, v.miner, v.sector_id, v.ticket]).toEqual([6, 'f01000', '1', TICKET_01]);
    expect(v.comm_d).toBe('65f29e5d98d246c38b388cfc06db1f6b021303c5a289000bdce832a9c3ec421c');
    expect(v.replica_id).toBe('49808a3f801fc76f8e0a19e5f87f2810b61d0fb8cef7816a7396ab91d1774f3e');
    expect(v.layer_sha256).toEqual([
      '7c8f81d4aca9695372220103a96b81705e5f3bc43e7790cc584508cbea1e54a4',
      'd9b98d32f3828161ac062e32ed9f4e07662e97f8d4707e3343f6553c1d02ddcb',
    ]);
    expect(v.files['sealed']!.sha256).toBe('d9b98d32f3828161ac062e32ed9f4e07662e97f8d4707e3343f6553c1d02ddcb');
    expect(v.files['sc-02-data-tree-c.dat']).toMatchObject({ size: 9_586_976, sha256: '20dbc99f921653e2792526712b6e687f526137d6f6a82daa1823874bf1eadc27' });
    expect(v.files['sc-02-data-tree-r-last.dat']).toMatchObject({ size: 18_720, sha256: 'ccfc26a411178934fe1b465330154d8b56484d19c240412f2085f1496f3e4bd2' });
    expect(columnOf(v, 0)).toBe('10288ffba0d63e88168a0fa44d9dc9e238e3fb755cfbac5f097927625737c018');
    expect(v.comm_c).toBe('3055f2498a3ad6301740c924cc9f4e056d082583f47f011f268750e1184e2068');
    expect(v.comm_r_last).toBe('d543873a1829ecfa818046ae29b3d74e707b4f4e883ffa6f330ca1647565533a');
    expect(v.comm_r).toBe('0a007160e8e18fc79d227b04494dd6c0d92b5b090c5d21598832c2f610bae207');
  });
});

// ---- docs/sdr.md#worked-example-parents example parents, §3.6 parents-cache names and digests

describe('docs/sdr.md#worked-example-parents parents vs oracle', () => {
  const v11 = loadVector('2KiB-V1_1-cc-f01000-s1');
  const v1 = loadVector('2KiB-V1-cc-f01000-s1');
  it.each([
    [v11, 0, [0, 0, 0, 0, 0, 0, 4, 9, 60, 1, 14, 26, 26, 4]],
    [v11, 1, [0, 0, 0, 0, 0, 0, 6, 12, 35, 43, 23, 34, 58, 2]],
    [v11, 2, [1, 1, 1, 0, 1, 0, 30, 28, 55, 63, 63, 36, 37, 36]],
    [v11, 3, [2, 1, 1, 2, 2, 2, 10, 46, 59, 7, 43, 29, 9, 16]],
    [v11, 63, [62, 15, 42, 62, 61, 62, 0, 15, 30, 30, 28, 42, 49, 38]],
    [v1, 2, [0, 1, 1, 1, 1, 1, 32, 49, 26, 57, 3, 4, 47, 63]],
    [v1, 63, [62, 61, 56, 62, 37, 62, 49, 37, 35, 41, 52, 50, 54, 5]],
  ] as [OracleVector, number, number[]][])('proof %#: node %i', (v, node, expected) => {
    expect(parentsOf(v, node)).toEqual(expected);
  });

  it('the same graph appears in every vector of the same proof (parents are per-proof, not per-sector)', () => {
    for (const { name, vector } of vectors) {
      const ref = vectors.find((x) => x.vector.proof.id === vector.proof.id)!.vector;
      for (const { node, parents } of vector.parents) {
        const other = parentsOf(ref, node);
        if (other) expect(parents, `${name} node ${node}`).toEqual(other);
      }
      expect(vector.parents_cache, name).toEqual(ref.parents_cache);
    }
  });
});

describe('docs/sdr.md#parents-cache-file parents cache vs oracle', () => {
  const manifest: Record<number, [string, string]> = {
    0: ['3f0eef38bb48af1f48ad65e14eb85b4ebfc167cec18cd81764f6d998836c9899', '3da49221e2ed55371b86d0bf3d6526fcf128af61bed904f966428db1b531750d'],
    5: ['494d91dc80f2df5272c4b9e129bc7ade9405225993af9fe34e6542a39a47554b', '840057702eea7652cf97e04306c30fe57174714d90de156a25eddd6075c25b97'],
    1: ['dcdabb0fbe4364bf0ac28b6a18c66de246409fa1a9020a00f33fb3e3053da6dc', 'a76604f2f59f2744c7151653bbb1d8596b6b57d295e6fa6c1f0c41d725b502ce'],
    6: ['5eed212119fd91aa6220a27f31a8966444a9381842bceb3a1ea61525bd47a5b5', '03cd13565ded97c240a5f52e54295ad127bd0461b57904cb3a4d79b097bbecab'],
  };
  it.each(Object.entries(manifest))('proof %s: file name and whole-file digest from the manifest', (id, [stem, digest]) => {
    const v = vectors.find((x) => x.vector.proof.id === Number(id))!.vector;
    expect(v.parents_cache).toEqual({ file: `v28-sdr-parent-${stem}.cache`, sha256: digest });
  });

  it('file name formula for every proof in the vectors, including Synthetic/NI (not in the manifest)', () => {
    for (const { name, vector: v } of vectors) {
      const N = Number(v.nodes);
      const feistel = sha256(Buffer.from('Filecoin_Feistel'), unhex(v.porep_id)); // k0..k3 as u64le = the digest bytes
      const ident = `stacked_graph::StackedGraph{expansion_degree: 8 base_graph: drgraph::BucketGraph{size: ${N}; degree: 6; hasher: poseidon_hasher} }`;
      const n = Buffer.alloc(4);
      n.writeUInt32LE(N);
      const h = sha256(Buffer.from('poseidon_hasher'), Buffer.from(ident), feistel, n);
      expect(v.parents_cache.file, name).toBe(`v28-sdr-parent-${hex(h)}.cache`);
    }
  });

  it('V1_1, Synthetic and NI-PoRep of one size have three different graphs (§1.2)', () => {
    for (const size of ['2KiB', '8MiB']) {
      const files = ['V1_1', 'SynthPoRep', 'NiPoRep'].map((t) => loadVector(`${size}-${t}-cc-f01000-s1`).parents_cache.sha256);
      expect(new Set(files).size).toBe(3);
    }
  });
});

// ---- docs/proofs.md#zero-commitments zero commitments

describe('docs/proofs.md#zero-commitments zero comm_d vs oracle', () => {
  const table: Record<string, [string, string]> = {
    '2048': ['fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833', 'baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy'],
    '8388608': ['65f29e5d98d246c38b388cfc06db1f6b021303c5a289000bdce832a9c3ec421c', 'baga6ea4seaqgl4u6lwmnerwdrm4iz7ag3mpwwaqtapc2fciabpooqmvjypweeha'],
  };
  it.each(vectors.filter((x) => x.vector.data === 'cc'))('$name', ({ vector: v }) => {
    const [comm, cid] = table[v.proof.sector_size]!;
    expect(v.comm_d).toBe(comm);
    expect(v.comm_d_cid).toBe(cid);
    expect(v.comm_d_no_pieces).toBe(comm);
    // lotus/Go-tool CC: one full-size zero piece whose comm_p is the same constant (§6.4)
    expect(v.pieces).toEqual([expect.objectContaining({ comm_p: comm, padded_size: v.proof.sector_size, filler: false })]);
  });
});
