// Sorted tables (docs/leveldb.md#sorted-tables; leveldb: table/format.cc, table/table.cc; goleveldb:
// leveldb/table/reader.go). Reads a whole .ldb/.sst image and reports every block's checksum
// status. With `correct` (lenient) it also undoes unambiguous single-bit corruptions and, when the
// footer or index is unusable, finds data blocks by walking the file: each block is followed by
// its type byte and masked CRC, so a block proves its own extent.
import { uncompressSync } from 'snappy';
import { applyCorrection, findSingleBitCorrection } from './crc-correct.js';
import { unmaskCrc, crc32cOf, crc32cByte } from './crc.js';
import { DecodeError, cursor, fixed32, varintNumber } from './coding.js';
import { decodeBlock, decodeEntriesLoose, forEachBlockEntry, type BlockEntry } from './block.js';
import { Kind, MAX_SEQUENCE, parseInternalKey, showKey } from './internal-key.js';
import type { Damage } from './damage.js';

export const FOOTER_SIZE = 48;
export const BLOCK_TRAILER_SIZE = 5;
const MAGIC = Buffer.from([0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb]);

export const enum Compression {
  None = 0,
  Snappy = 1,
}

export interface BlockHandle {
  readonly offset: number;
  readonly size: number;
}

export type BlockStatus = 'ok' | 'corrected' | 'checksum' | 'undecodable' | 'unsupported' | 'out-of-range';

export interface BlockInfo {
  readonly role: 'data' | 'index' | 'metaindex' | 'filter';
  readonly offset: number;
  readonly size: number;
  readonly compression: number;
  readonly status: BlockStatus;
  readonly entries: number;
  /** how the block was located: from a verified index, an unverified index, or by walking the file */
  readonly foundBy: 'index' | 'scan';
}

export interface TableEntry {
  readonly userKey: Uint8Array;
  readonly seq: bigint;
  readonly kind: Kind;
  readonly value: Uint8Array;
}

export interface TableScan {
  readonly file: string;
  readonly size: number;
  readonly footerOk: boolean;
  readonly indexOk: boolean;
  readonly metaindexOk: boolean;
  readonly filterName: string | null;
  readonly blocks: BlockInfo[];
  /** entries of every verified (or corrected) data block, in file order */
  readonly entries: TableEntry[];
  /** entries parsed from blocks that failed their checksum: unverified, used only as evidence */
  readonly ghosts: TableEntry[];
  readonly invalidKeys: number;
  readonly damage: Damage[];
  /** nothing wrong that goleveldb would notice (filter damage aside): StrictRecovery keeps it */
  readonly clean: boolean;
  /** the damage goleveldb would notice (everything but filter damage), in file order */
  readonly strictDamage: Damage[];
  readonly maxSeq: bigint;
  readonly smallest: Uint8Array | null;
  readonly largest: Uint8Array | null;
  /** key bounds (inclusive, null = open) of data that was lost */
  readonly lostRanges: Array<{ lo: Uint8Array | null; hi: Uint8Array | null; message: string }>;
}

export interface ScanOptions {
  /** lenient: single-bit correction and block walking; strict: report only */
  readonly correct: boolean;
}

function decodeHandle(c: ReturnType<typeof cursor>): BlockHandle {
  return { offset: varintNumber(c), size: varintNumber(c) };
}

interface RawBlock {
  status: BlockStatus;
  contents: Uint8Array | null;
  /** contents as they are on disk even when the checksum failed (for evidence) */
  unverified: Uint8Array | null;
  compression: number;
  message?: string;
  correctedAt?: number;
}

function decompress(raw: Uint8Array, type: number): Uint8Array {
  if (type === Compression.None) return raw;
  if (type === Compression.Snappy) return uncompressSync(raw) as Buffer;
  throw new DecodeError(`block compression type ${type} is not supported (0 none, 1 snappy)`);
}

