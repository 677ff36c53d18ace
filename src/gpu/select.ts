// --gpu auto|off|opencl[:P:D] → a TreeBuilder (docs/gpu.md#selection). Every chosen device passes
// the known-answer self-test before any real work; several devices form a pool and each tree job
// takes an idle one, so concurrent sectors land on different devices (one sector per device).
import { InputError, isCancelled, UsageError } from '../errors.js';
import type { BuildTreeCOptions, BuildTreeRLastOptions, Pc2NativeProgress, TreeRoots } from '../native/pc2.js';
import { cpuTreeBuilder, type TreeBuilder } from '../seal/tree-builder.js';
import { listDevices, openclLibrary, type GpuDevice } from './devices.js';
import { buildOctreesOnDevice, type LeafInput } from './octree.js';
import { selfTest } from './self-test.js';
import { snapEncodeOnDevice } from './snap-encode.js';
import { GpuSession } from './session.js';

export type GpuMode = { readonly kind: 'auto' } | { readonly kind: 'off' } | { readonly kind: 'opencl'; readonly platform?: number; readonly device?: number };

/** Parses the --gpu value; throws UsageError naming the accepted forms. */
export function parseGpuMode(value: string): GpuMode {
  if (value === 'auto' || value === 'off') return { kind: value };
  const m = /^opencl(?::(\d+):(\d+))?$/.exec(value);
  if (!m) throw new UsageError(`--gpu ${value}: expected auto, off, opencl or opencl:<platform>:<device> (see \`sealer-recover devices\`)`);
  return m[1] === undefined ? { kind: 'opencl' } : { kind: 'opencl', platform: Number(m[1]), device: Number(m[2]) };
}

export const deviceLabel = (d: GpuDevice): string => `${d.id} (${d.name})`;

class DevicePool {
  private readonly idle: GpuSession[];
  private readonly waiting: Array<(s: GpuSession) => void> = [];
  constructor(readonly sessions: readonly GpuSession[]) {
    this.idle = [...sessions];
  }
  async lease<T>(work: (s: GpuSession) => Promise<T>): Promise<T> {
    const s = this.idle.pop() ?? (await new Promise<GpuSession>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(s);
    } finally {
      const next = this.waiting.shift();
      if (next) next(s);
      else this.idle.push(s);
    }
  }
}

type Progress = ((p: Pc2NativeProgress) => void) | undefined;
const relay = (stage: 'tree-c' | 'tree-r-last', device: string, cb: Progress) => (done: number, total: number) => cb?.({ stage, device, done, total });

/**
 * A TreeBuilder over already-tested sessions; `device` names them all. A device that fails during
 * a job (driver error, lost device, out of memory) does not fail the sector: that tree is rebuilt
 * on the CPU and `onNotice` says so. Cancellation is passed through.
 */
export function gpuTreeBuilder(sessions: readonly GpuSession[], opts: { readonly onNotice?: (message: string) => void } = {}): TreeBuilder {
  const pool = new DevicePool(sessions);
  const build = async (input: LeafInput, firstStoredRow: number, stage: 'tree-c' | 'tree-r-last', o: BuildTreeCOptions<string | null> | BuildTreeRLastOptions<string | null>, cpu: () => Promise<TreeRoots<string | null>>) => {
    try {
      return await onDevice(input, firstStoredRow, stage, o);
    } catch (err) {
      if (o.signal?.aborted || isCancelled(err)) throw err;
      opts.onNotice?.(`${stage} failed on the OpenCL device (${(err as Error).message}); building it on the CPU`);
      return cpu();
    }
  };
  // Each base tree is its own device job, so with several devices one sector's base trees (8 or 16
  // for 32/64 GiB) are built on all of them at once; with one device they queue in order.
  const onDevice = async (input: LeafInput, firstStoredRow: number, stage: 'tree-c' | 'tree-r-last', o: BuildTreeCOptions<string | null> | BuildTreeRLastOptions<string | null>) => {
    const selected = o.outPaths.filter((p) => p !== null).length;
    const done = new Map<number, number>();
    const perTree = await Promise.all(
      o.outPaths.map((path, i) =>
        path === null
          ? Promise.resolve(null)
          : pool.lease(async (session) => {
              const report = relay(stage, session.device.id, o.onProgress);
              const roots = await buildOctreesOnDevice({
                session,
                input,
                leavesPerTree: o.leavesPerTree,
                outPaths: o.outPaths.map((q, j) => (j === i ? q : null)),
                firstStoredRow,
                ...(o.chunkLeaves ? { chunkLeaves: o.chunkLeaves } : {}),
                onProgress: (d) => {
                  done.set(i, d);
                  report([...done.values()].reduce((x, y) => x + y, 0), selected * Number(o.leavesPerTree));
                },
                ...(o.signal ? { signal: o.signal } : {}),
              });
              return roots[i]!;
            }),
      ),
    );
    return perTree as TreeRoots<string | null>;
  };
  return {
    device: sessions.map((s) => deviceLabel(s.device)).join(', '),
    buildTreeC: (o) => build({ kind: 'columns', layerPaths: o.layerPaths }, 0, 'tree-c', o, () => cpuTreeBuilder.buildTreeC(o)),
    buildTreeRLast: (o) => build({ kind: 'nodes', path: o.replicaPath }, o.rowsToDiscard + 1, 'tree-r-last', o, () => cpuTreeBuilder.buildTreeRLast(o)),
    snapEncode: async (o) => {
      try {
        await pool.lease((session) => snapEncodeOnDevice(session, o));
      } catch (err) {
        if (o.signal?.aborted || isCancelled(err)) throw err;
        opts.onNotice?.(`snap encoding failed on the OpenCL device (${(err as Error).message}); encoding on the CPU`);
        await cpuTreeBuilder.snapEncode(o);
      }
    },
    close: () => sessions.forEach((s) => s.close()),
  };
}

