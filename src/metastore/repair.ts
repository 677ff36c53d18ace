// Repair = read the damaged store (never writing to it), take the chosen view of its keys, and
// write them into a fresh store with classic-level. Options match lotus (no compression) so the
// result opens in goleveldb with lotus's options as well as in classic-level.
import { lstat, mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { CorruptionError, IoError, UsageError } from '../errors.js';
import { ClassicLevel } from 'classic-level';
import { buildView, liveEntries, type LatestView, type LostRange, type SourceSummary, type StaleKey } from './latest-view.js';
import type { ReadMode } from './log-reader.js';
import type { Damage } from './damage.js';
import { NotAStoreError } from './store-files.js';
import { showKey } from './internal-key.js';
import { allocatorWarnings } from './allocator-check.js';

export interface RepairReport {
  readonly mode: ReadMode;
  readonly input: string;
  readonly output: string;
  readonly keysWritten: number;
  /** keys whose newest surviving version is a deletion (left out) */
  readonly keysDeleted: number;
  readonly staleKeys: StaleKey[];
  readonly lostRanges: LostRange[];
  readonly damagedFiles: string[];
  readonly sources: SourceSummary[];
  readonly obsoleteVersionsIgnored: number;
  /** entries of damaged blocks newer than the verified view: written only with includeUnverified */
  readonly unverified: Array<{ key: string; seq: bigint; deletion: boolean; value: Uint8Array; source: string }>;
  readonly unverifiedIncluded: boolean;
  readonly damage: Damage[];
  readonly bytesRead: number;
  /** the sector-number allocator may have gone backwards (docs/metastore-recovery.md#allocator) */
  readonly allocatorWarnings: string[];
  /** leftovers of an interrupted repair to the same --out that were removed first */
  readonly partialsRemoved: string[];
}

/** Nothing survived to write (the store is damaged beyond the chosen mode). */
export class RepairError extends CorruptionError {
  override name = 'RepairError';
}

/** --out is unusable: inside the input, not empty, or not a directory. */
export class RepairOutputError extends UsageError {
  override name = 'RepairOutputError';
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * The real path `p` would have: the deepest existing ancestor resolved through its symbolic links,
 * the rest appended (docs/metastore-recovery.md#repair-output). A symlink anywhere on the way can
 * otherwise make a path that looks elsewhere land inside the input store.
 */
export async function realTarget(p: string): Promise<string> {
  const abs = resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return join(await realpath(cur), ...rest.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new RepairOutputError(`--out ${p}: cannot resolve ${cur}: ${(e as Error).message}`, { cause: e });
      // a dangling symlink is where the output would go: refuse, its target is not ours to choose
      const l = await lstat(cur).catch(() => null);
      if (l?.isSymbolicLink()) throw new RepairOutputError(`--out ${p}: ${cur} is a symbolic link to a missing path; give a plain new directory`);
      const parent = dirname(cur);
      if (parent === cur) return abs;
      rest.push(basename(cur));
      cur = parent;
    }
  }
}

const inside = (child: string, parent: string): boolean => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

/** Check the output location before reading anything: it must not exist (or be an empty dir). */
async function checkOutput(input: string, out: string): Promise<string> {
  let a: string;
  try {
    a = await realpath(resolve(input));
  } catch (e) {
    throw new NotAStoreError(`cannot open the store ${input}: ${(e as Error).message}`, { cause: e });
  }
  const b = await realTarget(out);
  if (inside(b, a)) throw new RepairOutputError(`--out ${out} is the input store or inside it (it resolves to ${b}); give a new directory elsewhere (the input is never modified)`);
  if (inside(a, b)) throw new RepairOutputError(`--out ${out} contains the input store ${input}; give a new directory elsewhere`);
  if (await exists(b)) {
    const s = await stat(b);
    if (!s.isDirectory() || (await readdir(b)).length) throw new RepairOutputError(`--out ${out} already exists and is not an empty directory; choose a new path`);
  }
  return b;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Remove `.<name>.partial-<pid>` directories next to the target left by a repair that was killed
 * (its pid no longer runs); a live one belongs to a concurrent repair and is refused.
 */
async function cleanPartials(target: string): Promise<string[]> {
  const parent = dirname(target);
  const prefix = `.${basename(target)}.partial-`;
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const pid = Number(n.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
      throw new IoError(`another repair (pid ${pid}) is writing ${join(parent, n)} for the same --out; wait for it or choose another --out`);
    }
    await rm(join(parent, n), { recursive: true, force: true });
    removed.push(join(parent, n));
  }
  return removed;
}

async function writeStore(dir: string, view: LatestView): Promise<number> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, {
    createIfMissing: true,
    errorIfExists: true,
    compression: false,
    // one big memtable: fewer level-0 flushes and compactions while bulk loading
    writeBufferSize: 64 << 20,
    keyEncoding: 'view',
    valueEncoding: 'view',
  });
  await db.open();
  let n = 0;
  try {
    let batch = db.batch();
    let pending = 0;
    for (const e of liveEntries(view)) {
      batch.put(e.key, e.value);
      n++;
      if (++pending >= 2000) {
        await batch.write();
        batch = db.batch();
        pending = 0;
      }
    }
    if (pending) await batch.write();
    else await batch.close();
    // Flush the memtable (C++ CompactRange always does, and the empty range compacts nothing
    // else), so no journal is left whose batches lie below the manifest's last sequence: goleveldb
    // refuses such a journal ("invalid sequence number"; docs/leveldb.md#write-batches), and lotus
    // opens this store with goleveldb.
    const none = Uint8Array.of(0);
    await db.compactRange(none, none);
  } finally {
    await db.close();
  }
  return n;
}

