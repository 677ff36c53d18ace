// PreCommit2 wall time (tree-c + encode + tree-r-last + aux) for a CC sector, ours vs the
// reference crate (oracle `bench`, same thread count) measured in the same run.
// 8MiB by default; BENCH_LARGE=1 adds 512MiB. Layers come from our PC1 (not timed).
// BENCH_SKIP_REFERENCE=1 times ours only. Prints a table; writes bench/results/pc2.json.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeParentsCache } from '../src/native/graph.js';
import { sealProof } from '../src/proofs/registry.js';
import { graphParams } from '../src/seal/graph-seeds.js';
import { runPc1 } from '../src/seal/pc1.js';
import { runPc2 } from '../src/seal/pc2.js';
import type { ReplicaId } from '../src/proofs/types.js';
import { oracleBinary, runOracleJson } from './lib/oracle.js';
import { atLeast, type SummaryRow } from './lib/summary.js';

const here = dirname(fileURLToPath(import.meta.url));
const threads = Number(process.env.BENCH_THREADS ?? os.cpus().length);
const proofs = ['StackedDrg8MiBV1_1', ...(process.env.BENCH_LARGE ? ['StackedDrg512MiBV1_1'] : [])];

function referencePc2(proofId: number): number | string {
  const oracle = oracleBinary();
  if ('skipped' in oracle) return oracle.skipped;
  return runOracleJson<{ pc2_ms: number }>(oracle.path, ['bench', '--proof', String(proofId), '--threads', String(threads)]).pc2_ms;
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

function childPc2(name: string, dir: string): { ms: number; maxRssMiB: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', name, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PC2 child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; maxRssMiB: number };
}

const results: Record<string, unknown> = {};
const summary: SummaryRow[] = [];
console.log(`PC2 wall time, CC sector, ${threads} threads`);
console.log(['proof', 'ours ms', 'reference ms', 'ref/ours', 'PC2 max RSS MiB'].map((c) => c.padStart(22)).join(''));
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
    const { ms: ours, maxRssMiB: rss } = childPc2(name, dir);
    const ref = referencePc2(proof.id);
    results[name] = { oursMs: Math.round(ours), referenceMs: ref, ratio: typeof ref === 'number' ? ref / ours : null, maxRssMiB: Math.round(rss), threads };
    if (typeof ref === 'number') summary.push(atLeast(proof.sizeName, 'PC2 speed vs reference (one run each)', ref / ours, '×', 2));
    console.log(
      [name, ours.toFixed(0), typeof ref === 'number' ? String(ref) : 'skipped', typeof ref === 'number' ? (ref / ours).toFixed(2) : '—', rss.toFixed(0)]
        .map((c) => c.padStart(22))
        .join(''),
    );
    if (typeof ref !== 'number') console.log(ref);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'pc2.json'), JSON.stringify({ date: new Date().toISOString(), unit: 'ms wall, CC', threads, ...referenceSkip(), summary, results }, null, 2) + '\n');
console.log('wrote bench/results/pc2.json');
