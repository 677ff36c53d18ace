// `recover`: re-seal sectors, verify CommR, publish. Sector records come from one source (cli/args
// openSource): an export file, the miner's metadata store, the bundled devnet, or a Lotus node via
// FULLNODE_API_INFO (the Go tool's one-shot: export + recover). Flags follow
// froghub-io/filecoin-sealer-recover (G1 one-shot and G2 `recover`).
import type { Argv } from 'yargs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { formatMinerAddress, type MinerAddress } from '../../chain/address.js';
import type { SectorNumber } from '../../proofs/types.js';
import type { SectorRecord } from '../../records/record.js';
import { exportFileName, writeRecoveryFile } from '../../records/export-file.js';
import { minerFor, SOURCE_FLAGS } from '../../records/open-source.js';
import type { SectorRecordSource } from '../../records/source.js';
import { recoverSectors } from '../../recover/recover.js';
import { nativeSealer, type Sealer } from '../../recover/sealer.js';
import { createLogger, LOG_LEVELS, type Logger, type LogLevel } from '../../recover/logger.js';
import { allRecovered, renderReport, writeReport, type RunReport } from '../../recover/report.js';
import type { HostProbe } from '../../recover/preflight.js';
import { sectorName } from '../../sector/storage-layout.js';
import {
  chainFor,
  expandHome,
  gpuOptionSpec,
  minerArg,
  openSource,
  parallelArg,
  selectedSectors,
  selectionOptions,
  settingsArg,
  sourceOptions,
  splitDevnetArg,
  treeBuilderArg,
  type SectorArgs,
  type SourceArgs,
} from '../args.js';
import { precheckSelection, type Selection, type SelectionArgs } from '../../recover/sector-selection.js';
import { recoveryOrder, renderDeadlinePlan, type DeadlinePlan } from '../../recover/deadline-order.js';
import { buildNextSteps, renderNextSteps } from '../../recover/next-steps.js';
import { defineCommand, type CliDeps, type Outcome } from '../command.js';
import { createProgress } from '../progress.js';
import { packageVersion } from '../package-info.js';

export interface RecoverArgs extends SectorArgs, SourceArgs, SelectionArgs {
  readonly miner?: string;
  readonly avoidOpenDeadline?: boolean;
  readonly parallel?: number;
  readonly sealingResult: string;
  readonly sealingTemp: string;
  readonly pieceDir?: string;
  readonly unsealed?: string;
  readonly restart?: boolean;
  readonly overwrite?: boolean;
  readonly keepPrecommitFiles?: boolean;
  readonly keepSectorKey?: boolean;
  readonly json?: boolean;
  readonly report?: string;
  readonly logLevel?: LogLevel;
  readonly logFile?: string;
  readonly gpu?: string;
}

/** What tests substitute: the sealer (a stand-in without the native core) and the host probe. */
export interface RecoverDeps extends CliDeps {
  readonly sealer?: Sealer;
  readonly probe?: HostProbe;
}

