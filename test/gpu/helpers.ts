// What the GPU suites share: whether an OpenCL device is here, and the rule that under CI=true its
// absence is a failure, not a skip (.ci/run installs PoCL).
import { it } from 'vitest';
import { listDevices, type GpuDevice } from '../../src/gpu/devices.js';
import { GpuSession } from '../../src/gpu/session.js';

const list = listDevices();
export const openclDevice: GpuDevice | undefined = list.ok ? list.devices[0] : undefined;
export const noOpenclReason = list.ok ? '' : list.reason;

/** `it` when a device exists; otherwise a skip naming the reason, or under CI=true a failing test. */
export function itGpu(name: string, fn: (device: GpuDevice) => Promise<void>, timeout?: number): void {
  if (openclDevice) {
    it(name, () => fn(openclDevice), timeout);
  } else if (process.env.CI === 'true') {
    it(name, () => {
      throw new Error(`no OpenCL device under CI=true (${noOpenclReason}): .ci/run must install pocl-opencl-icd and ocl-icd-libopencl1`);
    });
  } else {
    it.skip(`${name} [skipped: no OpenCL device: ${noOpenclReason}]`, () => undefined);
  }
}

const shared = new Map<string, Promise<GpuSession>>();
/** One session per test file and word size: building the kernels costs seconds on PoCL. */
export const session = (d: GpuDevice, limbs?: 32 | 64): Promise<GpuSession> => {
  const key = String(limbs ?? 'default');
  let s = shared.get(key);
  if (!s) shared.set(key, (s = GpuSession.open(d, undefined, limbs ? { limbs } : {})));
  return s;
};
