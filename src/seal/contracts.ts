// The seams between the sealing stages. Each stage module implements one of these signatures:
//   parents-cache.ts → ensureParentsCache     (graph + reference-compatible cache file)
//   tree-d.ts        → buildTreeD             (PC1 prologue: sc-02-data-tree-d.dat, comm_d)
//   pc1.ts           → runPc1                 (labels: sc-02-data-layer-N.dat, resumable)
//   pc2.ts           → runPc2                 (tree-c, replica, tree-r-last, p_aux, t_aux, comm_r)
// seal.ts chains them; src/recover orchestrates many sectors.
import type { SealProof } from '../proofs/registry.js';
import type { Commitment, ReplicaId } from '../proofs/types.js';

export type SealStage = 'parents-cache' | 'tree-d' | 'pc1' | 'tree-c' | 'encode' | 'tree-r-last' | 'aux';

export interface SealProgress {
  readonly stage: SealStage;
  /** 1-based layer, for pc1 */
  readonly layer?: number;
  /** tree-c / tree-r-last: who builds it ('cpu' or an OpenCL device id, docs/gpu.md) */
  readonly device?: string;
  readonly done: number;
  readonly total: number;
}

export interface StageOptions {
  readonly onProgress?: (p: SealProgress) => void;
  readonly signal?: AbortSignal;
}

export interface ParentsCacheOptions extends StageOptions {
  /** directory; default the settings' parentCacheDir (docs/settings.md) */
  readonly dir?: string;
}
export type EnsureParentsCache = (proof: SealProof, opts?: ParentsCacheOptions) => Promise<string>;

export interface TreeDOptions extends StageOptions {
  readonly proof: SealProof;
  /** fr32-padded staged sector (a longer file is read up to sector_bytes, as rust-fil-proofs cuts it); null = CC (all zero) */
  readonly stagedPath: string | null;
  readonly cacheDir: string;
}
export type BuildTreeD = (o: TreeDOptions) => Promise<Commitment>;

export interface Pc1Options extends StageOptions {
  readonly proof: SealProof;
  readonly replicaId: ReplicaId;
  readonly cacheDir: string;
  readonly parentsCachePath: string;
}
export type RunPc1 = (o: Pc1Options) => Promise<{ layerPaths: string[] }>;

export interface Pc2Options extends StageOptions {
  readonly proof: SealProof;
  readonly cacheDir: string;
  /** fr32-padded staged sector; null = CC */
  readonly stagedPath: string | null;
  readonly sealedPath: string;
}
export interface Pc2Result {
  readonly commC: Commitment;
  readonly commRLast: Commitment;
  readonly commR: Commitment;
  /** who built tree-c and tree-r-last: 'cpu' or the OpenCL device(s) (docs/gpu.md) */
  readonly treeDevice?: string;
  /** who built each tree this run: the devices that built its base trees, comma-separated and sorted
   *  ('cpu', OpenCL device ids), or 'resumed' when a previous run had built them all */
  readonly treeDevices?: { readonly treeC: string; readonly treeRLast: string };
}
export type RunPc2 = (o: Pc2Options) => Promise<Pc2Result>;
