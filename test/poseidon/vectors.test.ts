// Poseidon against the spec: constants (docs/poseidon.md#round-constants), upstream vectors (§5.1 neptune,
// §5.2 rust-fil-proofs = docs/vectors.md#poseidon-vectors, §5.3 structural) and the independent reference (§5.4).
// Every hash is checked in both forms and with every multiply kernel.
import { describe, expect, it } from 'vitest';
import {
  frKernels,
  poseidonKernels,
  poseidonConstants,
  poseidonHash,
  poseidonPermute,
  type FrKernel,
  type PoseidonForm,
} from '../../src/native/poseidon.js';
import { R, fromLe, hex, hexInt, le } from './helpers.js';

const MODES: Array<{ form: PoseidonForm; kernel: FrKernel }> = (['plain', 'optimized'] as const).flatMap((form) =>
  frKernels().map((kernel) => ({ form, kernel })),
);
const seq = (n: number, from = 0) => Array.from({ length: n }, (_, i) => le(BigInt(from + i)));
const tagMerkle = (arity: number) => le((1n << BigInt(arity)) - 1n);
const at = (b: Uint8Array, i: number) => b.subarray(i * 32, i * 32 + 32);

/** MerkleTree hash built from the bare permutation: state [tag, x…], output state[1]. */
function merkle(arity: number, xs: Uint8Array[], strengthened: boolean, m: (typeof MODES)[number]): Uint8Array {
  return poseidonPermute(arity, [tagMerkle(arity), ...xs], { strengthened, ...m })[1]!;
}
/** ConstantLength(L): tag L·2^64; one permutation if L ≤ arity, else the simplex sponge (§2.3). */
function constantLength(arity: number, xs: Uint8Array[], strengthened: boolean, m: (typeof MODES)[number]): Uint8Array {
  const L = BigInt(xs.length);
  let state = [le(L << 64n), ...Array.from({ length: arity }, () => le(0n))];
  for (let off = 0; off < xs.length; off += arity) {
    const chunk = xs.slice(off, off + arity);
    state = state.map((s, i) => (i >= 1 && i <= chunk.length ? le((fromLe(s) + fromLe(chunk[i - 1]!)) % R) : s));
    state = poseidonPermute(arity, state, { strengthened, ...m });
  }
  return state[1]!;
}

