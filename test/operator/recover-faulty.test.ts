// The operator's night against the bundled devnet on a real loopback JSON-RPC server:
// `recover --faulty` selects the chain's faulty sectors, plans them in deadline order (printed
// before any work), recovers them, and ends with the next steps; offline the given order is kept.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRecover, type RecoverArgs } from '../../src/cli/commands/recover.js';
import { runExport } from '../../src/cli/commands/export.js';
import { startDevnet, type Devnet } from '../../src/devnet/server.js';
import { loadNetwork } from '../../src/devnet/network.js';
import { buildNextSteps, renderNextSteps, shellQuote } from '../../src/recover/next-steps.js';
import type { RunReport } from '../../src/recover/report.js';
import { FakeSealer, vectorTable } from '../recover/helpers/fake-sealer.js';
import { dirs } from '../recover/helpers/setup.js';
import { io } from '../helpers/io.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const NETWORK = join(root, 'fixtures', 'devnet', 'network.json');
const PIECES = join(root, 'fixtures', 'devnet', 'pieces');
const VECTORS = ['2KiB-V1_1-cc-f01000-s1', '2KiB-V1_1-cc-f01000-s2', '2KiB-V1_1-cc-f01000-s3', '2KiB-V1_1-deal-f01000-s4'];

let devnets: Devnet[] = [];
afterEach(async () => {
  await Promise.all(devnets.map((d) => d.close()));
  devnets = [];
});
async function devnet() {
  const d = await startDevnet(await loadNetwork(NETWORK));
  devnets.push(d);
  return d;
}
const base = (d: { temp: string; result: string }): RecoverArgs => ({ parallel: 1, sealingTemp: d.temp, sealingResult: d.result });

