// Typed wrapper around the PreCommit2 kernels of native/sdr (pc2-napi.cc): tree-c, replica
// encoding, tree-r-last and range decoding. All run off the JS thread; AbortSignal → shared flag.
import { rawAddon, withCancel } from './addon.js';

export type Pc2NativeStage = 'tree-c' | 'encode' | 'tree-r-last' | 'decode';
export interface Pc2NativeProgress {
  readonly stage: Pc2NativeStage;
  /** leaves (trees) or nodes (encode/decode) finished */
  readonly done: number;
  readonly total: number;
}

interface Common {
  /** worker threads; default all cores */
  readonly threads?: number;
  /** trees only: leaves per streaming chunk (power of 8, default 32768); small values exercise chunk seams in tests */
  readonly chunkLeaves?: bigint;
  readonly onProgress?: (p: Pc2NativeProgress) => void;
  readonly signal?: AbortSignal;
}

export interface BuildTreeCOptions extends Common {
  /** sc-02-data-layer-1.dat … layer-L.dat, layer 1 first (L = 2 or 11) */
  readonly layerPaths: readonly string[];
  /** one file per base tree; base tree i covers nodes [i·leavesPerTree, (i+1)·leavesPerTree) */
  readonly outPaths: readonly string[];
  readonly leavesPerTree: bigint;
}

export interface BuildTreeRLastOptions extends Common {
  /** the sealed file: its nodes are the leaves */
  readonly replicaPath: string;
  readonly outPaths: readonly string[];
  readonly leavesPerTree: bigint;
  /** rows above the leaves that are not stored (sdr.md §8.2) */
  readonly rowsToDiscard: number;
}

export interface EncodeReplicaOptions extends Common {
  /** last layer labels (the key) */
  readonly keyPath: string;
  /** fr32-padded staged data; null = CC (replica = key) */
  readonly dataPath: string | null;
  /** sealed file; node v is written at byte 32·v */
  readonly outPath: string;
  readonly firstNode: bigint;
  readonly nodes: bigint;
  /** resize the output to exactly this many bytes first (the sector size) */
  readonly outSize?: bigint;
}

export interface DecodeRangeOptions extends Common {
  readonly keyPath: string;
  readonly replicaPath: string;
  readonly outPath: string;
  readonly firstNode: bigint;
  readonly nodes: bigint;
  /** where in outPath node firstNode's data goes (default 0) */
  readonly outByteOffset?: bigint;
}

type Native<T> = Omit<T, 'onProgress' | 'signal'>;
interface Pc2Addon {
  buildTreeC(o: Native<BuildTreeCOptions>, cb: Common['onProgress'], flag: Int32Array): Promise<Uint8Array[]>;
  buildTreeRLast(o: Native<BuildTreeRLastOptions>, cb: Common['onProgress'], flag: Int32Array): Promise<Uint8Array[]>;
  encodeReplica(o: Native<EncodeReplicaOptions>, cb: Common['onProgress'], flag: Int32Array): Promise<void>;
  decodeRange(o: Native<DecodeRangeOptions>, cb: Common['onProgress'], flag: Int32Array): Promise<void>;
}
const addon = (): Pc2Addon => rawAddon() as unknown as Pc2Addon;


/** Column hashes + one arity-8 tree per base tree (full layout); resolves to the base-tree roots. */
export function buildTreeC(o: BuildTreeCOptions): Promise<Uint8Array[]> {
  const { onProgress, signal, ...rest } = o;
  return withCancel(signal, (f) => addon().buildTreeC(rest, onProgress, f));
}

/** Arity-8 trees over the replica, storing only the rows above rowsToDiscard; resolves to the roots. */
export function buildTreeRLast(o: BuildTreeRLastOptions): Promise<Uint8Array[]> {
  const { onProgress, signal, ...rest } = o;
  return withCancel(signal, (f) => addon().buildTreeRLast(rest, onProgress, f));
}

/** replica = key + data mod r over [firstNode, firstNode + nodes). */
export function encodeReplica(o: EncodeReplicaOptions): Promise<void> {
  const { onProgress, signal, ...rest } = o;
  return withCancel(signal, (f) => addon().encodeReplica(rest, onProgress, f));
}

/** data = replica − key mod r over [firstNode, firstNode + nodes), written at outByteOffset. */
export function decodeRange(o: DecodeRangeOptions): Promise<void> {
  const { onProgress, signal, ...rest } = o;
  return withCancel(signal, (f) => addon().decodeRange(rest, onProgress, f));
}
