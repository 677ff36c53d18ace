// Where the expected CommR of each sector comes from: a Lotus node (FULLNODE_API_INFO or the
// bundled devnet) or an export file (sectors-recovery-<miner>.json). Lookups never throw for one
// sector: an unreachable node or an unknown sector becomes an `unavailable` answer that the
// report shows as "could not check", not as damage.
import { readRecoveryFile, type RecoveryFile } from '../chain/export-file.js';
import { LotusClient } from '../chain/lotus-client.js';
import type { Network } from '../proofs/address.js';
import { cidToCommR } from '../proofs/cid.js';
import { sealProof } from '../proofs/registry.js';
import { InputError, type ActorId, type SectorNumber } from '../proofs/types.js';
import { formatIdAddress } from '../proofs/address.js';
import type { ChainAnswer } from './expected.js';

export interface CommRSource {
  /** for the report: "chain http://…", "file …" */
  readonly description: string;
  /** the miner the source is about, when it is fixed (an export file names one) */
  readonly miner?: ActorId;
  lookup(miner: ActorId, sector: SectorNumber): Promise<ChainAnswer>;
}

export async function fileSource(path: string): Promise<CommRSource> {
  const file: RecoveryFile = await readRecoveryFile(path);
  const source = `file ${path}`;
  return {
    description: source,
    miner: file.miner.id,
    async lookup(miner, sector) {
      if (miner !== file.miner.id) return { kind: 'unavailable', reason: `${path} is for miner ${formatIdAddress(file.miner.id, 'f')}, not f0${miner}` };
      const rec = file.sectors.find((s) => s.sectorNumber === sector);
      if (!rec) return { kind: 'unavailable', reason: `sector ${sector} is not listed in ${path}: export it to compare its CommR` };
      return { kind: 'found', value: { commR: rec.commR, cid: rec.sealedCid, proof: rec.proof, source } };
    },
  };
}

export function nodeSource(client: LotusClient, description: string, network: Network = 'f'): CommRSource {
  return {
    description,
    async lookup(miner, sector) {
      const addr = formatIdAddress(miner, network);
      try {
        const info = await client.stateSectorGetInfo(addr, sector);
        if (info) {
          // After a snap upgrade SealedCID is the updated replica (update/); sealed/ still holds the
          // original one, whose CommR the chain keeps as SectorKeyCID.
          const cid = info.sectorKeyCid ?? info.sealedCid;
          return {
            kind: 'found',
            value: {
              commR: cidToCommR(cid),
              cid,
              proof: sealProof(info.sealProof),
              source: 'chain (StateSectorGetInfo)',
              ...(info.sectorKeyCid ? { note: 'snap-upgraded: compared with SectorKeyCID, the CommR of sealed/' } : {}),
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
