// verify on a SnapDeals-upgraded sector (docs/verify.md#snap-upgraded-sectors). The store is made by
// the real recover pipeline from the bundled devnet (sector 5, the oracle vector
// snap/2KiB-V1_1-cc-f01000-s5-snap-devnet) with --keep-sector-key, and its files are held against the
// oracle's digests, so what verify reads are the reference's bytes. Expected commitments come from the
// vector: comm_c, comm_r_last_new, comm_r_new (SealedCID) and the key's comm_r (SectorKeyCID).
import { createHash } from 'node:crypto';
import { cp, mkdtemp, open, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../src/cli/commands/export.js';
import { runRecover } from '../../src/cli/commands/recover.js';
import { runVerify, type VerifyArgs } from '../../src/cli/commands/verify.js';
import { loadNetwork } from '../../src/devnet/network.js';
import { startDevnet, type Devnet } from '../../src/devnet/server.js';
import type { Check } from '../../src/verify/findings.js';
import type { SectorVerdict, VerifyReport } from '../../src/verify/report.js';
import { loadFamilyVector, type SnapVector } from '../helpers/vectors.js';
import { writeSnapExportInputs } from '../snap/helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const v = loadFamilyVector<SnapVector>('snap', '2KiB-V1_1-cc-f01000-s5-snap-devnet');
const NAME = 's-t01000-5';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let net: Devnet;
let scratch = '';
/** sealed/ + cache/ (the key) and update/ + update-cache/ */
let full = '';
/** as lotus leaves it after ReleaseSectorKey: cache/ kept, sealed/ gone */
let released = '';

function sink() {
  const s = new PassThrough();
  let text = '';
  s.on('data', (c) => (text += c));
  return { s, text: () => text };
}

async function verify(args: Partial<VerifyArgs> & { sealingResult: string }, opts: { chain?: boolean; json?: boolean } = {}) {
  const out = sink();
  const json = opts.json ?? true;
  const code = await runVerify(
    { json, ...args },
    { stdout: out.s, stderr: sink().s, tty: false, cwd: process.cwd(), env: opts.chain === false ? {} : { FULLNODE_API_INFO: net.apiInfo } },
  );
  return { code, text: out.text(), report: json ? (JSON.parse(out.text()) as VerifyReport) : undefined };
}

const only = (r: VerifyReport | undefined): SectorVerdict => {
  expect(r!.sectors.map((s) => s.name)).toEqual([NAME]);
  return r!.sectors[0]!;
};
const failed = (s: SectorVerdict) => s.checks.filter((c) => !c.ok).map((c) => `${c.replica}:${c.name}`);
const find = (s: SectorVerdict, replica: string, name: string): Check => {
  const c = s.checks.find((x) => x.replica === replica && x.name === name);
  expect(c, `${replica} ${name}`).toBeDefined();
  return c!;
};

async function fresh(pristine: string): Promise<string> {
  const d = await mkdtemp(join(scratch, 'case-'));
  await cp(pristine, d, { recursive: true });
  return d;
}

beforeAll(async () => {
  net = await startDevnet(await loadNetwork(join(root, 'fixtures', 'devnet', 'network.json')));
  scratch = await mkdtemp(join(tmpdir(), 'sealer-recover-verify-snap-'));
  full = join(scratch, 'full');
  const out = sink();
  const code = await runRecover(
    {
      parallel: 1,
      sealingTemp: join(scratch, 'temp'),
      sealingResult: full,
      miner: 'f01000',
      numbers: ['5'],
      pieceDir: join(root, 'fixtures', 'devnet', 'pieces'),
      keepSectorKey: true,
      json: true,
    },
    { stdout: out.s, stderr: sink().s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo } },
  );
  expect(code).toBe('ok');
  // the store holds the reference's bytes
  expect(sha(await readFile(join(full, 'update', NAME)))).toBe(v.files.update.sha256);
  for (const f of ['p_aux', 'sc-02-data-tree-r-last.dat']) expect(sha(await readFile(join(full, 'update-cache', NAME, f))), f).toBe(v.files['update-cache'][f]!.sha256);
  expect(sha(await readFile(join(full, 'sealed', NAME)))).toBe(v.sector_key.files['sealed']!.sha256);
  released = join(scratch, 'released');
  await cp(full, released, { recursive: true });
  await unlink(join(released, 'sealed', NAME));
}, 60_000);

