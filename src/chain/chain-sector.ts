// One sector's recovery inputs from a Lotus node, following the Go tool's export (export/chain.go)
// but also keeping UnsealedCID/DealIDs/SealRandEpoch, handling pre-committed-only sectors, and
// explaining pruned state instead of failing with a bare "ipld: could not find".
import { asSectorNumber, asTicket, type ActorId, type SectorNumber, type Ticket } from '../proofs/types.js';
import { sealProof } from '../proofs/registry.js';
import { formatMinerAddress, type MinerAddress } from './address.js';
import { cidToCommR } from '../proofs/cid.js';
import { InputError, IoError } from '../errors.js';
import type { PieceRef, SectorRecord } from '../records/record.js';
import { LotusClient, RpcError, type TipSetKey } from './lotus-client.js';
import { DST_SEAL_RANDOMNESS, drawRandomnessFromDigest, minerEntropy } from './ticket.js';

/** The sector cannot be recovered from chain data (not found, inconsistent records, …). */
export class SectorNotRecoverableError extends InputError {
  override name = 'SectorNotRecoverableError';
}

/** The node lacks the state needed; names the epoch and the offline ways around it. */
export class PrunedStateError extends IoError {
  override name = 'PrunedStateError';
  constructor(
    readonly miner: string,
    readonly sector: bigint,
    readonly epoch: number,
    cause: RpcError,
  ) {
    super(
      `sector ${sector} of ${miner}: the node has no state at epoch ${epoch} (the sector's activation; its precommit ` +
        `record, which holds SealRandEpoch, only exists in state before that epoch) — node said "${cause.rpcMessage}". ` +
        `Fix: point FULLNODE_API_INFO at an archival node holding state at epoch ${epoch}, or recover offline: ` +
        `\`sealer-recover recover --metadata-store <lotus-miner repo>/datastore/metadata ${sector}\` takes the ticket from the ` +
        `miner's own records, or add {SectorNumber, Ticket, SealProof, SealedCID} for this sector to ` +
        `sectors-recovery-${miner}.json and pass --sectors-recovery-metadata.`,
    );
  }
}

/** Ticket at SealRandEpoch; falls back to the digest call + local mixing when a node lacks the full call. */
export async function sealTicket(client: LotusClient, miner: ActorId, epoch: number, tsk: TipSetKey): Promise<Ticket> {
  const entropy = minerEntropy(miner);
  try {
    return asTicket(await client.stateGetRandomnessFromTickets(DST_SEAL_RANDOMNESS, epoch, entropy, tsk));
  } catch (e) {
    if (!(e instanceof RpcError && e.isMethodNotFound)) throw e;
  }
  const digest = await client.stateGetRandomnessDigestFromTickets(epoch, tsk);
  return drawRandomnessFromDigest(DST_SEAL_RANDOMNESS, digest, epoch, entropy);
}

export async function sectorFromChain(client: LotusClient, minerAddr: MinerAddress, n: SectorNumber): Promise<SectorRecord> {
  const miner = formatMinerAddress(minerAddr);
  const info = await client.stateSectorGetInfo(miner, n);
  let tsk: TipSetKey = null;
  let pc;
  if (info === null) {
    pc = await client.stateSectorPreCommitInfo(miner, n);
    if (pc === null) {
      throw new SectorNotRecoverableError(
        `sector ${n} of ${miner} is neither active nor pre-committed at the node's head (never pre-committed, expired or terminated): nothing on chain to recover`,
      );
    }
    tsk = (await client.chainGetTipSetByHeight(pc.preCommitEpoch)).key;
  } else {
    // The precommit record is deleted on activation; query the state as of the activation tipset
    // (whose parent state predates the activating message).
    tsk = (await client.chainGetTipSetByHeight(info.activation)).key;
    try {
      pc = await client.stateSectorPreCommitInfo(miner, n, tsk);
    } catch (e) {
      if (e instanceof RpcError && e.isMissingState) throw new PrunedStateError(miner, n, info.activation, e);
      throw e;
    }
    if (pc === null) {
      throw new SectorNotRecoverableError(`sector ${n} of ${miner}: no precommit record in the state at its activation epoch ${info.activation}`);
    }
  }
  const ticket = await sealTicket(client, minerAddr.id, pc.sealRandEpoch, tsk);
  // A snapped sector (docs/snap.md#records): the precommit describes its CC sector key (ticket,
  // proof, SealedCID = SectorKeyCID); SealedCID and the deals of the sector info describe the update.
  const snapped = info?.sectorKeyCid !== undefined;
  const dealIds = snapped ? (info!.dealIds ?? []) : pc.dealIds;
  let pieces: PieceRef[] | undefined;
  if (dealIds.length > 0) {
    pieces = [];
    for (const d of dealIds) {
      const p = await client.stateMarketStorageDeal(d, tsk);
      pieces.push({ size: p.pieceSize, pieceCid: p.pieceCid });
    }
  }
  const proof = sealProof(pc.sealProof);
  if (snapped && pc.sealedCid !== info!.sectorKeyCid) {
    throw new SectorNotRecoverableError(
      `sector ${n} of ${miner} was snap-upgraded but its precommit SealedCID ${pc.sealedCid} is not its SectorKeyCID ${info!.sectorKeyCid}: the chain records disagree, refusing to guess the sector key`,
    );
  }
  const sealedCid = snapped ? info!.sealedCid : pc.sealedCid;
  return {
    sectorNumber: asSectorNumber(n),
    ticket,
    proof,
    sealedCid,
    commR: fieldCommR(sealedCid, snapped ? `StateSectorGetInfo(${miner}, sector ${n}): field SealedCID` : `StateSectorPreCommitInfo(${miner}, sector ${n}): field Info.SealedCID`),
    sealRandEpoch: pc.sealRandEpoch,
    ...(pc.unsealedCid && !snapped ? { unsealedCid: pc.unsealedCid } : {}),
    ...(dealIds.length ? { dealIds } : {}),
    ...(snapped
      ? { sectorKey: { cid: info!.sectorKeyCid!, commR: fieldCommR(info!.sectorKeyCid!, `StateSectorGetInfo(${miner}, sector ${n}): field SectorKeyCID`) } }
      : {}),
    ...(pieces ? { pieces } : {}),
    ...(info === null ? { preCommitOnly: true } : {}),
  };
}

function fieldCommR(cid: string, where: string) {
  try {
    return cidToCommR(cid);
  } catch (e) {
    throw new InputError(`${where}: ${(e as Error).message}`);
  }
}
