// Masked CRC-32C as LevelDB stores it (leveldb: util/crc32c.h; goleveldb: leveldb/util/crc32.go).
// The CRC itself comes from @node-rs/crc32 (SIMD); only the mask is ours.
import { crc32c } from '@node-rs/crc32';

const MASK_DELTA = 0xa282ead8;

/** CRC-32C of `data`, continuing from a previous CRC value (0 for a fresh start). */
export function crc32cOf(data: Uint8Array, previous = 0): number {
  return crc32c(data, previous) >>> 0;
}

/** CRC-32C of one byte appended to a running CRC. */
export function crc32cByte(byte: number, previous: number): number {
  return crc32c(Uint8Array.of(byte), previous) >>> 0;
}

/** LevelDB masks stored CRCs so that CRCs of data containing CRCs stay well distributed. */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

export function unmaskCrc(masked: number): number {
  const r = (masked - MASK_DELTA) >>> 0;
  return ((r >>> 17) | (r << 15)) >>> 0;
}
