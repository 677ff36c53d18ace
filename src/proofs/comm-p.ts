// commP of a piece held in memory: fr32-pad, zero-extend to a power-of-two size (≥ 128 bytes),
// binary sha254 tree over the 32-byte nodes. rfp: filecoin-proofs/src/api/mod.rs
// generate_piece_commitment; lotus zero-pads a piece to its padded size the same way.
import { fr32Pad, toPaddedBytes } from './fr32.js';
import { nodeHash } from './sha254.js';
import { InputError } from '../errors.js';
import { type Commitment } from './types.js';
import { zeroCommitment } from './zero-commitments.js';
import { MIN_PIECE_PADDED } from './piece-layout.js';

export interface PieceCommitment {
  readonly commP: Commitment;
  /** padded piece size: the smallest power of two ≥ 128 that holds the fr32-padded data */
  readonly size: bigint;
}

/** Padded piece size for `unpadded` user bytes. */
export function paddedPieceSize(unpadded: bigint | number): bigint {
  const need = toPaddedBytes(unpadded);
  let size = MIN_PIECE_PADDED;
  while (size < need) size *= 2n;
  return size;
}

export function commP(data: Uint8Array): PieceCommitment {
  if (data.length === 0) throw new InputError('cannot compute the commP of an empty piece');
  const size = paddedPieceSize(data.length);
  // The tree over the zero tail is made of zero subtrees: extend each row by Z(level) when odd
  // instead of materialising the zeros. Rows are reduced in place (node i overwrites slot i).
  const padded = fr32Pad(data);
  const row = new Uint8Array(padded.length + 32);
  row.set(padded);
  let nodes = padded.length / 32;
  for (let width = 32n; width < size; width *= 2n) {
    if (nodes % 2 === 1) row.set(zeroCommitment(width), nodes++ * 32);
    for (let i = 0; i < nodes / 2; i++) {
      row.set(nodeHash(row.subarray(64 * i, 64 * i + 32), row.subarray(64 * i + 32, 64 * i + 64)), 32 * i);
    }
    nodes /= 2;
  }
  return { commP: row.slice(0, 32) as Commitment, size };
}
