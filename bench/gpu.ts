// PreCommit2 trees on OpenCL devices vs our CPU path vs the reference, side by side in one run
// (docs/gpu.md#benchmark):
//   1. Poseidon hashes/s per arity (2, 8, 11): every OpenCL device (batches of 2^16), our CPU
//      kernel (1 thread, best kernel), the reference crate (oracle poseidon-bench, 1 thread).
//   2. Tree build wall time for an 8MiB sector's trees (tree-c over 2 layers + tree-r-last,
//      2^18 leaves each): every device vs our CPU builders (all threads); and the reference's whole
//      PC2 of an 8MiB CC sector (oracle bench, same threads) for scale. BENCH_LARGE=1 adds 512MiB.
// Runs unchanged on a machine with real GPUs: every device found is measured.
// Usage: npx tsx bench/gpu.ts   (BENCH_SECONDS=n per Poseidon cell, default 2)
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listDevices } from '../src/gpu/devices.js';
import { buildOctreesOnDevice } from '../src/gpu/octree.js';
import { selfTest } from '../src/gpu/self-test.js';
import { GpuSession } from '../src/gpu/session.js';
import { buildTreeC, buildTreeRLast } from '../src/native/pc2.js';
import { poseidonHashMany } from '../src/native/poseidon.js';
import { oracleBinary, runOracleJson } from './lib/oracle.js';
import type { SummaryRow } from './lib/summary.js';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const threads = os.cpus().length;
const ARITIES = [2, 8, 11] as const;

function elements(n: number): Buffer {
  const b = randomBytes(n * 32);
  for (let i = 0; i < n; i++) b[i * 32 + 31]! &= 0x3f;
  return b;
}

async function rate(run: () => Promise<unknown> | unknown, perRun: number): Promise<number> {
  await run(); // warm-up (kernel compile, caches)
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await run();
    count += perRun;
  }
  return count / ((performance.now() - start) / 1000);
}