describe('constants (docs/poseidon.md#round-constants)', () => {
  const rc = (arity: number, i: number) => '0x' + Buffer.from(at(poseidonConstants(arity).rc, i)).reverse().toString('hex');
  it('round counts per arity (§2.2) and strengthened R_P', () => {
    const want: Record<number, number> = { 2: 55, 4: 56, 8: 57, 11: 57, 16: 59, 24: 59, 36: 60 };
    const strong: Record<number, number> = { 2: 69, 4: 70, 8: 72, 11: 72, 16: 74, 24: 74, 36: 75 };
    for (const [a, rp] of Object.entries(want)) {
      const c = poseidonConstants(Number(a));
      expect([c.t, c.rf, c.rp]).toEqual([Number(a) + 1, 8, rp]);
      expect(c.rc.length).toBe((8 + rp) * (Number(a) + 1) * 32);
      expect(poseidonConstants(Number(a), true).rp).toBe(strong[Number(a)]);
    }
  });
  it('Grain LFSR round constants: check values for t = 3, 9, 12 and RC[0] for t = 5, 17, 25, 37', () => {
    expect(rc(2, 0)).toBe('0x669f064bfa3ae17a23bd51861dbb4a24501eac92a2758b36a7320a009d6ed3d8');
    expect(rc(2, 1)).toBe('0x0a61a8defbacca36e4537ff2c84fa66ceee67c9645ac27346e72ab842b9d3f15');
    expect(rc(2, 2)).toBe('0x21e9cefa24b89d09f91b1e8a45df275b17292b4e1aaa49301e234771128165d5');
    expect(rc(2, 3)).toBe('0x4e2377d2f5cb43b2b56e1026a391be2d5e4ebc5102b7e51dc161d2b03886ee3d');
    expect(rc(2, 188)).toBe('0x60dfbfa5d5dd06351a917a05466e5884ed12e38ec24d5bb80be0abe065395e5c');
    expect(rc(8, 0)).toBe('0x6ce90d12c4045fe08c3caddb776dd84ac52b4ae7e48cd49443984154f2f4c2f9');
    expect(rc(8, 1)).toBe('0x0ccd9b480c84022b25a75b52c8e89d80b4fa6378d32e58f3a175504940bcec39');
    expect(rc(8, 2)).toBe('0x513ad11016ab7bb8c7ce9ae51256040e062487edf7168d206ba1b86dfe963629');
    expect(rc(8, 584)).toBe('0x3b3a75eb91b0f723bcc4ab7e449e4a011b8960063efe74670c05e545519d9a8c');
    expect(rc(11, 0)).toBe('0x1f6c9576e648b5047399bfc5f38902e0d506f18e0f3ab77de6de096bd089bce4');
    expect(rc(11, 1)).toBe('0x06deba7028df3debd71993e243a5a74768fdf04db7ede8b2258be924c8f08ca9');
    expect(rc(11, 2)).toBe('0x590cd6c13291cdfa85d9c68dc29a5aa033c58fd1f901e450cc6c5e5dfb02ac09');
    expect(rc(11, 779)).toBe('0x4543ca937ff30a73db73c95cf11b2f641c744cc5d6a08d197c29ea4e2aab6a16');
    expect(rc(4, 0)).toBe('0x45c919736a0e5f2ef32c4c7d0a338eb1fed3d9e317b7580921072285c7e215ca');
    expect(rc(16, 0)).toBe('0x110ba2bc11394ebdc472727c9683ed70624a37009ffed519b77bcea2c051b459');
    expect(rc(24, 0)).toBe('0x2c21df040fb486eda5e1b307392ad7917e2ae2eff450fd49a0f58b056dceb6b1');
    expect(rc(36, 0)).toBe('0x29543a1abae8908320d4f4b833e9e74a3d0afbf85328d4b0d4dd43cc6a7f3b4e');
  });
  it('MDS matrix entries = 1/(i+j+t) mod r, checked against the §3.2 values and BigInt', () => {
    const mds3 = poseidonConstants(2).mds;
    const want3 = ['0x4d491a377113a8daccd13ab0066be558e27e6d5755543d54aaaaaaaa00000001',
      '0x56f23d7e5f361df6266b620607396203fece3b023ffec4ff3fffffff40000001',
      '0x458e97984c2b4b2b51ef819e6c2de803323e959b66656a65cccccccc33333334',
      '0x609b60c54d5893118005895c0806deaf1b1e08ad2aa94ca9d555555480000001',
      '0x211f5460e751918257c7624b7077624aaa362edc49241a48db6db6db24924925'];
    // M[i][j] = 1/(3+i+j): entries (0,0)=1/3, (0,1)=1/4, (0,2)=1/5, (1,2)=1/6, (2,2)=1/7
    for (const [idx, w] of [[0, 0], [1, 1], [2, 2], [5, 3], [8, 4]] as const) expect(hex(at(mds3, idx))).toBe(hex(hexInt(want3[w]!)));
    expect(hex(at(mds3, 3))).toBe(hex(at(mds3, 1))); // symmetric
    const row0 = (arity: number) => [0, 1, 2].map((j) => hex(at(poseidonConstants(arity).mds, j)));
    expect(row0(8)).toEqual(['0x19c308bd25b13848eef068e557794c72f62a247271c6bf1c38e38e38aaaaaaab',
      '0x22c74bcc2615a595a8f7c0cf3616f401991f4acdb332b532e66666661999999a',
      '0x6963af62e003892a5d1d50074e93217934daf23145cff68aba2e8ba200000001'].map((x) => hex(hexInt(x))));
    expect(row0(11)).toEqual(['0x6a44840c3b7b082cd99fb0b208d45b5a376dd6581553d4546aaaaaa9c0000001',
      '0x6217dc5a0f85429f8dce7bb808267bb5bd02ed3d9d88753a3b13b13a3b13b13c',
      '0x4a867dda0877876545809d29bd0c9d27fef9e96fa4913b23edb6db6d12492493'].map((x) => hex(hexInt(x))));
    // BigInt: (i+j+t)·M[i][j] ≡ 1 for every entry of the width-12 matrix
    const m12 = poseidonConstants(11).mds;
    for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) expect((fromLe(at(m12, i * 12 + j)) * BigInt(i + j + 12)) % R).toBe(1n);
  });
  it('optimized-form table sizes match supraseal layout (§3.5)', () => {
    for (const [a, rp] of [[2, 55], [8, 57], [11, 57]] as const) {
      const c = poseidonConstants(a);
      const t = a + 1;
      expect(c.compressed.length / 32).toBe(8 * t + rp);
      expect(c.preSparse.length / 32).toBe(t * t);
      expect(c.sparse.length / 32).toBe(rp * (2 * t - 1));
      // total bytes of supraseal's constants_<arity> file
      expect((c.compressed.length + c.mds.length + c.preSparse.length + c.sparse.length)).toBe({ 2: 11904, 8: 40320, 11: 56064 }[a]);
    }
  });
});

