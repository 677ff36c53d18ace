// `verify`: integrity scans of sealed sectors in a storage path (quick = lotus CheckProvable's
// file checks and the small files against each other and the chain; --deep = tree-r-last rebuilt
// from the replica). --interval repeats the scan, writing a report per pass, until Ctrl-C.
import type { Argv, CommandModule } from 'yargs';
import { EXIT, UsageError } from '../errors.js';
import { InputError, asSectorNumber, type SectorNumber } from '../../proofs/types.js';
import { parseMinerAddress, type MinerAddress } from '../../chain/address.js';
import { parseApiInfo } from '../../chain/api-info.js';
import { LotusClient } from '../../chain/lotus-client.js';
import { loadNetwork } from '../../devnet/network.js';
import { startDevnet, type Devnet } from '../../devnet/server.js';
import { fileSource, nodeSource, type CommRSource } from '../../verify/chain-source.js';
import { rowsToDiscardFor, scan } from '../../verify/scan.js';
import { allOk, passReportPath, renderVerifyReport, writeVerifyReport, type VerifyReport } from '../../verify/report.js';
import { repeatEvery } from '../../verify/schedule.js';
import { createProgress } from '../progress.js';
import { expandHome } from './recover.js';
import { withInterrupt } from '../interrupt.js';
import { DEFAULT_DEVNET_NETWORK, packageVersion } from '../package-info.js';

export interface VerifyArgs {
  readonly sealingResult: string;
  readonly miner?: string;
  readonly numbers?: readonly (string | number)[];
  readonly sectors?: readonly (string | number)[];
  readonly deep?: boolean;
  readonly json?: boolean;
  readonly report?: string;
  readonly parallel?: number;
  /** minutes between scan starts; absent = one pass */
  readonly interval?: number;
  readonly devnet?: string | boolean;
  readonly sectorsRecoveryMetadata?: string;
}

export interface VerifyDeps {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly tty: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}


function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

function sectorNumbers(args: VerifyArgs): SectorNumber[] {
  const raw = [...(args.numbers ?? []), ...(args.sectors ?? [])].flatMap((v) => String(v).split(',')).filter((s) => s.trim() !== '');
  return [...new Set(raw.map((r) => usage(() => asSectorNumber(r.trim()))))];
}

