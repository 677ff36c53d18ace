// lotus SectorInfo records (`/sectors/<n>`, CBOR map encoding from cbor-gen; docs/leveldb.md#sectorinfo-records;
// lotus: storage/pipeline/types.go, cbor_gen.go). Decoding is per record: one bad record is
// reported and never hides the others (lotus's own ListSectors fails for the whole store).
import { Decoder, Tag } from 'cbor-x';
import { CID } from 'multiformats/cid';
import { cidToCommD, cidToCommR } from '../proofs/cid.js';
import { sealProof, type SealProof } from '../proofs/registry.js';
import { asSectorNumber, asTicket, type Commitment, type SectorNumber, type Ticket } from '../proofs/types.js';
import { buildView, liveEntries, type LatestView } from './latest-view.js';
import { formatAddressBytes } from './address-bytes.js';
import type { ReadMode } from './log-reader.js';

export const SECTOR_PREFIX = '/sectors/';

/** A builtin-market deal proposal as stored with the piece (market.DealProposal, tuple-encoded). */
export interface MetastoreDealProposal {
  readonly pieceCid: string | null;
  readonly pieceSize: bigint;
  readonly verifiedDeal: boolean;
  readonly client: string | null;
  readonly provider: string | null;
  /** the label as text, or hex when it is a byte label that is not UTF-8 */
  readonly label: string | null;
  readonly startEpoch: bigint;
  readonly endEpoch: bigint;
  /** attoFIL */
  readonly storagePricePerEpoch: bigint;
  readonly providerCollateral: bigint;
  readonly clientCollateral: bigint;
}

/** A direct-data-onboarding piece's activation manifest (miner.PieceActivationManifest). */
export interface MetastoreActivationManifest {
  readonly cid: string | null;
  readonly size: bigint;
  readonly verifiedAllocation: { readonly client: bigint; readonly id: bigint } | null;
  readonly notify: Array<{ readonly address: string | null; readonly payload: string }>;
}

export interface MetastoreDealInfo {
  /** builtin-market: a PublishStorageDeals message; ddo: an activation manifest */
  readonly kind: 'builtin-market' | 'ddo' | 'unknown';
  readonly publishCid: string | null;
  readonly dealId: bigint;
  readonly proposal: MetastoreDealProposal | null;
  readonly schedule: { readonly startEpoch: bigint; readonly endEpoch: bigint } | null;
  readonly activationManifest: MetastoreActivationManifest | null;
  readonly keepUnsealed: boolean;
}

export interface MetastorePiece {
  /** padded piece size */
  readonly size: bigint;
  readonly pieceCid: string | null;
  /** null for filler / CC pieces (DealInfo = null) */
  readonly dealId: bigint | null;
  readonly deal: MetastoreDealInfo | null;
}

export interface MetastoreRemoteLocation {
  readonly local: boolean;
  readonly url: string | null;
  readonly headers: Array<{ readonly key: string; readonly value: string }>;
}

export interface MetastoreLogEntry {
  readonly timestamp: bigint;
  readonly kind: string;
  readonly message: string;
}

