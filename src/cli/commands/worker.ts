// `worker`: takes sector jobs from the queue and recovers each with the single-machine pipeline
// into this machine's --sealing-result (docs/queue.md#workers). Runs until SIGTERM / Ctrl-C: then it
// takes no more jobs, checkpoints the sectors in hand and gives them back to the queue.
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../../recover/logger.js';
import { nativeSealer, type Sealer } from '../../recover/sealer.js';
import type { HostProbe } from '../../recover/preflight.js';
import { expandHome, gpuOptionSpec, parallelArg, queueArg, queueOption, settingsArg, treeBuilderArg } from '../args.js';
import { defineCommand, type CliDeps, type Outcome } from '../command.js';
import { packageVersion } from '../package-info.js';

export interface WorkerArgs {
  readonly queue?: string;
  readonly sealingResult: string;
  readonly sealingTemp: string;
  readonly parallel?: number;
  readonly gpu?: string;
  readonly concurrency?: number;
  readonly pieceDir?: string;
  readonly unsealed?: string;
  readonly keepPrecommitFiles?: boolean;
  readonly name?: string;
  readonly lockMs?: number;
  readonly stalledMs?: number;
  readonly maxStalled?: number;
  readonly stopGraceMs?: number;
  readonly logLevel?: LogLevel;
  readonly logFile?: string;
}

export interface WorkerDeps extends CliDeps {
  readonly sealer?: Sealer;
  readonly probe?: HostProbe;
}

const ms = (v: unknown, flag: string, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number of milliseconds ≥ ${min}, got ${String(v)}`);
  return n;
};

const count = (v: unknown, flag: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number ≥ 1, got ${String(v)}`);
  return n;
};

export async function runWorkerCommand(args: WorkerArgs, deps: WorkerDeps): Promise<Outcome> {
  const target = queueArg(args.queue, deps.env);
  if (args.parallel !== undefined && args.concurrency !== undefined && Number(args.parallel) !== Number(args.concurrency)) {
    throw new UsageError('--parallel and --concurrency are the same setting (sectors in flight on this worker); give one');
  }
  const concurrency = parallelArg(args.concurrency ?? args.parallel, args.concurrency !== undefined ? '--concurrency' : '--parallel');
  if (args.name !== undefined && !/^[\w.@-]{1,64}$/.test(args.name)) throw new UsageError('--name: 1-64 letters, digits, _ . @ or -');
  const { DEFAULT_LEASE, runWorker } = await import('../../queue/worker.js');
  const lease = {
    lockMs: args.lockMs === undefined ? DEFAULT_LEASE.lockMs : ms(args.lockMs, '--lock-ms', 1000),
    stalledMs: args.stalledMs === undefined ? DEFAULT_LEASE.stalledMs : ms(args.stalledMs, '--stalled-ms', 500),
    maxStalled: args.maxStalled === undefined ? DEFAULT_LEASE.maxStalled : count(args.maxStalled, '--max-stalled'),
  };
  const log = createLogger({
    level: args.logLevel ?? (args.logFile ? 'info' : 'warn'),
    ...(args.logFile ? { file: expandHome(args.logFile) } : { lines: (line: string) => void deps.stderr.write(`${line}\n`) }),
  });
  // As in recover: the real sealer builds its trees where --gpu says; a stand-in (tests) never probes OpenCL.
  const treeBuilder = deps.sealer ? undefined : await treeBuilderArg(args.gpu, deps.env, (line) => void deps.stderr.write(`sealer-recover: ${line}\n`));
  let summary: Awaited<ReturnType<typeof runWorker>>;
  try {
    summary = await runWorker({
      target,
      ...(args.name ? { name: args.name } : {}),
      tempRoot: expandHome(args.sealingTemp),
      resultRoot: expandHome(args.sealingResult),
      concurrency,
      settings: settingsArg(deps.env),
      ...(args.pieceDir ? { pieceDir: expandHome(args.pieceDir) } : {}),
      ...(args.unsealed ? { unsealedDir: expandHome(args.unsealed) } : {}),
      keepPrecommitFiles: args.keepPrecommitFiles ?? false,
      sealer: deps.sealer ?? nativeSealer(treeBuilder ? { treeBuilder } : {}),
      logger: log,
      ...(deps.probe ? { probe: deps.probe } : {}),
      lease,
      version: packageVersion(),
      say: (line) => void deps.stderr.write(`${new Date().toISOString()} ${line}\n`),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(args.stopGraceMs !== undefined ? { stopGraceMs: ms(args.stopGraceMs, '--stop-grace-ms', 100) } : {}),
    });
  } finally {
    treeBuilder?.close();
  }
  deps.stdout.write(`worker stopped: ${summary.recovered} recovered, ${summary.mismatch} mismatch, ${summary.failed} failed attempt(s), ${summary.released} released to the queue\n`);
  return 'interrupted';
}

export const workerCommand = defineCommand<WorkerArgs>({
  command: 'worker',
  describe: 'Recover sectors taken from the queue into this machine\'s --sealing-result (until SIGTERM)',
  interruptNotice: 'sealer-recover: worker stopping; sectors in hand are checkpointed and go back to the queue',
  builder: (y: Argv) =>
    queueOption(y)
      .option('sealing-result', { type: 'string', default: '~/sector', describe: 'storage path that receives sealed/ and cache/ (update/ and update-cache/ for snap-upgraded sectors; this worker only)' })
      .option('sealing-temp', { type: 'string', default: '~/temp', describe: 'scratch directory for layers and trees; a restarted worker resumes from it' })
      .option('parallel', { type: 'number', describe: 'sectors sealed at once on this worker (default 1)' })
      .option('gpu', gpuOptionSpec)
      .option('concurrency', { type: 'number', describe: 'the same as --parallel (BullMQ\'s name for it)' })
      .option('piece-dir', { type: 'string', describe: 'deal sectors: directory of piece files named by piece CID (default: the one given to enqueue)' })
      .option('unsealed', { type: 'string', describe: 'deal sectors: directory holding unsealed copies named s-t0M-N' })
      .option('keep-precommit-files', { type: 'boolean', default: false, describe: 'keep layers/tree-c/tree-d in the published cache dir' })
      .option('name', { type: 'string', describe: 'this worker\'s name in `status` (default <hostname>-<pid>)' })
      .option('lock-ms', { type: 'number', describe: 'job lease: lock lifetime without renewal (default 60000)' })
      .option('stalled-ms', { type: 'number', describe: 'how often to look for jobs of dead workers (default 30000)' })
      .option('max-stalled', { type: 'number', describe: 'a job that loses its worker more often than this fails (default 3)' })
      .option('stop-grace-ms', { type: 'number', describe: 'at SIGTERM, how long to wait for Redis to take the jobs back (default 30000)' })
      .option('log-level', { type: 'string', choices: LOG_LEVELS as unknown as string[], describe: 'log level (default warn; info with --log-file)' })
      .option('log-file', { type: 'string', describe: 'write JSON logs to this file' }) as Argv,
  run: runWorkerCommand,
});