function readBlock(buf: Uint8Array, h: BlockHandle, correct: boolean): RawBlock {
  if (h.offset + h.size + BLOCK_TRAILER_SIZE > buf.length) {
    return { status: 'out-of-range', contents: null, unverified: null, compression: -1, message: `block ${h.offset}+${h.size} lies past the end of the file (${buf.length} bytes)` };
  }
  let raw = buf.subarray(h.offset, h.offset + h.size);
  let type = buf[h.offset + h.size]!;
  const expected = unmaskCrc(fixed32(buf, h.offset + h.size + 1));
  let status: BlockStatus = 'ok';
  let correctedAt: number | undefined;
  // the type byte follows the block on disk, so one pass covers block ‖ type
  const actual = crc32cOf(buf.subarray(h.offset, h.offset + h.size + 1));
  if (actual !== expected) {
    const message = buf.subarray(h.offset, h.offset + h.size + 1);
    const fix = correct ? findSingleBitCorrection(message, expected, actual) : null;
    if (!fix) {
      let unverified: Uint8Array | null = null;
      try {
        unverified = decompress(raw, type);
      } catch {
        unverified = null;
      }
      return { status: 'checksum', contents: null, unverified, compression: type, message: 'checksum mismatch' };
    }
    const fixed = applyCorrection(message, fix);
    raw = fixed.subarray(0, h.size);
    type = fixed[h.size]!;
    status = 'corrected';
    correctedAt = h.offset + fix.position;
  }
  try {
    return { status, contents: decompress(raw, type), unverified: null, compression: type, correctedAt };
  } catch (e) {
    return { status: type > 1 ? 'unsupported' : 'undecodable', contents: null, unverified: null, compression: type, message: (e as Error).message };
  }
}

/** Find where a block starting at `s` ends, by its trailer: type byte then masked CRC. */
function findBlockEnd(buf: Uint8Array, s: number, limit: number, maxLen = Infinity): number | null {
  let state = 0;
  let at = s;
  const stop = Math.min(limit, s + maxLen);
  for (let e = s; e + BLOCK_TRAILER_SIZE <= stop; e++) {
    const t = buf[e]!;
    if (t === Compression.None) {
      // uncompressed: the block ends with num_restarts and its first restart offset is 0
      const size = e - s;
      if (size < 8) continue;
      const nr = fixed32(buf, e - 4);
      if (nr < 1 || 4 * nr + 4 > size || fixed32(buf, e - 4 - 4 * nr) !== 0) continue;
    } else if (t !== Compression.Snappy) continue;
    state = crc32cOf(buf.subarray(at, e), state);
    at = e;
    if (crc32cByte(t, state) === unmaskCrc(fixed32(buf, e + 1))) return e;
  }
  return null;
}

/** Bytes of candidate-block scanning allowed per table while resynchronising after damage. */
const RESYNC_BUDGET = 128 << 20;

