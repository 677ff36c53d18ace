// Real recoveries through src/seal/seal.ts (the native pipeline) of the bundled devnet sectors,
// compared byte for byte with the files rust-fil-proofs wrote (fixtures/vectors). The 8MiB
// kill -9 / resume case takes a few seconds (up to ~20 s on a busy 2-core machine).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile, mkdtemp, mkdir, access } from 'node:fs/promises';
import { fr32Pad } from '../../src/proofs/fr32.js';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { runRecover } from '../../src/cli/commands/recover.js';
import { realHostProbe } from '../../src/recover/preflight.js';
import { runExport } from '../../src/cli/commands/export.js';
import { startDevnet, type Devnet } from '../../src/devnet/server.js';
import { loadNetwork } from '../../src/devnet/network.js';
import { loadVector, type OracleVector } from '../helpers/vectors.js';
import { dirs, listTree } from './helpers/setup.js';
import { withCachePath } from '../seal/helpers/oracle-files.js';
import { skipUnless } from '../helpers/requires.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hasSealer = existsSync(join(root, 'src', 'seal', 'seal.ts')) && existsSync(join(root, 'native', 'sdr', 'build', 'Release', 'sdr.node'));
const noSealer = skipUnless(hasSealer, 'the native sealer is not built (native/sdr/build/Release/sdr.node): run `npm run build:native`');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const exists = (p: string) => access(p).then(() => true, () => false);

function quiet() {
  const s = new PassThrough();
  let text = '';
  s.on('data', (c) => (text += c));
  return { s, text: () => text };
}

/** Published files must equal the oracle's; t_aux with the oracle's cache path swapped for the published cache dir. */
async function expectLikeOracle(result: string, name: string, v: OracleVector, precommitFiles = false) {
  const cache = join(result, 'cache', name);
  const extra = ['sc-02-data-layer-1.dat', 'sc-02-data-layer-2.dat', 'sc-02-data-tree-c.dat', 'sc-02-data-tree-d.dat'];
  expect((await readdir(cache)).sort()).toEqual(['p_aux', ...(precommitFiles ? extra : []), 'sc-02-data-tree-r-last.dat', 't_aux']);
  // a pre-committed sector keeps what ProveCommit (C1) reads: the same bytes rust wrote
  if (precommitFiles) for (const f of extra) expect([f, sha(await readFile(join(cache, f)))]).toEqual([f, v.files[f]!.sha256]);
  expect(sha(await readFile(join(result, 'sealed', name)))).toBe(v.files.sealed!.sha256);
  expect(sha(await readFile(join(cache, 'p_aux')))).toBe(v.files.p_aux!.sha256);
  expect(sha(await readFile(join(cache, 'sc-02-data-tree-r-last.dat')))).toBe(v.files['sc-02-data-tree-r-last.dat']!.sha256);
  // t_aux names the published cache dir, exactly as rust would have written it sealing there
  const ours = await readFile(join(cache, 't_aux'));
  const theirs = withCachePath(Buffer.from(v.files.t_aux!.base64!, 'base64'), v.files.t_aux!.cache_path!, resolve(cache));
  expect(ours.toString('hex')).toBe(theirs.toString('hex'));
}