export async function runVerify(args: VerifyArgs, deps: VerifyDeps): Promise<number> {
  const parallel = args.parallel ?? 1;
  if (!Number.isInteger(parallel) || parallel < 1) throw new UsageError(`--parallel must be a whole number ≥ 1, got ${String(args.parallel)}`);
  if (args.interval !== undefined && !(Number.isFinite(args.interval) && args.interval > 0))
    throw new UsageError(`--interval must be a positive number of minutes, got ${String(args.interval)}`);
  const miner: MinerAddress | undefined = args.miner !== undefined ? usage(() => parseMinerAddress(args.miner!, '--miner')) : undefined;
  const sectors = sectorNumbers(args);
  const devnetWanted = args.devnet !== undefined && args.devnet !== false;
  if (devnetWanted && args.sectorsRecoveryMetadata) throw new UsageError('give one chain source: --devnet or --sectors-recovery-metadata, not both');
  usage(() => rowsToDiscardFor(deps.env.FIL_PROOFS_ROWS_TO_DISCARD));

  let devnet: Devnet | undefined;
  let source: CommRSource | undefined;
  try {
    if (args.sectorsRecoveryMetadata) {
      source = await fileSource(expandHome(args.sectorsRecoveryMetadata)).catch((e: unknown) => {
        throw e instanceof InputError ? new UsageError(e.message) : e;
      });
      if (miner && source.miner !== undefined && miner.id !== source.miner)
        throw new UsageError(`--miner ${args.miner} does not match the recovery metadata's miner f0${source.miner}`);
    } else if (devnetWanted) {
      const net = await loadNetwork(typeof args.devnet === 'string' && args.devnet !== '' ? expandHome(args.devnet) : DEFAULT_DEVNET_NETWORK).catch((e: unknown) => {
        throw e instanceof InputError ? new UsageError(e.message) : e;
      });
      devnet = await startDevnet(net);
      source = nodeSource(new LotusClient({ api: parseApiInfo(devnet.apiInfo) }), `devnet ${devnet.url}`, miner?.network ?? 'f');
    } else if (deps.env.FULLNODE_API_INFO) {
      const api = usage(() => parseApiInfo(deps.env.FULLNODE_API_INFO));
      source = nodeSource(new LotusClient({ api }), `chain ${api.baseUrl}`, miner?.network ?? 'f');
    }

    const storage = expandHome(args.sealingResult);
    const onePass = async (): Promise<VerifyReport> => {
      const progress = args.deep && (!args.json || deps.tty) ? createProgress({ tty: deps.tty, out: deps.stderr }) : undefined;
      try {
        return await scan({
          storage,
          deep: args.deep ?? false,
          parallel,
          ...(source ? { source } : {}),
          // an export file speaks for one miner: scan that miner's sectors unless told otherwise
          ...(miner ? { miner: miner.id } : source?.miner !== undefined ? { miner: source.miner } : {}),
          ...(sectors.length ? { sectors } : {}),
          ...(deps.env.FIL_PROOFS_ROWS_TO_DISCARD !== undefined ? { rowsToDiscardSetting: deps.env.FIL_PROOFS_ROWS_TO_DISCARD } : {}),
          ...(progress ? { events: progress } : {}),
          ...(deps.signal ? { signal: deps.signal } : {}),
          version: packageVersion(),
        });
      } catch (e) {
        if (e instanceof InputError) throw new UsageError(e.message);
        throw e;
      } finally {
        progress?.stop();
      }
    };
    const emit = async (r: VerifyReport, reportPath?: string) => {
      if (reportPath) await writeVerifyReport(reportPath, r);
      deps.stdout.write(args.json ? `${JSON.stringify(r, null, 2)}\n` : `${renderVerifyReport(r)}\n`);
    };

    if (args.interval === undefined) {
      const r = await onePass();
      await emit(r, args.report ? expandHome(args.report) : undefined);
      return allOk(r) ? EXIT.ok : EXIT.failed;
    }
    // Scheduled scans: each pass writes its own report (and refreshes --report itself as "latest").
    const signal = deps.signal ?? new AbortController().signal;
    let last = EXIT.ok as number;
    await repeatEvery(args.interval * 60_000, signal, async (n) => {
      const at = new Date();
      let r: VerifyReport;
      try {
        r = await onePass();
      } catch (e) {
        if (signal.aborted) return;
        // A bad invocation shows on the first pass; later, a storage path that is briefly
        // unmounted must not end the schedule: say so and try again next time.
        if (n === 1) throw e;
        deps.stderr.write(`sealer-recover verify: pass ${n} at ${at.toISOString()} failed: ${(e as Error).message}\n`);
        last = EXIT.failed;
        return;
      }
      if (args.report) await writeVerifyReport(passReportPath(expandHome(args.report), at), r);
      await emit(r, args.report ? expandHome(args.report) : undefined);
      last = allOk(r) ? EXIT.ok : EXIT.failed;
    });
    return last;
  } finally {
    await devnet?.close();
  }
}

export const verifyCommand: CommandModule = {
  command: 'verify [numbers..]',
  describe: 'Scan sealed sectors for integrity (CheckProvable file checks, p_aux/t_aux/tree-r-last, CommR; --deep rebuilds tree-r-last from the replica)',
  builder: (y: Argv) =>
    y
      .positional('numbers', { type: 'string', array: true, describe: 'sector numbers to scan (default: every sector under the path)' })
      .option('sealing-result', { alias: 'storage', type: 'string', default: '~/sector', describe: 'storage path holding sealed/ and cache/' })
      .option('miner', { type: 'string', describe: 'only this miner\'s sectors (f0…); names the sectors when --sectors lists absent ones' })
      .option('sectors', { alias: 'sector', type: 'string', array: true, describe: 'sector number (repeatable)' })
      .option('deep', { type: 'boolean', default: false, describe: 'also rebuild tree-r-last from the sealed file (reads the whole replica)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON on stdout' })
      .option('report', { type: 'string', describe: 'write the JSON report to this file (with --interval also one file per pass, time-stamped)' })
      .option('parallel', { type: 'number', default: 1, describe: 'sectors checked at once' })
      .option('interval', { type: 'number', describe: 'repeat the scan every N minutes until Ctrl-C (scheduled scans)' })
      .option('sectors-recovery-metadata', { alias: 'metadata', type: 'string', describe: 'compare CommR with this export file instead of a node' })
      .option('devnet', { type: 'string', describe: 'compare CommR with the bundled loopback devnet (or the given network JSON)' }),
  handler: async (argv) => {
    process.exitCode = await withInterrupt('sealer-recover verify: stopping', (signal) =>
      runVerify(argv as unknown as VerifyArgs, {
        stdout: process.stdout,
        stderr: process.stderr,
        tty: process.stderr.isTTY === true,
        env: process.env,
        signal,
      }),
    );
  },
};
