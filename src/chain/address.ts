// A miner as the chain names it: the ID (src/proofs) plus the network prefix we echo back in file
// names and RPC params (f01000 vs t01000).
import { InputError } from '../errors.js';
import { parseMinerAddress as parseActorId, formatIdAddress, type Network } from '../proofs/address.js';
import type { ActorId } from '../proofs/types.js';

export interface MinerAddress {
  readonly network: Network;
  readonly id: ActorId;
}

export function parseMinerAddress(s: string, what = 'miner'): MinerAddress {
  const t = String(s).trim();
  try {
    const id = parseActorId(t);
    return { network: t.startsWith('t') ? 't' : 'f', id };
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${what}: ${e.message}`);
    throw e;
  }
}

export const formatMinerAddress = (a: MinerAddress): string => formatIdAddress(a.id, a.network);
