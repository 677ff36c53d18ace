// Names under --sealing-result that sealer-recover itself uses (docs/reliability.md#result-dir):
// the published entries (lotus layout, src/sector/storage-layout.ts) and the private
// <result>/.sealer-recover/ dir holding staging dirs and per-sector publish locks. lotus never
// scans the private dir: it only lists sealed/, cache/, update/, update-cache/ and unsealed/.
import { join } from 'node:path';
import { STORAGE_DIRS, storagePaths } from '../sector/storage-layout.js';

export const STAGING_DIR = '.sealer-recover';

/**
 * What one publish puts in place, as replica + cache pairs (docs/sector-layout.md#publish):
 * `sealed` → sealed/ + cache/ (a CC or deal sector, or a snapped sector's key), `update` →
 * update/ + update-cache/ (a snapped sector's new replica). Listed in publish order: a snapped
 * sector's update is renamed after its key, so update/ never appears before everything else.
 */
export const PUBLISH_PARTS = ['sealed', 'update'] as const;
export type PublishPart = (typeof PUBLISH_PARTS)[number];

/** The storage dirs of a part; inside a staging dir its two entries keep these names. */
export const PART_DIRS: { readonly [P in PublishPart]: { readonly replica: string; readonly cache: string } } = {
  sealed: { replica: STORAGE_DIRS.sealed, cache: STORAGE_DIRS.cache },
  update: { replica: STORAGE_DIRS.update, cache: STORAGE_DIRS.updateCache },
};

/** A part's published replica file and cache dir. */
export interface PartPaths {
  readonly replica: string;
  readonly cacheDir: string;
}

export function partPaths(resultRoot: string, name: string, part: PublishPart): PartPaths {
  return { replica: join(resultRoot, PART_DIRS[part].replica, name), cacheDir: join(resultRoot, PART_DIRS[part].cache, name) };
}

export interface PublishedPaths {
  readonly sealedPath: string;
  readonly cacheDir: string;
}

export function resultPaths(resultRoot: string, name: string): PublishedPaths {
  const p = storagePaths(resultRoot, name);
  return { sealedPath: p.sealed, cacheDir: p.cache };
}

/** Held across staging and renames of one sector (src/platform/lock.ts). */
export const publishLockPath = (resultRoot: string, name: string): string => join(resultRoot, STAGING_DIR, `${name}.lock`);

/** A sector's staging dir: `<result>/.sealer-recover/<name>/`, beside its lock. */
export const stagingPath = (resultRoot: string, name: string): string => join(resultRoot, STAGING_DIR, name);

/** A staging dir name (s-t0M-N) rather than a lock file or one of its temp/guard files. */
export const isLockEntry = (entry: string): boolean => /\.lock($|\.)/.test(entry);
