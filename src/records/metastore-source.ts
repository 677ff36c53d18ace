// Offline inputs from the miner's own lotus-miner metadata store (--metadata-store): ticket,
// CommR, CommD and pieces come from its /sectors/<n> records, the miner from /miner-address. No
// chain access, so this works when the node has pruned the state the export needs. The sector's
// State decides pre-commit-only; a snap-upgraded sector's record carries the updated replica's
// CommR (UpdateSealed) and its sector key (CommR) (docs/metastore-recovery.md#record-source).
import { InputError } from '../errors.js';
import { asActorId, type SectorNumber } from '../proofs/types.js';
import type { ReadMode } from '../metastore/log-reader.js';
import { readSectorsFromStore, SECTOR_PREFIX, type MetastorePiece, type MetastoreSector } from '../metastore/sector-info.js';
import { keyString, liveEntries, type LatestView } from '../metastore/latest-view.js';
import { formatMinerAddress, type MinerAddress } from '../chain/address.js';
import type { PieceRef, SectorRecord } from './record.js';
import { pickRecords, type SectorRecordSource } from './source.js';

export interface MetastoreInputs {
  readonly miner: MinerAddress;
  readonly records: SectorRecord[];
  /** sector number → why it cannot be used */
  readonly unusable: Map<bigint, string>;
  /** store-level decode problems */
  readonly problems: string[];
  /** sector number → where each value of its record came from (docs/metastore-recovery.md#record-source) */
  readonly provenance: Map<bigint, string[]>;
  /** sector number → why its record's value may not be the newest the store held */
  readonly stale: Map<bigint, string>;
  /** why a sector absent from the store may have been lost with a damaged region, or null */
  readonly lostIn: (n: bigint) => string | null;
}

/** go-address bytes of an ID address: protocol 0 then LEB128(id). */
function decodeIdAddress(b: Uint8Array): bigint | undefined {
  if (b.length < 2 || b[0] !== 0) return undefined;
  let v = 0n;
  let shift = 0n;
  for (const byte of b.subarray(1)) {
    v |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if (!(byte & 0x80)) return v;
  }
  return undefined;
}

/**
 * lotus-miner states (storage/pipeline sector_state.go) after the pre-commit was computed and
 * before the ProveCommit landed: the sector is pre-committed at most, and ProveCommit still needs
 * its layers, tree-c and tree-d (SectorRecord.preCommitOnly).
 */
const NOT_PROVEN = new Set([
  'PreCommit2', 'PreCommitting', 'PreCommitWait', 'SubmitPreCommitBatch', 'PreCommitBatchWait', 'PreCommitFailed', 'SealPreCommit2Failed',
  'WaitSeed', 'Committing', 'CommitFinalize', 'CommitFinalizeFailed', 'SubmitCommit', 'CommitWait', 'SubmitCommitAggregate',
  'CommitAggregateWait', 'ComputeProofFailed', 'CommitFailed', 'RemoteCommitFailed', 'DealsExpired', 'RecoverDealIDs',
]);
/** states of a proven sector (the ProveCommit landed) */
const PROVEN = new Set([
  'FinalizeSector', 'FinalizeFailed', 'Proving', 'Available', 'Faulty', 'FaultReported', 'FaultedFinal', 'Terminating', 'TerminateWait',
  'TerminateFinality', 'TerminateFailed', 'Removing', 'RemoveFailed', 'SnapDealsWaitDeals', 'SnapDealsAddPiece', 'SnapDealsPacking',
  'UpdateReplica', 'ProveReplicaUpdate', 'SubmitReplicaUpdate', 'WaitMutable', 'ReplicaUpdateWait', 'FinalizeReplicaUpdate',
  'UpdateActivating', 'ReleaseSectorKey', 'SnapDealsAddPieceFailed', 'SnapDealsDealsExpired', 'SnapDealsRecoverDealIDs', 'AbortUpgrade',
  'ReplicaUpdateFailed', 'ReleaseSectorKeyFailed', 'FinalizeReplicaUpdateFailed',
]);
/** snap-deal states before the replica update is known to have landed: the chain still holds the CC replica */
const UPGRADE_IN_FLIGHT = new Set([
  'SnapDealsWaitDeals', 'SnapDealsAddPiece', 'SnapDealsPacking', 'UpdateReplica', 'ProveReplicaUpdate', 'SubmitReplicaUpdate', 'WaitMutable',
  'ReplicaUpdateWait', 'SnapDealsAddPieceFailed', 'SnapDealsDealsExpired', 'SnapDealsRecoverDealIDs', 'AbortUpgrade', 'ReplicaUpdateFailed',
]);

function toPieces(ps: readonly MetastorePiece[]): PieceRef[] {
  return ps.filter((p) => p.pieceCid !== null).map((p) => ({ size: p.size, pieceCid: p.pieceCid! }));
}
const dealIdsOf = (ps: readonly MetastorePiece[]): bigint[] => ps.filter((p) => p.deal?.kind === 'builtin-market' && p.dealId !== null && p.dealId > 0n).map((p) => p.dealId!);

