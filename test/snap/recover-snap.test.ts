// Recovery of a SnapDeals-upgraded sector end to end through the CLI command (native pipeline):
// devnet sector 5 (fixtures/devnet/network.json) is the oracle's snap vector
// 2KiB-V1_1-cc-f01000-s5-snap-devnet — a CC key sealed by rust-fil-proofs, one deal piece encoded
// into it by encode_into. The published update/ + update-cache/ must equal the reference's files;
// a wrong SectorKeyCID or SealedCID must publish nothing.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../src/cli/commands/export.js';
import { runRecover } from '../../src/cli/commands/recover.js';
import { loadNetwork } from '../../src/devnet/network.js';
import { startDevnet, type Devnet } from '../../src/devnet/server.js';
import { loadFamilyVector, loadVector, type SnapVector } from '../helpers/vectors.js';
import { dirs, listTree } from '../recover/helpers/setup.js';
import { withCachePath } from '../seal/helpers/oracle-files.js';
import { writeSnapExportInputs } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pieceDir = join(root, 'fixtures', 'devnet', 'pieces');
const v = loadFamilyVector<SnapVector>('snap', '2KiB-V1_1-cc-f01000-s5-snap-devnet');
const NAME = 's-t01000-5';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function sink() {
  const s = new PassThrough();
  let text = '';
  s.on('data', (c) => (text += c));
  return { s, text: () => text };
}

/** update/ and update-cache/ as encode_into wrote them; t_aux naming the key's cache dir in the layout. */
async function expectUpdateLikeOracle(result: string) {
  expect(sha(await readFile(join(result, 'update', NAME))), 'update (new replica)').toBe(v.files.update.sha256);
  const uc = join(result, 'update-cache', NAME);
  expect((await readdir(uc)).sort()).toEqual(['p_aux', 'sc-02-data-tree-r-last.dat', 't_aux']);
  for (const f of ['p_aux', 'sc-02-data-tree-r-last.dat']) expect(sha(await readFile(join(uc, f))), f).toBe(v.files['update-cache'][f]!.sha256);
  const ref = v.files['update-cache']['t_aux']!;
  const expected = withCachePath(Buffer.from(ref.base64!, 'base64'), v.sector_key.files['t_aux']!.cache_path!, resolve(join(result, 'cache', NAME)));
  expect((await readFile(join(uc, 't_aux'))).toString('hex'), 't_aux').toBe(expected.toString('hex'));
}

