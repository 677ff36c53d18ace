// Verified sector files → the lotus-miner / curio storage layout under --sealing-result, for every
// kind of sector through one protocol (docs/sector-layout.md#publish). A publish is a list of parts,
// each a replica file and its cache dir (src/recover/result-paths.ts PUBLISH_PARTS):
//   - a CC or deal sector: sealed/s-t0M-N + cache/s-t0M-N/{p_aux,t_aux,sc-02-data-tree-r-last*.dat};
//   - a snapped sector: update/s-t0M-N + update-cache/s-t0M-N/{…}, and with --keep-sector-key its
//     rebuilt key as sealed/ + cache/ in the same publish.
// Files are first made durable in the sector's staging dir on the result filesystem
// (<result>/.sealer-recover/<name>/, which lotus never scans), then an intent file is written, then
// each entry is renamed into place: every cache dir first, the replica files last. A crash before
// the intent leaves nothing under a real name (the staging dir is discarded on the next run); a
// crash after it is rolled forward by the next run. Nothing is ever copied in place.
// The whole publish of a sector runs under its publish lock (<result>/.sealer-recover/<name>.lock,
// src/platform/lock.ts), so two runs or workers on one result path never interleave: the second
// waits, then finds the sector published (docs/reliability.md#result-dir).
import { randomUUID } from 'node:crypto';
import { access, copyFile, link, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tAuxWithCacheDir } from '../sector/aux-files.js';
import { T_AUX, isFinalizedFile, isPrecommitOnlyFile } from '../sector/cache-files.js';
import { SECTORSTORE_JSON } from '../sector/storage-layout.js';
import type { VerifiedSector } from './verify-commr.js';
import { writeFileDurably } from '../platform/durable-write.js';
import { IoError } from '../errors.js';
import { acquireLock, LockHeldError, type HeldLock } from '../platform/lock.js';
import { PART_DIRS, PUBLISH_PARTS, STAGING_DIR, isLockEntry, partPaths, publishLockPath, resultPaths, stagingPath, type PublishPart } from './result-paths.js';
import { halfSectorError, moveToBackup, publishedState } from './result-dir.js';

export { STAGING_DIR, resultPaths };

/** One part to publish, from the working dir. */
export interface PublishEntry {
  readonly part: PublishPart;
  /** the replica file (sealed file, or the snapped sector's new replica) */
  readonly replica: string;
  /** its cache dir: the finalized files are published (an allowlist), the sealer's bookkeeping never is */
  readonly cacheDir: string;
  /** also layers/tree-c/tree-d: a pre-committed sector still needs them for ProveCommit (C1) */
  readonly keepPrecommitFiles?: boolean;
}

/** A sector whose CommR matched the chain, as the sealed/ + cache/ part of a publish. */
export const sealedEntry = (v: VerifiedSector, keepPrecommitFiles = false): PublishEntry => ({
  part: 'sealed',
  replica: v.dir.sealedPath,
  cacheDir: v.dir.cacheDir,
  keepPrecommitFiles,
});

export interface PublishOptions {
  readonly resultRoot: string;
  /** --overwrite: move what is published for the sector's parts to sealer-recover-backup/<stamp>/ first */
  readonly overwrite?: { readonly stamp: string };
  /** how long to wait for another process publishing the same sector; default 30 min */
  readonly lockWaitMs?: number;
  readonly signal?: AbortSignal;
  /** test hook: called at each step name; throwing (or killing the process) simulates a crash there */
  readonly fault?: (step: PublishStep) => void | Promise<void>;
}

/** The protocol's steps, the same for every list of parts. */
export type PublishStep = 'locked' | 'staged-cache' | 'staged-replica' | 'intent-written' | 'cache-renamed' | 'replica-renamed';

/** Where the parts are published, as the report names them (src/recover/report.ts `paths`). */
export interface Published {
  readonly sealed?: string;
  readonly cache?: string;
  readonly update?: string;
  readonly updateCache?: string;
}

/** What publish did: put the files in place (moving older ones to `backup`), or found them put there by another run. */
export type PublishResult =
  | { readonly kind: 'published'; readonly paths: Published; readonly backup?: readonly string[] }
  | { readonly kind: 'already-present'; readonly paths: Published };

const DEFAULT_LOCK_WAIT_MS = 30 * 60_000;
/** The intent: present in a staging dir once everything in it is durable (docs/sector-layout.md#publish). */
const INTENT = 'publish.json';

const exists = (p: string) => access(p).then(() => true, () => false);

export function publishedPaths(root: string, name: string, parts: readonly PublishPart[]): Published {
  const out: { -readonly [K in keyof Published]: string } = {};
  for (const part of parts) {
    const p = partPaths(root, name, part);
    if (part === 'sealed') Object.assign(out, { sealed: p.replica, cache: p.cacheDir });
    else Object.assign(out, { update: p.replica, updateCache: p.cacheDir });
  }
  return out;
}

