// `recover`: re-seal sectors, verify CommR, publish. Inputs, in order of preference:
//   --sectors-recovery-metadata <file>  (the Go tool's export format)
//   --metadata-store <lotus-miner datastore/metadata>  (offline, from the miner's own records)
//   --miner <f0…> with FULLNODE_API_INFO  (the seed-style one-shot: export + recover)
// Flags follow froghub-io/filecoin-sealer-recover (G1 one-shot and G2 `recover`).
import type { Argv, CommandModule } from 'yargs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { UsageError, EXIT } from '../errors.js';
import { InputError, asSectorNumber, type SectorNumber } from '../../proofs/types.js';
import { parseMinerAddress, formatMinerAddress, sectorFileName, type MinerAddress } from '../../chain/address.js';
import { readRecoveryFile, writeRecoveryFile, exportFileName, type SectorRecord } from '../../chain/export-file.js';
import { exportSectors } from '../../chain/export.js';
import { parseApiInfo } from '../../chain/api-info.js';
import { LotusClient, RpcError, RpcTransportError } from '../../chain/lotus-client.js';
import { recoverSectors } from '../../recover/recover.js';
import { nativeSealer, type Sealer } from '../../recover/sealer.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../../recover/logger.js';
import { allRecovered, renderReport, writeReport, type RunReport } from '../../recover/report.js';
import { PreflightError, type HostProbe } from '../../recover/preflight.js';
import { metastoreInputs } from '../../recover/metastore-inputs.js';
import { createProgress } from '../progress.js';
import { loadNetwork } from '../../devnet/network.js';
import { startDevnet } from '../../devnet/server.js';
import { withInterrupt } from '../interrupt.js';
import { DEFAULT_DEVNET_NETWORK, packageVersion } from '../package-info.js';

export interface RecoverArgs {
  readonly numbers?: readonly (string | number)[];
  readonly sectors?: readonly (string | number)[];
  readonly miner?: string;
  readonly parallel: number;
  readonly sealingResult: string;
  readonly sealingTemp: string;
  readonly sectorsRecoveryMetadata?: string;
  readonly metadataStore?: string;
  readonly pieceDir?: string;
  readonly unsealed?: string;
  readonly restart?: boolean;
  readonly keepPrecommitFiles?: boolean;
  readonly json?: boolean;
  readonly report?: string;
  readonly logLevel?: LogLevel;
  readonly logFile?: string;
  /** serve a fixture network in-process and read the chain from it (try-out / demo) */
  readonly devnet?: string | boolean;
}

export interface RecoverDeps {
  readonly sealer?: Sealer;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly tty: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly probe?: HostProbe;
  readonly signal?: AbortSignal;
}


/** `~` expanded consistently (the Go tool expanded it for temp but not for the result dirs). */
export const expandHome = (p: string): string => resolve(p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : p);

export function sectorList(args: Pick<RecoverArgs, 'numbers' | 'sectors'>): SectorNumber[] {
  const raw = [...(args.numbers ?? []), ...(args.sectors ?? [])].flatMap((v) => String(v).split(','));
  if (raw.length === 0) throw new UsageError('at least one sector must be specified (positional numbers or --sectors N, repeatable)');
  const seen = new Set<bigint>();
  const out: SectorNumber[] = [];
  for (const r of raw) {
    let n: SectorNumber;
    try {
      n = asSectorNumber(r.trim());
    } catch (e) {
      throw new UsageError(`could not parse sector number "${r}": ${(e as Error).message}`);
    }
    if (!seen.has(n)) out.push(n);
    seen.add(n);
  }
  return out;
}

