// What the queue says about every sector: its state (waiting / active on a worker at a stage /
// recovered / mismatch / failed / retrying), the totals and an ETA, and the run report in the shape
// `recover --json` writes, built from the outcomes the workers left in the jobs (docs/queue.md#status).
import type { Job, Queue } from 'bullmq';
import { newReport, type RunReport, type SectorReport, type SectorStatus } from '../recover/report.js';
import type { JobData, JobOutcome, JobProgressInfo } from './job.js';
import type { QueueTarget } from './url.js';

export type QueueState = 'waiting' | 'active' | 'retrying' | 'recovered' | 'mismatch' | 'failed';

export interface SectorQueueState {
  readonly miner: string;
  readonly sector: string;
  readonly job: string;
  readonly state: QueueState;
  /** the worker that holds it (active) or finished it */
  readonly worker?: string;
  readonly stage?: string;
  readonly percent?: number;
  readonly layer?: number;
  /** where it was published (recovered) */
  readonly path?: string;
  /** why it failed (failed, mismatch, or the last failure before a retry) */
  readonly reason?: string;
  /** failed attempts + runs lost to a dead worker */
  readonly retried: number;
  readonly attempts: number;
  readonly stalled: number;
  readonly durationMs?: number;
}

export interface QueueTotals {
  readonly sectors: number;
  readonly waiting: number;
  readonly active: number;
  readonly retrying: number;
  readonly recovered: number;
  readonly mismatch: number;
  readonly failed: number;
}

export interface QueueStatus {
  readonly queue: string;
  readonly at: string;
  readonly workers: readonly string[];
  readonly totals: QueueTotals;
  /** mean wall time of a recovered sector on this queue */
  readonly meanSectorMs?: number;
  /** rough: unfinished sectors × mean time ÷ live workers; absent until one sector is done */
  readonly etaSeconds?: number;
  readonly sectors: readonly SectorQueueState[];
  /** nothing waiting, active or retrying */
  readonly settled: boolean;
}

/** `status --json`: recover's report plus where each sector stands in the queue (docs/queue.md#status). */
export type QueueReport = RunReport & { queue: QueueStatus };

type AnyJob = Job<JobData, JobOutcome>;

export async function collectStatus(q: Queue<JobData, JobOutcome>, target: QueueTarget, version: string, now = new Date()): Promise<{ status: QueueStatus; report: QueueReport }> {
  const groups: [QueueState, string[]][] = [
    ['waiting', ['wait', 'prioritized', 'paused', 'waiting-children']],
    ['active', ['active']],
    ['retrying', ['delayed']],
    ['recovered', ['completed']],
    ['failed', ['failed']],
  ];
  const seen = new Set<string>();
  const rows: { s: SectorQueueState; job: AnyJob }[] = [];
  for (const [state, types] of groups) {
    const jobs = (await q.getJobs(types as never, 0, -1, true)) as AnyJob[];
    for (const job of jobs) {
      if (!job?.id || seen.has(job.id)) continue;
      seen.add(job.id);
      rows.push({ s: stateOf(job, state), job });
    }
  }
  rows.sort((a, b) => (a.job.opts.priority ?? 0) - (b.job.opts.priority ?? 0) || cmpSector(a.s, b.s));
  // BullMQ names a worker's connection "<prefix>:<queue>:w:<worker name>" (CLIENT LIST)
  const clients = (await q.getWorkers()) as { rawname?: string }[];
  const workers = [...new Set(clients.map((c) => c.rawname?.split(':w:')[1] ?? '(unnamed)'))].sort();
  const totals = { sectors: rows.length, waiting: 0, active: 0, retrying: 0, recovered: 0, mismatch: 0, failed: 0 };
  for (const r of rows) totals[r.s.state]++;
  const done = rows.filter((r) => r.s.state === 'recovered' && r.s.durationMs !== undefined).map((r) => r.s.durationMs!);
  const meanSectorMs = done.length ? Math.round(done.reduce((a, b) => a + b, 0) / done.length) : undefined;
  const left = totals.waiting + totals.active + totals.retrying;
  const etaSeconds = meanSectorMs !== undefined && left > 0 ? Math.round((left * meanSectorMs) / 1000 / Math.max(1, workers.length)) : undefined;
  const status: QueueStatus = {
    queue: target.display,
    at: now.toISOString(),
    workers,
    totals,
    ...(meanSectorMs !== undefined ? { meanSectorMs } : {}),
    ...(etaSeconds !== undefined ? { etaSeconds } : {}),
    sectors: rows.map((r) => r.s),
    settled: left === 0,
  };
  return { status, report: reportOf(rows, status, version) };
}

/** the replica a worker published: sealed/ for a sealed sector, update/ for a snap-upgraded one */
const publishedPath = (o: JobOutcome | undefined): string | undefined => o?.sector.paths?.sealed ?? o?.sector.paths?.update;

const cmpSector = (a: SectorQueueState, b: SectorQueueState) => (a.miner === b.miner ? Number(BigInt(a.sector) - BigInt(b.sector)) : a.miner < b.miner ? -1 : 1);

