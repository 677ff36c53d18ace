// mkdir -p for a directory that other processes may remove when they find it empty (the shared
// <result>/.sealer-recover/). Node's recursive mkdir answers EEXIST by stat()ing the path, so a
// removal between the two surfaces as ENOENT; trying again creates it afresh.
import { mkdir } from 'node:fs/promises';

export async function ensureDir(path: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      await mkdir(path, { recursive: true });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || tries >= 100) throw e;
    }
  }
}