describe.skipIf(noSealer)('end-to-end recovery with the native sealer (bundled devnet vs oracle)', () => {
  let net: Devnet;
  beforeAll(async () => {
    net = await startDevnet(await loadNetwork(join(root, 'fixtures', 'devnet', 'network.json')));
  });
  afterAll(async () => net.close());

  it('recovers sectors 1-4 (CC, pre-commit-only, deal) with --parallel 2: files byte-equal to the oracle', async () => {
    const d = await dirs();
    const out = quiet();
    const err = quiet();
    const code = await runRecover(
      { parallel: 2, sealingTemp: d.temp, sealingResult: d.result, miner: 'f01000', sectors: ['1', '2', '3', '4'], pieceDir: join(root, 'fixtures', 'devnet', 'pieces'), json: true },
      // one core: the two sectors in flight share one labeling thread
      { stdout: out.s, stderr: err.s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo }, probe: { ...realHostProbe, cpuCores: () => 1 } },
    );
    const rep = JSON.parse(out.text());
    expect(rep.sectors.map((s: { status: string; reason?: string }) => s.reason ?? s.status)).toEqual(['recovered', 'recovered', 'recovered', 'recovered']);
    expect(code).toBe('ok');
    const names = ['2KiB-V1_1-cc-f01000-s1', '2KiB-V1_1-cc-f01000-s2', '2KiB-V1_1-cc-f01000-s3', '2KiB-V1_1-deal-f01000-s4'];
    for (const [i, n] of names.entries()) {
      const v = loadVector(n);
      expect(rep.sectors[i].replicaId).toBe(v.replica_id);
      expect(rep.sectors[i].commC).toBe(v.comm_c);
      expect(rep.sectors[i].commRLast).toBe(v.comm_r_last);
      // sector 3 is pre-committed only on the devnet: its layers, tree-c and tree-d are kept
      expect(rep.sectors[i].keptPrecommitFiles).toBe(i === 2 ? true : undefined);
      // same proof, two at a time on one core: labeled in pairs by the multi-sector PC1
      expect(rep.sectors[i].pc1BatchSize).toBe(2);
      await expectLikeOracle(d.result, `s-t01000-${i + 1}`, v, i === 2);
    }
  }, 120_000);

  // one core: all four share one labeling thread; two cores: two threads of two sectors each, at once
  it.each([
    { cores: 1, batch: 4 },
    { cores: 2, batch: 2 },
  ])('--parallel 4 on $cores core(s): labeled $batch per multi-sector PC1 run, files byte-equal to the oracle', async ({ cores, batch }) => {
    const d = await dirs();
    const out = quiet();
    const err = quiet();
    const code = await runRecover(
      { parallel: 4, sealingTemp: d.temp, sealingResult: d.result, miner: 'f01000', sectors: ['1', '2', '3', '4'], pieceDir: join(root, 'fixtures', 'devnet', 'pieces'), json: true, logLevel: 'info' },
      { stdout: out.s, stderr: err.s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo }, probe: { ...realHostProbe, cpuCores: () => cores } },
    );
    const rep = JSON.parse(out.text());
    expect(rep.sectors.map((s: { status: string; reason?: string }) => s.reason ?? s.status)).toEqual(['recovered', 'recovered', 'recovered', 'recovered']);
    expect(code).toBe('ok');
    expect(rep.sectors.map((s: { pc1BatchSize?: number }) => s.pc1BatchSize)).toEqual(Array(4).fill(batch));
    expect(err.text().match(new RegExp(`^info  s-t01000-\\d: labeling together with other sectors \\(pc1Batch=${batch}, `, 'gm'))).toHaveLength(4);
    const names = ['2KiB-V1_1-cc-f01000-s1', '2KiB-V1_1-cc-f01000-s2', '2KiB-V1_1-cc-f01000-s3', '2KiB-V1_1-deal-f01000-s4'];
    for (const [i, n] of names.entries()) {
      const v = loadVector(n);
      expect([rep.sectors[i].commC, rep.sectors[i].commRLast, rep.sectors[i].commR.got]).toEqual([v.comm_c, v.comm_r_last, v.comm_r]);
      await expectLikeOracle(d.result, `s-t01000-${i + 1}`, v, i === 2);
    }
  }, 120_000);

  it('deal sector from an unsealed copy (lotus layout, with a trailer past the sector size)', async () => {
    const d = await dirs();
    const v = loadVector('2KiB-V1_1-deal-f01000-s4');
    const piece = await readFile(join(root, 'fixtures', 'vectors', 'piece-1016-sha256ctr-44.bin'));
    const staged = Buffer.alloc(2048);
    Buffer.from(fr32Pad(piece)).copy(staged, 0);
    expect(sha(staged)).toBe(v.staged.sha256); // the copy is what rust staged
    const unsealedDir = join(d.root, 'unsealed');
    await mkdir(unsealedDir);
    await writeFile(join(unsealedDir, 's-t01000-4'), Buffer.concat([staged, Buffer.from('lotus-partial-file-trailer')]));
    const out = quiet();
    const code = await runRecover(
      { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, miner: 'f01000', numbers: ['4'], unsealed: unsealedDir, json: true },
      { stdout: out.s, stderr: quiet().s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo } },
    );
    const s = JSON.parse(out.text()).sectors[0];
    expect([s.status, s.inputs.data, s.reason]).toEqual(['recovered', 'unsealed', undefined]);
    expect(code).toBe('ok');
    await expectLikeOracle(d.result, 's-t01000-4', v);
  }, 60_000);

  it('wrong ticket / wrong miner / tampered SealedCID → mismatch, nothing published, exit 1', async () => {
    const d = await dirs();
    const cwd = await mkdtemp(join(tmpdir(), 'cwd-'));
    const q = quiet();
    await runExport({ miner: 'f01000', numbers: ['1'] }, { stdout: q.s, stderr: q.s, tty: false, env: { FULLNODE_API_INFO: net.apiInfo }, cwd });
    const good = JSON.parse(await readFile(join(cwd, 'sectors-recovery-f01000.json'), 'utf8'));
    const variants: Record<string, (j: any) => void> = {
      ticket: (j) => (j.SectorInfos[0].Ticket = Buffer.alloc(32, 9).toString('base64')),
      miner: (j) => (j.Miner = 'f01001'),
      sealedCid: (j) => (j.SectorInfos[0].SealedCID = { '/': loadVector('2KiB-V1_1-cc-f01000-s2').comm_r_cid }),
    };
    for (const [what, mutate] of Object.entries(variants)) {
      const j = structuredClone(good);
      mutate(j);
      const file = join(cwd, `${what}.json`);
      await writeFile(file, JSON.stringify(j));
      const out = quiet();
      const code = await runRecover({ parallel: 1, sealingTemp: d.temp, sealingResult: d.result, sectorsRecoveryMetadata: file, numbers: ['1'], json: true }, { stdout: out.s, stderr: quiet().s, tty: false, cwd: process.cwd(), env: {} });
      const s = JSON.parse(out.text()).sectors[0];
      expect([what, s.status]).toEqual([what, 'mismatch']);
      expect(code).toBe('incomplete');
      expect((await listTree(d.result)).filter((f) => f.includes('s-t0'))).toEqual([]);
    }
  }, 120_000);
});

