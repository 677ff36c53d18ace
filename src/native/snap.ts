// Typed wrapper around the SnapDeals kernels of native/sdr (snap-napi.cc, docs/snap.md#encoding):
// the new replica = key + data·rho, and back. Both run off the JS thread; AbortSignal → shared flag.
import { rawAddon, withCancel } from './addon.js';
import type { FrKernel } from './poseidon.js';

export interface SnapNativeProgress {
  readonly stage: 'snap-encode' | 'snap-decode';
  /** nodes finished */
  readonly done: number;
  readonly total: number;
}

interface Common {
  /** worker threads; default all cores */
  readonly threads?: number;
  /** field multiply: 'auto' (ADX/MULX when present), 'portable' (the plain twin), 'adx' */
  readonly kernel?: FrKernel;
  readonly onProgress?: (p: SnapNativeProgress) => void;
  readonly signal?: AbortSignal;
}

export interface SnapEncodeOptions extends Common {
  /** the sector key: the CC sealed file */
  readonly keyPath: string;
  /** fr32-padded new data (the staged sector), null = all zero */
  readonly dataPath: string | null;
  /** the new replica, written at partialPath(outPath) and renamed when complete */
  readonly outPath: string;
  /** rho per group, 32 bytes canonical LE each */
  readonly rhos: Uint8Array;
  /** group of node v = v >> bitsShr */
  readonly bitsShr: number;
  /** sector nodes */
  readonly nodes: bigint;
}

export interface SnapDecodeOptions extends Common {
  readonly keyPath: string;
  /** the new (snapped) replica */
  readonly replicaPath: string;
  /** receives nodes × 32 bytes of padded data at outByteOffset (created if missing, never truncated) */
  readonly outPath: string;
  /** rho⁻¹ per group */
  readonly rhoInvs: Uint8Array;
  readonly bitsShr: number;
  readonly firstNode: bigint;
  readonly nodes: bigint;
  readonly outByteOffset?: bigint;
  /** fail on the first decoded node ≥ 2^254 (cannot be fr32-padded data): names a damaged node */
  readonly checkFr32?: boolean;
}

type Native<T> = Omit<T, 'onProgress' | 'signal'>;
interface SnapAddon {
  snapRhos(phi: Uint8Array, groups: number, inverse: boolean): Uint8Array;
  snapEncode(o: Native<SnapEncodeOptions>, cb: Common['onProgress'], flag: Int32Array): Promise<void>;
  snapDecode(o: Native<SnapDecodeOptions>, cb: Common['onProgress'], flag: Int32Array): Promise<void>;
}
const addon = (): SnapAddon => rawAddon() as unknown as SnapAddon;

/** new_replica[v] = key[v] + data[v]·rho(v >> bitsShr) mod r, whole sector. */
export function snapEncodeNative(o: SnapEncodeOptions): Promise<void> {
  const { onProgress, signal, ...rest } = o;
  return withCancel(signal, (f) => addon().snapEncode(rest, onProgress, f));
}

/** data[v] = (replica[v] − key[v])·rho⁻¹(v >> bitsShr) mod r over [firstNode, firstNode + nodes). */
export function snapDecodeNative(o: SnapDecodeOptions): Promise<void> {
  const { onProgress, signal, ...rest } = o;
  return withCancel(signal, (f) => addon().snapDecode(rest, onProgress, f));
}

/** rho(phi, high) for high = 0..groups−1 (or their inverses), 32 bytes each, in one native call. */
export const snapRhosNative = (phi: Uint8Array, groups: number, inverse: boolean): Uint8Array => addon().snapRhos(phi, groups, inverse);
