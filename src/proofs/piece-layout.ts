// Where pieces sit in a staged (unsealed) sector. The reference aligns in the unpadded domain:
// each piece starts at a multiple of its own size rounded up to 127·2^k, so a piece of padded size
// P (a power of two) starts at a padded offset that is a multiple of P, and its commP is exactly one
// subtree of tree-d. rfp: filecoin-proofs/src/pieces.rs get_piece_alignment, get_piece_start_byte.
import { toUnpaddedBytes } from './fr32.js';
import { InputError } from '../errors.js';
import { log2Exact } from './zero-commitments.js';

/** MINIMUM_RESERVED_BYTES_FOR_PIECE_IN_FULLY_ALIGNED_SECTOR (rfp: filecoin-proofs/src/constants.rs). */
export const MIN_PIECE_UNPADDED = 127n;
/** Smallest valid padded piece (go-state-types abi.PaddedPieceSize.Validate). */
export const MIN_PIECE_PADDED = 128n;

/** Zero bytes before and after a piece, in unpadded bytes. */
export interface PieceAlignment {
  readonly left: bigint;
  readonly right: bigint;
}

export function pieceAlignment(writtenBytes: bigint | number, pieceBytes: bigint | number): PieceAlignment {
  const written = BigInt(writtenBytes);
  const piece = BigInt(pieceBytes);
  let needed = MIN_PIECE_UNPADDED;
  while (needed < piece) needed *= 2n;
  const encroaching = written % needed;
  return { left: encroaching > 0n ? needed - encroaching : 0n, right: needed - piece };
}

/** Unpadded bytes taken by `pieces` written in order, alignment included. */
export function sumPieceBytesWithAlignment(pieces: readonly (bigint | number)[]): bigint {
  let acc = 0n;
  for (const p of pieces) {
    const a = pieceAlignment(acc, p);
    acc += a.left + BigInt(p) + a.right;
  }
  return acc;
}

/** Unpadded offset where a piece of `pieceBytes` starts after `pieces`. */
export function pieceStartByte(pieces: readonly (bigint | number)[], pieceBytes: bigint | number): bigint {
  const last = sumPieceBytesWithAlignment(pieces);
  return last + pieceAlignment(last, pieceBytes).left;
}

/** Check a padded piece size the way abi.PaddedPieceSize.Validate does; errors name the piece. */
export function checkPaddedPieceSize(size: bigint, index: number): void {
  if (size < MIN_PIECE_PADDED || log2Exact(size) < 0) {
    throw new InputError(
      `piece ${index}: padded size ${size} is invalid; a padded piece size is a power of two of at least 128 bytes ` +
        `(e.g. 2048, not the unpadded 2032)`,
    );
  }
}

export interface StagedPiece {
  readonly index: number;
  /** where the fr32-padded piece starts in the staged file */
  readonly paddedOffset: bigint;
  readonly paddedSize: bigint;
  /** the same in user bytes (what add_piece counts) */
  readonly unpaddedOffset: bigint;
  readonly unpaddedSize: bigint;
}

export interface StagedLayout {
  readonly sectorBytes: bigint;
  readonly pieces: readonly StagedPiece[];
  /** padded end of the last piece; the staged file is zero from here to sectorBytes */
  readonly usedBytes: bigint;
}

/**
 * Offsets of each padded piece in the staged sector file (zeros fill the gaps and the tail up to
 * sectorBytes). Pieces are given by padded size, in sector order.
 */
export function stagedLayout(sectorBytes: bigint, paddedSizes: readonly (bigint | number)[]): StagedLayout {
  const pieces: StagedPiece[] = [];
  let written = 0n;
  paddedSizes.forEach((s, index) => {
    const paddedSize = BigInt(s);
    checkPaddedPieceSize(paddedSize, index);
    const unpaddedSize = toUnpaddedBytes(paddedSize);
    const a = pieceAlignment(written, unpaddedSize);
    const unpaddedOffset = written + a.left;
    // Offsets are multiples of 127 here, so ×128/127 is exact.
    const paddedOffset = (unpaddedOffset / 127n) * 128n;
    if (paddedOffset + paddedSize > sectorBytes) {
      throw new InputError(
        `piece ${index} (padded size ${paddedSize}) does not fit the sector: it would start at padded offset ` +
          `${paddedOffset} and end at ${paddedOffset + paddedSize}, past the sector size ${sectorBytes}`,
      );
    }
    pieces.push({ index, paddedOffset, paddedSize, unpaddedOffset, unpaddedSize });
    written = unpaddedOffset + unpaddedSize + a.right;
  });
  const last = pieces[pieces.length - 1];
  return { sectorBytes, pieces, usedBytes: last ? last.paddedOffset + last.paddedSize : 0n };
}
