// The lotus unsealed sector file (docs/unseal.md#the-unsealed-file): the sector's fr32-padded bytes
// (sector-size bytes, holes where nothing is unsealed), then an RLE+ bitfield of the padded byte
// indices that hold data, then that bitfield's length as a little-endian uint32. lotus, boost and
// curio serve retrievals from it; lotus checks the same invariants as readUnsealedTrailer.
import { open } from 'node:fs/promises';
import { decodeRlePlus, encodeRlePlus, normalize, type BitRanges } from '../chain/bitfield.js';
import { CorruptionError, InputError } from '../errors.js';

/** A run of allocated (unsealed) padded bytes. */
export interface Allocation {
  /** padded byte offset in the sector */
  readonly offset: bigint;
  /** padded bytes */
  readonly size: bigint;
}

const TRAILER_LENGTH_BYTES = 4n;

const toRanges = (allocs: readonly Allocation[]): BitRanges =>
  normalize(allocs.filter((a) => a.size > 0n).map((a) => [a.offset, a.offset + a.size - 1n] as const));

const toAllocations = (ranges: BitRanges): Allocation[] => ranges.map(([a, b]) => ({ offset: a, size: b - a + 1n }));

/** The bytes that follow the sector data: RLE+ of the allocated byte ranges, then its u32 LE length. */
export function unsealedTrailer(sectorBytes: bigint, allocations: readonly Allocation[]): Uint8Array {
  for (const a of allocations) {
    if (a.offset < 0n || a.size < 0n || a.offset + a.size > sectorBytes)
      throw new InputError(`allocation [${a.offset}, ${a.offset + a.size}) is outside the ${sectorBytes}-byte sector`);
  }
  const rle = encodeRlePlus(toRanges(allocations));
  const out = new Uint8Array(rle.length + 4);
  out.set(rle);
  new DataView(out.buffer).setUint32(rle.length, rle.length, true);
  return out;
}

/** Reads and checks the allocation trailer of an unsealed file (as lotus OpenPartialFile does). */
export async function readUnsealedAllocations(path: string, sectorBytes: bigint): Promise<Allocation[]> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat({ bigint: true })).size;
    if (size < sectorBytes + TRAILER_LENGTH_BYTES)
      throw new CorruptionError(`unsealed file ${path} has ${size} bytes, fewer than the sector size ${sectorBytes} plus its 4-byte trailer length`);
    const len = Buffer.alloc(4);
    await fh.read(len, 0, 4, Number(size - 4n));
    const trailerLen = BigInt(len.readUInt32LE(0));
    if (sectorBytes + trailerLen + TRAILER_LENGTH_BYTES !== size)
      throw new CorruptionError(
        `unsealed file ${path} has inconsistent length: ${size} bytes, expected ${sectorBytes + trailerLen + 4n} (${sectorBytes} sector bytes, ${trailerLen}-byte trailer, 4-byte length)`,
      );
    const rle = Buffer.alloc(Number(trailerLen));
    if (trailerLen > 0n) await fh.read(rle, 0, rle.length, Number(sectorBytes));
    const allocations = toAllocations(decodeRlePlus(rle, `allocation trailer of ${path}`));
    const last = allocations.at(-1);
    if (last && last.offset + last.size > sectorBytes)
      throw new CorruptionError(`unsealed file ${path} marks bytes up to ${last.offset + last.size} allocated, past the sector size ${sectorBytes}`);
    return allocations;
  } finally {
    await fh.close();
  }
}

/**
 * Writes a whole unsealed file to `path` (which should be a `.partial` name the caller renames):
 * `sectorBytes` bytes, `write` filling the allocated ranges (the rest stays a hole), then the trailer.
 */
export async function writeUnsealedFile(
  path: string,
  sectorBytes: bigint,
  allocations: readonly Allocation[],
  write: (fh: import('node:fs/promises').FileHandle) => Promise<void>,
): Promise<void> {
  const trailer = unsealedTrailer(sectorBytes, allocations);
  const fh = await open(path, 'w');
  try {
    await fh.truncate(Number(sectorBytes));
    await write(fh);
    await fh.write(trailer, 0, trailer.length, Number(sectorBytes));
    await fh.truncate(Number(sectorBytes) + trailer.length);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
