// The page cache as the PC1 benchmarks need it: drop a file's pages (to measure a cache or layer
// that is not in RAM) and ask how much of a file is resident. Linux only; callers say what is
// missing when these report failure.
import { spawnSync } from 'node:child_process';

/** Drops `path`'s pages from the page cache (posix_fadvise DONTNEED); false when that failed. */
export function evict(path: string): boolean {
  const r = spawnSync('python3', ['-c', 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)', path]);
  return r.status === 0;
}

/** Bytes of `path` in the page cache (util-linux fincore); null without fincore. */
export function resident(path: string): number | null {
  const r = spawnSync('fincore', ['-b', '-n', '-o', 'RES', path], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}