describe('recover a snap-upgraded sector (devnet sector 5)', () => {
  let net: Devnet;
  beforeAll(async () => {
    net = await startDevnet(await loadNetwork(join(root, 'fixtures', 'devnet', 'network.json')));
  });
  afterAll(async () => net.close());

  it('the devnet fixture is the oracle vector: SealedCID = comm_r_new, SectorKeyCID = the key, deal 2 = the data piece', async () => {
    const netJson = JSON.parse(await readFile(join(root, 'fixtures', 'devnet', 'network.json'), 'utf8'));
    const s = netJson.miners[0].sectors.find((x: { number: number }) => x.number === 5);
    expect([s.sealedCID, s.sectorKeyCID, s.unsealedCID]).toEqual([v.comm_r_new_cid, v.sector_key.comm_r_cid, v.comm_d_new_cid]);
    expect(s.ticket).toBe(v.sector_key.ticket);
    expect(loadVector('2KiB-V1_1-cc-f01000-s5').comm_r_cid).toBe(v.sector_key.comm_r_cid);
    const deal = netJson.deals.find((d: { id: number }) => d.id === s.dealIDs[0]);
    expect(deal.pieceCID).toBe(v.pieces.find((p) => !p.filler)!.cid);
  });

  it('from the node: update/ + update-cache/ equal the reference, no sealed/ or cache/ without --keep-sector-key', async () => {
    const d = await dirs();
    const out = sink();
    const code = await runRecover(
      { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, miner: 'f01000', numbers: ['5'], pieceDir, json: true },
      { stdout: out.s, stderr: sink().s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo } },
    );
    const s = JSON.parse(out.text()).sectors[0];
    expect([s.status, s.reason]).toEqual(['recovered', undefined]);
    expect(code).toBe('ok');
    expect(s.commR).toEqual({ expected: v.sector_key.comm_r, got: v.sector_key.comm_r });
    expect(s.update).toMatchObject({ sealedCid: v.comm_r_new_cid, commD: v.comm_d_new, commR: { expected: v.comm_r_new, got: v.comm_r_new } });
    await expectUpdateLikeOracle(d.result);
    expect((await listTree(d.result)).filter((f) => /(^|\/)(sealed|cache)\//.test(f))).toEqual([]);
  }, 60_000);

  it('export file carries SectorKeyCID; recover from it with --keep-sector-key also publishes the key', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'snap-export-'));
    await runExport({ miner: 'f01000', numbers: ['5'] }, { stdout: sink().s, stderr: sink().s, tty: false, env: { FULLNODE_API_INFO: net.apiInfo }, cwd });
    const file = join(cwd, 'sectors-recovery-f01000.json');
    const j = JSON.parse(await readFile(file, 'utf8'));
    expect(j.SectorInfos[0]).toMatchObject({ SealedCID: { '/': v.comm_r_new_cid }, SectorKeyCID: { '/': v.sector_key.comm_r_cid }, DealIDs: [2] });
    const d = await dirs();
    const out = sink();
    const code = await runRecover(
      { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, sectorsRecoveryMetadata: file, numbers: ['5'], pieceDir, keepSectorKey: true, json: true },
      { stdout: out.s, stderr: sink().s, tty: false, cwd: process.cwd(), env: {} },
    );
    expect(JSON.parse(out.text()).sectors[0].status).toBe('recovered');
    expect(code).toBe('ok');
    await expectUpdateLikeOracle(d.result);
    expect(sha(await readFile(join(d.result, 'sealed', NAME))), 'sector key').toBe(v.sector_key.files['sealed']!.sha256);
    expect(sha(await readFile(join(d.result, 'cache', NAME, 'p_aux')))).toBe(v.sector_key.files['p_aux']!.sha256);
  }, 60_000);

  it('a wrong SectorKeyCID or a wrong SealedCID: mismatch naming the CID, nothing published, exit incomplete', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'snap-export-'));
    await runExport({ miner: 'f01000', numbers: ['5'] }, { stdout: sink().s, stderr: sink().s, tty: false, env: { FULLNODE_API_INFO: net.apiInfo }, cwd });
    const good = JSON.parse(await readFile(join(cwd, 'sectors-recovery-f01000.json'), 'utf8'));
    const other = loadVector('2KiB-V1_1-cc-f01000-s2').comm_r_cid;
    const variants: [string, (j: any) => void, RegExp][] = [
      ['SectorKeyCID', (j) => (j.SectorInfos[0].SectorKeyCID = { '/': other }), new RegExp(`SectorKeyCID ${other}`)],
      ['SealedCID', (j) => (j.SectorInfos[0].SealedCID = { '/': other }), new RegExp(`SealedCID ${other}`)],
    ];
    for (const [what, mutate, reason] of variants) {
      const j = structuredClone(good);
      mutate(j);
      const file = join(cwd, `${what}.json`);
      await writeFile(file, JSON.stringify(j));
      const d = await dirs();
      const out = sink();
      const code = await runRecover(
        { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, sectorsRecoveryMetadata: file, numbers: ['5'], pieceDir, keepSectorKey: true, json: true },
        { stdout: out.s, stderr: sink().s, tty: false, cwd: process.cwd(), env: {} },
      );
      const s = JSON.parse(out.text()).sectors[0];
      expect([what, s.status]).toEqual([what, 'mismatch']);
      expect(s.reason).toMatch(reason);
      expect(s.reason).toMatch(/nothing was published/);
      expect(code).toBe('incomplete');
      expect((await listTree(d.result)).filter((f) => f.includes('s-t0'))).toEqual([]);
    }
  }, 120_000);
});

