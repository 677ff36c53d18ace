// Domain types shared by every layer. Values are parsed and validated at the edge (CLI, RPC,
// files) into these types; code inside trusts them.

import { InputError } from '../errors.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A sector number within one miner (abi.SectorNumber). */
export type SectorNumber = Brand<bigint, 'SectorNumber'>;
/** A miner actor id (the number behind f0…/t0…). */
export type ActorId = Brand<bigint, 'ActorId'>;
/** 32 bytes, canonical little-endian field element or SHA-254 digest, as on chain. */
export type Commitment = Brand<Uint8Array, 'Commitment'>;
/** 32-byte seal randomness. */
export type Ticket = Brand<Uint8Array, 'Ticket'>;
/** 32-byte prover id (LEB128 of the actor id, zero-padded). */
export type ProverId = Brand<Uint8Array, 'ProverId'>;
/** 32-byte replica id (mask254 of a SHA-256). */
export type ReplicaId = Brand<Uint8Array, 'ReplicaId'>;
/** 32-byte porep id. */
export type PorepId = Brand<Uint8Array, 'PorepId'>;

/** Miner and sector number together identify a sector (abi.SectorID). */
export interface SectorId {
  readonly miner: ActorId;
  readonly number: SectorNumber;
}


function exactly32(bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length !== 32) throw new InputError(`${what} must be 32 bytes, got ${bytes.length}`);
  return bytes;
}

export const asCommitment = (b: Uint8Array, what = 'commitment'): Commitment => exactly32(b, what) as Commitment;
export const asTicket = (b: Uint8Array): Ticket => exactly32(b, 'ticket') as Ticket;

export function asSectorNumber(n: number | bigint | string): SectorNumber {
  if (typeof n === 'number' && !(Number.isSafeInteger(n) && n >= 0)) {
    throw new InputError(`sector number must be a non-negative integer, got ${n}`);
  }
  const v = typeof n === 'string' ? parseBigUint(n, 'sector number') : BigInt(n);
  // u64 as the proofs take it (rfp SectorId); the chain stops at 2^63-1 but the math does not.
  if (v < 0n || v >= 1n << 64n) throw new InputError(`sector number out of range (0 … 2^64-1): ${String(n)}`);
  return v as SectorNumber;
}

export function asActorId(n: number | bigint): ActorId {
  const v = BigInt(n);
  if (v < 0n || v >= 1n << 63n) throw new InputError(`actor id out of range: ${String(n)}`);
  return v as ActorId;
}

function parseBigUint(s: string, what: string): bigint {
  if (!/^\d+$/.test(s.trim())) throw new InputError(`${what} must be a non-negative integer, got "${s}"`);
  return BigInt(s.trim());
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
export function fromHex(s: string, what = 'hex value'): Uint8Array {
  const t = s.startsWith('0x') ? s.slice(2) : s;
  if (t.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(t)) throw new InputError(`${what} is not valid hex: "${s}"`);
  return new Uint8Array(Buffer.from(t, 'hex'));
}

export const asProverId = (b: Uint8Array): ProverId => exactly32(b, 'prover id') as ProverId;
export const asReplicaId = (b: Uint8Array): ReplicaId => exactly32(b, 'replica id') as ReplicaId;
export const asPorepId = (b: Uint8Array): PorepId => exactly32(b, 'porep id') as PorepId;