function stateOf(job: AnyJob, group: QueueState): SectorQueueState {
  const d = job.data;
  const outcome: JobOutcome | undefined = group === 'recovered' ? job.returnvalue : d?.outcome;
  const stalled = job.stalledCounter ?? 0;
  const base = {
    miner: d?.miner ?? '?',
    sector: d?.record?.sectorNumber ?? '?',
    job: job.id!,
    attempts: job.attemptsMade,
    stalled,
    retried: Math.max(0, job.attemptsMade - (group === 'failed' || group === 'recovered' ? 1 : 0)) + stalled,
  };
  const duration = job.finishedOn && job.processedOn ? { durationMs: job.finishedOn - job.processedOn } : {};
  if (group === 'active') {
    const p = (typeof job.progress === 'object' ? job.progress : undefined) as JobProgressInfo | undefined;
    return {
      ...base,
      state: 'active',
      ...(job.processedBy ? { worker: job.processedBy } : p?.worker ? { worker: p.worker } : {}),
      ...(p ? { stage: p.stage, percent: p.percent, ...(p.layer !== undefined ? { layer: p.layer } : {}) } : {}),
    };
  }
  if (group === 'recovered') {
    return { ...base, state: 'recovered', ...(outcome?.worker ? { worker: outcome.worker } : {}), ...(publishedPath(outcome) ? { path: publishedPath(outcome)! } : {}), ...duration };
  }
  if (group === 'failed') {
    const mismatch = outcome?.sector.status === 'mismatch';
    return { ...base, state: mismatch ? 'mismatch' : 'failed', ...(outcome?.worker ? { worker: outcome.worker } : {}), reason: outcome?.sector.reason ?? job.failedReason ?? 'failed', ...duration };
  }
  if (group === 'retrying') return { ...base, state: 'retrying', ...(job.failedReason ? { reason: job.failedReason } : {}) };
  return { ...base, state: 'waiting', ...(job.failedReason && base.retried ? { reason: job.failedReason } : {}) };
}

/** The run report as `recover --json` shapes it: finished sectors as their worker reported them. */
function reportOf(rows: readonly { s: SectorQueueState; job: AnyJob }[], status: QueueStatus, version: string): QueueReport {
  const first = rows[0]?.job.data;
  const report = newReport(version, {
    source: first?.source ?? 'queue',
    miner: first?.miner ?? '',
    sealer: 'queue',
    parallel: status.workers.length,
    sealingTemp: '(each worker its own)',
    sealingResult: '(each worker its own)',
  });
  report.sectors = rows.map(({ s, job }) => {
    const outcome: JobOutcome | undefined = s.state === 'recovered' ? job.returnvalue : s.state === 'mismatch' || s.state === 'failed' ? job.data.outcome : undefined;
    if (outcome) return { ...outcome.sector, ...(s.state === 'failed' && s.reason ? { reason: s.reason } : {}) };
    const rep: SectorReport = { miner: s.miner, sector: s.sector, status: s.state === 'failed' ? 'failed' : 'skipped', reason: pendingReason(s) };
    return rep;
  });
  const summary: Record<SectorStatus, number> = { recovered: 0, mismatch: 0, failed: 0, skipped: 0 };
  for (const s of report.sectors) summary[s.status]++;
  report.summary = summary;
  report.finishedAt = status.at;
  return { ...report, queue: status };
}

function pendingReason(s: SectorQueueState): string {
  switch (s.state) {
    case 'waiting':
      return s.retried ? `waiting in the queue (retried ${s.retried} time(s); last: ${s.reason ?? 'worker lost'})` : 'waiting in the queue';
    case 'active':
      return `active on worker ${s.worker ?? '?'}${s.stage ? ` at ${s.stage} ${s.percent ?? 0}%` : ''}`;
    case 'retrying':
      return `waiting to retry after: ${s.reason ?? 'a failure'}`;
    default:
      return s.reason ?? s.state;
  }
}

/** Every sector recovered (and at least one sector in the queue). */
export const allQueueRecovered = (s: QueueStatus): boolean => s.totals.sectors > 0 && s.totals.recovered === s.totals.sectors;

export function renderStatus(s: QueueStatus): string {
  const rows = [['sector', 'state', 'worker', 'detail']];
  for (const x of s.sectors) {
    const detail =
      x.state === 'active'
        ? `${x.stage ?? 'starting'}${x.layer !== undefined ? ` layer ${x.layer}` : ''} ${x.percent ?? 0}%`
        : x.state === 'recovered'
          ? (x.path ?? '')
          : (x.reason ?? '');
    const retried = x.retried ? ` (retried ${x.retried}×)` : '';
    rows.push([`${x.miner}/${x.sector}`, x.state + retried, x.worker ?? '', detail.replace(/\s*\n\s*/g, ' ')]);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ').trimEnd());
  const t = s.totals;
  const eta = s.etaSeconds !== undefined ? `, ETA ~${fmtDuration(s.etaSeconds)}` : '';
  lines.push('');
  lines.push(`${t.sectors} sectors: ${t.recovered} recovered, ${t.active} active, ${t.waiting} waiting, ${t.retrying} retrying, ${t.mismatch} mismatch, ${t.failed} failed; ${s.workers.length} worker(s) connected${eta}`);
  lines.push(`queue ${s.queue} at ${s.at}`);
  return lines.join('\n');
}

function fmtDuration(sec: number): string {
  if (sec < 90) return `${sec}s`;
  if (sec < 5400) return `${Math.round(sec / 60)}min`;
  return `${(sec / 3600).toFixed(1)}h`;
}
