// Streaming commP (piece files) vs its in-memory twin commP(), vs the reference tree of
// reference.ts, and vs the oracle's comm_p for the committed piece files.
import { describe, expect, it } from 'vitest';
import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { MerkleAccumulator, commP, commPOfStream, fr32Pad, zeroCommitment } from '../../src/proofs/index.js';
import { hex, pseudoRandom, refTreeRoot } from './reference.js';

const vectors = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'vectors');

function chunks(data: Uint8Array, step: number): Readable {
  const parts: Buffer[] = [];
  for (let o = 0; o < data.length; o += step) parts.push(Buffer.from(data.subarray(o, o + step)));
  return Readable.from(parts);
}

describe('commPOfStream', () => {
  it('equals commP() for many sizes and chunkings', async () => {
    for (const [n, step] of [[1, 1], [127, 5], [128, 64], [1000, 333], [2032, 2032], [5000, 127], [40000, 4096]] as const) {
      const data = pseudoRandom(n, n + 5);
      const got = await commPOfStream(chunks(data, step));
      const want = commP(data);
      expect(got.size).toBe(want.size);
      expect(hex(got.commP)).toBe(hex(want.commP));
    }
  });

  for (const [file, oracle] of [
    ['piece-2032-sha256ctr-11.bin', '2KiB-V1_1-random-f01000-s1.json'],
    ['piece-1016-sha256ctr-44.bin', '2KiB-V1_1-deal-f01000-s4.json'],
  ] as const) {
    it(`reads ${file} from disk to the oracle's comm_p`, async () => {
      const want = JSON.parse(readFileSync(join(vectors, oracle), 'utf8')).pieces[0];
      const got = await commPOfStream(createReadStream(join(vectors, file), { highWaterMark: 100 }));
      expect(hex(got.commP)).toBe(want.comm_p);
      expect(got.size).toBe(BigInt(want.padded_size));
    });
  }

  it('with a known padded size treats a short file as zero-extended (as lotus pads pieces)', async () => {
    const data = pseudoRandom(1000, 9);
    const full = new Uint8Array(2032);
    full.set(data);
    const got = await commPOfStream(Readable.from([Buffer.from(data)]), { paddedSize: 2048n });
    expect(got.size).toBe(2048n);
    expect(hex(got.commP)).toBe(hex(refTreeRoot(Buffer.concat([fr32Pad(full)]))));
    await expect(commPOfStream(Readable.from([Buffer.from(data)]), { paddedSize: 512n })).rejects.toThrow(
      /needs a padded size of at least 1024/,
    );
  });

  it('refuses an empty piece', async () => {
    await expect(commPOfStream(Readable.from([]))).rejects.toThrow(/empty piece/);
  });
});

describe('MerkleAccumulator', () => {
  it('matches the reference tree for partial fills of a 4096-byte tree', () => {
    for (const leaves of [0, 1, 2, 3, 5, 64, 127, 128]) {
      const data = new Uint8Array(4096);
      data.set(fr32Pad(pseudoRandom(Math.floor((leaves * 254) / 8), leaves)).subarray(0, leaves * 32));
      const acc = new MerkleAccumulator();
      for (let i = 0; i < leaves; i++) acc.push(data.subarray(i * 32, i * 32 + 32));
      expect(hex(acc.root(4096n))).toBe(hex(refTreeRoot(data)));
    }
    expect(hex(new MerkleAccumulator().root(2048n))).toBe(hex(zeroCommitment(2048)));
  });
});
