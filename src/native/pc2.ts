// Typed wrapper around the PreCommit2 kernels of native/sdr (tree-c-napi.cc, tree-r-last-napi.cc,
// encode-napi.cc): tree-c, replica encoding, tree-r-last and range decoding. All run off the JS
// thread; AbortSignal → shared flag.
import { rawAddon, withCancel } from './addon.js';

export type Pc2NativeStage = 'tree-c' | 'encode' | 'tree-r-last' | 'decode';
export interface Pc2NativeProgress {
  readonly stage: Pc2NativeStage;
  /** leaves (trees) or nodes (encode/decode) finished */
  readonly done: number;
  readonly total: number;
  /** trees only: base tree `treeDone` is now durable under its final name */
  readonly treeDone?: number;
  /** trees only: the device building them when it is not the CPU (src/gpu/select.ts) */
  readonly device?: string;
}

interface Common {
  /** worker threads; default all cores */
  readonly threads?: number;
  /** trees only: leaves per streaming chunk (power of 8, default 32768); small values exercise chunk seams in tests */
  readonly chunkLeaves?: bigint;
  readonly onProgress?: (p: Pc2NativeProgress) => void;
  readonly signal?: AbortSignal;
}

/**
 * One entry per base tree; base tree i covers nodes [i·leavesPerTree, (i+1)·leavesPerTree). A path
 * is written at partialPath(path) and renamed once that tree is complete, so finished trees survive
 * a kill; null skips the tree (its root comes back as null), for a run resuming after one.
 */
interface BaseTrees<P extends string | null> {
  readonly outPaths: readonly P[];
  readonly leavesPerTree: bigint;
}
/** Resolved roots: a Uint8Array per built tree, null per skipped one. */
export type TreeRoots<P extends string | null> = Array<P extends string ? Uint8Array : null>;

export interface BuildTreeCOptions<P extends string | null = string> extends Common, BaseTrees<P> {
  /** the L layer files, layer 1 first (L = 2 or 11) */
  readonly layerPaths: readonly string[];
}

export interface BuildTreeRLastOptions<P extends string | null = string> extends Common, BaseTrees<P> {
  /** the sealed file: its nodes are the leaves */
  readonly replicaPath: string;
  /** rows above the leaves that are not stored (docs/trees.md#file-sizes) */
  readonly rowsToDiscard: number;
}

export interface EncodeReplicaOptions extends Common {
  /** last layer labels (the key) */
  readonly keyPath: string;
  /** fr32-padded staged data; null = CC (replica = key) */
  readonly dataPath: string | null;
  /** sealed file; node v is written at byte 32·v, in place; fsynced before the promise resolves */
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
type AnyRoots = Array<Uint8Array | null>;
interface Pc2Addon {
  buildTreeC(o: Native<BuildTreeCOptions<string | null>>, cb: Common['onProgress'], flag: Int32Array): Promise<AnyRoots>;
  buildTreeRLast(o: Native<BuildTreeRLastOptions<string | null>>, cb: Common['onProgress'], flag: Int32Array): Promise<AnyRoots>;
  encodeReplica(o: Native<EncodeReplicaOptions>, cb: Common['onProgress'], flag: Int32Array): Promise<void>;
  decodeRange(o: Native<DecodeRangeOptions>, cb: Common['onProgress'], flag: Int32Array): Promise<void>;
}
const addon = (): Pc2Addon => rawAddon() as unknown as Pc2Addon;

/** Column hashes + one arity-8 tree per base tree (full layout); resolves to the base-tree roots. */
export function buildTreeC<P extends string | null>(o: BuildTreeCOptions<P>): Promise<TreeRoots<P>> {
  const { onProgress, signal, ...rest } = o;
  return withCancel(signal, (f) => addon().buildTreeC(rest, onProgress, f) as Promise<TreeRoots<P>>);
}

/** Arity-8 trees over the replica, storing only the rows above rowsToDiscard; resolves to the roots. */
export function buildTreeRLast<P extends string | null>(o: BuildTreeRLastOptions<P>): Promise<TreeRoots<P>> {
  const { onProgress, signal, ...rest } = o;
  return withCancel(signal, (f) => addon().buildTreeRLast(rest, onProgress, f) as Promise<TreeRoots<P>>);
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