const MERKLE_STD: Record<number, string> = {
  2: '0x396508d75e76a56b739e0fd902efe161a6fba9339d05a69d2e203c369a02e7ff',
  4: '0x58a54b10a9e5848a00db3c6579229399fb6b4605bf1327ec019814ff6662075d',
  8: '0x2394611da3a5de5512010042116770774b682e9d9cc4aed92a9934f56d38a5e6',
  11: '0x0c0fc1b2e5227f286ca537e232ebe87a09f3dcd8ccb08fc1cee3bbc32b693163',
  16: '0x2d3ae2663381ae8ac1c2fb5a6f871e635b8dbc6d30680a6f1291c74060266d37',
  24: '0x63beb8831f11ae15066f39bf783f3d9fc3e779f6468815b1d7ef3569f585b321',
  36: '0x699303082a6e5d5f540a30e03c10bbaa75cd368df8a8ac3c4473606dfa4e8140',
};
const CL4_STD: Record<number, string> = {
  2: '0x19e8a3fe6c2df9ffc923003920c488d47fb97ce0b8f663221e12d20d3b71ec56',
  4: '0x3a21a6ae86754a2939443980077d75934984de08542c99778935b00a07909d45',
  8: '0x5c6de4b69de9d792cad8b9f8aeb1578f203e3c7c4a85c1f9370a94532f818897',
  11: '0x02550c3a2113c7caef841b6bf51a5a397d2807d793af9582e9b0cb7d6496f73b',
  16: '0x30ec6fa0fec08504275a6eb04a0ecb376b4493d5d40be9d36a1e563d359c1bdd',
  24: '0x327bdee6fa2b22b615ed0a6b8faba5aae2e556352af20f97c540772c5968a299',
  36: '0x626bdae6cad79307fe52151f29c50f9902ae71d3d04f0b327d89cddb70217dcd',
};
const MERKLE_STRONG: Record<number, string> = {
  2: '0x33d28a753baee41bc48b36ecc4cab7485278ecbf17040ea6793dbaf54552cd69',
  4: '0x09d8207c51ca3f4354013bdaf68ba4c2e5113a254d6f5c7e4650ee190212aa9a',
  8: '0x69e61465981ae17ed69aae8fe1cb63e8e843d4cfba662df19f0c3c93c3fc894e',
  11: '0x28bb83ff439753c007abbcf9b406e8d8c94fe2ca3f46d433778af344d8f9e8b7',
  16: '0x68d7856395aa217e43ba5f418c6ef01dd7431eaaa5e431893cc2664c5fd6ae07',
  24: '0x086e4e81a35bfd92222eb82c6666be3d0566756b7b80fb101df1da58827cb39d',
  36: '0x609f8c6fe45cc05464d73b2ddc03d43b8f69e35a702ed188636401e9371dc311',
};
const CL4_STRONG: Record<number, string> = {
  2: '0x28156ad178f3a8fe336c9c5c50e6a71edd21d8ebc5db51fbcbd4499072dcaff6',
  4: '0x466e7819bb809c44dff9a095d1d40420b5be830aae89db0da31d9dc66a42f972',
  8: '0x0bb12009ab1fb62abf626c21fd6cb051adb6da339b87e5906f2c393786312ee2',
  11: '0x5ee31c86cd42e810f199e67d4e6e4bc796e16aa48efc68a96d14b130d0fc1ed5',
  16: '0x4611720250274a295bc3390694ee8251eb53bd55f5095e4e7dbe8ac03eb7fb25',
  24: '0x1075afe1e62be162aa5f37dd1685188e2400a67b915b45fae2ed71355cbe9268',
  36: '0x4ed7c0e22446987f4fc92a1baa0ee777d3cd55eeec46751a8d6f2e5faf077152',
};

