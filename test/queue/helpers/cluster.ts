// Worker processes and queue polling for the queue suites: real `sealer-recover worker` processes
// (bin/sealer-recover.js), the queue read in-process through the same module `status` uses.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { openQueue } from '../../../src/queue/enqueue.js';
import { collectStatus, type QueueStatus } from '../../../src/queue/status.js';
import { parseQueueUrl } from '../../../src/queue/url.js';
import type { RunReport } from '../../../src/recover/report.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const exists = (p: string) => access(p).then(() => true, () => false);
export const sha = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');

export interface WorkerProc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly result: string;
  readonly temp: string;
  log(): string;
  exited(): Promise<number | null>;
}

/** `sealer-recover worker` in its own process with short lease timings (the suite stays fast). */
export function spawnWorker(name: string, url: string, base: string, env: NodeJS.ProcessEnv, extra: string[] = []): WorkerProc {
  const result = join(base, `result-${name}`);
  const temp = join(base, `temp-${name}`);
  const lease = [['--lock-ms', '2000'], ['--stalled-ms', '500']].filter(([flag]) => !extra.includes(flag!)).flat();
  const args = [join(root, 'bin', 'sealer-recover.js'), 'worker', '--queue', url, '--name', name, '--sealing-result', result, '--sealing-temp', temp, ...lease, ...extra];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const done = new Promise<number | null>((r) => child.once('exit', (code, sig) => r(code ?? (sig ? -1 : null))));
  return { name, child, result, temp, log: () => text, exited: () => done };
}

/** SIGTERM (a graceful stop) and the exit code. */
export async function stopWorkers(ws: readonly WorkerProc[]): Promise<(number | null)[]> {
  for (const w of ws) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  return Promise.all(ws.map((w) => w.exited()));
}

/** Polls the queue until `until` holds (default: nothing waiting, active or retrying). */
export async function waitFor(url: string, until: (s: QueueStatus) => boolean, timeoutMs: number, everyMs = 100): Promise<{ status: QueueStatus; report: RunReport }> {
  const target = parseQueueUrl(url);
  const q = await openQueue(target);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await collectStatus(q, target, 'test');
      if (until(got.status)) return got;
      if (Date.now() > deadline) throw new Error(`queue did not reach the expected state in ${timeoutMs} ms: ${JSON.stringify(got.status.sectors)}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  } finally {
    await q.close();
  }
}

export const settled = (s: QueueStatus) => s.totals.sectors > 0 && s.settled;

export function streams() {
  const mk = () => {
    const s = new PassThrough();
    let text = '';
    s.on('data', (c) => (text += c));
    return { s, text: () => text };
  };
  return { out: mk(), err: mk() };
}
