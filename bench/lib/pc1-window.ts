// PC1 on a 32 GiB graph without 56 GiB of parents cache or 2 × 32 GiB of layers in RAM
// (docs/memory-plan.md#window-bench): a window of nodes of layer 2 of the real 32GiB V1_1 graph,
// labeled by the production kernel (labelWindow) with
//   - the window's slice of the real parents cache (writeParentsCache first/count), evicted from
//     the page cache before every pass, so the feed reads it from disk;
//   - ONE synthetic 32 GiB file of pseudo-random bytes standing for both the previous layer
//     (expander parents, uniform over [0, 2^30)) and this layer's labels below the window (base
//     parents), mapped read-only and paged by the kernel. Three passes over the same window:
//     layer file evicted first (cold); a second pass over the same mappings (the pages the window
//     reads are resident and mapped: labeling with what it reads of the layers in RAM — the
//     headline); a fresh mapping with the file in the page cache (minor faults on every page);
//   - the same window size on the 512MiB graph (a synthetic 512 MiB layer, resident) for comparison.
// The labels are not a real sector's (the layer is synthetic); the work per node, the parents and
// the memory traffic are. Lives under bench/lib/ so bench/run.ts does not run it on its own;
// bench/pc1.ts calls it with BENCH_PC1_32G=1.
import { createCipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PARENTS_RECORD_BYTES, TOTAL_PARENTS, writeParentsCache } from '../../src/native/graph.js';
import { labelWindow, type WindowTimes } from '../../src/native/pc1.js';
import { sealProof, type SealProof } from '../../src/proofs/registry.js';
import { graphParams } from '../../src/seal/graph-seeds.js';
import { evict, resident } from './page-cache.js';

const GiB = 2 ** 30;
/** Disk that must stay free for everyone else while the case runs. */
const KEEP_FREE = 15 * GiB;

export interface Pc1Row {
  size: string;
  metric: string;
  value: number;
  unit: string;
  target?: string;
  meets?: boolean;
}

function evictOrThrow(path: string): void {
  if (!evict(path)) throw new Error(`cannot evict ${path} from the page cache (python3 with os.posix_fadvise is needed)`);
}

/** RssAnon / RssFile of this process now (KiB → bytes): the window buffer and feed vs mapped file pages. */
function rss(): { anon: number; file: number } {
  const s = readFileSync('/proc/self/status', 'utf8');
  const kib = (k: string) => Number(/^(\S+):\s+(\d+) kB/m.exec(s.split('\n').find((l) => l.startsWith(k)) ?? '')?.[2] ?? 0) * 1024;
  return { anon: kib('RssAnon'), file: kib('RssFile') };
}

/** Writes `bytes` of AES-CTR keystream (pseudo-random, fast) to `path` unless it is already there. */
async function syntheticLayer(path: string, bytes: number): Promise<{ wroteSeconds: number | null }> {
  if (existsSync(path) && statSync(path).size === bytes) return { wroteSeconds: null };
  const free = statfsSync(join(path, '..')).bavail * statfsSync(join(path, '..')).bsize;
  if (free - bytes < KEEP_FREE)
    throw new Error(`not enough disk for the synthetic layer: ${(free / GiB).toFixed(1)} GiB free, ${(bytes / GiB).toFixed(1)} GiB needed + ${KEEP_FREE / GiB} GiB left free`);
  const cipher = createCipheriv('aes-128-ctr', randomBytes(16), randomBytes(16));
  const zero = Buffer.alloc(64 << 20);
  const f = await open(path + '.partial', 'w');
  const t0 = performance.now();
  try {
    for (let off = 0; off < bytes; off += zero.length) await f.write(cipher.update(zero.subarray(0, Math.min(zero.length, bytes - off))), 0, undefined, off);
    await f.sync();
  } finally {
    await f.close();
  }
  await rm(path, { force: true });
  await rename(path + '.partial', path);
  return { wroteSeconds: (performance.now() - t0) / 1000 };
}