/** One lotus-miner sector record, typed (docs/metastore-recovery.md#sectorinfo). Fields lotus leaves empty are null. */
export interface MetastoreSector {
  /** the datastore key, e.g. "/sectors/5" */
  readonly key: string;
  /** current = lotus with snap deals (CCUpdate present); legacy = an older record shape */
  readonly shape: 'current' | 'legacy';
  readonly number: SectorNumber;
  readonly state: string;
  /** RegisteredSealProof number as stored */
  readonly sectorType: number;
  /** the proof it names, or null when the number is not a known seal proof */
  readonly proof: SealProof | null;
  readonly creationTime: bigint | null;
  readonly pieces: MetastorePiece[];
  readonly ticket: Ticket | null;
  readonly ticketEpoch: bigint | null;
  readonly preCommit1OutBytes: number;
  /** CommD / CommR as sealed first: for a snapped sector CommR is the sector key */
  readonly commD: Commitment | null;
  readonly commR: Commitment | null;
  readonly commDCid: string | null;
  readonly commRCid: string | null;
  readonly proofBytes: number;
  /** attoFIL */
  readonly preCommitDeposit: bigint | null;
  readonly preCommitMessage: string | null;
  /** the tipset the pre-commit was sent at (block CIDs) */
  readonly preCommitTipSet: string[] | null;
  readonly preCommit2Fails: bigint | null;
  readonly seedValue: string | null;
  readonly seedEpoch: bigint | null;
  readonly commitMessage: string | null;
  readonly invalidProofs: bigint | null;
  readonly ccUpdate: boolean;
  /** the pieces the sector held before its snap update (filler for CC) */
  readonly ccPieces: MetastorePiece[];
  readonly updateSealedCid: string | null;
  readonly updateCommR: Commitment | null;
  readonly updateUnsealedCid: string | null;
  readonly updateCommD: Commitment | null;
  readonly replicaUpdateProofBytes: number;
  readonly replicaUpdateMessage: string | null;
  readonly faultReportMsg: string | null;
  readonly returnState: string | null;
  readonly terminateMessage: string | null;
  readonly terminatedAt: bigint | null;
  readonly remote: {
    readonly unsealed: MetastoreRemoteLocation | null;
    readonly sealed: MetastoreRemoteLocation | null;
    readonly cache: MetastoreRemoteLocation | null;
    readonly commit1Endpoint: string | null;
    readonly commit2Endpoint: string | null;
    readonly sealingDoneEndpoint: string | null;
    readonly finalized: boolean;
  };
  readonly lastErr: string | null;
  /** the sector's event log, summarised: entries, how many carry an error trace, first and last */
  readonly log: { readonly count: number; readonly errors: number; readonly first: MetastoreLogEntry | null; readonly last: MetastoreLogEntry | null };
  /** legacy records: the copy of the on-chain pre-commit lotus kept (miner.SectorPreCommitInfo) */
  readonly legacyPreCommitInfo: {
    readonly sealProof: number;
    readonly sectorNumber: bigint;
    readonly sealedCid: string | null;
    readonly sealRandEpoch: bigint;
    readonly dealIds: bigint[];
    readonly expiration: bigint;
  } | null;
  /** fields this decoder does not know, rendered generically (CIDs as text, bytes as hex) */
  readonly otherFields: Record<string, unknown>;
  /** problems with single fields; the record is still usable for what did decode */
  readonly fieldErrors: string[];
  /** the value survived but a newer version or deletion may have been lost (lenient repair view) */
  readonly possiblyStale: string | null;
}

export interface SectorProblem {
  readonly key: string;
  readonly error: string;
}

export class SectorDecodeError extends Error {
  override name = 'SectorDecodeError';
}

const decoder = new Decoder({ mapsAsObjects: true, useRecords: false, int64AsType: 'bigint' } as ConstructorParameters<typeof Decoder>[0]);

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Tag);
}

const absent = (v: unknown): v is null | undefined => v === null || v === undefined;

function asInt(v: unknown, field: string): bigint {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'bigint') return v;
  throw new SectorDecodeError(`${field} is not an integer`);
}

function asBytes(v: unknown, field: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  throw new SectorDecodeError(`${field} is not a byte string`);
}

function asBool(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  throw new SectorDecodeError(`${field} is not a boolean`);
}

function asText(v: unknown, field: string): string {
  if (typeof v === 'string') return v;
  throw new SectorDecodeError(`${field} is not text`);
}

/** go-state-types big.Int: a byte string, sign byte (0 +, 1 −) then big-endian magnitude; empty = 0 */
function asBigInt(v: unknown, field: string): bigint {
  const b = asBytes(v, field);
  if (b.length === 0) return 0n;
  if (b[0] !== 0 && b[0] !== 1) throw new SectorDecodeError(`${field}: big integer sign byte is ${b[0]}`);
  const mag = b.length > 1 ? BigInt('0x' + Buffer.from(b.subarray(1)).toString('hex')) : 0n;
  return b[0] === 1 ? -mag : mag;
}

/** tag 42 over bytes(0x00 ‖ cid), or null */
function asCid(v: unknown, field: string): CID | null {
  if (absent(v)) return null;
  if (!(v instanceof Tag) || v.tag !== 42 || !(v.value instanceof Uint8Array)) throw new SectorDecodeError(`${field} is not a CID (tag 42)`);
  const b = v.value;
  if (b.length < 2 || b[0] !== 0) throw new SectorDecodeError(`${field}: CID bytes lack the 0x00 multibase prefix`);
  try {
    return CID.decode(b.subarray(1));
  } catch (e) {
    throw new SectorDecodeError(`${field}: ${(e as Error).message}`);
  }
}

const cidText = (v: unknown, field: string): string | null => asCid(v, field)?.toString() ?? null;
const hexOrNull = (b: Uint8Array | null): string | null => (b && b.length ? Buffer.from(b).toString('hex') : null);
const textOrNull = (v: unknown, field: string): string | null => (absent(v) ? null : asText(v, field) || null);

