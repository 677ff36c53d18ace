// Replica encoding / decoding (docs/sdr.md#encoding) against BigInt arithmetic, CC, ranges, unseal, errors.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeRange, encodeReplica } from '../../src/native/pc2.js';
import { sealProof } from '../../src/proofs/registry.js';
import { unsealRange } from '../../src/seal/unseal.js';
import { R, fromLe, hex, le, removeTempDirs, seededElements, seededFr, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const N = 70_000; // > one 65,536-node chunk, not a multiple of it

async function fixture() {
  const dir = await tempDir();
  const key = seededElements('key', N);
  const data = seededElements('data', N);
  // edge values: both near r so the sum wraps; a key of r − 1 with data 1 → 0
  const big = seededFr('near-r', 4);
  key.set(le(R - 1n), 0);
  data.set(le(1n), 0);
  key.set(le(big[0]! | (1n << 253n)), 32);
  data.set(le((1n << 254n) - 1n), 32);
  key.set(le(R - 1n), 64);
  data.set(le(R - 1n), 64);
  await writeFile(join(dir, 'key'), key);
  await writeFile(join(dir, 'data'), data);
  return { dir, key, data };
}

describe('encode / decode', () => {
  it('replica = key + data mod r for every node (BigInt), and decode(encode(x)) = x', async () => {
    const { dir, key, data } = await fixture();
    await encodeReplica({ keyPath: join(dir, 'key'), dataPath: join(dir, 'data'), outPath: join(dir, 'sealed'), firstNode: 0n, nodes: BigInt(N), outSize: BigInt(N * 32) });
    const sealed = await readFile(join(dir, 'sealed'));
    expect(sealed.length).toBe(N * 32);
    for (let v = 0; v < N; v += v < 100 ? 1 : 997) {
      const k = fromLe(key.subarray(v * 32, v * 32 + 32));
      const d = fromLe(data.subarray(v * 32, v * 32 + 32));
      expect(fromLe(sealed.subarray(v * 32, v * 32 + 32))).toBe((k + d) % R);
    }
    expect(fromLe(sealed.subarray(0, 32))).toBe(0n);
    await decodeRange({ keyPath: join(dir, 'key'), replicaPath: join(dir, 'sealed'), outPath: join(dir, 'back'), firstNode: 0n, nodes: BigInt(N) });
    expect(hex(await readFile(join(dir, 'back')))).toBe(hex(data));
  });

  it('staged data shorter than the range reads as zeros past its end (rfp PC1 set_len)', async () => {
    const { dir, key, data } = await fixture();
    await writeFile(join(dir, 'short'), data.subarray(0, 1000 * 32));
    await encodeReplica({ keyPath: join(dir, 'key'), dataPath: join(dir, 'short'), outPath: join(dir, 's2'), firstNode: 0n, nodes: BigInt(N) });
    const sealed = await readFile(join(dir, 's2'));
    for (const v of [3, 999, 1000, 1001, N - 1]) {
      const k = fromLe(key.subarray(v * 32, v * 32 + 32));
      const d = v < 1000 ? fromLe(data.subarray(v * 32, v * 32 + 32)) : 0n;
      expect(fromLe(sealed.subarray(v * 32, v * 32 + 32))).toBe((k + d) % R);
    }
  });

  it('encodes in place (staged file = sealed file, as rust-fil-proofs does after copying)', async () => {
    const { dir } = await fixture();
    await encodeReplica({ keyPath: join(dir, 'key'), dataPath: join(dir, 'data'), outPath: join(dir, 'ref'), firstNode: 0n, nodes: BigInt(N) });
    await encodeReplica({ keyPath: join(dir, 'key'), dataPath: join(dir, 'data'), outPath: join(dir, 'data'), firstNode: 0n, nodes: BigInt(N), outSize: BigInt(N * 32) });
    expect(hex(await readFile(join(dir, 'data')))).toBe(hex(await readFile(join(dir, 'ref'))));
  });

  it('CC (no data): the sealed file is the key, byte for byte', async () => {
    const { dir, key } = await fixture();
    await encodeReplica({ keyPath: join(dir, 'key'), dataPath: null, outPath: join(dir, 'cc'), firstNode: 0n, nodes: BigInt(N), outSize: BigInt(N * 32) });
    expect(hex(await readFile(join(dir, 'cc')))).toBe(hex(key));
  });

  it('unsealRange decodes a sub-range to an offset; range and size errors are clear', async () => {
    const dir = await tempDir();
    const proof = sealProof('StackedDrg2KiBV1_1');
    const key = seededElements('k2', 64);
    const data = seededElements('d2', 64);
    await writeFile(join(dir, 'sc-02-data-layer-2.dat'), key);
    await writeFile(join(dir, 'data'), data);
    await encodeReplica({ keyPath: join(dir, 'sc-02-data-layer-2.dat'), dataPath: join(dir, 'data'), outPath: join(dir, 'sealed'), firstNode: 0n, nodes: 64n });
    await unsealRange({ proof, cacheDir: dir, sealedPath: join(dir, 'sealed'), outPath: join(dir, 'out'), firstNode: 10n, nodes: 20n, outByteOffset: 64n });
    const out = await readFile(join(dir, 'out'));
    expect(hex(out.subarray(64, 64 + 640))).toBe(hex(data.subarray(320, 960)));
    await expect(unsealRange({ proof, cacheDir: dir, sealedPath: join(dir, 'sealed'), outPath: join(dir, 'o'), firstNode: 60n, nodes: 5n })).rejects.toThrow(/outside the sector/);
    await expect(unsealRange({ proof, cacheDir: dir, sealedPath: join(dir, 'data-missing'), outPath: join(dir, 'o'), firstNode: 0n, nodes: 1n })).rejects.toThrow(/does not exist/);
  });

  it('rejects non-canonical key or data nodes naming the file and node', async () => {
    const dir = await tempDir();
    const key = seededElements('k3', 16);
    key.set(le(R + 5n), 7 * 32);
    await writeFile(join(dir, 'key'), key);
    await expect(encodeReplica({ keyPath: join(dir, 'key'), dataPath: null, outPath: join(dir, 'o'), firstNode: 0n, nodes: 16n })).rejects.toThrow(
      /key: node 7 is not a canonical field element/,
    );
  });
});
