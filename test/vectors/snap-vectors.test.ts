// The committed SnapDeals vectors (fixtures/vectors/snap/, tools/oracle `encode` on rust-fil-proofs
// 19.1.0) are loadable and agree with themselves, with the seal vectors their sector keys link to,
// and with the encoding rule replica = key + data·rho (mod r) recomputed here with BigInt.
// Nothing here runs our pipeline: these are checks of the expectations themselves.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  commDOfPieces,
  entryBytes,
  FR_MODULUS,
  fr32NodeHex,
  leHexToBigInt,
  loadVector,
  sha256Ctr,
  snapVectors,
  type SnapVector,
} from '../helpers/vectors.js';

const vectors = snapVectors();
const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const u64leHex = (n: number): string => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b.toString('hex');
};
const SIZES = ['2048', '8388608', '536870912', '34359738368', '68719476736'];

/** Node v of the staged sector: data pieces fr32-padded at their offsets, zero pieces elsewhere. */
function stagedNode(v: SnapVector, node: number, dataBytes: readonly Uint8Array[]): string {
  let offset = 0;
  let dataIndex = 0;
  for (const p of v.pieces) {
    const size = Number(p.padded_size);
    offset = Math.ceil(offset / size) * size;
    const data = p.filler ? undefined : dataBytes[dataIndex++];
    if (node * 32 >= offset && node * 32 < offset + size) {
      return data ? fr32NodeHex(data, node - offset / 32) : '00'.repeat(32);
    }
    offset += size;
  }
  return '00'.repeat(32);
}

describe('fixtures/vectors/snap: inventory', () => {
  it('has 2KiB and 8MiB V1_1 random, a multi-piece case per size, and SyntheticPoRep / NI-PoRep / V1 keys', () => {
    const names = vectors.map((v) => v.name);
    for (const n of [
      '2KiB-V1_1-cc-f01000-s1-snap-random',
      '8MiB-V1_1-cc-f01000-s1-snap-random',
      '2KiB-V1_1-cc-f01000-s2-snap-multi',
      '8MiB-V1_1-cc-f01000-s5-snap-multi',
      '2KiB-SynthPoRep-cc-f01000-s1-snap-random',
      '2KiB-NiPoRep-cc-f01000-s1-snap-random',
      '2KiB-V1-cc-f01000-s1-snap-random',
    ]) {
      expect(names).toContain(n);
    }
  });
});

