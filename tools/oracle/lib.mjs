// Build and run the reference oracle binary (shared by run.mjs and vectors.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const manifest = path.join(here, 'Cargo.toml');
const binary = path.join(here, 'target', 'release', process.platform === 'win32' ? 'oracle.exe' : 'oracle');

function fail(msg) {
  process.stderr.write(`oracle: ${msg}\n`);
  process.exit(2);
}

function hasHwloc() {
  const r = spawnSync('pkg-config', ['--exists', 'hwloc'], { stdio: 'ignore' });
  return r.status === 0;
}

export function buildOracle({ quiet = false } = {}) {
  const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
  if (cargo.error || cargo.status !== 0) {
    fail('cargo not found: install Rust (https://rustup.rs) to build the reference oracle');
  }
  const args = ['build', '--release', '--locked', '--manifest-path', manifest];
  if (!hasHwloc()) {
    process.stderr.write(
      'oracle: hwloc not found (apt-get install libhwloc-dev); building without multicore-sdr, bench will use the single-core labeler\n',
    );
    args.push('--no-default-features');
  }
  const jobs = process.env.ORACLE_CARGO_JOBS ?? '2';
  args.push('-j', jobs);
  const r = spawnSync('cargo', args, { stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
  if (r.status !== 0) fail(`cargo build failed (exit ${r.status})`);
  if (!existsSync(binary)) fail(`cargo build succeeded but ${binary} is missing`);
  return binary;
}

export function runOracle(args, { stdio = 'inherit' } = {}) {
  const r = spawnSync(binary, args, { stdio, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return r;
}

