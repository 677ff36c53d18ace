// What is in a LevelDB directory and what each file is for (docs/leveldb.md#files-in-a-store).
// Only reads: no LOCK is taken, so it is safe while lotus-miner (flock) or another process has
// the store open; a store being written may of course change underneath.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptionError, InputError, IoError } from '../errors.js';
import { parseCurrent, replayManifest, type Version } from './manifest.js';
import { checkRegularFile, readRegularFile, UnreadableFileError, type Unreadable } from './safe-read.js';
import type { Damage } from './damage.js';

export type FileRole =
  | 'table'
  | 'log'
  | 'manifest'
  | 'current'
  | 'current-backup'
  | 'current-pending'
  | 'lock'
  | 'info-log'
  | 'temp'
  | 'lost-dir'
  | 'junk';

export interface StoreFile {
  readonly name: string;
  readonly path: string;
  readonly role: FileRole;
  readonly number: number | null;
  readonly size: number;
  /** why this entry must not be read (FIFO, device, directory, link loop, permission); null = a regular file */
  readonly problem: Unreadable | null;
}

export interface StoreLayout {
  readonly dir: string;
  readonly files: StoreFile[];
  /** which pointer file named the manifest we used, or why none did */
  readonly pointer: { readonly from: string | null; readonly manifest: string | null; readonly problems: string[] };
  readonly version: Version | null;
  /** table numbers the manifest lists that are absent from the directory */
  readonly missingTables: number[];
  readonly damage: Damage[];
}

/** The store is damaged beyond what the chosen mode accepts (strict mode's refusal). */
export class StoreError extends CorruptionError {
  override name = 'StoreError';
}

/** The path is not a LevelDB store at all (missing, not a directory, no store files). */
export class NotAStoreError extends InputError {
  override name = 'NotAStoreError';
}

/** A store file could not be read for a reason of the environment (permission), in strict mode. */
export class StoreFileAccessError extends IoError {
  override name = 'StoreFileAccessError';
}

/** Roles whose files the readers open; an unreadable one of these is damage. */
const READ_ROLES: ReadonlySet<FileRole> = new Set(['table', 'log', 'manifest', 'current', 'current-backup', 'current-pending']);

/** A file's bytes, or a Damage entry naming why they could not be read (docs/metastore-recovery.md#io-safety). */
export async function readStoreFile(f: StoreFile): Promise<{ buf: Buffer; damage: null } | { buf: null; damage: Damage }> {
  if (f.problem) return { buf: null, damage: unreadableDamage(f.name, f.problem) };
  try {
    return { buf: await readRegularFile(f.path), damage: null };
  } catch (e) {
    if (e instanceof UnreadableFileError) return { buf: null, damage: unreadableDamage(f.name, e.why) };
    throw e;
  }
}

export function unreadableDamage(name: string, why: Unreadable): Damage {
  return { file: name, offset: 0, length: 0, kind: 'unreadable', message: `${name} ${why.message}: not read`, cause: why.cause };
}

export function classify(name: string): { role: FileRole; number: number | null } {
  let m: RegExpExecArray | null;
  if ((m = /^(\d+)\.(ldb|sst)$/.exec(name))) return { role: 'table', number: Number(m[1]) };
  if ((m = /^(\d+)\.log$/.exec(name))) return { role: 'log', number: Number(m[1]) };
  if ((m = /^MANIFEST-(\d+)$/.exec(name))) return { role: 'manifest', number: Number(m[1]) };
  if ((m = /^(\d+)\.(dbtmp|tmp)$/.exec(name))) return { role: 'temp', number: Number(m[1]) };
  if ((m = /^CURRENT\.(\d+)$/.exec(name))) return { role: 'current-pending', number: Number(m[1]) };
  if (name === 'CURRENT') return { role: 'current', number: null };
  if (name === 'CURRENT.bak') return { role: 'current-backup', number: null };
  if (name === 'LOCK') return { role: 'lock', number: null };
  if (name === 'LOG' || name === 'LOG.old') return { role: 'info-log', number: null };
  return { role: 'junk', number: null };
}

