// comm_d from the sector's piece list (padded size + commP), exactly as the reference reduces it:
// rfp: filecoin-proofs/src/pieces.rs compute_comm_d (stack of equal-size merges with zero fillers).
import type { SealProof } from './registry.js';
import { nodeHash } from './sha254.js';
import { checkPaddedPieceSize, stagedLayout } from './piece-layout.js';
import { InputError } from '../errors.js';
import { type Commitment } from './types.js';
import { zeroCommitment } from './zero-commitments.js';

/** One piece of a sector: what lotus records as abi.PieceInfo {Size (padded), PieceCID}. */
export interface PieceInfo {
  /** padded size in bytes, a power of two ≥ 128 */
  readonly size: bigint;
  readonly commP: Commitment;
}

interface Item {
  commitment: Commitment;
  size: bigint;
}

function sectorSizeOf(sector: SealProof | bigint): bigint {
  return typeof sector === 'bigint' ? sector : sector.sectorBytes;
}

/**
 * Validate a piece list against a sector: piece count limit, power-of-two sizes, total size, and
 * that the aligned pieces fit (the reference only checks the plain sum; an overflowing list would
 * yield the root of a tree larger than the sector, which no sector can have).
 */
export function checkPieces(sectorBytes: bigint, pieces: readonly PieceInfo[]): void {
  const maxPieces = sectorBytes / 128n; // unpadded sector / 127
  if (BigInt(pieces.length) > maxPieces) {
    throw new InputError(`too many pieces: ${pieces.length}, a ${sectorBytes}-byte sector holds at most ${maxPieces}`);
  }
  let sum = 0n;
  pieces.forEach((p, i) => {
    checkPaddedPieceSize(p.size, i);
    if (p.commP.every((b) => b === 0)) {
      throw new InputError(`piece ${i}: the commitment is all zero, which is not a piece commitment (rfp PieceInfo::new)`);
    }
    sum += p.size;
  });
  if (sum > sectorBytes) {
    throw new InputError(`pieces total ${sum} padded bytes, more than the sector size ${sectorBytes}`);
  }
  stagedLayout(sectorBytes, pieces.map((p) => p.size));
}

/** comm_d of a sector holding `pieces` in this order; [] means CC (all zero): Z(sector size). */
export function computeCommD(sector: SealProof | bigint, pieces: readonly PieceInfo[]): Commitment {
  const sectorBytes = sectorSizeOf(sector);
  if (pieces.length === 0) return zeroCommitment(sectorBytes);
  checkPieces(sectorBytes, pieces);

  const stack: Item[] = [];
  const top = (): Item => stack[stack.length - 1]!;
  const shiftReduce = (item: Item): void => {
    stack.push(item);
    while (stack.length >= 2 && stack[stack.length - 1]!.size === stack[stack.length - 2]!.size) {
      const right = stack.pop()!;
      const left = stack.pop()!;
      stack.push({ commitment: nodeHash(left.commitment, right.commitment), size: left.size * 2n });
    }
  };
  const zero = (size: bigint): Item => ({ commitment: zeroCommitment(size), size });

  stack.push({ commitment: pieces[0]!.commP, size: pieces[0]!.size });
  for (const p of pieces.slice(1)) {
    while (top().size < p.size) shiftReduce(zero(top().size));
    shiftReduce({ commitment: p.commP, size: p.size });
  }
  while (stack.length > 1) shiftReduce(zero(top().size));
  return top().commitment.slice() as Commitment;
}
