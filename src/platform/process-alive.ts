/**
 * Whether a process with this pid exists. Used to tell a live owner of a lock, staging dir or
 * cache build from one left behind by a crashed run (signal 0 checks without signalling; EPERM
 * means it exists but belongs to someone else).
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
