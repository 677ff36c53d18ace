// verify against real published sectors: CC vectors sealed by rust-fil-proofs (fixtures/vectors),
// re-sealed by our pipeline and checked against the oracle's digests before use. Expected
// commitments come from the vectors (comm_r, comm_r_last, comm_r_cid) and the devnet network file.
import { mkdir, mkdtemp, open, readFile, readdir, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { io } from '../helpers/io.js';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerify, type VerifyArgs } from '../../src/cli/commands/verify.js';
import { main } from '../../src/cli/main.js';
import type { VerifyReport, SectorVerdict } from '../../src/verify/report.js';
import type { CheckName } from '../../src/verify/findings.js';
import type { OracleVector } from '../helpers/vectors.js';
import { copyStore, publishVectors, sectorName } from './helpers/store.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NETWORK = path.join(root, 'fixtures', 'devnet', 'network.json');
const SMALL = ['2KiB-V1_1-cc-f01000-s1', '2KiB-V1_1-cc-f01000-s2', '2KiB-V1_1-cc-f01000-s3'];
const BIG = ['8MiB-V1_1-cc-f01000-s1'];

let scratch = '';
let small = '';
let big = '';
let vSmall: OracleVector[] = [];
let vBig: OracleVector;
const cases: string[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-verify-'));
  small = path.join(scratch, 'store-2k');
  big = path.join(scratch, 'store-8m');
  vSmall = await publishVectors(small, SMALL, path.join(scratch, 'work'));
  [vBig] = (await publishVectors(big, BIG, path.join(scratch, 'work'))) as [OracleVector];
});
afterAll(async () => {
  await Promise.all([scratch, ...cases].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
});

async function fresh(pristine: string): Promise<string> {
  const d = await copyStore(pristine);
  cases.push(d);
  return d;
}

async function verify(args: Partial<VerifyArgs> & { sealingResult: string }, env: NodeJS.ProcessEnv = {}) {
  const o = io();
  const code = await runVerify({ json: true, ...args }, { stdout: o.stdout, stderr: o.stderr, tty: false, cwd: process.cwd(), env });
  return { code, report: JSON.parse(o.out()) as VerifyReport, err: o.err() };
}

const sector = (r: VerifyReport, n: number | string): SectorVerdict => {
  const s = r.sectors.find((x) => x.sector === String(n));
  if (!s) throw new Error(`sector ${n} not in report: ${r.sectors.map((x) => x.sector).join(',')}`);
  return s;
};
const check = (s: SectorVerdict, name: CheckName) => {
  const c = s.checks.find((x) => x.name === name && !x.ok) ?? s.checks.find((x) => x.name === name);
  if (!c) throw new Error(`no ${name} check for sector ${s.sector}: ${JSON.stringify(s.checks)}`);
  return c;
};
const failed = (s: SectorVerdict) => s.checks.filter((c) => !c.ok).map((c) => c.name);

async function flipByte(file: string, offset: number, mask = 0x01): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, offset);
    b[0]! ^= mask;
    await fh.write(b, 0, 1, offset);
  } finally {
    await fh.close();
  }
}

