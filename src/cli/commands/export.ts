// `export --miner f0… <sectors…>`: write sectors-recovery-<miner>.json in the Go tool's format
// (plus optional fields it ignores) from a Lotus node, the devnet, or the miner's metadata store,
// rewriting the file after each sector as the Go tool did. Nothing is written when no sector was
// exported, and "wrote" is said only of a file that was written.
import type { Argv } from 'yargs';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { exportFileName, writeRecoveryFile } from '../../records/export-file.js';
import { minerFor } from '../../records/open-source.js';
import { environmentNode, expandHome, minerArg, openSource, selectedSectors, selectionOptions, sourceOptions, splitDevnetArg, type SectorArgs, type SourceArgs } from '../args.js';
import { precheckSelection, type SelectionArgs } from '../../recover/sector-selection.js';
import { formatMinerAddress } from '../../chain/address.js';
import { defineCommand, type CliDeps, type Outcome } from '../command.js';

export interface ExportArgs extends SectorArgs, SourceArgs, SelectionArgs {
  readonly miner?: string;
  readonly output?: string;
  readonly json?: boolean;
}

export async function runExport(given: ExportArgs, deps: CliDeps): Promise<Outcome> {
  const args = splitDevnetArg(given);
  precheckSelection(args);
  const requested = minerArg(args.miner);
  const source = await openSource(args, deps.env, requested);
  if (!source) throw new UsageError('no node to export from: set FULLNODE_API_INFO (or use --devnet, or --metadata-store for the miner\'s own records)');
  const t0 = performance.now();
  let written: string | null = null;
  try {
    const miner = minerFor(source, requested);
    const chain = source.chain ?? (args.faulty ? await environmentNode(deps.env) : undefined);
    const { numbers } = await selectedSectors(args, chain, miner, { required: true });
    if (numbers.length === 0) {
      deps.stdout.write(`${formatMinerAddress(miner)} has no faulty or recovering sectors on chain: nothing to export\n`);
      return 'ok';
    }
    const path = join(args.output ? expandHome(args.output) : deps.cwd, exportFileName(miner));
    const sectorSize = await source.sectorSize?.(miner);
    const result = await source.recoveryRecords(miner, numbers, {
      onError: (n, reason) => deps.stderr.write(`sealer-recover export: sector ${n}: ${reason}\n`),
      onRecord: async (rec, soFar) => {
        await writeRecoveryFile(path, { miner, sectorSize: sectorSize ?? rec.proof.sectorBytes, sectors: soFar });
        written = path;
      },
    });
    const failed = [...result.failed.keys()].map(String);
    const elapsed = ((performance.now() - t0) / 1000).toFixed(3);
    if (args.json) {
      const doc = { file: written, source: source.description, exported: result.records.map((s) => String(s.sectorNumber)), failed: Object.fromEntries(result.failed), elapsedSeconds: Number(elapsed) };
      deps.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      deps.stdout.write(`export ${result.records.length} sectors, failed sectors: [${failed.join(' ')}], elapsed: ${elapsed}s${written ? `, wrote ${written}` : ', no file written'}\n`);
    }
    return failed.length ? 'incomplete' : 'ok';
  } finally {
    await source.close();
  }
}

export const exportCommand = defineCommand<ExportArgs>({
  command: 'export [numbers..]',
  describe: 'Write sectors-recovery-<miner>.json (ticket, CommR, pieces) from a Lotus node (FULLNODE_API_INFO), the devnet or a metadata store',
  builder: (y: Argv) =>
    selectionOptions(sourceOptions(y, 'read the records', { exportFile: false }))
      .positional('numbers', { type: 'string', array: true, describe: 'sector numbers or ranges (100-180)' })
      .option('miner', { type: 'string', describe: 'miner ID address, e.g. f01000 (required with a node)' })
      .option('sectors', { alias: 'sector', type: 'string', array: true, describe: 'sector number, comma list or range 100-180 (repeatable)' })
      .option('output', { type: 'string', describe: 'directory for the file (default: current directory, as the Go tool)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' }) as Argv,
  run: runExport,
});
