// Opt-in (SLOW=1): 512MiB. tree-d over random data vs an independent streaming node:crypto build
// (root only), CC tree-d vs Z(512MiB) of docs/proofs.md#zero-commitments, and a K=2 labeling batch vs single runs.
import { afterAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { sealProof } from '../../src/proofs/registry.js';
import type { ReplicaId } from '../../src/proofs/types.js';
import { runPc1, runPc1Batch } from '../../src/seal/pc1.js';
import { buildTreeD } from '../../src/seal/tree-d.js';
import { TREE_D as TREE_D_FILE } from '../../src/sector/cache-files.js';
import { hex, parentsCacheFile, removeTempDirs, sha256Hex, tempDir } from './helpers.js';

afterAll(removeTempDirs);
const P512 = sealProof('StackedDrg512MiBV1_1');

describe.skipIf(!process.env.SLOW)('512MiB (SLOW=1)', () => {
  it('CC tree-d: root is Z(512MiB) and the file has 2N−1 nodes', async () => {
    const dir = await tempDir();
    const root = await buildTreeD({ proof: P512, stagedPath: null, cacheDir: dir });
    expect(hex(root)).toBe('39560e7b13a93b07a243fd2720ffa7cb3e1d2e505ab3629e79f46313512cda06');
    expect(statSync(join(dir, TREE_D_FILE)).size).toBe(1_073_741_792);
  }, 600_000);

  it('tree-d over random data: root equals an independent node:crypto fold', async () => {
    const dir = await tempDir();
    const staged = join(dir, 'staged');
    // Independent root: a stack fold over the leaves as they are written (O(log N) memory).
    const stack: Array<{ h: Buffer; level: number }> = [];
    const push = (h: Buffer) => {
      let level = 0;
      while (stack.length && stack[stack.length - 1]!.level === level) {
        const left = stack.pop()!.h;
        h = createHash('sha256').update(left).update(h).digest();
        h[31]! &= 0x3f;
        level++;
      }
      stack.push({ h, level });
    };
    const out = createWriteStream(staged);
    for (let i = 0; i < 512; i++) {
      const chunk = randomBytes(1 << 20);
      for (let j = 31; j < chunk.length; j += 32) chunk[j]! &= 0x3f;
      for (let j = 0; j < chunk.length; j += 32) push(chunk.subarray(j, j + 32));
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    expect(stack).toHaveLength(1);
    const root = await buildTreeD({ proof: P512, stagedPath: staged, cacheDir: dir });
    expect(hex(root)).toBe(stack[0]!.h.toString('hex'));
  }, 600_000);

  it('K=2 batch labels equal single-sector labels', async () => {
    const dir = await tempDir();
    const parents = await parentsCacheFile(P512, dir);
    const ids = [0, 1].map(() => {
      const r = new Uint8Array(randomBytes(32));
      r[31]! &= 0x3f;
      return r as ReplicaId;
    });
    const batch = [await tempDir(), await tempDir()];
    await runPc1Batch({ proof: P512, parentsCachePath: parents, sectors: ids.map((replicaId, i) => ({ replicaId, cacheDir: batch[i]! })) });
    const alone = await tempDir();
    await runPc1({ proof: P512, replicaId: ids[1]!, cacheDir: alone, parentsCachePath: parents });
    for (const layer of [1, 2]) {
      const f = `sc-02-data-layer-${layer}.dat`;
      expect(sha256Hex(readFileSync(join(batch[1]!, f)))).toBe(sha256Hex(readFileSync(join(alone, f))));
    }
  }, 1_200_000);
});
