// Miner ID addresses (f0…/t0…) and the byte forms derived from them. Sealing only ever uses the
// actor id: prover_id = its LEB128 payload (filecoin-ffi proofs.go toProverID), and the ticket
// entropy is the address bytes (protocol 0 + LEB128).
import { InputError } from '../errors.js';
import { asActorId, type ActorId, type ProverId } from './types.js';

export type Network = 'f' | 't';

const PROTOCOLS: Record<string, string> = {
  '1': 'secp256k1 key (f1)',
  '2': 'actor (f2)',
  '3': 'BLS key (f3)',
  '4': 'delegated (f4)',
};

/**
 * Parse a miner given as an ID address (`f01000`, `t01000`) or a bare actor id (`1000`).
 * Key and actor addresses cannot be turned into an actor id offline, so they are refused with
 * the command that resolves them.
 */
export function parseMinerAddress(text: string): ActorId {
  const s = text.trim();
  if (s === '') throw new InputError('miner address is empty: give an ID address such as f01000');
  if (/^\d+$/.test(s)) return actorIdFrom(s, text);
  const m = /^([ft])(\d)(.*)$/i.exec(s);
  if (!m) throw new InputError(`"${text}" is not a Filecoin miner address: expected an ID address such as f01000`);
  const [, , protocol, rest] = m as unknown as [string, string, string, string];
  if (protocol !== '0') {
    const kind = PROTOCOLS[protocol] ?? `protocol ${protocol}`;
    throw new InputError(
      `miner address "${text}" is a ${kind} address, but an ID address (f0…) is required; ` +
        `find it with \`lotus state lookup ${s}\``,
    );
  }
  if (!/^\d+$/.test(rest)) throw new InputError(`miner address "${text}" has no valid actor id after "${s.slice(0, 2)}"`);
  return actorIdFrom(rest, text);
}

function actorIdFrom(digits: string, original: string): ActorId {
  const v = BigInt(digits);
  if (v >= 1n << 63n) throw new InputError(`miner address "${original}": actor id ${digits} is out of range (max 2^63-1)`);
  return asActorId(v);
}

/** `f01000` / `t01000`. */
export function formatIdAddress(actor: ActorId, network: Network = 'f'): string {
  return `${network}0${actor}`;
}

/** Unsigned LEB128 (go-varint uvarint), as in the payload of an ID address. */
export function leb128(value: bigint): Uint8Array {
  if (value < 0n) throw new InputError(`cannot LEB128-encode a negative value ${value}`);
  const out: number[] = [];
  let v = value;
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return Uint8Array.from(out);
}

/** prover_id: the ID address payload, zero-padded to 32 bytes (filecoin-ffi cgo/helpers.go AsByteArray32). */
export function proverId(actor: ActorId): ProverId {
  const out = new Uint8Array(32);
  out.set(leb128(actor));
  return out as ProverId;
}

/** go-address `Address.Bytes()` of an ID address: protocol byte 0, then LEB128(actor id). */
export function encodeAddressBytes(actor: ActorId): Uint8Array {
  const payload = leb128(actor);
  const out = new Uint8Array(1 + payload.length);
  out.set(payload, 1);
  return out;
}
