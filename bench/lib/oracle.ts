// The reference oracle (tools/oracle: rust-fil-proofs built with cargo) as the benchmarks use it.
// Lives under bench/lib/ so bench/run.ts, which runs every bench/*.ts, does not run it on its own.
// When cargo is on PATH the oracle is (re)built through tools/oracle/lib.mjs — a no-op when up to
// date — so a benchmark never times a stale binary; without cargo a binary that is already built
// is used, and with neither the caller gets a reason to print and skips the reference columns.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMeasured } from './measure.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = join(root, 'tools', 'oracle', 'target', 'release', process.platform === 'win32' ? 'oracle.exe' : 'oracle');

export type OracleBinary = { path: string } | { skipped: string };

let cached: OracleBinary | undefined;

/** Path of an up-to-date oracle binary, or why there is none. Builds at most once per process. */
export function oracleBinary(): OracleBinary {
  if (cached) return cached;
  if (process.env.BENCH_SKIP_REFERENCE) return (cached = { skipped: 'reference skipped (BENCH_SKIP_REFERENCE is set)' });
  // A prebuilt binary (e.g. one shared between worktrees): used as is, never rebuilt.
  if (process.env.ORACLE_BIN) return (cached = existsSync(process.env.ORACLE_BIN) ? { path: process.env.ORACLE_BIN } : { skipped: `ORACLE_BIN ${process.env.ORACLE_BIN} does not exist` });
  const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
  if (cargo.error || cargo.status !== 0) {
    cached = existsSync(binary)
      ? { path: binary }
      : { skipped: 'reference skipped: cargo not found and tools/oracle is not built (install Rust from https://rustup.rs, then `npm run oracle -- bench --proof 6`)' };
    return cached;
  }
  process.stderr.write('building the reference oracle if needed (cargo build --release; a no-op when up to date) …\n');
  const build = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import { buildOracle } from ${JSON.stringify(join(root, 'tools', 'oracle', 'lib.mjs'))}; buildOracle({ quiet: true });`],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  cached =
    build.status === 0 && existsSync(binary)
      ? { path: binary }
      : { skipped: `reference skipped: building tools/oracle failed (exit ${build.status}); run \`npm run oracle -- bench --proof 6\` to see why` };
  return cached;
}

/** Runs the oracle with `args` and parses the last line of its stdout as JSON. */
export function runOracleJson<T>(bin: string, args: readonly string[]): T {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`oracle ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-400)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

/** Same, with the oracle's wall time, CPU time and peak RSS measured from outside (lib/measure.ts). */
export function runOracleMeasured<T>(
  bin: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): { json: T; wallMs: number; cpuMs: number | null; maxRssMiB: number | null } {
  const r = runMeasured(bin, args, { env });
  if (r.status !== 0) throw new Error(`oracle ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-400)}`);
  return { json: JSON.parse(r.stdout.trim().split('\n').pop()!) as T, wallMs: r.wallMs, cpuMs: r.cpuMs, maxRssMiB: r.maxRssMiB };
}
