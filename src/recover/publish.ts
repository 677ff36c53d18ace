// Verified sector → lotus-miner/curio storage layout under --sealing-result:
//   sealed/s-t0M-N, cache/s-t0M-N/{p_aux,t_aux,sc-02-data-tree-r-last*.dat}, sectorstore.json.
// Files are first made durable in a staging dir on the result filesystem (<result>/.sealer-recover/,
// which lotus never scans: it only lists the sealed/, cache/, … subdirs), then an intent file is
// written, then each entry is renamed into place, cache first and the sealed file last. A crash
// before the intent leaves nothing under sealed/ or cache/ (the staging dir is discarded on the
// next run); a crash after it is rolled forward by the next run. Nothing is ever copied in place.
// The whole publish of a sector runs under its publish lock (<result>/.sealer-recover/<name>.lock,
// src/platform/lock.ts), so two runs or workers on one result path never interleave: the second
// waits, then finds the sector published (docs/reliability.md#result-dir).
import { randomUUID } from 'node:crypto';
import { access, copyFile, link, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tAuxWithCacheDir } from '../sector/aux-files.js';
import { T_AUX, isFinalizedFile, isPrecommitOnlyFile } from '../sector/cache-files.js';
import { SECTORSTORE_JSON, STORAGE_DIRS } from '../sector/storage-layout.js';
import type { VerifiedSector } from './verify-commr.js';
import { writeFileDurably } from '../platform/durable-write.js';
import { IoError } from '../errors.js';
import { acquireLock, LockHeldError, type HeldLock } from '../platform/lock.js';
import { STAGING_DIR, isLockEntry, publishLockPath, resultPaths, type PublishedPaths } from './result-paths.js';
import { halfSectorError, moveToBackup, publishedState } from './result-dir.js';

export { STAGING_DIR, resultPaths };

export interface PublishOptions {
  readonly resultRoot: string;
  /** keep layers/tree-c/tree-d: a pre-committed sector still needs them for ProveCommit (C1) */
  readonly keepPrecommitFiles?: boolean;
  /** --overwrite: move what is published for the sector to sealer-recover-backup/<stamp>/ first */
  readonly overwrite?: { readonly stamp: string };
  /** how long to wait for another process publishing the same sector; default 30 min */
  readonly lockWaitMs?: number;
  readonly signal?: AbortSignal;
  /** test hook: called at each step name; throwing (or killing the process) simulates a crash there */
  readonly fault?: (step: PublishStep) => void | Promise<void>;
}

export type PublishStep = 'locked' | 'staged-cache' | 'staged-sealed' | 'intent-written' | 'cache-renamed' | 'sealed-renamed';

export type Published = PublishedPaths;

/** What publish did: put the files in place (moving older ones to `backup`), or found them put there by another run. */
export type PublishResult =
  | { readonly kind: 'published'; readonly paths: Published; readonly backup?: readonly string[] }
  | { readonly kind: 'already-present'; readonly paths: Published };

const DEFAULT_LOCK_WAIT_MS = 30 * 60_000;

// Inside a staging dir the two entries keep the names of their storage dirs.
const SEALED = STORAGE_DIRS.sealed;
const CACHE = STORAGE_DIRS.cache;

const exists = (p: string) => access(p).then(() => true, () => false);

