// A job's payload: one fully resolved sector record, as JSON. The coordinator resolved tickets,
// CommR and pieces from its source (node, store, file); a worker never talks to a Lotus node, so the
// payload holds no token. bigint and byte fields are written explicitly (decimal strings, hex) and
// checked again when a worker reads them: Redis is shared state, not a trusted type
// (docs/queue.md#payload).
import { InputError } from '../errors.js';
import { formatMinerAddress, parseMinerAddress, type MinerAddress } from '../chain/address.js';
import { cidToCommD, cidToCommR } from '../proofs/cid.js';
import { sealProof } from '../proofs/registry.js';
import { asCommitment, asSectorNumber, asTicket, fromHex, toHex } from '../proofs/types.js';
import type { SectorRecord } from '../records/record.js';

export const PAYLOAD_VERSION = 1;

export interface JobPayload {
  readonly v: typeof PAYLOAD_VERSION;
  readonly miner: string;
  readonly record: {
    readonly sectorNumber: string;
    readonly ticket: string;
    readonly proof: number;
    readonly sealedCid: string;
    readonly commR: string;
    readonly sealRandEpoch?: number;
    readonly unsealedCid?: string;
    readonly dealIds?: string[];
    readonly pieces?: { readonly size: string; readonly pieceCid: string }[];
    readonly preCommitOnly?: boolean;
    readonly sectorKey?: { readonly cid: string; readonly commR: string };
  };
  /** where the coordinator was told piece files are (a shared path); a worker's --piece-dir wins */
  readonly pieceDir?: string;
  /** the coordinator's record source, for the report ("file …", "chain http://…": no credentials) */
  readonly source: string;
  readonly enqueuedAt: string;
}

export function encodePayload(miner: MinerAddress, r: SectorRecord, extra: { source: string; pieceDir?: string; now?: Date }): JobPayload {
  return {
    v: PAYLOAD_VERSION,
    miner: formatMinerAddress(miner),
    record: {
      sectorNumber: String(r.sectorNumber),
      ticket: toHex(r.ticket),
      proof: r.proof.id,
      sealedCid: r.sealedCid,
      commR: toHex(r.commR),
      ...(r.sealRandEpoch !== undefined ? { sealRandEpoch: r.sealRandEpoch } : {}),
      ...(r.unsealedCid ? { unsealedCid: r.unsealedCid } : {}),
      ...(r.dealIds ? { dealIds: r.dealIds.map(String) } : {}),
      ...(r.pieces ? { pieces: r.pieces.map((p) => ({ size: String(p.size), pieceCid: p.pieceCid })) } : {}),
      ...(r.preCommitOnly ? { preCommitOnly: true } : {}),
      ...(r.sectorKey ? { sectorKey: { cid: r.sectorKey.cid, commR: toHex(r.sectorKey.commR) } } : {}),
    },
    ...(extra.pieceDir ? { pieceDir: extra.pieceDir } : {}),
    source: extra.source,
    enqueuedAt: (extra.now ?? new Date()).toISOString(),
  };
}

export interface DecodedJob {
  readonly miner: MinerAddress;
  readonly record: SectorRecord;
  readonly pieceDir?: string;
  readonly source: string;
}

/** The payload as a worker reads it back; an InputError naming the job and field when it is not one we wrote. */
export function decodePayload(data: unknown, jobId: string): DecodedJob {
  const fail = (why: string): never => {
    throw new InputError(`job ${jobId}: payload ${why}; re-enqueue the sector with \`sealer-recover enqueue --restart\``);
  };
  const obj = (v: unknown, what: string): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(`${what} is not an object`));
  const str = (o: Record<string, unknown>, k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : fail(`field ${k} is not a string`));
  const d = obj(data, 'data');
  if (d.v !== PAYLOAD_VERSION) fail(`version ${String(d.v)} is not ${PAYLOAD_VERSION} (written by another sealer-recover version)`);
  const r = obj(d.record, 'record');
  const guard = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      return fail(`field ${what}: ${(e as Error).message}`);
    }
  };
  const miner = guard('miner', () => parseMinerAddress(str(d, 'miner'), 'miner'));
  const sectorNumber = guard('sectorNumber', () => asSectorNumber(str(r, 'sectorNumber')));
  const ticket = guard('ticket', () => asTicket(fromHex(str(r, 'ticket'), 'ticket')));
  const proof = guard('proof', () => (typeof r.proof === 'number' ? sealProof(r.proof) : fail('field proof is not a number')));
  const sealedCid = str(r, 'sealedCid');
  const commR = guard('commR', () => asCommitment(fromHex(str(r, 'commR'), 'commR')));
  // the CID and the commitment travel together; they must say the same
  const fromCid = guard('sealedCid', () => cidToCommR(sealedCid));
  if (Buffer.compare(fromCid, commR) !== 0) fail(`commR ${toHex(commR)} is not the commitment of sealedCid ${sealedCid}`);
  const opt = <T>(k: string, f: (v: unknown) => T): T | undefined => (r[k] === undefined ? undefined : guard(k, () => f(r[k])));
  const sealRandEpoch = opt('sealRandEpoch', (v) => (Number.isInteger(v) ? (v as number) : fail('field sealRandEpoch is not an integer')));
  const unsealedCid = opt('unsealedCid', (v) => {
    if (typeof v !== 'string') return fail('field unsealedCid is not a string');
    cidToCommD(v);
    return v;
  });
  const dealIds = opt('dealIds', (v) => (Array.isArray(v) ? v.map((x) => BigInt(String(x))) : fail('field dealIds is not a list')));
  const pieces = opt('pieces', (v) =>
    Array.isArray(v)
      ? v.map((p) => {
          const o = obj(p, 'piece');
          const pieceCid = str(o, 'pieceCid');
          cidToCommD(pieceCid);
          const size = BigInt(str(o, 'size'));
          if (size <= 0n) fail('piece size must be positive');
          return { size, pieceCid };
        })
      : fail('field pieces is not a list'),
  );
  const sectorKey = opt('sectorKey', (v) => {
    const o = obj(v, 'sectorKey');
    const cid = str(o, 'cid');
    const key = asCommitment(fromHex(str(o, 'commR'), 'sectorKey.commR'));
    if (Buffer.compare(cidToCommR(cid), key) !== 0) fail('sectorKey.commR is not the commitment of sectorKey.cid');
    return { cid, commR: key };
  });
  if (r.preCommitOnly !== undefined && typeof r.preCommitOnly !== 'boolean') fail('field preCommitOnly is not true or false');
  const record: SectorRecord = {
    sectorNumber,
    ticket,
    proof,
    sealedCid,
    commR,
    ...(sealRandEpoch !== undefined ? { sealRandEpoch } : {}),
    ...(unsealedCid !== undefined ? { unsealedCid } : {}),
    ...(dealIds !== undefined ? { dealIds } : {}),
    ...(pieces !== undefined ? { pieces } : {}),
    ...(r.preCommitOnly === true ? { preCommitOnly: true } : {}),
    ...(sectorKey !== undefined ? { sectorKey } : {}),
  };
  const pieceDir = d.pieceDir === undefined ? undefined : str(d, 'pieceDir');
  return { miner, record, ...(pieceDir ? { pieceDir } : {}), source: typeof d.source === 'string' ? d.source : 'queue' };
}
