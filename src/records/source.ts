// One interface for every place sector records come from: the Go tool's export file, the miner's
// own metadata store, a Lotus node, and the bundled devnet (a Lotus node on loopback). `recover`,
// `export` and `verify` ask a source; none of them knows which kind it is talking to.
import type { MinerAddress } from '../chain/address.js';
import type { ActorId, SectorNumber } from '../proofs/types.js';
import type { ChainAnswer, SectorRecord } from './record.js';
import type { LotusClient } from '../chain/lotus-client.js';

export type SourceKind = 'export-file' | 'metadata-store' | 'node';

export interface RecordsResult {
  /** in the order asked for */
  readonly records: SectorRecord[];
  /** sector number → why this source cannot give its record (the report shows it as failed) */
  readonly failed: Map<bigint, string>;
}

export interface RecordHooks {
  /** each record as soon as it is known (export rewrites its file after each, as the Go tool did) */
  onRecord?(record: SectorRecord, soFar: readonly SectorRecord[]): Promise<void> | void;
  /** a sector the source cannot give */
  onError?(sector: SectorNumber, reason: string): void;
}

export interface SectorRecordSource {
  readonly kind: SourceKind;
  /** for logs and reports: "file x.json", "metadata store /dir", "chain http://…" (no credentials) */
  readonly description: string;
  /** the miner the source speaks for, when it names one (an export file, a store); a node serves any */
  readonly miner?: MinerAddress;
  /** a node source's client, for what only the chain knows (faults, proving deadlines) */
  readonly chain?: LotusClient;
  /** the miner's sector size, when the source knows it without a sector (export file, node) */
  sectorSize?(miner: MinerAddress): Promise<bigint>;
  /** Recovery inputs of each sector; one sector's problem is returned in `failed`, never thrown. */
  recoveryRecords(miner: MinerAddress, numbers: readonly SectorNumber[], hooks?: RecordHooks): Promise<RecordsResult>;
  /** What this source says a sector's CommR is (verify). Never throws for one sector. */
  expectedCommR(miner: ActorId, sector: SectorNumber): Promise<ChainAnswer>;
  /** releases what the source holds (the devnet's server, a store's handles) */
  close(): Promise<void>;
}

/** Records for `numbers` from a list the source holds in full (a file, a store). */
export async function pickRecords(
  all: readonly SectorRecord[],
  numbers: readonly SectorNumber[],
  missing: (n: SectorNumber) => string,
  hooks: RecordHooks = {},
): Promise<RecordsResult> {
  const records: SectorRecord[] = [];
  const failed = new Map<bigint, string>();
  for (const n of numbers) {
    const rec = all.find((r) => r.sectorNumber === n);
    if (!rec) {
      const why = missing(n);
      failed.set(n, why);
      hooks.onError?.(n, why);
      continue;
    }
    records.push(rec);
    await hooks.onRecord?.(rec, records);
  }
  return { records, failed };
}
