// Replace a small file so that a crash (or power loss) leaves either the old content or the new
// one, never a mix or an empty file: write a temp file beside it, fsync it, rename it over the
// target, fsync the directory so the rename itself is durable.
import { access, link, open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch (e) {
    // a few filesystems refuse fsync on a directory; the rename is still atomic there
    if ((e as NodeJS.ErrnoException).code !== 'EINVAL' && (e as NodeJS.ErrnoException).code !== 'EISDIR') throw e;
  } finally {
    await fh.close();
  }
}

export async function writeFileDurably(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fsyncDir(dirname(path));
}

/** `target` appeared while the file was being made: nothing was replaced, `from` is gone. */
export class TargetExistsError extends Error {
  override name = 'TargetExistsError';
  constructor(readonly target: string) {
    super(`${target} already exists`);
  }
}

/**
 * Moves a finished, fsynced file `from` (same directory or filesystem) to `target` only if nothing
 * is there, and makes the move durable. rename() would silently replace a file created meanwhile
 * (another run, an operator's copy); link() fails with EEXIST instead. Filesystems without hard
 * links fall back to check-then-rename, which narrows the race to the moment between the two.
 */
export async function renameNoReplace(from: string, target: string): Promise<void> {
  try {
    await link(from, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      await unlink(from).catch(() => undefined);
      throw new TargetExistsError(target);
    }
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw e;
    if (await access(target).then(() => true, () => false)) {
      await unlink(from).catch(() => undefined);
      throw new TargetExistsError(target);
    }
    await rename(from, target);
    await fsyncDir(dirname(target));
    return;
  }
  await unlink(from);
  await fsyncDir(dirname(target));
}
