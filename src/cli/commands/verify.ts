// `verify`: integrity scans of sealed and snap-upgraded sectors in a storage path (quick = lotus CheckProvable's
// file checks and the small files against each other and the chain; --deep = tree-r-last rebuilt
// from the replica). --interval repeats the scan, writing a report per pass, until Ctrl-C.
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { scan } from '../../verify/scan.js';
import { allOk, passReportPath, renderVerifyReport, writeVerifyReport, type VerifyReport } from '../../verify/report.js';
import { repeatEvery } from '../../verify/schedule.js';
import { createProgress } from '../progress.js';
import { expandHome, gpuOptionSpec, minerArg, treeBuilderArg, openSource, parallelArg, sectorNumbers, settingsArg, sourceOptions, type SectorArgs, type SourceArgs } from '../args.js';
import { defineCommand, type CliDeps, type Outcome } from '../command.js';
import { packageVersion } from '../package-info.js';

export interface VerifyArgs extends SectorArgs, SourceArgs {
  readonly sealingResult: string;
  readonly miner?: string;
  readonly deep?: boolean;
  readonly json?: boolean;
  readonly report?: string;
  readonly parallel?: number;
  /** minutes between scan starts; absent = one pass */
  readonly interval?: number;
  readonly gpu?: string;
}

export async function runVerify(args: VerifyArgs, deps: CliDeps): Promise<Outcome> {
  const parallel = parallelArg(args.parallel);
  if (args.interval !== undefined && !(Number.isFinite(args.interval) && args.interval > 0))
    throw new UsageError(`--interval must be a positive number of minutes, got ${String(args.interval)}`);
  const miner = minerArg(args.miner);
  const sectors = sectorNumbers(args, { required: false });
  const settings = settingsArg(deps.env);
  // Only --deep builds a tree; the quick scan never probes OpenCL.
  const treeBuilder = args.deep ? await treeBuilderArg(args.gpu, deps.env, (line) => void deps.stderr.write(`sealer-recover: ${line}\n`)) : undefined;
  const source = await openSource(args, deps.env, miner);
  try {
    const storage = expandHome(args.sealingResult);
    const onePass = async (): Promise<VerifyReport> => {
      const progress = args.deep && (!args.json || deps.tty) ? createProgress({ tty: deps.tty, out: deps.stderr }) : undefined;
      try {
        return await scan({
          storage,
          deep: args.deep ?? false,
          ...(treeBuilder ? { treeBuilder } : {}),
          parallel,
          settings,
          ...(source ? { source } : {}),
          // a file or store speaks for one miner: scan that miner's sectors unless told otherwise
          ...(miner ? { miner: miner.id } : source?.miner ? { miner: source.miner.id } : {}),
          ...(sectors.length ? { sectors } : {}),
          ...(progress ? { events: progress } : {}),
          ...(deps.signal ? { signal: deps.signal } : {}),
          version: packageVersion(),
        });
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
      if (deps.signal?.aborted) return 'interrupted';
      return allOk(r) ? 'ok' : 'incomplete';
    }
    // Scheduled scans: each pass writes its own report (and refreshes --report itself as "latest").
    const signal = deps.signal ?? new AbortController().signal;
    let last: Outcome = 'ok';
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
        last = 'incomplete';
        return;
      }
      if (args.report) await writeVerifyReport(passReportPath(expandHome(args.report), at), r);
      await emit(r, args.report ? expandHome(args.report) : undefined);
      last = allOk(r) ? 'ok' : 'incomplete';
    });
    return last;
  } finally {
    treeBuilder?.close();
    await source?.close();
  }
}

export const verifyCommand = defineCommand<VerifyArgs>({
  command: 'verify [numbers..]',
  describe: 'Scan sealed sectors for integrity (CheckProvable file checks, p_aux/t_aux/tree-r-last, CommR; snap-upgraded sectors on update/ + update-cache/; --deep rebuilds tree-r-last from the replica)',
  interruptNotice: 'sealer-recover verify: stopping',
  builder: (y: Argv) =>
    sourceOptions(y, 'compare CommR with the records')
      .positional('numbers', { type: 'string', array: true, describe: 'sector numbers to scan (default: every sector under the path)' })
      .option('sealing-result', { alias: 'storage', type: 'string', default: '~/sector', describe: 'storage path holding sealed/ and cache/ (and update/ + update-cache/ of snap-upgraded sectors)' })
      .option('miner', { type: 'string', describe: "only this miner's sectors (f0…); names the sectors when --sectors lists absent ones" })
      .option('sectors', { alias: 'sector', type: 'string', array: true, describe: 'sector number (repeatable)' })
      .option('deep', { type: 'boolean', default: false, describe: 'also rebuild tree-r-last from the replica (sealed/, or update/ of a snapped sector; reads all of it)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON on stdout' })
      .option('report', { type: 'string', describe: 'write the JSON report to this file (with --interval also one file per pass, time-stamped)' })
      .option('parallel', { type: 'number', default: 1, describe: 'sectors checked at once' })
      .option('interval', { type: 'number', describe: 'repeat the scan every N minutes until Ctrl-C (scheduled scans)' })
      .option('gpu', { ...gpuOptionSpec, describe: `with --deep: ${gpuOptionSpec.describe}` }) as Argv,
  run: runVerify,
});
