// Recovery records of several sectors from a node, in argument order, like the Go tool's `export`
// — but the failures are collected (its "failt sectors" list was always empty) and the sector
// size comes from StateMinerInfo once.
import type { SectorNumber } from '../proofs/types.js';
import { formatMinerAddress, type MinerAddress } from './address.js';
import { sectorFromChain } from './chain-sector.js';
import type { SectorRecord } from '../records/record.js';
import type { RecordHooks, RecordsResult } from '../records/source.js';
import type { LotusClient } from './lotus-client.js';

export async function exportSectors(
  client: LotusClient,
  miner: MinerAddress,
  numbers: readonly SectorNumber[],
  hooks: RecordHooks = {},
): Promise<RecordsResult> {
  const info = await client.stateMinerInfo(formatMinerAddress(miner));
  const records: SectorRecord[] = [];
  const failed = new Map<bigint, string>();
  for (const n of numbers) {
    let rec: SectorRecord;
    try {
      rec = await sectorFromChain(client, miner, n);
      if (rec.proof.sectorBytes !== info.sectorSize) {
        throw new Error(`sector ${n}: seal proof ${rec.proof.name} does not match the miner's sector size ${info.sectorSize}`);
      }
    } catch (e) {
      failed.set(n, (e as Error).message);
      hooks.onError?.(n, (e as Error).message);
      continue;
    }
    records.push(rec);
    await hooks.onRecord?.(rec, records);
  }
  return { records, failed };
}
