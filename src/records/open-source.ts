// The one place that decides which record source a command reads, from what the user gave:
// an export file, a metadata store, the bundled devnet, or a Lotus node through FULLNODE_API_INFO.
import { UsageError } from '../errors.js';
import { formatMinerAddress, type MinerAddress } from '../chain/address.js';
import { parseApiInfo } from '../chain/api-info.js';
import { LotusClient } from '../chain/lotus-client.js';
import { devnetSource } from './devnet-source.js';
import { exportFileSource } from './export-file-source.js';
import { metadataStoreSource } from './metastore-source.js';
import { lotusNodeSource } from './node-source.js';
import type { SectorRecordSource } from './source.js';

export interface SourceChoice {
  /** sectors-recovery-<miner>.json */
  readonly exportFile?: string;
  /** lotus-miner <repo>/datastore/metadata */
  readonly metadataStore?: string;
  /** strict refuses a damaged store (docs/metastore-recovery.md#strict); default lenient */
  readonly metadataStoreMode?: 'strict' | 'lenient';
  /** a devnet network JSON to serve on loopback */
  readonly devnet?: string;
  /** FULLNODE_API_INFO, used when nothing else is given */
  readonly apiInfo?: string;
  /** checked against a source that names its miner */
  readonly miner?: MinerAddress;
}

export const SOURCE_FLAGS = '--sectors-recovery-metadata, --metadata-store or --devnet';

/** The source the choice names, or undefined when it names none (no flag, no FULLNODE_API_INFO). */
export async function openRecordSource(c: SourceChoice): Promise<(SectorRecordSource & { readonly warnings?: readonly string[] }) | undefined> {
  const given = [c.exportFile && '--sectors-recovery-metadata', c.metadataStore && '--metadata-store', c.devnet && '--devnet'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one source of sector records, not ${given.join(' and ')}`);
  let source: SectorRecordSource | undefined;
  if (c.exportFile) source = await exportFileSource(c.exportFile);
  else if (c.metadataStore) source = await metadataStoreSource(c.metadataStore, c.miner, c.metadataStoreMode ?? 'lenient');
  else if (c.devnet) source = await devnetSource(c.devnet);
  else if (c.apiInfo) {
    const api = parseApiInfo(c.apiInfo);
    source = lotusNodeSource(new LotusClient({ api }), `chain ${api.baseUrl}`);
  }
  if (source?.miner && c.miner && source.miner.id !== c.miner.id) {
    await source.close();
    throw new UsageError(`--miner ${formatMinerAddress(c.miner)} does not match the miner of the ${source.description}: ${formatMinerAddress(source.miner)}`);
  }
  return source;
}

/** The miner a command works on: --miner, else the one the source names. */
export function minerFor(source: SectorRecordSource, requested: MinerAddress | undefined): MinerAddress {
  const miner = requested ?? source.miner;
  if (!miner) throw new UsageError(`--miner is required with a ${source.kind === 'node' ? 'Lotus node' : source.description}: pass --miner f0<id>`);
  return miner;
}
