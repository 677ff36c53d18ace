// A real redis-server per suite, on a free loopback port, with its own dir under a temp dir and
// append-only persistence (a restart keeps every job, as docs/queue.md asks of a production Redis).
// Without the binary the suites skip locally and fail under CI=true (test/helpers/requires.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_BIN = process.env.REDIS_SERVER ?? 'redis-server';
export const hasRedis = (): boolean => spawnSync(REDIS_BIN, ['--version'], { stdio: 'ignore' }).status === 0;

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:port/db */
  url(db?: number): string;
  /** SHUTDOWN (the AOF is flushed), then start again on the same port and dir */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    REDIS_BIN,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}: ${out}`)), 10_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${out}`));
    });
  });
}

const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));

export async function startRedis(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'sr-redis-'));
  const port = await freePort();
  let child = await launch(port, dir);
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    async restart(downMs = 500) {
      child.kill('SIGTERM');
      await exited(child);
      await new Promise((r) => setTimeout(r, downMs));
      child = await launch(port, dir);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
