// `export --miner f0… <sectors…>`: write sectors-recovery-<miner>.json from a Lotus node, in the Go
// tool's format (plus optional fields it ignores), rewriting the file after each sector.
import type { Argv, CommandModule } from 'yargs';
import { join } from 'node:path';
import { EXIT, UsageError } from '../errors.js';
import { InputError } from '../../proofs/types.js';
import { parseMinerAddress } from '../../chain/address.js';
import { parseApiInfo } from '../../chain/api-info.js';
import { LotusClient, RpcError, RpcTransportError } from '../../chain/lotus-client.js';
import { exportSectors } from '../../chain/export.js';
import { exportFileName, writeRecoveryFile } from '../../chain/export-file.js';
import { expandHome, sectorList } from './recover.js';

export interface ExportArgs {
  readonly miner: string;
  readonly numbers?: readonly (string | number)[];
  readonly sectors?: readonly (string | number)[];
  readonly output?: string;
  readonly json?: boolean;
}

export interface ExportDeps {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export async function runExport(args: ExportArgs, deps: ExportDeps): Promise<number> {
  const numbers = sectorList(args);
  let miner, api;
  try {
    miner = parseMinerAddress(args.miner, '--miner');
    api = parseApiInfo(deps.env.FULLNODE_API_INFO);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
  const path = join(args.output ? expandHome(args.output) : deps.cwd, exportFileName(miner));
  const t0 = performance.now();
  let result;
  try {
    result = await exportSectors(new LotusClient({ api }), miner, numbers, {
      onError: (n, e) => deps.stderr.write(`sealer-recover export: sector ${n}: ${e.message}\n`),
      onProgress: (f) => writeRecoveryFile(path, f),
    });
  } catch (e) {
    if (e instanceof RpcError || e instanceof RpcTransportError || e instanceof InputError) {
      deps.stderr.write(`sealer-recover export: ${e.message}\n`);
      return EXIT.failed;
    }
    throw e;
  }
  const failed = [...result.failed.keys()].map(String);
  const elapsed = ((performance.now() - t0) / 1000).toFixed(3);
  if (args.json) {
    deps.stdout.write(`${JSON.stringify({ file: result.file.sectors.length ? path : null, exported: result.file.sectors.map((s) => String(s.sectorNumber)), failed: Object.fromEntries(result.failed), elapsedSeconds: Number(elapsed) }, null, 2)}\n`);
  } else {
    deps.stdout.write(`export ${result.file.sectors.length} sectors, failed sectors: [${failed.join(' ')}], elapsed: ${elapsed}s${result.file.sectors.length ? `, wrote ${path}` : ''}\n`);
  }
  return failed.length ? EXIT.failed : EXIT.ok;
}

export const exportCommand: CommandModule = {
  command: 'export [numbers..]',
  describe: 'Write sectors-recovery-<miner>.json (ticket, CommR, pieces) from a Lotus node (FULLNODE_API_INFO)',
  builder: (y: Argv) =>
    y
      .positional('numbers', { type: 'string', array: true, describe: 'sector numbers' })
      .option('miner', { type: 'string', demandOption: true, describe: 'miner ID address, e.g. f01000' })
      .option('sectors', { alias: 'sector', type: 'string', array: true, describe: 'sector number (repeatable)' })
      .option('output', { type: 'string', describe: 'directory for the file (default: current directory, as the Go tool)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' }),
  handler: async (argv) => {
    process.exitCode = await runExport(argv as unknown as ExportArgs, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
  },
};
