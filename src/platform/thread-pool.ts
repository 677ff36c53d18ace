// libuv's thread pool: every native job (labeling, trees, encoding) holds one of its threads for the
// job's whole run, and file I/O uses the same threads. bin/sealer-recover.js raises the size before
// the pool starts (docs/operator-guide.md#threads); this reads what the process got.

/** libuv's default when UV_THREADPOOL_SIZE is unset or not a number */
const LIBUV_DEFAULT = 4;
/** libuv's upper bound (uv/src/threadpool.c MAX_THREADPOOL_SIZE) */
const LIBUV_MAX = 1024;

/** the pool size libuv started with (it reads UV_THREADPOOL_SIZE once, at the pool's start) */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number.parseInt(env.UV_THREADPOOL_SIZE ?? '', 10);
  if (!Number.isFinite(n) || n <= 0) return LIBUV_DEFAULT;
  return Math.min(n, LIBUV_MAX);
}

/**
 * Threads `parallel` sectors need at once: one native job each, plus three for file I/O and the
 * parents-cache/chain work in between. Below this, sectors queue behind each other's native jobs
 * and file writes (checkpoints, logs) wait for hours.
 */
export const threadsNeeded = (parallel: number): number => parallel + 3;