export interface SelectOptions {
  /** path of the OpenCL ICD loader; default SDR_OPENCL_LIBRARY or the system's */
  readonly library?: string;
  /** one line per decision worth telling the operator (fallback to the CPU, device chosen) */
  readonly onNotice?: (message: string) => void;
}

async function openTested(d: GpuDevice, library: string | undefined): Promise<{ session?: GpuSession; why?: string }> {
  let session: GpuSession;
  try {
    session = await GpuSession.open(d, library);
  } catch (err) {
    return { why: `${deviceLabel(d)} could not be opened: ${(err as Error).message}` };
  }
  const t = await selfTest(session);
  if (!t.passed) {
    session.close();
    return { why: `${deviceLabel(d)} failed the Poseidon self-test (${t.detail}); it is not used` };
  }
  return { session };
}

/**
 * 'off' → the CPU. 'auto' → every OpenCL device of type GPU/accelerator that passes the
 * self-test, else the CPU with one notice saying why. 'opencl[:P:D]' → that device (or the first
 * device of any type, PoCL's CPU device included), and an error when it is absent or fails.
 */
export async function selectTreeBuilder(mode: GpuMode | string, o: SelectOptions = {}): Promise<TreeBuilder> {
  const m = typeof mode === 'string' ? parseGpuMode(mode) : mode;
  if (m.kind === 'off') return cpuTreeBuilder;
  const library = o.library ?? openclLibrary();
  const list = listDevices(library);
  if (m.kind === 'auto') {
    if (!list.ok) {
      o.onNotice?.(`no GPU backend (${list.reason}); trees are built on the CPU`);
      return cpuTreeBuilder;
    }
    const gpus = list.devices.filter((d) => d.type === 'gpu' || d.type === 'accelerator');
    if (gpus.length === 0) {
      o.onNotice?.(`no OpenCL GPU found (only ${list.devices.map(deviceLabel).join(', ')}; --gpu opencl uses those); trees are built on the CPU`);
      return cpuTreeBuilder;
    }
    const opened = await Promise.all(gpus.map((d) => openTested(d, library)));
    for (const x of opened) if (x.why) o.onNotice?.(x.why);
    const sessions = opened.flatMap((x) => (x.session ? [x.session] : []));
    if (sessions.length === 0) {
      o.onNotice?.('no OpenCL GPU passed the self-test; trees are built on the CPU');
      return cpuTreeBuilder;
    }
    const b = gpuTreeBuilder(sessions, o.onNotice ? { onNotice: o.onNotice } : {});
    o.onNotice?.(`trees are built on ${b.device}`);
    return b;
  }
  if (!list.ok) throw new InputError(`--gpu opencl: no GPU backend: ${list.reason}. Install an OpenCL runtime (a GPU driver, or pocl-opencl-icd), set SDR_OPENCL_LIBRARY to its libOpenCL.so, or use --gpu off`);
  const want =
    m.platform === undefined
      ? (list.devices.find((d) => d.type === 'gpu') ?? list.devices[0]!)
      : list.devices.find((d) => d.platform === m.platform && d.device === m.device);
  if (!want) throw new InputError(`--gpu opencl:${m.platform}:${m.device}: no such device; \`sealer-recover devices\` lists ${list.devices.map((d) => d.id).join(', ')}`);
  const x = await openTested(want, library);
  if (!x.session) throw new InputError(`--gpu ${want.id}: ${x.why}; use --gpu off to build on the CPU`);
  const b = gpuTreeBuilder([x.session], o.onNotice ? { onNotice: o.onNotice } : {});
  o.onNotice?.(`trees are built on ${b.device}`);
  return b;
}