/** lotus TipSetKey: one byte string holding the block CIDs back to back */
function tipSetCids(v: unknown, field: string): string[] | null {
  if (absent(v)) return null;
  const b = asBytes(v, field);
  if (!b.length) return null;
  const out: string[] = [];
  let rest = b;
  while (rest.length) {
    try {
      const [c, tail] = CID.decodeFirst(rest);
      out.push(c.toString());
      rest = tail;
    } catch (e) {
      throw new SectorDecodeError(`${field}: ${(e as Error).message}`);
    }
  }
  return out;
}

function address(v: unknown, field: string): string | null {
  const b = asBytes(v, field);
  const s = formatAddressBytes(b);
  if (!s) throw new SectorDecodeError(`${field} is not a Filecoin address (${Buffer.from(b).toString('hex')})`);
  return s;
}

function decodeProposal(v: unknown, f: string): MetastoreDealProposal | null {
  if (absent(v)) return null;
  if (!Array.isArray(v) || v.length !== 11) throw new SectorDecodeError(`${f} is not an 11-field DealProposal tuple`);
  const label = v[5];
  return {
    pieceCid: cidText(v[0], `${f}.PieceCID`),
    pieceSize: asInt(v[1], `${f}.PieceSize`),
    verifiedDeal: asBool(v[2], `${f}.VerifiedDeal`),
    client: address(v[3], `${f}.Client`),
    provider: address(v[4], `${f}.Provider`),
    // DealLabel: text, or bytes (shown as text when they are UTF-8)
    label: typeof label === 'string' ? label : label instanceof Uint8Array ? (Buffer.from(label).toString('utf8').includes('\ufffd') ? Buffer.from(label).toString('hex') : Buffer.from(label).toString('utf8')) : null,
    startEpoch: asInt(v[6], `${f}.StartEpoch`),
    endEpoch: asInt(v[7], `${f}.EndEpoch`),
    storagePricePerEpoch: asBigInt(v[8], `${f}.StoragePricePerEpoch`),
    providerCollateral: asBigInt(v[9], `${f}.ProviderCollateral`),
    clientCollateral: asBigInt(v[10], `${f}.ClientCollateral`),
  };
}

function decodeManifest(v: unknown, f: string): MetastoreActivationManifest | null {
  if (absent(v)) return null;
  if (!Array.isArray(v) || v.length !== 4) throw new SectorDecodeError(`${f} is not a 4-field PieceActivationManifest tuple`);
  const va = v[2];
  let verifiedAllocation: MetastoreActivationManifest['verifiedAllocation'] = null;
  if (!absent(va)) {
    if (!Array.isArray(va) || va.length !== 2) throw new SectorDecodeError(`${f}.VerifiedAllocationKey is not a [Client, ID] tuple`);
    verifiedAllocation = { client: asInt(va[0], `${f}.VerifiedAllocationKey.Client`), id: asInt(va[1], `${f}.VerifiedAllocationKey.ID`) };
  }
  const notify = absent(v[3]) ? [] : v[3];
  if (!Array.isArray(notify)) throw new SectorDecodeError(`${f}.Notify is not an array`);
  return {
    cid: cidText(v[0], `${f}.CID`),
    size: asInt(v[1], `${f}.Size`),
    verifiedAllocation,
    notify: notify.map((n: unknown, i) => {
      if (!Array.isArray(n) || n.length !== 2) throw new SectorDecodeError(`${f}.Notify[${i}] is not an [Address, Payload] tuple`);
      return { address: address(n[0], `${f}.Notify[${i}].Address`), payload: Buffer.from(asBytes(n[1], `${f}.Notify[${i}].Payload`)).toString('hex') };
    }),
  };
}

function decodeDealInfo(d: unknown, f: string): MetastoreDealInfo | null {
  if (absent(d)) return null;
  if (!isObj(d)) throw new SectorDecodeError(`${f} is neither a map nor null`);
  const publishCid = cidText(d.PublishCid, `${f}.PublishCid`);
  const activationManifest = decodeManifest(d.PieceActivationManifest, `${f}.PieceActivationManifest`);
  let schedule: MetastoreDealInfo['schedule'] = null;
  if (isObj(d.DealSchedule)) schedule = { startEpoch: asInt(d.DealSchedule.StartEpoch, `${f}.DealSchedule.StartEpoch`), endEpoch: asInt(d.DealSchedule.EndEpoch, `${f}.DealSchedule.EndEpoch`) };
  const dealId = absent(d.DealID) ? 0n : asInt(d.DealID, `${f}.DealID`);
  return {
    // early lotus wrote deal info without PublishCid: a deal id alone still names a market deal
    kind: publishCid || (dealId > 0n && !activationManifest) ? 'builtin-market' : activationManifest ? 'ddo' : 'unknown',
    publishCid,
    dealId,
    proposal: decodeProposal(d.DealProposal, `${f}.DealProposal`),
    schedule,
    activationManifest,
    keepUnsealed: absent(d.KeepUnsealed) ? false : asBool(d.KeepUnsealed, `${f}.KeepUnsealed`),
  };
}

