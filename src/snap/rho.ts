// phi and rho of a SnapDeals update (docs/snap.md#phi-and-rho): Poseidon arity 2 over the BLS12-381
// scalar field with neptune's custom domain tag (CType::Arbitrary(1) → tag 1·2^40) instead of the
// Merkle-tree tag; the permutation is the one every Poseidon tree uses.
//   phi        = H(comm_d_new, comm_r_old)
//   rho(high)  = H(phi, high)        high = v >> bitsShr as a field element
import { poseidonPermute } from '../native/poseidon.js';
import { snapRhosNative } from '../native/snap.js';
import type { Commitment } from '../proofs/types.js';
import type { UpdateProof } from './update-proof.js';

const TAG = (() => {
  const t = new Uint8Array(32);
  t[5] = 1; // 2^40, little-endian
  return t;
})();

function hash2(a: Uint8Array, b: Uint8Array): Uint8Array {
  return poseidonPermute(2, [TAG, a, b])[1]!;
}

export const phi = (commDNew: Commitment, commROld: Commitment): Uint8Array => hash2(commDNew, commROld);

function fieldOf(n: number): Uint8Array {
  const b = new Uint8Array(32);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

export const rho = (phiValue: Uint8Array, high: number): Uint8Array => hash2(phiValue, fieldOf(high));

export interface RhoTables {
  /** groups × 32 bytes, rho(high) for high = 0..groups−1 */
  readonly rhos: Uint8Array;
  /** the inverses, same layout */
  readonly rhoInvs: Uint8Array;
}

/** The whole table (and the inverses) in one native call each; `rho` above is its one-value twin. */
export function rhoTables(u: UpdateProof, commDNew: Commitment, commROld: Commitment, withInverses = true): RhoTables {
  const p = phi(commDNew, commROld);
  return { rhos: snapRhosNative(p, u.groups, false), rhoInvs: withInverses ? snapRhosNative(p, u.groups, true) : new Uint8Array(0) };
}