describe('recover --faulty against the devnet', () => {
  it('plans the faulty sectors in deadline order, recovers them, reports next steps', async () => {
    const net = await devnet();
    const d = await dirs();
    const o = io();
    const sealer = new FakeSealer(await vectorTable(VECTORS));
    const code = await runRecover(
      { ...base(d), miner: 'f01000', faulty: true, pieceDir: PIECES, parallel: 2, json: true },
      { sealer, stdout: o.stdout, stderr: o.stderr, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo } },
    );
    expect(code).toBe('ok');
    const rep = JSON.parse(o.out()) as RunReport;
    // faulty {1, 2, 4} (2 recovering); deadlines 31 (open at the head), 40, 5 (next period)
    expect(rep.sectors.map((s) => [s.sector, s.status])).toEqual([['1', 'recovered'], ['2', 'recovered'], ['4', 'recovered']]);
    expect(rep.selection).toEqual({ origins: ['chain faults of f01000'], faulty: { faults: 3, recovering: 1, via: 'StateMinerFaults + StateMinerRecoveries' } });
    expect(rep.order!.byDeadline).toBe(true);
    expect(rep.order!.sectors.map((s) => [s.sector, s.deadline, s.partition, s.nextOpenEpoch])).toEqual([['1', 31, 0, 1960], ['2', 40, 0, 2500], ['4', 5, 0, 3280]]);
    expect(o.err()).toMatch(/^selected 3 sectors \(chain faults of f01000\): 3 faulty, 1 of them declared recovering \(StateMinerFaults \+ StateMinerRecoveries\)\nrecovery order: by next proving deadline/);
    // with --parallel 2 the first two sectors in flight are the two soonest
    expect(sealer.calls.slice(0, 2).map((c) => String(c.sector)).sort()).toEqual(['1', '2']);
    expect(sealer.calls.map((c) => String(c.sector))[2]).toBe('4');
    const next = rep.nextSteps!;
    const result = d.result;
    expect(next.lotus.map((s) => s.command)).toEqual([
      `lotus-miner storage attach --init=false --store ${result}`,
      `lotus-miner storage redeclare ${result}`,
      'lotus-miner proving check --slow 31',
      'lotus-miner proving check --slow 40',
      'lotus-miner proving check --slow 5',
      'lotus-miner proving faults',
    ]);
    expect(next.curio.map((s) => s.command)).toEqual([
      `curio cli --machine <host:port> storage attach ${result}`,
      'restart that curio node (curio run …)',
      'curio test window-post here --deadline 31 --partition 0',
      'curio test window-post here --deadline 40 --partition 0',
      'curio test window-post here --deadline 5 --partition 0',
    ]);
    expect(next.recovered[0]).toEqual({
      sector: '1',
      sealed: join(result, 'sealed', 's-t01000-1'),
      cache: join(result, 'cache', 's-t01000-1'),
      sealedCid: 'bagboea4b5abca52cioilg33uvtkzlranby2b6t576gdch7vprlls7zz5osinbvs4',
      deadline: 31,
      partition: 0,
      commRMatchesChain: true,
    });
    expect(next.stillFailing).toEqual([]);
  });

  it('human summary: cache path and "CommR matches the chain" per sector; failures with reasons; --avoid-open-deadline', async () => {
    const net = await devnet();
    const d = await dirs();
    const o = io();
    const code = await runRecover(
      { ...base(d), miner: 'f01000', sectors: ['1-2', '9'], avoidOpenDeadline: true },
      { sealer: new FakeSealer(await vectorTable(VECTORS)), stdout: o.stdout, stderr: o.stderr, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo } },
    );
    expect(code).toBe('incomplete');
    const out = o.out();
    expect(out).toContain(`sector 1 (deadline 31, partition 0): CommR matches the chain`);
    expect(out).toContain(`    cache   ${join(d.result, 'cache', 's-t01000-1')}`);
    expect(out).toMatch(/Still failing:\n {2}sector 9 \(failed\): sector 9 of f01000 is neither active nor pre-committed/);
    expect(out).toContain('lotus-miner proving check --slow 40');
    // the plan is printed before any sector is queued
    const err = o.err();
    expect(err.indexOf('queued')).toBeGreaterThan(err.indexOf('recovery order: by next proving deadline'));
    expect(err.indexOf('recovery order')).toBe(0);
    // 1's deadline is open: deferred behind 2
    expect(o.err()).toMatch(/ {2}2 +40 .*\n {2}1 +31 .*open now: deferred/);
  });

  it('a healthy miner: --faulty selects nothing and says so (exit ok)', async () => {
    const n = await loadNetwork(NETWORK);
    const healthy = await startDevnet({ ...n, miners: n.miners.map((m) => ({ ...m, faults: [], recovering: [] })) });
    devnets.push(healthy);
    const d = await dirs();
    const o = io();
    const code = await runRecover({ ...base(d), miner: 'f01000', faulty: true }, { sealer: new FakeSealer({}), stdout: o.stdout, stderr: o.stderr, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: healthy.apiInfo } });
    expect(code).toBe('ok');
    expect(o.out()).toMatch(/f01000 has no faulty or recovering sectors on chain .*nothing to recover/);
  });

  it('offline (export file, no node): the file order is kept and the report says so', async () => {
    const net = await devnet();
    const cwd = await mkdtemp(join(tmpdir(), 'cwd-'));
    const e = io();
    // export takes ranges and --sectors-file too
    const list = join(cwd, 'sectors.txt');
    await writeFile(list, '# lost\n2\n');
    expect(await runExport({ miner: 'f01000', sectors: ['1'], sectorsFile: list }, { stdout: e.stdout, stderr: e.stderr, tty: false, env: { FULLNODE_API_INFO: net.apiInfo }, cwd })).toBe('ok');
    const d = await dirs();
    const o = io();
    const home = await mkdtemp(join(tmpdir(), 'home-'));
    const code = await runRecover(
      { ...base(d), sectorsRecoveryMetadata: join(cwd, 'sectors-recovery-f01000.json'), numbers: ['2', '1'], json: true },
      { sealer: new FakeSealer(await vectorTable(VECTORS)), stdout: o.stdout, stderr: o.stderr, tty: false, cwd: process.cwd(), env: { HOME: home } },
    );
    expect(code).toBe('ok');
    const rep = JSON.parse(o.out()) as RunReport;
    expect(rep.sectors.map((s) => s.sector)).toEqual(['2', '1']);
    expect(rep.order).toEqual({ byDeadline: false, how: expect.stringMatching(/^given order kept: no Lotus node/), sectors: [{ sector: '2' }, { sector: '1' }] });
    expect(rep.nextSteps!.notes).toContain('no node gave the proving deadlines: sectors were recovered in the order given.');
    expect(rep.nextSteps!.lotus.map((s) => s.command)).toContain('lotus-miner proving check --slow <deadline>');
  });

  it('export --faulty writes the faulty sectors', async () => {
    const net = await devnet();
    const cwd = await mkdtemp(join(tmpdir(), 'cwd-'));
    const e = io();
    expect(await runExport({ miner: 'f01000', faulty: true, json: true }, { stdout: e.stdout, stderr: e.stderr, tty: false, env: { FULLNODE_API_INFO: net.apiInfo }, cwd })).toBe('ok');
    expect(JSON.parse(e.out()).exported).toEqual(['1', '2', '4']);
  });
});

