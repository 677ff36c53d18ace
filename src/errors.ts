// Every failure the tool reports has one of a few kinds; the CLI turns a kind into an exit code in
// one place (src/cli/main.ts) and no command matches message text to choose one. Code throws the
// class of its kind (or a subclass that adds context); errors from Node (errno codes) and from the
// native addon (its `code` property) are classified by `errorKind` without reading their messages.

export type ErrorKind =
  /** how the tool was invoked: unknown flag, missing argument, conflicting options */
  | 'usage'
  /** a value or file the user supplied is wrong: bad hex, malformed export file, wrong proof */
  | 'input'
  /** the computation disagrees with the chain or another trusted record (CommR, comm_d, CID) */
  | 'mismatch'
  /** the user stopped the run (Ctrl-C, SIGTERM, AbortSignal) */
  | 'cancelled'
  /** the environment failed: disk full, permission, unreachable node, lock held elsewhere */
  | 'io'
  /** data on disk is damaged: a store, a sealed file, a cache file */
  | 'corruption'
  /** a bug: anything not classified above */
  | 'internal';

export abstract class ToolError extends Error {
  abstract readonly kind: ErrorKind;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export class UsageError extends ToolError {
  override name = 'UsageError';
  readonly kind = 'usage' as const;
}

export class InputError extends ToolError {
  override name = 'InputError';
  readonly kind = 'input' as const;
}

export class MismatchError extends ToolError {
  override name = 'MismatchError';
  readonly kind = 'mismatch' as const;
}

export class CancelledError extends ToolError {
  override name = 'CancelledError';
  readonly kind = 'cancelled' as const;
}

export class IoError extends ToolError {
  override name = 'IoError';
  readonly kind = 'io' as const;
}

export class CorruptionError extends ToolError {
  override name = 'CorruptionError';
  readonly kind = 'corruption' as const;
}

/** Node's errno codes that mean the environment, not the data, failed. */
const IO_CODES = new Set([
  'ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EIO', 'EMFILE', 'ENFILE', 'EBUSY', 'ENOENT', 'ENOTDIR',
  'EISDIR', 'EEXIST', 'EXDEV', 'ELOOP', 'ENAMETOOLONG', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH',
  'ENETUNREACH', 'EPIPE', 'EAGAIN',
]);

/** The kind of any thrown value: ToolError's own, a native `code` ('ECANCELLED'), an errno, an abort. */
export function errorKind(e: unknown): ErrorKind {
  if (e instanceof ToolError) return e.kind;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECANCELLED' || e.name === 'AbortError') return 'cancelled';
    if (typeof code === 'string' && IO_CODES.has(code)) return 'io';
  }
  return 'internal';
}

export const isCancelled = (e: unknown): boolean => errorKind(e) === 'cancelled';

/** A thrown value as an Error (strings and other values wrapped). */
export const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