/** How many of rust-fil-proofs' sampled parents (test/graph/fixtures) fall in the window, and whether they match. */
function checkReferenceSamples(proof: SealProof, parentsPath: string, first: number, count: number): { inWindow: number; match: boolean } {
  const fixture = JSON.parse(readFileSync(new URL('../../test/graph/fixtures/reference-parents.json', import.meta.url), 'utf8')) as {
    cases: Array<{ id: number; parents: Array<{ node: number; parents: number[] }> }>;
  };
  const samples = (fixture.cases.find((c) => c.id === proof.id)?.parents ?? []).filter((s) => s.node >= first && s.node < first + count);
  const bytes = readFileSync(parentsPath);
  const match = samples.every((s) => {
    const rec = new Uint32Array(bytes.buffer, bytes.byteOffset + (s.node - first) * PARENTS_RECORD_BYTES, TOTAL_PARENTS);
    return rec.every((p, i) => p === s.parents[i]);
  });
  return { inWindow: samples.length, match };
}

interface Pass extends WindowTimes {
  /** bytes of the layer file in the page cache before the call */
  layerResidentBefore: number | null;
  peakRssAnon: number;
  peakRssFile: number;
}

/** One labelWindow call of `passes` passes (parents slice evicted before each, layer file first if asked). */
async function run(proof: SealProof, o: { first: number; count: number; parents: string; layer: string; out: string; evictLayer: boolean; passes: number }): Promise<Pass[]> {
  evictOrThrow(o.parents);
  if (o.evictLayer) evictOrThrow(o.layer);
  const layerResidentBefore = resident(o.layer);
  let peak = rss();
  const sample = () => {
    const r = rss();
    peak = { anon: Math.max(peak.anon, r.anon), file: Math.max(peak.file, r.file) };
  };
  const rid = new Uint8Array(randomBytes(32));
  rid[31]! &= 0x3f;
  const t = await labelWindow({
    nodes: proof.nodes,
    layer: 2,
    first: BigInt(o.first),
    count: BigInt(o.count),
    replicaId: rid,
    parentsPath: o.parents,
    prevLayerPath: o.layer,
    curPrefixPath: o.layer,
    outPath: o.out,
    parentsFeed: 'producer',
    passes: o.passes,
    onProgress: sample,
  });
  sample();
  await rm(o.out, { force: true });
  // the page-cache figure was taken before the call, so it describes its first pass only
  return t.map((p, i) => ({ ...p, layerResidentBefore: i === 0 ? layerResidentBefore : null, peakRssAnon: peak.anon, peakRssFile: peak.file }));
}

/**
 * Runs the 32GiB window case (and its 512MiB twin) in `work`; `bound` is the SHA-256 bound of the
 * same run. Env: BENCH_PC1_32G_NODES (window size, default 2^18), BENCH_PC1_32G_AT = end | middle,
 * BENCH_PC1_32G_KEEP=1 keeps the 32 GiB file in the OS temp dir for the next run,
 * BENCH_PC1_32G_SIZES (comma-separated proof names; default the 32GiB and 512MiB V1_1 graphs; smaller
 * ones to try the case out quickly).
 */
