// `devices`: the OpenCL platforms and devices this machine has, their memory, and whether each
// passes the Poseidon known-answer self-test (docs/gpu.md#selection). Without OpenCL it says why
// and that the CPU builds the trees; that is not an error.
import type { Argv } from 'yargs';
import { defineCommand, type CliDeps, type Outcome } from '../command.js';

export interface DevicesArgs {
  readonly json?: boolean;
  readonly selfTest?: boolean;
}

interface DeviceRow {
  id: string;
  platform: string;
  name: string;
  type: string;
  globalMemBytes: number;
  maxAllocBytes: number;
  computeUnits: number;
  selfTest?: { passed: boolean; hashes: number; ms: number; detail?: string };
}

const gib = (b: number): string => `${(b / 2 ** 30).toFixed(1)} GiB`;

export async function runDevices(args: DevicesArgs, deps: CliDeps): Promise<Outcome> {
  const { listDevices, openclLibrary } = await import('../../gpu/devices.js');
  const { GpuSession } = await import('../../gpu/session.js');
  const { selfTest } = await import('../../gpu/self-test.js');
  const library = openclLibrary(deps.env);
  const list = listDevices(library);
  if (!list.ok) {
    if (args.json) deps.stdout.write(`${JSON.stringify({ backend: null, reason: list.reason, devices: [] }, null, 2)}\n`);
    else deps.stdout.write(`no GPU backend: ${list.reason}\nPoseidon trees are built on the CPU. Install an OpenCL runtime (GPU driver or pocl-opencl-icd) or set SDR_OPENCL_LIBRARY.\n`);
    return 'ok';
  }
  const rows: DeviceRow[] = [];
  for (const d of list.devices) {
    const row: DeviceRow = { id: d.id, platform: d.platformName, name: d.name, type: d.type, globalMemBytes: d.globalMemBytes, maxAllocBytes: d.maxAllocBytes, computeUnits: d.computeUnits };
    if (args.selfTest !== false) {
      try {
        const s = await GpuSession.open(d, library);
        try {
          const r = await selfTest(s);
          row.selfTest = { passed: r.passed, hashes: r.hashes, ms: r.ms, ...(r.detail ? { detail: r.detail } : {}) };
        } finally {
          s.close();
        }
      } catch (err) {
        row.selfTest = { passed: false, hashes: 0, ms: 0, detail: (err as Error).message };
      }
    }
    rows.push(row);
  }
  if (args.json) {
    deps.stdout.write(`${JSON.stringify({ backend: 'opencl', library: list.library, devices: rows }, null, 2)}\n`);
  } else {
    deps.stdout.write(`OpenCL (${list.library})\n`);
    for (const r of rows) {
      const test = r.selfTest ? (r.selfTest.passed ? `self-test passed (${r.selfTest.hashes} hashes, ${r.selfTest.ms} ms)` : `self-test FAILED: ${r.selfTest.detail}`) : 'self-test not run';
      deps.stdout.write(`${r.id}  ${r.type}  ${r.name} [${r.platform}]  ${gib(r.globalMemBytes)} (max buffer ${gib(r.maxAllocBytes)}), ${r.computeUnits} compute units  ${test}\n`);
    }
    const auto = rows.filter((r) => (r.type === 'gpu' || r.type === 'accelerator') && r.selfTest?.passed !== false);
    deps.stdout.write(auto.length ? `--gpu auto uses ${auto.map((r) => r.id).join(', ')}\n` : '--gpu auto builds on the CPU (no GPU device); --gpu opencl:<p>:<d> uses a device listed above\n');
  }
  return rows.some((r) => r.selfTest && !r.selfTest.passed) ? 'incomplete' : 'ok';
}

export const devicesCommand = defineCommand<DevicesArgs>({
  command: 'devices',
  describe: 'List OpenCL platforms/devices with their memory and Poseidon self-test result (the --gpu choices)',
  builder: (y: Argv) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
      .option('self-test', { type: 'boolean', default: true, describe: 'run the known-answer Poseidon batch on each device' }) as Argv,
  run: runDevices,
});
