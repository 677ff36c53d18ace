// Loads the native/sdr addon once. Typed wrappers live next to this file, one per kernel
// family (hashing.ts, graph.ts, …); they cast the raw exports they own.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

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
 * Runs a native async call with a cancel flag tied to `signal` (native/sdr/README.md: the kernel polls
 * an Int32Array over a SharedArrayBuffer). A cancelled run rejects with the signal's reason.
 */
export async function withCancel<T>(signal: AbortSignal | undefined, call: (flag: Int32Array) => Promise<T>): Promise<T> {
  signal?.throwIfAborted();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const onAbort = () => Atomics.store(flag, 0, 1);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await call(flag);
  } catch (err) {
    if (signal?.aborted && (err as Error).message === 'cancelled') throw signal.reason ?? err;
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
