// tree-d file and root vs an independent node:crypto tree and the zero commitments of docs/proofs.md#zero-commitments.
import { afterAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildTreeD } from '../../src/seal/tree-d.js';
import { TREE_D as TREE_D_FILE } from '../../src/sector/cache-files.js';
import { sealProof } from '../../src/proofs/registry.js';
import { partialPath, rawAddon } from '../../src/native/addon.js';
import { hex, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** The reference layout built the obvious way: rows bottom-up, each parent sha254(left ‖ right). */
function referenceTree(leaves: Buffer): Buffer {
  const rows = [leaves];
  let row = leaves;
  while (row.length > 32) {
    const next = Buffer.alloc(row.length / 2);
    for (let i = 0; i < row.length / 64; i++) {
      const d = createHash('sha256').update(row.subarray(64 * i, 64 * i + 64)).digest();
      d[31]! &= 0x3f;
      d.copy(next, 32 * i);
    }
    rows.push(next);
    row = next;
  }
  return Buffer.concat(rows);
}

// docs/proofs.md#zero-commitments
const Z = {
  '2KiB': 'fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833',
  '8MiB': '65f29e5d98d246c38b388cfc06db1f6b021303c5a289000bdce832a9c3ec421c',
} as const;

describe('tree-d', () => {
  for (const size of ['2KiB', '8MiB'] as const) {
    const proof = sealProof(`StackedDrg${size}V1_1`);
    const bytes = Number(proof.sectorBytes);

    it(`${size} CC: root is Z(${size}) and the file is the full zero tree`, async () => {
      const dir = await tempDir();
      const root = await buildTreeD({ proof, stagedPath: null, cacheDir: dir });
      expect(hex(root)).toBe(Z[size]);
      const file = readFileSync(join(dir, TREE_D_FILE));
      expect(file.length).toBe(2 * bytes - 32); // 2N − 1 nodes
      expect(file.equals(referenceTree(Buffer.alloc(bytes)))).toBe(true);
    });

    for (const kernel of ['fast', 'portable'] as const) {
      it(`${size} random data (${kernel}): file and root equal the independent tree`, async () => {
        const dir = await tempDir();
        const data = randomBytes(bytes);
        for (let i = 31; i < bytes; i += 32) data[i]! &= 0x3f; // fr32-padded nodes
        const staged = join(dir, 'staged');
        writeFileSync(staged, data);
        const progress: number[] = [];
        const root = await buildTreeD({ proof, stagedPath: staged, cacheDir: dir, kernel, onProgress: (p) => progress.push(p.done) });
        const want = referenceTree(data);
        expect(readFileSync(join(dir, TREE_D_FILE)).equals(want)).toBe(true);
        expect(hex(root)).toBe(hex(want.subarray(want.length - 32)));
        expect(progress.at(-1)).toBe(bytes / 32);
        expect(existsSync(partialPath(join(dir, TREE_D_FILE)))).toBe(false);
      });
    }
  }

  it('a short staged file is zero-extended and a long one cut at the sector size (docs/proofs.md#staged-sector-file)', async () => {
    const proof = sealProof('StackedDrg2KiBV1_1');
    const dir = await tempDir();
    const data = randomBytes(2048);
    for (let i = 31; i < 2048; i += 32) data[i]! &= 0x3f;
    const short = join(dir, 'short');
    writeFileSync(short, data.subarray(0, 1000));
    const extended = Buffer.concat([data.subarray(0, 1000), Buffer.alloc(1048)]);
    expect(hex(await buildTreeD({ proof, stagedPath: short, cacheDir: dir }))).toBe(hex(referenceTree(extended).subarray(-32)));
    const long = join(dir, 'long');
    writeFileSync(long, Buffer.concat([data, randomBytes(4096)]));
    expect(hex(await buildTreeD({ proof, stagedPath: long, cacheDir: dir }))).toBe(hex(referenceTree(data).subarray(-32)));
    expect(statSync(join(dir, TREE_D_FILE)).size).toBe(4064);
  });

  it('a raised cancel flag stops the native build and leaves neither the file nor its temp', async () => {
    // Through the raw export, so the flag is up before the first chunk whatever the machine's speed.
    const dir = await tempDir();
    const staged = join(dir, 'staged');
    writeFileSync(staged, Buffer.alloc(8 << 20, 1));
    const flag = new Int32Array(new SharedArrayBuffer(4));
    flag[0] = 1;
    const buildTreeDRaw = rawAddon().buildTreeD as (o: object, p: undefined, f: Int32Array) => Promise<Uint8Array>;
    await expect(buildTreeDRaw({ nodes: 1n << 18n, stagedPath: staged, outPath: join(dir, TREE_D_FILE) }, undefined, flag)).rejects.toThrow(
      'cancelled',
    );
    expect(existsSync(join(dir, TREE_D_FILE))).toBe(false);
    expect(existsSync(partialPath(join(dir, TREE_D_FILE)))).toBe(false);
  });

  it('rejects a missing or empty staged file with a clear message', async () => {
    const proof = sealProof('StackedDrg2KiBV1_1');
    const dir = await tempDir();
    await expect(buildTreeD({ proof, stagedPath: join(dir, 'missing'), cacheDir: dir })).rejects.toThrow(/does not exist/);
    writeFileSync(join(dir, 'empty'), '');
    await expect(buildTreeD({ proof, stagedPath: join(dir, 'empty'), cacheDir: dir })).rejects.toThrow(/empty.*CC/);
  });
});
