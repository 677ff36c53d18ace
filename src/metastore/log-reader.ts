// The log format shared by write-ahead journals and MANIFESTs (docs/leveldb.md#log-format;
// leveldb: db/log_reader.cc; goleveldb: leveldb/journal/journal.go): 32 KiB blocks of
// [masked crc32c | len u16 | type u8 | payload] chunks assembled into logical records.
//
// strict  = goleveldb with StrictJournal|StrictJournalChecksum: the first problem of any kind
//           (checksum, bad header, zero header, torn tail, missing chunk part) ends the read.
// lenient = every chunk that proves itself by its CRC is used: a single-bit corruption is
//           corrected when it is unambiguous, and after damage the reader resynchronises on the
//           next header with a valid CRC in the same block instead of dropping the block's rest.
import { applyCorrection, findSingleBitCorrection } from './crc-correct.js';
import { crc32cOf, unmaskCrc } from './crc.js';
import { fixed32 } from './coding.js';
import type { Damage } from './damage.js';

export const LOG_BLOCK_SIZE = 32768;
export const LOG_HEADER_SIZE = 7;

export const enum ChunkType {
  Zero = 0,
  Full = 1,
  First = 2,
  Middle = 3,
  Last = 4,
}

export type ReadMode = 'strict' | 'lenient';

export interface LogRecord {
  readonly data: Uint8Array;
  /** file offset of the record's first chunk header */
  readonly offset: number;
  /** at least one chunk was restored by single-bit correction */
  readonly corrected: boolean;
}

export interface LogReadResult {
  readonly records: LogRecord[];
  readonly damage: Damage[];
  /** strict mode: offset of the first problem, where reading stopped; null if read to the end */
  readonly stoppedAt: number | null;
}

interface Chunk {
  type: ChunkType;
  payload: Uint8Array;
  offset: number;
  corrected: boolean;
}

const u16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);

function chunkCrcOk(buf: Uint8Array, at: number, len: number, type: number): boolean {
  const expected = unmaskCrc(fixed32(buf, at));
  return crc32cOf(buf.subarray(at + LOG_HEADER_SIZE, at + LOG_HEADER_SIZE + len), crc32cOf(Uint8Array.of(type))) === expected;
}

/** Next offset in [from, blockEnd) where a chunk with a valid type, length and CRC starts. */
function resync(buf: Uint8Array, from: number, blockEnd: number): number | null {
  for (let q = from; q + LOG_HEADER_SIZE <= blockEnd; q++) {
    const t = buf[q + 6]!;
    if (t < ChunkType.Full || t > ChunkType.Last) continue;
    const l = u16(buf, q + 4);
    if (q + LOG_HEADER_SIZE + l > blockEnd) continue;
    if (chunkCrcOk(buf, q, l, t)) return q;
  }
  return null;
}

