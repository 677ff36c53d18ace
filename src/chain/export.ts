// Export several sectors from a node, in argument order, like the Go tool's `export` — but the
// failures are collected (its "failt sectors" list was always empty) and the sector size comes
// from StateMinerInfo once.
import type { SectorNumber } from '../proofs/types.js';
import { formatMinerAddress, type MinerAddress } from './address.js';
import { sectorFromChain } from './chain-sector.js';
import type { RecoveryFile, SectorRecord } from './export-file.js';
import type { LotusClient } from './lotus-client.js';

export interface ExportResult {
  readonly file: RecoveryFile;
  readonly failed: Map<bigint, string>;
}

export interface ExportHooks {
  onError?(n: SectorNumber, e: Error): void;
  /** after each exported sector, with everything so far (the Go tool rewrote its file each time) */
  onProgress?(file: RecoveryFile): Promise<void> | void;
}

export async function exportSectors(client: LotusClient, miner: MinerAddress, numbers: readonly SectorNumber[], hooks: ExportHooks = {}): Promise<ExportResult> {
  const info = await client.stateMinerInfo(formatMinerAddress(miner));
  const sectors: SectorRecord[] = [];
  const failed = new Map<bigint, string>();
  for (const n of numbers) {
    try {
      const rec = await sectorFromChain(client, miner, n);
      if (rec.proof.sectorBytes !== info.sectorSize) {
        throw new Error(`sector ${n}: seal proof ${rec.proof.name} does not match the miner's sector size ${info.sectorSize}`);
      }
      sectors.push(rec);
      await hooks.onProgress?.({ miner, sectorSize: info.sectorSize, sectors });
    } catch (e) {
      failed.set(n, (e as Error).message);
      hooks.onError?.(n, e as Error);
    }
  }
  return { file: { miner, sectorSize: info.sectorSize, sectors }, failed };
}