export async function runRecover(given: RecoverArgs, deps: RecoverDeps): Promise<Outcome> {
  const args = splitDevnetArg(given);
  precheckSelection(args);
  const parallel = parallelArg(args.parallel);
  const settings = settingsArg(deps.env);
  const requestedMiner = minerArg(args.miner);
  const tempRoot = expandHome(args.sealingTemp);
  const resultRoot = expandHome(args.sealingResult);
  const showProgress = !args.json || deps.tty;
  // Without a log file, stderr carries the progress output; log records join it as readable lines
  // from warn up (unless asked), through the display once it exists so bars are not broken.
  const toStderr = (line: string): void => void deps.stderr.write(`${line}\n`);
  let logLine = toStderr;
  const log = createLogger({
    level: args.logLevel ?? (args.logFile ? 'info' : 'warn'),
    ...(args.logFile ? { file: expandHome(args.logFile) } : { lines: (line: string) => logLine(line) }),
  });

  // The real sealer builds its trees where --gpu says; a stand-in sealer (tests) never probes OpenCL.
  const treeBuilder = deps.sealer ? undefined : await treeBuilderArg(args.gpu, deps.env, (line) => toStderr(`sealer-recover: ${line}`));
  const source = await openSource(args, deps.env, requestedMiner);
  if (!source) {
    throw new UsageError(`no source of sector records: give ${SOURCE_FLAGS}, or --miner <f0…> with FULLNODE_API_INFO set to read the chain`);
  }
  let report: RunReport;
  let preFailed: Map<bigint, string>;
  let miner: MinerAddress;
  let numbers: SectorNumber[];
  let plan: DeadlinePlan;
  let selection: Selection;
  let progress: ReturnType<typeof createProgress> | undefined;
  try {
    miner = minerFor(source, requestedMiner);
    // the chain (for --faulty and deadline order): the source's node, else the environment's
    const { chain, nodeProblem } = await chainFor(source, deps.env, args.faulty === true);
    selection = await selectedSectors(args, chain, miner, { required: true });
    if (selection.numbers.length === 0) {
      deps.stdout.write(`${formatMinerAddress(miner)} has no faulty or recovering sectors on chain (${selection.faulty?.via}): nothing to recover\n`);
      return 'ok';
    }
    plan = await recoveryOrder(chain, miner, selection.numbers, args.avoidOpenDeadline === true, nodeProblem);
    if (args.avoidOpenDeadline && !plan.byDeadline) log.warn({ reason: plan.how }, '--avoid-open-deadline has no effect without proving deadlines');
    if (selection.faulty) {
      const f = selection.faulty;
      deps.stderr.write(`selected ${selection.numbers.length} sectors (${selection.origins.join(', ')}): ${f.faults} faulty, ${f.recovering} of them declared recovering (${f.via})\n`);
    }
    deps.stderr.write(`${renderDeadlinePlan(plan)}\n`);
    numbers = plan.sectors.map((s) => BigInt(s.sector) as SectorNumber);
    progress = showProgress ? createProgress({ tty: deps.tty, out: deps.stderr }) : undefined;
    for (const w of (source as { warnings?: readonly string[] }).warnings ?? []) log.warn({ problem: w }, 'metadata store: a record did not decode or may be stale');
    const got = await source.recoveryRecords(miner, numbers, {
      onError: (n, reason) => log.error({ sector: sectorName(miner.id, n), err: reason }, 'no record for this sector'),
    });
    preFailed = got.failed;
    if (source.kind === 'node' && got.records.length) await keepExport(source, miner, got.records, tempRoot, log);
    const bars = progress;
    if (bars) logLine = (line) => bars.log(line);
    report = await recoverSectors(miner, got.records, numbers.filter((n) => !preFailed.has(n)), {
      tempRoot,
      resultRoot,
      parallel,
      settings,
      restart: args.restart ?? false,
      overwrite: args.overwrite ?? false,
      keepPrecommitFiles: args.keepPrecommitFiles ?? false,
      keepSectorKey: args.keepSectorKey ?? false,
      ...(args.pieceDir ? { pieceDir: expandHome(args.pieceDir) } : {}),
      ...(args.unsealed ? { unsealedDir: expandHome(args.unsealed) } : {}),
      sealer: deps.sealer ?? nativeSealer(treeBuilder ? { treeBuilder } : {}),
      logger: log,
      ...(progress ? { events: progress } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.probe ? { probe: deps.probe } : {}),
      version: packageVersion(),
      source: source.description,
    });
  } finally {
    progress?.stop();
    treeBuilder?.close();
    logLine = toStderr;
    await source.close();
  }
  // Sectors that never reached planning (no record in the source) are reported too. The report
  // lists sectors in request order; the order they were worked in is report.order.
  const order = new Map(selection.numbers.map((n, i) => [String(n), i]));
  for (const [n, reason] of preFailed) {
    report.sectors.push({ miner: formatMinerAddress(miner), sector: String(n), status: 'failed', reason });
  }
  report.sectors.sort((a, b) => order.get(a.sector)! - order.get(b.sector)!);
  const summary = { recovered: 0, mismatch: 0, failed: 0, skipped: 0 };
  for (const s of report.sectors) summary[s.status]++;
  report.summary = summary;
  report.selection = { origins: selection.origins, ...(selection.faulty ? { faulty: selection.faulty } : {}) };
  report.order = plan;
  report.nextSteps = buildNextSteps(report, plan);

  if (args.report) await writeReport(expandHome(args.report), report);
  if (args.json) deps.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else deps.stdout.write(`${renderReport(report)}\n${renderNextSteps(report.nextSteps)}\n`);
  if (deps.signal?.aborted) return 'interrupted';
  return allRecovered(report) ? 'ok' : 'incomplete';
}

