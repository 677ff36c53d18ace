// `enqueue`: the coordinator. Resolves every selected sector's record here (the node's token stays
// on this machine), orders them by proving deadline when a node is known, and adds one job per
// sector to the Redis queue that `worker`s take from (docs/queue.md). Same record sources and
// sector selection as `recover`.
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { formatMinerAddress } from '../../chain/address.js';
import type { SectorNumber } from '../../proofs/types.js';
import { minerFor, SOURCE_FLAGS } from '../../records/open-source.js';
import { renderDeadlinePlan } from '../../recover/deadline-order.js';
import { precheckSelection, type SelectionArgs } from '../../recover/sector-selection.js';
import { sectorName } from '../../sector/storage-layout.js';
import { chainFor, expandHome, minerArg, openSource, queueArg, queueOption, selectedSectors, selectionOptions, sourceOptions, splitDevnetArg, type SectorArgs, type SourceArgs } from '../args.js';
import { defineCommand, type CliDeps, type Outcome } from '../command.js';
import { recoveryOrder } from '../../recover/deadline-order.js';

export interface EnqueueArgs extends SectorArgs, SourceArgs, SelectionArgs {
  readonly queue?: string;
  readonly miner?: string;
  readonly avoidOpenDeadline?: boolean;
  readonly pieceDir?: string;
  readonly restart?: boolean;
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly json?: boolean;
}

const whole = (v: unknown, flag: string, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, got ${String(v)}`);
  return n;
};

export async function runEnqueue(given: EnqueueArgs, deps: CliDeps): Promise<Outcome> {
  const args = splitDevnetArg(given);
  const target = queueArg(args.queue, deps.env);
  precheckSelection(args);
  const { DEFAULT_RETRY, enqueueRecords, openQueue } = await import('../../queue/enqueue.js');
  const retry = {
    attempts: args.attempts === undefined ? DEFAULT_RETRY.attempts : whole(args.attempts, '--attempts', 1),
    backoffMs: args.backoffMs === undefined ? DEFAULT_RETRY.backoffMs : whole(args.backoffMs, '--backoff-ms', 0),
  };
  const requestedMiner = minerArg(args.miner);
  const source = await openSource(args, deps.env, requestedMiner);
  if (!source) throw new UsageError(`no source of sector records: give ${SOURCE_FLAGS}, or --miner <f0…> with FULLNODE_API_INFO set to read the chain`);
  try {
    const miner = minerFor(source, requestedMiner);
    const { chain, nodeProblem } = await chainFor(source, deps.env, args.faulty === true);
    const selection = await selectedSectors(args, chain, miner, { required: true });
    if (selection.numbers.length === 0) {
      deps.stdout.write(`${formatMinerAddress(miner)} has no faulty or recovering sectors on chain: nothing to enqueue\n`);
      return 'ok';
    }
    const plan = await recoveryOrder(chain, miner, selection.numbers, args.avoidOpenDeadline === true, nodeProblem);
    if (!args.json) deps.stderr.write(`${renderDeadlinePlan(plan)}\n`);
    const numbers = plan.sectors.map((s) => BigInt(s.sector) as SectorNumber);
    const got = await source.recoveryRecords(miner, numbers);
    const q = await openQueue(target);
    let rows;
    try {
      rows = await enqueueRecords(q, miner, got.records, {
        restart: args.restart ?? false,
        retry,
        source: source.description,
        ...(args.pieceDir ? { pieceDir: expandHome(args.pieceDir) } : {}),
      });
    } finally {
      await q.close();
    }
    const failed = [...got.failed].map(([n, reason]) => ({ sector: String(n), job: sectorName(miner.id, n as SectorNumber), reason }));
    if (args.json) {
      deps.stdout.write(`${JSON.stringify({ queue: target.display, miner: formatMinerAddress(miner), order: plan, jobs: rows, noRecord: failed }, null, 2)}\n`);
    } else {
      const say = { added: 'added', exists: 'already queued', restarted: 'restarted', active: 'being worked on: left alone' } as const;
      for (const r of rows) deps.stdout.write(`${r.job}  ${say[r.action]}${r.was ? ` (${r.was === 'completed' ? 'recovered' : r.was})` : ''}\n`);
      for (const f of failed) deps.stdout.write(`${f.job}  NOT queued: ${f.reason}\n`);
      const n = (a: string) => rows.filter((r) => r.action === a).length;
      deps.stdout.write(`${n('added') + n('restarted')} job(s) added to ${target.display}, ${n('exists')} already there${failed.length ? `, ${failed.length} without a record` : ''}; start workers with \`sealer-recover worker --queue …\`\n`);
    }
    return failed.length ? 'incomplete' : 'ok';
  } finally {
    await source.close();
  }
}

export const enqueueCommand = defineCommand<EnqueueArgs>({
  command: 'enqueue [numbers..]',
  describe: 'Queue sectors for recovery by `worker`s on other machines (Redis + BullMQ)',
  builder: (y: Argv) =>
    queueOption(selectionOptions(sourceOptions(y, 'sector records')))
      .positional('numbers', { type: 'string', array: true, describe: 'sector numbers or ranges (100-180) to queue' })
      .option('sectors', { alias: 'sector', type: 'string', array: true, describe: 'sector number, comma list or range 100-180 (repeatable)' })
      .option('miner', { type: 'string', describe: 'miner ID address, e.g. f01000' })
      .option('avoid-open-deadline', { type: 'boolean', default: false, describe: 'sectors whose proving deadline is open right now go last' })
      .option('piece-dir', { type: 'string', describe: 'deal sectors: directory of piece files, as the workers see it (a worker\'s own --piece-dir wins)' })
      .option('restart', { type: 'boolean', default: false, describe: 'queue again sectors that already have a job (recovered, failed, waiting); active ones are left alone' })
      .option('attempts', { type: 'number', describe: 'tries per sector before it fails for good (default 5; a CommR mismatch is never retried)' })
      .option('backoff-ms', { type: 'number', describe: 'wait before the first retry, doubled each time (default 60000)' })
      .option('json', { type: 'boolean', default: false, describe: 'print what was queued as JSON' }) as Argv,
  run: runEnqueue,
});
