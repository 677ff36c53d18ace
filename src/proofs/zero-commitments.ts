// Commitments of all-zero data: Z(32) = 32 zero bytes, Z(2s) = H(Z(s), Z(s)). They are the
// comm_d of a CC sector, the filler pieces in comm_d, and the empty subtrees of tree-d.
import { nodeHash } from './sha254.js';
import { InputError } from '../errors.js';
import { type Commitment } from './types.js';

/** Smallest and largest sizes we tabulate: one node, and a 64 GiB sector (2^36 bytes). */
const MIN_LOG2 = 5;
const MAX_LOG2 = 36;

let table: Commitment[] | undefined;

function levels(): Commitment[] {
  if (!table) {
    const t: Commitment[] = [new Uint8Array(32) as Commitment];
    for (let i = 1; i <= MAX_LOG2 - MIN_LOG2; i++) t.push(nodeHash(t[i - 1]!, t[i - 1]!));
    table = t;
  }
  return table;
}

/** log2 of a power of two, or -1. */
export function log2Exact(n: bigint): number {
  if (n <= 0n || (n & (n - 1n)) !== 0n) return -1;
  return n.toString(2).length - 1;
}

/**
 * Z(size) for a padded size that is a power of two from 32 bytes to 64 GiB. Returns a fresh copy
 * so callers cannot corrupt the shared table.
 */
export function zeroCommitment(paddedBytes: bigint | number): Commitment {
  const size = BigInt(paddedBytes);
  const lg = log2Exact(size);
  if (lg < MIN_LOG2 || lg > MAX_LOG2) {
    throw new InputError(`no zero commitment for ${size} bytes: the size must be a power of two from 32 B to 64 GiB`);
  }
  return levels()[lg - MIN_LOG2]!.slice() as Commitment;
}
