// The parents feed (a producer thread that reads the parents cache and gathers expander parents
// ahead of the hashing thread, docs/sdr.md#parents-feed) against its plain twin (the hashing thread
// reads everything inline): the docs/vectors.md#label-vectors known answers through both, byte-equal layer files on a
// graph large enough to wrap the feed's ring several times (one and three sectors), a corrupt
// cache far into the layer, and a cancel while the producer is running ahead.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import { labelLayers } from '../../src/native/pc1.js';
import { cacheFiles } from '../../src/sector/cache-files.js';
import { LABEL_VECTORS, lastLabelOfVector, parentsCacheFile, readLabel, removeTempDirs, sha256Hex, tempDir, testProof } from './helpers.js';

afterAll(removeTempDirs);

// docs/vectors.md#label-vectors (two of the rows labels.test.ts checks with the default feed)
const VECTORS = LABEL_VECTORS.filter((v) => (v.nodes === 64n && v.porep === 0x7b) || (v.nodes === 128n && v.porep === 0x00));

describe('parents feed: producer thread vs inline (the plain twin)', () => {
  for (const parentsFeed of ['inline', 'producer'] as const)
    for (const v of VECTORS)
      it(`${parentsFeed}: §9.1 last label of layer 11, ${v.nodes} nodes, porep_id 0x${v.porep.toString(16)}`, async () => {
        expect(await lastLabelOfVector(v, { parentsFeed })).toBe(v.last);
      });

  // 2^16 nodes = 8 chunks of 8192: the 4-slot ring wraps twice per layer.
  const BIG = testProof(1n << 16n, 0x7b, false, 3);
  const ids = [1, 2, 3].map((b) => {
    const r = new Uint8Array(32).fill(b);
    r[31] = 0;
    return r;
  });
  for (const k of [1, 3])
    it(`${k} sector(s), 2^16 nodes, 3 layers: every layer file byte-equal between the two feeds`, async () => {
      const root = await tempDir();
      const parents = await parentsCacheFile(BIG, root);
      const digests: Record<string, string[]> = {};
      for (const parentsFeed of ['inline', 'producer'] as const) {
        const dirs = ids.slice(0, k).map((_, j) => join(root, `${parentsFeed}-${j}`));
        await Promise.all(dirs.map((d) => mkdir(d)));
        await labelLayers({
          nodes: BIG.nodes,
          layers: 3,
          startLayer: 1,
          parentsCachePath: parents,
          sectors: dirs.map((d, j) => ({ replicaId: ids[j]!, layerPaths: cacheFiles(BIG, d).layers })),
          parentsFeed,
        });
        digests[parentsFeed] = await Promise.all(dirs.flatMap((d) => cacheFiles(BIG, d).layers.map(async (p) => sha256Hex(await readFile(p)))));
      }
      expect(digests.producer).toEqual(digests.inline);
      expect(new Set(digests.producer).size).toBe(3 * k); // every layer and sector differs: nothing was skipped
    });

  it('a corrupt row in the 6th chunk fails the layer with the node named (the producer error reaches the caller)', async () => {
    const root = await tempDir();
    const parents = await parentsCacheFile(BIG, root);
    const bytes = await readFile(parents);
    const node = 5 * 8192 + 17;
    bytes.writeUInt32LE(0x7fffffff, 56 * node + 4 * 9); // an expander parent far out of range
    const corrupt = join(root, 'corrupt.cache');
    await writeFile(corrupt, bytes);
    await mkdir(join(root, 'c'));
    await expect(
      labelLayers({
        nodes: BIG.nodes,
        layers: 3,
        startLayer: 1,
        parentsCachePath: corrupt,
        sectors: [{ replicaId: ids[0]!, layerPaths: cacheFiles(BIG, join(root, 'c')).layers }],
        parentsFeed: 'producer',
      }),
    ).rejects.toThrow(new RegExp(`corrupt at node ${node}`));
  });

  it('a cancel in layer 2 stops the hashing thread and the producer', async () => {
    const root = await tempDir();
    const parents = await parentsCacheFile(BIG, root);
    const ac = new AbortController();
    await mkdir(join(root, 'x'));
    await expect(
      labelLayers({
        nodes: BIG.nodes,
        layers: 3,
        startLayer: 1,
        parentsCachePath: parents,
        sectors: [{ replicaId: ids[0]!, layerPaths: cacheFiles(BIG, join(root, 'x')).layers }],
        parentsFeed: 'producer',
        onProgress: (p) => {
          if (p.layer === 2 && p.done > 0) ac.abort();
        },
        signal: ac.signal,
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(ac.signal.aborted).toBe(true);
  });
});
