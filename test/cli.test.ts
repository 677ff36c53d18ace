import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'sealer-recover.js');

function run(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
}

describe('CLI skeleton', () => {
  it('prints help listing every subcommand', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    for (const c of ['recover', 'export', 'verify', 'metastore', 'commr']) expect(r.stdout).toContain(c);
    expect(r.stdout).toContain('--sealing-result');
  });

  it('prints the package version', () => {
    const r = run(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 with a one-line reason on an unknown flag', () => {
    const r = run(['--bogus-flag']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bogus-flag/);
  });
});
