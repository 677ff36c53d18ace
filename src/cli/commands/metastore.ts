// `sealer-recover metastore inspect|dump|sectors|repair <dir>`: read-only forensics and repair of a
// lotus-miner metadata store (datastore/metadata, a goleveldb LevelDB). See src/metastore/.
import type { Argv } from 'yargs';
import { stat } from 'node:fs/promises';
import { InputError, UsageError } from '../../errors.js';
import { inspectStore, formatInspect } from '../../metastore/inspect.js';
import { dumpStore } from '../../metastore/dump.js';
import { readSectorsFromStore } from '../../metastore/sector-info.js';
import { formatSector } from '../../metastore/sector-format.js';
import { repairStore, formatRepair } from '../../metastore/repair.js';
import { toJson } from '../../metastore/json.js';
import { defineCommand, type CliDeps, type Outcome } from '../command.js';

export interface MetastoreArgs {
  action: 'inspect' | 'dump' | 'sectors' | 'repair';
  dir: string;
  json: boolean;
  prefix?: string;
  decode: boolean;
  out?: string;
  mode?: 'strict' | 'lenient';
  includeUnverified: boolean;
}

// Errors keep their kinds (src/errors.ts): a store that is not one = input, a damaged store in
// strict mode = corruption, unreadable files or output trouble = io/usage.
export async function runMetastore(a: MetastoreArgs, deps: CliDeps): Promise<Outcome> {
  try {
    if (!(await stat(a.dir)).isDirectory()) throw new InputError(`${a.dir} is not a directory; pass the store directory (e.g. ~/.lotusminer/datastore/metadata)`);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot open ${a.dir}: ${(e as Error).message}`, { cause: e });
  }
  const print = (s: string) => void deps.stdout.write(s);
  switch (a.action) {
    case 'inspect': {
      const r = await inspectStore(a.dir);
      print(a.json ? toJson(r) + '\n' : formatInspect(r));
      return 'ok';
    }
    case 'dump': {
      const { entries, view } = await dumpStore(a.dir, { prefix: a.prefix, decode: a.decode });
      if (a.json) print(toJson({ entries, damage: view.damage, stale: view.stale }) + '\n');
      else {
        for (const e of entries) {
          const v = typeof e.decoded === 'bigint' ? e.decoded.toString() : e.decoded !== undefined && e.decoded !== null ? toJson(e.decoded, 0) : e.decodeError ? `UNDECODABLE (${e.decodeError}) 0x${e.valueHex}` : (e.value ?? `0x${e.valueHex}`);
          print(`${e.key}\t${v}${e.possiblyStale ? `\t[possibly stale: ${e.possiblyStale}]` : ''}\n`);
        }
        if (view.damage.length) deps.stderr.write(`metastore dump: the store is damaged (${view.damage.length} problems); this is the newest surviving version of each key — see \`metastore inspect\`\n`);
      }
      return 'ok';
    }
    case 'sectors': {
      const { sectors, problems, view } = await readSectorsFromStore(a.dir);
      if (a.json) print(toJson({ sectors, problems, damage: view.damage }) + '\n');
      else {
        for (const s of sectors) print(formatSector(s) + '\n');
        for (const p of problems) print(`UNDECODABLE ${p.key}: ${p.error}\n`);
        print(`${sectors.length} sectors, ${problems.length} undecodable record(s)\n`);
      }
      return problems.length ? 'incomplete' : 'ok';
    }
    case 'repair': {
      if (!a.out) throw new UsageError('metastore repair needs --out <newdir> (a new directory; the input is never modified)');
      if (!a.mode) throw new UsageError('metastore repair needs --mode strict|lenient');
      if (a.includeUnverified && a.mode !== 'lenient') throw new UsageError('--include-unverified only applies to --mode lenient');
      const r = await repairStore(a.dir, a.out, a.mode, { includeUnverified: a.includeUnverified });
      print(a.json ? toJson(r) + '\n' : formatRepair(r));
      return 'ok';
    }
  }
}

export const metastoreCommand = defineCommand<MetastoreArgs>({
  command: 'metastore <action> <dir>',
  describe: 'Inspect, dump, list sectors of, or repair a lotus-miner metadata store (LevelDB); never writes to <dir>',
  builder: (y: Argv) =>
    y
      .positional('action', {
        choices: ['inspect', 'dump', 'sectors', 'repair'] as const,
        demandOption: true,
        describe: 'inspect: forensic report; dump: newest value of every key; sectors: every field of each decoded SectorInfo record (exit 1 if any does not decode); repair: write a fresh store at --out',
      })
      .positional('dir', { type: 'string', demandOption: true, describe: 'the store directory (datastore/metadata)' })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
      .option('prefix', { type: 'string', describe: 'dump: only keys starting with this (e.g. /sectors/)' })
      .option('decode', { type: 'boolean', default: false, describe: 'dump: decode SectorInfo CBOR and /storage/nextid' })
      .option('out', { type: 'string', describe: 'repair: new directory to write the repaired store to' })
      .option('include-unverified', { type: 'boolean', default: false, describe: 'repair --mode lenient: also write entries of damaged blocks that failed their checksum (as RepairDB does; they may be corrupted, and are listed as stale)' })
      .option('mode', { choices: ['strict', 'lenient'] as const, describe: 'repair: strict = goleveldb StrictRecovery (damaged tables dropped whole, journal replay stops at the first bad record); lenient = every checksum-valid block and record' }) as Argv,
  run: runMetastore,
});
