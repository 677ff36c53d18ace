// Expected values: docs/proofs.md#zero-commitments (zero commitments), §9.3 (comm_d vectors, alignment tables,
// start bytes, the 4096-byte four-piece case), §6.4 (CC full-zero piece == [], equivalent piece
// lists of rfp test_verify_simple_pieces), §6.5 (staged layout = tree-d leaves). Independent
// tree roots come from reference.ts (node:crypto).
import { describe, expect, it } from 'vitest';
import { commP, computeCommD, fr32Pad, nodeHash, paddedPieceSize, pieceAlignment, pieceStartByte, sealProof, sha254, stagedLayout, zeroCommitment, type Commitment, type PieceInfo } from '../../src/proofs/index.js';
import { InputError } from '../../src/errors.js';
import { hex, pseudoRandom, refSha254, refTreeRoot, unhex } from './reference.js';

const Z: Record<string, string> = {
  '64': 'f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb0b',
  '128': '3731bb99ac689f66eef5973e4a94da188f4ddcae580724fc6f3fd60dfd488333',
  '2048': 'fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833',
  '8388608': '65f29e5d98d246c38b388cfc06db1f6b021303c5a289000bdce832a9c3ec421c',
  '536870912': '39560e7b13a93b07a243fd2720ffa7cb3e1d2e505ab3629e79f46313512cda06',
  '34359738368': '077e5fde35c50a9303a55009e3498a4ebedff39c42b710b730d8ec7ac7afa63e',
  '68719476736': 'e64005a6bfe3777953b8ad6ef93f0fca1049b2041654f2a411f7702799cece02',
};

const piece = (size: number | bigint, c: Uint8Array): PieceInfo => ({ size: BigInt(size), commP: c as Commitment });
const filled = (v: number) => new Uint8Array(32).fill(v);

describe('sha254 and the node hash (docs/trees.md#tree-d)', () => {
  it('equals SHA-256 with the top two bits cleared', () => {
    for (const n of [0, 1, 64, 200]) {
      const d = pseudoRandom(n, n + 1);
      expect(hex(sha254(d))).toBe(hex(refSha254(d)));
    }
    const l = pseudoRandom(32, 1);
    const r = pseudoRandom(32, 2);
    expect(hex(nodeHash(l, r))).toBe(hex(refSha254(Buffer.concat([l, r]))));
  });
});

describe('zero commitments (docs/proofs.md#zero-commitments)', () => {
  for (const [size, want] of Object.entries(Z)) {
    it(`Z(${size})`, () => expect(hex(zeroCommitment(BigInt(size)))).toBe(want));
  }

  it('Z(32) is 32 zero bytes and Z(64) is sha254 of 64 zero bytes', () => {
    expect(hex(zeroCommitment(32))).toBe('00'.repeat(32));
    expect(hex(zeroCommitment(64))).toBe(hex(refSha254(new Uint8Array(64))));
  });

  it('returns copies (the shared table cannot be corrupted)', () => {
    zeroCommitment(2048).fill(0xaa);
    expect(hex(zeroCommitment(2048))).toBe(Z['2048']);
  });

  it('refuses sizes that are not a power of two in 32 B … 64 GiB', () => {
    expect(() => zeroCommitment(16)).toThrow(InputError);
    expect(() => zeroCommitment(3000)).toThrow(/power of two from 32 B to 64 GiB/);
    expect(() => zeroCommitment(1n << 37n)).toThrow(/power of two/);
  });
});