afterAll(async () => {
  await net?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('verify a snap-upgraded sector', () => {
  it('sector key released (sealed/ gone, as lotus leaves it): quick and deep pass, against SealedCID = comm_r_new', async () => {
    for (const deep of [false, true]) {
      const { code, report } = await verify({ sealingResult: released, deep });
      const s = only(report);
      expect([deep, s.status, failed(s)]).toEqual([deep, 'ok', []]);
      expect(code).toBe('ok');
      expect(s.snapped).toBe(true);
      expect(s.commR).toBe(v.comm_r_new);
      expect(find(s, 'update', 'p_aux').detail).toBe(`comm_c ${v.comm_c}, comm_r_last ${v.comm_r_last_new}`);
      expect(find(s, 'update', 'chain-comm_r').expected).toBe(v.comm_r_new_cid);
      expect(find(s, 'update', 'update-file').ok).toBe(true);
      expect(find(s, 'update', 'replica-sample').ok).toBe(true);
      expect(find(s, 'sealed', 'sector-key').detail).toMatch(/sealed\/ is absent: the sector key was released/);
      expect(find(s, 'update', 'update-comm_c').ok).toBe(true);
      expect(s.checks.every((c) => c.replica === 'update' || c.name === 'sector-key')).toBe(true);
      if (deep) expect(find(s, 'update', 'replica-tree-r-last').detail).toContain(`root ${v.comm_r_last_new}); Poseidon_2(comm_c, rebuilt root) = ${v.comm_r_new_cid}`);
    }
  }, 30_000);

  it('sector key kept: both replicas checked, update/ against SealedCID, sealed/ against SectorKeyCID', async () => {
    const { report } = await verify({ sealingResult: full, deep: true });
    const s = only(report);
    expect([s.status, failed(s)]).toEqual(['ok', []]);
    expect(find(s, 'update', 'chain-comm_r').expected).toBe(v.comm_r_new_cid);
    expect(find(s, 'sealed', 'chain-comm_r').expected).toBe(v.sector_key.comm_r_cid);
    expect(find(s, 'sealed', 'p_aux').detail).toBe(`comm_c ${v.sector_key.comm_c}, comm_r_last ${v.sector_key.comm_r_last}`);
    expect(find(s, 'sealed', 'replica-tree-r-last').ok).toBe(true);
    expect(find(s, 'update', 'replica-tree-r-last').ok).toBe(true);
    expect(s.checks.some((c) => c.name === 'sector-key')).toBe(false);
  }, 30_000);

  it('without a chain source: found as snapped from update/, comm_r = comm_r_new; the human table names it', async () => {
    const { report } = await verify({ sealingResult: released }, { chain: false });
    const s = only(report);
    expect([s.status, s.snapped, s.commR]).toEqual(['ok', true, v.comm_r_new]);
    expect(find(s, 'update', 'comm_r').found).toBe(v.comm_r_new_cid);
    const human = await verify({ sealingResult: released }, { chain: false, json: false });
    expect(human.text).toMatch(/f01000\/5 +StackedDrg2KiBV1_1 \(snapped\) +ok +update\/ CommR 0c0d24ff/);
  });

  it('one flipped byte in update/: deep blames the update replica; quick catches it too (2KiB: the sample covers the whole replica)', async () => {
    const d = await fresh(released);
    const fh = await open(join(d, 'update', NAME), 'r+');
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, 1000); // node 31, low byte: stays a field element
    b[0]! ^= 0x01;
    await fh.write(b, 0, 1, 1000);
    await fh.close();
    const quick = only((await verify({ sealingResult: d })).report);
    expect([quick.status, failed(quick)]).toEqual(['damaged', ['update:replica-sample']]);
    expect(find(quick, 'update', 'replica-sample').detail).toMatch(/do not hash from the update replica: tree-r-last agrees with p_aux, so the update replica is the wrong one/);
    const { code, report, text } = await verify({ sealingResult: d, deep: true });
    const s = only(report);
    expect([s.status, failed(s)]).toEqual(['damaged', ['update:replica-sample', 'update:replica-tree-r-last']]);
    expect(code).toBe('incomplete');
    const c = find(s, 'update', 'replica-tree-r-last');
    expect(c.detail).toMatch(/^the update replica is damaged .*covering update-replica bytes 0…2047\)/);
    expect(c.expected).toBe(v.comm_r_last_new);
    expect(c.found).not.toBe(v.comm_r_last_new);
    expect(text).toContain('"replica": "update"');
  }, 30_000);

  it('update-cache tree-r-last deleted: quick reports it missing, named under update-cache/', async () => {
    const d = await fresh(released);
    const tree = join(d, 'update-cache', NAME, 'sc-02-data-tree-r-last.dat');
    await unlink(tree);
    const { report, code } = await verify({ sealingResult: d });
    const s = only(report);
    expect([s.status, failed(s)]).toEqual(['missing', ['update:tree-r-last-files']]);
    expect(find(s, 'update', 'tree-r-last-files').missing).toEqual([tree]);
    expect(code).toBe('incomplete');
    const human = await verify({ sealingResult: d }, { json: false });
    expect(human.text).toContain(`[update] tree-r-last-files: 1 of 1 tree-r-last file(s) missing (${tree})`);
  });

  it('update/ without update-cache/, and the reverse: an update-pair finding with the fix', async () => {
    const a = await fresh(released);
    await rename(join(a, 'update-cache', NAME), join(a, 'gone'));
    const sa = only((await verify({ sealingResult: a })).report);
    expect(sa.status).toBe('missing');
    const pa = find(sa, 'update', 'update-pair');
    expect(pa.missing).toEqual([join(a, 'update-cache', NAME)]);
    expect(pa.detail).toMatch(/update\/s-t01000-5 is present but .*update-cache\/s-t01000-5 is missing: .*Restore the missing half .*recover the sector again/);

    const b = await fresh(released);
    await unlink(join(b, 'update', NAME));
    const sb = only((await verify({ sealingResult: b }, { chain: false })).report);
    expect(sb.snapped).toBe(true);
    expect(failed(sb)).toEqual(['update:update-pair', 'update:update-file']);
    expect(find(sb, 'update', 'update-pair').missing).toEqual([join(b, 'update', NAME)]);
  });

  it('the chain says snapped but only the sector key is on disk: update/ is reported missing, not a good sealed/', async () => {
    const d = await fresh(full);
    await rm(join(d, 'update'), { recursive: true });
    await rm(join(d, 'update-cache'), { recursive: true });
    const s = only((await verify({ sealingResult: d })).report);
    expect(s.snapped).toBe(true);
    expect(s.status).toBe('missing');
    expect(find(s, 'update', 'update-file').missing).toEqual([join(d, 'update', NAME)]);
    // the key itself is still fine against SectorKeyCID
    expect(find(s, 'sealed', 'chain-comm_r').ok).toBe(true);
  });

  it('from an export file: SectorKeyCID for sealed/, SealedCID for update/; without SectorKeyCID sealed/ has nothing to compare with', async () => {
    const cwd = await mkdtemp(join(scratch, 'export-'));
    await runExport({ miner: 'f01000', numbers: ['5'] }, { stdout: sink().s, stderr: sink().s, tty: false, env: { FULLNODE_API_INFO: net.apiInfo }, cwd });
    const file = join(cwd, 'sectors-recovery-f01000.json');
    const s = only((await verify({ sealingResult: full, sectorsRecoveryMetadata: file }, { chain: false })).report);
    expect([s.status, failed(s)]).toEqual(['ok', []]);
    expect(find(s, 'update', 'chain-comm_r').expected).toBe(v.comm_r_new_cid);
    expect(find(s, 'sealed', 'chain-comm_r').expected).toBe(v.sector_key.comm_r_cid);

    const j = JSON.parse(await readFile(file, 'utf8'));
    delete j.SectorInfos[0].SectorKeyCID;
    const noKey = join(cwd, 'no-key.json');
    await writeFile(noKey, JSON.stringify(j));
    const t = only((await verify({ sealingResult: full, sectorsRecoveryMetadata: noKey }, { chain: false })).report);
    expect([t.status, failed(t)]).toEqual(['ok', []]);
    expect(find(t, 'update', 'chain-comm_r').detail).toMatch(/records give no SectorKeyCID/);
    expect(t.checks.some((c) => c.replica === 'sealed' && c.name === 'chain-comm_r')).toBe(false);
    expect(find(t, 'sealed', 'proof-type').detail).toMatch(/StackedDrg2KiBV1_1 \(from the records\)/);
  });

  it("update-cache/'s comm_c replaced: update-comm_c names both values, chain-comm_r blames comm_c", async () => {
    const d = await fresh(released);
    const pAux = join(d, 'update-cache', NAME, 'p_aux');
    // comm_r_last_new in both halves: still two field elements, comm_r_last still matches tree-r-last
    await writeFile(pAux, Buffer.from(v.comm_r_last_new + v.comm_r_last_new, 'hex'));
    const s = only((await verify({ sealingResult: d })).report);
    expect([s.status, failed(s)]).toEqual(['damaged', ['update:chain-comm_r', 'update:update-comm_c']]);
    const c = find(s, 'update', 'update-comm_c');
    expect([c.expected, c.found]).toEqual([v.sector_key.comm_c, v.comm_r_last_new]);
    expect(find(s, 'update', 'chain-comm_r').detail).toMatch(/p_aux's comm_c is damaged/);
  });
});

describe('verify an 8MiB snapped sector (three deals, oracle vector 8MiB-V1_1-cc-f01000-s5-snap-multi)', () => {
  const v8 = loadFamilyVector<SnapVector>('snap', '8MiB-V1_1-cc-f01000-s5-snap-multi');

  it('a flipped byte outside the sampled slices: quick passes, deep names the row-3 node and its update-replica byte range', async () => {
    const d = await mkdtemp(join(scratch, 'big-'));
    const { pieceDir: pieces, exportFile: file } = await writeSnapExportInputs(v8, d, 5);
    const result = join(d, 'result');
    const code = await runRecover(
      { parallel: 1, sealingTemp: join(d, 'temp'), sealingResult: result, sectorsRecoveryMetadata: file, numbers: ['5'], pieceDir: pieces, json: true },
      { stdout: sink().s, stderr: sink().s, tty: false, cwd: process.cwd(), env: {} },
    );
    expect(code).toBe('ok');
    expect(sha(await readFile(join(result, 'update', NAME)))).toBe(v8.files.update.sha256);

    const clean = only((await verify({ sealingResult: result, sectorsRecoveryMetadata: file, deep: true }, { chain: false })).report);
    expect([clean.status, failed(clean), clean.commR]).toEqual(['ok', [], v8.comm_r_new]);
    expect(find(clean, 'update', 'chain-comm_r').expected).toBe(v8.comm_r_new_cid);

    // 8MiB: one base tree of 8^6 nodes; with rows_to_discard 2 the lowest stored row is row 3, 512
    // nodes of 512 leaves (16 KiB) each; the quick scan samples nodes 0, 256 and 511. Node 100 is not.
    const at = (100 * 512 + 7) * 32 + 3;
    const fh = await open(join(result, 'update', NAME), 'r+');
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, at);
    b[0] = b[0]! ^ 0x01;
    await fh.write(b, 0, 1, at);
    await fh.close();
    const quick = only((await verify({ sealingResult: result, sectorsRecoveryMetadata: file }, { chain: false })).report);
    expect([quick.status, failed(quick)]).toEqual(['ok', []]);
    const deep = only((await verify({ sealingResult: result, sectorsRecoveryMetadata: file, deep: true }, { chain: false })).report);
    expect([deep.status, failed(deep)]).toEqual(['damaged', ['update:replica-tree-r-last']]);
    expect(find(deep, 'update', 'replica-tree-r-last').detail).toMatch(
      new RegExp(`^the update replica is damaged .*row 3 node 100, covering update-replica bytes ${100 * 512 * 32}…${101 * 512 * 32 - 1}\\)`),
    );
  }, 60_000);
});

