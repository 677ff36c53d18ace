// Miner ID addresses (f0…/t0…): the only kind a sector name, prover id or seal entropy can use.
// go-address: protocol byte 0 + uvarint(actor id).
import { InputError, asActorId, type ActorId } from '../proofs/types.js';

export type Network = 'f' | 't';

export interface MinerAddress {
  readonly network: Network;
  readonly id: ActorId;
}

export function parseMinerAddress(s: string, what = 'miner'): MinerAddress {
  const m = /^([ft])0(\d{1,20})$/.exec(String(s).trim());
  if (!m) {
    const hint = /^[ft][1-4]/.test(String(s).trim())
      ? ' (a robust address; look up its ID with `lotus state lookup <addr>` and pass f0<id>)'
      : '';
    throw new InputError(`${what} must be an ID address such as f01000, got "${s}"${hint}`);
  }
  const id = BigInt(m[2]!);
  if (String(id) !== m[2] && m[2] !== '0') throw new InputError(`${what} "${s}" has leading zeros`);
  return { network: m[1] as Network, id: asActorId(id) };
}

export const formatMinerAddress = (a: MinerAddress): string => `${a.network}0${a.id}`;

export function uvarint(n: bigint): Uint8Array {
  const out: number[] = [];
  let v = n;
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Uint8Array.from(out);
}

/** Address bytes as go-address serialises an ID address. */
export const idAddressBytes = (id: ActorId): Uint8Array => Uint8Array.from([0, ...uvarint(id)]);

/** The lotus/curio sector file name, `t0` even on mainnet (lotus: storiface/filetype.go SectorName). */
export const sectorFileName = (miner: ActorId, sector: bigint): string => `s-t0${miner}-${sector}`;
