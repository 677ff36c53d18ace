// ensureDir against a directory another party keeps removing and recreating (as concurrent runs do
// with <result>/.sealer-recover/): Node's recursive mkdir fails with ENOENT in that race, ensureDir not.
import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDir } from '../../src/platform/ensure-dir.js';

async function underChurn(make: (d: string) => Promise<void>, rounds: number): Promise<number> {
  const d = join(await mkdtemp(join(tmpdir(), 'ensure-dir-')), 'shared');
  let stop = false;
  const churn = (async () => {
    while (!stop) {
      await rmdir(d).catch(() => undefined);
      await mkdir(d).catch(() => undefined);
    }
  })();
  let errors = 0;
  for (let i = 0; i < rounds; i++) await make(d).catch(() => errors++);
  stop = true;
  await churn;
  return errors;
}

describe('ensureDir', () => {
  it('never fails where recursive mkdir loses the EEXIST/stat race', async () => {
    expect(await underChurn((d) => mkdir(d, { recursive: true }).then(() => undefined), 1500)).toBeGreaterThan(0);
    expect(await underChurn(ensureDir, 1500)).toBe(0);
  });
});
