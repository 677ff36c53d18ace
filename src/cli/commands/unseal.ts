// `unseal`: the client data of deal and snap-upgraded sectors from their replica under
// --sealing-result (docs/snap.md#unsealing). Records from the same sources as `recover`.
import type { Argv } from 'yargs';
import { join } from 'node:path';
import { UsageError, errorKind } from '../../errors.js';
import { formatMinerAddress } from '../../chain/address.js';
import { minerFor, SOURCE_FLAGS } from '../../records/open-source.js';
import { sectorName } from '../../sector/storage-layout.js';
import { expandHome, minerArg, openSource, sectorNumbers, settingsArg, sourceOptions, type SectorArgs, type SourceArgs } from '../args.js';
import { defineCommand, type CliDeps, type Outcome } from '../command.js';

export interface UnsealArgs extends SectorArgs, SourceArgs {
  readonly miner?: string;
  readonly sealingResult: string;
  readonly sealingTemp: string;
  readonly piece?: string;
  readonly out?: string;
  readonly unsealedDir?: string;
  readonly json?: boolean;
}

interface SectorOutcome {
  readonly miner: string;
  readonly sector: string;
  readonly status: 'unsealed' | 'failed' | 'damaged';
  readonly reason?: string;
  readonly kind?: 'deal' | 'snapped';
  readonly checked?: unknown;
  readonly written?: readonly string[];
}

export async function runUnseal(args: UnsealArgs, deps: CliDeps): Promise<Outcome> {
  const numbers = sectorNumbers(args, { required: true });
  if (args.out !== undefined && (args.piece === undefined || numbers.length !== 1))
    throw new UsageError('--out writes one piece of one sector: give --piece <pieceCID> and exactly one sector');
  if (args.out === undefined && args.unsealedDir === undefined) throw new UsageError('give --out <file> (with --piece) or --unsealed-dir <storage path>');
  const requested = minerArg(args.miner);
  const source = await openSource(args, deps.env, requested);
  if (!source) throw new UsageError(`no source of sector records: give ${SOURCE_FLAGS}, or --miner <f0…> with FULLNODE_API_INFO set`);
  const settings = settingsArg(deps.env);
  const results: SectorOutcome[] = [];
  try {
    const miner = minerFor(source, requested);
    const got = await source.recoveryRecords(miner, numbers);
    const { unsealSector } = await import('../../unseal/unseal.js');
    for (const n of numbers) {
      const base = { miner: formatMinerAddress(miner), sector: String(n) };
      const rec = got.records.find((r) => r.sectorNumber === n);
      if (!rec) {
        results.push({ ...base, status: 'failed', reason: got.failed.get(n) ?? 'no record for this sector' });
        continue;
      }
      try {
        const r = await unsealSector({
          record: rec,
          miner,
          sealingResult: expandHome(args.sealingResult),
          workDir: join(expandHome(args.sealingTemp), `unseal-${sectorName(miner.id, n)}`),
          settings,
          ...(args.piece ? { pieceCid: args.piece } : {}),
          ...(args.out ? { out: expandHome(args.out) } : {}),
          ...(args.unsealedDir ? { unsealedRoot: expandHome(args.unsealedDir) } : {}),
          ...(deps.signal ? { signal: deps.signal } : {}),
        });
        results.push({ ...base, status: 'unsealed', kind: r.kind, checked: r.checked, written: r.written });
      } catch (e) {
        if (deps.signal?.aborted) throw e;
        results.push({ ...base, status: errorKind(e) === 'corruption' ? 'damaged' : 'failed', reason: (e as Error).message });
      }
    }
  } finally {
    await source.close();
  }
  if (args.json) deps.stdout.write(`${JSON.stringify({ sectors: results }, null, 2)}\n`);
  else for (const r of results) deps.stdout.write(`${r.miner}/${r.sector}  ${r.status}  ${r.written?.join(', ') ?? r.reason ?? ''}\n`);
  return results.every((r) => r.status === 'unsealed') ? 'ok' : 'incomplete';
}

export const unsealCommand = defineCommand<UnsealArgs>({
  command: 'unseal [numbers..]',
  describe:
    'Decode the client data of deal and snap-upgraded sectors from their replica (sealed/ or update/). ' +
    'The key always needs the full SDR (PC1) of the sector, even with --piece, which only limits what is decoded and checked',
  interruptNotice: 'sealer-recover: stopping unseal; nothing partial is left at the output paths',
  builder: (y: Argv) =>
    sourceOptions(y, 'sector records')
      .positional('numbers', { type: 'string', array: true, describe: 'sector numbers to unseal' })
      .option('sectors', { alias: 'sector', type: 'string', array: true, describe: 'sector number (repeatable)' })
      .option('miner', { type: 'string', describe: 'miner ID address, e.g. f01000' })
      .option('sealing-result', { type: 'string', demandOption: true, describe: 'storage path holding sealed/s-t0M-N (deal sector) or update/s-t0M-N (snapped sector)' })
      .option('sealing-temp', { type: 'string', default: '~/temp', describe: 'scratch directory for the regenerated key (a sector size per layer) and the decoded data' })
      .option('piece', { type: 'string', describe: 'piece CID: decode and check only this piece' })
      .option('out', { type: 'string', describe: 'with --piece: write the raw (unpadded) piece bytes here' })
      .option('unsealed-dir', { type: 'string', describe: 'write unsealed/s-t0M-N under this storage path in lotus partial-file format (padded data + allocation trailer)' })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable result' }),
  run: runUnseal,
});
