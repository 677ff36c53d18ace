// Published sectors for the verify tests: each oracle vector's sector is sealed by our pipeline
// (src/seal/seal.ts), its artifacts are held against the oracle's digests (so the store is the
// reference's bytes, not merely ours), then finalized into the lotus layout like FinalizeSector:
// sealed/s-t0M-N + cache/s-t0M-N/{p_aux, t_aux, sc-02-data-tree-r-last*.dat}.
import { createHash } from 'node:crypto';
import { testSettings } from '../../helpers/settings.js';
import { cp, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { asCommitment, asReplicaId, fromHex, sealProof } from '../../../src/proofs/index.js';
import { sealSector } from '../../../src/seal/seal.js';
import { treeFileNames } from '../../../src/sector/cache-files.js';
import { loadVector, type OracleVector } from '../../helpers/vectors.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export const sectorName = (v: OracleVector): string => `s-t0${v.miner!.replace(/^f0/, '')}-${v.sector_id}`;

/** Seal CC vectors into `root` (lotus layout), checking every kept file against the oracle. */
export async function publishVectors(root: string, names: readonly string[], scratch: string): Promise<OracleVector[]> {
  const out: OracleVector[] = [];
  for (const name of names) {
    const v = loadVector(name);
    if (v.data !== 'cc') throw new Error(`${name}: the verify fixtures use CC vectors only`);
    const proof = sealProof(v.proof.id);
    const work = path.join(scratch, name);
    await sealSector({
      proof,
      replicaId: asReplicaId(fromHex(v.replica_id)),
      commD: asCommitment(fromHex(v.comm_d)),
      stagedPath: null,
      cacheDir: path.join(work, 'cache'),
      sealedPath: path.join(work, 'sealed'),
      settings: testSettings(path.join(scratch, 'parents')),
    });
    const sn = sectorName(v);
    const cache = path.join(root, 'cache', sn);
    await mkdir(cache, { recursive: true });
    await mkdir(path.join(root, 'sealed'), { recursive: true });
    expect(sha256(await readFile(path.join(work, 'sealed'))), `${name} sealed`).toBe(v.files.sealed!.sha256);
    await rename(path.join(work, 'sealed'), path.join(root, 'sealed', sn));
    for (const f of ['p_aux', ...treeFileNames(proof.baseTrees, 'tree-r-last')]) {
      expect(sha256(await readFile(path.join(work, 'cache', f))), `${name} ${f}`).toBe(v.files[f]!.sha256);
      await rename(path.join(work, 'cache', f), path.join(cache, f));
    }
    // t_aux embeds the cache path given at seal time, so its digest differs from the oracle's; the
    // decoded fields are compared with the oracle's own decoding in the tests.
    await rename(path.join(work, 'cache', 't_aux'), path.join(cache, 't_aux'));
    await rm(work, { recursive: true, force: true });
    out.push(v);
  }
  return out;
}

/** A private copy of a pristine store for one test to damage. */
export async function copyStore(pristine: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-verify-case-'));
  await cp(pristine, dir, { recursive: true });
  return dir;
}
