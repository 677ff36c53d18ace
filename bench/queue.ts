// The queue's cost, measured side by side in one run on the bundled devnets: `recover` on one
// machine vs `enqueue` + 1 worker vs `enqueue` + 3 workers (separate processes, a redis-server of our
// own on loopback), for the 2KiB devnet (sectors 1-4) and the 8MiB devnet (sectors 1 and 5).
// Wall time runs from starting the recover / worker processes to the last sector recovered; the
// per-job overhead is the queue's extra time per sector over `recover` with one worker, and the
// in-job overhead is a job's processing time minus the pipeline's own total for that sector.
// Usage: npx tsx bench/queue.ts   → table on stdout, JSON in bench/results/queue.json
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { runEnqueue } from '../src/cli/commands/enqueue.js';
import { hasRedis, startRedis } from '../test/queue/helpers/redis.js';
import { settled, spawnWorker, stopWorkers, streams, waitFor } from '../test/queue/helpers/cluster.js';
import type { SummaryRow } from './lib/summary.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const out = join(here, 'results', 'queue.json');
mkdirSync(join(here, 'results'), { recursive: true });

if (!hasRedis()) {
  writeFileSync(out, JSON.stringify({ skipped: 'redis-server not installed' }, null, 2));
  console.log('skipped: redis-server not installed');
  process.exit(0);
}

const cases = [
  { name: '2KiB ×4', devnet: join(root, 'fixtures', 'devnet', 'network.json'), sectors: ['1', '2', '3', '4'], pieceDir: join(root, 'fixtures', 'devnet', 'pieces') },
  { name: '8MiB ×2', devnet: join(root, 'fixtures', 'devnet', 'network-8mib.json'), sectors: ['1', '5'] },
];

const server = await startRedis();
const base = await mkdtemp(join(tmpdir(), 'bench-queue-'));
const env = { FIL_PROOFS_PARENT_CACHE: join(base, 'parents') };
const summary: SummaryRow[] = [];
const rows: Record<string, unknown>[] = [];
let db = 0;
try {
  for (const c of cases) {
    // parents cache made once, outside every timer
    spawnSync(process.execPath, [join(root, 'bin', 'sealer-recover.js'), 'recover', '--devnet', c.devnet, '--miner', 'f01000', c.sectors[0]!, '--sealing-result', join(base, 'warm-r', String(db)), '--sealing-temp', join(base, 'warm-t', String(db))], { env: { ...process.env, ...env }, stdio: 'ignore' });

    const t0 = performance.now();
    const solo = spawnSync(
      process.execPath,
      [join(root, 'bin', 'sealer-recover.js'), 'recover', '--devnet', c.devnet, '--miner', 'f01000', ...c.sectors, ...(c.pieceDir ? ['--piece-dir', c.pieceDir] : []), '--sealing-result', join(base, `solo-r-${db}`), '--sealing-temp', join(base, `solo-t-${db}`), '--json'],
      { env: { ...process.env, ...env }, encoding: 'utf8' },
    );
    const soloMs = performance.now() - t0;
    if (solo.status !== 0) throw new Error(`recover failed: ${solo.stderr}`);

    const queued: Record<number, { wallMs: number; inJobMs: number }> = {};
    for (const n of [1, 3]) {
      const url = server.url(++db);
      const r = new Redis(url);
      await r.flushdb();
      r.disconnect();
      const s = streams();
      await runEnqueue({ queue: url, devnet: c.devnet, miner: 'f01000', numbers: c.sectors, ...(c.pieceDir ? { pieceDir: c.pieceDir } : {}), json: true }, { stdout: s.out.s, stderr: s.err.s, env: {}, tty: false, cwd: base });
      const t1 = performance.now();
      const ws = Array.from({ length: n }, (_, i) => spawnWorker(`b${db}-${i}`, url, base, env));
      const { report, status } = await waitFor(url, settled, 600_000, 50);
      const wallMs = performance.now() - t1;
      await stopWorkers(ws);
      if (status.totals.recovered !== c.sectors.length) throw new Error(`not all recovered: ${JSON.stringify(status.sectors)}`);
      // time a job held a worker beyond what the pipeline itself reports for the sector
      const inJob = status.sectors.map((x) => (x.durationMs ?? 0) - (report.sectors.find((y) => y.sector === x.sector)?.timings?.totalMs ?? 0));
      queued[n] = { wallMs, inJobMs: inJob.reduce((a, b) => a + b, 0) / inJob.length };
    }
    const perJob = (queued[1]!.wallMs - soloMs) / c.sectors.length;
    rows.push({ case: c.name, recoverMs: Math.round(soloMs), queue1Ms: Math.round(queued[1]!.wallMs), queue3Ms: Math.round(queued[3]!.wallMs), overheadPerJobMs: Math.round(perJob), inJobOverheadMs: Math.round(queued[1]!.inJobMs) });
    summary.push({ case: c.name, metric: '3 workers vs 1 (wall-time ratio)', value: queued[1]!.wallMs / queued[3]!.wallMs, unit: '×' });
    summary.push({ case: c.name, metric: 'queue overhead per job (1 worker vs recover)', value: perJob, unit: 'ms' });
  }
} finally {
  await server.stop();
  await rm(base, { recursive: true, force: true });
}
console.table(rows);
writeFileSync(out, JSON.stringify({ rows, summary }, null, 2) + '\n');