describe('healthy stores', () => {
  it('2KiB: quick and deep pass; comm_r per sector is the oracle comm_r; the proof version is reported as assumed', async () => {
    for (const deep of [false, true]) {
      const { code, report } = await verify({ sealingResult: small, deep });
      expect(code).toBe('ok');
      expect(report.mode).toBe(deep ? 'deep' : 'quick');
      expect(report.summary).toEqual({ ok: 3, damaged: 0, missing: 0, error: 0 });
      for (const v of vSmall) {
        const s = sector(report, v.sector_id);
        expect(s.status, JSON.stringify(s.checks)).toBe('ok');
        expect(s.commR).toBe(v.comm_r);
        expect(check(s, 'comm_r').found).toBe(v.comm_r_cid);
        expect(s.proofAssumption).toMatch(/2KiB .*V1_1 assumed/);
        expect(s.checks.some((c) => c.name === 'replica-tree-r-last')).toBe(deep);
      }
    }
  });

  it('8MiB (585-node cached tree-r-last): quick and deep pass; comm_r and comm_r_last from the oracle', async () => {
    const { code, report } = await verify({ sealingResult: big, deep: true });
    expect(code).toBe('ok');
    const s = sector(report, 1);
    expect(s.status, JSON.stringify(s.checks)).toBe('ok');
    expect(s.commR).toBe(vBig.comm_r);
    expect(check(s, 'replica-tree-r-last').detail).toContain(vBig.comm_r_last);
    expect(check(s, 'tree-r-last-files').detail).toBe('1 × 18720 bytes');
  });

  it('with the devnet as chain source every CommR equals the on-chain SealedCID and the proof comes from the chain', async () => {
    const { code, report } = await verify({ sealingResult: small, devnet: NETWORK });
    expect(code).toBe('ok');
    const net = JSON.parse(await readFile(NETWORK, 'utf8'));
    for (const v of vSmall) {
      const s = sector(report, v.sector_id);
      const onChain = net.miners[0].sectors.find((x: { number: number }) => String(x.number) === v.sector_id).sealedCID;
      expect(check(s, 'chain-comm_r')).toMatchObject({ ok: true, expected: onChain });
      expect(onChain).toBe(v.comm_r_cid);
      expect(s.proof).toBe('StackedDrg2KiBV1_1');
      expect(s.proofAssumption).toBeUndefined();
    }
    expect(check(sector(report, 3), 'chain-comm_r').detail).toMatch(/pre-committed/);
  });

  it('t_aux decodes to the oracle\'s own decoding (paths aside)', async () => {
    const { decodeTAux } = await import('../../src/sector/aux-files.js');
    const t = decodeTAux(await readFile(path.join(small, 'cache', sectorName(vSmall[0]!), 't_aux')));
    const o = vSmall[0]!.files.t_aux!.decoded!;
    expect(t.treeRLast).toMatchObject({ id: o.tree_r_last.id, size: BigInt(o.tree_r_last.size!), rowsToDiscard: BigInt(o.tree_r_last.rows_to_discard) });
    expect(t.labels.map((l) => l.id)).toEqual(o.labels.map((l) => l.id));
  });
});

