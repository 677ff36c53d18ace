import { afterEach, describe, expect, it } from 'vitest';
import { readFile, readdir, mkdtemp } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { runRecover, type RecoverArgs } from '../../src/cli/commands/recover.js';
import { runExport } from '../../src/cli/commands/export.js';
import { UsageError } from '../../src/errors.js';
import { startDevnet, type Devnet } from '../../src/devnet/server.js';
import { loadNetwork } from '../../src/devnet/network.js';
import { FakeSealer, vectorTable } from './helpers/fake-sealer.js';
import { dirs } from './helpers/setup.js';
import { io } from '../helpers/io.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
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

describe('recover command', () => {
  it('one-shot --miner --sectors … --parallel 2: export from the devnet, recover all four oracle sectors, exit 0', async () => {
    const net = await devnet();
    const d = await dirs();
    const o = io();
    const sealer = new FakeSealer(await vectorTable(VECTORS), { delayMs: 20 });
    const code = await runRecover(
      { ...base(d), miner: 'f01000', sectors: ['1', '2', '3', '4'], parallel: 2, pieceDir: PIECES, json: true, report: join(d.root, 'report.json') },
      { sealer, stdout: o.stdout, stderr: o.stderr, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo } },
    );
    expect(o.err()).not.toMatch(/failed/);
    expect(code).toBe('ok');
    const rep = JSON.parse(o.out());
    expect(rep.sectors.map((s: { status: string }) => s.status)).toEqual(['recovered', 'recovered', 'recovered', 'recovered']);
    // reported in request order, worked in proving-deadline order: 1 (deadline 31, open now), 2 (40), 4 (5, next period), 3 (pre-committed: none)
    expect(rep.sectors.map((s: { sector: string }) => s.sector)).toEqual(['1', '2', '3', '4']);
    expect(rep.order.sectors.map((s: { sector: string }) => s.sector)).toEqual(['1', '2', '4', '3']);
    expect(rep.sectors[3].inputs.data).toBe('pieces');
    expect(JSON.parse(await readFile(join(d.root, 'report.json'), 'utf8')).summary).toEqual({ recovered: 4, mismatch: 0, failed: 0, skipped: 0 });
    expect((await readdir(join(d.result, 'sealed'))).sort()).toEqual(['s-t01000-1', 's-t01000-2', 's-t01000-3', 's-t01000-4']);
    expect(sealer.maxInFlight).toBe(2);
    // the exported inputs are kept next to the working dirs
    expect(await readdir(d.temp)).toContain('sectors-recovery-f01000.json');
  });

  it('logs on stderr without --log-file are readable single lines between the progress lines; --log-file keeps JSON', async () => {
    const net = await devnet();
    const table = await vectorTable(VECTORS);
    // sector 3 is pre-committed only on the devnet: recovery warns that it keeps the PC1 files
    const d = await dirs();
    const o = io();
    const code = await runRecover({ ...base(d), miner: 'f01000', sectors: ['3'] }, { sealer: new FakeSealer(table), stdout: o.stdout, stderr: o.stderr, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo } });
    expect(code).toBe('ok');
    const lines = o.err().trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
    const warn = lines.filter((l) => l.includes('pre-committed only'));
    expect(warn).toEqual([expect.stringMatching(/^\S+ warn  s-t01000-3: pre-committed only: keeping layers, tree-c and tree-d for ProveCommit$/)]);
    // progress lines and log lines share the stream, one record per line, in order
    expect(lines.findIndex((l) => l.includes('s-t01000-3 queued'))).toBeGreaterThan(lines.indexOf(warn[0]!));

    const d2 = await dirs();
    const o2 = io();
    const logFile = join(d2.root, 'run.log');
    expect(await runRecover({ ...base(d2), miner: 'f01000', sectors: ['3'], logFile }, { sealer: new FakeSealer(table), stdout: o2.stdout, stderr: o2.stderr, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo } })).toBe('ok');
    expect(o2.err()).not.toMatch(/pre-committed only/);
    const records = (await readFile(logFile, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string; sector?: string });
    expect(records).toContainEqual(expect.objectContaining({ level: 40, sector: 's-t01000-3', msg: 'pre-committed only: keeping layers, tree-c and tree-d for ProveCommit' }));
  });

  it('mismatch → exit 1, nothing published, JSON report keeps the diagnosis', async () => {
    const net = await devnet();
    const d = await dirs();
    const o = io();
    const code = await runRecover({ ...base(d), miner: 'f01000', sectors: ['2'], json: true }, {
      sealer: new FakeSealer(await vectorTable(['2KiB-V1_1-cc-f01000-s1'])), // not sector 2's answer
      stdout: o.stdout,
      stderr: o.stderr,
      tty: false,
      cwd: process.cwd(),
      env: { FULLNODE_API_INFO: net.apiInfo },
    });
    expect(code).toBe('incomplete');
    const s = JSON.parse(o.out()).sectors[0];
    expect(s.status).toBe('mismatch');
    expect(s.replicaId).toBe('9479f74e5f8afbf88dd9206e3b9848143ed4fddd7d5d5bcfed48e57d4f0d1031'); // oracle vector s2
    expect(s.commC).toMatch(/^[0-9a-f]{64}$/);
    expect(s.commRLast).toMatch(/^[0-9a-f]{64}$/);
    expect(s.commR.expected).toBe('59fdd25506ecb2742e0a524fc752511278bda4ac0fcf13d17d6e84f624c4a500');
    expect(await readdir(d.result).catch(() => [])).not.toContain('sealed');
  });

  it('reads the Go export file and reports sectors missing from it', async () => {
    const net = await devnet();
    const d = await dirs();
    const cwd = await mkdtemp(join(tmpdir(), 'cwd-'));
    const e = io();
    expect(await runExport({ miner: 'f01000', numbers: ['1'] }, { stdout: e.stdout, stderr: e.stderr, tty: false, env: { FULLNODE_API_INFO: net.apiInfo }, cwd })).toBe('ok');
    const file = join(cwd, 'sectors-recovery-f01000.json');
    const o = io();
    const code = await runRecover({ ...base(d), sectorsRecoveryMetadata: file, numbers: ['1', '9'], json: true }, {
      sealer: new FakeSealer(await vectorTable(VECTORS)),
      stdout: o.stdout,
      stderr: o.stderr,
      tty: false,
      cwd: process.cwd(),
      env: {},
    });
    expect(code).toBe('incomplete');
    const rep = JSON.parse(o.out());
    expect(rep.sectors.map((s: { sector: string; status: string }) => [s.sector, s.status])).toEqual([['1', 'recovered'], ['9', 'failed']]);
    expect(rep.sectors[1].reason).toMatch(/sector 9 is not listed in .*sectors-recovery-f01000\.json: export it first/);
  });

  it('--devnet serves the bundled network in-process (no FULLNODE_API_INFO needed)', async () => {
    const d = await dirs();
    const o = io();
    const code = await runRecover({ ...base(d), devnet: '', miner: 'f01000', sectors: ['2'], json: true }, {
      sealer: new FakeSealer(await vectorTable(VECTORS)),
      stdout: o.stdout,
      stderr: o.stderr,
      tty: false,
      cwd: process.cwd(),
      env: {},
    });
    expect(code).toBe('ok');
    expect(JSON.parse(o.out()).sectors[0].status).toBe('recovered');
  });

  it('one-shot on a pruned node: the sector fails with the epoch needed and the offline way, the others recover', async () => {
    const net = await startDevnet({ ...(await loadNetwork(NETWORK)), prunedBefore: 305 });
    devnets.push(net);
    const d = await dirs();
    const o = io();
    const code = await runRecover({ ...base(d), miner: 'f01000', sectors: ['1', '2', '3'], json: true }, {
      sealer: new FakeSealer(await vectorTable(VECTORS)),
      stdout: o.stdout,
      stderr: o.stderr,
      tty: false,
      cwd: process.cwd(),
      env: { FULLNODE_API_INFO: net.apiInfo },
    });
    expect(code).toBe('incomplete');
    const rep = JSON.parse(o.out());
    // sector 1 activated at 300 (< 305: pruned); 2 at 310 (state kept); 3 is pre-committed only (head state)
    expect(rep.sectors.map((s: { sector: string; status: string }) => [s.sector, s.status])).toEqual([['1', 'failed'], ['2', 'recovered'], ['3', 'recovered']]);
    expect(rep.sectors[0].reason).toMatch(/no state at epoch 300 .*--metadata-store/);
  });

  it('usage errors: no sectors, bad --parallel, no input source, bad sector number', async () => {
    const d = await dirs();
    const deps = { stdout: io().stdout, stderr: io().stderr, tty: false, cwd: process.cwd(), env: {} };
    await expect(runRecover({ ...base(d), miner: 'f01000' }, deps)).rejects.toThrow(UsageError);
    await expect(runRecover({ ...base(d), numbers: ['1'], parallel: 0 }, deps)).rejects.toThrow(/--parallel must be a whole number ≥ 1, got 0/);
    await expect(runRecover({ ...base(d), numbers: ['1'] }, deps)).rejects.toThrow(/no source of sector records: give --sectors-recovery-metadata, --metadata-store or --devnet/);
    await expect(runRecover({ ...base(d), numbers: ['x1'] }, deps)).rejects.toThrow(/could not parse sector number "x1"/);
    await expect(runRecover({ ...base(d), numbers: ['1'], miner: 'f01000' }, deps)).rejects.toThrow(/or --miner <f0…> with FULLNODE_API_INFO set/);
  });
});

