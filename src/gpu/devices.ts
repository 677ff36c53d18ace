// OpenCL platforms and devices as the rest of the program sees them (docs/gpu.md#selection).
import { gpuAddon, type RawDevice } from './addon.js';

/** Where the OpenCL ICD loader is looked for: SDR_OPENCL_LIBRARY, else the system default. */
export const openclLibrary = (env: NodeJS.ProcessEnv = process.env): string | undefined => env.SDR_OPENCL_LIBRARY || undefined;

export interface GpuDevice extends RawDevice {
  readonly platform: number;
  readonly device: number;
  readonly platformName: string;
  /** "opencl:P:D" — what --gpu accepts */
  readonly id: string;
}

export type DeviceList =
  | { readonly ok: true; readonly library: string; readonly devices: readonly GpuDevice[] }
  | { readonly ok: false; readonly reason: string };

/** Every OpenCL device, or why there is no GPU backend (never throws). */
export function listDevices(library = openclLibrary()): DeviceList {
  const addon = gpuAddon();
  if (addon instanceof Error) return { ok: false, reason: addon.message };
  try {
    const probe = addon.probe(library);
    const devices = probe.platforms.flatMap((p, pi) =>
      p.devices.map((d, di) => ({ ...d, platform: pi, device: di, platformName: p.name, id: `opencl:${pi}:${di}` })),
    );
    if (devices.length === 0) return { ok: false, reason: `${probe.library} loaded but reports no OpenCL device` };
    return { ok: true, library: probe.library, devices };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