describe('damage is named', () => {
  it('one flipped byte in the sealed file: deep names the sector and the replica; quick catches it only where it samples', async () => {
    for (const [pristine, v] of [
      [small, vSmall[1]!],
      [big, vBig],
    ] as const) {
      const d = await fresh(pristine);
      // byte 4 of node 1000 (node 20 for 2KiB): a low byte, so the node stays a field element
      const node = v.proof.sector_size === '2048' ? 20 : 1000;
      await flipByte(path.join(d, 'sealed', sectorName(v)), node * 32 + 4);
      const quick = await verify({ sealingResult: d });
      // the quick replica sample recomputes 2KiB's whole tree (one stored node covers all 64 leaves),
      // but for 8MiB only row-3 nodes 0, 256 and 511 (node 1000 lies under node 1)
      if (v === vBig) expect(quick.code).toBe('ok');
      else expect(failed(sector(quick.report, v.sector_id))).toEqual(['replica-sample']);
      const deep = await verify({ sealingResult: d, deep: true });
      expect(deep.code).toBe('incomplete');
      const s = sector(deep.report, v.sector_id);
      expect(s.status).toBe('damaged');
      expect(failed(s)).toEqual(v === vBig ? ['replica-tree-r-last'] : ['replica-sample', 'replica-tree-r-last']);
      const c = check(s, 'replica-tree-r-last');
      expect(c.detail).toMatch(/sealed file is damaged/);
      expect(c.expected).toBe(v.comm_r_last);
      expect(c.found).not.toBe(v.comm_r_last);
      // one node of row k covers 8^k leaves: 512 replica nodes (16 KiB) for 8MiB's row 3; the whole 2KiB sector under its root
      if (v === vBig) expect(c.detail).toMatch(/row 3 node 1, covering sealed-file bytes 16384…32767\)/);
      else expect(c.detail).toMatch(/row 2 node 0, covering sealed-file bytes 0…2047\)/);
      // the other sectors stay ok
      for (const o of deep.report.sectors.filter((x) => x.sector !== v.sector_id)) expect(o.status).toBe('ok');
    }
  });

  it('a flipped top byte makes a replica node ≥ r: deep reports it instead of crashing', async () => {
    const d = await fresh(big);
    await flipByte(path.join(d, 'sealed', sectorName(vBig)), 31, 0xc0);
    const { code, report } = await verify({ sealingResult: d, deep: true });
    expect(code).toBe('incomplete');
    expect(check(sector(report, 1), 'replica-tree-r-last').detail).toMatch(/cannot be hashed.*canonical/);
  });

  it('truncated sealed file → damaged, expected vs found size', async () => {
    const d = await fresh(small);
    await truncate(path.join(d, 'sealed', sectorName(vSmall[0]!)), 1024);
    const { code, report } = await verify({ sealingResult: d, deep: true });
    expect(code).toBe('incomplete');
    const s = sector(report, 1);
    expect(s.status).toBe('damaged');
    expect(check(s, 'sealed-file')).toMatchObject({ ok: false, expected: '2048 bytes', found: '1024 bytes' });
    expect(check(s, 'sealed-file').detail).toMatch(/truncated/);
    expect(check(s, 'replica-tree-r-last').inconclusive).toBe(true);
  });

  it('deleted t_aux → missing, the path named', async () => {
    const d = await fresh(small);
    const p = path.join(d, 'cache', sectorName(vSmall[0]!), 't_aux');
    await unlink(p);
    const { code, report } = await verify({ sealingResult: d });
    expect(code).toBe('incomplete');
    const s = sector(report, 1);
    expect(s.status).toBe('missing');
    expect(check(s, 't_aux').missing).toEqual([p]);
  });

  it('deleted sealed file and tree-r-last → missing; a requested sector with no files at all → missing', async () => {
    const d = await fresh(big);
    await unlink(path.join(d, 'sealed', sectorName(vBig)));
    await unlink(path.join(d, 'cache', sectorName(vBig), 'sc-02-data-tree-r-last.dat'));
    const { code, report } = await verify({ sealingResult: d, sectors: ['1', '7'], miner: 'f01000' });
    expect(code).toBe('incomplete');
    const s = sector(report, 1);
    expect(s.status).toBe('missing');
    expect(s.proof).toBe('StackedDrg8MiBV1_1'); // from t_aux's layer size
    expect(failed(s)).toEqual(['sealed-file', 'tree-r-last-files']);
    expect(sector(report, 7).status).toBe('missing');
  });

  it('corrupt p_aux comm_r_last → damaged: stored root (oracle comm_r_last) vs p_aux; the chain CommR no longer matches', async () => {
    const d = await fresh(small);
    const v = vSmall[0]!;
    await flipByte(path.join(d, 'cache', sectorName(v), 'p_aux'), 32 + 3);
    const { code, report } = await verify({ sealingResult: d, devnet: NETWORK });
    expect(code).toBe('incomplete');
    const s = sector(report, 1);
    expect(s.status).toBe('damaged');
    expect(failed(s)).toEqual(['comm_r_last', 'chain-comm_r']);
    expect(check(s, 'comm_r_last').found).toBe(v.comm_r_last);
    expect(check(s, 'comm_r_last').expected).not.toBe(v.comm_r_last);
    expect(check(s, 'chain-comm_r').expected).toContain(v.comm_r_cid);
    // deep: the replica agrees with tree-r-last, so p_aux is the damaged one
    const deep = await verify({ sealingResult: d, deep: true, sectors: ['1'] });
    expect(check(sector(deep.report, 1), 'replica-tree-r-last').detail).toMatch(/p_aux's comm_r_last is damaged/);
  });

  it('p_aux of the wrong length → damaged', async () => {
    const d = await fresh(small);
    await writeFile(path.join(d, 'cache', sectorName(vSmall[2]!), 'p_aux'), Buffer.alloc(63));
    const { report } = await verify({ sealingResult: d });
    expect(check(sector(report, 3), 'p_aux')).toMatchObject({ ok: false, expected: '64 bytes', found: '63 bytes' });
  });

  it('corrupt tree-r-last: an upper row is caught by the row check, the root by comm_r_last; deep blames tree-r-last', async () => {
    const d = await fresh(big);
    const f = path.join(d, 'cache', sectorName(vBig), 'sc-02-data-tree-r-last.dat');
    await flipByte(f, (512 + 5) * 32 + 2); // row 4 node 5
    let { code, report } = await verify({ sealingResult: d, deep: true });
    expect(code).toBe('incomplete');
    let s = sector(report, 1);
    expect(failed(s)).toEqual(['tree-r-last-rows', 'replica-tree-r-last']);
    expect(check(s, 'tree-r-last-rows').detail).toMatch(/row 4 node 5 \(byte 16546\)/);
    expect(check(s, 'replica-tree-r-last').detail).toMatch(/tree-r-last is damaged .*row 4 node 5/);

    const d2 = await fresh(small);
    await flipByte(path.join(d2, 'cache', sectorName(vSmall[0]!), 'sc-02-data-tree-r-last.dat'), 0);
    ({ code, report } = await verify({ sealingResult: d2 }));
    s = sector(report, 1);
    expect(s.status).toBe('damaged');
    expect(check(s, 'comm_r_last')).toMatchObject({ ok: false, expected: vSmall[0]!.comm_r_last });
  });

  it('tree-r-last of the wrong size → damaged with the expected size', async () => {
    const d = await fresh(big);
    await truncate(path.join(d, 'cache', sectorName(vBig), 'sc-02-data-tree-r-last.dat'), 18688);
    const { report } = await verify({ sealingResult: d });
    expect(check(sector(report, 1), 'tree-r-last-files')).toMatchObject({ ok: false, expected: '18720 bytes' });
  });

  it('wrong on-chain CommR (devnet network with a tampered SealedCID) → damaged, expected vs found CIDs', async () => {
    const net = JSON.parse(await readFile(NETWORK, 'utf8'));
    const s2 = net.miners[0].sectors.find((x: { number: number }) => x.number === 2);
    const s1 = net.miners[0].sectors.find((x: { number: number }) => x.number === 1);
    s2.sealedCID = s1.sealedCID;
    const file = path.join(scratch, 'tampered-network.json');
    await writeFile(file, JSON.stringify(net));
    const { code, report } = await verify({ sealingResult: small, devnet: file });
    expect(code).toBe('incomplete');
    const s = sector(report, 2);
    expect(s.status).toBe('damaged');
    expect(failed(s)).toEqual(['chain-comm_r']);
    expect(check(s, 'chain-comm_r').expected).toContain(vSmall[0]!.comm_r_cid);
    expect(check(s, 'chain-comm_r').found).toContain(vSmall[1]!.comm_r_cid);
    expect(sector(report, 1).status).toBe('ok');
  });
});

