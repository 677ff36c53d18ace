// BLAKE2b, ChaCha8 and Feistel primitives of the graph, held against independent references:
// node:crypto's blake2b512 and chacha20, and a small TypeScript ChaCha written here from the
// spec text (docs/sdr.md#base-parents) whose 20-round form is itself checked against node:crypto.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blake2b512, blake2bFeistelWords, chacha8Block, feistelPermute, graphKernels } from '../../src/native/graph.js';

describe('BLAKE2b-512 (Feistel round hash)', () => {
  it('matches node:crypto blake2b512 at block boundaries and beyond', () => {
    for (const len of [0, 1, 15, 16, 17, 111, 127, 128, 129, 255, 256, 257, 1000, 4096 + 3]) {
      const data = randomBytes(len);
      const ours = Buffer.from(blake2b512(new Uint8Array(data))).toString('hex');
      expect(ours, `len ${len}`).toBe(createHash('blake2b512').update(data).digest('hex'));
    }
  });

  it('matches node:crypto on the 16-byte Feistel messages u64be(R) || u64be(key)', () => {
    for (let i = 0; i < 64; i++) {
      const m = randomBytes(16);
      expect(Buffer.from(blake2b512(new Uint8Array(m)))).toEqual(createHash('blake2b512').update(m).digest());
    }
  });
});

// --- TypeScript ChaCha from the spec text: djb layout, "expand 32-byte k", key as 8 LE words,
// words 12/13 = 64-bit block counter (low, high), words 14/15 = 0; `rounds` rounds, input added back.
function tsChachaBlock(key: Uint8Array, counter: bigint, rounds: number): Uint32Array {
  const k = new DataView(key.buffer, key.byteOffset, 32);
  const s = new Uint32Array(16);
  s.set([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
  for (let i = 0; i < 8; i++) s[4 + i] = k.getUint32(4 * i, true);
  s[12] = Number(counter & 0xffffffffn);
  s[13] = Number((counter >> 32n) & 0xffffffffn);
  const x = Uint32Array.from(s);
  const rotl = (v: number, n: number) => ((v << n) | (v >>> (32 - n))) >>> 0;
  const qr = (a: number, b: number, c: number, d: number) => {
    x[a] = (x[a]! + x[b]!) >>> 0; x[d] = rotl(x[d]! ^ x[a]!, 16);
    x[c] = (x[c]! + x[d]!) >>> 0; x[b] = rotl(x[b]! ^ x[c]!, 12);
    x[a] = (x[a]! + x[b]!) >>> 0; x[d] = rotl(x[d]! ^ x[a]!, 8);
    x[c] = (x[c]! + x[d]!) >>> 0; x[b] = rotl(x[b]! ^ x[c]!, 7);
  };
  for (let r = 0; r < rounds; r += 2) {
    qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15);
    qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14);
  }
  for (let i = 0; i < 16; i++) x[i] = (x[i]! + s[i]!) >>> 0;
  return x;
}

const wordsToBytes = (w: Uint32Array) => {
  const b = Buffer.alloc(64);
  w.forEach((v, i) => b.writeUInt32LE(v, 4 * i));
  return b;
};

describe('ChaCha8 block (rand_chacha 0.3 layout)', () => {
  it('the TypeScript twin, run with 20 rounds, equals OpenSSL ChaCha20 (validates the twin)', () => {
    for (const counter of [0n, 1n, 7n, 0xfffffffen]) {
      const key = randomBytes(32);
      // OpenSSL's 16-byte IV is u32le(counter) || nonce(12); with a zero high word / stream this
      // is exactly our state words 12..15.
      const iv = Buffer.alloc(16);
      iv.writeBigUInt64LE(counter, 0);
      const c = createCipheriv('chacha20', key, iv);
      const keystream = c.update(Buffer.alloc(64));
      expect(wordsToBytes(tsChachaBlock(key, counter, 20))).toEqual(keystream);
    }
  });

  it('native 8-round block equals the TypeScript twin, including counters above 2^32', () => {
    for (const counter of [0n, 1n, 2n, 0xffffffffn, 1n << 32n, 0x0123456789abcdefn]) {
      const key = randomBytes(32);
      expect(Array.from(chacha8Block(new Uint8Array(key), counter))).toEqual(Array.from(tsChachaBlock(key, counter, 8)));
    }
  });

  it('8 rounds differ from 20 (the round count is really applied)', () => {
    const key = randomBytes(32);
    expect(Array.from(chacha8Block(new Uint8Array(key), 0n))).not.toEqual(Array.from(tsChachaBlock(key, 0n, 20)));
  });
});

describe('Feistel permutation (rfp crypto/feistel.rs properties)', () => {
  const keys: [bigint, bigint, bigint] = [1n, 2n, 3n];
  const isPermutation = (n: number) => {
    const seen = new Set<bigint>();
    for (let x = 0; x < n; x++) {
      const y = feistelPermute(BigInt(n), keys, BigInt(x));
      expect(y).toBeLessThan(BigInt(n));
      seen.add(y);
    }
    return seen.size === n;
  };

  it('is a permutation on power-of-4 domains', () => {
    for (const n of [4, 16, 64, 256, 1024]) expect(isPermutation(n), `n=${n}`).toBe(true);
  });

  it('is a permutation with cycle walking on other sizes, including the 2KiB expander domain (512)', () => {
    for (const n of [5, 6, 8, 12, 17, 512, 1000]) expect(isPermutation(n), `n=${n}`).toBe(true);
  });

  it('is not the identity', () => {
    let fixed = 0;
    for (let x = 0; x < 256; x++) if (feistelPermute(256n, keys, BigInt(x)) === BigInt(x)) fixed++;
    expect(fixed).toBeLessThan(32);
  });
});

describe('specialised Feistel BLAKE2b kernels (fast twins of the general BLAKE2b)', () => {
  it.each(graphKernels().supported)('%s: word 0 of BLAKE2b-512(16 bytes) equals node:crypto', (kernel) => {
    const m0 = new BigUint64Array(37); // not a multiple of the lane count
    const bytes = randomBytes(8 * m0.length);
    for (let i = 0; i < m0.length; i++) m0[i] = bytes.readBigUInt64LE(8 * i);
    m0[0] = 0n;
    m0[1] = 0xffffffffffffffffn;
    const m1 = 0x0123456789abcdefn;
    const got = blake2bFeistelWords(m0, m1, kernel);
    for (let i = 0; i < m0.length; i++) {
      const msg = Buffer.alloc(16);
      msg.writeBigUInt64LE(m0[i]!, 0);
      msg.writeBigUInt64LE(m1, 8);
      expect(got[i], `lane ${i}`).toBe(createHash('blake2b512').update(msg).digest().readBigUInt64LE(0));
    }
  });
});

describe('kernel selection', () => {
  it('SDR_DISABLE_AVX512 / SDR_DISABLE_AVX2 force the scalar kernel', async () => {
    const { spawnSync } = await import('node:child_process');
    const { ADDON_PATH } = await import('../../src/native/addon.js');
    const r = spawnSync(process.execPath, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(ADDON_PATH)}).graphKernels()))`], {
      env: { ...process.env, SDR_DISABLE_AVX512: '1', SDR_DISABLE_AVX2: '1' },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ best: 'scalar', supported: ['portable', 'scalar'] });
  });
});
