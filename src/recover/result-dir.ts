// The --sealing-result path before any sealing starts (docs/reliability.md#result-dir): it must
// exist or be creatable, be a directory, be writable; and each requested sector's published
// entries (sealed/s-t0M-N, cache/s-t0M-N/) are classified: absent, complete (and then checked the
// way lotus would, src/verify/quick-check.ts), or half there. A half sector is never completed or
// replaced silently: it is reported with its exact files and the way out (--overwrite moves what
// is there to <result>/sealer-recover-backup/<UTC stamp>/, nothing is ever deleted).
import { access, constants, mkdir, readdir, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { IoError } from '../errors.js';
import { lockOwnerIfLive } from '../platform/lock.js';
import { fsyncDir } from '../platform/durable-write.js';
import { storagePaths } from '../sector/storage-layout.js';
import { quickCheck } from '../verify/quick-check.js';
import type { Check } from '../verify/findings.js';
import type { ProofsSettings } from '../sector/settings.js';
import type { SectorPlan } from './plan.js';
import { PART_DIRS, partPaths, resultPaths, publishLockPath, type PublishPart } from './result-paths.js';

/** Where --overwrite moves what it replaces; lotus only scans sealed/, cache/, update/…, not this. */
export const BACKUP_DIR = 'sealer-recover-backup';

export class ResultDirError extends IoError {
  override name = 'ResultDirError';
}

/** What the result path holds for one sector. */
export type Published =
  | { readonly kind: 'absent' }
  | { readonly kind: 'complete' }
  /** only one half: `present` lists what exists, `missing` what does not */
  | { readonly kind: 'half'; readonly present: readonly string[]; readonly missing: readonly string[] };

const exists = (p: string) => access(p).then(() => true, () => false);

/**
 * What the result path holds of a sector's parts (sealed/ + cache/ by default; a snapped sector's
 * update/ + update-cache/, or both): absent, complete, or partly there — lotus cannot prove that,
 * and publishing over it would mix two copies.
 */
export async function publishedState(root: string, name: string, parts: readonly PublishPart[] = ['sealed']): Promise<Published> {
  const present: string[] = [];
  const missing: string[] = [];
  for (const part of parts) {
    const p = partPaths(root, name, part);
    const [s, c] = await Promise.all([exists(p.replica), exists(p.cacheDir)]);
    (s ? present : missing).push(p.replica);
    if (c) present.push(`${p.cacheDir}/`, ...(await readdir(p.cacheDir).catch(() => [] as string[])).sort().map((f) => join(p.cacheDir, f)));
    else missing.push(p.cacheDir);
  }
  if (missing.length === 0) return { kind: 'complete' };
  if (present.length === 0) return { kind: 'absent' };
  return { kind: 'half', present, missing };
}

/** A published sector as lotus would find it: the failed quick checks (empty = provable as far as a quick look can tell). */
export async function publishedDamage(root: string, plan: SectorPlan, settings: ProofsSettings, source: string): Promise<Check[]> {
  const p = resultPaths(root, plan.name);
  const q = await quickCheck(
    { kind: 'sealed', name: plan.name, replicaPath: p.sealedPath, cacheDir: p.cacheDir },
    { settings, chain: { kind: 'found', value: { commR: plan.expectedCommR, cid: plan.sealedCid, proof: plan.proof, source } } },
  );
  return q.checks.filter((c) => !c.ok);
}

/**
 * A snapped sector's published update/ + update-cache/ as lotus would prove it: the failed quick
 * checks against the update's SealedCID (docs/verify.md#snap-upgraded-sectors).
 */
export async function publishedUpdateDamage(root: string, plan: SectorPlan, settings: ProofsSettings, source: string): Promise<Check[]> {
  const u = plan.update;
  if (!u) return [];
  const p = storagePaths(root, plan.name);
  const q = await quickCheck(
    { kind: 'update', name: plan.name, replicaPath: p.update, cacheDir: p.updateCache },
    { settings, chain: { kind: 'found', value: { commR: u.expectedCommR, cid: u.sealedCid, proof: plan.proof, source } } },
  );
  return q.checks.filter((c) => !c.ok);
}

/** A sector whose publish another live process holds: its half state is work in progress, not damage. */
export const publishInProgress = async (root: string, name: string): Promise<boolean> =>
  (await lockOwnerIfLive(publishLockPath(root, name))) !== undefined;

/**
 * The result path itself: an existing directory we can write to (probed by creating a file, which
 * also catches read-only mounts), or a path whose nearest existing ancestor is one. sealed/, cache/,
 * update/ and update-cache/, when present, must be directories too.
 */
export async function checkResultDirUsable(root: string): Promise<void> {
  const abs = resolve(root);
  const st = await stat(abs).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
  const fix = 'choose another --sealing-result or fix the path';
  if (st === null) {
    let up = dirname(abs);
    while (!(await exists(up)) && dirname(up) !== up) up = dirname(up);
    const ust = await stat(up);
    if (!ust.isDirectory()) throw new ResultDirError(`--sealing-result ${root} cannot be created: ${up} is not a directory; ${fix}`);
    try {
      await access(up, constants.W_OK | constants.X_OK);
    } catch (e) {
      throw new ResultDirError(`--sealing-result ${root} cannot be created: ${up} is not writable (${(e as NodeJS.ErrnoException).code}); ${fix}`);
    }
    return;
  }
  if (!st.isDirectory()) throw new ResultDirError(`--sealing-result ${root} is not a directory; ${fix}`);
  const probe = join(abs, `.sealer-recover-probe-${process.pid}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
    await unlink(probe);
  } catch (e) {
    throw new ResultDirError(`--sealing-result ${root} is not writable (${(e as NodeJS.ErrnoException).code}); ${fix}`);
  }
  for (const sub of Object.values(PART_DIRS).flatMap((d) => [d.replica, d.cache])) {
    const s = await stat(join(abs, sub)).catch(() => null);
    if (s && !s.isDirectory()) throw new ResultDirError(`${join(root, sub)} is not a directory: lotus keeps one entry per sector in it; move it away`);
  }
}

/** The half-sector problems of a run, as one pre-flight refusal. */
export function halfSectorError(root: string, halves: readonly { name: string; state: Extract<Published, { kind: 'half' }> }[]): ResultDirError {
  const lines = halves.map(
    (h) => `${h.name}: present ${h.state.present.join(', ')}; missing ${h.state.missing.join(', ')}`,
  );
  return new ResultDirError(
    `pre-flight check failed, nothing was started: --sealing-result ${root} holds half of ${halves.length} requested sector(s) ` +
      `(lotus cannot prove them, and recovering over them would mix two copies):\n  - ${lines.join('\n  - ')}\n` +
      `Rerun with --overwrite to move what is there to ${join(root, BACKUP_DIR)}/<UTC time>/ and recover the sector(s) again, ` +
      `or move those files away yourself.`,
  );
}

/** 2026-12-04T12:28:56.123Z → 20261204T122856Z: sortable, one per run, safe in any path. */
export const backupStamp = (d: Date = new Date()): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/**
 * Moves a sector's published entries (whatever of the parts' replica files and cache dirs exists,
 * e.g. sealed/ and cache/) to <root>/sealer-recover-backup/<stamp>/<storage dir>/<name>. rename()
 * only: the backup is on the same filesystem, so nothing is copied and nothing is deleted. Returns
 * the new paths.
 */
export async function moveToBackup(root: string, name: string, stamp: string, parts: readonly PublishPart[] = ['sealed']): Promise<string[]> {
  const base = join(root, BACKUP_DIR, stamp);
  const moved: string[] = [];
  const entries = parts.flatMap((part) => {
    const from = partPaths(root, name, part);
    return [[PART_DIRS[part].cache, from.cacheDir], [PART_DIRS[part].replica, from.replica]] as const;
  });
  for (const [sub, path] of entries) {
    if (!(await exists(path))) continue;
    const to = join(base, sub, name);
    await mkdir(dirname(to), { recursive: true });
    if (await exists(to)) throw new ResultDirError(`cannot back up ${path}: ${to} already exists; move it away first`);
    await rename(path, to);
    await fsyncDir(dirname(to));
    await fsyncDir(dirname(path));
    moved.push(to);
  }
  return moved;
}

/** Removes empty leftovers of a publish (the staging base dir) without touching anything else. */
export const tidyEmptyDir = (dir: string): Promise<void> => rmdir(dir).catch(() => undefined);

/** What the result path means for a sector about to be planned. */
export type PublishedVerdict =
  /** nothing there, or --overwrite: recover it */
  | { readonly kind: 'to-seal' }
  /** complete and the quick check passes: nothing to do */
  | { readonly kind: 'present' }
  /** complete but the quick check fails: lotus cannot prove it */
  | { readonly kind: 'damaged'; readonly damage: readonly Check[] }
  /** one half only, and no live process is publishing it */
  | { readonly kind: 'half'; readonly state: Extract<Published, { kind: 'half' }> };

export async function inspectPublished(
  root: string,
  plan: SectorPlan,
  o: { readonly overwrite: boolean; readonly settings: ProofsSettings; readonly source: string },
): Promise<PublishedVerdict> {
  const st = await publishedState(root, plan.name);
  if (st.kind === 'absent' || o.overwrite) return { kind: 'to-seal' };
  if (st.kind === 'half') return (await publishInProgress(root, plan.name)) ? { kind: 'to-seal' } : { kind: 'half', state: st };
  const damage = await publishedDamage(root, plan, o.settings, o.source);
  return damage.length ? { kind: 'damaged', damage } : { kind: 'present' };
}

/** Fills a sector's report entry for a verdict other than to-seal. */
export function describePublished(
  rep: { status: string; kind?: string; reason?: string; damage?: { check: string; detail: string }[]; paths?: { sealed?: string; cache?: string } },
  v: Exclude<PublishedVerdict, { kind: 'to-seal' }>,
  root: string,
  name: string,
): void {
  const p = resultPaths(root, name);
  rep.paths = { sealed: p.sealedPath, cache: p.cacheDir };
  if (v.kind === 'present') {
    rep.status = 'skipped';
    rep.kind = 'already-present';
    rep.reason = `already present in ${root} (sealed/${name} and cache/${name} pass the quick check); rerun with --overwrite to recover it again`;
  } else if (v.kind === 'damaged') {
    rep.status = 'failed';
    rep.kind = 'damaged-published';
    rep.damage = v.damage.map((c) => ({ check: c.name, detail: c.detail }));
    rep.reason =
      `the published copy in ${root} is damaged (${v.damage.map((c) => `${c.name}: ${c.detail}`).join('; ')}); ` +
      `rerun with --overwrite to move it to ${join(root, BACKUP_DIR)}/<UTC time>/ and recover the sector again`;
  } else {
    rep.status = 'failed';
    rep.reason = `half published: present ${v.state.present.join(', ')}; missing ${v.state.missing.join(', ')}; rerun with --overwrite`;
  }
}
