export { UsageError } from '../errors.js';

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** some work failed (a sector not recovered, a store not fully repaired) */
  failed: 1,
  usage: 2,
} as const;
