// Table block contents (leveldb: table/block.cc; goleveldb: leveldb/table/reader.go):
// prefix-compressed entries, then restart offsets (fixed32 each), then their count.
import { DecodeError, cursor, fixed32, varint32 } from './coding.js';

export interface BlockEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** Decode every entry of a block; throws DecodeError on any inconsistency. */
export function decodeBlock(contents: Uint8Array): BlockEntry[] {
  const out: BlockEntry[] = [];
  forEachBlockEntry(contents, (key, value) => out.push({ key, value }));
  return out;
}

/**
 * Visit every entry of a block without building an array (the hot path of whole-store scans).
 * Throws DecodeError at the first inconsistency, possibly after visiting earlier entries: a
 * caller that must not keep part of a bad block rolls back what it collected.
 */
export function forEachBlockEntry(contents: Uint8Array, visit: (key: Uint8Array, value: Uint8Array) => void): number {
  const n = contents.length;
  if (n < 4) throw new DecodeError(`block of ${n} bytes is too small`);
  const numRestarts = fixed32(contents, n - 4);
  const maxRestarts = Math.floor((n - 4) / 4);
  if (numRestarts > maxRestarts) throw new DecodeError(`block claims ${numRestarts} restart points, room for ${maxRestarts}`);
  const entriesEnd = n - 4 - 4 * numRestarts;
  // restart offsets ascend; walk them alongside the entries
  let ri = 0;
  let nextRestart = numRestarts ? fixed32(contents, entriesEnd) : -1;
  const c = cursor(contents, 0, entriesEnd);
  let prev: Uint8Array = contents.subarray(0, 0);
  let count = 0;
  while (c.pos < entriesEnd) {
    const at = c.pos;
    const shared = varint32(c);
    const nonShared = varint32(c);
    const valueLen = varint32(c);
    if (at === nextRestart) {
      if (shared !== 0) throw new DecodeError(`restart point at ${at} has a shared prefix`);
      ri++;
      nextRestart = ri < numRestarts ? fixed32(contents, entriesEnd + 4 * ri) : -1;
    } else if (nextRestart !== -1 && nextRestart < at) {
      throw new DecodeError(`restart point ${nextRestart} does not start an entry`);
    }
    if (shared > prev.length) throw new DecodeError(`entry at ${at} shares ${shared} bytes of a ${prev.length}-byte key`);
    if (c.pos + nonShared + valueLen > entriesEnd) throw new DecodeError(`entry at ${at} overruns the block`);
    let key: Uint8Array;
    if (shared === 0) {
      key = contents.subarray(c.pos, c.pos + nonShared);
    } else {
      key = new Uint8Array(shared + nonShared);
      key.set(prev.subarray(0, shared), 0);
      key.set(contents.subarray(c.pos, c.pos + nonShared), shared);
    }
    c.pos += nonShared;
    const value = contents.subarray(c.pos, c.pos + valueLen);
    c.pos += valueLen;
    visit(key, value);
    count++;
    prev = key;
  }
  if (entriesEnd > 0 && ri !== numRestarts) throw new DecodeError('a restart point does not start an entry');
  return count;
}

/**
 * Entries that parse from the start of possibly damaged bytes, stopping at the first
 * inconsistency. `withTrailer`: the bytes end with a restart array (a whole block); otherwise they
 * are a raw region of unknown extent. The result is unverified: evidence, never data.
 */
export function decodeEntriesLoose(contents: Uint8Array, withTrailer: boolean): BlockEntry[] {
  let end = contents.length;
  if (withTrailer && end >= 4) {
    const nr = fixed32(contents, end - 4);
    if (nr * 4 + 4 <= end) end -= 4 + 4 * nr;
  }
  const out: BlockEntry[] = [];
  const c = cursor(contents, 0, end);
  let prev: Uint8Array = new Uint8Array(0);
  try {
    while (c.pos < end) {
      const shared = varint32(c);
      const nonShared = varint32(c);
      const valueLen = varint32(c);
      if (shared > prev.length || c.pos + nonShared + valueLen > end || nonShared + shared < 8) break;
      const key = new Uint8Array(shared + nonShared);
      key.set(prev.subarray(0, shared), 0);
      key.set(contents.subarray(c.pos, c.pos + nonShared), shared);
      c.pos += nonShared;
      out.push({ key, value: contents.subarray(c.pos, c.pos + valueLen) });
      c.pos += valueLen;
      prev = key;
    }
  } catch {
    /* stop at the first entry that does not parse */
  }
  return out;
}