function decodePiece(p: unknown, i: number, list = 'Pieces'): MetastorePiece {
  const f = `${list}[${i}]`;
  if (!isObj(p)) throw new SectorDecodeError(`${f} is not a map`);
  const info = p.Piece;
  if (!Array.isArray(info) || info.length !== 2) throw new SectorDecodeError(`${f}.Piece is not a [Size, PieceCID] tuple`);
  const deal = decodeDealInfo(p.DealInfo, `${f}.DealInfo`);
  return { size: asInt(info[0], `${f}.Piece.Size`), pieceCid: cidText(info[1], `${f}.Piece.PieceCID`), dealId: deal ? deal.dealId : null, deal };
}

function decodeLocation(v: unknown, f: string): MetastoreRemoteLocation | null {
  if (absent(v)) return null;
  if (!isObj(v)) throw new SectorDecodeError(`${f} is not a map`);
  const hs = absent(v.Headers) ? [] : v.Headers;
  if (!Array.isArray(hs)) throw new SectorDecodeError(`${f}.Headers is not an array`);
  return {
    local: absent(v.Local) ? false : asBool(v.Local, `${f}.Local`),
    url: textOrNull(v.URL, `${f}.URL`),
    headers: hs.map((h: unknown, i) => {
      if (!isObj(h)) throw new SectorDecodeError(`${f}.Headers[${i}] is not a map`);
      return { key: asText(h.Key, `${f}.Headers[${i}].Key`), value: asText(h.Value, `${f}.Headers[${i}].Value`) };
    }),
  };
}

function decodeLog(v: unknown): MetastoreSector['log'] {
  if (absent(v)) return { count: 0, errors: 0, first: null, last: null };
  if (!Array.isArray(v)) throw new SectorDecodeError('Log is not an array');
  const entry = (e: unknown, i: number): MetastoreLogEntry => {
    if (!isObj(e)) throw new SectorDecodeError(`Log[${i}] is not a map`);
    return { timestamp: asInt(e.Timestamp, `Log[${i}].Timestamp`), kind: absent(e.Kind) ? '' : asText(e.Kind, `Log[${i}].Kind`), message: absent(e.Message) ? '' : asText(e.Message, `Log[${i}].Message`) };
  };
  let errors = 0;
  for (const e of v) if (isObj(e) && typeof e.Trace === 'string' && e.Trace) errors++;
  return { count: v.length, errors, first: v.length ? entry(v[0], 0) : null, last: v.length ? entry(v[v.length - 1], v.length - 1) : null };
}

function decodeLegacyPreCommit(v: unknown): MetastoreSector['legacyPreCommitInfo'] {
  if (absent(v)) return null;
  if (!Array.isArray(v) || v.length < 6) throw new SectorDecodeError('PreCommitInfo is not a SectorPreCommitInfo tuple');
  const deals = absent(v[4]) ? [] : v[4];
  if (!Array.isArray(deals)) throw new SectorDecodeError('PreCommitInfo.DealIDs is not an array');
  return {
    sealProof: Number(asInt(v[0], 'PreCommitInfo.SealProof')),
    sectorNumber: asInt(v[1], 'PreCommitInfo.SectorNumber'),
    sealedCid: cidText(v[2], 'PreCommitInfo.SealedCID'),
    sealRandEpoch: asInt(v[3], 'PreCommitInfo.SealRandEpoch'),
    dealIds: deals.map((d: unknown, i) => asInt(d, `PreCommitInfo.DealIDs[${i}]`)),
    expiration: asInt(v[5], 'PreCommitInfo.Expiration'),
  };
}

