// verify against sealed files that are not what they claim: another sector's replica (same size,
// so only a content check can tell), a symlink, a directory and a FIFO (which must never be opened
// in a way that waits for a writer). Stores are the oracle's 2KiB and 8MiB CC vectors re-sealed and
// held against the oracle's digests (test/verify/helpers/store.ts).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, symlink, unlink, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerify, type VerifyArgs } from '../../src/cli/commands/verify.js';
import type { VerifyReport, SectorVerdict } from '../../src/verify/report.js';
import type { OracleVector } from '../helpers/vectors.js';
import { copyStore, publishVectors, sectorName } from './helpers/store.js';

const SMALL = ['2KiB-V1_1-cc-f01000-s1', '2KiB-V1_1-cc-f01000-s2'];
const BIG = ['8MiB-V1_1-cc-f01000-s1', '8MiB-V1_1-cc-f01000-s5'];

let scratch = '';
let small = '';
let big = '';
let vSmall: OracleVector[] = [];
let vBig: OracleVector[] = [];
const cases: string[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-identity-'));
  small = path.join(scratch, 'store-2k');
  big = path.join(scratch, 'store-8m');
  vSmall = await publishVectors(small, SMALL, path.join(scratch, 'work'));
  vBig = await publishVectors(big, BIG, path.join(scratch, 'work'));
}, 120_000);
afterAll(async () => {
  await Promise.all([scratch, ...cases].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
});

async function fresh(pristine: string): Promise<string> {
  const d = await copyStore(pristine);
  cases.push(d);
  return d;
}

async function verify(args: Partial<VerifyArgs> & { sealingResult: string }) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c) => (out += c));
  const code = await runVerify({ json: true, ...args }, { stdout, stderr, tty: false, cwd: process.cwd(), env: {} });
  return { code, report: JSON.parse(out) as VerifyReport };
}
const sector = (r: VerifyReport, n: number | string): SectorVerdict => r.sectors.find((x) => x.sector === String(n))!;
const failedChecks = (s: SectorVerdict) => s.checks.filter((c) => !c.ok).map((c) => c.name);
const sealed = (d: string, v: OracleVector) => path.join(d, 'sealed', sectorName(v));

async function swapSealed(d: string, a: OracleVector, b: OracleVector): Promise<void> {
  const tmp = `${sealed(d, a)}.swap`;
  await rename(sealed(d, a), tmp);
  await rename(sealed(d, b), sealed(d, a));
  await rename(tmp, sealed(d, b));
}

describe('verify: a sealed file that is not this sector’s replica', () => {
  it('pristine stores pass the replica sample (2KiB and 8MiB)', async () => {
    for (const d of [small, big]) {
      const { report } = await verify({ sealingResult: d });
      for (const s of report.sectors) {
        expect(s.status).toBe('ok');
        expect(s.checks.find((c) => c.name === 'replica-sample')).toMatchObject({ ok: true });
      }
    }
  });

  it('2KiB: sealed files of sectors 1 and 2 swapped → both damaged in the quick scan, naming the replica sample', async () => {
    const d = await fresh(small);
    await swapSealed(d, vSmall[0]!, vSmall[1]!);
    const { code, report } = await verify({ sealingResult: d });
    expect(code).toBe('incomplete');
    for (const n of [1, 2]) {
      const s = sector(report, n);
      expect(s.status).toBe('damaged');
      expect(failedChecks(s)).toEqual(['replica-sample']);
      expect(s.checks.find((c) => c.name === 'replica-sample')!.detail).toMatch(/another sector/);
    }
  });

  it('8MiB: sealed files of sectors 1 and 5 swapped → both damaged in the quick scan', async () => {
    const d = await fresh(big);
    await swapSealed(d, vBig[0]!, vBig[1]!);
    const { report } = await verify({ sealingResult: d });
    for (const n of [1, 5]) expect(failedChecks(sector(report, n))).toEqual(['replica-sample']);
  });
});

describe('verify: a sealed path that is not a regular file', () => {
  it('a symlink (even to the right replica) → damaged, the target named', async () => {
    const d = await fresh(small);
    const p = sealed(d, vSmall[0]!);
    const elsewhere = path.join(d, 'elsewhere');
    await rename(p, elsewhere);
    await symlink(elsewhere, p);
    const { report } = await verify({ sealingResult: d });
    const s = sector(report, 1);
    expect(s.status).toBe('damaged');
    const c = s.checks.find((x) => x.name === 'sealed-file' && !x.ok);
    expect(c?.detail).toMatch(/symbolic link/);
    expect(c?.found).toContain(elsewhere);
    expect(sector(report, 2).status).toBe('ok');
  });

  it('a directory → damaged, not "too long"', async () => {
    const d = await fresh(small);
    const p = sealed(d, vSmall[0]!);
    await unlink(p);
    await mkdir(p);
    const { report } = await verify({ sealingResult: d });
    const s = sector(report, 1);
    expect(s.status).toBe('damaged');
    expect(s.checks.find((x) => x.name === 'sealed-file' && !x.ok)?.detail).toMatch(/is a directory/);
  });

  it('a FIFO → damaged, quick and deep, and the scan does not hang', async () => {
    const d = await fresh(small);
    const p = sealed(d, vSmall[0]!);
    await unlink(p);
    execFileSync('mkfifo', [p]);
    for (const deep of [false, true]) {
      const { report } = await verify({ sealingResult: d, deep });
      const s = sector(report, 1);
      expect(s.status).toBe('damaged');
      expect(s.checks.find((x) => x.name === 'sealed-file' && !x.ok)?.detail).toMatch(/FIFO/);
      expect(sector(report, 2).status).toBe('ok');
    }
  }, 20_000);
});

describe('verify: cache files that are not regular files', () => {
  it('a FIFO as t_aux → damaged, named, the scan does not hang', async () => {
    const d = await fresh(small);
    const p = path.join(d, 'cache', sectorName(vSmall[0]!), 't_aux');
    await unlink(p);
    execFileSync('mkfifo', [p]);
    const { report } = await verify({ sealingResult: d });
    const s = sector(report, 1);
    expect(s.status).toBe('damaged');
    expect(s.checks.find((x) => x.name === 't_aux' && !x.ok)?.detail).toMatch(/FIFO/);
    expect(sector(report, 2).status).toBe('ok');
  }, 20_000);
});