describe('command line', () => {
  it('exit 2 on usage errors: no sealed/ or cache/, bad --parallel', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-verify-empty-'));
    cases.push(empty);
    const err = process.stderr.write;
    process.stderr.write = () => true;
    try {
      expect(await main(['verify', '--sealing-result', empty])).toBe(2);
      expect(await main(['verify', '--sealing-result', small, '--parallel', '0'])).toBe(2);
    } finally {
      process.stderr.write = err;
      process.exitCode = undefined;
    }
  });

  it('--interval writes one time-stamped report per pass and stops on abort with the last pass\'s exit code', async () => {
    const d = await fresh(small);
    const reportPath = path.join(d, 'verify.json');
    const ac = new AbortController();
    const stdout = new PassThrough();
    let passes = 0;
    stdout.on('data', () => {
      if (++passes === 2) ac.abort();
    });
    const code = await runVerify(
      { sealingResult: d, json: true, interval: 0.001, report: reportPath },
      { stdout, stderr: new PassThrough(), tty: false, cwd: process.cwd(), env: {}, signal: ac.signal },
    );
    expect(code).toBe('ok');
    const files = (await readdir(d)).filter((f) => /^verify-\d{8}T\d{6}\.\d{3}Z\.json$/.test(f));
    expect(files).toHaveLength(2);
    expect(JSON.parse(await readFile(reportPath, 'utf8')).summary.ok).toBe(3);
  });
});

describe('other chain sources', () => {
  it('--sectors-recovery-metadata (export file): CommR compared with its SealedCID; unlisted sectors are "error", not damage', async () => {
    const v = vSmall[0]!;
    const file = path.join(scratch, 'sectors-recovery-f01000.json');
    await writeFile(
      file,
      JSON.stringify({
        Miner: 'f01000',
        SectorSize: 2048,
        SectorInfos: [{ SectorNumber: 1, Ticket: Buffer.from(v.ticket, 'hex').toString('base64'), SealProof: v.proof.id, SealedCID: { '/': v.comm_r_cid } }],
      }),
    );
    const d = await fresh(small);
    await mkdir(path.join(d, 'cache', 's-t02000-9'), { recursive: true }); // another miner's sector: not this file's business
    const { code, report } = await verify({ sealingResult: d, sectorsRecoveryMetadata: file });
    expect(code).toBe('incomplete');
    expect(report.sectors.map((x) => x.name)).toEqual(['s-t01000-1', 's-t01000-2', 's-t01000-3']);
    expect(sector(report, 1).status).toBe('ok');
    expect(check(sector(report, 1), 'chain-comm_r').expected).toBe(v.comm_r_cid);
    expect(sector(report, 2).status).toBe('error');
    expect(check(sector(report, 2), 'chain-comm_r').detail).toMatch(/not listed/);
  });

  it('FULLNODE_API_INFO: a node answers → ok; an unreachable node → every sector "error" with the reason, exit 1', async () => {
    const { startDevnet } = await import('../../src/devnet/server.js');
    const { loadNetwork } = await import('../../src/devnet/network.js');
    const net = await startDevnet(await loadNetwork(NETWORK));
    try {
      const { code, report } = await verify({ sealingResult: small, sectors: ['2'] }, { FULLNODE_API_INFO: net.apiInfo });
      expect(code).toBe('ok');
      expect(check(sector(report, 2), 'chain-comm_r')).toMatchObject({ ok: true, expected: vSmall[1]!.comm_r_cid });
    } finally {
      await net.close();
    }
    const { code, report } = await verify({ sealingResult: small }, { FULLNODE_API_INFO: net.apiInfo });
    expect(code).toBe('incomplete');
    expect(report.summary).toMatchObject({ error: 3, damaged: 0 });
    expect(check(sector(report, 1), 'chain-comm_r').detail).toMatch(/could not ask the node.*cannot reach/);
  });

  it('corrupt root of tree-r-last with a chain source: p_aux matches the chain, so tree-r-last is blamed in the quick scan', async () => {
    const d = await fresh(small);
    await flipByte(path.join(d, 'cache', sectorName(vSmall[0]!), 'sc-02-data-tree-r-last.dat'), 5);
    const { report } = await verify({ sealingResult: d, devnet: NETWORK, sectors: ['1'] });
    expect(check(sector(report, 1), 'comm_r_last').detail).toMatch(/p_aux agrees with the chain: tree-r-last is corrupt/);
  });
});

