// MANIFEST = a log of VersionEdit records (leveldb: db/version_edit.cc, db/version_set.cc;
// goleveldb: leveldb/session_record.go, session.go) and CURRENT, which names the live one.
import { DecodeError, cursor, lengthPrefixed, varint32, varint64, varintNumber } from './coding.js';
import { readLog, type ReadMode } from './log-reader.js';
import type { Damage } from './damage.js';

export interface FileMeta {
  readonly level: number;
  readonly number: number;
  readonly size: number;
  readonly smallest: Uint8Array;
  readonly largest: Uint8Array;
}

export interface VersionEdit {
  comparator?: string;
  logNumber?: bigint;
  prevLogNumber?: bigint;
  nextFileNumber?: bigint;
  lastSequence?: bigint;
  compactPointers: Array<{ level: number; key: Uint8Array }>;
  deleted: Array<{ level: number; number: number }>;
  added: FileMeta[];
}

const enum Tag {
  Comparator = 1,
  LogNumber = 2,
  NextFileNumber = 3,
  LastSequence = 4,
  CompactPointer = 5,
  DeletedFile = 6,
  NewFile = 7,
  PrevLogNumber = 9,
}

/** Decode one VersionEdit strictly (as C++ does): unknown tags are errors, not skipped. */
export function decodeVersionEdit(data: Uint8Array): VersionEdit {
  const e: VersionEdit = { compactPointers: [], deleted: [], added: [] };
  const c = cursor(data);
  while (c.pos < c.end) {
    const tag = varint32(c);
    switch (tag) {
      case Tag.Comparator:
        e.comparator = Buffer.from(lengthPrefixed(c)).toString('latin1');
        break;
      case Tag.LogNumber:
        e.logNumber = varint64(c);
        break;
      case Tag.PrevLogNumber:
        e.prevLogNumber = varint64(c);
        break;
      case Tag.NextFileNumber:
        e.nextFileNumber = varint64(c);
        break;
      case Tag.LastSequence:
        e.lastSequence = varint64(c);
        break;
      case Tag.CompactPointer:
        e.compactPointers.push({ level: varint32(c), key: lengthPrefixed(c) });
        break;
      case Tag.DeletedFile:
        e.deleted.push({ level: varint32(c), number: varintNumber(c) });
        break;
      case Tag.NewFile:
        e.added.push({ level: varint32(c), number: varintNumber(c), size: varintNumber(c), smallest: lengthPrefixed(c), largest: lengthPrefixed(c) });
        break;
      default:
        throw new DecodeError(`unknown VersionEdit tag ${tag}`);
    }
  }
  return e;
}

export interface Version {
  readonly manifest: string;
  readonly comparator: string | null;
  readonly logNumber: bigint | null;
  readonly prevLogNumber: bigint | null;
  readonly nextFileNumber: bigint | null;
  readonly lastSequence: bigint | null;
  /** live tables by file number */
  readonly files: Map<number, FileMeta>;
  readonly records: number;
  readonly damage: Damage[];
  /** fields goleveldb requires that the manifest lacks (it then refuses to open) */
  readonly missingFields: string[];
}

/** Replay a manifest image. Lenient keeps going past bad records; strict stops at the first. */
export function replayManifest(buf: Uint8Array, file: string, mode: ReadMode): Version {
  const log = readLog(buf, file, mode);
  const damage = [...log.damage];
  const files = new Map<number, FileMeta>();
  let comparator: string | null = null;
  let logNumber: bigint | null = null;
  let prevLogNumber: bigint | null = null;
  let nextFileNumber: bigint | null = null;
  let lastSequence: bigint | null = null;
  let records = 0;
  for (const r of log.records) {
    let e: VersionEdit;
    try {
      e = decodeVersionEdit(r.data);
    } catch (err) {
      damage.push({ file, offset: r.offset, length: r.data.length, kind: 'decode', message: `VersionEdit: ${(err as Error).message}` });
      if (mode === 'strict') break;
      continue;
    }
    records++;
    if (e.comparator !== undefined) comparator = e.comparator;
    if (e.logNumber !== undefined) logNumber = e.logNumber;
    if (e.prevLogNumber !== undefined) prevLogNumber = e.prevLogNumber;
    if (e.nextFileNumber !== undefined) nextFileNumber = e.nextFileNumber;
    if (e.lastSequence !== undefined) lastSequence = e.lastSequence;
    for (const d of e.deleted) files.delete(d.number);
    for (const a of e.added) files.set(a.number, a);
  }
  const missingFields: string[] = [];
  if (comparator === null) missingFields.push('comparer');
  if (nextFileNumber === null) missingFields.push('next-file-num');
  if (logNumber === null) missingFields.push('journal-num');
  if (lastSequence === null) missingFields.push('seq-num');
  return { manifest: file, comparator, logNumber, prevLogNumber, nextFileNumber, lastSequence, files, records, damage, missingFields };
}

/** Parse CURRENT's content: exactly `MANIFEST-<digits>\n`. */
export function parseCurrent(content: Uint8Array): string | null {
  const s = Buffer.from(content).toString('latin1');
  const m = /^(MANIFEST-\d+)\n$/.exec(s);
  return m ? m[1]! : null;
}
