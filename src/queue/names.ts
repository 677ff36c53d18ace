// Names shared by the coordinator, the workers and `status`: the queue and each sector's job id.
// One job per sector, named after the sector's files (s-t0M-N), so adding the same sector twice is
// the same job (docs/queue.md#jobs).
import type { ActorId, SectorNumber } from '../proofs/types.js';
import { sectorName } from '../sector/storage-layout.js';

export const QUEUE_NAME = 'sealer-recover';
/** Redis key prefix of every BullMQ key this tool writes */
export const KEY_PREFIX = 'sealer-recover';

export const jobIdOf = (miner: ActorId, sector: SectorNumber): string => sectorName(miner, sector);
