// The names of the files in a sector's cache directory, in one place as rust-fil-proofs keeps its
// CacheKey (docs/sector-layout.md): layers, trees (one file per base tree when there are several),
// p_aux, t_aux. Which of them a finalized sector keeps and which only ProveCommit needs.
import { join } from 'node:path';
import type { SealProof } from '../proofs/registry.js';

export const P_AUX = 'p_aux';
export const T_AUX = 't_aux';
export const TREE_D = 'sc-02-data-tree-d.dat';
/** SyntheticPoRep's challenged-node proofs, written by C1's precursor; needed until ProveCommit */
export const SYN_POREP_PROOFS = 'syn-porep-vanilla-proofs.dat';

export type TreeId = 'tree-c' | 'tree-r-last';

export const layerFileName = (layer: number): string => `sc-02-data-layer-${layer}.dat`;

/** `sc-02-data-<id>.dat`, or `-<i>` per base tree when there is more than one (merkletree split_config). */
export function treeFileNames(baseTrees: number, id: TreeId): string[] {
  if (baseTrees === 1) return [`sc-02-data-${id}.dat`];
  return Array.from({ length: baseTrees }, (_, i) => `sc-02-data-${id}-${i}.dat`);
}

const LAYER = /^sc-02-data-layer-\d+\.dat$/;

/**
 * Files that ClearCache deletes once a sector is proven (rust-fil-proofs clear_files.rs
 * clear_cache_dir), plus the synthetic-PoRep proofs: kept only for sectors still waiting for ProveCommit.
 */
export const isPrecommitOnlyFile = (name: string): boolean =>
  LAYER.test(name) || /^sc-02-data-(tree-d|tree-c(-\d+)?)\.dat$/.test(name) || name === SYN_POREP_PROOFS;

/** What a finalized sector's cache holds (lotus CheckProvable / WindowPoSt read these). */
export const isFinalizedFile = (name: string): boolean =>
  name === P_AUX || name === T_AUX || /^sc-02-data-tree-r-last(-\d+)?\.dat$/.test(name);

export const isLayerFile = (name: string): boolean => LAYER.test(name);

/** Full paths of every file a sealed sector's cache dir holds or will hold. */
export interface CacheFiles {
  readonly dir: string;
  /** layer 1 first */
  readonly layers: readonly string[];
  readonly treeD: string;
  readonly treeC: readonly string[];
  readonly treeRLast: readonly string[];
  readonly pAux: string;
  readonly tAux: string;
}

export function cacheFiles(proof: Pick<SealProof, 'layers' | 'baseTrees'>, dir: string): CacheFiles {
  return {
    dir,
    layers: Array.from({ length: proof.layers }, (_, i) => join(dir, layerFileName(i + 1))),
    treeD: join(dir, TREE_D),
    treeC: treeFileNames(proof.baseTrees, 'tree-c').map((f) => join(dir, f)),
    treeRLast: treeFileNames(proof.baseTrees, 'tree-r-last').map((f) => join(dir, f)),
    pAux: join(dir, P_AUX),
    tAux: join(dir, T_AUX),
  };
}