describe.skipIf(noSealer)('kill -9 in the middle of sealing, then rerun', () => {
  it('8MiB sector 5: the rerun resumes and the published files equal the oracle', async () => {
    const net = await startDevnet(await loadNetwork(join(root, 'fixtures', 'devnet', 'network-8mib.json')));
    try {
      const d = await dirs();
      const args = ['recover', '--miner', 'f01000', '5', '--sealing-temp', d.temp, '--sealing-result', d.result, '--json'];
      const env = { ...process.env, FULLNODE_API_INFO: net.apiInfo };
      const child = spawn(process.execPath, [join(root, 'bin', 'sealer-recover.js'), ...args], { env, stdio: 'ignore' });
      const layer1 = join(d.temp, 's-t01000-5', 'cache', 'pc1-state.json');
      // pc1-state.json lists finished layers: kill once layer 1 is recorded, i.e. during layer 2.
      // A layer takes about a second here: poll often so the kill lands inside layer 2.
      for (;;) {
        await new Promise((r) => setTimeout(r, 5));
        const st = await readFile(layer1, 'utf8').catch(() => '');
        const finished = (st ? (JSON.parse(st) as { finished: unknown[] }).finished : []) ?? [];
        if (finished.length >= 1) break;
        if (child.exitCode !== null) throw new Error('child finished before it could be killed');
      }
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // Killed mid-seal: at least one layer checkpointed, PC2 not finished (no p_aux yet). At 8MiB a
      // layer takes about a second and the layer-1 checkpoint can land late, so the kill may fall in
      // layer 2 or early in PC2; both must resume to the same bytes.
      const state = JSON.parse(await readFile(layer1, 'utf8')) as { finished: { layer: number }[] };
      expect(state.finished.length).toBeGreaterThanOrEqual(1);
      expect(await exists(join(d.temp, 's-t01000-5', 'cache', 'p_aux'))).toBe(false);
      expect(await exists(join(d.result, 'sealed', 's-t01000-5'))).toBe(false);
      const out = quiet();
      const code = await runRecover({ parallel: 1, sealingTemp: d.temp, sealingResult: d.result, miner: 'f01000', numbers: ['5'], json: true }, { stdout: out.s, stderr: quiet().s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo } });
      expect(code).toBe('ok');
      expect(JSON.parse(out.text()).sectors[0]).toMatchObject({ status: 'recovered', resumed: true });
      await expectLikeOracle(d.result, 's-t01000-5', loadVector('8MiB-V1_1-cc-f01000-s5'));
    } finally {
      await net.close();
    }
  }, 600_000);
});

describe.skipIf(noSealer)('kill -9 in the middle of a shared (multi-sector) labeling run, then rerun', () => {
  it('two 8MiB sectors labeled together: both resume and their published files equal the oracle', async () => {
    const d = await dirs();
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'recover', 'helpers', 'batch-child.ts'), d.temp, d.result], { stdio: 'ignore' });
    const states = ['s-t01000-1', 's-t01000-5'].map((n) => join(d.temp, n, 'cache', 'pc1-state.json'));
    const finished = async (p: string) => {
      const st = await readFile(p, 'utf8').catch(() => '');
      return st ? ((JSON.parse(st) as { finished?: unknown[] }).finished ?? []).length : 0;
    };
    // one run writes every sector's checkpoint, one after the other, at the end of each layer:
    // kill once layer 1 is recorded for both
    for (;;) {
      await new Promise((r) => setTimeout(r, 5));
      if ((await finished(states[0]!)) >= 1 && (await finished(states[1]!)) >= 1) break;
      if (child.exitCode !== null) throw new Error('child finished before it could be killed');
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    for (const p of states) expect(await finished(p)).toBeGreaterThanOrEqual(1);
    // killed before PC2 finished for either sector (no p_aux yet), nothing published
    for (const n of ['s-t01000-1', 's-t01000-5']) expect(await exists(join(d.temp, n, 'cache', 'p_aux'))).toBe(false);
    expect(await exists(join(d.result, 'sealed'))).toBe(false);

    const { batchRun, BATCH_VECTORS } = await import('./helpers/batch-run.js');
    const r = await batchRun(d.temp, d.result);
    expect(r.sectors.map((s) => [s.status, s.resumed, s.pc1BatchSize, s.reason])).toEqual([
      ['recovered', true, 2, undefined],
      ['recovered', true, 2, undefined],
    ]);
    await expectLikeOracle(d.result, 's-t01000-1', loadVector(BATCH_VECTORS[0]));
    await expectLikeOracle(d.result, 's-t01000-5', loadVector(BATCH_VECTORS[1]));
  }, 600_000);
});
