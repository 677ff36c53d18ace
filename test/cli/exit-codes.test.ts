// Exit codes are chosen in one place (src/cli/main.ts) from the outcome a command returns or the
// kind of error it throws; the commands run in-process here, with a real devnet on loopback.
import { io } from '../helpers/io.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES, main } from '../../src/cli/main.js';
import type { CliDeps } from '../../src/cli/command.js';
import { CancelledError, errorKind, InputError, IoError } from '../../src/errors.js';
import { loadNetwork } from '../../src/devnet/network.js';
import { startDevnet, type Devnet } from '../../src/devnet/server.js';
import { DEFAULT_DEVNET_NETWORK } from '../../src/cli/package-info.js';

const devnets: Devnet[] = [];
afterAll(async () => {
  await Promise.all(devnets.map((d) => d.close()));
});

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, signal?: AbortSignal) {
  const o = io();
  const cwd = await mkdtemp(join(tmpdir(), 'exit-codes-'));
  const deps: CliDeps = { stdout: o.stdout, stderr: o.stderr, env, tty: false, cwd, ...(signal ? { signal } : {}) };
  const code = await main(argv, deps);
  return { code, out: o.out(), err: o.err(), cwd };
}

describe('exit codes (src/cli/main.ts)', () => {
  it('0 when everything asked for was done', async () => {
    const d = await startDevnet(await loadNetwork(DEFAULT_DEVNET_NETWORK));
    devnets.push(d);
    const r = await cli(['export', '--miner', 'f01000', '1', '2'], { FULLNODE_API_INFO: d.apiInfo });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/export 2 sectors, failed sectors: \[\].*wrote/);
  });

  it('1 when part of the work failed (a sector the node does not have)', async () => {
    const d = await startDevnet(await loadNetwork(DEFAULT_DEVNET_NETWORK));
    devnets.push(d);
    const r = await cli(['export', '--miner', 'f01000', '1', '77'], { FULLNODE_API_INFO: d.apiInfo });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/sector 77/);
  });

  it('2 for a usage problem or bad input, with one line naming it', async () => {
    const unknown = await cli(['verify', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.err.trim().split('\n')).toHaveLength(1);
    const badMiner = await cli(['export', '--miner', 'f3abc', '1'], { FULLNODE_API_INFO: 'x:/ip4/127.0.0.1/tcp/1/http' });
    expect(badMiner.code).toBe(2);
    expect(badMiner.err).toMatch(/--miner/);
    const badSetting = await cli(['recover', '--devnet', '--sealing-temp', '/nonexistent/t', '1'], { FULLNODE_API_INFO: '', FIL_PROOFS_ROWS_TO_DISCARD: 'lots' });
    expect(badSetting.code).toBe(2);
    expect(badSetting.err).toMatch(/FIL_PROOFS_ROWS_TO_DISCARD must be/);
  });

  it('1 when the node cannot be reached (an I/O failure, not a usage error)', async () => {
    const r = await cli(['export', '--miner', 'f01000', '1'], { FULLNODE_API_INFO: 'x:/ip4/127.0.0.1/tcp/9/http' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^sealer-recover: /);
  });

  it('130 when the run was interrupted', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await cli(['recover', '--devnet', '--miner', 'f01000', '--sealing-temp', join(tmpdir(), 'x-t'), '--sealing-result', join(tmpdir(), 'x-r'), '1'], {}, ac.signal);
    expect(r.code).toBe(130);
  });

  it('every outcome and error kind has its code', () => {
    expect(EXIT_CODES).toMatchObject({ ok: 0, incomplete: 1, interrupted: 130, usage: 2, input: 2, mismatch: 1, io: 1, corruption: 1, cancelled: 130, internal: 1 });
  });
});

describe('errorKind', () => {
  it('reads typed errors, native codes and errno, never messages', () => {
    expect(errorKind(new InputError('x'))).toBe('input');
    expect(errorKind(Object.assign(new Error('anything'), { code: 'ECANCELLED' }))).toBe('cancelled');
    expect(errorKind(Object.assign(new Error('disk'), { code: 'ENOSPC' }))).toBe('io');
    expect(errorKind(new CancelledError('stopped'))).toBe('cancelled');
    expect(errorKind(new IoError('x'))).toBe('io');
    expect(errorKind(new Error('cancelled'))).toBe('internal');
    expect(errorKind('a string')).toBe('internal');
  });
});
