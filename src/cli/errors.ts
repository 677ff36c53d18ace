/** An error caused by how the tool was invoked or by bad input; the CLI prints it and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** some work failed (a sector not recovered, a store not fully repaired) */
  failed: 1,
  usage: 2,
} as const;
