// A stand-in for src/seal/seal.ts in orchestration tests: writes real files of the real sizes
// (docs/trees.md#file-sizes) into the job's cache dir and returns the commitments a table holds for the
// job's replica_id. Unknown replica ids get commitments that match no chain record (a wrong input).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { sealSector } from '../../../src/seal/seal.js';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { asCommitment, fromHex, toHex, type Commitment } from '../../../src/proofs/types.js';
import { encodeTAux, temporaryAuxFor } from '../../../src/sector/aux-files.js';
import type { BatchOutcome, Sealer, SealJob, SealOutcome } from '../../../src/recover/sealer.js';

export interface Outcome {
  commC: string;
  commRLast: string;
  commR: string;
}

// docs/vectors.md#end-to-end-vectors E2E-2KiB-V1_1: miner f01000, sector 1, ticket 32×0x01, CC.
export const E2E_2K = {
  replicaId: '3e75e87332cd5d60132c1f9f9a8362e2e4cf190b46f4fd636fd8864b842d170b',
  commC: '341fe7b18303170f67577d8e825f09e2cf6cf4c2b65d4fa2eaf4e2b70eeeb365',
  commRLast: '90e693754e3cd7d23b1cbb26a69183485d04d7a96e8b0c2fef039a0f09bfef05',
  commR: '77424390b36f74acd595c40d0e341f4fbff18623feaf8ad72fe73d7490d0d65c',
  sealedCid: 'bagboea4b5abca52cioilg33uvtkzlranby2b6t576gdch7vprlls7zz5osinbvs4',
};

// Byte sizes for 2KiB / 8MiB from the spec table (docs/trees.md#file-sizes), not from our code.
const SIZES: Record<string, { treeD: number; treeC: number; treeRLast: number }> = {
  '2KiB': { treeD: 4064, treeC: 2336, treeRLast: 32 },
  '8MiB': { treeD: 16777184, treeC: 9586976, treeRLast: 18720 },
};

const c = (h: string): Commitment => asCommitment(fromHex(h));

// The quick check recomputes 2KiB's tree-r-last root from the sealed file (docs/verify.md#replica-sample),
// so a published fake must hold the real replica: sealed once per replica id by the real pipeline,
// and used only when its comm_r_last is the table's (otherwise the fake's filler bytes stay).
const realReplicas = new Map<string, Promise<Buffer | undefined>>();
function realReplica(job: SealJob, commRLast: string): Promise<Buffer | undefined> {
  const key = `${toHex(job.replicaId)}:${job.stagedPath ?? 'cc'}`;
  let p = realReplicas.get(key);
  if (!p) {
    p = (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'fake-sealer-real-'));
      try {
        const sealedPath = join(dir, 'sealed');
        const r = await sealSector({ proof: job.proof, replicaId: job.replicaId, commD: job.commD, stagedPath: job.stagedPath, cacheDir: join(dir, 'cache'), sealedPath, settings: job.settings });
        return toHex(r.commRLast) === commRLast ? await readFile(sealedPath) : undefined;
      } catch {
        return undefined;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })();
    realReplicas.set(key, p);
  }
  return p;
}

export class FakeSealer implements Sealer {
  readonly name = 'fake';
  inFlight = 0;
  maxInFlight = 0;
  calls: SealJob[] = [];
  /** sizes of the batches passed to sealBatch (only with { batch: true }) */
  batches: number[] = [];
  sealBatch?: (jobs: readonly SealJob[]) => Promise<BatchOutcome[]>;
  constructor(
    private readonly table: Record<string, Outcome>,
    private readonly opts: { delayMs?: number; failFor?: string; batch?: boolean } = {},
  ) {
    if (opts.batch) {
      this.sealBatch = async (jobs) => {
        this.batches.push(jobs.length);
        return Promise.all(
          jobs.map((j) =>
            this.seal(j).then(
              (o): BatchOutcome => ({ ok: true, outcome: { ...o, pc1BatchSize: jobs.length } }),
              (e: unknown): BatchOutcome => ({ ok: false, error: e as Error }),
            ),
          ),
        );
      };
    }
  }

  async seal(job: SealJob): Promise<SealOutcome> {
    this.calls.push(job);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const sz = SIZES[job.proof.sizeName];
      if (!sz) throw new Error(`fake sealer: no sizes for ${job.proof.sizeName}`);
      const o = this.table[toHex(job.replicaId)] ?? {
        commC: createHash('sha256').update('c').update(job.replicaId).digest('hex'),
        commRLast: createHash('sha256').update('r').update(job.replicaId).digest('hex'),
        commR: createHash('sha256').update('R').update(job.replicaId).digest('hex').slice(0, 62) + '00',
      };
      await mkdir(job.cacheDir, { recursive: true });
      const S = Number(job.proof.sectorBytes);
      for (let l = 1; l <= job.proof.layers; l++) await writeFile(join(job.cacheDir, `sc-02-data-layer-${l}.dat`), Buffer.alloc(S, l));
      await writeFile(join(job.cacheDir, 'sc-02-data-tree-d.dat'), Buffer.alloc(sz.treeD));
      await writeFile(join(job.cacheDir, 'sc-02-data-tree-c.dat'), Buffer.alloc(sz.treeC, 3));
      if (this.opts.delayMs) await new Promise((r) => setTimeout(r, this.opts.delayMs));
      if (job.signal?.aborted) throw new Error('aborted');
      if (this.opts.failFor === toHex(job.replicaId)) throw new Error('simulated sealing failure');
      const known = sz.treeRLast === 32 && this.table[toHex(job.replicaId)] ? await realReplica(job, o.commRLast) : undefined;
      await writeFile(job.sealedPath, known ?? Buffer.alloc(S, 7));
      // 2KiB keeps only the root of tree-r-last (rows_to_discard 2): comm_r_last itself, so a
      // published fake sector passes the quick check as a real one does
      await writeFile(join(job.cacheDir, 'sc-02-data-tree-r-last.dat'), sz.treeRLast === 32 ? fromHex(o.commRLast) : Buffer.alloc(sz.treeRLast, 9));
      await writeFile(join(job.cacheDir, 'p_aux'), Buffer.concat([fromHex(o.commC), fromHex(o.commRLast)]));
      // a well-formed t_aux naming the working dir, as the real sealer writes it
      await writeFile(join(job.cacheDir, 't_aux'), encodeTAux(temporaryAuxFor(job.proof, job.cacheDir, job.settings.rowsToDiscard)));
      // sealer bookkeeping that must not be published
      await writeFile(join(job.cacheDir, 'pc1-state.json'), '{}');
      return { commC: c(o.commC), commRLast: c(o.commRLast), commR: c(o.commR) };
    } finally {
      this.inFlight--;
    }
  }
}

/** Table entries straight from oracle vectors (fixtures/vectors/*.json). */
export async function vectorTable(names: readonly string[]): Promise<Record<string, Outcome>> {
  const { loadVector } = await import('../../helpers/vectors.js');
  const t: Record<string, Outcome> = {};
  for (const n of names) {
    const v = loadVector(n);
    t[v.replica_id] = { commC: v.comm_c, commRLast: v.comm_r_last, commR: v.comm_r };
  }
  return t;
}
