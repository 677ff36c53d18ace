// The newest surviving version of every key, merged by sequence number across every table and
// journal in the directory (as LevelDB's merging iterator would, but without trusting the
// manifest), plus what is known about versions that did not survive.
import { isLiveLog, readStoreFile, scanStore, StoreError, StoreFileAccessError, type StoreFile, type StoreLayout } from './store-files.js';
import { scanTable, type TableScan } from './table-reader.js';
import { readLog, type ReadMode } from './log-reader.js';
import { decodeWriteBatch } from './write-batch.js';
import { Kind, parseInternalKey, showKey } from './internal-key.js';
import type { Damage } from './damage.js';

export interface KeyVersion {
  readonly key: Uint8Array;
  readonly seq: bigint;
  readonly kind: Kind;
  readonly value: Uint8Array;
  /** file the version came from */
  readonly source: string;
}

/** Why a surviving value may not be the newest one the store held. */
export interface StaleKey {
  readonly key: string;
  readonly seq: bigint;
  readonly reason: string;
}

/** A region whose versions were lost; keys in [lo, hi] with older survivors may be stale. */
export interface LostRange {
  readonly file: string;
  /** inclusive bounds as latin1 key strings (bytewise order), null = open */
  readonly lo: string | null;
  readonly hi: string | null;
  /** newest sequence the region is known to reach (null: unknown) */
  readonly maxSeq: bigint | null;
  readonly what: string;
}

export interface SourceSummary {
  readonly file: string;
  readonly kind: 'table' | 'log';
  /** listed by the manifest (tables) or not older than its log number (logs); null: no usable manifest */
  readonly live: boolean | null;
  readonly used: boolean;
  readonly entries: number;
  readonly note?: string;
}

export interface LatestView {
  readonly mode: ReadMode;
  readonly layout: StoreLayout;
  /** newest version of each key, tombstones included, keyed by the key's latin1 string */
  readonly versions: Map<string, KeyVersion>;
  readonly stale: StaleKey[];
  readonly lostRanges: LostRange[];
  readonly sources: SourceSummary[];
  readonly tables: TableScan[];
  readonly damage: Damage[];
  readonly maxSeq: bigint;
  /** versions in retired files that the live files supersede (not used) */
  readonly obsoleteIgnored: number;
  /**
   * Entries parsed from damaged blocks (checksum failed, not correctable) that are newer than the
   * verified version of their key: possibly intact, possibly corrupted. Used only with
   * includeUnverified.
   */
  readonly unverified: KeyVersion[];
  /** journal batches whose sequence goes below what precedes them (goleveldb: invalid sequence number) */
  readonly seqRegressions: number;
}

const latin1Slice = (Buffer.prototype as unknown as { latin1Slice: (this: Uint8Array, start: number, end: number) => string }).latin1Slice;
/** A key as a latin1 string: one char per byte, so string order is bytewise order. */
export const keyString = (k: Uint8Array): string => latin1Slice.call(k, 0, k.length);

export interface ViewOptions {
  /** called per file with its size as it is read (progress) */
  readonly onFile?: (file: string, bytes: number) => void;
  /**
   * Table scans shared between views of the same directory: a lenient scan serves a strict view
   * too (a table strict keeps is clean, so both scans hold the same entries).
   */
  readonly scans?: Map<string, TableScan>;
  /**
   * Also use entries from blocks that failed their checksum (and could not be corrected) where
   * they are newer than every verified version, as RepairDB does. They are flagged in `stale`;
   * some of them may hold corrupted bytes.
   */
  readonly includeUnverified?: boolean;
  /**
   * Strict mode refuses a store with a file it cannot read (a FIFO, device, directory or link loop
   * where a store file belongs, or one it lacks permission for). Set to report them as damage and
   * go on (inspect does, to show everything it can).
   */
  readonly tolerateUnreadable?: boolean;
}

/** A damaged journal stretch and the write sequence numbers it may have held. */
interface JournalGap {
  readonly file: string;
  readonly offset: number;
  /** the raw bytes of the stretch (keys of lost writes can often still be seen in them) */
  readonly bytes: Uint8Array;
  /** sequence numbers the lost writes can have: [from, to], null = unbounded */
  readonly from: bigint | null;
  readonly to: bigint | null;
  /** false when the stretch holds no readable bytes (zero-filled, or the journal could not be read): which keys it wrote is unknown */
  readonly legible: boolean;
  /** for an illegible stretch: what happened to it ("is zero-filled", "is missing", …) */
  readonly why?: string;
}

