// Typed wrapper around the SHA-256 compression kernels of native/sdr (sha256-*.cc via sha256-napi.cc).
// Compression-level only: callers pad their own messages. Used by tests and benchmarks.
import { rawAddon } from './addon.js';

/** 'fast' = SHA-NI when the CPU has it (and SDR_DISABLE_SHA_NI is unset), else portable. */
export type Sha256Kernel = 'fast' | 'portable';

interface HashingAddon {
  sha256Compress(state: Uint32Array, blocks: Uint8Array, kernel?: Sha256Kernel): void;
  sha256CompressLanes(states: Uint32Array, blocks: Uint8Array, lanes: number, kernel?: Sha256Kernel): void;
  sha256Kernel(): string;
}
const addon = (): HashingAddon => rawAddon() as unknown as HashingAddon;

export const SHA256_IV: readonly number[] = Object.freeze([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** A fresh state at the SHA-256 initial value. */
export const sha256InitialState = (): Uint32Array => Uint32Array.from(SHA256_IV);

/** Advances `state` in place over `blocks` (a whole number of 64-byte blocks). */
export function sha256Compress(state: Uint32Array, blocks: Uint8Array, kernel: Sha256Kernel = 'fast'): void {
  addon().sha256Compress(state, blocks, kernel);
}

/**
 * Advances `lanes` independent states (8 words each, concatenated) over the same number of blocks
 * each; lane i's blocks are the i-th equal slice of `blocks`. The fast kernel interleaves lanes.
 */
export function sha256CompressLanes(states: Uint32Array, blocks: Uint8Array, lanes: number, kernel: Sha256Kernel = 'fast'): void {
  addon().sha256CompressLanes(states, blocks, lanes, kernel);
}

/** Name of the kernel 'fast' resolves to on this machine: 'sha-ni' or 'portable'. */
export const sha256FastKernelName = (): string => addon().sha256Kernel();

/** Big-endian serialization of a state: the standard digest. */
export function sha256StateDigest(state: Uint32Array): Uint8Array {
  const out = new Uint8Array(32);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) dv.setUint32(4 * i, state[i]!, false);
  return out;
}

/** Standard SHA-256 padding, so whole messages can be fed to the compression helpers. */
export function sha256Pad(message: Uint8Array): Uint8Array {
  const len = Math.ceil((message.length + 9) / 64) * 64;
  const out = new Uint8Array(len);
  out.set(message);
  out[message.length] = 0x80;
  new DataView(out.buffer).setBigUint64(len - 8, BigInt(message.length) * 8n, false);
  return out;
}