describe('§5.1 neptune hash_values (46 upstream digests with §5.2)', () => {
  for (const m of MODES) {
    it(`${m.form}/${m.kernel}: MerkleTree and ConstantLength(4), Standard and Strengthened, arities 2–36`, () => {
      for (const a of [2, 4, 8, 11, 16, 24, 36]) {
        expect(hex(merkle(a, seq(a), false, m))).toBe(hex(hexInt(MERKLE_STD[a]!)));
        expect(hex(merkle(a, seq(a), true, m))).toBe(hex(hexInt(MERKLE_STRONG[a]!)));
        expect(hex(constantLength(a, seq(4), false, m))).toBe(hex(hexInt(CL4_STD[a]!)));
        expect(hex(constantLength(a, seq(4), true, m))).toBe(hex(hexInt(CL4_STRONG[a]!)));
      }
    });
  }
  it('poseidonHash (the Filecoin entry point) gives the LE bytes listed for arities 2, 8, 11', () => {
    for (const m of MODES) {
      expect(hex(poseidonHash(2, seq(2), m))).toBe('ffe7029a363c202e9da6059d33a9fba661e1ef02d90f9e736ba5765ed7086539');
      expect(hex(poseidonHash(8, seq(8), m))).toBe('e6a5386df534992ad9aec49c9d2e684b777067114200011255dea5a31d619423');
      expect(hex(poseidonHash(11, seq(11), m))).toBe('6331692bc3bbe3cec18fb0ccd8dcf3097ae8eb32e237a56c287f22e5b2c10f0c');
    }
  });
});

describe('§5.2 rust-fil-proofs filecoin-hashers vectors (= docs/vectors.md#poseidon-vectors)', () => {
  const limbs = (l: bigint[]) => le(l.reduce((acc, x, i) => acc | (x << BigInt(64 * i)), 0n));
  for (const m of MODES) {
    it(`${m.form}/${m.kernel}: test_poseidon_hasher binary tree over [1, 0, 0, 1]`, () => {
      const [a, b, c, d] = [le(1n), le(0n), le(0n), le(1n)];
      const n10 = poseidonHash(2, [a, b], m);
      expect(hex(n10)).toBe(hex(limbs([0xb339ff6079800b5en, 0xec5907b3dc3094afn, 0x93c003cc74a24f26n, 0x042f94ffbe786bc3n])));
      expect(hex(n10)).toBe('5e0b807960ff39b3af9430dcb30759ec264fa274cc03c093c36b78beff942f04');
      const root = poseidonHash(2, [n10, poseidonHash(2, [c, d], m)], m);
      expect(hex(root)).toBe(hex(limbs([0xefbb8be3e291e671n, 0x77cc72b8cb2b5ad2n, 0x30eb6385ae6b74aen, 0x1effebb7b26ad9ebn])));
      expect(hex(root)).toBe('71e691e2e38bbbefd25a2bcbb872cc77ae746bae8563eb30ebd96ab2b7ebff1e');
    });
  }
  it('test_hash_md: 71 × 1 with arity 36, acc = H36([acc] ++ chunk of 35)', () => {
    for (const m of MODES) {
      let acc = le(1n);
      const ones = Array.from({ length: 70 }, () => le(1n));
      for (let i = 0; i < 70; i += 35) acc = merkle(36, [acc, ...ones.slice(i, i + 35)], false, m);
      expect(hex(acc)).toBe(hex(hexInt('0x59f42220e09ff6f75fd9623643ed9622c26f6d625f4e8195351c54133b332c90')));
    }
  });
});

describe('§5.3 structural: domain tags', () => {
  it('MerkleTree tag 2^arity − 1 is what poseidonHash puts in the capacity element', () => {
    // If the tag were different, the hash would differ from the permutation with this explicit tag.
    for (const a of [2, 8, 11]) {
      const xs = seq(a, 5);
      expect(hex(poseidonHash(a, xs))).toBe(hex(poseidonPermute(a, [le((1n << BigInt(a)) - 1n), ...xs])[1]!));
    }
    expect(fromLe(tagMerkle(8))).toBe(0xffn);
  });
});

