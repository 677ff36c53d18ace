// The FIL_PROOFS_* settings that change what sealing writes, read once into a typed object, as
// rust-fil-proofs reads its SETTINGS once per process (docs/settings.md). Everything that depends
// on one of them takes a ProofsSettings; nothing else reads these variables.
import { InputError } from '../errors.js';

export interface ProofsSettings {
  /** FIL_PROOFS_PARENT_CACHE, else FIL_PROOFS_CACHE_DIR + "filecoin-parents" (default /var/tmp/filecoin-parents) */
  readonly parentCacheDir: string;
  /** FIL_PROOFS_ROWS_TO_DISCARD: tree-r-last rows not stored above the leaves (default 2, clamped per tree) */
  readonly rowsToDiscard: number;
}

export const DEFAULT_ROWS_TO_DISCARD = 2;

/**
 * rust-fil-proofs storage-proofs-core/src/settings.rs: `parent_cache` is FIL_PROOFS_PARENT_CACHE,
 * else FIL_PROOFS_CACHE_DIR (default "/var/tmp/") with "filecoin-parents" appended by plain string
 * concatenation (no separator inserted, as the reference does). Empty variables count as unset
 * here, where the reference would produce a relative path.
 */
export function readProofsSettings(env: NodeJS.ProcessEnv): ProofsSettings {
  const rows = env.FIL_PROOFS_ROWS_TO_DISCARD;
  let rowsToDiscard = DEFAULT_ROWS_TO_DISCARD;
  if (rows !== undefined && rows !== '') {
    if (!/^\d{1,3}$/.test(rows.trim()))
      throw new InputError(`FIL_PROOFS_ROWS_TO_DISCARD must be a small non-negative integer, got "${rows}": unset it to use the default ${DEFAULT_ROWS_TO_DISCARD}`);
    rowsToDiscard = Number(rows.trim());
  }
  return {
    parentCacheDir: env.FIL_PROOFS_PARENT_CACHE || `${env.FIL_PROOFS_CACHE_DIR || '/var/tmp/'}filecoin-parents`,
    rowsToDiscard,
  };
}

let processSettings: ProofsSettings | undefined;

/** This process's settings, read from its environment on first use and never again. */
export function proofsSettings(): ProofsSettings {
  return (processSettings ??= readProofsSettings(process.env));
}
