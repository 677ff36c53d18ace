// The queue under trouble, with a redis-server of its own (it is restarted): Redis restarted while
// two workers seal → they reconnect and every sector is recovered once; SIGTERM with Redis down →
// the worker still stops; a worker frozen past its lease → it stops before publishing when it
// wakes; SIGTERM mid-PC1 → the worker checkpoints, gives the job back, and resumes it from its
// work dir when it comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEnqueue } from '../../src/cli/commands/enqueue.js';
import { loadVector } from '../helpers/vectors.js';
import { skipUnless } from '../helpers/requires.js';
import { hasRedis, startRedis, type RedisServer } from './helpers/redis.js';
import { exists, root, settled, sha, spawnWorker, stopWorkers, streams, waitFor, type WorkerProc } from './helpers/cluster.js';

const hasSealer = existsSync(join(root, 'native', 'sdr', 'build', 'Release', 'sdr.node'));
const skip = skipUnless(hasRedis(), 'redis-server is not installed (apt-get install redis-server)') || skipUnless(hasSealer, 'the native addon is not built (npm run build:native)');
const net8 = join(root, 'fixtures', 'devnet', 'network-8mib.json');
const vec = { '1': '8MiB-V1_1-cc-f01000-s1', '5': '8MiB-V1_1-cc-f01000-s5' } as const;

describe.skipIf(skip)('queue resilience (own redis-server)', () => {
  let server: RedisServer;
  let base: string;
  let env: NodeJS.ProcessEnv;
  const workers: WorkerProc[] = [];
  beforeAll(async () => {
    server = await startRedis();
    base = await mkdtemp(join(tmpdir(), 'queue-res-'));
    env = { FIL_PROOFS_PARENT_CACHE: join(base, 'parents') };
  });
  afterAll(async () => {
    await stopWorkers(workers);
    await server?.stop();
    await rm(base, { recursive: true, force: true });
  });
  const enqueue = async (q: string, numbers: string[]) => {
    const { out, err } = streams();
    expect(await runEnqueue({ queue: q, miner: 'f01000', devnet: net8, numbers, json: true }, { stdout: out.s, stderr: err.s, env: {}, tty: false, cwd: base })).toBe('ok');
  };

  it('Redis restarted while two workers seal: they reconnect, each sector is recovered exactly once', async () => {
    const q = server.url(1);
    await enqueue(q, ['1', '5']);
    const ws = ['r1', 'r2'].map((n) => spawnWorker(n, q, base, env, ['--lock-ms', '8000']));
    workers.push(...ws);
    await waitFor(q, (s) => s.totals.active >= 1 && s.sectors.some((x) => x.stage === 'pc1'), 60_000, 20);
    await server.restart(1000);
    const { status: st } = await waitFor(q, settled, 90_000);
    expect(st.sectors.map((s) => s.state)).toEqual(['recovered', 'recovered']);
    for (const n of ['1', '5'] as const) {
      const holders = [];
      for (const w of ws) if (await exists(join(w.result, 'sealed', `s-t01000-${n}`))) holders.push(w);
      expect(holders, `sector ${n}: ${ws.map((w) => w.log()).join('\n')}`).toHaveLength(1);
      expect(await sha(join(holders[0]!.result, 'sealed', `s-t01000-${n}`))).toBe(loadVector(vec[n]).files.sealed!.sha256);
    }
    expect(await stopWorkers(ws)).toEqual([130, 130]);
    // both were connected and sealing when Redis went away, and carried on after it came back
    for (const w of ws) expect(w.log()).toMatch(/queue connection problem \(retrying\)[^]*recovered →/);
  });

  it('SIGTERM while Redis is down: the worker still stops (after --stop-grace-ms), leaving the job to its lease', async () => {
    const own = await startRedis();
    try {
      const q = own.url(0);
      await enqueue(q, ['5']);
      const w = spawnWorker('d1', q, base, env, ['--stop-grace-ms', '1000']);
      workers.push(w);
      await waitFor(q, (s) => s.sectors[0]?.state === 'active' && s.sectors[0].stage === 'pc1', 60_000, 20);
      await own.stop();
      const t0 = performance.now();
      w.child.kill('SIGTERM');
      expect(await w.exited()).toBe(130);
      expect(performance.now() - t0).toBeLessThan(15_000);
      expect(w.log()).toContain('could not hand the jobs in hand back');
    } finally {
      await own.stop();
    }
  });

  it('a worker frozen past its lease (SIGSTOP) finds its lock gone when it wakes and stops before publishing; the new holder publishes once', async () => {
    const q = server.url(3);
    await enqueue(q, ['1']);
    const a = spawnWorker('f1', q, base, env);
    workers.push(a);
    await waitFor(q, (s) => s.sectors[0]?.state === 'active' && s.sectors[0].stage === 'pc1', 60_000, 20);
    a.child.kill('SIGSTOP');
    const b = spawnWorker('f2', q, base, env);
    workers.push(b);
    try {
      await waitFor(q, (s) => s.sectors[0]?.state === 'active' && s.sectors[0].worker === 'f2', 60_000, 50);
    } finally {
      a.child.kill('SIGCONT');
    }
    const { status: st } = await waitFor(q, settled, 60_000);
    expect(st.sectors).toMatchObject([{ state: 'recovered', worker: 'f2', stalled: 1 }]);
    expect(await stopWorkers([a, b])).toEqual([130, 130]);
    expect(a.log()).toContain('lock lost to another worker');
    expect(await exists(join(a.result, 'sealed', 's-t01000-1'))).toBe(false);
    expect(await sha(join(b.result, 'sealed', 's-t01000-1'))).toBe(loadVector(vec['1']).files.sealed!.sha256);
  });

  it('SIGTERM mid-PC1: the worker checkpoints and releases the job; back again it resumes from its work dir', async () => {
    const q = server.url(2);
    await enqueue(q, ['1']);
    const a = spawnWorker('g1', q, base, env);
    workers.push(a);
    await waitFor(q, (s) => s.sectors[0]?.state === 'active' && s.sectors[0].stage === 'pc1', 60_000, 20);
    a.child.kill('SIGTERM');
    expect(await a.exited()).toBe(130);
    const { status: between } = await waitFor(q, (s) => s.sectors[0]?.state !== 'active', 10_000);
    // back in the queue at once (no lease expiry, no attempt used up)
    expect(between.sectors).toMatchObject([{ state: 'waiting', attempts: 0, stalled: 0 }]);
    expect(a.log()).toContain('released to the queue');
    expect(await exists(join(a.temp, 's-t01000-1'))).toBe(true);
    const again = spawnWorker('g1', q, base, env);
    workers.push(again);
    const { report } = await waitFor(q, settled, 60_000);
    expect(report.sectors[0]).toMatchObject({ status: 'recovered', resumed: true });
    expect(await sha(join(a.result, 'sealed', 's-t01000-1'))).toBe(loadVector(vec['1']).files.sealed!.sha256);
    await stopWorkers([again]);
  });
});