export function readLog(buf: Uint8Array, file: string, mode: ReadMode): LogReadResult {
  const records: LogRecord[] = [];
  const damage: Damage[] = [];
  let stoppedAt: number | null = null;
  const strict = mode === 'strict';

  let parts: Uint8Array[] | null = null;
  let partStart = 0;
  let partCorrected = false;

  const report = (offset: number, length: number, kind: Damage['kind'], message: string) => {
    damage.push({ file, offset, length, kind, message });
    if (strict && stoppedAt === null && kind !== 'corrected') stoppedAt = offset;
  };
  const dropOpen = (why: string, kind: Damage['kind'] = 'structure') => {
    if (parts) {
      damage.push({ file, offset: partStart, length: 0, kind, message: `fragmented record lost: ${why}` });
      parts = null;
    }
  };
  const onChunk = (c: Chunk) => {
    switch (c.type) {
      case ChunkType.Full:
      case ChunkType.First:
        // C++ reports "partial record without end"; goleveldb would splice it. Either way the
        // open record has no end and cannot be trusted.
        dropOpen('a new record started before its last fragment');
        if (c.type === ChunkType.Full) {
          records.push({ data: c.payload, offset: c.offset, corrected: c.corrected });
        } else {
          parts = [c.payload];
          partStart = c.offset;
          partCorrected = c.corrected;
        }
        break;
      case ChunkType.Middle:
      case ChunkType.Last:
        if (!parts) {
          // goleveldb skips orphan chunks even when strict; so do we, but say so
          damage.push({ file, offset: c.offset, length: LOG_HEADER_SIZE + c.payload.length, kind: 'structure', message: 'orphan fragment (its first part is lost)' });
          break;
        }
        parts.push(c.payload);
        partCorrected ||= c.corrected;
        if (c.type === ChunkType.Last) {
          records.push({ data: Buffer.concat(parts), offset: partStart, corrected: partCorrected });
          parts = null;
        }
        break;
    }
  };

  const n = buf.length;
  let pos = 0;
  while (pos < n && stoppedAt === null) {
    const blockStart = pos - (pos % LOG_BLOCK_SIZE);
    const fullBlockEnd = blockStart + LOG_BLOCK_SIZE;
    const blockEnd = Math.min(fullBlockEnd, n);
    if (fullBlockEnd - pos < LOG_HEADER_SIZE) {
      pos = fullBlockEnd; // block trailer: zero padding
      continue;
    }
    if (blockEnd - pos < LOG_HEADER_SIZE) break; // truncated header at EOF: both readers stop silently
    const len = u16(buf, pos + 4);
    const type = buf[pos + 6]!;

    let problem: { kind: Damage['kind']; message: string } | null = null;
    if (type === ChunkType.Zero && len === 0) {
      problem = { kind: 'zero-fill', message: 'zero header (zero-filled region)' };
    } else if (type < ChunkType.Full || type > ChunkType.Last) {
      problem = { kind: 'structure', message: `invalid chunk type ${type}` };
    } else if (pos + LOG_HEADER_SIZE + len > blockEnd) {
      if (blockEnd === n && fullBlockEnd > n) {
        report(pos, n - pos, 'torn-tail', `chunk of ${len} bytes overruns the end of the file (torn tail)`);
        dropOpen('torn tail', 'torn-tail');
        pos = n;
        break;
      }
      problem = { kind: 'structure', message: `chunk length ${len} overflows its block` };
    } else if (!chunkCrcOk(buf, pos, len, type)) {
      const message = buf.subarray(pos + 6, pos + LOG_HEADER_SIZE + len); // type ‖ payload
      const expected = unmaskCrc(fixed32(buf, pos));
      const fix = strict ? null : findSingleBitCorrection(message, expected, crc32cOf(message), LOG_BLOCK_SIZE);
      const fixedType = fix ? (fix.position === 0 ? type ^ fix.xor : type) : 0;
      if (fix && fixedType >= ChunkType.Full && fixedType <= ChunkType.Last) {
        const repaired = applyCorrection(message, fix);
        report(pos + 6 + fix.position, 1, 'corrected', `checksum mismatch undone: one flipped bit (xor 0x${fix.xor.toString(16)})`);
        onChunk({ type: fixedType as ChunkType, payload: repaired.subarray(1), offset: pos, corrected: true });
        pos += LOG_HEADER_SIZE + len;
        continue;
      }
      problem = { kind: 'checksum', message: 'checksum mismatch' };
    }

    if (problem) {
      if (strict) {
        report(pos, blockEnd - pos, problem.kind, problem.message);
        break;
      }
      const next = resync(buf, pos + 1, blockEnd);
      const lostEnd = next ?? blockEnd;
      report(pos, lostEnd - pos, problem.kind, `${problem.message}; ${lostEnd - pos} bytes skipped`);
      dropOpen('a fragment was damaged');
      pos = next ?? fullBlockEnd;
      continue;
    }
    onChunk({ type: type as ChunkType, payload: buf.subarray(pos + LOG_HEADER_SIZE, pos + LOG_HEADER_SIZE + len), offset: pos, corrected: false });
    pos += LOG_HEADER_SIZE + len;
  }
  if (parts && stoppedAt === null) {
    report(partStart, n - partStart, 'torn-tail', 'log ends inside a fragmented record (missing chunk part)');
    parts = null;
  }
  return { records, damage, stoppedAt };
}