describe('recover an 8MiB snap-upgraded sector with three deals from an export file', () => {
  const v8 = loadFamilyVector<SnapVector>('snap', '8MiB-V1_1-cc-f01000-s5-snap-multi');

  it('update/ + update-cache/ equal the reference (alignment and filler pieces, rows_to_discard 2)', async () => {
    const d = await dirs();
    const { pieceDir: pieces, exportFile: file } = await writeSnapExportInputs(v8, d.root, 5);
    const out = sink();
    const code = await runRecover(
      { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, sectorsRecoveryMetadata: file, numbers: ['5'], pieceDir: pieces, json: true },
      { stdout: out.s, stderr: sink().s, tty: false, cwd: process.cwd(), env: {} },
    );
    const s = JSON.parse(out.text()).sectors[0];
    expect([s.status, s.reason]).toEqual(['recovered', undefined]);
    expect(code).toBe('ok');
    expect(sha(await readFile(join(d.result, 'update', NAME)))).toBe(v8.files.update.sha256);
    const uc = join(d.result, 'update-cache', NAME);
    expect((await readdir(uc)).sort()).toEqual(['p_aux', 'sc-02-data-tree-r-last.dat', 't_aux']);
    for (const f of ['p_aux', 'sc-02-data-tree-r-last.dat']) expect(sha(await readFile(join(uc, f))), f).toBe(v8.files['update-cache'][f]!.sha256);
  }, 300_000);
});

describe('pre-flight counts the update as well as the key', () => {
  it('space for the key alone is not enough for a snapped sector: refused before any work, nothing published', async () => {
    const net = await startDevnet(await loadNetwork(join(root, 'fixtures', 'devnet', 'network.json')));
    try {
      const { sectorNeeds } = await import('../../src/recover/preflight.js');
      const { realHostProbe } = await import('../../src/recover/preflight.js');
      const { readProofsSettings } = await import('../../src/sector/settings.js');
      const { sealProof } = await import('../../src/proofs/registry.js');
      // temp and result on one filesystem: a CC sector of this size fits in exactly this much
      const cc = sectorNeeds(sealProof(5), { staged: false, keepPrecommitFiles: false, settings: readProofsSettings({}) });
      const { parentsCacheBytes } = await import('../../src/seal/parents-cache.js');
      // (plus the parents cache, in case this machine has none yet)
      const probe = { ...realHostProbe, freeBytes: async () => cc.temp + cc.result + parentsCacheBytes(sealProof(5)), device: async () => 1n };
      const d = await dirs();
      const out = sink();
      await expect(
        runRecover(
          { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, miner: 'f01000', numbers: ['5'], pieceDir, json: true },
          { stdout: out.s, stderr: sink().s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo }, probe },
        ),
      ).rejects.toThrow(/pre-flight check failed/);
      expect((await listTree(d.result).catch(() => [])).filter((f) => f.includes('s-t0'))).toEqual([]);
      // and the same space recovers CC sector 1
      const d1 = await dirs();
      const code = await runRecover(
        { parallel: 1, sealingTemp: d1.temp, sealingResult: d1.result, miner: 'f01000', numbers: ['1'], json: true },
        { stdout: sink().s, stderr: sink().s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo }, probe },
      );
      expect(code).toBe('ok');
    } finally {
      await net.close();
    }
  }, 60_000);
});

describe('resume', () => {
  it('an update that fails after the key was sealed: the rerun reuses the key and publishes the update', async () => {
    const { nativeSealer } = await import('../../src/recover/sealer.js');
    const net = await startDevnet(await loadNetwork(join(root, 'fixtures', 'devnet', 'network.json')));
    try {
      const real = nativeSealer();
      let seals = 0;
      let failNext = true;
      const sealer = {
        name: 'native-with-a-fault',
        seal: async (j: Parameters<typeof real.seal>[0]) => (seals++, real.seal(j)),
        encodeUpdate: async (j: Parameters<NonNullable<typeof real.encodeUpdate>>[0]) => {
          if (failNext) {
            failNext = false;
            throw new Error('simulated crash while encoding the update');
          }
          return real.encodeUpdate!(j);
        },
      };
      const d = await dirs();
      const args = { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, miner: 'f01000', numbers: ['5'], pieceDir, json: true };
      const deps = { stderr: sink().s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo }, sealer };
      const first = sink();
      expect(await runRecover(args, { ...deps, stdout: first.s })).toBe('incomplete');
      expect(JSON.parse(first.text()).sectors[0]).toMatchObject({ status: 'failed', reason: 'simulated crash while encoding the update' });
      expect((await listTree(d.result).catch(() => [])).filter((f) => f.includes('s-t0'))).toEqual([]);
      const second = sink();
      expect(await runRecover(args, { ...deps, stdout: second.s })).toBe('ok');
      expect(JSON.parse(second.text()).sectors[0]).toMatchObject({ status: 'recovered', resumed: true });
      expect(seals).toBe(1); // the key was not sealed again
      await expectUpdateLikeOracle(d.result);
    } finally {
      await net.close();
    }
  }, 60_000);
});

