// Names under --sealing-result that sealer-recover itself uses (docs/reliability.md#result-dir):
// the published entries (lotus layout, src/sector/storage-layout.ts) and the private
// <result>/.sealer-recover/ dir holding staging dirs and per-sector publish locks. lotus never
// scans the private dir: it only lists sealed/, cache/, update/, update-cache/ and unsealed/.
import { join } from 'node:path';
import { storagePaths } from '../sector/storage-layout.js';

export const STAGING_DIR = '.sealer-recover';

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

/** A staging dir name (s-t0M-N) rather than a lock file or one of its temp/guard files. */
export const isLockEntry = (entry: string): boolean => /\.lock($|\.)/.test(entry);