describe('export command', () => {
  it('writes the Go-format file and lists failed sectors (exit 1)', async () => {
    const net = await devnet();
    const cwd = await mkdtemp(join(tmpdir(), 'cwd-'));
    const o = io();
    const code = await runExport({ miner: 'f01000', numbers: ['1', '7', '4'] }, { stdout: o.stdout, stderr: o.stderr, tty: false, env: { FULLNODE_API_INFO: net.apiInfo }, cwd });
    expect(code).toBe('incomplete');
    expect(o.out()).toMatch(/^export 2 sectors, failed sectors: \[7\], elapsed: [\d.]+s, wrote .*sectors-recovery-f01000\.json/);
    expect(o.err()).toMatch(/sector 7: sector 7 of f01000 is neither active nor pre-committed/);
    const text = await readFile(join(cwd, 'sectors-recovery-f01000.json'), 'utf8');
    expect(text.startsWith('{\n\t"Miner": "f01000",\n\t"SectorSize": 2048,\n\t"SectorInfos": [\n\t\t{\n\t\t\t"SectorNumber": 1,\n\t\t\t"Ticket": "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",\n\t\t\t"SealProof": 5,\n\t\t\t"SealedCID": {\n\t\t\t\t"/": "bagboea4b5abca52cioilg33uvtkzlranby2b6t576gdch7vprlls7zz5osinbvs4"\n\t\t\t}')).toBe(true);
  });

  it('runs through the real CLI binary against the devnet (exit codes)', async () => {
    const net = await devnet();
    const cwd = await mkdtemp(join(tmpdir(), 'cwd-'));
    const run = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const p = spawn(process.execPath, [join(root, 'bin', 'sealer-recover.js'), ...args], { cwd, env: { ...process.env, ...env } });
        let out = '';
        let err = '';
        p.stdout.on('data', (c) => (out += c));
        p.stderr.on('data', (c) => (err += c));
        p.on('close', (code) => resolve({ code, out, err }));
      });
    const ok = await run(['export', '--miner', 'f01000', '1', '2'], { FULLNODE_API_INFO: net.apiInfo });
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/export 2 sectors, failed sectors: \[\]/);
    const bad = await run(['export', '--miner', 'f3abc', '1'], { FULLNODE_API_INFO: net.apiInfo });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/BLS key \(f3\) address, but an ID address/);
    const none = await run(['recover', '--sealing-temp', join(cwd, 't'), '--sealing-result', join(cwd, 'r')], {});
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/at least one sector must be specified/);
  }, 30_000);
});