describe('disk full while encoding the update', () => {
  it('names the step (sealing) and --sealing-temp, publishes nothing', async () => {
    const { nativeSealer } = await import('../../src/recover/sealer.js');
    const net = await startDevnet(await loadNetwork(join(root, 'fixtures', 'devnet', 'network.json')));
    try {
      const real = nativeSealer();
      const sealer = {
        name: 'native-with-a-full-disk',
        seal: (j: Parameters<typeof real.seal>[0]) => real.seal(j),
        encodeUpdate: async () => {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
      };
      const d = await dirs();
      const out = sink();
      const args = { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, miner: 'f01000', numbers: ['5'], pieceDir, json: true };
      expect(await runRecover(args, { stdout: out.s, stderr: sink().s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo }, sealer })).toBe('incomplete');
      const s = JSON.parse(out.text()).sectors[0];
      expect(s.status).toBe('failed');
      expect(s.reason).toMatch(new RegExp(`^the disk is full \\(ENOSPC\\) while sealing ${NAME}: nothing half-finished was published.*Free space on --sealing-temp ${d.temp} `));
      expect((await listTree(d.result).catch(() => [])).filter((f) => f.includes('s-t0'))).toEqual([]);
    } finally {
      await net.close();
    }
  }, 60_000);
});

describe('update/ in the result path: already there, half there, --overwrite', () => {
  it('complete → skipped; one half → refused before work; --overwrite backs up and publishes again', async () => {
    const { rm: rmp } = await import('node:fs/promises');
    const net = await startDevnet(await loadNetwork(join(root, 'fixtures', 'devnet', 'network.json')));
    try {
      const d = await dirs();
      const base = { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, miner: 'f01000', numbers: ['5'], pieceDir, json: true };
      const deps = () => ({ stderr: sink().s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo } });
      expect(await runRecover(base, { ...deps(), stdout: sink().s })).toBe('ok');
      const again = sink();
      await runRecover(base, { ...deps(), stdout: again.s });
      expect(JSON.parse(again.text()).sectors[0]).toMatchObject({ status: 'skipped', kind: 'already-present' });
      // complete but damaged (one byte of the new replica): not "already present", the failed quick check named
      const upd = join(d.result, 'update', NAME);
      const bytes = await readFile(upd);
      bytes[1000] = bytes[1000]! ^ 1;
      await writeFile(upd, bytes);
      const damaged = sink();
      expect(await runRecover(base, { ...deps(), stdout: damaged.s })).toBe('incomplete');
      const ds = JSON.parse(damaged.text()).sectors[0];
      expect(ds).toMatchObject({ status: 'failed', kind: 'damaged-published', damage: [{ check: 'replica-sample' }] });
      expect(ds.reason).toMatch(/published update .*update\/s-t01000-5.* is damaged .*--overwrite/);
      // one half gone: lotus could not prove it; nothing starts without the operator's word
      await rmp(join(d.result, 'update-cache', NAME), { recursive: true });
      await expect(runRecover(base, { ...deps(), stdout: sink().s })).rejects.toThrow(/holds half of 1 requested sector.*--overwrite/s);
      const over = sink();
      expect(await runRecover({ ...base, overwrite: true }, { ...deps(), stdout: over.s })).toBe('ok');
      expect(JSON.parse(over.text()).sectors[0].status).toBe('recovered');
      await expectUpdateLikeOracle(d.result);
      const backups = (await listTree(d.result)).filter((f) => f.includes('sealer-recover-backup') && f.endsWith(`update/${NAME}`));
      expect(backups).toHaveLength(1);
    } finally {
      await net.close();
    }
  }, 60_000);
});
