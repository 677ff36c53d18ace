// WriteBatch, the payload of each journal record (leveldb: db/write_batch.cc; goleveldb:
// leveldb/batch.go): seq fixed64, count fixed32, then count × (tag, key[, value]).
import { DecodeError, cursor, fixed32, fixed64, lengthPrefixed } from './coding.js';
import { Kind, MAX_SEQUENCE } from './internal-key.js';

export interface BatchEntry {
  readonly kind: Kind;
  readonly key: Uint8Array;
  /** empty for deletions */
  readonly value: Uint8Array;
  readonly seq: bigint;
}

export interface DecodedBatch {
  readonly seq: bigint;
  readonly count: number;
  /** entries decoded before any error (LevelDB applies these too: batches are not atomic on replay) */
  readonly entries: BatchEntry[];
  readonly error: string | null;
}

const EMPTY = new Uint8Array(0);

export function decodeWriteBatch(data: Uint8Array): DecodedBatch {
  if (data.length < 12) return { seq: 0n, count: 0, entries: [], error: `batch too short (${data.length} bytes, need 12)` };
  const seq = fixed64(data, 0);
  const count = fixed32(data, 8);
  if (seq + BigInt(Math.max(count, 1)) - 1n > MAX_SEQUENCE) {
    return { seq, count, entries: [], error: `sequence ${seq} + ${count} exceeds 2^56−1` };
  }
  const entries: BatchEntry[] = [];
  const c = cursor(data, 12);
  try {
    while (c.pos < c.end) {
      const tag = data[c.pos++]!;
      if (tag === Kind.Value) {
        const key = lengthPrefixed(c);
        const value = lengthPrefixed(c);
        entries.push({ kind: Kind.Value, key, value, seq: seq + BigInt(entries.length) });
      } else if (tag === Kind.Deletion) {
        entries.push({ kind: Kind.Deletion, key: lengthPrefixed(c), value: EMPTY, seq: seq + BigInt(entries.length) });
      } else {
        throw new DecodeError(`unknown record tag ${tag}`);
      }
    }
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { seq, count, entries, error: e.message };
  }
  if (entries.length !== count) return { seq, count, entries, error: `batch has ${entries.length} records, header says ${count}` };
  return { seq, count, entries, error: null };
}