/** A CBOR value of an unknown field, JSON-friendly: CIDs as text, bytes as hex. */
function generic(v: unknown, depth = 0): unknown {
  if (depth > 8) return '…';
  if (v instanceof Tag) {
    if (v.tag === 42 && v.value instanceof Uint8Array) {
      try {
        return CID.decode(v.value.subarray(1)).toString();
      } catch {
        return { tag: 42, bytes: Buffer.from(v.value).toString('hex') };
      }
    }
    return { tag: v.tag, value: generic(v.value, depth + 1) };
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map((x) => generic(x, depth + 1));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, generic(x, depth + 1)]));
  return v;
}

/** Every SectorInfo field this decoder reads, current and legacy (docs/metastore-recovery.md#sectorinfo). */
const KNOWN = new Set([
  'State', 'SectorNumber', 'SectorType', 'CreationTime', 'Pieces', 'TicketValue', 'TicketEpoch', 'PreCommit1Out', 'CommD', 'CommR', 'Proof',
  'PreCommitInfo', 'PreCommitDeposit', 'PreCommitMessage', 'PreCommitTipSet', 'PreCommit2Fails', 'SeedValue', 'SeedEpoch', 'CommitMessage',
  'InvalidProofs', 'CCUpdate', 'CCPieces', 'UpdateSealed', 'UpdateUnsealed', 'ReplicaUpdateProof', 'ReplicaUpdateMessage', 'FaultReportMsg',
  'Return', 'TerminateMessage', 'TerminatedAt', 'RemoteDataUnsealed', 'RemoteDataSealed', 'RemoteDataCache', 'RemoteCommit1Endpoint',
  'RemoteCommit2Endpoint', 'RemoteSealingDoneEndpoint', 'RemoteDataFinalized', 'LastErr', 'Log',
]);

