// sectors-recovery-<miner>.json, the froghub Go tool's export format (export/export.go):
// json.MarshalIndent(…, "", "\t") of {Miner, SectorSize, SectorInfos:[{SectorNumber, Ticket(base64),
// SealProof, SealedCID{"/"}}]}. We add optional fields (SealRandEpoch, UnsealedCID, DealIDs, Pieces,
// PreCommitOnly, and SectorKeyCID — lotus's name — for SnapDeals-upgraded sectors) after the Go ones; Go's encoding/json ignores unknown fields, and files without them mean CC
// sectors, exactly as the Go tool assumes, so both tools read each other's files.
import { writeFile, rename } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { asSectorNumber, asTicket } from '../proofs/types.js';
import { stringifyJsonExact } from '../chain/json-exact.js';
import { parseJsonBytes, parseJsonText, readBoundedFile } from '../platform/json-text.js';
import { sealProof } from '../proofs/registry.js';
import { parseMinerAddress, type MinerAddress, formatMinerAddress } from '../chain/address.js';
import { Reader, ShapeError } from '../chain/json-shape.js';
import { cidToCommR, cidToCommD } from '../proofs/cid.js';
import type { SectorRecord } from './record.js';

export interface RecoveryFile {
  readonly miner: MinerAddress;
  readonly sectorSize: bigint;
  readonly sectors: readonly SectorRecord[];
}

export const exportFileName = (miner: MinerAddress): string => `sectors-recovery-${formatMinerAddress(miner)}.json`;

/** ~250 bytes per sector entry: room for about 250 000 sectors (docs/reliability.md#bounded-inputs). */
export const MAX_RECOVERY_FILE_BYTES = 64 << 20;

export function parseRecoveryFile(text: string | Uint8Array, source: string): RecoveryFile {
  let json: unknown;
  try {
    json = typeof text === 'string' ? parseJsonText(text, { source }) : parseJsonBytes(text, { source });
  } catch (e) {
    throw new InputError(`${(e as Error).message}; expected a sectors-recovery-<miner>.json written by \`export\``);
  }
  try {
    const r = new Reader(json, source);
    const miner = parseMinerAddress(r.field('Miner').string(), `${source}: Miner`);
    const sectorSize = r.field('SectorSize').uint64();
    const seen = new Map<bigint, SectorRecord>();
    const sectors: SectorRecord[] = [];
    for (const e of r.field('SectorInfos').array()) {
      const rec = parseEntry(e, sectorSize, source);
      const prev = seen.get(rec.sectorNumber);
      if (prev) {
        if (prev.sealedCid !== rec.sealedCid || Buffer.compare(prev.ticket, rec.ticket) !== 0 || prev.proof.id !== rec.proof.id) {
          throw new InputError(`${source}: sector ${rec.sectorNumber} appears twice with different values; keep one entry`);
        }
        continue;
      }
      seen.set(rec.sectorNumber, rec);
      sectors.push(rec);
    }
    return { miner, sectorSize, sectors };
  } catch (e) {
    if (e instanceof ShapeError) throw new InputError(e.message);
    throw e;
  }
}