/** The recovery record of one decoded sector, or why there is none; `from` says where each value came from. */
export function recordOfSector(s: MetastoreSector): { record: SectorRecord; from: string[] } | { why: string } {
  const at = s.key;
  if (!s.proof) return { why: `its SectorType ${s.sectorType} is not a known seal proof` };
  if (!s.ticket) return { why: 'the record has no TicketValue' };
  if (!s.commRCid || !s.commR) return { why: `no CommR in the record (state ${s.state}): it was never pre-committed` };
  if (s.state === 'Removed') return { why: 'lotus-miner removed this sector (state Removed): it is no longer on chain to recover' };
  const from: string[] = [`ticket, proof: ${at} TicketValue/TicketEpoch, SectorType ${s.sectorType}`];
  let preCommitOnly: boolean;
  if (NOT_PROVEN.has(s.state)) {
    preCommitOnly = true;
    from.push(`pre-commit only: state ${s.state} (ProveCommit not landed; layers and trees are kept)`);
  } else if (PROVEN.has(s.state)) {
    preCommitOnly = false;
  } else {
    // unknown state: keeping the pre-commit files is the safe side (ProveCommit may still need them)
    preCommitOnly = s.commitMessage === null;
    from.push(`state ${s.state} is not one this tool knows; ${preCommitOnly ? 'no CommitMessage, so treated as pre-commit only' : 'it has a CommitMessage, so treated as proven'}`);
  }
  const snapped = s.ccUpdate && s.updateSealedCid !== null && s.updateCommR !== null && !UPGRADE_IN_FLIGHT.has(s.state);
  const base = {
    sectorNumber: s.number as SectorNumber,
    ticket: s.ticket,
    proof: s.proof,
    ...(s.ticketEpoch !== null ? { sealRandEpoch: Number(s.ticketEpoch) } : {}),
    ...(preCommitOnly ? { preCommitOnly: true } : {}),
  };
  if (snapped) {
    const pieces = toPieces(s.pieces);
    const deals = dealIdsOf(s.pieces);
    from.push(
      `snap-upgraded (CCUpdate, state ${s.state}): CommR ${s.updateSealedCid} from UpdateSealed; sector key ${s.commRCid} from CommR`,
      `UnsealedCID ${s.updateUnsealedCid ?? '(none: UpdateUnsealed empty)'} from UpdateUnsealed; pieces from Pieces (the new data), not CCPieces`,
    );
    return {
      record: {
        ...base,
        sealedCid: s.updateSealedCid!,
        commR: s.updateCommR!,
        ...(s.updateUnsealedCid ? { unsealedCid: s.updateUnsealedCid } : {}),
        ...(deals.length ? { dealIds: deals } : {}),
        pieces,
        sectorKey: { cid: s.commRCid, commR: s.commR },
      },
      from,
    };
  }
  if (s.ccUpdate && UPGRADE_IN_FLIGHT.has(s.state)) {
    from.push(`snap upgrade in progress (state ${s.state}): the chain still holds the CC replica, so CommR and pieces are the pre-update ones (CommR, CCPieces)`);
  }
  // during an upgrade lotus moves the CC pieces to CCPieces and fills Pieces with the new deals
  const ps = s.ccUpdate && s.ccPieces.length ? s.ccPieces : s.pieces;
  from.push(`CommR ${s.commRCid} from CommR; UnsealedCID ${s.commDCid ?? '(none)'} from CommD; pieces from ${ps === s.pieces ? 'Pieces' : 'CCPieces'}`);
  const deals = dealIdsOf(ps);
  return {
    record: {
      ...base,
      sealedCid: s.commRCid,
      commR: s.commR,
      ...(s.commDCid ? { unsealedCid: s.commDCid } : {}),
      ...(deals.length ? { dealIds: deals } : {}),
      pieces: toPieces(ps),
    },
    from,
  };
}

/** Why `/sectors/<n>`, absent from the store, may have been lost to damage, or null. */
function lostInDamage(view: LatestView, n: bigint): string | null {
  const key = `${SECTOR_PREFIX}${n}`;
  const k = keyString(Buffer.from(key, 'latin1'));
  const seen = view.unverified.find((u) => keyString(u.key) === k);
  if (seen) return `its record survives only in a damaged block of ${seen.source} (checksum failed): lost in the damaged store region; \`metastore repair --mode lenient --include-unverified\` can salvage it, unverified`;
  const ranged = view.lostRanges.find((r) => (r.lo !== null || r.hi !== null) && (r.lo === null || k >= r.lo) && (r.hi === null || k <= r.hi));
  if (ranged) return `lost in the damaged store region ${ranged.file} (${ranged.what}; keys ${ranged.lo ?? '(start)'} … ${ranged.hi ?? '(end)'})`;
  const open = view.lostRanges.filter((r) => r.lo === null && r.hi === null);
  if (open.length) return `possibly lost in the damaged store region ${open.map((r) => `${r.file} (${r.what})`).join('; ')}: which keys it held is unknown`;
  return null;
}

