// A queue worker: takes sector jobs and runs each through the single-machine pipeline
// (recoverSectors: pre-flight, resumable work dir, CommR gate, atomic publish) into this worker's
// own --sealing-result. BullMQ holds the lease: the lock is renewed while the job runs, and a worker
// that dies (kill -9, power) stops renewing it, so the stalled-job check of any other worker moves
// the job back to the queue (docs/queue.md#leases). Outcomes: recovered → completed; mismatch →
// failed for good (re-sealing the same inputs gives the same CommR); anything else → retried with
// exponential backoff up to the job's attempts.
import { hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { formatMinerAddress } from '../chain/address.js';
import { recoverSectors } from '../recover/recover.js';
import type { Sealer } from '../recover/sealer.js';
import type { Logger } from '../recover/logger.js';
import type { HostProbe } from '../recover/preflight.js';
import type { SectorReport } from '../recover/report.js';
import type { ProofsSettings } from '../sector/settings.js';
import { sectorName } from '../sector/storage-layout.js';
import { connectionOptions } from './connect.js';
import { decodePayload } from './payload.js';
import type { JobData, JobOutcome, JobProgressInfo } from './job.js';
import { KEY_PREFIX, QUEUE_NAME } from './names.js';
import type { QueueTarget } from './url.js';

export interface LeaseTiming {
  /** how long a job's lock lives without renewal (renewed every half of it) */
  readonly lockMs: number;
  /** how often this worker looks for jobs whose lock expired */
  readonly stalledMs: number;
  /** a job that stalls more often than this fails (a sector that kills its worker every time) */
  readonly maxStalled: number;
}

export const DEFAULT_LEASE: LeaseTiming = { lockMs: 60_000, stalledMs: 30_000, maxStalled: 3 };

export interface WorkerOptions {
  readonly target: QueueTarget;
  /** shown by `status` as the job's worker */
  readonly name?: string;
  readonly tempRoot: string;
  readonly resultRoot: string;
  /** sectors in flight on this worker */
  readonly concurrency: number;
  readonly settings: ProofsSettings;
  readonly pieceDir?: string;
  readonly unsealedDir?: string;
  readonly keepPrecommitFiles?: boolean;
  readonly sealer: Sealer;
  readonly logger: Logger;
  readonly probe?: HostProbe;
  readonly lease?: LeaseTiming;
  readonly version: string;
  /** one line per job start and end, for the operator */
  readonly say: (line: string) => void;
  /** aborted at SIGTERM: stop taking jobs, checkpoint the current ones and release them */
  readonly signal?: AbortSignal;
  /** how long to wait at a stop for Redis to take the jobs back before leaving without it */
  readonly stopGraceMs?: number;
}

export interface WorkerSummary {
  readonly recovered: number;
  readonly mismatch: number;
  readonly failed: number;
  readonly released: number;
}

export const defaultWorkerName = (): string => `${hostname()}-${process.pid}`;

/** Runs until `signal` aborts; resolves when every job this worker held is finished or released. */
export async function runWorker(opts: WorkerOptions): Promise<WorkerSummary> {
  const name = opts.name ?? defaultWorkerName();
  const lease = opts.lease ?? DEFAULT_LEASE;
  const counts = { recovered: 0, mismatch: 0, failed: 0, released: 0 };
  const stopping = () => opts.signal?.aborted === true;

  const processJob = async (job: Job<JobData, JobOutcome>, token?: string, lost?: AbortSignal): Promise<JobOutcome> => {
    const id = job.id ?? '?';
    let decoded;
    try {
      decoded = decodePayload(job.data, id);
    } catch (e) {
      // a payload we cannot read will not read better next time
      throw new UnrecoverableError((e as Error).message);
    }
    const { miner, record } = decoded;
    const label = sectorName(miner.id, record.sectorNumber);
    // the job stops when this worker is asked to stop, or when BullMQ says its lock went elsewhere
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    lost?.addEventListener('abort', onAbort, { once: true });
    if (stopping()) ac.abort();
    const attempt = job.attemptsMade + 1;
    opts.say(`${label}: started (attempt ${attempt}${job.stalledCounter ? `, after ${job.stalledCounter} stalled run(s)` : ''})`);
    const progress = progressReporter(job, name, opts.logger);
    let rep: SectorReport;
    try {
      const report = await recoverSectors(miner, [record], [record.sectorNumber], {
        tempRoot: opts.tempRoot,
        resultRoot: opts.resultRoot,
        parallel: 1,
        settings: opts.settings,
        keepPrecommitFiles: opts.keepPrecommitFiles ?? false,
        ...((opts.pieceDir ?? decoded.pieceDir) ? { pieceDir: (opts.pieceDir ?? decoded.pieceDir)! } : {}),
        ...(opts.unsealedDir ? { unsealedDir: opts.unsealedDir } : {}),
        sealer: opts.sealer,
        logger: opts.logger,
        events: progress,
        signal: ac.signal,
        ...(opts.probe ? { probe: opts.probe } : {}),
        version: opts.version,
        source: `queue ${opts.target.display} (${decoded.source})`,
      });
      rep = report.sectors[0]!;
    } catch (e) {
      // what the pipeline throws rather than reports (a refused pre-flight, an unreadable result
      // path) is this attempt's failure, retried like any other; a stop request still releases
      rep = { miner: formatMinerAddress(miner), sector: String(record.sectorNumber), status: 'failed', reason: (e as Error).message };
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      lost?.removeEventListener('abort', onAbort);
      progress.flush();
    }
    const outcome: JobOutcome = { worker: name, sector: rep };
    const already = rep.status === 'skipped' && rep.kind === 'already-present';
    if (rep.status === 'recovered' || already) {
      counts.recovered++;
      opts.say(`${label}: recovered → ${rep.paths?.sealed ?? rep.paths?.update ?? opts.resultRoot}${already ? ' (already there)' : ''}`);
      return outcome;
    }
    if (ac.signal.aborted) {
      // checkpointed in the work dir; back to the queue without using up an attempt
      counts.released++;
      if (lost?.aborted) {
        opts.say(`${label}: lock lost to another worker; stopped (its work dir stays for a resume)`);
        throw new Error(`lock lost by worker ${name}`);
      }
      opts.say(`${label}: stopping; released to the queue (this worker's work dir keeps the checkpoint)`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    await job.updateData({ ...job.data, outcome });
    if (rep.status === 'mismatch') {
      counts.mismatch++;
      opts.say(`${label}: MISMATCH — ${rep.reason} (not retried)`);
      throw new UnrecoverableError(rep.reason ?? 'CommR mismatch');
    }
    counts.failed++;
    const left = (job.opts.attempts ?? 1) - attempt;
    opts.say(`${label}: failed — ${rep.reason}${left > 0 ? ` (${left} attempt(s) left, with backoff)` : ' (no attempts left)'}`);
    throw new Error(rep.reason ?? 'failed');
  };

  const worker = new Worker<JobData, JobOutcome>(QUEUE_NAME, processJob, {
    connection: connectionOptions(opts.target, 'worker'),
    prefix: KEY_PREFIX,
    name,
    concurrency: opts.concurrency,
    lockDuration: lease.lockMs,
    stalledInterval: lease.stalledMs,
    maxStalledCount: lease.maxStalled,
    autorun: false,
  });
  // Redis answered that a job's lock is no longer ours: another worker may have it by now, so stop
  // ours at once rather than publish a second copy (docs/queue.md#leases).
  worker.on('lockRenewalFailed', (ids: string[]) => {
    for (const id of ids) worker.cancelJob(id, 'lock lost');
  });
  let lastError = '';
  worker.on('error', (e: Error) => {
    // connection trouble repeats every retry; say it once per distinct message
    if (e.message !== lastError) opts.logger.warn({ err: e.message, queue: opts.target.display }, 'queue connection problem (retrying)');
    lastError = e.message;
  });
  opts.say(`worker ${name}: taking jobs from ${opts.target.display} (concurrency ${opts.concurrency}, results into ${opts.resultRoot})`);
  const running = worker.run();
  await new Promise<void>((resolve) => {
    if (stopping()) resolve();
    opts.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  // stop fetching; the jobs in hand see the same signal, checkpoint and move back to the queue
  const grace = opts.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  if (!(await within(worker.close(), grace))) {
    // Redis is unreachable: the jobs cannot be handed back. Their leases expire and other workers
    // (or this one, back with the same --sealing-temp) take them from their checkpoints.
    opts.say(`could not hand the jobs in hand back to ${opts.target.display} within ${grace} ms (unreachable?); stopping without it: their leases expire and they are retried`);
    await within(worker.close(true), 2000);
    await within(worker.disconnect(), 2000);
  }
  await within(running, 2000);
  return counts;
}

/** How long a stopping worker waits for Redis to take its jobs back. */
export const DEFAULT_STOP_GRACE_MS = 30_000;

/** true when `p` settled within `ms` */
const within = (p: Promise<unknown>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.then(
      () => (clearTimeout(t), resolve(true)),
      () => (clearTimeout(t), resolve(true)),
    );
  });

/** SectorEvents that write stage + percent into the job, at most about once a second per job. */
function progressReporter(job: Job<JobData, JobOutcome>, worker: string, log: Logger) {
  let last: JobProgressInfo | undefined;
  let sentAt = 0;
  let pending: Promise<void> = Promise.resolve();
  const send = (p: JobProgressInfo, force: boolean) => {
    const now = Date.now();
    if (!force && last && last.stage === p.stage && now - sentAt < 1000) {
      last = p;
      return;
    }
    last = p;
    sentAt = now;
    pending = pending.then(() => job.updateProgress(p as unknown as object)).catch((e: Error) => log.debug({ err: e.message }, 'progress not stored'));
  };
  return {
    phase(_name: string, phase: string) {
      if (phase === 'queued' || phase === 'done') return;
      send({ stage: phase, percent: 0, worker }, true);
    },
    progress(_name: string, p: { stage: string; layer?: number; done: number; total: number }) {
      const percent = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
      send({ stage: p.stage, percent, ...(p.layer !== undefined ? { layer: p.layer } : {}), worker }, last?.stage !== p.stage);
    },
    flush() {
      return pending;
    },
  };
}