export function scanTable(fileBytes: Uint8Array, file: string, opts: ScanOptions): TableScan {
  // a plain Uint8Array view: subarrays of a Buffer are Buffers, which cost more per entry
  const buf = new Uint8Array(fileBytes.buffer, fileBytes.byteOffset, fileBytes.byteLength);
  const damage: Damage[] = [];
  const blocks: BlockInfo[] = [];
  const entries: TableEntry[] = [];
  const ghosts: TableEntry[] = [];
  const lostRanges: TableScan['lostRanges'] = [];
  let invalidKeys = 0;
  let clean = true;
  const strictDamage: Damage[] = [];
  let footerOk = false;
  let indexOk = false;
  let metaindexOk = false;
  let filterName: string | null = null;
  const size = buf.length;
  const dmg = (d: Omit<Damage, 'file'>, affectsStrict = true) => {
    damage.push({ file, ...d });
    if (affectsStrict) {
      clean = false;
      strictDamage.push({ file, ...d });
    }
  };

  // 1. footer
  let indexH: BlockHandle | null = null;
  let metaH: BlockHandle | null = null;
  if (size < FOOTER_SIZE) {
    dmg({ offset: 0, length: size, kind: 'truncated', message: `file is ${size} bytes, shorter than a table footer (48)` });
  } else if (Buffer.compare(MAGIC, buf.subarray(size - 8)) !== 0) {
    dmg({ offset: size - 8, length: 8, kind: 'structure', message: 'bad table magic number (footer damaged or not a table)' });
  } else {
    try {
      const c = cursor(buf, size - FOOTER_SIZE, size - 8);
      metaH = decodeHandle(c);
      indexH = decodeHandle(c);
      footerOk = true;
    } catch (e) {
      dmg({ offset: size - FOOTER_SIZE, length: FOOTER_SIZE, kind: 'structure', message: `bad footer: ${(e as Error).message}` });
    }
  }

  // 2. index → data block handles (with the separator keys that bound each block)
  const handles: Array<{ h: BlockHandle; lo: Uint8Array | null; hi: Uint8Array }> = [];
  let dataLimit = size - (footerOk ? FOOTER_SIZE : 0);
  if (indexH) {
    dataLimit = Math.min(dataLimit, indexH.offset);
    const rb = readBlock(buf, indexH, opts.correct);
    let idx: BlockEntry[] | null = null;
    let idxStatus = rb.status;
    if (rb.contents) {
      try {
        idx = decodeBlock(rb.contents);
      } catch (e) {
        idxStatus = 'undecodable';
        rb.message = (e as Error).message;
      }
    } else if (rb.unverified) {
      // a damaged index still names blocks up to the damage; each is verified by its own CRC
      // before use
      idx = decodeEntriesLoose(rb.unverified, true);
    }
    indexOk = idxStatus === 'ok' || idxStatus === 'corrected';
    if (!indexOk) dmg({ offset: indexH.offset, length: indexH.size + BLOCK_TRAILER_SIZE, kind: idxStatus === 'checksum' ? 'checksum' : 'structure', message: `index block: ${rb.message ?? idxStatus}`, held: 'index block (the table\'s map of data blocks)' });
    else if (rb.status === 'corrected') dmg({ offset: rb.correctedAt!, length: 1, kind: 'corrected', message: 'index block: single-bit corruption undone' }, true);
    blocks.push({ role: 'index', offset: indexH.offset, size: indexH.size, compression: rb.compression, status: idxStatus, entries: idx?.length ?? 0, foundBy: 'index' });
    let lo: Uint8Array | null = null;
    for (const e of idx ?? []) {
      try {
        const h = decodeHandle(cursor(e.value));
        const ik = parseInternalKey(e.key);
        handles.push({ h, lo, hi: ik ? ik.userKey : e.key });
        lo = ik ? ik.userKey : e.key;
      } catch {
        /* an unverified index entry that does not decode names nothing */
      }
    }
  }
  if (metaH) {
    dataLimit = Math.min(dataLimit, metaH.offset);
    const rb = readBlock(buf, metaH, opts.correct);
    let meta: BlockEntry[] | null = null;
    if (rb.contents) {
      try {
        meta = decodeBlock(rb.contents);
      } catch (e) {
        rb.message = (e as Error).message;
      }
    }
    metaindexOk = meta !== null;
    if (metaindexOk && rb.status === 'corrected') dmg({ offset: rb.correctedAt!, length: 1, kind: 'corrected', message: 'metaindex block: single-bit corruption undone' });
    // goleveldb always verifies the metaindex: a bad one makes the table unreadable for it
    if (!metaindexOk) dmg({ offset: metaH.offset, length: metaH.size + BLOCK_TRAILER_SIZE, kind: rb.status === 'checksum' ? 'checksum' : 'structure', message: `metaindex block: ${rb.message ?? rb.status}` });
    blocks.push({ role: 'metaindex', offset: metaH.offset, size: metaH.size, compression: rb.compression, status: metaindexOk ? rb.status : rb.status === 'ok' ? 'undecodable' : rb.status, entries: meta?.length ?? 0, foundBy: 'index' });
    for (const m of meta ?? []) {
      const name = Buffer.from(m.key).toString('latin1');
      if (!name.startsWith('filter.')) continue;
      filterName = name.slice(7);
      try {
        const fh = decodeHandle(cursor(m.value));
        dataLimit = Math.min(dataLimit, fh.offset);
        const fb = readBlock(buf, fh, false);
        blocks.push({ role: 'filter', offset: fh.offset, size: fh.size, compression: fb.compression, status: fb.status, entries: 0, foundBy: 'index' });
        // both implementations just stop using a damaged filter (goleveldb table/reader.go)
        if (fb.status !== 'ok') dmg({ offset: fh.offset, length: fh.size, kind: 'checksum', message: 'filter block damaged (ignored: filters only speed up lookups)' }, false);
      } catch {
        dmg({ offset: metaH.offset, length: 0, kind: 'structure', message: 'filter handle does not decode (ignored)' }, false);
      }
    }
  }

  const addGhosts = (list: BlockEntry[]) => {
    for (const e of list) {
      const ik = parseInternalKey(e.key);
      if (ik && ik.seq !== MAX_SEQUENCE) ghosts.push({ userKey: ik.userKey, seq: ik.seq, kind: ik.kind, value: e.value });
    }
  };

  // 3. data blocks named by the index
  const seen = new Map<number, number>(); // offset → end (exclusive, trailer included)
  const blockKeys = new Map<number, { first: Uint8Array; last: Uint8Array }>();
  // An index block has separator keys that are often real internal keys (goleveldb keeps the
  // last key when it cannot shorten it), so it is told apart by its values: handles, the first at
  // offset 0, each block right after the previous one, all before the index, and at least one
  // naming a block the walk has verified. Taking it for data would return handles as values.
  const looksLikeIndex = (contents: Uint8Array, at: number): boolean => {
    let expect = 0;
    let verified = false;
    let n = 0;
    try {
      forEachBlockEntry(contents, (_k, v) => {
        const c = cursor(v);
        const h = decodeHandle(c);
        if (c.pos !== v.length || h.offset !== expect || h.offset + h.size + BLOCK_TRAILER_SIZE > at) throw new DecodeError('not a handle');
        if (seen.get(h.offset) === h.offset + h.size + BLOCK_TRAILER_SIZE) verified = true;
        expect = h.offset + h.size + BLOCK_TRAILER_SIZE;
        n++;
      });
    } catch {
      return false;
    }
    return n > 0 && verified;
  };
  const addData = (h: BlockHandle, rb: RawBlock, foundBy: 'index' | 'scan', range: { lo: Uint8Array | null; hi: Uint8Array } | null) => {
    let status = rb.status;
    let count = 0;
    let firstKey: Uint8Array | null = null;
    let lastKey: Uint8Array | null = null;
    let decoded = false;
    if (rb.contents) {
      const before = entries.length;
      const invalidBefore = invalidKeys;
      let separators = 0;
      try {
        count = forEachBlockEntry(rb.contents, (key, value) => {
          const n = key.length - 8;
          const kind = n >= 0 ? key[n]! : 255;
          const userKey = n >= 0 ? key.subarray(0, n) : key;
          firstKey ??= userKey;
          lastKey = userKey;
          if (kind > 1) {
            invalidKeys++;
            return;
          }
          const lo = fixed32(key, n);
          const hi = fixed32(key, n + 4);
          // kMaxSequenceNumber only appears in index separators: a block of them found by walking
          // the file is the index, not data
          if (hi === 0xffffffff && lo >>> 8 === 0xffffff) {
            separators++;
            return;
          }
          entries.push({ userKey, seq: (BigInt(hi) << 24n) | BigInt(lo >>> 8), kind: kind as Kind, value });
        });
        decoded = true;
        if (foundBy === 'scan' && (separators > 0 || looksLikeIndex(rb.contents, h.offset))) {
          // the index block, met while walking: its entries are separators and block handles
          entries.length = before;
          invalidKeys = invalidBefore;
          blocks.push({ role: 'index', offset: h.offset, size: h.size, compression: rb.compression, status, entries: count, foundBy });
          seen.set(h.offset, h.offset + h.size + BLOCK_TRAILER_SIZE);
          return;
        }
        invalidKeys += separators;
      } catch (e) {
        entries.length = before;
        invalidKeys = invalidBefore;
        status = 'undecodable';
        rb.message = (e as Error).message;
      }
    }
    seen.set(h.offset, h.offset + h.size + BLOCK_TRAILER_SIZE);
    if (decoded) {
      if (firstKey && lastKey) blockKeys.set(h.offset, { first: firstKey, last: lastKey });
      if (status === 'corrected') dmg({ offset: rb.correctedAt!, length: 1, kind: 'corrected', message: `data block @${h.offset}: single-bit corruption undone` });
    } else {
      const held = range ? `keys ${range.lo ? showKey(range.lo) : '(start)'} < k ≤ ${showKey(range.hi)}` : 'unknown keys';
      dmg({ offset: h.offset, length: h.size + BLOCK_TRAILER_SIZE, kind: status === 'checksum' ? 'checksum' : 'structure', message: `data block: ${rb.message ?? status}`, held });
      lostRanges.push({ lo: range?.lo ?? null, hi: range?.hi ?? null, message: `data block @${h.offset}: ${rb.message ?? status}` });
      if (rb.unverified) addGhosts(decodeEntriesLoose(rb.unverified, true));
    }
    blocks.push({ role: 'data', offset: h.offset, size: h.size, compression: rb.compression, status, entries: count, foundBy });
  };
  for (const { h, lo, hi } of handles) {
    if (seen.has(h.offset)) continue;
    const rb = readBlock(buf, h, opts.correct);
    if (!indexOk && rb.status !== 'ok' && rb.status !== 'corrected') {
      // an unverified handle: its block is not trusted, but what parses is evidence
      if (rb.unverified) addGhosts(decodeEntriesLoose(rb.unverified, true));
      continue;
    }
    addData(h, rb, 'index', { lo, hi });
  }

  // bounds of a walked gap: the neighbouring verified blocks' keys
  const lastKeyBefore = (at: number): Uint8Array | null => {
    let best: { off: number; k: Uint8Array } | null = null;
    for (const [off, k] of blockKeys) if (off < at && (!best || off > best.off)) best = { off, k: k.last };
    return best?.k ?? null;
  };
  const firstKeyFrom = (at: number): Uint8Array | null => {
    let best: { off: number; k: Uint8Array } | null = null;
    for (const [off, k] of blockKeys) if (off >= at && (!best || off < best.off)) best = { off, k: k.first };
    return best?.k ?? null;
  };

  // 4. walk the data area when the index could not vouch for every block
  let resyncBudget = RESYNC_BUDGET;
  if (opts.correct && (!footerOk || !indexOk)) {
    let s = 0;
    const limit = Math.min(dataLimit, size);
    while (s < limit) {
      const known = seen.get(s);
      if (known !== undefined) {
        s = known;
        continue;
      }
      const e = findBlockEnd(buf, s, limit);
      if (e !== null) {
        addData({ offset: s, size: e - s }, readBlock(buf, { offset: s, size: e - s }, false), 'scan', null);
        s = e + BLOCK_TRAILER_SIZE;
        continue;
      }
      // damaged block: look for the next offset where a block proves itself
      // (bounded window: a resync candidate must be a block of plausible size; an uncompressed
      // block starts with a restart entry, whose shared-prefix varint is 0)
      // (an uncompressed block starts with shared = 0 and a key of ≥ 8 bytes; a Snappy block with
      // a non-zero length; so zero-filled regions cost nothing). The search is budgeted: past it,
      // the rest of the table is reported as unverifiable rather than spending minutes on it.
      let next: number | null = null;
      const window = Math.max(16 * 1024, 2 * Math.max(0, ...blocks.filter((b) => b.role === 'data').map((b) => b.size)));
      const anySnappy = blocks.some((b) => b.role === 'data' && b.compression === Compression.Snappy);
      for (let q = s + 1; q < limit && next === null && resyncBudget > 0; q++) {
        if (seen.has(q)) next = q;
        else if ((buf[q] === 0 && buf[q + 1]! >= 8) || (anySnappy && buf[q] !== 0)) {
          resyncBudget -= Math.min(window, limit - q);
          if (findBlockEnd(buf, q, limit, window) !== null) next = q;
        }
      }
      const end = next ?? limit;
      // the last bytes of a table whose footer is unreadable are that footer, already reported
      if (next === null && !footerOk && limit - s <= FOOTER_SIZE) break;
      const lo = lastKeyBefore(s);
      const hi = firstKeyFrom(end);
      const held = lo || hi ? `keys between ${lo ? showKey(lo) : '(start)'} and ${hi ? showKey(hi) : '(end)'}` : 'unknown keys';
      dmg({ offset: s, length: end - s, kind: 'structure', message: `${end - s} bytes of the data area hold no verifiable block`, held });
      lostRanges.push({ lo, hi, message: `${end - s} unverifiable bytes @${s}` });
      addGhosts(decodeEntriesLoose(buf.subarray(s, end), false));
      s = end;
    }
  }
  if (invalidKeys) dmg({ offset: 0, length: 0, kind: 'structure', message: `${invalidKeys} entries with invalid internal keys skipped` });

  blocks.sort((a, b) => a.offset - b.offset);
  let maxSeq = 0n;
  let smallest: Uint8Array | null = null;
  let largest: Uint8Array | null = null;
  for (const e of entries) if (e.seq > maxSeq) maxSeq = e.seq;
  // entries are sorted within a block, so its first and last keys bound it
  for (const { first, last } of blockKeys.values()) {
    if (!smallest || Buffer.compare(first, smallest) < 0) smallest = first;
    if (!largest || Buffer.compare(last, largest) > 0) largest = last;
  }
  return { file, size, footerOk, indexOk, metaindexOk, filterName, blocks, entries, ghosts, invalidKeys, damage, clean, strictDamage, maxSeq, smallest, largest, lostRanges };
}
