// bin/sealer-recover.js sizes libuv's thread pool before the pool starts (docs/operator-guide.md#threads):
// the recover of the bundled devnet runs in a child process whose thread count is watched through
// /proc while it works. libuv starts every pool thread at once, so the peak shows the pool's size.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { threadPoolSize, threadsNeeded } from '../../src/platform/thread-pool.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'sealer-recover.js');
const tmp = mkdtempSync(join(tmpdir(), 'sealer-recover-pool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a 2KiB devnet recovery; returns the report and the most threads the process had at once. */
async function recoverWatched(name: string, poolEnv: string | undefined, parallel: number) {
  const env: NodeJS.ProcessEnv = { ...process.env, FIL_PROOFS_PARENT_CACHE: join(tmp, 'parents') };
  delete env.UV_THREADPOOL_SIZE; // the test runner's own setting must not leak into the child
  if (poolEnv !== undefined) env.UV_THREADPOOL_SIZE = poolEnv;
  const dir = join(tmp, name);
  const child = spawn(
    process.execPath,
    [bin, '--devnet', '--miner', 'f01000', '--sectors', '1-2', '--parallel', String(parallel), '--sealing-result', join(dir, 'sector'), '--sealing-temp', join(dir, 'temp'), '--json'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  let peak = 0;
  const watch = setInterval(() => {
    try {
      const m = /^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch {
      // the process has exited
    }
  }, 5);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(watch);
  expect(code, err).toBe(0);
  return { report: JSON.parse(out) as { machine: { uvThreadpoolSize: number } }, peak, err };
}

describe('libuv thread pool', () => {
  it.runIf(process.platform === 'linux')('the CLI starts 64 pool threads unless UV_THREADPOOL_SIZE says otherwise', async () => {
    const dflt = await recoverWatched('default', undefined, 2);
    expect(dflt.report.machine.uvThreadpoolSize).toBe(64);
    expect(dflt.peak).toBeGreaterThanOrEqual(64);

    const own = await recoverWatched('own', '6', 2);
    expect(own.report.machine.uvThreadpoolSize).toBe(6);
    expect(own.peak).toBeLessThan(40); // main + V8 platform + 6 pool threads, far below 64
    expect(own.err).not.toMatch(/UV_THREADPOOL_SIZE=6 is too small/);
  });

  it('a pool smaller than --parallel needs is reported with the fix', async () => {
    const small = await recoverWatched('small', '4', 3);
    expect(small.err).toMatch(/UV_THREADPOOL_SIZE=4 is too small for --parallel 3.*set UV_THREADPOOL_SIZE=6 or more/);
  });

  it('reads the size as libuv does: unset or junk → 4, capped at 1024', () => {
    expect(threadPoolSize({})).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: 'lots' })).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '0' })).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '16' })).toBe(16);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '5000' })).toBe(1024);
    expect(threadsNeeded(1)).toBe(4);
  });
});
