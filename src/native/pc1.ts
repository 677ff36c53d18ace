// Typed wrapper around the PC1 kernels of native/sdr (label-napi.cc, tree-d-napi.cc): layer labeling
// for one sector or several interleaved in one thread, window labeling (benchmarks), and tree-d. Both run off the JS thread;
// AbortSignal → shared cancel flag.
import { rawAddon, withCancel } from './addon.js';
import type { Sha256Kernel } from './hashing.js';

export interface Pc1NativeProgress {
  readonly stage: 'pc1';
  readonly layer: number;
  readonly done: number;
  readonly total: number;
  /** set once this layer is fsynced and renamed into place for every sector */
  readonly layerDone?: true;
  /** with layerDone: the labeling thread's CPU time and wall time for computing this layer */
  readonly computeCpuNs?: number;
  readonly computeWallNs?: number;
}

export interface LabelSector {
  readonly replicaId: Uint8Array;
  /** `layers` paths: layer l is written (at partialPath first) to layerPaths[l − 1] */
  readonly layerPaths: readonly string[];
}

export interface LabelLayersOptions {
  readonly nodes: bigint;
  readonly layers: number;
  /** first layer to compute; when > 1, layer startLayer−1 is read back from each sector's path */
  readonly startLayer: number;
  readonly parentsCachePath: string;
  /** all sectors share the proof (graph); more than one are labeled interleaved in one thread */
  readonly sectors: readonly LabelSector[];
  readonly kernel?: Sha256Kernel;
  /**
   * Who reads the parents cache and the expander-parent labels: 'producer' = a thread running
   * ahead of the hashing thread; 'inline' = the hashing thread itself (the plain twin); 'auto'
   * (default) = producer from 2^21 nodes (64 MiB layers) up. Same bytes either way
   * (docs/sdr.md#parents-feed).
   */
  readonly parentsFeed?: 'auto' | 'producer' | 'inline';
  readonly onProgress?: (p: Pc1NativeProgress) => void;
  readonly signal?: AbortSignal;
}

export interface TreeDNativeProgress {
  readonly stage: 'tree-d';
  readonly done: number;
  readonly total: number;
}

export interface BuildTreeDNativeOptions {
  readonly nodes: bigint;
  /** null = CC (all-zero leaves) */
  readonly stagedPath: string | null;
  /** written at partialPath(outPath) first */
  readonly outPath: string;
  readonly kernel?: Sha256Kernel;
  readonly onProgress?: (p: TreeDNativeProgress) => void;
  readonly signal?: AbortSignal;
}

export interface LabelWindowOptions {
  /** N of the graph */
  readonly nodes: bigint;
  /** 1-based layer */
  readonly layer: number;
  /** the window: nodes [first, first + count) of the layer */
  readonly first: bigint;
  readonly count: bigint;
  readonly replicaId: Uint8Array;
  /** the window's rows of the parents cache only (writeParentsCache with the same first/count) */
  readonly parentsPath: string;
  /** layer − 1, at least N × 32 bytes, mapped read-only (layer > 1) */
  readonly prevLayerPath?: string;
  /** a file whose first first × 32 bytes are this layer's labels below the window (first > 0) */
  readonly curPrefixPath?: string;
  /** the window's labels, count × 32 bytes (written at partialPath(outPath) first) */
  readonly outPath: string;
  readonly kernel?: Sha256Kernel;
  readonly parentsFeed?: 'auto' | 'producer' | 'inline';
  /**
   * passes over the window with the same mappings (default 1); before each later pass the parents
   * slice is dropped from the page cache, while the layer pages already read stay mapped
   */
  readonly passes?: number;
  readonly onProgress?: (p: { stage: 'pc1-window'; done: number; total: number }) => void;
  readonly signal?: AbortSignal;
}

/** CPU and wall time of the hashing thread for one pass over the window (labeling only). */
export interface WindowTimes {
  readonly cpuNs: number;
  readonly wallNs: number;
  /** CPU time of the parents feed's producer thread for the pass (0 with parentsFeed 'inline') */
  readonly producerCpuNs: number;
}

interface Pc1Addon {
  labelWindow(
    o: Omit<LabelWindowOptions, 'onProgress' | 'signal'>,
    onProgress: LabelWindowOptions['onProgress'],
    cancel: Int32Array,
  ): Promise<WindowTimes[]>;
  labelLayers(
    o: Omit<LabelLayersOptions, 'onProgress' | 'signal'>,
    onProgress: ((p: Pc1NativeProgress) => void) | undefined,
    cancel: Int32Array,
  ): Promise<void>;
  buildTreeD(
    o: Omit<BuildTreeDNativeOptions, 'onProgress' | 'signal'>,
    onProgress: ((p: TreeDNativeProgress) => void) | undefined,
    cancel: Int32Array,
  ): Promise<Uint8Array>;
}
const addon = (): Pc1Addon => rawAddon() as unknown as Pc1Addon;

export function labelLayers(o: LabelLayersOptions): Promise<void> {
  const { onProgress, signal, ...rest } = o;
  return withCancel(signal, (flag) => addon().labelLayers(rest, onProgress, flag));
}

/**
 * Labels one window of one layer with the production kernel, the previous layer and the current
 * layer's prefix read from files the kernel maps (docs/memory-plan.md#window-bench): for graphs
 * whose layers and parents cache do not fit here. Benchmarks and tests only; recovery labels whole
 * layers with labelLayers.
 */
export function labelWindow(o: LabelWindowOptions): Promise<WindowTimes[]> {
  const { onProgress, signal, ...rest } = o;
  return withCancel(signal, (flag) => addon().labelWindow(rest, onProgress, flag));
}

/** Writes the tree-d file (reference layout) and returns its root, comm_d. */
export function buildTreeDNative(o: BuildTreeDNativeOptions): Promise<Uint8Array> {
  const { onProgress, signal, ...rest } = o;
  return withCancel(signal, (flag) => addon().buildTreeD(rest, onProgress, flag));
}
