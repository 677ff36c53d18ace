// Reading a file of a store without trusting what kind of file it is (docs/metastore-recovery.md#io-safety).
// A damaged or tampered store can hold a FIFO (reading blocks forever), a device or a link to one
// (/dev/zero never ends), a directory, or a symlink loop where a table is expected. Such a file is
// classified from lstat/stat *before* it is opened, opened with O_NONBLOCK so that even a FIFO
// swapped in between cannot block the open, checked again with fstat on the open descriptor, and
// read for at most the size fstat reported: a file that grows while being read is cut at that size.
import { constants } from 'node:fs';
import { lstat, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

/** Why a store file was not read. */
export interface Unreadable {
  /** 'permission' is the environment (EACCES/EPERM); anything else is the store's own damage */
  readonly cause: 'permission' | 'not-a-file' | 'symlink-loop' | 'vanished' | 'io';
  readonly message: string;
  /** the errno code when one was seen */
  readonly code?: string;
}

export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
  constructor(
    readonly path: string,
    readonly why: Unreadable,
  ) {
    super(`${path}: ${why.message}`);
  }
}

function describeType(s: Stats): string {
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  if (s.isDirectory()) return 'a directory';
  if (s.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function fromErrno(e: unknown): Unreadable {
  const code = (e as NodeJS.ErrnoException).code;
  const msg = (e as Error).message;
  if (code === 'EACCES' || code === 'EPERM') return { cause: 'permission', code, message: `permission denied (${code}); run as the user that owns the store, or copy it somewhere readable` };
  if (code === 'ELOOP') return { cause: 'symlink-loop', code, message: 'symbolic link loop (ELOOP)' };
  if (code === 'ENOENT') return { cause: 'vanished', code, message: 'disappeared while the store was being read (or a dangling symbolic link)' };
  return { cause: 'io', code, message: `cannot be read: ${msg}` };
}

/**
 * What kind of file `path` is, following symbolic links; null when it is a regular file that can be
 * read, else why it must not be. Never opens the file.
 */
export async function checkRegularFile(path: string): Promise<{ size: number; problem: null } | { size: 0; problem: Unreadable }> {
  let l: Stats;
  try {
    l = await lstat(path);
  } catch (e) {
    return { size: 0, problem: fromErrno(e) };
  }
  let s = l;
  if (l.isSymbolicLink()) {
    try {
      s = await stat(path);
    } catch (e) {
      return { size: 0, problem: fromErrno(e) };
    }
  }
  if (!s.isFile()) {
    const via = l.isSymbolicLink() ? 'a symbolic link to ' : '';
    return { size: 0, problem: { cause: 'not-a-file', message: `is ${via}${describeType(s)}, not a regular file; a store holds only regular files` } };
  }
  return { size: s.size, problem: null };
}

/**
 * The bytes of a regular file, at most its size at open time. Throws UnreadableFileError (never
 * hangs) for anything that is not a readable regular file.
 */
export async function readRegularFile(path: string): Promise<Buffer> {
  const pre = await checkRegularFile(path);
  if (pre.problem) throw new UnreadableFileError(path, pre.problem);
  let fh;
  try {
    // O_NONBLOCK: should the file have been replaced by a FIFO since the check, open returns at once
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (e) {
    throw new UnreadableFileError(path, fromErrno(e));
  }
  try {
    const s = await fh.stat();
    if (!s.isFile()) throw new UnreadableFileError(path, { cause: 'not-a-file', message: `is ${describeType(s)}, not a regular file (it changed while being opened)` });
    const size = s.size;
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      let n: number;
      try {
        ({ bytesRead: n } = await fh.read(buf, got, size - got, got));
      } catch (e) {
        throw new UnreadableFileError(path, fromErrno(e));
      }
      if (n === 0) break; // shrank while being read: what is there is what we have
      got += n;
    }
    return got === size ? buf : buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}
