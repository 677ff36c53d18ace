// The queue end to end with a real Redis and real worker processes: three workers recover the
// bundled devnet sectors (each exactly once, files byte-equal to rust-fil-proofs' in
// fixtures/vectors), a tampered record is a final mismatch, a worker killed -9 mid-seal loses its
// lease and another finishes the sector, enqueue is idempotent, and `status --json` has the
// `recover --json` shape. Redis: $SEALER_RECOVER_TEST_REDIS (.ci/run starts one) or a
// redis-server of our own (test/queue/helpers/redis.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runEnqueue } from '../../src/cli/commands/enqueue.js';
import { runStatus } from '../../src/cli/commands/status.js';
import { runRecover } from '../../src/cli/commands/recover.js';
import { loadFamilyVector, loadVector, type SnapVector } from '../helpers/vectors.js';
import { skipUnless } from '../helpers/requires.js';
import { hasRedis, startRedis, type RedisServer } from './helpers/redis.js';
import { exists, root, settled, sha, spawnWorker, stopWorkers, streams, waitFor, type WorkerProc } from './helpers/cluster.js';

const shared = process.env.SEALER_RECOVER_TEST_REDIS;
const hasSealer = existsSync(join(root, 'native', 'sdr', 'build', 'Release', 'sdr.node'));
const skip =
  skipUnless(shared !== undefined || hasRedis(), 'redis-server is not installed (apt-get install redis-server) and SEALER_RECOVER_TEST_REDIS is not set') ||
  skipUnless(hasSealer, 'the native addon is not built (npm run build:native)');

