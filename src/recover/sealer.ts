// The seam between orchestration and the sealing pipeline. src/seal/seal.ts (sealSector) chains
// parents-cache → tree-d (comm_d gate) → pc1 → pc2 for one sector; everything in src/recover talks
// to this interface so scheduling, resume, verify and publish can be exercised without the native core.
import type { SealProof } from '../proofs/registry.js';
import type { ActorId, Commitment, ReplicaId, SectorNumber, Ticket } from '../proofs/types.js';
import type { SealProgress } from '../seal/contracts.js';
import type { TreeBuilder } from '../seal/tree-builder.js';
import type { ProofsSettings } from '../sector/settings.js';

export interface SealJob {
  readonly proof: SealProof;
  readonly miner: ActorId;
  readonly sector: SectorNumber;
  readonly ticket: Ticket;
  /** expected comm_d (CC: the zero commitment); the sealer refuses to label if tree-d's root differs */
  readonly commD: Commitment;
  readonly replicaId: ReplicaId;
  /** receives sc-02-data-*.dat, p_aux, t_aux; reused on resume */
  readonly cacheDir: string;
  /** where the replica is written */
  readonly sealedPath: string;
  /** fr32-padded staged sector data; null = CC (all zero) */
  readonly stagedPath: string | null;
  /** FIL_PROOFS_* settings the sector is sealed with */
  readonly settings: ProofsSettings;
  readonly onProgress?: (p: SealProgress) => void;
  readonly signal?: AbortSignal;
}

export interface SealOutcome {
  readonly commC: Commitment;
  readonly commRLast: Commitment;
  readonly commR: Commitment;
  /** how many sectors were labeled together in one PC1 run (1 = alone) */
  readonly pc1BatchSize?: number;
  /** who built tree-c and tree-r-last (docs/gpu.md) */
  readonly treeDevices?: { readonly treeC: string; readonly treeRLast: string };
}

/** One result per job of a batch, in order: a failing sector does not fail the others. */
export type BatchOutcome = { readonly ok: true; readonly outcome: SealOutcome } | { readonly ok: false; readonly error: Error };

/** A snapped sector's update: new data encoded into the rebuilt sector key (docs/snap.md#encoding). */
export interface UpdateJob {
  readonly proof: SealProof;
  /** the rebuilt sector key and its cache dir (p_aux, t_aux) */
  readonly keyPath: string;
  readonly keyCacheDir: string;
  /** fr32-padded new data */
  readonly stagedPath: string;
  /** comm_d the new data must have */
  readonly commD: Commitment;
  readonly replicaPath: string;
  readonly updateCacheDir: string;
  readonly onProgress?: (p: SealProgress) => void;
  readonly signal?: AbortSignal;
}

export interface UpdateOutcome {
  readonly commD: Commitment;
  readonly commC: Commitment;
  readonly commRLast: Commitment;
  readonly commR: Commitment;
}

export interface Sealer {
  readonly name: string;
  seal(job: SealJob): Promise<SealOutcome>;
  /** Encodes a snapped sector's new data into its key; sealers without it cannot recover snapped sectors. */
  encodeUpdate?(job: UpdateJob): Promise<UpdateOutcome>;
  /** Seals jobs of one proof with their labeling shared (multi-sector PC1); optional. */
  sealBatch?(jobs: readonly SealJob[], onNotice?: (message: string) => void): Promise<BatchOutcome[]>;
}

/** The real pipeline (src/seal/seal.ts), loaded on first use so `export`, `--help` and the tests
 * with a stand-in sealer never load the native addon. */
export function nativeSealer(o: { readonly treeBuilder?: TreeBuilder } = {}): Sealer {
  const withBuilder = (job: SealJob) => (o.treeBuilder ? { ...job, treeBuilder: o.treeBuilder } : job);
  let loaded: Promise<typeof import('../seal/seal.js')> | undefined;
  const load = () =>
    (loaded ??= import('../seal/seal.js').catch((e: unknown) => {
      loaded = undefined;
      throw new Error(`the sealing pipeline could not be loaded: ${(e as Error).message}; build the addon with \`npm run build:native\``);
    }));
  return {
    name: 'native',
    // SealJob is a superset of SealInputs: miner/sector/ticket are for the report, not the sealer.
    async seal(job) {
      return { ...(await (await load()).sealSector(withBuilder(job))), pc1BatchSize: 1 };
    },
    async encodeUpdate(job) {
      let snap: typeof import('../snap/encode.js');
      try {
        snap = await import('../snap/encode.js');
      } catch (e) {
        throw new Error(`the snap encoder could not be loaded: ${(e as Error).message}; build the addon with \`npm run build:native\``);
      }
      const r = await snap.snapEncode({
        proof: job.proof,
        keyPath: job.keyPath,
        keyCacheDir: job.keyCacheDir,
        stagedPath: job.stagedPath,
        commDNew: job.commD,
        replicaPath: job.replicaPath,
        updateCacheDir: job.updateCacheDir,
        ...(o.treeBuilder ? { treeBuilder: o.treeBuilder } : {}),
        ...(job.onProgress ? { onProgress: job.onProgress } : {}),
        ...(job.signal ? { signal: job.signal } : {}),
      });
      return { commD: r.commDNew, commC: r.commC, commRLast: r.commRLastNew, commR: r.commRNew };
    },
    async sealBatch(jobs, onNotice) {
      const rs = await (await load()).sealSectors(jobs.map(withBuilder), onNotice ? { onNotice } : {});
      return rs.map((r) => (r.ok ? { ok: true, outcome: { ...r.result, pc1BatchSize: r.pc1BatchSize } } : r));
    },
  };
}
