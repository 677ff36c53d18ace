// Graph seeds and parents-cache file names against docs/sdr.md#worked-example-parents (seeds table) and §3.6 (manifest stems).
import { describe, expect, it } from 'vitest';
import { sealProof } from '../../src/proofs/registry.js';
import { drgSeed, feistelKeys, graphParams, parentsCacheFileName } from '../../src/seal/graph-seeds.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// docs/sdr.md#worked-example-parents "Seeds" table
const SEEDS: Array<[number, string, [bigint, bigint, bigint, bigint]]> = [
  [0, '623f03efd4cbc4f029203ee913d026a4e2d9913025a8aed04fec97a0', [0x8fb5fa185a23bce6n, 0xd567abafe374f26en, 0xa2f3f4da23359accn, 0xcbf4931c8d02e1a5n]],
  [5, '3be68542ec229705b99be29c2106b0e4222ccd1d0311398ea4d22d7d', [0x90b15b1c4509e47an, 0xdc5378c03df3f21bn, 0xfa76fc24deb9d7acn, 0xcdec5e11f7b30a54n]],
  [8, 'ba0350183955dc9f07e73503f5c63ff1bd9c22501363983de241f74a', [0x35a20d6c881b3e73n, 0x11063648dc13a120n, 0xa8c1ad029b31fcb5n, 0xd299d840a5770469n]],
  [9, 'bab80f31f3694d562279ef610ca1f43e36050d6d7fad9613d62483b8', [0xa3e0f807b2608bbfn, 0x58283749bc2d4bden, 0x2a81f68634313622n, 0xffdfafcd62044988n]],
  [13, '5231169aa77a3063f333518cf00e88a30cb2a793f8223997b871f6a5', [0x7a5ca87754825a6en, 0x93555115ca12f4a6n, 0x4791b8de00607aden, 0x5f065dc5ad1cd9fen]],
  [18, 'eb7dae55b49c74c6041818bbb28c90947321593b0d8d89da97d91a78', [0x534899792a1c692en, 0xa233082a14fd5f60n, 0xeac284138796f1d3n, 0xe7bd2039600d88f7n]],
];

// docs/sdr.md#parents-cache-file manifest stems (rfp parent_cache.json) and the id-13 example
const NAMES: Array<[number, string]> = [
  [0, '3f0eef38bb48af1f48ad65e14eb85b4ebfc167cec18cd81764f6d998836c9899'],
  [5, '494d91dc80f2df5272c4b9e129bc7ade9405225993af9fe34e6542a39a47554b'],
  [1, 'dcdabb0fbe4364bf0ac28b6a18c66de246409fa1a9020a00f33fb3e3053da6dc'],
  [6, '5eed212119fd91aa6220a27f31a8966444a9381842bceb3a1ea61525bd47a5b5'],
  [2, '2aa9c77c3e58259481351cc4be2079cc71e1c9af39700866545c043bfa30fb42'],
  [7, '7ba215a1d2345774ab90b8cb1158d296e409d6068819d7b8c7baf0b25d63dc34'],
  [3, 'e1fa5d5b811ddbd118be3412c4a8c329156b8b8acc72632bca459455b5a05a13'],
  [8, '21981246c370f9d76c7a77ab273d94bde0ceb4e938292334960bce05585dc117'],
  [4, '8a99e8d6b6be7ab87a56b632e6739ff201c23ea14e99737c74690f0e265574d6'],
  [9, '4905486b7af19558ac3649bc6261411858b6add534438878c4ee3b29d8b9de0b'],
  [13, '716c0c62d7111a1f43ddbc54102052f151fdf2162ba7605786aa51c495aa6e65'],
];

describe('graph seeds (docs/sdr.md#graph-seeds, §3.5)', () => {
  it.each(SEEDS)('proof %i: DRG seed and Feistel keys k0..k3', (id, seed, keys) => {
    const p = sealProof(id);
    expect(hex(drgSeed(p))).toBe(seed);
    expect(feistelKeys(p)).toEqual(keys);
  });

  it('graph params use k0..k2, N, and the legacy flag of ApiVersion V1_0_0 only', () => {
    expect(graphParams(sealProof(0))).toMatchObject({ nodes: 64n, legacy: true, feistelKeys: SEEDS[0]![2].slice(0, 3) });
    expect(graphParams(sealProof(8))).toMatchObject({ nodes: 1n << 30n, legacy: false });
    expect(graphParams(sealProof(13)).legacy).toBe(false);
    expect(graphParams(sealProof(18)).legacy).toBe(false);
  });
});

describe('parents-cache file names (docs/sdr.md#parents-cache-file)', () => {
  it.each(NAMES)('proof %i', (id, stem) => {
    expect(parentsCacheFileName(sealProof(id))).toBe(`v28-sdr-parent-${stem}.cache`);
  });
});
