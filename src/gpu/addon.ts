// Loads native/gpu (docs/gpu.md#loading). The addon itself never links OpenCL; probe() dlopens the
// ICD loader named by SDR_OPENCL_LIBRARY (or the system default) and throws when it cannot.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// src/gpu and dist/gpu are both two levels below the package root.
export const GPU_ADDON_PATH = join(here, '..', '..', 'native', 'gpu', 'build', 'Release', 'gpu.node');
/** The OpenCL C source of the kernels, compiled by the driver when a device is opened. */
export const KERNEL_SOURCE_PATH = join(here, '..', '..', 'native', 'gpu', 'kernels', 'poseidon.cl');

export interface RawDevice {
  readonly name: string;
  readonly vendor: string;
  readonly version: string;
  readonly type: 'gpu' | 'cpu' | 'accelerator' | 'other';
  readonly globalMemBytes: number;
  readonly maxAllocBytes: number;
  readonly computeUnits: number;
}
export interface RawPlatform {
  readonly name: string;
  readonly vendor: string;
  readonly version: string;
  readonly devices: readonly RawDevice[];
}
export interface ConstantTable {
  readonly arity: number;
  readonly rf: number;
  readonly rp: number;
  /** canonical elements: tag, compressed constants, MDS, pre-sparse, sparse */
  readonly table: Uint8Array;
  readonly oComp: number;
  readonly oMds: number;
  readonly oPre: number;
  readonly oSparse: number;
}
export interface HashJob {
  readonly input: Uint8Array;
  readonly arity: number;
  readonly n: number;
  readonly groupStride: number;
  readonly elemStride: number;
  readonly levels: number;
}
declare const sessionBrand: unique symbol;
export type RawSession = { readonly [sessionBrand]: true };

export interface GpuAddon {
  probe(library?: string): { library: string; platforms: RawPlatform[] };
  openDevice(library: string | undefined, platform: number, device: number, source: string, tables: ConstantTable[], buildOptions: string): Promise<RawSession>;
  hashRows(session: RawSession, job: HashJob): Promise<Buffer>;
  snapEncode(session: RawSession, job: { key: Uint8Array; data: Uint8Array; rhos: Uint8Array; firstNode: number; bitsShr: number }): Promise<Buffer>;
  closeDevice(session: RawSession): void;
}

let cached: GpuAddon | Error | undefined;

/** The addon, or the Error saying why it is not there (never throws). */
export function gpuAddon(): GpuAddon | Error {
  if (!cached) {
    try {
      cached = createRequire(import.meta.url)(GPU_ADDON_PATH) as GpuAddon;
    } catch (err) {
      cached = new Error(`the GPU addon (native/gpu) is not built: ${(err as Error).message}`);
    }
  }
  return cached;
}
