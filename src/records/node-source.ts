// A Lotus node (FULLNODE_API_INFO, or the bundled devnet on loopback) as a record source:
// recovery inputs through the export path (docs/chain.md), expected CommR through
// StateSectorGetInfo / StateSectorPreCommitInfo. A lookup never throws for one sector: an
// unreachable node or an unknown sector becomes an `unavailable` answer that verify shows as
// "could not check", not as damage.
import { InputError } from '../errors.js';
import { formatMinerAddress } from '../chain/address.js';
import { exportSectors } from '../chain/export.js';
import type { LotusClient } from '../chain/lotus-client.js';
import { formatIdAddress } from '../proofs/address.js';
import { cidToCommR } from '../proofs/cid.js';
import { sealProof } from '../proofs/registry.js';
import type { SectorRecordSource } from './source.js';

export function lotusNodeSource(client: LotusClient, description: string, close: () => Promise<void> = async () => {}): SectorRecordSource {
  return {
    kind: 'node',
    description,
    chain: client,
    async sectorSize(miner) {
      return (await client.stateMinerInfo(formatMinerAddress(miner))).sectorSize;
    },
    recoveryRecords: (miner, numbers, hooks) => exportSectors(client, miner, numbers, hooks),
    close,
    async expectedCommR(miner, sector) {
      const addr = formatIdAddress(miner, 'f');
      try {
        const info = await client.stateSectorGetInfo(addr, sector);
        if (info) {
          // After a snap upgrade SealedCID is the updated replica (update/); the original one
          // (sealed/, the sector key) is SectorKeyCID.
          const key = info.sectorKeyCid;
          return {
            kind: 'found',
            value: {
              commR: cidToCommR(info.sealedCid),
              cid: info.sealedCid,
              ...(key ? { sectorKey: { cid: key, commR: cidToCommR(key) } } : {}),
              proof: sealProof(info.sealProof),
              source: 'chain (StateSectorGetInfo)',
              ...(key ? { note: 'snap-upgraded: update/ is compared with SealedCID, sealed/ (the sector key) with SectorKeyCID' } : {}),
            },
          };
        }
        const pc = await client.stateSectorPreCommitInfo(addr, sector);
        if (pc)
          return {
            kind: 'found',
            value: { commR: cidToCommR(pc.sealedCid), cid: pc.sealedCid, proof: sealProof(pc.sealProof), source: 'chain (StateSectorPreCommitInfo)', note: 'pre-committed, not yet proven' },
          };
        return { kind: 'unavailable', reason: `sector ${sector} of ${addr} is neither active nor pre-committed on chain (expired, terminated or never committed): no CommR to compare with` };
      } catch (e) {
        if (e instanceof InputError) return { kind: 'unavailable', reason: `the node's record of sector ${sector} is unusable: ${e.message}` };
        return { kind: 'unavailable', reason: `could not ask the node about sector ${sector}: ${(e as Error).message}` };
      }
    },
  };
}
