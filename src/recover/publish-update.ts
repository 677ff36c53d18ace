// A verified SnapDeals update → the lotus-miner / curio layout under --sealing-result
// (docs/snap.md#publishing): update/s-t0M-N (the new replica) and update-cache/s-t0M-N/{p_aux, t_aux,
// sc-02-data-tree-r-last*.dat}, what lotus proves a snapped sector with. Same protocol as
// publish.ts (staging dir on the result filesystem, intent file, renames cache first and replica
// last, roll-forward on the next run), in its own staging dir so the two never touch each other.
import { access, copyFile, link, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { processAlive } from '../platform/process-alive.js';
import { acquireLock } from '../platform/lock.js';
import { publishLockPath } from './result-paths.js';
import { BACKUP_DIR, halfSectorError, type Published } from './result-dir.js';
import { tAuxWithCacheDir } from '../sector/aux-files.js';
import { T_AUX, isFinalizedFile } from '../sector/cache-files.js';
import { STORAGE_DIRS, storagePaths } from '../sector/storage-layout.js';
import { ensureSectorStore } from './publish.js';

export const UPDATE_STAGING_DIR = '.sealer-recover-update';

export interface PublishedUpdate {
  readonly updatePath: string;
  readonly updateCacheDir: string;
}

export type UpdatePublishStep = 'staged' | 'intent-written' | 'cache-renamed' | 'update-renamed';

export interface PublishUpdateOptions {
  readonly resultRoot: string;
  /** --overwrite: move what is published under update/ and update-cache/ to sealer-recover-backup/<stamp>/ first */
  readonly overwrite?: { readonly stamp: string };
  /** how long to wait for another process publishing the same sector (default 30 min) */
  readonly lockWaitMs?: number;
  readonly signal?: AbortSignal;
  /** test hook, as publish.ts's */
  readonly fault?: (step: UpdatePublishStep) => void | Promise<void>;
}

const exists = (p: string) => access(p).then(() => true, () => false);

async function fsyncPath(p: string): Promise<void> {
  const fh = await open(p, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function updateResultPaths(root: string, name: string): PublishedUpdate {
  const p = storagePaths(root, name);
  return { updatePath: p.update, updateCacheDir: p.updateCache };
}

export async function isUpdatePublished(root: string, name: string): Promise<boolean> {
  const r = updateResultPaths(root, name);
  return (await exists(r.updatePath)) && (await exists(r.updateCacheDir));
}

/** update/ and update-cache/ of a sector: absent, complete, or one half (lotus cannot prove that). */
export async function updatePublishedState(root: string, name: string): Promise<Published> {
  const p = updateResultPaths(root, name);
  const [u, c] = await Promise.all([exists(p.updatePath), exists(p.updateCacheDir)]);
  if (u && c) return { kind: 'complete' };
  if (!u && !c) return { kind: 'absent' };
  return u ? { kind: 'half', present: [p.updatePath], missing: [p.updateCacheDir] } : { kind: 'half', present: [`${p.updateCacheDir}/`], missing: [p.updatePath] };
}

/** Moves whatever of update/ and update-cache/ exists to <root>/sealer-recover-backup/<stamp>/…; rename only. */
export async function moveUpdateToBackup(root: string, name: string, stamp: string): Promise<string[]> {
  const from = updateResultPaths(root, name);
  const moved: string[] = [];
  for (const [sub, path] of [[STORAGE_DIRS.updateCache, from.updateCacheDir], [STORAGE_DIRS.update, from.updatePath]] as const) {
    if (!(await exists(path))) continue;
    const to = join(root, BACKUP_DIR, stamp, sub, name);
    await mkdir(join(root, BACKUP_DIR, stamp, sub), { recursive: true });
    if (await exists(to)) throw new Error(`cannot back up ${path}: ${to} already exists; move it away first`);
    await rename(path, to);
    moved.push(to);
  }
  return moved;
}

/**
 * Publishes the new replica and the finalized files of its update cache. t_aux is written naming the
 * sector key's cache dir in the layout (cache/s-t0M-N): encode_into copies the key's t_aux, and a
 * key sealed in that storage path would name it.
 */
export async function publishUpdate(
  name: string,
  from: { readonly replicaPath: string; readonly updateCacheDir: string },
  opts: PublishUpdateOptions,
): Promise<PublishedUpdate & { readonly backup?: readonly string[] }> {
  // The sector's publish lock, the one sealed/ + cache/ publishing takes (never held across both).
  const lock = await acquireLock(publishLockPath(opts.resultRoot, name), {
    purpose: `the publish of ${name} (update/) into ${opts.resultRoot}`,
    waitMs: opts.lockWaitMs ?? 30 * 60_000,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  try {
    return await publishUpdateLocked(name, from, opts);
  } finally {
    await lock.release();
  }
}

async function publishUpdateLocked(
  name: string,
  from: { readonly replicaPath: string; readonly updateCacheDir: string },
  opts: PublishUpdateOptions,
): Promise<PublishedUpdate & { readonly backup?: readonly string[] }> {
  const root = opts.resultRoot;
  const fault = opts.fault ?? (() => undefined);
  const target = updateResultPaths(root, name);
  await mkdir(join(root, STORAGE_DIRS.update), { recursive: true });
  await mkdir(join(root, STORAGE_DIRS.updateCache), { recursive: true });
  let backup: string[] | undefined;
  const there = await updatePublishedState(root, name);
  if (there.kind !== 'absent') {
    if (opts.overwrite) backup = await moveUpdateToBackup(root, name, opts.overwrite.stamp);
    else if (there.kind === 'half') throw halfSectorError(root, [{ name, state: there }]);
    else throw new Error(`${name} already exists under ${root} (update/ and update-cache/); rerun with --overwrite to back it up and publish this copy`);
  }
  await ensureSectorStore(root);
  const names = (await readdir(from.updateCacheDir)).filter(isFinalizedFile);
  for (const n of names) await fsyncPath(join(from.updateCacheDir, n));
  await fsyncPath(from.replicaPath);

  const staging = join(root, UPDATE_STAGING_DIR, name);
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, 'cache'), { recursive: true });
  await writeFile(join(staging, 'owner'), String(process.pid));
  const same = (await stat(from.updateCacheDir)).dev === (await stat(staging)).dev;
  const stageFile = async (src: string, dst: string) => {
    if (same) await link(src, dst);
    else {
      await copyFile(src, dst);
      await fsyncPath(dst);
    }
  };
  const keyCacheDir = resolve(storagePaths(root, name).cache);
  for (const n of names) {
    const src = join(from.updateCacheDir, n);
    const dst = join(staging, 'cache', n);
    if (n === T_AUX) {
      await writeFile(dst, tAuxWithCacheDir(await readFile(src), keyCacheDir, src));
      await fsyncPath(dst);
    } else await stageFile(src, dst);
  }
  await fsyncPath(join(staging, 'cache'));
  await stageFile(from.replicaPath, join(staging, 'update'));
  await fsyncPath(staging);
  await fault('staged');
  await writeFile(join(staging, 'publish.json'), JSON.stringify({ name, at: new Date().toISOString() }));
  await fsyncPath(join(staging, 'publish.json'));
  await fsyncPath(staging);
  await fault('intent-written');
  await finish(root, name, fault);
  return { ...target, ...(backup ? { backup } : {}) };
}

async function finish(root: string, name: string, fault: NonNullable<PublishUpdateOptions['fault']>): Promise<void> {
  const staging = join(root, UPDATE_STAGING_DIR, name);
  const target = updateResultPaths(root, name);
  if (await exists(join(staging, 'cache'))) {
    await rename(join(staging, 'cache'), target.updateCacheDir);
    await fsyncPath(join(root, STORAGE_DIRS.updateCache));
  }
  await fault('cache-renamed');
  if (await exists(join(staging, 'update'))) {
    await rename(join(staging, 'update'), target.updatePath);
    await fsyncPath(join(root, STORAGE_DIRS.update));
  }
  await fault('update-renamed');
  await rm(staging, { recursive: true, force: true });
  await rmdir(join(root, UPDATE_STAGING_DIR)).catch(() => undefined);
}

/** At start-up: finish update publishes interrupted after their intent, discard the others. */
export async function recoverInterruptedUpdatePublishes(root: string): Promise<string[]> {
  const base = join(root, UPDATE_STAGING_DIR);
  const names = await readdir(base).catch(() => [] as string[]);
  const done: string[] = [];
  for (const name of names) {
    const owner = Number(await readFile(join(base, name, 'owner'), 'utf8').catch(() => '0'));
    if (owner && owner !== process.pid && processAlive(owner)) continue;
    if (await exists(join(base, name, 'publish.json'))) {
      await finish(root, name, () => undefined);
      done.push(name);
    } else {
      await rm(join(base, name), { recursive: true, force: true });
    }
  }
  await rmdir(base).catch(() => undefined);
  return done;
}
