// The CI rule for tests that need a component: skip locally, fail with the reason under CI=true.
import { describe, expect, it } from 'vitest';
import { inCi, skipUnless } from '../helpers/requires.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

describe('skipUnless', () => {
  it('available: never skips', () => {
    expect(skipUnless(true, 'x', { CI: 'true' })).toBe(false);
  });
  it('missing outside CI: skips', () => {
    expect(skipUnless(false, 'the widget is missing', {})).toBe(true);
    expect(inCi({})).toBe(false);
    expect(inCi({ CI: 'true' })).toBe(true);
  });
});

describe('skipUnless under CI=true (a real vitest run)', () => {
  it('the missing component fails the run with its reason instead of skipping', () => {
    const repo = fileURLToPath(new URL('../../', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'requires-'));
    writeFileSync(
      join(dir, 'needs.test.ts'),
      `import { describe, it } from 'vitest';\nimport { skipUnless } from ${JSON.stringify(join(repo, 'test/helpers/requires.ts'))};\n` +
        `describe.skipIf(skipUnless(false, 'the frobnicator is not installed'))('suite', () => { it('works', () => {}); });\n`,
    );
    const r = spawnSync(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--reporter=default'], {
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const out = r.stdout + r.stderr;
    expect(r.status).not.toBe(0);
    expect(out).toMatch(/the frobnicator is not installed — CI=true, so this fails instead of skipping/);
  }, 60_000);
});