describe('comm_d from pieces (docs/proofs.md#comm_d-from-pieces, §9.3)', () => {
  it('compute_comm_d(2048, []) and (128, [])', () => {
    expect(hex(computeCommD(2048n, []))).toBe(Z['2048']);
    expect(hex(computeCommD(128n, []))).toBe(Z['128']);
  });

  it('CC as one full-size zero piece equals CC as [] (2KiB, 8MiB, 32GiB)', () => {
    for (const id of [5, 6, 8]) {
      const p = sealProof(id);
      expect(hex(computeCommD(p, [piece(p.sectorBytes, zeroCommitment(p.sectorBytes))]))).toBe(hex(computeCommD(p, [])));
    }
  });

  it('test_verify_padded_pieces: 4096-byte sector, pieces 127/508/254/1016 unpadded', () => {
    const pieces = [piece(128, filled(1)), piece(512, filled(2)), piece(256, filled(3)), piece(1024, filled(4))];
    expect(hex(computeCommD(4096n, pieces))).toBe('7f433f5ce16e1126a6323b89e086b8b69ee3c181bee87a7be40df7eb11b57d0d');
  });

  it('test_verify_simple_pieces: every grouping of the same 512-byte tree gives the same root', () => {
    const [a, b, c, d] = [1, 2, 3, 4].map((s) => refSha254(pseudoRandom(32, s)));
    const H = (l: Uint8Array, r: Uint8Array) => refSha254(Buffer.concat([l, r]));
    const e = H(a!, b!);
    const f = H(c!, d!);
    const g = H(e, f);
    const lists = [
      [piece(128, a!), piece(128, b!), piece(128, c!), piece(128, d!)],
      [piece(256, e), piece(128, c!), piece(128, d!)],
      [piece(256, e), piece(256, f)],
      [piece(128, a!), piece(128, b!), piece(256, f)],
      [piece(512, g)],
    ];
    for (const l of lists) expect(hex(computeCommD(512n, l))).toBe(hex(g));
  });

  it('equals the binary tree over the staged sector with each piece at its aligned offset (random pieces)', () => {
    const sector = 16384;
    const sizes = [128, 1024, 256, 256, 2048, 128, 4096];
    const staged = new Uint8Array(sector);
    const layout = stagedLayout(BigInt(sector), sizes);
    const pieces = sizes.map((size, i) => {
      const data = fr32Pad(pseudoRandom((size / 128) * 127, 100 + i));
      staged.set(data, Number(layout.pieces[i]!.paddedOffset));
      return piece(size, refTreeRoot(data));
    });
    expect(hex(computeCommD(BigInt(sector), pieces))).toBe(hex(refTreeRoot(staged)));
  });

  it('names the offending piece for bad sizes, and refuses lists that do not fit', () => {
    const p = sealProof('StackedDrg2KiBV1_1');
    expect(() => computeCommD(p, [piece(128, filled(1)), piece(300, filled(2))])).toThrow(InputError);
    expect(() => computeCommD(p, [piece(128, filled(1)), piece(300, filled(2))])).toThrow(/piece 1: padded size 300 is invalid.*power of two/);
    expect(() => computeCommD(p, [piece(2032, filled(1))])).toThrow(/piece 0: padded size 2032.*not the unpadded 2032/);
    expect(() => computeCommD(p, [piece(64, filled(1))])).toThrow(/piece 0: padded size 64 is invalid/);
    expect(() => computeCommD(p, [piece(1024, filled(1)), piece(2048, filled(2))])).toThrow(
      /pieces total 3072 padded bytes, more than the sector size 2048/,
    );
    expect(() => computeCommD(p, [piece(4096, filled(1))])).toThrow(/more than the sector size 2048/);
    // sum 1664 fits, but aligned the 512-byte piece would start at 2048
    expect(() => computeCommD(p, [piece(128, filled(1)), piece(1024, filled(2)), piece(512, filled(3))])).toThrow(
      /piece 2 \(padded size 512\) does not fit the sector: it would start at padded offset 2048/,
    );
    expect(() => computeCommD(p, Array.from({ length: 17 }, () => piece(128, filled(1))))).toThrow(/too many pieces: 17.*at most 16/);
    expect(() => computeCommD(p, [piece(128, new Uint8Array(32))])).toThrow(/piece 0: the commitment is all zero/);
  });
});

describe('piece alignment (docs/vectors.md#comm_d-and-piece-vectors test_get_piece_alignment / test_get_piece_start_byte)', () => {
  const table: [number, number, number, number][] = [
    [0, 0, 0, 127],
    [0, 127, 0, 0],
    [0, 254, 0, 0],
    [0, 508, 0, 0],
    [0, 1016, 0, 0],
    [127, 127, 0, 0],
    [127, 254, 127, 0],
    [127, 508, 381, 0],
    [100, 100, 27, 27],
    [200, 200, 54, 54],
    [300, 300, 208, 208],
  ];
  for (const [written, bytes, left, right] of table) {
    it(`(${written}, ${bytes}) → (${left}, ${right})`, () => {
      expect(pieceAlignment(written, bytes)).toEqual({ left: BigInt(left), right: BigInt(right) });
    });
  }

  it('pieces [31, 32, 33] start at 0, 127, 254', () => {
    expect(pieceStartByte([], 31)).toBe(0n);
    expect(pieceStartByte([31], 32)).toBe(127n);
    expect(pieceStartByte([31, 32], 33)).toBe(254n);
  });

  it('staged layout of the §9.3 four-piece sector (alignment pads before the 512-byte piece)', () => {
    const l = stagedLayout(4096n, [128, 512, 256, 1024]);
    expect(l.pieces.map((p) => p.paddedOffset)).toEqual([0n, 512n, 1024n, 2048n]);
    expect(l.pieces.map((p) => p.unpaddedOffset)).toEqual([0n, 508n, 1016n, 2032n]);
    expect(l.usedBytes).toBe(3072n);
  });
});

describe('commP of in-memory pieces (docs/trees.md#tree-d)', () => {
  it('a zero piece has the zero commitment of its padded size', () => {
    expect(hex(commP(new Uint8Array(127)).commP)).toBe(Z['128']);
    expect(hex(commP(new Uint8Array(2032)).commP)).toBe(Z['2048']);
    expect(commP(new Uint8Array(2032)).size).toBe(2048n);
  });

  it('equals the reference tree over fr32-padded, zero-extended data', () => {
    for (const n of [1, 127, 128, 1000, 2032, 5000]) {
      const data = pseudoRandom(n, n);
      const size = Number(paddedPieceSize(n));
      const leaves = new Uint8Array(size);
      leaves.set(fr32Pad(data));
      const got = commP(data);
      expect(got.size).toBe(BigInt(size));
      expect(hex(got.commP)).toBe(hex(refTreeRoot(leaves)));
    }
  });

  it('padded piece sizes', () => {
    expect([1, 127, 128, 254, 255, 2032, 2033].map((n) => paddedPieceSize(n))).toEqual([128n, 128n, 256n, 256n, 512n, 2048n, 4096n]);
    expect(() => commP(new Uint8Array(0))).toThrow(/empty piece/);
  });

  it('refTreeRoot agrees with the §9.3 hand-built Z(128) (sanity of the reference itself)', () => {
    expect(hex(refTreeRoot(new Uint8Array(128)))).toBe(Z['128']);
    expect(unhex(Z['128']!).length).toBe(32);
  });
});