function parseParallel(v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--parallel must be a whole number ≥ 1, got ${String(v)}`);
  return n;
}

interface Inputs {
  miner: MinerAddress;
  records: SectorRecord[];
  source: string;
  /** sectors that failed before planning (export / store errors) */
  preFailed: Map<bigint, string>;
}

async function gatherInputs(args: RecoverArgs, numbers: SectorNumber[], deps: RecoverDeps, tempRoot: string, log: ReturnType<typeof createLogger>): Promise<Inputs> {
  const miner = args.miner !== undefined ? usage(() => parseMinerAddress(args.miner!, '--miner')) : undefined;
  if (args.sectorsRecoveryMetadata) {
    const file = await readRecoveryFile(expandHome(args.sectorsRecoveryMetadata));
    if (miner && miner.id !== file.miner.id) {
      throw new UsageError(`--miner ${args.miner} does not match the recovery metadata's Miner ${formatMinerAddress(file.miner)}`);
    }
    return { miner: file.miner, records: [...file.sectors], source: `file ${args.sectorsRecoveryMetadata}`, preFailed: new Map() };
  }
  if (args.metadataStore) {
    const m = await metastoreInputs(expandHome(args.metadataStore), miner);
    for (const p of m.problems) log.warn({ problem: p }, 'metadata store record did not decode');
    return { miner: m.miner, records: m.records, source: `metadata store ${args.metadataStore}`, preFailed: m.unusable };
  }
  if (!miner) {
    throw new UsageError(
      'no inputs: give --sectors-recovery-metadata <sectors-recovery-f0….json>, --metadata-store <lotus-miner repo>/datastore/metadata, ' +
        'or --miner <f0…> with FULLNODE_API_INFO set to read the chain',
    );
  }
  const client = new LotusClient({ api: usage(() => parseApiInfo(deps.env.FULLNODE_API_INFO)) });
  const ex = await exportSectors(client, miner, numbers, { onError: (n, e) => log.error({ sector: sectorFileName(miner.id, n), err: e.message }, 'export failed') });
  if (ex.file.sectors.length) {
    const path = join(tempRoot, exportFileName(miner));
    await mkdir(tempRoot, { recursive: true });
    await writeRecoveryFile(path, ex.file);
    log.info({ path }, 'wrote the exported recovery metadata');
  }
  return { miner, records: [...ex.file.sectors], source: `chain ${deps.env.FULLNODE_API_INFO?.replace(/^[^:/]+:(?!\/\/)/, '…:')}`, preFailed: ex.failed };
}

function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

export async function runRecover(args: RecoverArgs, deps: RecoverDeps): Promise<number> {
  if (args.devnet !== undefined && args.devnet !== false) {
    // The bundled devnet on a loopback port, as if FULLNODE_API_INFO pointed at a node.
    const net = await loadNetwork(typeof args.devnet === 'string' && args.devnet !== '' ? expandHome(args.devnet) : DEFAULT_DEVNET_NETWORK);
    const d = await startDevnet(net);
    try {
      return await runRecover({ ...args, devnet: false }, { ...deps, env: { ...deps.env, FULLNODE_API_INFO: d.apiInfo } });
    } finally {
      await d.close();
    }
  }
  const numbers = sectorList(args);
  const parallel = parseParallel(args.parallel);
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
  let inputs: Inputs;
  try {
    inputs = await gatherInputs(args, numbers, deps, tempRoot, log);
  } catch (e) {
    // A bad file or flag value is a usage problem; an unreachable or failing node is not.
    if (e instanceof InputError) throw new UsageError(e.message);
    if (e instanceof RpcError || e instanceof RpcTransportError) {
      deps.stderr.write(`sealer-recover: ${e.message}\n`);
      return EXIT.failed;
    }
    throw e;
  }
  const progress = showProgress ? createProgress({ tty: deps.tty, out: deps.stderr }) : undefined;
  if (progress) logLine = (line) => progress.log(line);
  let report: RunReport;
  try {
    report = await recoverSectors(inputs.miner, inputs.records, numbers.filter((n) => !inputs.preFailed.has(n)), {
      tempRoot,
      resultRoot,
      parallel,
      restart: args.restart ?? false,
      keepPrecommitFiles: args.keepPrecommitFiles ?? false,
      ...(args.pieceDir ? { pieceDir: expandHome(args.pieceDir) } : {}),
      ...(args.unsealed ? { unsealedDir: expandHome(args.unsealed) } : {}),
      sealer: deps.sealer ?? nativeSealer(),
      logger: log,
      ...(progress ? { events: progress } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.probe ? { probe: deps.probe } : {}),
      version: packageVersion(),
      source: inputs.source,
    });
  } catch (e) {
    progress?.stop();
    if (e instanceof PreflightError) {
      deps.stderr.write(`sealer-recover: ${e.message}\n`);
      return EXIT.failed;
    }
    throw e;
  }
  progress?.stop();
  logLine = toStderr;
  // Sectors that never reached planning (export / store errors) are reported too, in request order.
  const order = new Map(numbers.map((n, i) => [String(n), i]));
  for (const [n, reason] of inputs.preFailed) {
    if (order.has(String(n))) report.sectors.push({ miner: formatMinerAddress(inputs.miner), sector: String(n), status: 'failed', reason });
  }
  report.sectors.sort((a, b) => order.get(a.sector)! - order.get(b.sector)!);
  const summary = { recovered: 0, mismatch: 0, failed: 0, skipped: 0 };
  for (const s of report.sectors) summary[s.status]++;
  report.summary = summary;

  if (args.report) await writeReport(expandHome(args.report), report);
  if (args.json) deps.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else deps.stdout.write(`${renderReport(report)}\n`);
  return allRecovered(report) ? EXIT.ok : EXIT.failed;
}

