// Records from a sectors-recovery-<miner>.json export file (docs/export-file.md).
import { formatMinerAddress } from '../chain/address.js';
import { formatIdAddress } from '../proofs/address.js';
import type { ActorId } from '../proofs/types.js';
import { readRecoveryFile } from './export-file.js';
import { pickRecords, type SectorRecordSource } from './source.js';

export async function exportFileSource(path: string): Promise<SectorRecordSource> {
  const file = await readRecoveryFile(path);
  const description = `file ${path}`;
  const otherMiner = (m: ActorId) => `${path} is for miner ${formatMinerAddress(file.miner)}, not ${formatIdAddress(m, file.miner.network)}`;
  return {
    kind: 'export-file',
    description,
    miner: file.miner,
    async sectorSize() {
      return file.sectorSize;
    },
    async recoveryRecords(miner, numbers, hooks) {
      const all = miner.id === file.miner.id ? file.sectors : [];
      return pickRecords(all, numbers, (n) => (miner.id !== file.miner.id ? otherMiner(miner.id) : `sector ${n} is not listed in ${path}: export it first (sealer-recover export --miner ${formatMinerAddress(file.miner)} ${n})`), hooks);
    },
    async expectedCommR(miner, sector) {
      if (miner !== file.miner.id) return { kind: 'unavailable', reason: otherMiner(miner) };
      const rec = file.sectors.find((s) => s.sectorNumber === sector);
      if (!rec) return { kind: 'unavailable', reason: `sector ${sector} is not listed in ${path}: export it to compare its CommR` };
      return { kind: 'found', value: { commR: rec.commR, cid: rec.sealedCid, ...(rec.sectorKey ? { sectorKey: rec.sectorKey } : {}), proof: rec.proof, source: description } };
    },
    async close() {},
  };
}
