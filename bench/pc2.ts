// PreCommit2 wall time (tree-c + encode + tree-r-last + aux) for a CC sector, ours vs the
// reference crate (oracle `bench`, same thread count) measured in the same run.
// 8MiB by default; BENCH_LARGE=1 adds 512MiB. Layers come from our PC1 (not timed).
// BENCH_SKIP_REFERENCE=1 times ours only. Prints a table; writes bench/results/pc2.json.
// Ours runs twice: with every kernel, and with SDR_DISABLE_IFMA=1 (the scalar Poseidon path CPUs
// without AVX-512 take, e.g. AMD Zen 2/3); the reference's peak RSS is measured with GNU time.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeParentsCache } from '../src/native/graph.js';
import { sealProof } from '../src/proofs/registry.js';
import { graphParams } from '../src/seal/graph-seeds.js';
import { runPc1 } from '../src/seal/pc1.js';
import { runPc2 } from '../src/seal/pc2.js';
import type { ReplicaId } from '../src/proofs/types.js';
import { machine } from './lib/measure.js';
import { oracleBinary, runOracleMeasured } from './lib/oracle.js';
import { atLeast, type SummaryRow } from './lib/summary.js';

const here = dirname(fileURLToPath(import.meta.url));
const threads = Number(process.env.BENCH_THREADS ?? os.cpus().length);
const proofs = ['StackedDrg8MiBV1_1', ...(process.env.BENCH_LARGE ? ['StackedDrg512MiBV1_1'] : [])];

function referencePc2(proofId: number): { ms: number; maxRssMiB: number | null } | string {
  const oracle = oracleBinary();
  if ('skipped' in oracle) return oracle.skipped;
  const r = runOracleMeasured<{ pc2_ms: number }>(oracle.path, ['bench', '--proof', String(proofId), '--threads', String(threads)]);
  // The oracle's bench runs PC1 then PC2 in one process: its peak RSS covers both.
  return { ms: r.json.pc2_ms, maxRssMiB: r.maxRssMiB };
}

const referenceSkip = (): { referenceSkipped?: string } => {
  const o = oracleBinary();
  return 'skipped' in o ? { referenceSkipped: o.skipped } : {};
};

// Child mode: `pc2.ts --child <proof> <cacheDir>` runs PC2 alone so its peak RSS is its own.
if (process.argv[2] === '--child') {
  const proof = sealProof(process.argv[3]!);
  const dir = process.argv[4]!;
  const t0 = performance.now();
  await runPc2({ proof, cacheDir: dir, stagedPath: null, sealedPath: join(dir, 'sealed') });
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
  process.exit(0);
}

// Each PC2 run gets a fresh copy of the PC1 output: PC2 resumes from its own checkpoint, so a
// second run in the same directory would time nothing.
function childPc2(name: string, pc1Dir: string, env: NodeJS.ProcessEnv = {}): { ms: number; maxRssMiB: number } {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-pc2-run-'));
  try {
    cpSync(pc1Dir, dir, { recursive: true, filter: (src) => !src.endsWith('parents.cache') });
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', name, dir], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    if (r.status !== 0) throw new Error(`PC2 child failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; maxRssMiB: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: Record<string, unknown> = {};
const summary: SummaryRow[] = [];
const machineBefore = machine();
console.log(`PC2 wall time, CC sector, ${threads} threads (load ${machineBefore.loadAverage})`);
console.log(['proof', 'kernels', 'ours ms', 'reference ms', 'ref/ours', 'ours max RSS MiB', 'ref max RSS MiB'].map((c) => c.padStart(18)).join(''));
for (const name of proofs) {
  const proof = sealProof(name);
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-pc2-'));
  try {
    const parents = join(dir, 'parents.cache');
    await writeParentsCache(graphParams(proof), parents);
    // Any replica id gives the same amount of work; this one is arbitrary but valid (< 2^254).
    const rid = new Uint8Array(createHash('sha256').update(`bench-${name}`).digest()) as ReplicaId;
    rid[31]! &= 0x3f;
    await runPc1({ proof, replicaId: rid, cacheDir: dir, parentsCachePath: parents });
    // Reference between our two runs, so load drift hits both of ours alike.
    const all = childPc2(name, dir);
    const ref = referencePc2(proof.id);
    const noIfma = childPc2(name, dir, { SDR_DISABLE_IFMA: '1' });
    const refMs = typeof ref === 'string' ? undefined : ref.ms;
    results[name] = {
      ours: { allKernels: all, noIfma },
      reference: ref,
      ratio: refMs ? { allKernels: refMs / all.ms, noIfma: refMs / noIfma.ms } : null,
      threads,
    };
    if (refMs) {
      summary.push(atLeast(proof.sizeName, 'PC2 speed vs reference (one run each)', refMs / all.ms, '×', 2));
      summary.push(atLeast(proof.sizeName, 'PC2 speed vs reference, no IFMA (one run each)', refMs / noIfma.ms, '×', 1.5));
    }
    for (const [label, o] of [['all', all], ['no IFMA', noIfma]] as const)
      console.log(
        [
          name.replace('StackedDrg', ''),
          label,
          o.ms.toFixed(0),
          refMs ? refMs.toFixed(0) : 'skipped',
          refMs ? (refMs / o.ms).toFixed(2) : '—',
          o.maxRssMiB.toFixed(0),
          typeof ref === 'string' || ref.maxRssMiB === null ? '—' : ref.maxRssMiB.toFixed(0),
        ]
          .map((c) => c.padStart(18))
          .join(''),
      );
    if (typeof ref === 'string') console.log(ref);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'pc2.json'),
  JSON.stringify(
    { date: new Date().toISOString(), machine: machineBefore, loadAverageAfter: machine().loadAverage, unit: 'ms wall, CC', threads, ...referenceSkip(), summary, results },
    null,
    2,
  ) + '\n',
);
console.log('wrote bench/results/pc2.json');
