import { readProofsSettings, type ProofsSettings } from '../../src/sector/settings.js';

/** The reference defaults (no FIL_PROOFS_* set), optionally with the parents cache in a test dir. */
export const testSettings = (parentCacheDir?: string, env: NodeJS.ProcessEnv = {}): ProofsSettings => ({
  ...readProofsSettings(env),
  ...(parentCacheDir ? { parentCacheDir } : {}),
});
