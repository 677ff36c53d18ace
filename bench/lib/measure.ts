// A child process's wall time, CPU time and peak RSS, measured from outside with GNU time
// (/usr/bin/time -f), so the reference oracle's figures are taken the same way as ours. Without
// GNU time the child still runs and only the wall time is known (cpu and RSS are null).
// Lives under bench/lib/ so bench/run.ts does not run it on its own.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

export interface Measured {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  /** user + system CPU time of the child and its waited-for descendants */
  readonly cpuMs: number | null;
  readonly maxRssMiB: number | null;
}

export function runMeasured(cmd: string, args: readonly string[], o: { env?: NodeJS.ProcessEnv; maxBuffer?: number } = {}): Measured {
  const opts: SpawnSyncOptions = { encoding: 'utf8', env: o.env ?? process.env, maxBuffer: o.maxBuffer ?? 64 << 20 };
  const t0 = performance.now();
  if (!existsSync(GNU_TIME)) {
    const r = spawnSync(cmd, args, opts);
    if (r.error) throw r.error;
    return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr), wallMs: performance.now() - t0, cpuMs: null, maxRssMiB: null };
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-time-'));
  try {
    const out = join(dir, 'time');
    const r = spawnSync(GNU_TIME, ['-o', out, '-f', '%e %U %S %M', cmd, ...args], opts);
    const wallMs = performance.now() - t0;
    if (r.error) throw r.error;
    const f = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    return {
      status: r.status,
      stdout: String(r.stdout),
      stderr: String(r.stderr),
      wallMs,
      cpuMs: (f[1]! + f[2]!) * 1000,
      maxRssMiB: f[3]! / 1024,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Load average and the CPU facts every result carries. */
export function machine(): Record<string, unknown> {
  let flags: string[] = [];
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags'));
    const all = new Set(line ? line.split(':')[1]!.trim().split(/\s+/) : []);
    flags = ['sha_ni', 'avx2', 'bmi2', 'adx', 'avx512f', 'avx512ifma'].filter((f) => all.has(f));
  } catch {
    // not Linux: flags stay empty
  }
  return {
    cpuModel: os.cpus()[0]?.model,
    cores: os.cpus().length,
    relevantFlags: flags,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
  };
}
