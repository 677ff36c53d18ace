// CommR/CommD ↔ CID (go-fil-commcid: commcid.go). The 32 digest bytes are the commitment as rust
// writes it, no byte reversal.
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { InputError, asCommitment, type Commitment } from '../proofs/types.js';

const SEALED = { codec: 0xf102, hash: 0xb401, name: 'sealed (CommR) CID', prefix: 'bagboea4b5abc' } as const;
const UNSEALED = { codec: 0xf101, hash: 0x1012, name: 'unsealed (CommD / piece) CID', prefix: 'baga6ea4seaq' } as const;

function parse(s: string, kind: typeof SEALED | typeof UNSEALED, what: string): Commitment {
  let c: CID;
  try {
    c = CID.parse(s.trim());
  } catch (e) {
    throw new InputError(`${what}: "${s}" is not a CID (${(e as Error).message})`);
  }
  if (c.version !== 1 || c.code !== kind.codec || c.multihash.code !== kind.hash || c.multihash.size !== 32) {
    throw new InputError(`${what}: "${s}" is not a ${kind.name} (expected a CID starting ${kind.prefix}…)`);
  }
  return asCommitment(c.multihash.digest, what);
}

const format = (c: Commitment, kind: typeof SEALED | typeof UNSEALED): string =>
  CID.create(1, kind.codec, Digest.create(kind.hash, c)).toString();

export const commRFromCid = (s: string, what = 'SealedCID'): Commitment => parse(s, SEALED, what);
export const commDFromCid = (s: string, what = 'UnsealedCID'): Commitment => parse(s, UNSEALED, what);
export const commRToCid = (c: Commitment): string => format(c, SEALED);
export const commDToCid = (c: Commitment): string => format(c, UNSEALED);