describe.skipIf(skip)('queue: enqueue → workers → status with a real Redis', () => {
  let server: RedisServer | undefined;
  let base: string;
  let env: NodeJS.ProcessEnv;
  const workers: WorkerProc[] = [];
  const url = (db: number) => (shared ? `${shared.replace(/\/\d*$/, '')}/${db}` : server!.url(db));

  beforeAll(async () => {
    if (!shared) server = await startRedis();
    base = await mkdtemp(join(tmpdir(), 'queue-'));
    // one parents cache for every worker of the suite (docs/queue.md#parents-cache)
    env = { FIL_PROOFS_PARENT_CACHE: join(base, 'parents') };
  });
  afterAll(async () => {
    await stopWorkers(workers);
    await server?.stop();
    await rm(base, { recursive: true, force: true });
  });

  async function fresh(db: number): Promise<string> {
    const r = new Redis(url(db));
    await r.flushdb();
    r.disconnect();
    return url(db);
  }
  const enqueue = async (q: string, args: Record<string, unknown>) => {
    const { out, err } = streams();
    const outcome = await runEnqueue({ queue: q, miner: 'f01000', json: true, ...args }, { stdout: out.s, stderr: err.s, env: {}, tty: false, cwd: base });
    return { outcome, json: JSON.parse(out.text()) as { jobs: { job: string; action: string; was?: string }[] } };
  };
  const status = async (q: string) => {
    const { out, err } = streams();
    const outcome = await runStatus({ queue: q, json: true }, { stdout: out.s, stderr: err.s, env: {}, tty: false, cwd: base });
    return { outcome, report: JSON.parse(out.text()) };
  };

  it('3 worker processes recover devnet sectors 1-5 (CC, pre-committed, deal, snap-upgraded), each exactly once, byte-equal to the oracle; enqueue is idempotent; status --json has the recover --json shape', async () => {
    const q = await fresh(1);
    const pieceDir = join(root, 'fixtures', 'devnet', 'pieces');
    const first = await enqueue(q, { devnet: true, numbers: ['1-5'], pieceDir, attempts: 3, backoffMs: 200 });
    expect(first.outcome).toBe('ok');
    // deadline order from the devnet's node: 1 (open now), 2, 4, 5, then 3 (pre-committed, no deadline)
    expect(first.json.jobs.map((j) => [j.job, j.action])).toEqual([['s-t01000-1', 'added'], ['s-t01000-2', 'added'], ['s-t01000-4', 'added'], ['s-t01000-5', 'added'], ['s-t01000-3', 'added']]);
    const again = await enqueue(q, { devnet: true, numbers: ['1-5'] });
    expect(again.json.jobs.map((j) => j.action)).toEqual(['exists', 'exists', 'exists', 'exists', 'exists']);

    const t0 = performance.now();
    const ws = ['a', 'b', 'c'].map((n) => spawnWorker(`w${n}`, q, base, env));
    workers.push(...ws);
    const { status: st } = await waitFor(q, settled, 60_000);
    const wall = performance.now() - t0;
    expect(st.sectors.map((s) => [s.sector, s.state])).toEqual([['1', 'recovered'], ['2', 'recovered'], ['4', 'recovered'], ['5', 'recovered'], ['3', 'recovered']]);

    // each sector published by exactly one worker, into that worker's own result dir
    // (sector 5 is snap-upgraded: its replica is update/s-t01000-5, the oracle's snap vector)
    const names = { 1: '2KiB-V1_1-cc-f01000-s1', 2: '2KiB-V1_1-cc-f01000-s2', 3: '2KiB-V1_1-cc-f01000-s3', 4: '2KiB-V1_1-deal-f01000-s4' } as const;
    const snap = loadFamilyVector<SnapVector>('snap', '2KiB-V1_1-cc-f01000-s5-snap-devnet');
    for (const n of [1, 2, 3, 4, 5] as const) {
      const dir = n === 5 ? 'update' : 'sealed';
      const holders = [];
      for (const w of ws) if (await exists(join(w.result, dir, `s-t01000-${n}`))) holders.push(w);
      expect(holders.map((w) => w.name), `sector ${n}`).toHaveLength(1);
      const want = n === 5 ? snap.files.update.sha256 : loadVector(names[n]).files.sealed!.sha256;
      expect(await sha(join(holders[0]!.result, dir, `s-t01000-${n}`)), `sector ${n}`).toBe(want);
      expect(st.sectors.find((s) => s.sector === String(n))!).toMatchObject({ worker: holders[0]!.name, path: join(holders[0]!.result, dir, `s-t01000-${n}`) });
    }

    const { outcome, report } = await status(q);
    expect(outcome).toBe('ok');
    // the shape of `recover --json`: the same top-level fields and, per sector, what recover writes
    const { out, err } = streams();
    await runRecover(
      { devnet: true, miner: 'f01000', numbers: ['1'], json: true, sealingResult: join(base, 'solo-result'), sealingTemp: join(base, 'solo-temp') },
      { stdout: out.s, stderr: err.s, env, tty: false, cwd: base },
    );
    const solo = JSON.parse(out.text());
    for (const k of ['tool', 'startedAt', 'finishedAt', 'inputs', 'machine', 'sectors', 'summary']) expect(report, k).toHaveProperty(k);
    expect(Object.keys(report.inputs).sort()).toEqual(Object.keys(solo.inputs).sort());
    const s1 = report.sectors.find((s: { sector: string }) => s.sector === '1');
    expect(Object.keys(s1).sort()).toEqual(Object.keys(solo.sectors[0]).sort());
    expect(s1.commR).toEqual(solo.sectors[0].commR);
    expect(report.summary).toEqual({ recovered: 5, mismatch: 0, failed: 0, skipped: 0 });
    expect(report.queue.totals).toMatchObject({ sectors: 5, recovered: 5, waiting: 0, active: 0, failed: 0, mismatch: 0 });
    expect(report.queue.workers).toEqual(['wa', 'wb', 'wc']);

    // a done sector stays done; --restart queues it again
    expect((await enqueue(q, { devnet: true, numbers: ['1'] })).json.jobs).toMatchObject([{ action: 'exists', was: 'completed' }]);
    const codes = await stopWorkers(ws);
    expect(codes).toEqual([130, 130, 130]);
    expect((await enqueue(q, { devnet: true, numbers: ['1'], restart: true })).json.jobs).toMatchObject([{ action: 'restarted', was: 'completed' }]);
    expect((await status(q)).outcome).toBe('incomplete');
    console.log(`3 workers, 5 × 2KiB sectors: ${Math.round(wall)} ms from start of the worker processes to all recovered`);
  });

  it('a record whose SealedCID is not the sector\'s is a mismatch: reported, published nowhere, not retried', async () => {
    const q = await fresh(2);
    // sector 1's ticket and proof with sector 2's SealedCID (the Go tool's export format)
    const file = join(base, 'sectors-recovery-f01000.json');
    const s2 = 'bagboea4b5abcawp52jkqn3fsoqxauuspy5jfcetyxwskyd6pcpix23ue6ysmjjia';
    await writeFile(file, JSON.stringify({ Miner: 'f01000', SectorSize: 2048, SectorInfos: [{ SectorNumber: 1, Ticket: Buffer.alloc(32, 1).toString('base64'), SealProof: 5, SealedCID: { '/': s2 } }] }));
    await enqueue(q, { sectorsRecoveryMetadata: file, numbers: ['1'], attempts: 4, backoffMs: 100 });
    const w = spawnWorker('wm', q, base, env);
    workers.push(w);
    const { status: st } = await waitFor(q, settled, 30_000);
    // not retried: one attempt of four
    expect(st.sectors).toMatchObject([{ sector: '1', state: 'mismatch', attempts: 1, retried: 0, worker: 'wm' }]);
    const { outcome, report } = await status(q);
    expect(outcome).toBe('incomplete');
    expect(report.sectors[0].status).toBe('mismatch');
    // the CommR the oracle computed for sector 1 vs the one sector 2's CID carries
    expect(report.sectors[0].commR.got).toBe(loadVector('2KiB-V1_1-cc-f01000-s1').comm_r);
    expect(report.sectors[0].commR.expected).toBe(loadVector('2KiB-V1_1-cc-f01000-s2').comm_r);
    expect(await exists(join(w.result, 'sealed', 's-t01000-1'))).toBe(false);
    await stopWorkers([w]);
  });

  it('a payload altered in Redis is refused by the worker and failed for good, naming the job', async () => {
    const q = await fresh(5);
    await enqueue(q, { devnet: true, numbers: ['2'], attempts: 3, backoffMs: 100 });
    // someone with access to Redis swaps the CommR: no longer the SealedCID's commitment
    const r = new Redis(q);
    const key = 'sealer-recover:sealer-recover:s-t01000-2';
    const data = JSON.parse((await r.hget(key, 'data'))!);
    data.record.commR = '11'.repeat(32);
    await r.hset(key, 'data', JSON.stringify(data));
    r.disconnect();
    const w = spawnWorker('wp', q, base, env);
    workers.push(w);
    const { status: st } = await waitFor(q, settled, 30_000);
    expect(st.sectors).toMatchObject([{ sector: '2', state: 'failed', attempts: 1 }]);
    expect(st.sectors[0]!.reason).toMatch(/^job s-t01000-2: payload commR 1111.* is not the commitment of sealedCid/);
    expect(await exists(join(w.result, 'sealed', 's-t01000-2'))).toBe(false);
    await stopWorkers([w]);
  });

  it('a failure that is not a mismatch (piece file missing) is retried with backoff up to --attempts, then failed with its reason', async () => {
    const q = await fresh(4);
    // deal sector 4 without a --piece-dir anywhere: every attempt fails while planning
    await enqueue(q, { devnet: true, numbers: ['4'], attempts: 3, backoffMs: 100 });
    const w = spawnWorker('wf', q, base, env);
    workers.push(w);
    const { status: st, report } = await waitFor(q, settled, 30_000);
    expect(st.sectors).toMatchObject([{ sector: '4', state: 'failed', attempts: 3, retried: 2 }]);
    expect(report.sectors[0]!.status).toBe('failed');
    expect(report.sectors[0]!.reason).toMatch(/piece/i);
    expect(w.log().match(/s-t01000-4: failed/g)).toHaveLength(3);
    // exponential backoff: ≥ 100 ms before the second attempt, ≥ 200 ms before the third
    const starts = [...w.log().matchAll(/^(\S+) s-t01000-4: started/gm)].map((m) => Date.parse(m[1]!));
    const ends = [...w.log().matchAll(/^(\S+) s-t01000-4: failed/gm)].map((m) => Date.parse(m[1]!));
    expect(starts[1]! - ends[0]!).toBeGreaterThanOrEqual(100);
    expect(starts[2]! - ends[1]!).toBeGreaterThanOrEqual(200);
    await stopWorkers([w]);
  });

  it('a worker killed -9 mid-PC1 loses its lease; another worker recovers the sector, exactly once', async () => {
    const q = await fresh(3);
    await enqueue(q, { devnet: join(root, 'fixtures', 'devnet', 'network-8mib.json'), numbers: ['1'] });
    const a = spawnWorker('wk', q, base, env);
    workers.push(a);
        const { status: mid } = await waitFor(q, (s) => s.sectors[0]?.state === 'active' && s.sectors[0].stage === 'pc1', 60_000, 20);
    a.child.kill('SIGKILL');
    await a.exited();
    const b = spawnWorker('wr', q, base, env);
    workers.push(b);
    const { status: st } = await waitFor(q, settled, 60_000);
    expect(st.sectors).toMatchObject([{ sector: '1', state: 'recovered', worker: 'wr' }]);
    expect(st.sectors[0]!.stalled).toBe(1);
    expect(st.sectors[0]!.retried).toBe(1);
    expect(await exists(join(a.result, 'sealed', 's-t01000-1'))).toBe(false);
    expect(await sha(join(b.result, 'sealed', 's-t01000-1'))).toBe(loadVector('8MiB-V1_1-cc-f01000-s1').files.sealed!.sha256);
    await stopWorkers([b]);
    console.log(`killed -9 at ${mid.sectors[0]!.stage} ${mid.sectors[0]!.percent}%`);
  });
});