/** Decode one SectorInfo value; throws SectorDecodeError naming what is wrong. */
export function decodeSectorInfo(key: string, value: Uint8Array): MetastoreSector {
  let raw: unknown;
  try {
    raw = decoder.decode(value);
  } catch (e) {
    throw new SectorDecodeError(`not valid CBOR: ${(e as Error).message}`);
  }
  if (!isObj(raw)) throw new SectorDecodeError('value is not a CBOR map (cbor-gen SectorInfo)');
  const r = raw;
  const fieldErrors: string[] = [];
  const soft = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      fieldErrors.push(e.message);
      return fallback;
    }
  };
  if (typeof r.State !== 'string') throw new SectorDecodeError('State is missing or not text');
  const num = asInt(r.SectorNumber, 'SectorNumber');
  const keyNum = key.startsWith(SECTOR_PREFIX) ? key.slice(SECTOR_PREFIX.length) : null;
  if (keyNum !== null && keyNum !== num.toString()) throw new SectorDecodeError(`SectorNumber ${num} does not match the key ${key}`);
  const sectorType = Number(asInt(r.SectorType, 'SectorType'));
  const proof = soft(() => sealProof(sectorType), null);
  const int = (f: string) => soft(() => (absent(r[f]) ? null : asInt(r[f], f)), null);
  const cid = (f: string) => soft(() => asCid(r[f], f), null);
  const cidS = (f: string) => soft(() => cidText(r[f], f), null);
  const text = (f: string) => soft(() => textOrNull(r[f], f), null);
  const bool = (f: string) => soft(() => (absent(r[f]) ? false : asBool(r[f], f)), false);
  const len = (f: string) => soft(() => (absent(r[f]) ? 0 : asBytes(r[f], f).length), 0);
  const pieces = (f: string) =>
    soft(() => {
      if (absent(r[f])) return [];
      if (!Array.isArray(r[f])) throw new SectorDecodeError(`${f} is not an array`);
      return (r[f] as unknown[]).map((p, i) => decodePiece(p, i, f));
    }, [] as MetastorePiece[]);
  const ticketBytes = soft(() => (absent(r.TicketValue) ? null : asBytes(r.TicketValue, 'TicketValue')), null);
  const ticket = ticketBytes && ticketBytes.length ? soft(() => asTicket(Uint8Array.from(ticketBytes)), null) : null;
  const commDCid = cid('CommD');
  const commRCid = cid('CommR');
  const updSealed = cid('UpdateSealed');
  const updUnsealed = cid('UpdateUnsealed');
  const otherFields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!KNOWN.has(k)) otherFields[k] = generic(v);
  return {
    key,
    shape: 'CCUpdate' in r ? 'current' : 'legacy',
    number: asSectorNumber(num),
    state: r.State,
    sectorType,
    proof,
    creationTime: int('CreationTime'),
    pieces: pieces('Pieces'),
    ticket,
    ticketEpoch: int('TicketEpoch'),
    preCommit1OutBytes: len('PreCommit1Out'),
    commD: commDCid ? soft(() => cidToCommD(commDCid), null) : null,
    commR: commRCid ? soft(() => cidToCommR(commRCid), null) : null,
    commDCid: commDCid ? commDCid.toString() : null,
    commRCid: commRCid ? commRCid.toString() : null,
    proofBytes: len('Proof'),
    preCommitDeposit: soft(() => (absent(r.PreCommitDeposit) ? null : asBigInt(r.PreCommitDeposit, 'PreCommitDeposit')), null),
    preCommitMessage: cidS('PreCommitMessage'),
    preCommitTipSet: soft(() => tipSetCids(r.PreCommitTipSet, 'PreCommitTipSet'), null),
    preCommit2Fails: int('PreCommit2Fails'),
    seedValue: soft(() => (absent(r.SeedValue) ? null : hexOrNull(asBytes(r.SeedValue, 'SeedValue'))), null),
    seedEpoch: int('SeedEpoch'),
    commitMessage: cidS('CommitMessage'),
    invalidProofs: int('InvalidProofs'),
    ccUpdate: bool('CCUpdate'),
    ccPieces: pieces('CCPieces'),
    updateSealedCid: updSealed ? updSealed.toString() : null,
    updateCommR: updSealed ? soft(() => cidToCommR(updSealed), null) : null,
    updateUnsealedCid: updUnsealed ? updUnsealed.toString() : null,
    updateCommD: updUnsealed ? soft(() => cidToCommD(updUnsealed), null) : null,
    replicaUpdateProofBytes: len('ReplicaUpdateProof'),
    replicaUpdateMessage: cidS('ReplicaUpdateMessage'),
    faultReportMsg: cidS('FaultReportMsg'),
    returnState: text('Return'),
    terminateMessage: cidS('TerminateMessage'),
    terminatedAt: int('TerminatedAt'),
    remote: {
      unsealed: soft(() => decodeLocation(r.RemoteDataUnsealed, 'RemoteDataUnsealed'), null),
      sealed: soft(() => decodeLocation(r.RemoteDataSealed, 'RemoteDataSealed'), null),
      cache: soft(() => decodeLocation(r.RemoteDataCache, 'RemoteDataCache'), null),
      commit1Endpoint: text('RemoteCommit1Endpoint'),
      commit2Endpoint: text('RemoteCommit2Endpoint'),
      sealingDoneEndpoint: text('RemoteSealingDoneEndpoint'),
      finalized: bool('RemoteDataFinalized'),
    },
    lastErr: typeof r.LastErr === 'string' && r.LastErr ? r.LastErr : null,
    log: soft(() => decodeLog(r.Log), { count: 0, errors: 0, first: null, last: null }),
    legacyPreCommitInfo: soft(() => decodeLegacyPreCommit(r.PreCommitInfo), null),
    otherFields,
    fieldErrors,
    possiblyStale: null,
  };
}

export interface StoreSectors {
  /** decoded records, ordered by sector number */
  readonly sectors: MetastoreSector[];
  /** `/sectors/*` values that did not decode, with the reason */
  readonly problems: SectorProblem[];
  /** the merged view they came from (damage, sources, stale keys) */
  readonly view: LatestView;
}

/** Sector records of a view (tombstoned keys excluded). */
export function sectorsOfView(view: LatestView): { sectors: MetastoreSector[]; problems: SectorProblem[] } {
  const stale = new Map(view.stale.map((s) => [s.key, s.reason]));
  const sectors: MetastoreSector[] = [];
  const problems: SectorProblem[] = [];
  for (const e of liveEntries(view, Buffer.from(SECTOR_PREFIX))) {
    const key = Buffer.from(e.key).toString('latin1');
    try {
      const s = decodeSectorInfo(key, e.value);
      sectors.push({ ...s, possiblyStale: stale.get(key) ?? null });
    } catch (err) {
      problems.push({ key, error: (err as Error).message });
    }
  }
  sectors.sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
  return { sectors, problems };
}

/**
 * Read every sector record of a lotus-miner metadata store directory, read-only and tolerant of
 * damage (lenient view by default: newest surviving version of each key). Never throws for a bad
 * record; throws StoreError only when the directory cannot be read at all.
 */
export async function readSectorsFromStore(dir: string, mode: ReadMode = 'lenient'): Promise<StoreSectors> {
  const view = await buildView(dir, mode);
  return { ...sectorsOfView(view), view };
}