/** Records read from a node are kept beside the work, so a rerun can go on without the node. */
async function keepExport(source: SectorRecordSource, miner: MinerAddress, records: readonly SectorRecord[], tempRoot: string, log: Logger): Promise<void> {
  const path = join(tempRoot, exportFileName(miner));
  await mkdir(tempRoot, { recursive: true });
  await writeRecoveryFile(path, { miner, sectorSize: records[0]!.proof.sectorBytes, sectors: records });
  log.info({ path, from: source.description }, 'wrote the exported recovery metadata');
}

export const recoverCommand = defineCommand<RecoverArgs>({
  command: ['recover [numbers..]', '$0'],
  describe: 'Re-seal lost sectors, verify CommR against the chain, publish into --sealing-result',
  interruptNotice: 'sealer-recover: stopping; the next run resumes',
  builder: (y: Argv) =>
    selectionOptions(sourceOptions(y, 'sector records'))
      .positional('numbers', { type: 'string', array: true, describe: 'sector numbers or ranges (100-180) to recover' })
      .option('sectors', { alias: 'sector', type: 'string', array: true, describe: 'sector number, comma list or range 100-180 (repeatable; Go tool G1 form)' })
      .option('avoid-open-deadline', { type: 'boolean', default: false, describe: 'sectors whose proving deadline is open right now go last (ordered by its next opening)' })
      .option('miner', { type: 'string', describe: 'miner ID address, e.g. f01000 (with FULLNODE_API_INFO: export + recover in one run)' })
      .option('parallel', { type: 'number', default: 1, describe: 'sectors sealed at once' })
      .option('sealing-result', { type: 'string', default: '~/sector', describe: 'storage path that receives sealed/ and cache/ (update/ and update-cache/ for snap-upgraded sectors)' })
      .option('sealing-temp', { type: 'string', default: '~/temp', describe: 'scratch directory for layers and trees (per-sector s-t0M-N dirs)' })
      .option('piece-dir', { type: 'string', describe: 'deal sectors: directory of raw piece files named by piece CID' })
      .option('unsealed', { type: 'string', describe: 'deal sectors: directory holding unsealed copies named s-t0M-N' })
      .option('restart', { type: 'boolean', default: false, describe: 'discard checkpoints in --sealing-temp working dirs and seal from scratch (never touches --sealing-result)' })
      .option('overwrite', {
        type: 'boolean',
        default: false,
        describe: 'recover sectors already (or half, or damaged) in --sealing-result again, moving the old files to sealer-recover-backup/<UTC time>/ (never deleted)',
      })
      .option('keep-sector-key', {
        type: 'boolean',
        default: false,
        describe: 'snap-upgraded sectors: also publish the rebuilt CC sector key as sealed/ + cache/ (by default only update/ + update-cache/)',
      })
      .option('keep-precommit-files', { type: 'boolean', default: false, describe: 'keep layers/tree-c/tree-d (a pre-committed sector still needs them for ProveCommit)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON on stdout' })
      .option('report', { type: 'string', describe: 'also write the JSON report to this file' })
      .option('log-level', { type: 'string', choices: LOG_LEVELS as unknown as string[], describe: 'log level (default warn; info with --log-file)' })
      .option('log-file', { type: 'string', describe: 'write JSON logs to this file' })
      .option('gpu', gpuOptionSpec) as Argv,
  run: runRecover,
});
