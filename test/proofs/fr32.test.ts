// Expected values: docs/vectors.md#fr32-vectors (rfp fr32/src/reader.rs tests), §6.1 sizes, §1.4 unpadded capacity;
// random cases against the bit-by-bit reference of §6.1 in reference.ts.
import { describe, expect, it } from 'vitest';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Fr32PadStream, Fr32UnpadStream, fr32PaddedLength, fr32Pad, fr32Unpad, toPaddedBytes, toUnpaddedBytes } from '../../src/proofs/index.js';
import { InputError } from '../../src/errors.js';
import { hex, pseudoRandom, refFr32Pad, refFr32Unpad } from './reference.js';

const fill = (n: number, v: number) => new Uint8Array(n).fill(v);

describe('fr32 pad: docs/vectors.md#fr32-vectors vectors', () => {
  it('test_simple_short: 30 × 0x03 → 32 bytes', () => {
    const out = fr32Pad(fill(30, 3));
    expect(out.length).toBe(32);
    expect([...out.subarray(0, 30)]).toEqual(Array(30).fill(3));
    expect([...out.subarray(30)]).toEqual([0, 0]);
  });

  it('test_simple_single: 32 × 0xFF → 64 bytes', () => {
    const out = fr32Pad(fill(32, 0xff));
    expect(out.length).toBe(64);
    expect([...out.subarray(0, 31)]).toEqual(Array(31).fill(0xff));
    expect(out[31]).toBe(0x3f);
    expect(out[32]).toBe(0x03);
    expect([...out.subarray(33)]).toEqual(Array(31).fill(0));
  });

  it('test_simple_127: 127 × 0xFF → 128 bytes', () => {
    const out = fr32Pad(fill(127, 0xff));
    expect(out.length).toBe(128);
    expect(out[31]).toBe(0x3f);
    expect(out[32]).toBe(0xff);
  });

  it('test_exotic', () => {
    const ramp = Array.from({ length: 31 }, (_, i) => i + 1);
    const input = Uint8Array.from([...ramp, 0xff, ...ramp, 0xff, 9, 9, 9, 0xff]);
    const out = fr32Pad(input);
    expect(out.length).toBe(96);
    for (let i = 0; i < 31; i++) expect(out[i]).toBe(i + 1);
    expect(out[31]).toBe(63);
    expect(out[32]).toBe(7);
    for (let k = 0; k <= 29; k++) expect(out[33 + k]).toBe((k + 2) << 2);
    expect([out[63], out[64], out[65], out[66], out[67], out[68]]).toEqual([0x3c, 0x9f, 0x90, 0x90, 0xf0, 0x0f]);
    expect([...out.subarray(69)]).toEqual(Array(27).fill(0));
  });
});

describe('fr32 against the §6.1 bit-level reference', () => {
  it('pads random inputs of many lengths identically', () => {
    for (const n of [1, 31, 32, 33, 63, 64, 126, 127, 128, 253, 254, 255, 381, 1000, 4064, 4097]) {
      const data = pseudoRandom(n, n + 11);
      const padded = fr32Pad(data);
      expect(padded.length).toBe(fr32PaddedLength(n));
      expect(hex(padded)).toBe(hex(refFr32Pad(data)));
      for (let w = 31; w < padded.length; w += 32) expect(padded[w]! & 0xc0).toBe(0);
    }
  });

  it('unpads to the reference and round-trips pad → unpad', () => {
    for (const n of [1, 32, 100, 127, 128, 254, 1000, 4064, 4097]) {
      const data = pseudoRandom(n, 3 * n + 1);
      const padded = fr32Pad(data);
      expect(hex(fr32Unpad(padded, n))).toBe(hex(data));
      const full = fr32Unpad(padded);
      expect(full.length).toBe(Math.floor(((padded.length / 32) * 254) / 8));
      expect(hex(full)).toBe(hex(refFr32Unpad(padded, full.length)));
    }
  });

  it('unpad ignores the two pad bits of each node', () => {
    const padded = fr32Pad(pseudoRandom(254, 5));
    const dirty = padded.slice();
    for (let w = 31; w < dirty.length; w += 32) dirty[w]! |= 0xc0;
    expect(hex(fr32Unpad(dirty, 254))).toBe(hex(fr32Unpad(padded, 254)));
  });

  it('rejects padded data that is not whole nodes, or too short for the length asked', () => {
    expect(() => fr32Unpad(new Uint8Array(33))).toThrow(InputError);
    expect(() => fr32Unpad(new Uint8Array(33))).toThrow(/whole number of 32-byte nodes, got 33/);
    expect(() => fr32Unpad(new Uint8Array(128), 128)).toThrow(/cannot unpad 128 bytes from 128 padded bytes \(at most 127\)/);
  });
});

describe('fr32 sizes (docs/proofs.md#fr32-padding, §1.4)', () => {
  it('is exact ×128/127 for multiples of 127', () => {
    expect(toPaddedBytes(127)).toBe(128n);
    expect(toPaddedBytes(2032)).toBe(2048n);
    expect(toPaddedBytes(34091302912n)).toBe(34359738368n);
    expect(toUnpaddedBytes(2048)).toBe(2032n);
    expect(toUnpaddedBytes(34359738368n)).toBe(34091302912n);
  });

  it('rounds like rfp to_padded_bytes / to_unpadded_bytes in between', () => {
    // 40 bytes = 320 bits = one 254-bit unit + 66 bits → 256 + 66 bits = 40.25 bytes → 41
    expect(toPaddedBytes(40)).toBe(41n);
    expect(toUnpaddedBytes(41)).toBe(40n);
    expect(toPaddedBytes(0)).toBe(0n);
  });
});

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function chunked(data: Uint8Array, seed: number): Readable {
  const sizes = pseudoRandom(64, seed);
  const chunks: Buffer[] = [];
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = 1 + (sizes[i % sizes.length]! * 7) % 600;
    chunks.push(Buffer.from(data.subarray(off, off + n)));
    off += n;
  }
  return Readable.from(chunks);
}

describe('streaming fr32', () => {
  it('Fr32PadStream over odd-sized chunks equals fr32Pad of the whole buffer', async () => {
    for (const n of [0, 1, 126, 127, 128, 5000, 127 * 64 + 5]) {
      const data = pseudoRandom(n, n + 99);
      const out = await collect(chunked(data, n).pipe(new Fr32PadStream()));
      expect(hex(out)).toBe(hex(fr32Pad(data)));
    }
  });

  it('Fr32UnpadStream inverts Fr32PadStream', async () => {
    const data = pseudoRandom(127 * 100, 42);
    const padded = fr32Pad(data);
    const out = await collect(chunked(padded, 7).pipe(new Fr32UnpadStream()));
    expect(hex(out)).toBe(hex(data));
  });

  it('pads a real file to a real file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fr32-'));
    try {
      const data = pseudoRandom(127 * 8192 + 77, 1234);
      await writeFile(join(dir, 'piece'), data);
      await pipeline(createReadStream(join(dir, 'piece'), { highWaterMark: 65536 }), new Fr32PadStream(), createWriteStream(join(dir, 'padded')));
      const padded = await readFile(join(dir, 'padded'));
      expect(padded.length).toBe(fr32PaddedLength(data.length));
      expect(hex(padded)).toBe(hex(fr32Pad(data)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
