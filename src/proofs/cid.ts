// Commitments as the chain shows them: CIDv1 whose multihash digest is the raw 32-byte commitment
// (go-fil-commcid commcid.go; no byte reversal). Encoding and parsing go through `multiformats`.
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { InputError } from '../errors.js';
import { asCommitment, type Commitment } from './types.js';

/** fil-commitment-unsealed: CommD and piece CIDs (v1). */
export const FIL_COMMITMENT_UNSEALED = 0xf101;
/** fil-commitment-sealed: CommR. */
export const FIL_COMMITMENT_SEALED = 0xf102;
/** sha2-256-trunc254-padded. */
export const SHA2_256_TRUNC254_PADDED = 0x1012;
/** poseidon-bls12_381-a2-fc1. */
export const POSEIDON_BLS12_381_A2_FC1 = 0xb401;
/** fr32-sha256-trunc254-padbintree, the piece CID v2 multihash (not accepted here). */
const FR32_SHA256_TRUNC254_PADBINTREE = 0x1011;

/** BLS12-381 scalar field modulus r; a CommR is a canonical field element, so < r. */
const R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

export type CommitmentKind = 'sealed' | 'unsealed';

const KIND = {
  sealed: { codec: FIL_COMMITMENT_SEALED, hash: POSEIDON_BLS12_381_A2_FC1, name: 'CommR (sealed CID, bagboea4b5abc…)' },
  unsealed: { codec: FIL_COMMITMENT_UNSEALED, hash: SHA2_256_TRUNC254_PADDED, name: 'CommD/CommP (unsealed or piece CID, baga6ea4seaq…)' },
} as const;

/** Anything a user or Lotus hands us as a CID: text, the Lotus JSON form {"/": "…"}, or a CID. */
export type CidInput = string | { readonly '/': string } | CID;

function leToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

function checkCommitment(kind: CommitmentKind, c: Uint8Array, what: string): Commitment {
  const commitment = asCommitment(c, what);
  if (kind === 'unsealed' && (commitment[31]! & 0xc0) !== 0) {
    // Every sha254 digest has these bits clear; anything else cannot be a real CommD/CommP.
    throw new InputError(`${what} is not a sha254 digest: the top two bits of byte 31 are set`);
  }
  if (kind === 'sealed' && leToBigInt(commitment) >= R) {
    throw new InputError(`${what} is not a BLS12-381 field element (≥ r), so it cannot be a CommR`);
  }
  return commitment;
}

function toCid(kind: CommitmentKind, c: Commitment): CID {
  const k = KIND[kind];
  return CID.create(1, k.codec, Digest.create(k.hash, checkCommitment(kind, c, k.name)));
}

export const commRToCid = (commR: Commitment): CID => toCid('sealed', commR);
export const commDToCid = (commD: Commitment): CID => toCid('unsealed', commD);
export const commPToCid = commDToCid;

function parseCid(input: CidInput): CID {
  if (input instanceof CID) return input;
  const asCid = CID.asCID(input);
  if (asCid) return asCid;
  let text: unknown = input;
  if (typeof input === 'object' && input !== null) text = (input as { '/': unknown })['/'];
  if (typeof text !== 'string') {
    throw new InputError(`expected a CID string or {"/": "<cid>"}, got ${JSON.stringify(input)}`);
  }
  const s = text.trim();
  try {
    return CID.parse(s);
  } catch (e) {
    throw new InputError(`"${s}" is not a CID: ${(e as Error).message}`);
  }
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Parse a commitment CID of the given kind; wrong codec, hash or length is named in the error. */
function cidToCommitment(kind: CommitmentKind, input: CidInput): Commitment {
  const cid = parseCid(input);
  const k = KIND[kind];
  const s = cid.toString();
  if (cid.version !== 1) throw new InputError(`${s} is a CIDv${cid.version}; a ${k.name} is a CIDv1`);
  if (cid.code === FIL_COMMITMENT_SEALED && kind === 'unsealed') {
    throw new InputError(`${s} is a sealed CID (CommR), but a ${k.name} was expected`);
  }
  if (cid.code === FIL_COMMITMENT_UNSEALED && kind === 'sealed') {
    throw new InputError(`${s} is an unsealed CID (CommD/CommP), but a ${k.name} was expected`);
  }
  if (cid.multihash.code === FR32_SHA256_TRUNC254_PADBINTREE) {
    throw new InputError(`${s} is a piece CID v2 (bafkzcib…); give the v1 piece CID (baga6ea4seaq…) instead`);
  }
  if (cid.code !== k.codec) {
    throw new InputError(`${s} has codec ${hex(cid.code)}; a ${k.name} has codec ${hex(k.codec)}`);
  }
  if (cid.multihash.code !== k.hash) {
    throw new InputError(`${s} has multihash ${hex(cid.multihash.code)}; a ${k.name} uses multihash ${hex(k.hash)}`);
  }
  if (cid.multihash.size !== 32) {
    throw new InputError(`${s} has a ${cid.multihash.size}-byte digest; a ${k.name} has 32 bytes`);
  }
  return checkCommitment(kind, cid.multihash.digest.slice(), `digest of ${s}`);
}

export const cidToCommR = (input: CidInput): Commitment => cidToCommitment('sealed', input);
export const cidToCommD = (input: CidInput): Commitment => cidToCommitment('unsealed', input);
export const cidToCommP = cidToCommD;
