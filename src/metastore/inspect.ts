// Forensic report of a store: every file with its role, level, key range and size; every damaged
// block or record with file and offset; orphans; and what each repair mode would keep and lose.
// Read-only (see store-files.ts).
import { buildView, type LatestView } from './latest-view.js';
import { isLiveLog } from './store-files.js';
import type { TableScan } from './table-reader.js';
import { parseInternalKey, showKey } from './internal-key.js';
import type { Damage } from './damage.js';
import { allocatorWarnings } from './allocator-check.js';
import type { FileRole } from './store-files.js';

export interface InspectedFile {
  readonly name: string;
  readonly role: FileRole;
  readonly size: number;
  readonly number: number | null;
  /** tables: listed by the manifest; logs: not older than its log number; null: unknown */
  readonly live: boolean | null;
  readonly level: number | null;
  readonly smallest: string | null;
  readonly largest: string | null;
  readonly entries: number | null;
  readonly blocks: { total: number; ok: number; corrected: number; damaged: number } | null;
  readonly compression: string | null;
  readonly damage: Damage[];
}

export interface ModeOutcome {
  readonly keys: number;
  readonly deletedKeys: number;
  readonly staleKeys: number;
  readonly filesDropped: Array<{ file: string; why: string }>;
  readonly lostRanges: number;
}

export interface InspectReport {
  readonly dir: string;
  readonly pointer: { from: string | null; manifest: string | null; problems: string[] };
  readonly manifest: {
    readonly name: string;
    readonly records: number;
    readonly comparator: string | null;
    readonly logNumber: bigint | null;
    readonly nextFileNumber: bigint | null;
    readonly lastSequence: bigint | null;
    readonly missingFields: string[];
  } | null;
  readonly files: InspectedFile[];
  readonly orphanTables: string[];
  readonly missingTables: string[];
  readonly damage: Damage[];
  readonly healthy: boolean;
  readonly lenient: ModeOutcome;
  readonly strict: ModeOutcome;
  /** keys lenient keeps that strict would lose or keep at an older version (first 100) */
  readonly strictLoses: { count: number; keys: string[] };
  readonly bytesRead: number;
  /** lenient view: the sector-number allocator may have gone backwards */
  readonly allocatorWarnings: string[];
}

function outcome(v: LatestView): ModeOutcome {
  let deleted = 0;
  for (const x of v.versions.values()) if (x.kind === 0) deleted++;
  return {
    keys: v.versions.size - deleted,
    deletedKeys: deleted,
    staleKeys: v.stale.length,
    filesDropped: v.sources.filter((s) => !s.used && s.note).map((s) => ({ file: s.file, why: s.note! })),
    lostRanges: v.lostRanges.length,
  };
}

function diff(lenient: LatestView, strict: LatestView): { count: number; keys: string[] } {
  if (lenient === strict) return { count: 0, keys: [] };
  const keys: string[] = [];
  let count = 0;
  for (const [k, v] of lenient.versions) {
    if (v.kind !== 0 && strict.versions.get(k)?.seq !== v.seq) {
      count++;
      if (keys.length < 100) keys.push(showKey(v.key));
    }
  }
  return { count, keys };
}

export async function inspectStore(dir: string): Promise<InspectReport> {
  const scans = new Map<string, TableScan>();
  let bytesRead = 0;
  const lenient = await buildView(dir, 'lenient', { scans, onFile: (_f, n) => (bytesRead += n) });
  // with nothing damaged and sequences in order, strict reads exactly what lenient reads
  const strict = lenient.damage.length === 0 && lenient.seqRegressions === 0 ? lenient : await buildView(dir, 'strict', { scans, tolerateUnreadable: true });
  const layout = lenient.layout;
  const version = layout.version;
  const byFile = new Map<string, Damage[]>();
  for (const d of lenient.damage) {
    const list = byFile.get(d.file) ?? [];
    list.push(d);
    byFile.set(d.file, list);
  }
  const files: InspectedFile[] = layout.files.map((f) => {
    const scan = f.role === 'table' ? scans.get(f.name) : undefined;
    const meta = f.role === 'table' && version ? version.files.get(f.number!) : undefined;
    const live = f.role === 'table' ? (version ? meta !== undefined : null) : f.role === 'log' ? (version ? isLiveLog(layout, f.number!) : null) : f.role === 'manifest' ? f.name === layout.pointer.manifest : null;
    const data = scan?.blocks.filter((b) => b.role === 'data') ?? [];
    const smallest = scan?.smallest ?? (meta ? parseInternalKey(meta.smallest)?.userKey ?? null : null);
    const largest = scan?.largest ?? (meta ? parseInternalKey(meta.largest)?.userKey ?? null : null);
    const comp = new Set(data.map((b) => (b.compression === 1 ? 'snappy' : b.compression === 0 ? 'none' : `type ${b.compression}`)));
    return {
      name: f.name,
      role: f.role,
      size: f.size,
      number: f.number,
      live,
      level: meta ? meta.level : null,
      smallest: smallest ? showKey(smallest) : null,
      largest: largest ? showKey(largest) : null,
      entries: scan ? scan.entries.length : null,
      blocks: scan
        ? { total: data.length, ok: data.filter((b) => b.status === 'ok').length, corrected: data.filter((b) => b.status === 'corrected').length, damaged: data.filter((b) => b.status !== 'ok' && b.status !== 'corrected').length }
        : null,
      compression: comp.size ? [...comp].join('+') : null,
      damage: byFile.get(f.name) ?? [],
    };
  });
  const present = new Set(layout.files.map((f) => f.name));
  for (const [file, list] of byFile) {
    if (!present.has(file) && file) files.push({ name: file, role: 'table', size: 0, number: null, live: true, level: null, smallest: null, largest: null, entries: null, blocks: null, compression: null, damage: list });
  }
  const orphanTables = version ? files.filter((f) => f.role === 'table' && f.live === false).map((f) => f.name) : [];
  const lenientOutcome = outcome(lenient);
  const healthy = lenient.damage.length === 0 && layout.pointer.from === 'CURRENT' && orphanTables.length === 0;
  return {
    dir,
    allocatorWarnings: allocatorWarnings(lenient),
    pointer: layout.pointer,
    manifest: version
      ? { name: version.manifest, records: version.records, comparator: version.comparator, logNumber: version.logNumber, nextFileNumber: version.nextFileNumber, lastSequence: version.lastSequence, missingFields: version.missingFields }
      : null,
    files,
    orphanTables,
    missingTables: layout.missingTables.map((n) => `${String(n).padStart(6, '0')}.ldb`),
    damage: lenient.damage,
    healthy,
    lenient: lenientOutcome,
    strict: strict === lenient ? lenientOutcome : outcome(strict),
    strictLoses: diff(lenient, strict),
    bytesRead,
  };
}