/** Strict mode's refusal of a file it cannot read: permission is the environment, the rest damage. */
function refuseUnreadable(dir: string, d: Damage): never {
  const msg = `${dir}: ${d.message}. Strict mode reads every store file; fix the file (or its permissions) or use --mode lenient, which skips it and reports what it held`;
  if (d.cause === 'permission') throw new StoreFileAccessError(msg);
  throw new StoreError(msg);
}

export async function buildView(dir: string, mode: ReadMode, opts: ViewOptions = {}): Promise<LatestView> {
  const layout = await scanStore(dir);
  const refuse = mode === 'strict' && !opts.tolerateUnreadable;
  if (refuse) {
    const bad = layout.damage.find((d) => d.kind === 'unreadable');
    if (bad) refuseUnreadable(dir, bad);
  }
  const damage: Damage[] = [...layout.damage];
  const read = async (f: StoreFile): Promise<Buffer | null> => {
    const r = await readStoreFile(f);
    if (r.buf) return r.buf;
    if (refuse) refuseUnreadable(dir, r.damage);
    if (!layout.damage.some((d) => d.file === f.name && d.kind === 'unreadable')) damage.push(r.damage);
    return null;
  };
  const versions = new Map<string, KeyVersion>();
  const evidence = new Map<string, KeyVersion>();
  const lostRanges: LostRange[] = [];
  const gaps: JournalGap[] = [];
  const sources: SourceSummary[] = [];
  const tables: TableScan[] = [];
  const strict = mode === 'strict';
  const manifestOk = layout.version !== null && layout.version.missingFields.length === 0;
  let maxSeq = 0n;

  // Versions from files the manifest has retired (obsolete tables and logs left by a crash) are
  // held back: a key they hold that the live files lack was deleted, and its tombstone compacted
  // away (levelup#520; goleveldb Recover and RepairDB both resurrect such keys). They are used
  // only where the live data was lost, or when they are newer than anything the manifest knew.
  const extras: KeyVersion[] = [];
  const offerFrom = (live: boolean | null) => (key: Uint8Array, seq: bigint, kind: Kind, value: Uint8Array, source: string) => {
    if (live === false) extras.push({ key, seq, kind, value, source });
    else offer(key, seq, kind, value, source);
  };
  const offer = (key: Uint8Array, seq: bigint, kind: Kind, value: Uint8Array, source: string) => {
    const k = keyString(key);
    const cur = versions.get(k);
    if (!cur || seq > cur.seq) versions.set(k, { key, seq, kind, value, source });
    if (seq > maxSeq) maxSeq = seq;
  };

  for (const d of layout.damage) {
    if (d.kind === 'missing' && d.file.endsWith('.log')) {
      lostRanges.push({ file: d.file, lo: null, hi: null, maxSeq: null, what: 'live journal missing; the keys it wrote are unknown' });
      const last = layout.version?.lastSequence ?? null;
      gaps.push({ file: d.file, offset: 0, bytes: new Uint8Array(0), from: last !== null ? last + 1n : null, to: null, legible: false, why: 'is missing' });
    }
  }
  for (const m of layout.missingTables) {
    const meta = layout.version!.files.get(m)!;
    const lo = parseInternalKey(meta.smallest);
    const hi = parseInternalKey(meta.largest);
    lostRanges.push({
      file: `${String(m).padStart(6, '0')}.ldb`,
      lo: lo ? keyString(lo.userKey) : null,
      hi: hi ? keyString(hi.userKey) : null,
      maxSeq: lo && hi ? (lo.seq > hi.seq ? lo.seq : hi.seq) : null,
      what: `missing table (level ${meta.level})`,
    });
  }

  // tables, in file-number order
  // (an unreadable table is not read at all; if the manifest lists it, it counts as missing above)
  const tableFiles = layout.files.filter((f) => f.role === 'table' && !f.problem).sort((a, b) => a.number! - b.number!);
  // read the next table while this one is parsed
  const reads = new Map<string, Promise<Buffer | null>>();
  const prefetch = (i: number) => {
    const f = tableFiles[i];
    if (f && !opts.scans?.has(f.name) && !reads.has(f.name)) {
      const p = read(f);
      p.catch(() => {}); // a refusal is rethrown where it is awaited; never an unhandled rejection meanwhile
      reads.set(f.name, p);
    }
  };
  prefetch(0);
  for (const [i, f] of tableFiles.entries()) {
    prefetch(i + 1);
    let scan = opts.scans?.get(f.name);
    if (!scan) {
      const buf = await (reads.get(f.name) ?? read(f));
      reads.delete(f.name);
      if (!buf) {
        sources.push({ file: f.name, kind: 'table', live: manifestOk ? layout.version!.files.has(f.number!) : null, used: false, entries: 0, note: 'could not be read' });
        continue;
      }
      opts.onFile?.(f.name, buf.length);
      scan = scanTable(buf, f.name, { correct: !strict });
      if (!strict) opts.scans?.set(f.name, scan);
    }
    tables.push(scan);
    damage.push(...scan.damage);
    const live = manifestOk ? layout.version!.files.has(f.number!) : null;
    const meta = manifestOk ? layout.version!.files.get(f.number!) : undefined;
    if (meta && meta.size !== f.size) {
      damage.push({ file: f.name, offset: Math.min(meta.size, f.size), length: Math.abs(meta.size - f.size), kind: 'truncated', message: `table is ${f.size} bytes, the manifest recorded ${meta.size}` });
    }
    // goleveldb StrictRecovery drops a table with any corrupted block or key, whole
    const use = strict ? scan.clean && scan.entries.length > 0 : scan.entries.length > 0;
    sources.push({
      file: f.name,
      kind: 'table',
      live,
      used: use,
      entries: use ? scan.entries.length : 0,
      note: !use ? (scan.clean ? 'no entries' : strict ? 'dropped whole: damaged (StrictRecovery)' : 'nothing recoverable') : undefined,
    });
    if (!use && !scan.clean) {
      const lo = meta ? parseInternalKey(meta.smallest) : null;
      const hi = meta ? parseInternalKey(meta.largest) : null;
      lostRanges.push({ file: f.name, lo: lo ? keyString(lo.userKey) : null, hi: hi ? keyString(hi.userKey) : null, maxSeq: lo && hi ? (lo.seq > hi.seq ? lo.seq : hi.seq) : null, what: 'table unreadable or dropped' });
    }
    if (!use) continue;
    // damaged data blocks: their key range may have held newer versions
    // (an open end is closed by the table's own bounds, which the manifest records)
    const tableLo = meta ? parseInternalKey(meta.smallest)?.userKey : undefined;
    const tableHi = meta ? parseInternalKey(meta.largest)?.userKey : undefined;
    for (const r of scan.lostRanges) {
      const lo = r.lo ?? tableLo ?? null;
      const hi = r.hi ?? tableHi ?? null;
      lostRanges.push({ file: f.name, lo: lo ? keyString(lo) : null, hi: hi ? keyString(hi) : null, maxSeq: scan.maxSeq > 0n ? scan.maxSeq : null, what: r.message });
    }
    const put = offerFrom(live);
    for (const e of scan.entries) put(e.userKey, e.seq, e.kind, e.value, f.name);
    for (const g of scan.ghosts) {
      const k = keyString(g.userKey);
      const cur = evidence.get(k);
      if (!cur || g.seq > cur.seq) evidence.set(k, { key: g.userKey, seq: g.seq, kind: g.kind, value: g.value, source: f.name });
    }
  }

  // journals, in file-number order, on top of the tables
  let seqRegressions = 0;
  let expectSeq = maxSeq; // goleveldb Recover: batches must not go below the tables' last sequence
  let stopped = false;
  const logFiles = layout.files.filter((f) => f.role === 'log').sort((a, b) => a.number! - b.number!);
  for (const f of logFiles) {
    const live = manifestOk ? isLiveLog(layout, f.number!) : null;
    if (stopped) {
      sources.push({ file: f.name, kind: 'log', live, used: false, entries: 0, note: 'not replayed: strict replay stopped at an earlier bad record' });
      continue;
    }
    const buf = f.problem ? null : await read(f);
    if (!buf) {
      const why = f.problem?.message ?? 'could not be read';
      sources.push({ file: f.name, kind: 'log', live, used: false, entries: 0, note: `not read: ${why}` });
      if (live !== false) {
        lostRanges.push({ file: f.name, lo: null, hi: null, maxSeq: null, what: `journal ${why}; the keys it wrote are unknown` });
        gaps.push({ file: f.name, offset: 0, bytes: new Uint8Array(0), from: null, to: null, legible: false, why: `could not be read (${why})` });
      }
      continue;
    }
    opts.onFile?.(f.name, buf.length);
    const log = readLog(buf, f.name, mode);
    const put = offerFrom(live);
    let entries = 0;
    let note: string | undefined;
    const batchSeqs: Array<{ offset: number; seq: bigint; end: bigint }> = [];
    for (const r of log.records) {
      const b = decodeWriteBatch(r.data);
      if (!b.error) batchSeqs.push({ offset: r.offset, seq: b.seq, end: b.seq + BigInt(b.count) });
      if (b.error) {
        damage.push({ file: f.name, offset: r.offset, length: r.data.length, kind: 'decode', message: `write batch: ${b.error}` });
        if (strict) {
          stopped = true;
          note = `replay stopped at offset ${r.offset}: ${b.error}`;
          break;
        }
      }
      if (live !== false && b.seq < expectSeq && b.count > 0) seqRegressions++;
      if (strict && live !== false && b.seq < expectSeq && b.count > 0) {
        damage.push({ file: f.name, offset: r.offset, length: r.data.length, kind: 'sequence', message: `batch sequence ${b.seq} is below ${expectSeq} (goleveldb: invalid sequence number)` });
        stopped = true;
        note = `replay stopped at offset ${r.offset}: sequence goes backwards`;
        break;
      }
      for (const e of b.entries) put(e.key, e.seq, e.kind, e.value, f.name);
      entries += b.entries.length;
      const end = b.seq + BigInt(b.count);
      if (!b.error && live !== false && end > expectSeq) expectSeq = end;
    }
    // what a damaged region held: the writes whose sequence numbers fall between its neighbours
    for (const d of log.damage) {
      if (d.kind === 'corrected') {
        damage.push(d);
        continue;
      }
      let before: (typeof batchSeqs)[number] | undefined;
      let after: (typeof batchSeqs)[number] | undefined;
      for (const b of batchSeqs) {
        if (b.offset < d.offset) before = b;
        else if (!after) after = b;
      }
      const from = before ? before.end : null;
      const to = after ? after.seq - 1n : null;
      const held =
        from !== null && to !== null ? (to >= from ? `writes with sequence numbers ${from}–${to}` : 'no complete write (the neighbouring batches are consecutive)') : from !== null ? `writes after sequence ${from - 1n}` : to !== null ? `writes before sequence ${to + 1n}` : 'unknown writes';
      damage.push({ ...d, held });
      // a torn tail is the write the crash interrupted (never acknowledged); anything else lost
      // writes that lotus had been told were stored
      if (d.kind !== 'torn-tail' && live !== false && !(from !== null && to !== null && to < from)) {
        const next = log.records.find((r) => r.offset > d.offset);
        const bytes = buf.subarray(d.offset, Math.max(d.offset + d.length, next ? next.offset : buf.length));
        gaps.push({ file: f.name, offset: d.offset, bytes, from, to, legible: bytes.some((x) => x !== 0), why: 'is zero-filled' });
      }
    }
    if (log.stoppedAt !== null && !stopped) {
      stopped = true;
      note = `replay stopped at offset ${log.stoppedAt}`;
    }
    const lost = log.damage.filter((d) => d.kind !== 'corrected');
    if (lost.length && !strict) {
      lostRanges.push({ file: f.name, lo: null, hi: null, maxSeq: null, what: `${lost.length} damaged journal region(s); the keys they wrote are unknown` });
    }
    sources.push({ file: f.name, kind: 'log', live, used: entries > 0, entries, note });
  }

  const inLost = (k: string, seq: bigint): LostRange | null => {
    for (const r of lostRanges) {
      if ((r.lo !== null && k < r.lo) || (r.hi !== null && k > r.hi)) continue;
      if (r.maxSeq !== null && seq >= r.maxSeq) continue;
      return r;
    }
    return null;
  };
  const resurrected = new Map<string, string>();
  let obsoleteIgnored = 0;
  const manifestSeq = layout.version?.lastSequence ?? 0n;
  for (const e of extras) {
    const k = keyString(e.key);
    const cur = versions.get(k);
    if (cur && cur.seq >= e.seq) continue;
    if (e.seq > manifestSeq) {
      offer(e.key, e.seq, e.kind, e.value, e.source);
      continue;
    }
    const r = inLost(k, cur ? cur.seq : -1n);
    if (r) {
      offer(e.key, e.seq, e.kind, e.value, e.source);
      resurrected.set(k, `taken from ${e.source}, which the manifest retired, because live data was lost (${r.file}: ${r.what}); it may have been deleted or overwritten since`);
    } else obsoleteIgnored++;
  }

  // unverified salvage: what damaged blocks hold that is newer than the verified view
  const unverified: KeyVersion[] = [];
  for (const [k, ev] of evidence) {
    const cur = versions.get(k);
    if (cur && cur.seq >= ev.seq) continue;
    unverified.push(ev);
  }
  const unverifiedUsed = new Set<string>();
  if (opts.includeUnverified && !strict) {
    for (const ev of unverified) {
      offer(ev.key, ev.seq, ev.kind, ev.value, ev.source);
      unverifiedUsed.add(keyString(ev.key));
    }
  }

  // stale / possibly resurrected keys
  const stale: StaleKey[] = [];
  const gapReasons = strict ? new Map<string, string>() : journalGapReasons(gaps, versions);
  if (gapReasons.size || evidence.size || resurrected.size || unverifiedUsed.size || lostRanges.some((r) => r.lo !== null || r.hi !== null)) {
    for (const [k, v] of versions) {
      const reasons: string[] = [];
      const ev = evidence.get(k);
      if (v.kind !== Kind.Value) continue;
      if (unverifiedUsed.has(k)) reasons.push(`UNVERIFIED: taken from a block of ${v.source} that failed its checksum; the value may be corrupted`);
      else if (ev && ev.seq > v.seq) reasons.push(`an unverified ${ev.kind === Kind.Deletion ? 'deletion' : 'newer value'} (seq ${ev.seq}) in a damaged block of ${ev.source}`);
      for (const r of lostRanges) {
        if (r.lo === null && r.hi === null) continue;
        if ((r.lo !== null && k < r.lo) || (r.hi !== null && k > r.hi)) continue;
        if (r.maxSeq !== null && v.seq >= r.maxSeq) continue;
        reasons.push(`in the key range of lost data (${r.file}: ${r.what})`);
        break;
      }
      const res = resurrected.get(k);
      if (res) reasons.push(res);
      const gap = gapReasons.get(k);
      if (gap) reasons.push(gap);
      if (reasons.length) stale.push({ key: showKey(v.key), seq: v.seq, reason: reasons.join('; ') });
    }
  }
  return { mode, layout, versions, stale, lostRanges, sources, tables, damage, maxSeq, obsoleteIgnored, unverified, seqRegressions };
}