export const recoverCommand: CommandModule = {
  command: ['recover [numbers..]', '$0'],
  describe: 'Re-seal lost sectors, verify CommR against the chain, publish into --sealing-result',
  builder: (y: Argv) =>
    y
      .positional('numbers', { type: 'string', array: true, describe: 'sector numbers to recover' })
      .option('sectors', { alias: 'sector', type: 'string', array: true, describe: 'sector number (repeatable; Go tool G1 form)' })
      .option('miner', { type: 'string', describe: 'miner ID address, e.g. f01000 (with FULLNODE_API_INFO: export + recover in one run)' })
      .option('sectors-recovery-metadata', { alias: 'metadata', type: 'string', describe: 'sectors-recovery-<miner>.json written by `export`' })
      .option('metadata-store', { type: 'string', describe: 'offline inputs: lotus-miner <repo>/datastore/metadata (stop lotus-miner first)' })
      .option('parallel', { type: 'number', default: 1, describe: 'sectors sealed at once' })
      .option('sealing-result', { type: 'string', default: '~/sector', describe: 'storage path that receives sealed/ and cache/' })
      .option('sealing-temp', { type: 'string', default: '~/temp', describe: 'scratch directory for layers and trees (per-sector s-t0M-N dirs)' })
      .option('piece-dir', { type: 'string', describe: 'deal sectors: directory of raw piece files named by piece CID' })
      .option('unsealed', { type: 'string', describe: 'deal sectors: directory holding unsealed copies named s-t0M-N' })
      .option('restart', { type: 'boolean', default: false, describe: 'discard checkpoints in the working dirs and start over' })
      .option('keep-precommit-files', { type: 'boolean', default: false, describe: 'keep layers/tree-c/tree-d (a pre-committed sector still needs them for ProveCommit)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON on stdout' })
      .option('report', { type: 'string', describe: 'also write the JSON report to this file' })
      .option('log-level', { type: 'string', choices: LOG_LEVELS as unknown as string[], describe: 'log level (default info)' })
      .option('log-file', { type: 'string', describe: 'write JSON logs to this file' })
      .option('devnet', { type: 'string', describe: 'read the chain from the bundled loopback devnet (or the given network JSON) instead of FULLNODE_API_INFO' }),
  handler: async (argv) => {
    process.exitCode = await withInterrupt('sealer-recover: stopping; the next run resumes', (signal) =>
      runRecover(argv as unknown as RecoverArgs, {
        stdout: process.stdout,
        stderr: process.stderr,
        tty: process.stderr.isTTY === true,
        env: process.env,
        signal,
      }),
    );
  },
};
