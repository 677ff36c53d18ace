// Typed wrapper around the graph kernels of native/sdr (graph-napi.cc): SDR parents (docs/sdr.md#the-graph)
// and the reference-format parents-cache file (docs/sdr.md#parents-cache-file).
import { rawAddon, withCancel } from './addon.js';

/** Everything the native graph depends on; derive it from a SealProof with src/seal/graph-seeds.ts. */
export interface GraphParams {
  /** N = sector bytes / 32 */
  readonly nodes: bigint;
  /** first 28 bytes of SHA-256("Filecoin_DRSample" || porep_id) */
  readonly drgSeed: Uint8Array;
  /** k0, k1, k2 (u64) of SHA-256("Filecoin_Feistel" || porep_id) */
  readonly feistelKeys: readonly [bigint, bigint, bigint];
  /** ApiVersion V1_0_0 graph: predecessor in slot 5, u32-truncated expander parents */
  readonly legacy: boolean;
}

export const BASE_DEGREE = 6;
export const EXP_DEGREE = 8;
export const TOTAL_PARENTS = BASE_DEGREE + EXP_DEGREE;
/** bytes per node record in the parents cache: 14 × u32 LE */
export const PARENTS_RECORD_BYTES = TOTAL_PARENTS * 4;

export interface CacheProgress {
  readonly stage: 'parents-cache';
  /** nodes written */
  readonly done: number;
  readonly total: number;
}

export interface WriteParentsCacheOptions {
  readonly onProgress?: (p: CacheProgress) => void;
  readonly signal?: AbortSignal;
  /** worker threads; default all cores. 1 = the single-threaded plain twin. */
  readonly threads?: number;
  /**
   * Only the records of nodes [first, first + count) (node v at byte (v − first) × 56): a window of
   * a graph whose whole cache is too big to write (docs/memory-plan.md#window-bench). Default: all.
   */
  readonly first?: bigint;
  readonly count?: bigint;
}

/**
 * Feistel/BLAKE2b kernels: 'portable' is the plain twin (general BLAKE2b, one permutation at a time);
 * 'scalar', 'avx2', 'avx512' batch permutations through a specialised BLAKE2b. All give identical parents.
 */
export type GraphKernel = 'portable' | 'scalar' | 'avx2' | 'avx512';

interface GraphAddon {
  graphParents(params: GraphParams, start: bigint, count: bigint, kernel?: GraphKernel): Uint32Array;
  graphKernels(): { best: GraphKernel; supported: GraphKernel[] };
  blake2bFeistelWords(m0: BigUint64Array, m1: bigint, kernel: GraphKernel): BigUint64Array;
  writeParentsCache(
    o: { params: GraphParams; path: string; threads?: number; first?: bigint; count?: bigint },
    onProgress: ((p: CacheProgress) => void) | undefined,
    cancelFlag: Int32Array,
  ): Promise<void>;
  blake2b512(data: Uint8Array): Uint8Array;
  chacha8Block(key: Uint8Array, counter: bigint): Uint32Array;
  feistelPermute(numElements: bigint, keys: readonly bigint[], x: bigint): bigint;
}

const addon = (): GraphAddon => rawAddon() as unknown as GraphAddon;

/** Parents of nodes [start, start+count): 14 u32 per node, b0..b5 then e0..e7 (sync; small ranges). */
export function graphParents(
  params: GraphParams,
  start: bigint | number,
  count: bigint | number,
  kernel?: GraphKernel,
): Uint32Array {
  return addon().graphParents(params, BigInt(start), BigInt(count), kernel);
}

/** The kernel graphParents/writeParentsCache use by default, and all this CPU supports. */
export const graphKernels = (): { best: GraphKernel; supported: GraphKernel[] } => addon().graphKernels();

/** Word 0 (digest bytes 0..7, LE) of BLAKE2b-512(u64le(m0[i]) || u64le(m1)) via a specialised kernel; for twin tests. */
export const blake2bFeistelWords = (m0: BigUint64Array, m1: bigint, kernel: GraphKernel): BigUint64Array =>
  addon().blake2bFeistelWords(m0, m1, kernel);

/**
 * Generates the whole parents cache at `path` (N × 56 bytes; with first/count only that window's records) off the JS thread. The file appears under
 * `path` only once complete and fsynced (written at partialPath(path) until then); cancelling
 * (signal) rejects with CancelledError and leaves neither file.
 */
export function writeParentsCache(params: GraphParams, path: string, opts: WriteParentsCacheOptions = {}): Promise<void> {
  const { onProgress, signal, threads, first, count } = opts;
  return withCancel(signal, (flag) => addon().writeParentsCache({ params, path, threads, first, count }, onProgress, flag));
}

/** BLAKE2b-512 (unkeyed), the Feistel round hash; exported for tests against node:crypto. */
export const blake2b512 = (data: Uint8Array): Uint8Array => addon().blake2b512(data);

/** One ChaCha8 keystream block (16 u32 words) for a 32-byte key and a 64-bit block counter. */
export const chacha8Block = (key: Uint8Array, counter: bigint): Uint32Array => addon().chacha8Block(key, counter);

/** The 3-round Feistel permutation with cycle walking on [0, numElements). */
export const feistelPermute = (numElements: bigint, keys: readonly [bigint, bigint, bigint], x: bigint): bigint =>
  addon().feistelPermute(numElements, keys, x);
