// Loads the native/sdr addon once. Typed wrappers live next to this file, one per kernel
// family (hashing.ts, graph.ts, …); they cast the raw exports they own.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { CancelledError, CorruptionError } from '../errors.js';

const here = dirname(fileURLToPath(import.meta.url));
// src/native and dist/native are both two levels below the package root.
export const ADDON_PATH = join(here, '..', '..', 'native', 'sdr', 'build', 'Release', 'sdr.node');

let cached: Record<string, unknown> | undefined;

export function rawAddon(): Record<string, unknown> {
  if (!cached) {
    const require = createRequire(import.meta.url);
    try {
      cached = require(ADDON_PATH) as Record<string, unknown>;
    } catch (err) {
      throw new Error(
        `the native sealing core (native/sdr) is not built or failed to load: ${(err as Error).message}. ` +
          'Run `npm run build:native` (needs a C++ compiler, python3 and make).',
      );
    }
  }
  return cached;
}

export interface CpuFeatures {
  shaNi: boolean;
  avx2: boolean;
  adx: boolean;
  avx512f: boolean;
  avx512ifma: boolean;
}

export function cpuFeatures(): CpuFeatures {
  return (rawAddon().cpuFeatures as () => CpuFeatures)();
}

/**
 * What every error the addon throws or rejects with carries (native/sdr/README.md, "Errors"):
 * `code` is 'ECANCELLED' (the cancel flag was raised), an errno name such as 'ENOSPC', 'EIO' or
 * 'ENOENT' (a system call failed; `syscall` and `path` say which), 'ECORRUPT' (a file holds what no
 * sealing artifact can) or 'EINVAL' (bad arguments); no code means a bug in the addon.
 */
export interface NativeError extends Error {
  readonly code?: string;
  readonly syscall?: string;
  readonly path?: string;
}

export const nativeCode = (e: unknown): string | undefined =>
  e instanceof Error ? (e as NativeError).code : undefined;

/**
 * The suffix the addon appends to a path it is given for a file it creates whole: the file is
 * written at `<path><suffix>`, fsynced and renamed to `<path>`, so `<path>` existing means complete.
 * A `<path><suffix>` left behind is an interrupted write (native/sdr/src/file-io.h).
 */
export const partialSuffix = (): string => rawAddon().partialSuffix as string;
export const partialPath = (path: string): string => path + partialSuffix();

/** The stop the signal asked for, as CancelledError: its message is the reason's, its cause the reason. */
function cancelled(signal: AbortSignal | undefined, fallback: unknown): CancelledError {
  const reason: unknown = signal?.aborted ? signal.reason : fallback;
  const message = reason instanceof Error ? reason.message : reason === undefined ? 'cancelled' : String(reason);
  return new CancelledError(message, { cause: reason });
}

/**
 * Runs a native async call with a cancel flag tied to `signal` (native/sdr/README.md: the kernel polls
 * an Int32Array over a SharedArrayBuffer). A cancelled run (code 'ECANCELLED') rejects with
 * CancelledError carrying the signal's reason, damaged input ('ECORRUPT') with CorruptionError;
 * other failures pass through with their code (errno names are classified by errorKind).
 */
export async function withCancel<T>(signal: AbortSignal | undefined, call: (flag: Int32Array) => Promise<T>): Promise<T> {
  if (signal?.aborted) throw cancelled(signal, undefined);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const onAbort = () => Atomics.store(flag, 0, 1);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await call(flag);
  } catch (err) {
    const code = nativeCode(err);
    if (code === 'ECANCELLED') throw cancelled(signal, err);
    if (code === 'ECORRUPT') throw new CorruptionError((err as Error).message, { cause: err });
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