export interface RepairOptions {
  /** lenient only: also write entries of damaged blocks that are newer than any verified version */
  readonly includeUnverified?: boolean;
}

export async function repairStore(input: string, out: string, mode: ReadMode, opts: RepairOptions = {}): Promise<RepairReport> {
  const target = await checkOutput(input, out);
  let bytesRead = 0;
  const includeUnverified = mode === 'lenient' && opts.includeUnverified === true;
  const view = await buildView(input, mode, { onFile: (_f, n) => (bytesRead += n), includeUnverified });
  const storeFiles = view.layout.files.filter((f) => f.role === 'table' || f.role === 'log' || f.role === 'manifest');
  if (!storeFiles.length) throw new NotAStoreError(`${input} holds no LevelDB tables, logs or manifests: nothing to repair (is this the datastore/metadata directory?)`);
  const keys = liveEntries(view).length;
  if (keys === 0) throw new RepairError(`no key of ${input} survived in ${mode} mode; nothing was written${mode === 'strict' ? ' (try --mode lenient)' : ''}`);

  // build next to the target and rename, so a crash never leaves a half-written store at --out
  await mkdir(dirname(target), { recursive: true });
  const partialsRemoved = await cleanPartials(target);
  const tmp = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  let written: number;
  try {
    written = await writeStore(tmp, view);
    if (await exists(target)) await rm(target, { recursive: true }); // an empty dir, checked above
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  let deleted = 0;
  for (const v of view.versions.values()) if (v.kind === 0) deleted++;
  return {
    mode,
    input,
    output: out,
    keysWritten: written,
    keysDeleted: deleted,
    staleKeys: view.stale,
    lostRanges: view.lostRanges,
    damagedFiles: [...new Set(view.damage.map((d) => d.file))].filter(Boolean).sort(),
    sources: view.sources,
    obsoleteVersionsIgnored: view.obsoleteIgnored,
    unverified: view.unverified.map((u) => ({ key: showKey(u.key), seq: u.seq, deletion: u.kind === 0, value: u.value, source: u.source })),
    unverifiedIncluded: includeUnverified,
    damage: view.damage,
    bytesRead,
    allocatorWarnings: allocatorWarnings(view),
    partialsRemoved,
  };
}

export function formatRepair(r: RepairReport): string {
  const out: string[] = [];
  out.push(`repaired ${r.input} → ${r.output} (${r.mode}): ${r.keysWritten} keys written, ${r.keysDeleted} deleted keys left out`);
  if (r.staleKeys.length) {
    out.push(`${r.staleKeys.length} key(s) possibly stale or resurrected (an older value survived where newer data was lost):`);
    for (const s of r.staleKeys.slice(0, 50)) out.push(`  ${s.key} (seq ${s.seq}): ${s.reason}`);
    if (r.staleKeys.length > 50) out.push(`  … ${r.staleKeys.length - 50} more (use --json)`);
  }
  if (r.lostRanges.length) {
    out.push(`lost data:`);
    for (const l of r.lostRanges) out.push(`  ${l.file}: ${l.what}${l.lo !== null || l.hi !== null ? ` [keys ${l.lo ?? '(start)'} … ${l.hi ?? '(end)'}]` : ''}`);
  }
  const dropped = r.sources.filter((s) => !s.used && s.note);
  if (dropped.length) {
    out.push('files not used:');
    for (const s of dropped) out.push(`  ${s.file}: ${s.note}`);
  }
  if (r.unverified.length) {
    out.push(
      r.unverifiedIncluded
        ? `${r.unverified.length} entr(ies) from damaged blocks were written UNVERIFIED (listed as stale above): they may hold corrupted bytes`
        : `${r.unverified.length} entr(ies) in damaged blocks are newer than what was kept but cannot be verified; not written (see --json, or --include-unverified to write them as RepairDB would)`,
    );
  }
  if (r.obsoleteVersionsIgnored) out.push(`${r.obsoleteVersionsIgnored} version(s) in retired files ignored (they would resurrect deleted or overwritten keys)`);
  for (const w of r.allocatorWarnings) out.push(`WARNING: ${w}`);
  for (const p of r.partialsRemoved) out.push(`removed ${p}, left by an interrupted repair`);
  if (r.damagedFiles.length) out.push(`damaged files: ${r.damagedFiles.join(', ')} (details: metastore inspect)`);
  return out.join('\n') + '\n';
}
