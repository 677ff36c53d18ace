// Window labeling (labelWindow, native/sdr/src/label-window.cc; docs/memory-plan.md#window-bench):
// nodes [first, first + count) of one layer labeled by the production kernel from mapped files — the
// previous layer and this layer's labels below `first` — and a window slice of the parents cache.
// Expected values come from the reference oracle: the 2KiB vector's layer files, the 8MiB vector's
// layer digests, and rust-fil-proofs' own parents of sampled 32GiB nodes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARENTS_RECORD_BYTES, TOTAL_PARENTS, writeParentsCache } from '../../src/native/graph.js';
import { labelLayers, labelWindow } from '../../src/native/pc1.js';
import { sealProof, type SealProof } from '../../src/proofs/registry.js';
import { graphParams } from '../../src/seal/graph-seeds.js';
import { cacheFiles } from '../../src/sector/cache-files.js';
import { fileBytes, loadVector, type OracleVector } from '../helpers/vectors.js';
import { removeTempDirs, sha256Hex, tempDir, unhex } from './helpers.js';

afterAll(removeTempDirs);

const FEEDS = ['producer', 'inline'] as const;

/** Labels [first, first + count) of `layer` through the window path and returns the labels. */
async function window(
  proof: SealProof,
  dir: string,
  o: { layer: number; first: number; count: number; replicaId: Uint8Array; prev?: string; prefix?: string; feed: 'producer' | 'inline'; passes?: number },
): Promise<Buffer> {
  const tag = `${o.layer}-${o.first}-${o.count}-${o.feed}`;
  const parentsPath = join(dir, `parents-${tag}`);
  await writeParentsCache(graphParams(proof), parentsPath, { first: BigInt(o.first), count: BigInt(o.count), threads: 1 });
  const outPath = join(dir, `window-${tag}`);
  const t = await labelWindow({
    nodes: proof.nodes,
    layer: o.layer,
    first: BigInt(o.first),
    count: BigInt(o.count),
    replicaId: o.replicaId,
    parentsPath,
    prevLayerPath: o.prev,
    curPrefixPath: o.prefix,
    outPath,
    parentsFeed: o.feed,
    passes: o.passes,
  });
  expect(t).toHaveLength(o.passes ?? 1);
  for (const p of t) {
    expect(p.cpuNs).toBeGreaterThan(0);
    if (o.feed === 'inline') expect(p.producerCpuNs).toBe(0);
    else expect(p.producerCpuNs).toBeGreaterThan(0);
  }
  return readFileSync(outPath);
}

describe('labelWindow vs the reference (2KiB V1_1 vector, whole layer files)', () => {
  const v: OracleVector = loadVector('2KiB-V1_1-cc-f01000-s1');
  const proof = sealProof(v.proof.id);
  const layer = (l: number): Buffer => Buffer.from(fileBytes(v, `sc-02-data-layer-${l}.dat`)!);
  let dir = '';
  const files: Record<number, string> = {};
  beforeAll(async () => {
    dir = await tempDir('window-2k-');
    for (const l of [1, 2]) writeFileSync((files[l] = join(dir, `layer-${l}`)), layer(l));
  });

  for (const feed of FEEDS)
    it(`layer 2, second half (${feed}); layer 1 from node 17 (not page-aligned)`, async () => {
      const rid = unhex(v.replica_id);
      const n = Number(proof.nodes);
      const l2 = await window(proof, dir, { layer: 2, first: n / 2, count: n / 2, replicaId: rid, prev: files[1], prefix: files[2], feed, passes: 2 });
      expect(l2.equals(layer(2).subarray((n / 2) * 32))).toBe(true);
      const l1 = await window(proof, dir, { layer: 1, first: 17, count: n - 17, replicaId: rid, prefix: files[1], feed });
      expect(l1.equals(layer(1).subarray(17 * 32))).toBe(true);
      // a window that starts at node 0 and stops early (the header/padding path of node 0)
      const head = await window(proof, dir, { layer: 2, first: 0, count: 5, replicaId: rid, prev: files[1], feed });
      expect(head.equals(layer(2).subarray(0, 5 * 32))).toBe(true);
    });

  it('a wrong replica id gives other labels (the comparison can fail)', async () => {
    const rid = unhex(v.replica_id);
    rid[0]! ^= 1;
    const n = Number(proof.nodes);
    const l2 = await window(proof, dir, { layer: 2, first: n / 2, count: n / 2, replicaId: rid, prev: files[1], prefix: files[2], feed: 'inline' });
    expect(l2.equals(layer(2).subarray((n / 2) * 32))).toBe(false);
  });

  it('refuses a previous layer shorter than the graph and a parents file of another window', async () => {
    const short = join(dir, 'short');
    writeFileSync(short, layer(1).subarray(0, 1024));
    const parentsPath = join(dir, 'parents-err');
    await writeParentsCache(graphParams(proof), parentsPath, { first: 32n, count: 32n });
    const base = { nodes: proof.nodes, layer: 2, first: 32n, count: 32n, replicaId: unhex(v.replica_id), parentsPath, curPrefixPath: files[2], outPath: join(dir, 'err') };
    await expect(labelWindow({ ...base, prevLayerPath: short })).rejects.toMatchObject({ name: 'CorruptionError', message: expect.stringMatching(/has 1024 bytes, the window needs at least 2048/) });
    await expect(labelWindow({ ...base, prevLayerPath: files[1], count: 16n })).rejects.toThrow(/expected 896 \(56 × 16 nodes\)/);
  });
});

