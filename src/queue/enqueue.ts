// The coordinator side: one job per resolved sector record, id = the sector's name, priority by
// position in the recovery order (soonest proving deadline first when a node gave deadlines).
// Adding a sector that already has a job changes nothing unless `restart` (docs/queue.md#jobs).
import { Queue, type Job } from 'bullmq';
import type { MinerAddress } from '../chain/address.js';
import type { SectorRecord } from '../records/record.js';
import { connectionOptions, unreachable } from './connect.js';
import type { JobData, JobOutcome } from './job.js';
import { KEY_PREFIX, QUEUE_NAME, jobIdOf } from './names.js';
import { encodePayload } from './payload.js';
import type { QueueTarget } from './url.js';

export interface RetryPolicy {
  /** tries per sector before it is failed for good (a mismatch is never retried) */
  readonly attempts: number;
  /** first backoff; doubled at each further failure */
  readonly backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 60_000 };

/** BullMQ's highest priority number (lower = sooner) */
const MAX_PRIORITY = 2_097_152;

export type EnqueueAction = 'added' | 'exists' | 'restarted' | 'active';

export interface EnqueueRow {
  readonly sector: string;
  readonly job: string;
  readonly action: EnqueueAction;
  /** the job's state before this run touched it (exists / restarted / active) */
  readonly was?: string;
  readonly priority: number;
}

export interface EnqueueOptions {
  readonly restart: boolean;
  readonly retry: RetryPolicy;
  readonly source: string;
  readonly pieceDir?: string;
}

/** Opens the queue for a short-lived command (enqueue, status); fails fast with the masked URL. */
export async function openQueue(target: QueueTarget): Promise<Queue<JobData, JobOutcome>> {
  const q = new Queue<JobData, JobOutcome>(QUEUE_NAME, { connection: connectionOptions(target, 'client'), prefix: KEY_PREFIX });
  const errors: Error[] = [];
  q.on('error', (e: Error) => void errors.push(e));
  try {
    await q.waitUntilReady();
    await q.getJobCounts('waiting');
  } catch (e) {
    await q.close().catch(() => undefined);
    throw unreachable(target, errors[0] ?? e);
  }
  return q;
}

/** `records` in recovery order; returns one row per record, in that order. */
export async function enqueueRecords(q: Queue<JobData, JobOutcome>, miner: MinerAddress, records: readonly SectorRecord[], opts: EnqueueOptions): Promise<EnqueueRow[]> {
  const rows: EnqueueRow[] = [];
  for (const [i, r] of records.entries()) {
    const id = jobIdOf(miner.id, r.sectorNumber);
    const priority = Math.min(i + 1, MAX_PRIORITY);
    const existing = (await q.getJob(id)) as Job<JobData, JobOutcome> | undefined;
    let action: EnqueueAction = 'added';
    let was: string | undefined;
    if (existing) {
      was = await existing.getState();
      if (!opts.restart) {
        rows.push({ sector: String(r.sectorNumber), job: id, action: 'exists', was, priority });
        continue;
      }
      if (was === 'active') {
        // a worker holds it; removing it would orphan that worker's run
        rows.push({ sector: String(r.sectorNumber), job: id, action: 'active', was, priority });
        continue;
      }
      await existing.remove();
      action = 'restarted';
    }
    await q.add('recover', encodePayload(miner, r, { source: opts.source, ...(opts.pieceDir ? { pieceDir: opts.pieceDir } : {}) }), {
      jobId: id,
      priority,
      attempts: opts.retry.attempts,
      backoff: { type: 'exponential', delay: opts.retry.backoffMs },
      // kept: `status` and a re-enqueue read what happened to every sector
      removeOnComplete: false,
      removeOnFail: false,
    });
    rows.push({ sector: String(r.sectorNumber), job: id, action, ...(was ? { was } : {}), priority });
  }
  return rows;
}