describe('diagnosis and cancellation', () => {
  it('corrupt comm_c in p_aux with a chain source: only the CommR comparison fails, and it names comm_c', async () => {
    const d = await fresh(small);
    await flipByte(path.join(d, 'cache', sectorName(vSmall[2]!), 'p_aux'), 3);
    const { code, report } = await verify({ sealingResult: d, devnet: NETWORK, sectors: ['3'] });
    expect(code).toBe('incomplete');
    const s = sector(report, 3);
    expect(failed(s)).toEqual(['chain-comm_r']);
    expect(check(s, 'chain-comm_r').detail).toMatch(/comm_c is damaged/);
    expect(check(s, 'chain-comm_r').expected).toContain(vSmall[2]!.comm_r_cid);
  });

  it('--deep stops when aborted mid-rebuild and leaves no scratch files behind', async () => {
    const { deepCheck } = await import('../../src/verify/deep-check.js');
    const { sealProof } = await import('../../src/proofs/registry.js');
    const { replicaFiles, sectorLocation } = await import('../../src/verify/sector-dirs.js');
    const { asActorId, asSectorNumber } = await import('../../src/proofs/types.js');
    const tempRoot = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-verify-scratch-'));
    cases.push(tempRoot);
    const ac = new AbortController();
    const run = deepCheck(replicaFiles(sectorLocation(big, asActorId(1000), asSectorNumber(1)), 'sealed'), {
      proof: sealProof(vBig.proof.id),
      rowsToDiscard: 2,
      tempRoot,
      threads: 1,
      signal: ac.signal,
      onProgress: () => ac.abort(),
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(await readdir(tempRoot)).toEqual([]);
  });
});

describe('unreadable files', () => {
  it('a p_aux that cannot even be stat()ed (symlink loop) → that sector is "error", the others are still checked', async () => {
    const { symlink } = await import('node:fs/promises');
    const d = await fresh(small);
    const p = path.join(d, 'cache', sectorName(vSmall[0]!), 'p_aux');
    await unlink(p);
    await symlink('p_aux', p);
    const { code, report } = await verify({ sealingResult: d });
    expect(code).toBe('incomplete');
    expect(sector(report, 1)).toMatchObject({ status: 'error', checks: [{ name: 'read', detail: expect.stringMatching(/ELOOP/) }] });
    expect(sector(report, 2).status).toBe('ok');
  });
});

describe('scheduled scans', () => {
  it('a later pass that cannot list the storage path is reported on stderr and the schedule goes on', async () => {
    const d = await fresh(small);
    const { rename } = await import('node:fs/promises');
    const ac = new AbortController();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    let passes = 0;
    stderr.on('data', (c) => {
      err += c;
      if (/pass 2 .* failed/.test(err)) void rename(`${d}.away`, d).catch(() => undefined);
    });
    stdout.on('data', () => {
      passes++;
      if (passes === 1) void rename(d, `${d}.away`);
      if (passes === 2) ac.abort();
    });
    const code = await runVerify({ sealingResult: d, json: true, interval: 0.001 }, { stdout, stderr, tty: false, cwd: process.cwd(), env: {}, signal: ac.signal });
    expect(err).toMatch(/pass 2 at .* failed: .*neither a sealed\/ nor a cache\/ directory/);
    expect(passes).toBe(2);
    expect(code).toBe('ok'); // the last completed pass was clean
  });
});
