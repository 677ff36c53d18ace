// Two real `sealer-recover recover` processes (the CLI binary, native sealer, bundled devnet) started
// together on the same --sealing-result, each with its own --sealing-temp, both recovering the same
// three 2KiB sectors. Whichever publishes a sector first wins its publish lock; the other waits and
// then finds it published. Each sector ends published exactly once, complete and byte-equal to the
// rust-fil-proofs oracle files, and both runs exit 0. Then the same with one shared --sealing-temp:
// the working-dir lock makes the second run report the sector as held by the first, naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startDevnet, type Devnet } from '../../src/devnet/server.js';
import { loadNetwork } from '../../src/devnet/network.js';
import { loadVector } from '../helpers/vectors.js';
import { dirs, listTree } from './helpers/setup.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hasSealer = existsSync(join(root, 'native', 'sdr', 'build', 'Release', 'sdr.node'));
if (!hasSealer && process.env.CI === 'true') throw new Error('concurrent.test.ts needs the native addon (npm run build:native)');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Run {
  code: number | null;
  report: { sectors: { sector: string; status: string; kind?: string; reason?: string }[] };
  err: string;
}

function recover(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(root, 'bin', 'sealer-recover.js'), 'recover', ...args, '--json'], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.on('error', reject);
    p.on('close', (code) => {
      try {
        resolve({ code, report: JSON.parse(out), err });
      } catch {
        reject(new Error(`no JSON report (exit ${code}): ${err}`));
      }
    });
  });
}

describe.skipIf(!hasSealer)('two concurrent recoveries into one --sealing-result (real processes)', () => {
  let net: Devnet;
  beforeAll(async () => {
    net = await startDevnet(await loadNetwork(join(root, 'fixtures', 'devnet', 'network.json')));
  });
  afterAll(async () => net.close());

  it('each sector is published once, complete and equal to the oracle; both runs exit 0', async () => {
    const d = await dirs();
    const env = { FULLNODE_API_INFO: net.apiInfo };
    const common = ['--miner', 'f01000', '1', '2', '3', '--sealing-result', d.result];
    const [a, b] = await Promise.all([
      recover([...common, '--sealing-temp', join(d.root, 'temp-a')], env),
      recover([...common, '--sealing-temp', join(d.root, 'temp-b')], env),
    ]);
    for (const r of [a, b]) {
      expect([r.code, r.err]).toEqual([0, expect.any(String)]);
      for (const s of r.report.sectors) expect(s.status === 'recovered' || s.kind === 'already-present').toBe(true);
    }
    // together they recovered each sector at least once (whoever published first)
    for (const n of ['1', '2', '3']) {
      const statuses = [a, b].map((r) => r.report.sectors.find((s) => s.sector === n)!.status);
      expect(statuses).toContain('recovered');
    }
    expect((await readdir(join(d.result, 'sealed'))).sort()).toEqual(['s-t01000-1', 's-t01000-2', 's-t01000-3']);
    expect((await readdir(join(d.result, 'cache'))).sort()).toEqual(['s-t01000-1', 's-t01000-2', 's-t01000-3']);
    const vectors = ['2KiB-V1_1-cc-f01000-s1', '2KiB-V1_1-cc-f01000-s2', '2KiB-V1_1-cc-f01000-s3'];
    for (const [i, name] of vectors.entries()) {
      const v = loadVector(name);
      const s = `s-t01000-${i + 1}`;
      expect([s, sha(await readFile(join(d.result, 'sealed', s)))]).toEqual([s, v.files.sealed!.sha256]);
      expect([s, sha(await readFile(join(d.result, 'cache', s, 'p_aux')))]).toEqual([s, v.files.p_aux!.sha256]);
      expect([s, sha(await readFile(join(d.result, 'cache', s, 'sc-02-data-tree-r-last.dat')))]).toEqual([s, v.files['sc-02-data-tree-r-last.dat']!.sha256]);
      expect(await readdir(join(d.result, 'cache', s))).toContain('t_aux');
    }
    // no staging, lock or backup left in the storage path; both working dirs removed
    expect((await listTree(d.result)).filter((f) => !/^(sealed|cache)(\/|$)/.test(f))).toEqual(['sectorstore.json']);
    expect((await listTree(join(d.root, 'temp-a'))).filter((f) => f.startsWith('s-t0'))).toEqual([]);
    expect((await listTree(join(d.root, 'temp-b'))).filter((f) => f.startsWith('s-t0'))).toEqual([]);
  }, 120_000);

  it('sharing one --sealing-temp too: a sector the other run is working on fails naming that process; every sector ends published once', async () => {
    const d = await dirs();
    const env = { FULLNODE_API_INFO: net.apiInfo };
    const args = ['--miner', 'f01000', '1', '2', '3', '--sealing-result', d.result, '--sealing-temp', d.temp];
    const [a, b] = await Promise.all([recover(args, env), recover(args, env)]);
    for (const n of ['1', '2', '3']) {
      const mine = [a, b].map((r) => r.report.sectors.find((s) => s.sector === n)!);
      expect(mine.map((s) => s.status)).toContain('recovered');
      for (const s of mine) {
        if (s.status === 'failed') {
          // the message names the other run: its pid, host, command line and since when
          expect(s.reason).toMatch(new RegExp(`^the working dir of s-t01000-${n} is locked by process \\d+ on .+ \\(.*sealer-recover\\.js recover .*\\), since \\d{4}-`));
          expect(s.reason).toMatch(/kill \d+/);
        } else expect(s.status === 'recovered' || s.kind === 'already-present').toBe(true);
      }
    }
    expect((await readdir(join(d.result, 'sealed'))).sort()).toEqual(['s-t01000-1', 's-t01000-2', 's-t01000-3']);
    for (const [i, name] of ['2KiB-V1_1-cc-f01000-s1', '2KiB-V1_1-cc-f01000-s2', '2KiB-V1_1-cc-f01000-s3'].entries()) {
      const s = `s-t01000-${i + 1}`;
      expect([s, sha(await readFile(join(d.result, 'sealed', s)))]).toEqual([s, loadVector(name).files.sealed!.sha256]);
    }
  }, 120_000);
});