export async function isPublished(resultRoot: string, name: string): Promise<boolean> {
  const r = resultPaths(resultRoot, name);
  return (await exists(r.sealedPath)) && (await exists(r.cacheDir));
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

/** Takes the sector's publish lock (waiting for another publisher), publishes, releases. */
export async function publish(v: VerifiedSector, opts: PublishOptions): Promise<PublishResult> {
  const root = opts.resultRoot;
  const name = v.plan.name;
  const lock = await acquireLock(publishLockPath(root, name), {
    purpose: `the publish of ${name} into ${root}`,
    waitMs: opts.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  try {
    await (opts.fault ?? (() => undefined))('locked');
    return await publishLocked(v, opts, lock);
  } finally {
    await lock.release();
    await rmdir(join(root, STAGING_DIR)).catch(() => undefined);
  }
}

async function publishLocked(v: VerifiedSector, opts: PublishOptions, lock: HeldLock): Promise<PublishResult> {
  const { plan, dir } = v;
  const fault = opts.fault ?? (() => undefined);
  const root = opts.resultRoot;
  const target = resultPaths(root, plan.name);
  await mkdir(join(root, SEALED), { recursive: true });
  await mkdir(join(root, CACHE), { recursive: true });
  let backup: string[] | undefined;
  const there = await publishedState(root, plan.name);
  if (there.kind !== 'absent') {
    if (opts.overwrite) backup = await moveToBackup(root, plan.name, opts.overwrite.stamp);
    else if (there.kind === 'complete') return { kind: 'already-present', paths: target };
    else throw halfSectorError(root, [{ name: plan.name, state: there }]);
  }
  await ensureSectorStore(root);

  // An allowlist: the sealer's own bookkeeping (checkpoints, state files) never reaches the storage path.
  const publishable = (n: string) => isFinalizedFile(n) || (opts.keepPrecommitFiles === true && isPrecommitOnlyFile(n));
  const names = (await readdir(dir.cacheDir)).filter(publishable);
  // Sealer output must be durable before it can be renamed anywhere.
  for (const n of names) await fsyncPath(join(dir.cacheDir, n));
  await fsyncPath(dir.sealedPath);

  const staging = join(root, STAGING_DIR, plan.name);
  await rm(staging, { recursive: true, force: true });
  try {
    await stage(v, staging, resolve(target.cacheDir), names, fault);
    // The intent appears whole or not at all: a full disk while writing it must not leave an empty
    // publish.json that the next run would take for a finished intent.
    await writeFileDurably(join(staging, 'publish.json'), JSON.stringify({ name: plan.name, at: new Date().toISOString(), lock: lock.owner.nonce }));
  } catch (e) {
    // No intent yet: the staging dir is of no use (the working dir still has everything).
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  // Another process may have taken the lock over while we stalled (our heartbeat stopped): then
  // it owns the sector now, and the renames must not happen twice.
  if (!(await lock.heartbeat())) throw new IoError(`lost the publish lock of ${plan.name} (${lock.path}) to another process while staging; nothing was renamed`);
  await fault('intent-written');
  await finishPublish(root, plan.name, fault);
  return { kind: 'published', paths: target, ...(backup?.length ? { backup } : {}) };
}

async function stage(v: VerifiedSector, staging: string, finalCacheDir: string, names: readonly string[], fault: NonNullable<PublishOptions['fault']>): Promise<void> {
  const { dir } = v;
  await mkdir(join(staging, CACHE), { recursive: true });
  const same = await sameFilesystem(dir.root, staging);
  for (const n of names) {
    if (n === T_AUX) await stageTAux(join(dir.cacheDir, n), join(staging, CACHE, n), finalCacheDir);
    else await stageFile(join(dir.cacheDir, n), join(staging, CACHE, n), same);
  }
  await fsyncPath(join(staging, CACHE));
  await fault('staged-cache');
  await stageFile(dir.sealedPath, join(staging, SEALED), same);
  await fsyncPath(staging);
  await fault('staged-sealed');
}

async function finishPublish(root: string, name: string, fault: NonNullable<PublishOptions['fault']>): Promise<void> {
  const staging = join(root, STAGING_DIR, name);
  const target = resultPaths(root, name);
  if (await exists(join(staging, CACHE))) {
    await rename(join(staging, CACHE), target.cacheDir);
    await fsyncPath(join(root, CACHE));
  }
  await fault('cache-renamed');
  if (await exists(join(staging, SEALED))) {
    await rename(join(staging, SEALED), target.sealedPath);
    await fsyncPath(join(root, SEALED));
  }
  await fault('sealed-renamed');
  await rm(staging, { recursive: true, force: true });
  // Leave no trace in the storage path; another sector still staging keeps it (ENOTEMPTY).
  await rmdir(join(root, STAGING_DIR)).catch(() => undefined);
}

/**
 * Run at start-up: complete publishes interrupted after their intent was written, discard staging
 * left by ones interrupted before, and remove publish locks of dead processes. A sector whose
 * publish lock a live process holds is that process's business and is left alone. Returns the
 * names rolled forward.
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
      if (await exists(join(base, name, 'publish.json'))) {
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
    await unlink(tmp);
  }
  return true;
}
