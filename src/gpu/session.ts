// An opened OpenCL device: context, queue, compiled kernels and the Poseidon tables in device
// memory (docs/gpu.md#kernels). The tables come from the CPU implementation (native/sdr
// poseidonConstants), so the device hashes with exactly the constants the CPU path uses.
import { readFile } from 'node:fs/promises';
import { poseidonConstants } from '../native/poseidon.js';
import { gpuAddon, KERNEL_SOURCE_PATH, type ConstantTable, type HashJob, type RawSession } from './addon.js';
import type { GpuDevice } from './devices.js';

/** Arities the trees need: 2 and 11 (tree-c columns), 8 (tree nodes). */
export const GPU_ARITIES = [2, 8, 11] as const;

/** 2^arity − 1 as a canonical little-endian element: the MerkleTree domain tag (docs/poseidon.md#permutation). */
function merkleTag(arity: number): Uint8Array {
  const out = new Uint8Array(32);
  let v = (1n << BigInt(arity)) - 1n;
  for (let i = 0; i < 32 && v > 0n; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

export function constantTable(arity: number): ConstantTable {
  const c = poseidonConstants(arity, false);
  const parts = [merkleTag(arity), c.compressed, c.mds, c.preSparse, c.sparse];
  const table = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  const offsets: number[] = [];
  let at = 0;
  for (const p of parts) {
    offsets.push(at / 32);
    table.set(p, at);
    at += p.length;
  }
  return { arity, rf: c.rf, rp: c.rp, table, oComp: offsets[1]!, oMds: offsets[2]!, oPre: offsets[3]!, oSparse: offsets[4]! };
}

export class GpuSession {
  private constructor(
    readonly device: GpuDevice,
    private readonly raw: RawSession,
    /** word size of the field multiply this session's kernels were built with */
    readonly limbs: 32 | 64,
  ) {}

  /**
   * `limbs`: the field multiply's word size (docs/gpu.md#kernels) — 32 on GPU-type devices, which
   * multiply 32-bit words natively, 64 on CPU-type devices; both give the same bytes.
   */
  static async open(device: GpuDevice, library: string | undefined, o: { readonly limbs?: 32 | 64 } = {}): Promise<GpuSession> {
    const addon = gpuAddon();
    if (addon instanceof Error) throw addon;
    const source = await readFile(KERNEL_SOURCE_PATH, 'utf8');
    const limbs = o.limbs ?? (device.type === 'cpu' ? 64 : 32);
    const raw = await addon.openDevice(library, device.platform, device.device, source, GPU_ARITIES.map(constantTable), limbs === 32 ? '-DFR_MUL32' : '');
    return new GpuSession(device, raw, limbs);
  }

  /** One hash pass, then `levels` arity-8 passes; rows concatenated bottom first (canonical bytes). */
  hashRows(job: HashJob): Promise<Buffer> {
    return (gpuAddon() as Exclude<ReturnType<typeof gpuAddon>, Error>).hashRows(this.raw, job);
  }

  /** n MerkleTree hashes of consecutive groups of `arity` elements. */
  hashMany(arity: number, flat: Uint8Array): Promise<Buffer> {
    const n = flat.length / 32 / arity;
    return this.hashRows({ input: flat, arity, n, groupStride: arity, elemStride: 1, levels: 0 });
  }

  /** SnapDeals: key + data·rho per node (canonical bytes), node i of the chunk being firstNode + i. */
  snapEncode(job: { key: Uint8Array; data: Uint8Array; rhos: Uint8Array; firstNode: number; bitsShr: number }): Promise<Buffer> {
    return (gpuAddon() as Exclude<ReturnType<typeof gpuAddon>, Error>).snapEncode(this.raw, job);
  }

  close(): void {
    const addon = gpuAddon();
    if (!(addon instanceof Error)) addon.closeDevice(this.raw);
  }
}