function parseEntry(e: Reader, sectorSize: bigint, source: string): SectorRecord {
  const sectorNumber = asSectorNumber(e.field('SectorNumber').uint64());
  const at = `${source}: ${e.path} (sector ${sectorNumber})`;
  const wrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (err) {
      if (err instanceof InputError || err instanceof ShapeError) throw new InputError(`${at}: ${stripSource(err.message, source)}`);
      throw err;
    }
  };
  const ticket = wrap(() => asTicket(e.field('Ticket').base64(32)));
  const proof = wrap(() => sealProof(e.field('SealProof').int()));
  if (proof.sectorBytes !== sectorSize) {
    throw new InputError(`${at}: SealProof ${proof.id} (${proof.name}) is for ${proof.sectorBytes}-byte sectors but SectorSize is ${sectorSize}`);
  }
  const sealedCid = wrap(() => e.field('SealedCID').cid());
  const commR = wrap(() => cidToCommR(sealedCid));
  const epoch = e.optional('SealRandEpoch');
  const unsealed = e.optional('UnsealedCID');
  const unsealedCid = unsealed ? wrap(() => unsealed.cid()) : undefined;
  if (unsealedCid) wrap(() => cidToCommD(unsealedCid));
  const deals = e.optional('DealIDs');
  const pieces = e.optional('Pieces');
  const key = e.optional('SectorKeyCID');
  const sectorKeyCid = key ? wrap(() => key.cid()) : undefined;
  const sectorKey = sectorKeyCid ? { cid: sectorKeyCid, commR: wrap(() => cidToCommR(sectorKeyCid)) } : undefined;
  const pco = e.optional('PreCommitOnly')?.raw();
  if (pco !== undefined && typeof pco !== 'boolean') throw new InputError(`${at}: field PreCommitOnly must be true or false`);
  return {
    sectorNumber,
    ticket,
    proof,
    sealedCid,
    commR,
    ...(epoch ? { sealRandEpoch: wrap(() => epoch.int()) } : {}),
    ...(unsealedCid ? { unsealedCid } : {}),
    ...(deals ? { dealIds: wrap(() => deals.array().map((d) => d.uint64())) } : {}),
    ...(pco ? { preCommitOnly: true } : {}),
    ...(sectorKey ? { sectorKey } : {}),
    ...(pieces
      ? {
          pieces: wrap(() =>
            pieces.array().map((p) => {
              const pieceCid = p.field('PieceCID').cid();
              cidToCommD(pieceCid);
              return { size: p.field('Size').uint64(), pieceCid };
            }),
          ),
        }
      : {}),
  };
}

const stripSource = (msg: string, source: string): string => (msg.startsWith(`${source}: `) ? msg.slice(source.length + 2) : msg);

/** Go writes uint64 digit for digit; so do we (a bigint beyond 2^53 stays exact). */
const num = (v: bigint): number | bigint => (v > BigInt(Number.MAX_SAFE_INTEGER) ? v : Number(v));

/** Serialise exactly like Go's json.MarshalIndent(v, "", "\t") (no trailing newline). */
export function formatRecoveryFile(f: RecoveryFile): string {
  const doc = {
    Miner: formatMinerAddress(f.miner),
    SectorSize: num(f.sectorSize),
    SectorInfos: f.sectors.map((s) => ({
      SectorNumber: num(s.sectorNumber),
      Ticket: Buffer.from(s.ticket).toString('base64'),
      SealProof: s.proof.id,
      SealedCID: { '/': s.sealedCid },
      ...(s.sealRandEpoch !== undefined ? { SealRandEpoch: s.sealRandEpoch } : {}),
      ...(s.unsealedCid ? { UnsealedCID: { '/': s.unsealedCid } } : {}),
      ...(s.dealIds && s.dealIds.length ? { DealIDs: s.dealIds.map(num) } : {}),
      ...(s.pieces ? { Pieces: s.pieces.map((p) => ({ Size: num(p.size), PieceCID: { '/': p.pieceCid } })) } : {}),
      ...(s.preCommitOnly ? { PreCommitOnly: true } : {}),
      ...(s.sectorKey ? { SectorKeyCID: { '/': s.sectorKey.cid } } : {}),
    })),
  };
  // Go escapes <, > and & in strings; none can occur in these values (addresses, base64, CIDs).
  return stringifyJsonExact(doc, '\t');
}

export async function readRecoveryFile(path: string): Promise<RecoveryFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readBoundedFile(path, { what: 'recovery metadata file', maxBytes: MAX_RECOVERY_FILE_BYTES, hint: 'split it into several files of fewer sectors' });
  } catch (e) {
    throw new InputError(`${(e as Error).message}; create it with \`sealer-recover export --miner <f0…> <sectors…>\``);
  }
  return parseRecoveryFile(bytes, path);
}

/** Written via a temp file + rename so a crash never leaves a truncated export (the Go tool rewrites in place). */
export async function writeRecoveryFile(path: string, f: RecoveryFile): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, formatRecoveryFile(f), { mode: 0o644 });
  await rename(tmp, path);
}