describe('§5.4 independent reference vectors (not from the Rust reference)', () => {
  const c = (k: number) => {
    const b = new Uint8Array(32).fill(k);
    b[31] = k & 0x3f;
    return b;
  };
  const ab = [new Uint8Array(32).map((_, i) => i), new Uint8Array(32).map((_, i) => 32 + i)];
  const cases: Array<[string, number, Uint8Array[], string]> = [
    ['H2(0,0)', 2, seq(2).map(() => le(0n)), 'd413460e7f14e58b413d1defe188d36fb761afe5c6a733db6c6f1931130bfe48'],
    ['H8(0×8)', 8, seq(8).map(() => le(0n)), '3a9bffca31b48234d189b30de60b7c33f529c08b0836a004f98938b614e6793f'],
    ['H11(0×11)', 11, seq(11).map(() => le(0n)), '94fe4fc1d1b7c885c9538810707ed5691b68a11db65e2118cf928634ea2d1f44'],
    ['H2(1,2)', 2, seq(2, 1), 'bea95f3e83d91793d896586e724ec069769d6a43afcbab7b4d1f7f6506816f6d'],
    ['H8(1…8)', 8, seq(8, 1), '7ec0e1c106a134b810eee278ecefca3ee8c429116af3d14376e0c48f2ed4ed04'],
    ['H11(1…11)', 11, seq(11, 1), 'bd8022e95811611cf4df43adad526f4ccabcda49af1e79861696800ecd7e8104'],
    ['H2(a,b) byte order', 2, ab, '93bde2916aec7310f6e07faa70f14ed0c173832adcc03aeaed230f94540f0632'],
    ['H11(c1…c11)', 11, Array.from({ length: 11 }, (_, i) => c(i + 1)), 'a64161f60ccdc5d8db2f11086c886fb04d5123a31558dc653ca62100ea0b5253'],
    ['H8(c1…c8)', 8, Array.from({ length: 8 }, (_, i) => c(i + 1)), '1a1e84538f19629d139d2b06971f86413ffb7482839d0842d3521773a421cc37'],
    ['H2(c1,c2)', 2, [c(1), c(2)], 'dfc61c8755c1f8c9e1e337529049d1b14ef2648740e869e83cd43cb32dd75d08'],
  ];
  for (const m of MODES) {
    it(`${m.form}/${m.kernel}: MerkleTree digests, Custom(1) and the full t = 3 permutation of zeros`, () => {
      for (const [, a, xs, want] of cases) expect(hex(poseidonHash(a, xs, m))).toBe(want);
      expect(hex(poseidonPermute(2, [le(1n << 40n), le(1n), le(2n)], m)[1]!)).toBe(
        '3c2fe9b59c5f0de453bbb6db5c84af5448c7d4c1fbf41830ab05dbaf9b872c70',
      );
      expect(poseidonPermute(2, [le(0n), le(0n), le(0n)], m).map(hex)).toEqual(
        ['0x0277c7a82c2991624a224184660d3b8ee785c94c2760f9d2b47f86f657e2d34b',
          '0x0c099f6358322ad1dd634483bd14566f76fc161e570e21b36c10b0ba469ccd52',
          '0x0e0d6bbf116f2936f716816fa7f1b63bc87fe35033946f828668839f7cf3dc19'].map((x) => hex(hexInt(x))),
      );
    });
  }
});

describe.skipIf(!poseidonKernels().includes('ifma'))('IFMA batch kernel on the same vectors (hash path)', () => {
  const ifma = { form: 'optimized', kernel: 'ifma' } as const;
  it('§5.1 MerkleTree Standard, arities 2–36; §5.2 binary tree; §5.4 MerkleTree digests', () => {
    for (const a of [2, 4, 8, 11, 16, 24, 36]) expect(hex(poseidonHash(a, seq(a), ifma))).toBe(hex(hexInt(MERKLE_STD[a]!)));
    const n10 = poseidonHash(2, [le(1n), le(0n)], ifma);
    expect(hex(n10)).toBe('5e0b807960ff39b3af9430dcb30759ec264fa274cc03c093c36b78beff942f04');
    expect(hex(poseidonHash(2, [n10, poseidonHash(2, [le(0n), le(1n)], ifma)], ifma))).toBe(
      '71e691e2e38bbbefd25a2bcbb872cc77ae746bae8563eb30ebd96ab2b7ebff1e',
    );
    expect(hex(poseidonHash(2, [le(0n), le(0n)], ifma))).toBe('d413460e7f14e58b413d1defe188d36fb761afe5c6a733db6c6f1931130bfe48');
    expect(hex(poseidonHash(8, seq(8, 1), ifma))).toBe('7ec0e1c106a134b810eee278ecefca3ee8c429116af3d14376e0c48f2ed4ed04');
    expect(hex(poseidonHash(11, seq(11, 1), ifma))).toBe('bd8022e95811611cf4df43adad526f4ccabcda49af1e79861696800ecd7e8104');
  });
  it('refuses the plain form and field ops', () => {
    expect(() => poseidonHash(2, seq(2), { form: 'plain', kernel: 'ifma' })).toThrow(/optimized form only/);
  });
});

describe('input validation', () => {
  it('rejects wrong input counts and non-canonical elements with a clear message', () => {
    expect(() => poseidonHash(8, seq(7))).toThrow(/arity 8 needs 8 inputs/);
    expect(() => poseidonHash(2, [le(R), le(0n)])).toThrow(/not a canonical field element/);
    expect(() => poseidonHash(40, seq(40))).toThrow(/no round numbers for arity 40/);
  });
});
