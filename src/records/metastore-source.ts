// Offline inputs from the miner's own lotus-miner metadata store (--metadata-store): ticket,
// CommR, CommD and pieces come from its /sectors/<n> records, the miner from /miner-address. No
// chain access, so this works when the node has pruned the state the export needs.
import { InputError } from '../errors.js';
import { asActorId, type SectorNumber } from '../proofs/types.js';
import { readSectorsFromStore } from '../metastore/sector-info.js';
import { liveEntries } from '../metastore/latest-view.js';
import { formatMinerAddress, type MinerAddress } from '../chain/address.js';
import type { SectorRecord } from './record.js';
import { pickRecords, type SectorRecordSource } from './source.js';

export interface MetastoreInputs {
  readonly miner: MinerAddress;
  readonly records: SectorRecord[];
  /** sector number → why it cannot be used */
  readonly unusable: Map<bigint, string>;
  /** store-level decode problems */
  readonly problems: string[];
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

export async function metastoreInputs(dir: string, miner?: MinerAddress): Promise<MetastoreInputs> {
  const store = await readSectorsFromStore(dir);
  const stored = liveEntries(store.view, Buffer.from('/miner-address'));
  const storedId = stored[0] ? decodeIdAddress(stored[0].value) : undefined;
  if (miner && storedId !== undefined && storedId !== miner.id) {
    throw new InputError(`--miner ${formatMinerAddress(miner)} does not match the store's /miner-address f0${storedId} (${dir})`);
  }
  const who: MinerAddress | undefined = miner ?? (storedId !== undefined ? { network: 'f', id: asActorId(storedId) } : undefined);
  if (!who) throw new InputError(`${dir} has no readable /miner-address record: pass --miner f0<id>`);
  const records: SectorRecord[] = [];
  const unusable = new Map<bigint, string>();
  for (const s of store.sectors) {
    const why = !s.proof
      ? `its SectorType ${s.sectorType} is not a known seal proof`
      : !s.ticket
        ? 'the record has no TicketValue'
        : !s.commRCid || !s.commR
          ? `no CommR in the record (state ${s.state}): it was never pre-committed`
          : undefined;
    if (why) {
      unusable.set(s.number, `metadata store record /sectors/${s.number}: ${why}`);
      continue;
    }
    records.push({
      sectorNumber: s.number as SectorNumber,
      ticket: s.ticket!,
      proof: s.proof!,
      sealedCid: s.commRCid!,
      commR: s.commR!,
      ...(s.ticketEpoch !== null ? { sealRandEpoch: Number(s.ticketEpoch) } : {}),
      ...(s.commDCid ? { unsealedCid: s.commDCid } : {}),
      pieces: s.pieces.filter((p) => p.pieceCid !== null).map((p) => ({ size: p.size, pieceCid: p.pieceCid! })),
    });
  }
  return { miner: who, records, unusable, problems: store.problems.map((p) => `${p.key}: ${p.error}`) };
}

/** The store as a record source; store-level decode problems are in `warnings`. */
export async function metadataStoreSource(dir: string, miner?: MinerAddress): Promise<SectorRecordSource & { readonly warnings: readonly string[] }> {
  const m = await metastoreInputs(dir, miner);
  const description = `metadata store ${dir}`;
  const missing = (n: SectorNumber) =>
    m.unusable.get(n) ?? `the metadata store ${dir} has no record /sectors/${n} (lotus-miner never held it, or it was lost; try another source)`;
  return {
    kind: 'metadata-store',
    description,
    miner: m.miner,
    warnings: m.problems,
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
      return { kind: 'found', value: { commR: rec.commR, cid: rec.sealedCid, proof: rec.proof, source: description } };
    },
    async close() {},
  };
}
