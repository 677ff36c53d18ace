// sealSectors: several sectors of one proof sealed with their labels computed together
// (interleaved PC1 labeling). Every artifact must still equal what rust-fil-proofs wrote for each sector
// alone (fixtures/vectors), and a bad sector must fail alone.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { testSettings } from '../helpers/settings.js';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCommitment, asReplicaId, fromHex, sealProof, toHex } from '../../src/proofs/index.js';
import { sealSectors, CommDMismatchError, type SealInputs } from '../../src/seal/seal.js';
import { loadVector, type OracleVector } from '../helpers/vectors.js';
import { expectOracleFiles, stagedSector } from './helpers/oracle-files.js';

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-batch-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// Four 2KiB V1_1 sectors of miner f01000: three CC (sectors 1-3) and one deal (sector 4).
const NAMES = ['2KiB-V1_1-cc-f01000-s1', '2KiB-V1_1-cc-f01000-s2', '2KiB-V1_1-cc-f01000-s3', '2KiB-V1_1-deal-f01000-s4'];

async function inputsFor(v: OracleVector, dir: string): Promise<SealInputs> {
  const staged = stagedSector(v);
  let stagedPath: string | null = null;
  if (staged) {
    stagedPath = path.join(dir, 'staged');
    await mkdir(dir, { recursive: true });
    await writeFile(stagedPath, staged);
  }
  return {
    proof: sealProof(v.proof.id),
    replicaId: asReplicaId(fromHex(v.replica_id)),
    commD: asCommitment(fromHex(v.comm_d)),
    stagedPath,
    cacheDir: path.join(dir, 'cache'),
    sealedPath: path.join(dir, 'sealed'),
    settings: testSettings(path.join(tmp, 'parents')),
  };
}

describe('sealSectors (interleaved PC1 labeling)', () => {
  it('four sectors labeled together: each equals the oracle file for file', async () => {
    const vs = NAMES.map(loadVector);
    const inputs = await Promise.all(vs.map((v, i) => inputsFor(v, path.join(tmp, `ok-${i}`))));
    const pc1Sectors = new Set<number>();
    const withProgress = inputs.map((inp, i) => ({ ...inp, onProgress: (p: { stage: string }) => p.stage === 'pc1' && pc1Sectors.add(i) }));
    const out = await sealSectors(withProgress);
    expect(pc1Sectors.size).toBe(4);
    for (const [i, v] of vs.entries()) {
      const r = out[i]!;
      if (!r.ok) throw r.error;
      expect(r.pc1BatchSize).toBe(4);
      expect([toHex(r.result.commC), toHex(r.result.commRLast), toHex(r.result.commR)]).toEqual([v.comm_c, v.comm_r_last, v.comm_r]);
      await expectOracleFiles(v, inputs[i]!.cacheDir, inputs[i]!.sealedPath);
    }
  });

  it('a comm_d mismatch and a failing labeling run fail only their own sectors', async () => {
    const [v1, v2, v3] = NAMES.map(loadVector);
    const good = await inputsFor(v1!, path.join(tmp, 'iso-1'));
    // wrong comm_d: the deal sector's comm_d for a CC sector
    const wrongD = { ...(await inputsFor(v2!, path.join(tmp, 'iso-2'))), commD: asCommitment(fromHex(loadVector(NAMES[3]!).comm_d)) };
    // a directory where layer 1 must be written: labeling cannot finish for this sector
    const blocked = await inputsFor(v3!, path.join(tmp, 'iso-3'));
    await mkdir(path.join(blocked.cacheDir, 'sc-02-data-layer-1.dat', 'in-the-way'), { recursive: true });
    const notices: string[] = [];
    const out = await sealSectors([good, wrongD, blocked], { onNotice: (m) => notices.push(m) });
    expect(out[1]).toMatchObject({ ok: false, error: expect.any(CommDMismatchError) });
    expect(out[2]!.ok).toBe(false);
    expect(notices).toEqual([expect.stringMatching(/^labeling 2 sectors together failed .*one by one$/)]);
    const r = out[0]!;
    if (!r.ok) throw r.error;
    expect(r.pc1BatchSize).toBe(1);
    expect(toHex(r.result.commR)).toBe(v1!.comm_r);
    await expectOracleFiles(v1!, good.cacheDir, good.sealedPath);
  });

  it('refuses a batch of mixed proofs', async () => {
    const a = await inputsFor(loadVector(NAMES[0]!), path.join(tmp, 'mix-a'));
    const b = await inputsFor(loadVector('2KiB-V1-cc-f01000-s1'), path.join(tmp, 'mix-b'));
    await expect(sealSectors([a, b])).rejects.toThrow(/one batch must share a proof/);
  });
});
