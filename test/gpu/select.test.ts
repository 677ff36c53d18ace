// --gpu selection and fallback: a missing OpenCL library means the CPU with one clear notice under
// 'auto' and an InputError under 'opencl'; 'off' never touches OpenCL; bad values are usage errors.
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/errors.js';
import { listDevices } from '../../src/gpu/devices.js';
import { parseGpuMode, selectTreeBuilder } from '../../src/gpu/select.js';
import { cpuTreeBuilder } from '../../src/seal/tree-builder.js';
import { itGpu } from './helpers.js';

const MISSING = '/nonexistent/libOpenCL-missing.so.1';

describe('--gpu', () => {
  it('parses auto, off, opencl and opencl:P:D; rejects anything else', () => {
    expect(parseGpuMode('auto')).toEqual({ kind: 'auto' });
    expect(parseGpuMode('off')).toEqual({ kind: 'off' });
    expect(parseGpuMode('opencl')).toEqual({ kind: 'opencl' });
    expect(parseGpuMode('opencl:1:2')).toEqual({ kind: 'opencl', platform: 1, device: 2 });
    for (const bad of ['cuda', 'opencl:1', 'opencl:a:b', '']) expect(() => parseGpuMode(bad)).toThrow(UsageError);
  });

  it('a missing OpenCL library is reported, not thrown', () => {
    const l = listDevices(MISSING);
    expect(l.ok).toBe(false);
    if (!l.ok) expect(l.reason).toContain(MISSING);
  });

  it("auto with a missing library falls back to the CPU with one notice naming it", async () => {
    const notes: string[] = [];
    const b = await selectTreeBuilder('auto', { library: MISSING, onNotice: (m) => notes.push(m) });
    expect(b).toBe(cpuTreeBuilder);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^no GPU backend \(cannot load the OpenCL library \/nonexistent.*\); trees are built on the CPU$/);
  });

  it('SDR_OPENCL_LIBRARY names the library; pointing it at a missing one means the CPU under auto', async () => {
    const saved = process.env.SDR_OPENCL_LIBRARY;
    process.env.SDR_OPENCL_LIBRARY = MISSING;
    try {
      const notes: string[] = [];
      expect(await selectTreeBuilder('auto', { onNotice: (m) => notes.push(m) })).toBe(cpuTreeBuilder);
      expect(notes.join('\n')).toContain(MISSING);
    } finally {
      if (saved === undefined) delete process.env.SDR_OPENCL_LIBRARY;
      else process.env.SDR_OPENCL_LIBRARY = saved;
    }
  });

  it('opencl with a missing library is an InputError naming the fix', async () => {
    const p = selectTreeBuilder('opencl', { library: MISSING });
    await expect(p).rejects.toBeInstanceOf(InputError);
    await expect(p).rejects.toThrow(/SDR_OPENCL_LIBRARY.*--gpu off/);
  });

  it('off is the CPU without probing', async () => {
    const notes: string[] = [];
    expect(await selectTreeBuilder('off', { library: MISSING, onNotice: (m) => notes.push(m) })).toBe(cpuTreeBuilder);
    expect(notes).toEqual([]);
  });

  itGpu('opencl picks a self-tested device and names it; an absent device index is an InputError', async (d) => {
    const notes: string[] = [];
    const b = await selectTreeBuilder(`opencl:${d.platform}:${d.device}`, { onNotice: (m) => notes.push(m) });
    try {
      expect(b.device).toBe(`${d.id} (${d.name})`);
      expect(notes).toEqual([`trees are built on ${b.device}`]);
    } finally {
      b.close();
    }
    await expect(selectTreeBuilder('opencl:0:99')).rejects.toBeInstanceOf(InputError);
  });

  itGpu('auto uses only GPU-type devices; a CPU-only OpenCL runtime leaves the trees on the CPU', async (d) => {
    const notes: string[] = [];
    const b = await selectTreeBuilder('auto', { onNotice: (m) => notes.push(m) });
    try {
      if (d.type === 'gpu' || d.type === 'accelerator') expect(b.device).toContain('opencl:');
      else {
        expect(b).toBe(cpuTreeBuilder);
        expect(notes[0]).toMatch(/no OpenCL GPU found .*--gpu opencl/);
      }
    } finally {
      b.close();
    }
  });
});

describe('a device failing mid-job', () => {
  it('rebuilds that tree on the CPU, says so, and the files equal the CPU builder', async () => {
    const { randomBytes } = await import('node:crypto');
    const { mkdtemp, readFile, rm, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const { GpuSession } = await import('../../src/gpu/session.js');
    const { gpuTreeBuilder } = await import('../../src/gpu/select.js');
    const { buildTreeRLast } = await import('../../src/native/pc2.js');
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'gpu-fallback-'));
    try {
      const replica = randomBytes(512 * 32);
      for (let i = 0; i < 512; i++) replica[i * 32 + 31]! &= 0x3f;
      await writeFile(path.join(tmp, 'replica'), replica);
      // A session whose device errors on every job (no OpenCL needed).
      const broken = Object.assign(Object.create(GpuSession.prototype) as import('../../src/gpu/session.js').GpuSession, {
        device: { id: 'opencl:9:9', name: 'broken' },
        hashRows: () => Promise.reject(new Error('clEnqueueNDRangeKernel failed: -5 (CL_OUT_OF_RESOURCES)')),
        close: () => undefined,
      });
      const notes: string[] = [];
      const b = gpuTreeBuilder([broken], { onNotice: (m) => notes.push(m) });
      const o = { replicaPath: path.join(tmp, 'replica'), leavesPerTree: 512n, rowsToDiscard: 1 };
      const roots = await b.buildTreeRLast({ ...o, outPaths: [path.join(tmp, 'gpu')] });
      const want = await buildTreeRLast({ ...o, outPaths: [path.join(tmp, 'cpu')] });
      expect(Buffer.from(roots[0]!).toString('hex')).toBe(Buffer.from(want[0]!).toString('hex'));
      expect((await readFile(path.join(tmp, 'gpu'))).equals(await readFile(path.join(tmp, 'cpu')))).toBe(true);
      expect(notes).toEqual(['tree-r-last failed on the OpenCL device (clEnqueueNDRangeKernel failed: -5 (CL_OUT_OF_RESOURCES)); building it on the CPU']);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
