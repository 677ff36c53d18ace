// renameNoReplace: the last step of writing an output that must never replace anything.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renameNoReplace, TargetExistsError } from '../../src/platform/durable-write.js';

const dir = mkdtempSync(join(tmpdir(), 'sealer-recover-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('renameNoReplace', () => {
  it('moves the file when nothing is at the target', async () => {
    writeFileSync(join(dir, 'a.partial'), 'new');
    await renameNoReplace(join(dir, 'a.partial'), join(dir, 'a'));
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['a']);
  });
  it('leaves an existing target as it is, removes the source, and says which target', async () => {
    writeFileSync(join(dir, 'b'), 'theirs');
    writeFileSync(join(dir, 'b.partial'), 'ours');
    const err = await renameNoReplace(join(dir, 'b.partial'), join(dir, 'b')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetExistsError);
    expect((err as TargetExistsError).target).toBe(join(dir, 'b'));
    expect(readFileSync(join(dir, 'b'), 'utf8')).toBe('theirs');
    expect(readdirSync(dir).sort()).toEqual(['a', 'b']);
  });
  it('a missing source is an error, not a silent success', async () => {
    await expect(renameNoReplace(join(dir, 'nothing.partial'), join(dir, 'c'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
