// Tests that need a component (the native addon, a tmpfs mount) skip where it is missing on a
// developer's machine, but never silently in CI (CI=true): there the real suite is skipped and a
// failing test stands in its place, naming what is missing and how to provide it.
import { describe, it } from 'vitest';

export const inCi = (env: NodeJS.ProcessEnv = process.env): boolean => env.CI === 'true' || env.CI === '1';

/**
 * For `describe.skipIf(...)`: true when the suite must be skipped. Under CI=true a missing
 * component also registers a failing test carrying `reason`.
 */
export function skipUnless(available: boolean, reason: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (available) return false;
  if (inCi(env)) {
    describe(`required component missing: ${reason}`, () => {
      it('is available (CI=true: a test that needs it must not skip)', () => {
        throw new Error(`${reason} — CI=true, so this fails instead of skipping`);
      });
    });
  } else {
    console.warn(`[skipped] ${reason}`);
  }
  return true;
}
