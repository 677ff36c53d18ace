// Expected values: docs/proofs.md#zero-commitments (CommD CIDs), §2.4 / docs/proofs.md#commitment-cids (binary prefixes, text
// prefixes, the verified CommR example), §9.6 (a real comm_r value to encode).
import { describe, expect, it } from 'vitest';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { asCommitment, cidToCommD, cidToCommP, cidToCommR, commDToCid, commPToCid, commRToCid } from '../../src/proofs/index.js';
import { InputError } from '../../src/errors.js';
import { hex, unhex } from './reference.js';

const COMMD_CIDS: [string, string][] = [
  ['fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833', 'baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy'],
  ['65f29e5d98d246c38b388cfc06db1f6b021303c5a289000bdce832a9c3ec421c', 'baga6ea4seaqgl4u6lwmnerwdrm4iz7ag3mpwwaqtapc2fciabpooqmvjypweeha'],
  ['39560e7b13a93b07a243fd2720ffa7cb3e1d2e505ab3629e79f46313512cda06', 'baga6ea4seaqdsvqopmj2soyhujb72jza76t4wpq5fzifvm3ctz47iyytkewnubq'],
  ['077e5fde35c50a9303a55009e3498a4ebedff39c42b710b730d8ec7ac7afa63e', 'baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq'],
  ['e64005a6bfe3777953b8ad6ef93f0fca1049b2041654f2a411f7702799cece02', 'baga6ea4seaqomqafu276g53zko4k23xzh4h4uecjwicbmvhsuqi7o4bhthhm4aq'],
];

const COMMR_EXAMPLE = 'bagboea4b5abcasqanjadumno7blvgx4k5pk765cki6vurnpgs2q3trt2trkznhj3';
const COMM_R_2KIB_V1_1 = '77424390b36f74acd595c40d0e341f4fbff18623feaf8ad72fe73d7490d0d65c';

describe('CommD/CommP ↔ CID (docs/proofs.md#zero-commitments)', () => {
  for (const [commD, cid] of COMMD_CIDS) {
    it(`${cid.slice(0, 20)}… ↔ ${commD.slice(0, 8)}…`, () => {
      expect(commDToCid(asCommitment(unhex(commD))).toString()).toBe(cid);
      expect(hex(cidToCommD(cid))).toBe(commD);
      expect(hex(cidToCommP({ '/': cid }))).toBe(commD);
    });
  }

  it('binary form is 01 81 e2 03 92 20 20 ‖ commitment (39 bytes)', () => {
    const c = unhex(COMMD_CIDS[0]![0]);
    const bytes = commPToCid(asCommitment(c)).bytes;
    expect(bytes.length).toBe(39);
    expect(hex(bytes)).toBe('0181e203922020' + hex(c));
  });
});

describe('CommR ↔ CID (docs/proofs.md#commitment-cids, docs/proofs.md#commitment-cids)', () => {
  it('decodes the verified example to prefix 0182e20381e80220 + 32 bytes and re-encodes it', () => {
    const commR = cidToCommR(COMMR_EXAMPLE);
    const bytes = CID.parse(COMMR_EXAMPLE).bytes;
    expect(hex(bytes.subarray(0, 8))).toBe('0182e20381e80220');
    expect(hex(commR)).toBe(hex(bytes.subarray(8)));
    expect(commRToCid(commR).toString()).toBe(COMMR_EXAMPLE);
  });

  it('encodes the §9.6 2KiB comm_r as bagboea4b5abc… and round-trips (also the Lotus JSON form)', () => {
    const cid = commRToCid(asCommitment(unhex(COMM_R_2KIB_V1_1))).toString();
    expect(cid.startsWith('bagboea4b5abc')).toBe(true);
    expect(hex(cidToCommR({ '/': cid }))).toBe(COMM_R_2KIB_V1_1);
    expect(hex(cidToCommR(CID.parse(cid)))).toBe(COMM_R_2KIB_V1_1);
  });
});

describe('CID errors say what was expected', () => {
  const commD = COMMD_CIDS[0]![1];
  it('sealed vs unsealed mix-ups', () => {
    expect(() => cidToCommR(commD)).toThrow(InputError);
    expect(() => cidToCommR(commD)).toThrow(/unsealed CID \(CommD\/CommP\), but a CommR .* was expected/);
    expect(() => cidToCommD(COMMR_EXAMPLE)).toThrow(/sealed CID \(CommR\), but a CommD\/CommP .* was expected/);
  });

  it('other codecs, multihashes, digest lengths and CID versions', () => {
    const raw = CID.create(1, 0x55, Digest.create(0x12, new Uint8Array(32))).toString();
    expect(() => cidToCommD(raw)).toThrow(/has codec 0x55; a CommD\/CommP .* has codec 0xf101/);
    const wrongHash = CID.create(1, 0xf101, Digest.create(0x12, new Uint8Array(32))).toString();
    expect(() => cidToCommD(wrongHash)).toThrow(/has multihash 0x12; .* uses multihash 0x1012/);
    const short = CID.create(1, 0xf101, Digest.create(0x1012, new Uint8Array(31))).toString();
    expect(() => cidToCommD(short)).toThrow(/31-byte digest; .* has 32 bytes/);
    const v2 = CID.create(1, 0x55, Digest.create(0x1011, new Uint8Array(34))).toString();
    expect(() => cidToCommP(v2)).toThrow(/piece CID v2.*give the v1 piece CID/);
    expect(() => cidToCommD('QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG')).toThrow(/CIDv0/);
  });

  it('non-CIDs and impossible commitments', () => {
    expect(() => cidToCommD('hello')).toThrow(/"hello" is not a CID/);
    expect(() => cidToCommD({ '/': 42 } as unknown as string)).toThrow(/expected a CID string/);
    const topBits = new Uint8Array(32).fill(0xff);
    const bad = CID.create(1, 0xf101, Digest.create(0x1012, topBits)).toString();
    expect(() => cidToCommD(bad)).toThrow(/not a sha254 digest/);
    expect(() => commRToCid(asCommitment(topBits))).toThrow(/not a BLS12-381 field element/);
  });
});