/**
 * Keys whose surviving version may be older than a write lost in a damaged journal stretch
 * (docs/metastore-recovery.md#stale-journal): a key whose bytes still appear in the stretch was
 * written there; when the stretch is zero-filled, every key older than the lost writes may be.
 */
function journalGapReasons(gaps: JournalGap[], versions: Map<string, KeyVersion>): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of gaps) {
    const seqs = g.from !== null && g.to !== null ? `sequence numbers ${g.from}–${g.to}` : g.from !== null ? `sequence numbers from ${g.from}` : g.to !== null ? `sequence numbers up to ${g.to}` : 'unknown sequence numbers';
    const hay = Buffer.from(g.bytes.buffer, g.bytes.byteOffset, g.bytes.byteLength);
    for (const [k, v] of versions) {
      if (v.kind !== Kind.Value || out.has(k)) continue;
      // only a version older than the lost writes can have been superseded by them
      if (g.to !== null && v.seq > g.to) continue;
      if (g.from !== null && v.seq >= g.from && v.source === g.file) continue;
      if (g.legible) {
        if (hay.indexOf(k, 0, 'latin1') < 0) continue;
        out.set(k, `a newer write of this key was lost in the damaged journal region ${g.file}@${g.offset} (${seqs}); the value kept (seq ${v.seq}, from ${v.source}) is older`);
      } else {
        const where = g.bytes.length ? `the journal region ${g.file}@${g.offset}` : `the journal ${g.file}`;
        out.set(k, `${where} ${g.why ?? 'is illegible'}: it lost writes (${seqs}) whose keys are unknown; this value (seq ${v.seq}, from ${v.source}) is older and may have been superseded`);
      }
    }
  }
  return out;
}

/** Live key/value pairs of a view (tombstones removed), sorted bytewise. */
export function liveEntries(view: LatestView, prefix?: Uint8Array): KeyVersion[] {
  const p = prefix ? keyString(prefix) : '';
  const keys: string[] = [];
  for (const [k, v] of view.versions) if (v.kind === Kind.Value && k.startsWith(p)) keys.push(k);
  keys.sort(); // latin1 strings: code-unit order is bytewise order
  return keys.map((k) => view.versions.get(k)!);
}
