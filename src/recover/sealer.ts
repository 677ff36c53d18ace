// The seam between orchestration and the sealing pipeline. src/seal/seal.ts (sealSector) chains
// parents-cache → tree-d → pc1 → pc2 for one sector; everything in src/recover talks to this
// interface so scheduling, resume, verify and publish can be exercised without the native core.
import type { SealProof } from '../proofs/registry.js';
import type { ActorId, Commitment, ReplicaId, SectorNumber, Ticket } from '../proofs/types.js';
import type { SealProgress } from '../seal/contracts.js';

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
  readonly onProgress?: (p: SealProgress) => void;
  readonly signal?: AbortSignal;
}

export interface SealOutcome {
  readonly commC: Commitment;
  readonly commRLast: Commitment;
  readonly commR: Commitment;
}

export interface Sealer {
  readonly name: string;
  seal(job: SealJob): Promise<SealOutcome>;
}

type SealSector = (job: SealJob) => Promise<SealOutcome>;

/** The real pipeline, loaded lazily so `export`, `--help` and the tests do not need the addon. */
export function nativeSealer(): Sealer {
  let loaded: Promise<SealSector> | undefined;
  const load = async (): Promise<SealSector> => {
    // A variable specifier keeps the type checker from requiring the module at build time.
    const spec = '../seal/seal.js';
    let mod: { sealSector?: SealSector };
    try {
      mod = (await import(spec)) as { sealSector?: SealSector };
    } catch (e) {
      throw new Error(`the sealing pipeline (src/seal/seal.ts) could not be loaded: ${(e as Error).message}; build it with \`npm run build:native\``);
    }
    if (typeof mod.sealSector !== 'function') throw new Error('src/seal/seal.ts does not export sealSector(job)');
    return mod.sealSector;
  };
  return {
    name: 'native',
    async seal(job) {
      loaded ??= load();
      return (await loaded)(job);
    },
  };
}