describe('labelWindow vs the reference (8MiB V1_1 vector, layer digests)', () => {
  const v: OracleVector = loadVector('8MiB-V1_1-cc-f01000-s1');
  const proof = sealProof(v.proof.id);
  const n = Number(proof.nodes);
  let dir = '';
  let layers: readonly string[] = [];
  beforeAll(async () => {
    dir = await tempDir('window-8m-');
    const parents = join(dir, 'parents.cache');
    await writeParentsCache(graphParams(proof), parents);
    layers = cacheFiles(proof, dir).layers;
    await labelLayers({ nodes: proof.nodes, layers: proof.layers, startLayer: 1, parentsCachePath: parents, sectors: [{ replicaId: unhex(v.replica_id), layerPaths: layers }] });
    // the inputs of the window runs are the reference's layers
    expect(layers.map((p) => sha256Hex(readFileSync(p)))).toEqual(v.layer_sha256);
  });

  it.each([
    ['end of the graph', n / 2, n / 2, 'producer'], // a whole second pass over the same mappings too
    ['middle of the graph', n / 4, n / 4, 'inline'],
  ] as const)('layer 2, %s: window spliced into the layer hashes to the reference digest', async (_, first, count, feed) => {
    const windowLabels = await window(proof, dir, { layer: 2, first, count, replicaId: unhex(v.replica_id), prev: layers[0], prefix: layers[1], feed });
    const spliced = Buffer.from(readFileSync(layers[1]!));
    spliced.fill(0, first * 32, (first + count) * 32);
    spliced.set(windowLabels, first * 32);
    expect(sha256Hex(spliced)).toBe(v.layer_sha256[1]);
  });
});

describe('parents window of the 32GiB V1_1 graph vs rust-fil-proofs StackedBucketGraph', () => {
  interface Case { id: number; parents: Array<{ node: number; parents: number[] }> }
  const fixture = JSON.parse(readFileSync(new URL('../graph/fixtures/reference-parents.json', import.meta.url), 'utf8')) as { cases: Case[] };
  const proof = sealProof('StackedDrg32GiBV1_1');
  const samples = fixture.cases.find((c) => c.id === proof.id)!.parents;
  const N = Number(proof.nodes);

  it.each([
    ['end', N - 4096],
    ['middle (2^29)', 2 ** 29],
    ['middle (sampled node 539333695)', 539333695 - 1000],
  ])('window at the %s', async (_, first) => {
    const count = 4096;
    const dir = await tempDir('window-32g-');
    const path = join(dir, 'window.cache');
    await writeParentsCache(graphParams(proof), path, { first: BigInt(first), count: BigInt(count) });
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(count * PARENTS_RECORD_BYTES);
    const inside = samples.filter((s) => s.node >= first && s.node < first + count);
    expect(inside.length).toBeGreaterThan(0);
    for (const s of inside) {
      const rec = new Uint32Array(bytes.buffer, bytes.byteOffset + (s.node - first) * PARENTS_RECORD_BYTES, TOTAL_PARENTS);
      expect(Array.from(rec), `node ${s.node}`).toEqual(s.parents);
    }
  });
});