export async function benchWindow32G(work: string, bound: { cpu: number; wall: number }, rows: Pc1Row[]): Promise<Record<string, unknown>> {
  const count = Number(process.env.BENCH_PC1_32G_NODES ?? 2 ** 18);
  const at = process.env.BENCH_PC1_32G_AT === 'middle' ? 'middle' : 'end';
  const keep = Boolean(process.env.BENCH_PC1_32G_KEEP);
  const result: Record<string, unknown> = { windowNodes: count, at, layer: 2, parentsFeed: 'producer' };

  const names = process.env.BENCH_PC1_32G_SIZES?.split(',') ?? ['StackedDrg32GiBV1_1', 'StackedDrg512MiBV1_1'];
  for (const name of names) {
    const proof = sealProof(name);
    const N = Number(proof.nodes);
    const first = at === 'end' ? N - count : N / 2;
    const size = `${proof.sizeName} window`;
    const layer = keep && N === 2 ** 30 ? join(tmpdir(), 'sealer-recover-bench-pc1-32g-layer.bin') : join(work, `layer-${proof.sizeName}.bin`);
    const write = await syntheticLayer(layer, N * 32);
    const parents = join(work, `parents-${proof.sizeName}-window`);
    const g0 = performance.now();
    await writeParentsCache(graphParams(proof), parents, { first: BigInt(first), count: BigInt(count) });
    const parentsSeconds = (performance.now() - g0) / 1000;
    const reference = checkReferenceSamples(proof, parents, first, count);
    if (!reference.match) throw new Error(`${name}: the window's parents differ from rust-fil-proofs' samples`);
    const out = join(work, 'window.out');
    // 1: everything cold, then a second pass over the same mappings (layer pages resident and
    // mapped, parents slice cold again); 2: a new mapping of the layer file, now in the page cache.
    const [cold, resident2] = await run(proof, { first, count, parents, layer, out, evictLayer: true, passes: 2 });
    const [warm] = await run(proof, { first, count, parents, layer, out, evictLayer: false, passes: 1 });
    if (!keep || N !== 2 ** 30) await rm(layer, { force: true });
    await rm(parents, { force: true });

    const passes = { cold: cold!, 'page cache, new mapping': warm!, 'resident and mapped': resident2! };
    result[proof.sizeName] = {
      first,
      count,
      layerFile: N * 32,
      layerWriteSeconds: write.wroteSeconds,
      parentsWindowSeconds: parentsSeconds,
      referenceSamplesInWindow: reference.inWindow,
      passes: Object.fromEntries(
        Object.entries(passes).map(([k, p]) => [k, { ...p, cpuNsPerNode: p.cpuNs / count, wallNsPerNode: p.wallNs / count, producerCpuNsPerNode: p.producerCpuNs / count }]),
      ),
    };
    const label = { cold: 'layer file evicted first', 'page cache, new mapping': 'layer in page cache, new mapping', 'resident and mapped': 'layer pages resident + mapped (2nd pass)' };
    for (const [k, p] of Object.entries(passes) as Array<[keyof typeof passes, Pass]>) {
      const cpu = p.cpuNs / count;
      const wall = p.wallNs / count;
      rows.push({ size, metric: `window labeling, ${label[k]} (CPU)`, value: cpu, unit: 'ns/node' });
      rows.push({ size, metric: `window labeling, ${label[k]} (wall)`, value: wall, unit: 'ns/node' });
      rows.push({ size, metric: `bound / window single, ${label[k]} (CPU)`, value: bound.cpu / cpu, unit: 'ratio' });
      rows.push({ size, metric: `bound / window single, ${label[k]} (wall)`, value: bound.wall / wall, unit: 'ratio' });
      // the producer gathers the expander parents: above the hashing thread's rate, it sets the pace
      rows.push({ size, metric: `feed producer thread, ${label[k]} (CPU)`, value: p.producerCpuNs / count, unit: 'ns/node' });
    }
    rows.push({ size, metric: 'layer file in page cache before the new-mapping pass', value: (warm!.layerResidentBefore ?? NaN) / GiB, unit: 'GiB' });
    rows.push({ size, metric: 'peak RSS: anonymous (window labels, feed)', value: Math.max(cold!.peakRssAnon, warm!.peakRssAnon) / 2 ** 20, unit: 'MiB' });
    // RssFile counts a page once per mapping: the two mappings of the one file (previous layer,
    // prefix) may both count it; it also holds node's and the addon's own code.
    rows.push({ size, metric: 'peak RSS: mapped file pages', value: Math.max(cold!.peakRssFile, warm!.peakRssFile) / 2 ** 20, unit: 'MiB' });
  }
  // getrusage: the whole bench process (both graphs), counting mapped file pages while mapped
  result.processMaxRssMiB = process.resourceUsage().maxRSS / 1024;
  return result;
}
