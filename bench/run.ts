// Runs every benchmark in bench/ (each a standalone script that prints its own table and writes
// bench/results/<name>.json), then merges the results into bench/results/latest.json.
// Usage: npm run bench [-- [--large] name …]   (--large or BENCH_LARGE=1 adds the 512MiB / 1 GiB cases)
// latest.json carries the machine (CPU model, relevant flags, cores, memory) and the load average
// before and after every benchmark: on a shared machine the ratios are only as good as that load.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { machine } from './lib/measure.js';
import type { SummaryRow } from './lib/summary.js';

const here = dirname(fileURLToPath(import.meta.url));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (flags.includes('--large')) process.env.BENCH_LARGE = '1';
// --keep: benchmarks not run this time keep their last bench/results/<name>.json in latest.json
// (each result carries its own date and load), so one benchmark can be re-run alone.
const keep = flags.includes('--keep');
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();

const summary: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: machine(),
  large: Boolean(process.env.BENCH_LARGE),
  loadAverage: {} as Record<string, { before: number[]; after: number[] }>,
  results: {},
};
let failed = 0;
mkdirSync(join(here, 'results'), { recursive: true });
for (const name of scripts) {
  process.stdout.write(`\n=== bench/${name}.ts ===\n`);
  const out = join(here, 'results', `${name}.json`);
  rmSync(out, { force: true }); // never merge a previous run's figures
  const before = os.loadavg().map((x) => +x.toFixed(2));
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], { stdio: 'inherit' });
  (summary.loadAverage as Record<string, unknown>)[name] = { before, after: os.loadavg().map((x) => +x.toFixed(2)) };
  if (r.status !== 0) failed++;
  (summary.results as Record<string, unknown>)[name] =
    r.status === 0 && existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : { error: `exit ${r.status}` };
}
if (keep)
  for (const f of readdirSync(join(here, 'results')).filter((f) => f.endsWith('.json') && f !== 'latest.json')) {
    const name = f.slice(0, -5);
    if (name in (summary.results as Record<string, unknown>)) continue;
    (summary.results as Record<string, unknown>)[name] = { keptFromEarlierRun: true, ...JSON.parse(readFileSync(join(here, 'results', f), 'utf8')) };
  }
// One table of every headline figure (each benchmark's `summary`, bench/lib/summary.ts).
const rows: Array<SummaryRow & { bench: string }> = [];
const skipped: string[] = [];
for (const [bench, r] of Object.entries(summary.results as Record<string, { summary?: SummaryRow[]; skipped?: string; referenceSkipped?: string; error?: string }>)) {
  for (const row of r.summary ?? []) rows.push({ bench, ...row });
  if (r.skipped) skipped.push(`${bench}: ${r.skipped}`);
  if (r.referenceSkipped) skipped.push(`${bench}: ${r.referenceSkipped}`);
  if (r.error) skipped.push(`${bench}: FAILED (${r.error})`);
}
summary.targets = rows;
process.stdout.write('\n=== summary (ratios are ours vs the reference; > 1 = we are faster) ===\n');
console.table(
  rows.map((r) => ({
    bench: r.bench,
    case: r.case,
    metric: r.metric,
    value: `${r.value.toFixed(r.unit === 'MB/s' ? 0 : 2)} ${r.unit}`.trim(),
    target: r.target ?? '',
    met: r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  })),
);
for (const s of skipped) process.stdout.write(`${s}\n`);
writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify(summary, null, 2) + '\n');
process.stdout.write(`\nwrote bench/results/latest.json (${scripts.length} benchmarks, ${failed} failed)\n`);
process.exitCode = failed ? 1 : 0;