export async function scanStore(dir: string): Promise<StoreLayout> {
  let dirents;
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const msg = `cannot read store directory ${dir}: ${(e as Error).message}`;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EIO' || code === 'EMFILE' || code === 'ENFILE') throw new IoError(msg, { cause: e });
    throw new NotAStoreError(`${msg}; pass the lotus-miner metadata directory (e.g. ~/.lotusminer/datastore/metadata)`, { cause: e });
  }
  const files: StoreFile[] = [];
  const damage: Damage[] = [];
  for (const d of dirents) {
    const path = join(dir, d.name);
    const { role, number } = classify(d.name);
    if (d.isDirectory() && (role === 'junk' || d.name === 'lost')) {
      files.push({ name: d.name, path, role: d.name === 'lost' ? 'lost-dir' : 'junk', number: null, size: 0, problem: null });
      continue;
    }
    // lstat/stat only: nothing is opened here, so a FIFO or device cannot block or flood us
    const c = await checkRegularFile(path);
    files.push({ name: d.name, path, role, number, size: c.size, problem: c.problem });
    if (c.problem && READ_ROLES.has(role)) damage.push(unreadableDamage(d.name, c.problem));
  }
  files.sort((a, b) => a.name.localeCompare(b.name));
  const readable = files.filter((f) => !f.problem);
  const byName = new Map(readable.map((f) => [f.name, f]));

  // goleveldb (storage/file_storage.go GetMeta): pending CURRENT.<n> (highest first), CURRENT, CURRENT.bak
  const candidates = [
    ...readable.filter((f) => f.role === 'current-pending').sort((a, b) => b.number! - a.number!),
    ...readable.filter((f) => f.role === 'current'),
    ...readable.filter((f) => f.role === 'current-backup'),
  ];
  const problems: string[] = [];
  for (const f of files) if (f.problem && READ_ROLES.has(f.role)) problems.push(`${f.name} ${f.problem.message}`);
  let from: string | null = null;
  let manifest: string | null = null;
  for (const c of candidates) {
    const r = await readStoreFile(c);
    if (!r.buf) {
      damage.push(r.damage);
      problems.push(r.damage.message);
      continue;
    }
    const name = parseCurrent(r.buf);
    if (!name) {
      problems.push(`${c.name} is not "MANIFEST-<n>\\n"`);
      damage.push({ file: c.name, offset: 0, length: c.size, kind: 'structure', message: `${c.name} does not hold a manifest name ending in a newline` });
      continue;
    }
    if (!byName.has(name)) {
      if (files.some((f) => f.name === name)) {
        problems.push(`${c.name} names ${name}, which cannot be read`);
        continue; // its own damage entry says why
      }
      problems.push(`${c.name} names ${name}, which does not exist`);
      damage.push({ file: c.name, offset: 0, length: c.size, kind: 'missing', message: `${c.name} points to ${name}, which is missing` });
      continue;
    }
    from = c.name;
    manifest = name;
    break;
  }
  if (!candidates.length) problems.push('no CURRENT file');
  if (!manifest) {
    // fall back to the newest manifest present, so inspect can still say what it held
    const newest = readable.filter((f) => f.role === 'manifest').sort((a, b) => b.number! - a.number!)[0];
    if (newest) {
      manifest = newest.name;
      problems.push(`using the newest manifest present, ${newest.name}`);
    }
  }
  let version: Version | null = null;
  const mf = manifest ? byName.get(manifest) : undefined;
  const mbuf = mf ? await readStoreFile(mf) : null;
  if (mbuf && !mbuf.buf) damage.push(mbuf.damage);
  if (manifest && mbuf?.buf) {
    version = replayManifest(mbuf.buf, manifest, 'lenient');
    damage.push(...version.damage);
    if (version.missingFields.length) {
      damage.push({ file: manifest, offset: 0, length: 0, kind: 'structure', message: `manifest lacks required fields: ${version.missingFields.join(', ')}` });
    }
  }
  const tableNumbers = new Set(readable.filter((f) => f.role === 'table').map((f) => f.number!));
  const missingTables = version ? [...version.files.keys()].filter((n) => !tableNumbers.has(n)).sort((a, b) => a - b) : [];
  for (const n of missingTables) {
    const meta = version!.files.get(n)!;
    const bad = files.find((f) => f.role === 'table' && f.number === n && f.problem);
    damage.push({ file: bad?.name ?? `${String(n).padStart(6, '0')}.ldb`, offset: 0, length: meta.size, kind: 'missing', message: `table ${n} (level ${meta.level}, ${meta.size} bytes) is listed by ${manifest} but ${bad ? 'cannot be read' : 'absent'}` });
  }
  // both implementations keep the journal named by the manifest until a newer one exists;
  // RepairDB's descriptor says log 0 and has none, which is fine; one present but unreadable is
  // reported as unreadable (and read as lost) rather than as missing
  if (version && version.logNumber !== null && version.logNumber > 0n && !files.some((f) => f.role === 'log' && BigInt(f.number!) >= version!.logNumber!)) {
    const name = `${String(version.logNumber).padStart(6, '0')}.log`;
    damage.push({ file: name, offset: 0, length: 0, kind: 'missing', message: `the live journal ${name} named by ${manifest} is missing: the writes since the last table flush are lost`, held: `writes after sequence ${version.lastSequence ?? '?'}` });
  }
  return { dir, files, pointer: { from, manifest, problems }, version, missingTables, damage };
}

/** Is this log one the manifest still expects to be replayed? */
export function isLiveLog(layout: StoreLayout, n: number): boolean {
  const v = layout.version;
  if (!v || v.logNumber === null) return true;
  return BigInt(n) >= v.logNumber || (v.prevLogNumber !== null && v.prevLogNumber !== 0n && BigInt(n) === v.prevLogNumber);
}