/**
 * `mode` 'strict' refuses a damaged store (StrictRefusalError, docs/metastore-recovery.md#strict)
 * instead of reading what survives.
 */
export async function metastoreInputs(dir: string, miner?: MinerAddress, mode: ReadMode = 'lenient'): Promise<MetastoreInputs> {
  const store = await readSectorsFromStore(dir, mode);
  const stored = liveEntries(store.view, Buffer.from('/miner-address'));
  const storedId = stored[0] ? decodeIdAddress(stored[0].value) : undefined;
  if (miner && storedId !== undefined && storedId !== miner.id) {
    throw new InputError(`--miner ${formatMinerAddress(miner)} does not match the store's /miner-address f0${storedId} (${dir})`);
  }
  const who: MinerAddress | undefined = miner ?? (storedId !== undefined ? { network: 'f', id: asActorId(storedId) } : undefined);
  if (!who) throw new InputError(`${dir} has no readable /miner-address record: pass --miner f0<id>`);
  const records: SectorRecord[] = [];
  const unusable = new Map<bigint, string>();
  const provenance = new Map<bigint, string[]>();
  const stale = new Map<bigint, string>();
  for (const s of store.sectors) {
    const r = recordOfSector(s);
    if ('why' in r) {
      unusable.set(s.number, `metadata store record ${s.key}: ${r.why}`);
      continue;
    }
    records.push(r.record);
    provenance.set(s.number, r.from);
    if (s.possiblyStale) stale.set(s.number, s.possiblyStale);
  }
  const decodeFailed = new Map(store.problems.map((p) => [p.key, p.error]));
  for (const [key, err] of decodeFailed) {
    const n = key.startsWith(SECTOR_PREFIX) && /^\d+$/.test(key.slice(SECTOR_PREFIX.length)) ? BigInt(key.slice(SECTOR_PREFIX.length)) : null;
    if (n !== null) unusable.set(n, `metadata store record ${key} does not decode: ${err}`);
  }
  return {
    miner: who,
    records,
    unusable,
    problems: store.problems.map((p) => `${p.key}: ${p.error}`),
    provenance,
    stale,
    lostIn: (n) => lostInDamage(store.view, n),
  };
}

/** The store as a record source; store-level decode problems are in `warnings`. */
export async function metadataStoreSource(
  dir: string,
  miner?: MinerAddress,
  mode: ReadMode = 'lenient',
): Promise<SectorRecordSource & { readonly warnings: readonly string[]; readonly provenance: ReadonlyMap<bigint, readonly string[]> }> {
  const m = await metastoreInputs(dir, miner, mode);
  const description = `metadata store ${dir}`;
  const missing = (n: SectorNumber) =>
    m.unusable.get(n) ??
    (m.lostIn(n) ? `the metadata store ${dir} has no record /sectors/${n}: ${m.lostIn(n)}` : `the metadata store ${dir} has no record /sectors/${n} (lotus-miner never held it; try another source)`);
  return {
    kind: 'metadata-store',
    description,
    miner: m.miner,
    warnings: [...m.problems, ...[...m.stale].map(([n, why]) => `/sectors/${n} is possibly stale: ${why}`)],
    provenance: m.provenance,
    async recoveryRecords(who, numbers, hooks) {
      if (who.id !== m.miner.id) {
        const failed = new Map(numbers.map((n) => [BigInt(n), `${dir} holds miner ${formatMinerAddress(m.miner)}, not ${formatMinerAddress(who)}`]));
        return { records: [], failed };
      }
      return pickRecords(m.records, numbers, missing, hooks);
    },
    async expectedCommR(who, sector) {
      if (who !== m.miner.id) return { kind: 'unavailable', reason: `${dir} holds miner ${formatMinerAddress(m.miner)}, not f0${who}` };
      const rec = m.records.find((r) => r.sectorNumber === sector);
      if (!rec) return { kind: 'unavailable', reason: missing(sector) };
      const notes = [...(m.provenance.get(BigInt(sector)) ?? []), ...(m.stale.has(BigInt(sector)) ? [`POSSIBLY STALE: ${m.stale.get(BigInt(sector))}`] : [])];
      // as the chain source does: after a snap upgrade the updated replica (update/) is UpdateSealed,
      // the original one (sealed/, the sector key) the record's CommR
      const key = rec.sectorKey;
      if (key) notes.unshift(`snap-upgraded: update/ is compared with UpdateSealed (${rec.sealedCid}), sealed/ with the sector key (CommR ${key.cid})`);
      return {
        kind: 'found',
        value: {
          commR: rec.commR,
          cid: rec.sealedCid,
          ...(key ? { sectorKey: key } : {}),
          proof: rec.proof,
          source: `${description} (/sectors/${sector})`,
          ...(notes.length ? { note: notes.join('; ') } : {}),
        },
      };
    },
    async close() {},
  };
}
