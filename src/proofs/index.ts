// Public API of src/proofs: proof table, identities, fr32, commitments, CIDs.
export * from './types.js';
export * from './registry.js';
export { parseMinerAddress, formatIdAddress, proverId, encodeAddressBytes, leb128, type Network } from './address.js';
export { parseTicket } from './ticket.js';
export { replicaId } from './replica-id.js';
export {
  fr32Pad,
  fr32Unpad,
  fr32PaddedLength,
  toPaddedBytes,
  toUnpaddedBytes,
  Fr32PadStream,
  Fr32UnpadStream,
  UNPADDED_BLOCK,
  PADDED_BLOCK,
} from './fr32.js';
export { sha254, nodeHash, mask254 } from './sha254.js';
export { zeroCommitment } from './zero-commitments.js';
export { computeCommD, checkPieces, type PieceInfo } from './comm-d.js';
export { commPOfStream, MerkleAccumulator, type CommPStreamOptions } from './comm-p-stream.js';
export { commP, paddedPieceSize, type PieceCommitment } from './comm-p.js';
export {
  pieceAlignment,
  pieceStartByte,
  sumPieceBytesWithAlignment,
  stagedLayout,
  checkPaddedPieceSize,
  MIN_PIECE_PADDED,
  MIN_PIECE_UNPADDED,
  type PieceAlignment,
  type StagedLayout,
  type StagedPiece,
} from './piece-layout.js';
export {
  commRToCid,
  commDToCid,
  commPToCid,
  cidToCommR,
  cidToCommD,
  cidToCommP,
  FIL_COMMITMENT_SEALED,
  FIL_COMMITMENT_UNSEALED,
  SHA2_256_TRUNC254_PADDED,
  POSEIDON_BLS12_381_A2_FC1,
  type CidInput,
} from './cid.js';