describe.each(vectors)('snap/$name: self-consistent', ({ vector: v }) => {
  const N = Number(v.nodes);
  const sector = N * 32;
  const dataBytes = v.data.map((d) => sha256Ctr(d.seed, d.unpadded_bytes));

  it('records the reference crates, including storage-proofs-update', () => {
    for (const c of ['filecoin-proofs', 'storage-proofs-update', 'storage-proofs-porep', 'filecoin-hashers', 'neptune']) {
      expect(v.generator.crates[c], c).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it('update proof: StackedDrg<size>V1 = id by size, V1_1_0, porep_id = u64le(id) ‖ 0', () => {
    expect(v.update_proof.sector_size).toBe(String(sector));
    expect(v.update_proof.id).toBe(SIZES.indexOf(String(sector)));
    expect(v.update_proof.api_version).toBe('V1_1_0');
    expect(v.update_proof.porep_id).toBe(u64leHex(v.update_proof.id) + '00'.repeat(24));
    expect(v.sector_key.proof.sector_size).toBe(String(sector));
  });

  it('sector key: same comm_r / comm_c / comm_r_last / sealed file as the linked seal vector', () => {
    const k = v.sector_key;
    expect(k.seal_vector).not.toBeNull();
    const seal = loadVector(k.seal_vector!);
    expect(seal.proof.id).toBe(k.proof.id);
    for (const f of ['prover_id', 'sector_id', 'ticket', 'porep_id', 'comm_d', 'replica_id', 'comm_c', 'comm_r_last', 'comm_r'] as const) {
      expect(k[f], f).toBe(seal[f]);
    }
    expect(k.files['sealed']!.sha256).toBe(seal.files['sealed']!.sha256);
    // t_aux embeds the (temporary) cache directory of each run; everything else must agree.
    const withoutPaths = (t: typeof seal.files.t_aux): unknown => JSON.parse(JSON.stringify(t?.decoded ?? null).replaceAll(t?.cache_path ?? '\0', ''));
    expect(withoutPaths(k.files['t_aux'])).toEqual(withoutPaths(seal.files['t_aux']));
  });

  it('comm_r_old, comm_c and comm_r_last_old are the key\'s; CIDs use the commcid prefixes', () => {
    expect(v.comm_r_old).toBe(v.sector_key.comm_r);
    expect(v.comm_c).toBe(v.sector_key.comm_c);
    expect(v.comm_r_last_old).toBe(v.sector_key.comm_r_last);
    expect(v.comm_r_new_cid.startsWith('bagboea4b5abc')).toBe(true);
    expect(v.comm_d_new_cid.startsWith('baga6ea4seaq')).toBe(true);
    for (const k of ['comm_r_new', 'comm_r_last_new', 'phi'] as const) expect(leHexToBigInt(v[k]) < FR_MODULUS, k).toBe(true);
  });

  it('pieces: data pieces match their seeds, zero pieces are zero commitments, and cover the sector', () => {
    expect(v.pieces.filter((p) => !p.filler)).toHaveLength(v.data.length);
    dataBytes.forEach((b, i) => expect(sha256Hex(b)).toBe(v.data[i]!.sha256));
    const covered = v.pieces.reduce((o, p) => Math.ceil(o / Number(p.padded_size)) * Number(p.padded_size) + Number(p.padded_size), 0);
    expect(covered).toBe(sector);
    expect(v.staged.size).toBe(sector);
  });

  it('comm_d_new = the sha254 tree over the piece commitments', () => {
    expect(commDOfPieces(v.pieces, sector)).toBe(v.comm_d_new);
  });

  it('h / rho groups: h = 1 up to 32KiB sectors, else hs[3] = 10; high = node >> (log2 N − h)', () => {
    const h = v.update_config.h;
    expect(h).toBe(N <= 1024 ? 1 : 10);
    expect(v.update_config.hs[3]).toBe(h);
    expect(v.update_config.h_select).toBe(1 << v.update_config.hs.indexOf(h));
    expect(v.rho.groups).toBe(2 ** h);
    expect(v.rho.bits_shr).toBe(Math.log2(N) - h);
    expect(v.rho.nodes_per_group).toBe(N >> h);
    if (v.rho.table) {
      expect(v.rho.table).toHaveLength(v.rho.groups);
      expect(sha256Hex(Buffer.concat(v.rho.table.map((r) => Buffer.from(r, 'hex'))))).toBe(v.rho.table_sha256);
    }
  });

  it('samples: replica = key + data·rho and rho·rho⁻¹ = 1 (mod r); data is the staged piece bytes', () => {
    const nodes = v.samples.map((s) => s.node);
    for (const n of [0, 1, N - 1, N / 2, v.rho.nodes_per_group]) expect(nodes).toContain(n);
    for (const s of v.samples) {
      expect(s.high).toBe(s.node >> v.rho.bits_shr);
      if (v.rho.table) expect(s.rho).toBe(v.rho.table[s.high]);
      const [rho, rhoInv, data, key, rep] = [s.rho, s.rho_inv, s.data, s.sector_key, s.replica].map(leHexToBigInt) as [bigint, bigint, bigint, bigint, bigint];
      expect((rho * rhoInv) % FR_MODULUS, `node ${s.node}`).toBe(1n);
      expect((key + data * rho) % FR_MODULUS, `node ${s.node}`).toBe(rep);
      expect(s.data, `node ${s.node}`).toBe(stagedNode(v, s.node, dataBytes));
    }
  });

  it('embedded files agree with their digests and with the samples (whole replica for 2KiB)', () => {
    const rep = entryBytes(v.files.update);
    const key = entryBytes(v.sector_key.files['sealed']);
    if (sector === 2048) expect(rep).toBeDefined();
    for (const [f, bytes] of [[v.files.update, rep], [v.sector_key.files['sealed']!, key]] as const) {
      if (bytes) expect(sha256Hex(bytes)).toBe(f.sha256), expect(bytes.length).toBe(sector);
    }
    for (const s of v.samples) {
      if (rep) expect(Buffer.from(rep.subarray(s.node * 32, s.node * 32 + 32)).toString('hex')).toBe(s.replica);
      if (key) expect(Buffer.from(key.subarray(s.node * 32, s.node * 32 + 32)).toString('hex')).toBe(s.sector_key);
    }
    for (const [name, f] of Object.entries(v.files['update-cache'])) {
      const b = entryBytes(f);
      if (b) expect(sha256Hex(b), name).toBe(f.sha256);
    }
  });

  it('update cache: p_aux = comm_c ‖ comm_r_last_new, tree-r-last ends in comm_r_last_new, t_aux copied from the key', () => {
    const uc = v.files['update-cache'];
    expect(Object.keys(uc).sort()).toEqual(['p_aux', 'sc-02-data-tree-d.dat', 'sc-02-data-tree-r-last.dat', 't_aux']);
    expect(Buffer.from(entryBytes(uc['p_aux'])!).toString('hex')).toBe(v.comm_c + v.comm_r_last_new);
    const rl = entryBytes(uc['sc-02-data-tree-r-last.dat'])!;
    expect(Buffer.from(rl.subarray(rl.length - 32)).toString('hex')).toBe(v.comm_r_last_new);
    expect(uc['sc-02-data-tree-d.dat']!.size).toBe((2 * N - 1) * 32);
    expect(uc['t_aux']!.base64).toBe(v.sector_key.files['t_aux']!.base64);
  });

  it('decode gives back the staged data; remove gives back the key (only with the key\'s cache)', () => {
    expect(v.decode.sha256).toBe(v.staged.sha256);
    expect(v.decode.equals_staged && v.decode.decode_from_range.equals_staged).toBe(true);
    expect(v.remove.sha256).toBe(v.sector_key.files['sealed']!.sha256);
    expect(v.remove.comm_r_last).toBe(v.comm_r_last_old);
    expect(v.remove.lotus_argument_order.equals_sector_key).toBe(false);
    expect(v.remove.lotus_argument_order.sha256).not.toBe(v.remove.sha256);
  });
});