describe('next steps', () => {
  const report = (sectors: RunReport['sectors']): RunReport => ({
    tool: { name: 'sealer-recover', version: 't' },
    startedAt: '',
    inputs: { source: 's', miner: 'f01000', sealer: 'fake', parallel: 1, sealingTemp: '/t', sealingResult: "/mnt/my disk's" },
    machine: { cpus: 1, model: 'x', uvThreadpoolSize: 64 },
    sectors,
  });

  it('quotes the path for the shell; nothing to attach when nothing recovered; failures keep their reason', () => {
    expect(shellQuote('/sector')).toBe('/sector');
    expect(shellQuote("/mnt/my disk's")).toBe(`'/mnt/my disk'\\''s'`);
    const n = buildNextSteps(report([{ miner: 'f01000', sector: '7', status: 'mismatch' }, { miner: 'f01000', sector: '8', status: 'failed', reason: 'no ticket' }]));
    expect(n.lotus).toEqual([]);
    expect(n.stillFailing).toEqual([
      { sector: '7', status: 'mismatch', reason: 'computed CommR differs from the chain' },
      { sector: '8', status: 'failed', reason: 'no ticket' },
    ]);
    expect(renderNextSteps(n)).toMatch(/Still failing:\n {2}sector 7 \(mismatch\): computed CommR differs from the chain\n {2}sector 8 \(failed\): no ticket/);
  });

  it('a sector already present counts for the attach step but is not claimed as checked now; pre-committed ones get a note', () => {
    const n = buildNextSteps(
      report([
        { miner: 'f01000', sector: '3', status: 'recovered', keptPrecommitFiles: true, paths: { sealed: '/s', cache: '/c' } },
        { miner: 'f01000', sector: '5', status: 'skipped', kind: 'already-present', reason: 'already present in /x (…)' },
      ]),
    );
    expect(n.lotus[0]!.command).toBe(`lotus-miner storage attach --init=false --store '/mnt/my disk'\\''s'`);
    expect(n.recovered.map((r) => [r.sector, r.commRMatchesChain])).toEqual([['3', true], ['5', false]]);
    expect(n.notes.join('\n')).toMatch(/sectors 3: pre-committed only/);
  });
});

describe('a broken LOTUS_PATH', () => {
  it('offline recovery goes on and the plan says why there is no deadline order; --faulty stops with the reason', async () => {
    const net = await devnet();
    const cwd = await mkdtemp(join(tmpdir(), 'cwd-'));
    const e = io();
    expect(await runExport({ miner: 'f01000', sectors: ['1'] }, { stdout: e.stdout, stderr: e.stderr, tty: false, env: { FULLNODE_API_INFO: net.apiInfo }, cwd })).toBe('ok');
    const emptyRepo = await mkdtemp(join(tmpdir(), 'lotus-'));
    const d = await dirs();
    const o = io();
    const args = { ...base(d), sectorsRecoveryMetadata: join(cwd, 'sectors-recovery-f01000.json'), numbers: ['1'], json: true };
    const deps = { sealer: new FakeSealer(await vectorTable(VECTORS)), stdout: o.stdout, stderr: o.stderr, tty: false, cwd: process.cwd(), env: { LOTUS_PATH: emptyRepo } };
    expect(await runRecover(args, deps)).toBe('ok');
    expect((JSON.parse(o.out()) as RunReport).order!.how).toMatch(/given order kept: no Lotus node to read proving deadlines from \(LOTUS_PATH=.* has no "api" file/);
    await expect(runRecover({ ...args, numbers: [], faulty: true, miner: 'f01000' }, deps)).rejects.toThrow(/has no "api" file: is the lotus daemon running/);
  });
});