/** Every part complete: its replica file and its cache dir exist. */
export async function isPublished(resultRoot: string, name: string, parts: readonly PublishPart[] = ['sealed']): Promise<boolean> {
  return (await publishedState(resultRoot, name, parts)).kind === 'complete';
}

async function fsyncPath(p: string): Promise<void> {
  const fh = await open(p, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function sameFilesystem(a: string, b: string): Promise<boolean> {
  return (await stat(a)).dev === (await stat(b)).dev;
}

// Hard links on the same filesystem: no data copied, and the working dir keeps its files, so a
// publish that fails before its intent is written can be retried from the working dir.
async function stageFile(src: string, dst: string, same: boolean): Promise<void> {
  if (same) await link(src, dst);
  else {
    await copyFile(src, dst);
    await fsyncPath(dst);
  }
}

// t_aux names the directory it was sealed in; the published copy names its final place, as if
// rust had sealed there. A new file, never the working dir's (a hard link would share the inode).
async function stageTAux(src: string, dst: string, finalCacheDir: string): Promise<void> {
  await writeFile(dst, tAuxWithCacheDir(await readFile(src), finalCacheDir, src));
  await fsyncPath(dst);
}

/** The entries in publish order (PUBLISH_PARTS), each part at most once. */
function ordered(name: string, entries: readonly PublishEntry[]): PublishEntry[] {
  const parts = entries.map((e) => e.part);
  if (parts.length === 0 || new Set(parts).size !== parts.length) throw new Error(`publish of ${name}: needs each part at most once, got [${parts.join(', ')}]`);
  return [...entries].sort((a, b) => PUBLISH_PARTS.indexOf(a.part) - PUBLISH_PARTS.indexOf(b.part));
}

/** Takes the sector's publish lock (waiting for another publisher), publishes its parts, releases. */
export async function publish(name: string, entries: readonly PublishEntry[], opts: PublishOptions): Promise<PublishResult> {
  const root = opts.resultRoot;
  const list = ordered(name, entries);
  const lock = await acquireLock(publishLockPath(root, name), {
    purpose: `the publish of ${name} into ${root}`,
    waitMs: opts.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  try {
    await (opts.fault ?? (() => undefined))('locked');
    return await publishLocked(name, list, opts, lock);
  } finally {
    await lock.release();
    await rmdir(join(root, STAGING_DIR)).catch(() => undefined);
  }
}

async function publishLocked(name: string, entries: readonly PublishEntry[], opts: PublishOptions, lock: HeldLock): Promise<PublishResult> {
  const fault = opts.fault ?? (() => undefined);
  const root = opts.resultRoot;
  const parts = entries.map((e) => e.part);
  const paths = publishedPaths(root, name, parts);
  for (const part of parts) {
    await mkdir(join(root, PART_DIRS[part].replica), { recursive: true });
    await mkdir(join(root, PART_DIRS[part].cache), { recursive: true });
  }
  let backup: string[] | undefined;
  const there = await publishedState(root, name, parts);
  if (there.kind !== 'absent') {
    if (opts.overwrite) backup = await moveToBackup(root, name, opts.overwrite.stamp, parts);
    else if (there.kind === 'complete') return { kind: 'already-present', paths };
    else throw halfSectorError(root, [{ name, state: there }]);
  }
  await ensureSectorStore(root);

  const files: string[][] = [];
  for (const e of entries) {
    // An allowlist: the sealer's own bookkeeping (checkpoints, state files) never reaches the storage path.
    const publishable = (n: string) => isFinalizedFile(n) || (e.keepPrecommitFiles === true && isPrecommitOnlyFile(n));
    const names = (await readdir(e.cacheDir)).filter(publishable);
    // Sealer output must be durable before it can be renamed anywhere.
    for (const n of names) await fsyncPath(join(e.cacheDir, n));
    await fsyncPath(e.replica);
    files.push(names);
  }

  const staging = stagingPath(root, name);
  await rm(staging, { recursive: true, force: true });
  try {
    await stage(entries, files, staging, resolve(partPaths(root, name, 'sealed').cacheDir), fault);
    // The intent appears whole or not at all: a full disk while writing it must not leave an empty
    // publish.json that the next run would take for a finished intent.
    await writeFileDurably(join(staging, INTENT), JSON.stringify({ name, parts, at: new Date().toISOString(), lock: lock.owner.nonce }));
  } catch (e) {
    // No intent yet: the staging dir is of no use (the working dir still has everything).
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  // Another process may have taken the lock over while we stalled (our heartbeat stopped): then
  // it owns the sector now, and the renames must not happen twice.
  if (!(await lock.heartbeat())) throw new IoError(`lost the publish lock of ${name} (${lock.path}) to another process while staging; nothing was renamed`);
  await fault('intent-written');
  await finishPublish(root, name, fault);
  return { kind: 'published', paths, ...(backup?.length ? { backup } : {}) };
}

/**
 * Links (or copies) each part into the staging dir under its storage dir names: cache dirs first,
 * then the replica files. t_aux of every part names the sector key's cache dir in the layout
 * (cache/s-t0M-N): a key sealed there would name it, and encode_into copies the key's t_aux into
 * the update cache.
 */
async function stage(
  entries: readonly PublishEntry[],
  files: readonly (readonly string[])[],
  staging: string,
  keyCacheDir: string,
  fault: NonNullable<PublishOptions['fault']>,
): Promise<void> {
  await mkdir(staging, { recursive: true });
  for (const [i, e] of entries.entries()) {
    const to = join(staging, PART_DIRS[e.part].cache);
    await mkdir(to);
    const same = await sameFilesystem(e.cacheDir, staging);
    for (const n of files[i]!) {
      if (n === T_AUX) await stageTAux(join(e.cacheDir, n), join(to, n), keyCacheDir);
      else await stageFile(join(e.cacheDir, n), join(to, n), same);
    }
    await fsyncPath(to);
  }
  await fault('staged-cache');
  for (const e of entries) await stageFile(e.replica, join(staging, PART_DIRS[e.part].replica), await sameFilesystem(e.replica, staging));
  await fsyncPath(staging);
  await fault('staged-replica');
}

/**
 * Renames what a staging dir holds into place: every cache dir, then every replica file, in
 * PUBLISH_PARTS order. What is not there any more was renamed by an earlier, interrupted attempt.
 */
async function finishPublish(root: string, name: string, fault: NonNullable<PublishOptions['fault']>): Promise<void> {
  const staging = stagingPath(root, name);
  const renameIn = async (part: PublishPart, which: 'cache' | 'replica') => {
    const from = join(staging, PART_DIRS[part][which]);
    if (!(await exists(from))) return;
    const p = partPaths(root, name, part);
    await rename(from, which === 'cache' ? p.cacheDir : p.replica);
    await fsyncPath(join(root, PART_DIRS[part][which]));
  };
  for (const part of PUBLISH_PARTS) await renameIn(part, 'cache');
  await fault('cache-renamed');
  for (const part of PUBLISH_PARTS) await renameIn(part, 'replica');
  await fault('replica-renamed');
  await rm(staging, { recursive: true, force: true });
  // Leave no trace in the storage path; another sector still staging keeps it (ENOTEMPTY).
  await rmdir(join(root, STAGING_DIR)).catch(() => undefined);
}

/**
 * Run at start-up: complete publishes interrupted after their intent was written, discard staging
 * left by ones interrupted before, and remove publish locks of dead processes. A sector whose
 * publish lock a live process holds is that process's business and is left alone (the lock's
 * owner record decides, src/platform/lock.ts). Returns the names rolled forward.
 */
export async function recoverInterruptedPublishes(root: string): Promise<string[]> {
  const base = join(root, STAGING_DIR);
  const entries = await readdir(base).catch(() => [] as string[]);
  const names = new Set(entries.map((e) => (isLockEntry(e) ? e.slice(0, e.indexOf('.lock')) : e)));
  const done: string[] = [];
  for (const name of names) {
    let lock: HeldLock;
    try {
      lock = await acquireLock(publishLockPath(root, name), { purpose: `the publish of ${name} into ${root}`, heartbeatMs: 0 });
    } catch (e) {
      if (e instanceof LockHeldError) continue;
      throw e;
    }
    try {
      if (await exists(join(base, name, INTENT))) {
        await finishPublish(root, name, () => undefined);
        done.push(name);
      } else {
        await rm(join(base, name), { recursive: true, force: true });
      }
    } finally {
      await lock.release();
    }
  }
  await rmdir(base).catch(() => undefined);
  return done;
}

/** lotus-miner `storage attach` needs sectorstore.json (lotus storiface LocalStorageMeta). */
export async function ensureSectorStore(root: string): Promise<boolean> {
  const path = join(root, SECTORSTORE_JSON);
  if (await exists(path)) return false;
  const meta = {
    ID: randomUUID(),
    Weight: 10,
    CanSeal: false,
    CanStore: true,
    MaxStorage: 0,
    Groups: [],
    AllowTo: [],
    AllowTypes: null,
    DenyTypes: null,
    AllowMiners: null,
    DenyMiners: null,
  };
  const tmp = `${path}.tmp-${process.pid}-${randomUUID()}`;
  await writeFile(tmp, JSON.stringify(meta, null, 2));
  await fsyncPath(tmp);
  try {
    await link(tmp, path); // fails if a parallel publish created it first
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  return true;
}
