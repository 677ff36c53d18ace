// One sector through PreCommit1 + PreCommit2: parents cache → tree-d → labels → trees → comm_r.
// Every stage is resumable on its own (pc1 checkpoints per layer); seal.ts only chains them.
import { mkdir } from 'node:fs/promises';
import type { SealProof } from '../proofs/registry.js';
import { toHex, type Commitment, type ReplicaId } from '../proofs/types.js';
import type { Pc2Result, StageOptions } from './contracts.js';
import { ensureParentsCache } from './parents-cache.js';
import { buildTreeD } from './tree-d.js';
import { runPc1 } from './pc1.js';
import { runPc2 } from './pc2.js';

export interface SealInputs extends StageOptions {
  readonly proof: SealProof;
  readonly replicaId: ReplicaId;
  /** comm_d the replica id was derived from; tree-d must reproduce it */
  readonly commD: Commitment;
  /** fr32-padded staged sector, or null for CC */
  readonly stagedPath: string | null;
  /** sector working directory: layers, trees, p_aux, t_aux */
  readonly cacheDir: string;
  readonly sealedPath: string;
  readonly parentsCacheDir?: string;
}

export class CommDMismatchError extends Error {
  override name = 'CommDMismatchError';
}

export async function sealSector(i: SealInputs): Promise<Pc2Result> {
  const stage = { onProgress: i.onProgress, signal: i.signal };
  await mkdir(i.cacheDir, { recursive: true });
  const parentsCachePath = await ensureParentsCache(i.proof, { ...stage, dir: i.parentsCacheDir });
  const commD = await buildTreeD({ ...stage, proof: i.proof, stagedPath: i.stagedPath, cacheDir: i.cacheDir });
  if (toHex(commD) !== toHex(i.commD)) {
    throw new CommDMismatchError(
      `comm_d of the staged data is ${toHex(commD)} but the sector's comm_d is ${toHex(i.commD)}: the pieces or unsealed copy do not match this sector`,
    );
  }
  await runPc1({ ...stage, proof: i.proof, replicaId: i.replicaId, cacheDir: i.cacheDir, parentsCachePath });
  return runPc2({ ...stage, proof: i.proof, cacheDir: i.cacheDir, stagedPath: i.stagedPath, sealedPath: i.sealedPath });
}