const timed = async (f: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

// --- devices ---
const list = listDevices();
const sessions: GpuSession[] = [];
const deviceNotes: string[] = [];
if (!list.ok) deviceNotes.push(`no OpenCL device: ${list.reason}`);
else
  for (const d of list.devices) {
    const s = await GpuSession.open(d, undefined);
    const t = await selfTest(s);
    if (t.passed) sessions.push(s);
    else deviceNotes.push(`${d.id} failed its self-test: ${t.detail}`);
  }

// --- 1. Poseidon hashes/s ---
const reference = (): Record<string, number> | string => {
  const o = oracleBinary();
  if ('skipped' in o) return o.skipped;
  return runOracleJson<{ hashes_per_second: Record<string, number> }>(o.path, ['poseidon-bench', '--seconds', String(seconds)]).hashes_per_second;
};
const hashes: Record<string, Record<string, number>> = {};
const ref = reference();
for (const a of ARITIES) {
  const row: Record<string, number> = {};
  const cpuIn = elements(256 * a);
  row['cpu (1 thread)'] = await rate(() => poseidonHashMany(a, cpuIn), 256);
  const n = 1 << 16;
  const gpuIn = elements(n * a);
  for (const s of sessions) row[s.device.id] = await rate(() => s.hashMany(a, gpuIn), n);
  if (typeof ref !== 'string') row['reference (1 thread)'] = ref[a] ?? NaN;
  hashes[a] = row;
}

// --- 2. trees ---
const sizes: Array<[string, number]> = [['8MiB', 1 << 18], ...(process.env.BENCH_LARGE ? [['512MiB', 1 << 24] as [string, number]] : [])];
const trees: Record<string, Record<string, number>> = {};
const tmp = await mkdtemp(join(os.tmpdir(), 'bench-gpu-'));
try {
  for (const [label, leaves] of sizes) {
    const layer1 = join(tmp, `${label}-layer-1`);
    const layer2 = join(tmp, `${label}-layer-2`);
    await writeFile(layer1, elements(leaves));
    await writeFile(layer2, elements(leaves));
    const leavesPerTree = leaves <= 1 << 18 ? BigInt(leaves) : 8n ** 8n; // 512MiB: 1 base tree of 8^8
    const baseTrees = Number(BigInt(leaves) / leavesPerTree);
    const out = (who: string, t: string) => Array.from({ length: baseTrees }, (_, i) => join(tmp, `${label}-${who}-${t}-${i}`));
    const row: Record<string, number> = {};
    row[`cpu (${threads} threads)`] =
      (await timed(() => buildTreeC({ layerPaths: [layer1, layer2], outPaths: out('cpu', 'c'), leavesPerTree, threads }))) +
      (await timed(() => buildTreeRLast({ replicaPath: layer2, outPaths: out('cpu', 'r'), leavesPerTree, rowsToDiscard: 2, threads })));
    for (const s of sessions) {
      row[s.device.id] =
        (await timed(() => buildOctreesOnDevice({ session: s, input: { kind: 'columns', layerPaths: [layer1, layer2] }, leavesPerTree, outPaths: out(s.device.id, 'c'), firstStoredRow: 0 }))) +
        (await timed(() => buildOctreesOnDevice({ session: s, input: { kind: 'nodes', path: layer2 }, leavesPerTree, outPaths: out(s.device.id, 'r'), firstStoredRow: 3 })));
    }
    if (label === '8MiB') {
      const o = oracleBinary();
      if (!('skipped' in o)) row[`reference whole PC2 (${threads} threads)`] = runOracleJson<{ pc2_ms: number }>(o.path, ['bench', '--proof', '6', '--threads', String(threads)]).pc2_ms;
    }
    trees[label] = row;
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
  sessions.forEach((s) => s.close());
}

// --- report ---
const pad = (c: string, w = 22) => c.padStart(w);
console.log(`OpenCL devices: ${sessions.map((s) => `${s.device.id} ${s.device.type} ${s.device.name}`).join('; ') || 'none'}`);
for (const n of deviceNotes) console.log(n);
console.log(`\nPoseidon hashes/s (${seconds}s per cell)`);
const hcols = Object.keys(hashes[2]!);
console.log(['arity', ...hcols].map((c) => pad(c)).join(''));
for (const a of ARITIES) console.log([String(a), ...hcols.map((c) => (hashes[a]![c] ?? NaN).toFixed(0))].map((c) => pad(c)).join(''));
if (typeof ref === 'string') console.log(ref);
console.log('\nTree build wall time, ms (tree-c over 2 layers + tree-r-last; the reference row is its whole PC2)');
for (const [label, row] of Object.entries(trees)) {
  console.log(`${label}: ${Object.entries(row).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(' | ')}`);
}
const summary: SummaryRow[] = [];
for (const s of sessions) {
  for (const a of ARITIES) summary.push({ case: `arity ${a}, ${s.device.id}`, metric: 'Poseidon hashes/s, device vs our CPU (1 thread)', value: hashes[a]![s.device.id]! / hashes[a]!['cpu (1 thread)']!, unit: '×' });
  for (const [label, row] of Object.entries(trees))
    summary.push({ case: `${label}, ${s.device.id}`, metric: `tree build time, our CPU (${threads} threads) / device`, value: row[`cpu (${threads} threads)`]! / row[s.device.id]!, unit: '×' });
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'gpu.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      devices: sessions.map((s) => ({ id: s.device.id, type: s.device.type, name: s.device.name, globalMemBytes: s.device.globalMemBytes })),
      ...(deviceNotes.length ? { notes: deviceNotes } : {}),
      ...(typeof ref === 'string' ? { referenceSkipped: ref } : {}),
      ...(sessions.length === 0 ? { skipped: 'no OpenCL device passed its self-test' } : {}),
      summary,
      seconds,
      hashesPerSecond: hashes,
      treeMs: trees,
    },
    null,
    2,
  ) + '\n',
);
console.log('wrote bench/results/gpu.json');