/** Human-readable form of an inspect report. */
export function formatInspect(r: InspectReport): string {
  const out: string[] = [];
  const notes = [
    r.damage.length ? `${r.damage.length} problem(s) found` : 'no damage found',
    r.orphanTables.length ? `${r.orphanTables.length} orphan table(s)` : '',
    r.pointer.from !== 'CURRENT' ? 'CURRENT unusable' : '',
  ].filter(Boolean);
  out.push(`store ${r.dir}: ${notes.join('; ')}`);
  out.push(`pointer: ${r.pointer.from ?? '(none usable)'} → ${r.pointer.manifest ?? '(no manifest)'}${r.pointer.problems.length ? `  [${r.pointer.problems.join('; ')}]` : ''}`);
  if (r.manifest) {
    out.push(`manifest ${r.manifest.name}: ${r.manifest.records} records, comparator ${r.manifest.comparator ?? '-'}, log ${r.manifest.logNumber ?? '-'}, next file ${r.manifest.nextFileNumber ?? '-'}, last seq ${r.manifest.lastSequence ?? '-'}${r.manifest.missingFields.length ? `, MISSING ${r.manifest.missingFields.join(', ')}` : ''}`);
  }
  out.push('');
  out.push('file                 role          size  live  lvl  entries  blocks(ok/fixed/bad)  key range');
  for (const f of r.files) {
    const live = f.live === null ? '-' : f.live ? 'yes' : 'NO';
    const blocks = f.blocks ? `${f.blocks.ok}/${f.blocks.corrected}/${f.blocks.damaged}` : '';
    const range = f.smallest !== null ? `${f.smallest} … ${f.largest}` : '';
    out.push(`${f.name.padEnd(20)} ${f.role.padEnd(10)} ${String(f.size).padStart(8)}  ${live.padEnd(4)}  ${f.level ?? '-'}`.padEnd(57) + `${f.entries ?? ''}`.padStart(7) + `  ${blocks.padEnd(20)}  ${range}`);
  }
  if (r.orphanTables.length) out.push(`\norphan tables (not in the manifest): ${r.orphanTables.join(', ')}`);
  if (r.missingTables.length) out.push(`missing tables (in the manifest, absent): ${r.missingTables.join(', ')}`);
  if (r.damage.length) {
    out.push('\ndamage:');
    for (const d of r.damage) out.push(`  ${d.file} @${d.offset} (+${d.length}) ${d.kind}: ${d.message}${d.held ? ` — held ${d.held}` : ''}`);
  }
  const mode = (name: string, m: ModeOutcome) =>
    `${name}: keeps ${m.keys} keys (${m.deletedKeys} deleted keys stay deleted), ${m.staleKeys} possibly stale, ${m.lostRanges} lost range(s)` +
    (m.filesDropped.length ? `; drops ${m.filesDropped.map((f) => `${f.file} (${f.why})`).join(', ')}` : '');
  for (const w of r.allocatorWarnings) out.push(`\nWARNING: ${w}`);
  out.push('\nrepair would:');
  out.push('  ' + mode('lenient', r.lenient));
  out.push('  ' + mode('strict', r.strict));
  if (r.strictLoses.count) out.push(`  strict would lose or roll back ${r.strictLoses.count} key(s) that lenient keeps, e.g. ${r.strictLoses.keys.slice(0, 5).join(', ')}`);
  return out.join('\n') + '\n';
}
