// lotus SectorInfo records (`/sectors/<n>`, CBOR map encoding from cbor-gen; ecosystem.md §5.3–5.4;
// lotus: storage/pipeline/types.go, cbor_gen.go). Decoding is per record: one bad record is
// reported and never hides the others (lotus's own ListSectors fails for the whole store).
import { Decoder, Tag } from 'cbor-x';
import { CID } from 'multiformats/cid';
import { cidToCommD, cidToCommR } from '../proofs/cid.js';
import { sealProof, type SealProof } from '../proofs/registry.js';
import { asSectorNumber, asTicket, type Commitment, type SectorNumber, type Ticket } from '../proofs/types.js';
import { buildView, liveEntries, type LatestView } from './latest-view.js';
import type { ReadMode } from './log-reader.js';

export const SECTOR_PREFIX = '/sectors/';

export interface MetastorePiece {
  /** padded piece size */
  readonly size: bigint;
  readonly pieceCid: string | null;
  /** null for filler / CC pieces (DealInfo = null) */
  readonly dealId: bigint | null;
}

/** One lotus-miner sector record, typed. Fields lotus leaves empty are null. */
export interface MetastoreSector {
  /** the datastore key, e.g. "/sectors/5" */
  readonly key: string;
  readonly number: SectorNumber;
  readonly state: string;
  /** RegisteredSealProof number as stored */
  readonly sectorType: number;
  /** the proof it names, or null when the number is not a known seal proof */
  readonly proof: SealProof | null;
  readonly ticket: Ticket | null;
  readonly ticketEpoch: bigint | null;
  readonly commD: Commitment | null;
  readonly commR: Commitment | null;
  readonly commDCid: string | null;
  readonly commRCid: string | null;
  readonly pieces: MetastorePiece[];
  readonly creationTime: bigint | null;
  readonly lastErr: string | null;
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

function asInt(v: unknown, field: string): bigint {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'bigint') return v;
  throw new SectorDecodeError(`${field} is not an integer`);
}

function asBytes(v: unknown, field: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  throw new SectorDecodeError(`${field} is not a byte string`);
}

/** tag 42 over bytes(0x00 ‖ cid), or null */
function asCid(v: unknown, field: string): CID | null {
  if (v === null || v === undefined) return null;
  if (!(v instanceof Tag) || v.tag !== 42 || !(v.value instanceof Uint8Array)) throw new SectorDecodeError(`${field} is not a CID (tag 42)`);
  const b = v.value;
  if (b.length < 2 || b[0] !== 0) throw new SectorDecodeError(`${field}: CID bytes lack the 0x00 multibase prefix`);
  try {
    return CID.decode(b.subarray(1));
  } catch (e) {
    throw new SectorDecodeError(`${field}: ${(e as Error).message}`);
  }
}

function decodePiece(p: unknown, i: number): MetastorePiece {
  if (!isObj(p)) throw new SectorDecodeError(`Pieces[${i}] is not a map`);
  const info = p.Piece;
  if (!Array.isArray(info) || info.length !== 2) throw new SectorDecodeError(`Pieces[${i}].Piece is not a [Size, PieceCID] tuple`);
  const cid = asCid(info[1], `Pieces[${i}].Piece.PieceCID`);
  let dealId: bigint | null = null;
  if (isObj(p.DealInfo)) dealId = asInt(p.DealInfo.DealID, `Pieces[${i}].DealInfo.DealID`);
  else if (p.DealInfo !== null && p.DealInfo !== undefined) throw new SectorDecodeError(`Pieces[${i}].DealInfo is neither a map nor null`);
  return { size: asInt(info[0], `Pieces[${i}].Piece.Size`), pieceCid: cid ? cid.toString() : null, dealId };
}

/** Decode one SectorInfo value; throws SectorDecodeError naming what is wrong. */
export function decodeSectorInfo(key: string, value: Uint8Array): MetastoreSector {
  let raw: unknown;
  try {
    raw = decoder.decode(value);
  } catch (e) {
    throw new SectorDecodeError(`not valid CBOR: ${(e as Error).message}`);
  }
  if (!isObj(raw)) throw new SectorDecodeError('value is not a CBOR map (cbor-gen SectorInfo)');
  const fieldErrors: string[] = [];
  const soft = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof SectorDecodeError) && !(e instanceof Error)) throw e;
      fieldErrors.push((e as Error).message);
      return fallback;
    }
  };
  if (typeof raw.State !== 'string') throw new SectorDecodeError('State is missing or not text');
  const num = asInt(raw.SectorNumber, 'SectorNumber');
  const keyNum = key.startsWith(SECTOR_PREFIX) ? key.slice(SECTOR_PREFIX.length) : null;
  if (keyNum !== null && keyNum !== num.toString()) throw new SectorDecodeError(`SectorNumber ${num} does not match the key ${key}`);
  const sectorType = Number(asInt(raw.SectorType, 'SectorType'));
  const proof = soft(() => sealProof(sectorType), null);
  const ticketBytes = soft(() => (raw.TicketValue === undefined || raw.TicketValue === null ? null : asBytes(raw.TicketValue, 'TicketValue')), null);
  const ticket = ticketBytes && ticketBytes.length ? soft(() => asTicket(Uint8Array.from(ticketBytes)), null) : null;
  const commDCid = soft(() => asCid(raw.CommD, 'CommD'), null);
  const commRCid = soft(() => asCid(raw.CommR, 'CommR'), null);
  const pieces = soft(() => {
    if (raw.Pieces === null || raw.Pieces === undefined) return [];
    if (!Array.isArray(raw.Pieces)) throw new SectorDecodeError('Pieces is not an array');
    return raw.Pieces.map(decodePiece);
  }, [] as MetastorePiece[]);
  return {
    key,
    number: asSectorNumber(num),
    state: raw.State,
    sectorType,
    proof,
    ticket,
    ticketEpoch: soft(() => (raw.TicketEpoch === undefined ? null : asInt(raw.TicketEpoch, 'TicketEpoch')), null),
    commD: commDCid ? soft(() => cidToCommD(commDCid), null) : null,
    commR: commRCid ? soft(() => cidToCommR(commRCid), null) : null,
    commDCid: commDCid ? commDCid.toString() : null,
    commRCid: commRCid ? commRCid.toString() : null,
    pieces,
    creationTime: soft(() => (raw.CreationTime === undefined ? null : asInt(raw.CreationTime, 'CreationTime')), null),
    lastErr: typeof raw.LastErr === 'string' && raw.LastErr ? raw.LastErr : null,
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
