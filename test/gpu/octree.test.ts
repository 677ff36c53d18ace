// Streaming tree building on the device equals native/sdr's CPU builders file for file, over
// chunk sizes (chunk seams, the top tree over sub-roots), several base trees, skipped trees and
// both leaf sources (columns of 2 and 11 layers; replica nodes with discarded rows).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import { buildOctreesOnDevice } from '../../src/gpu/octree.js';
import { gpuTreeBuilder } from '../../src/gpu/select.js';
import { GpuSession } from '../../src/gpu/session.js';
import { buildTreeC, buildTreeRLast } from '../../src/native/pc2.js';
import { itGpu, session } from './helpers.js';

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-gpu-octree-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function nodesFile(name: string, n: number): Promise<string> {
  const b = randomBytes(n * 32);
  for (let i = 0; i < n; i++) b[i * 32 + 31]! &= 0x3f;
  const p = path.join(tmp, name);
  await writeFile(p, b);
  return p;
}
const hex = async (p: string) => (await readFile(p)).toString('hex');

describe('device octrees equal the CPU builders', () => {
  itGpu('tree-c over 2 and 11 layers, 2 base trees, chunks of 8 and 64', async (d) => {
    const s = await session(d);
    for (const L of [2, 11]) {
      const leavesPerTree = 512n;
      const layerPaths = await Promise.all(Array.from({ length: L }, (_, l) => nodesFile(`c${L}-layer-${l}`, 1024)));
      const cpuPaths = [0, 1].map((t) => path.join(tmp, `c${L}-cpu-${t}`));
      const cpuRoots = await buildTreeC({ layerPaths, outPaths: cpuPaths, leavesPerTree, threads: 1 });
      for (const chunk of [8n, 64n, 512n]) {
        const gpuPaths = [0, 1].map((t) => path.join(tmp, `c${L}-gpu-${chunk}-${t}`));
        const roots = await buildOctreesOnDevice({ session: s, input: { kind: 'columns', layerPaths }, leavesPerTree, outPaths: gpuPaths, firstStoredRow: 0, chunkLeaves: chunk });
        expect(roots.map((r) => Buffer.from(r!).toString('hex'))).toEqual(cpuRoots.map((r) => Buffer.from(r).toString('hex')));
        for (const t of [0, 1]) expect(await hex(gpuPaths[t]!), `L ${L} chunk ${chunk} tree ${t}`).toBe(await hex(cpuPaths[t]!));
      }
    }
  });

  itGpu('tree-r-last with discarded rows, a skipped tree, chunk 64', async (d) => {
    const s = await session(d);
    const leavesPerTree = 4096n;
    const replica = await nodesFile('replica', 3 * 4096);
    for (const rowsToDiscard of [0, 1, 2]) {
      const cpuPaths = [0, 1, 2].map((t) => path.join(tmp, `r${rowsToDiscard}-cpu-${t}`));
      const cpuRoots = await buildTreeRLast({ replicaPath: replica, outPaths: cpuPaths, leavesPerTree, rowsToDiscard, threads: 1 });
      const gpuPaths = [path.join(tmp, `r${rowsToDiscard}-gpu-0`), null, path.join(tmp, `r${rowsToDiscard}-gpu-2`)];
      const progress: number[] = [];
      const roots = await buildOctreesOnDevice({
        session: s,
        input: { kind: 'nodes', path: replica },
        leavesPerTree,
        outPaths: gpuPaths,
        firstStoredRow: rowsToDiscard + 1,
        chunkLeaves: 64n,
        onProgress: (done) => progress.push(done),
      });
      expect(roots[1]).toBeNull();
      expect(Buffer.from(roots[0]!).toString('hex')).toBe(Buffer.from(cpuRoots[0]!).toString('hex'));
      expect(Buffer.from(roots[2]!).toString('hex')).toBe(Buffer.from(cpuRoots[2]!).toString('hex'));
      expect(await hex(gpuPaths[0]!)).toBe(await hex(cpuPaths[0]!));
      expect(await hex(gpuPaths[2]!)).toBe(await hex(cpuPaths[2]!));
      expect(progress.at(-1)).toBe(2 * 4096);
    }
  });

  itGpu('several devices: one sector\'s base trees are spread over the pool, files equal the CPU', async (d) => {
    // Two sessions on the one device stand in for two devices.
    const a = await GpuSession.open(d, undefined);
    const b = await GpuSession.open(d, undefined);
    try {
      const spyA = vi.spyOn(a, 'hashRows');
      const spyB = vi.spyOn(b, 'hashRows');
      const leavesPerTree = 512n;
      const layerPaths = await Promise.all([0, 1].map((l) => nodesFile(`pool-layer-${l}`, 4 * 512)));
      const cpuPaths = [0, 1, 2, 3].map((t) => path.join(tmp, `pool-cpu-${t}`));
      const gpuPaths = [0, 1, 2, 3].map((t) => path.join(tmp, `pool-gpu-${t}`));
      const cpuRoots = await buildTreeC({ layerPaths, outPaths: cpuPaths, leavesPerTree, threads: 1 });
      const progress: number[] = [];
      const roots = await gpuTreeBuilder([a, b]).buildTreeC({ layerPaths, outPaths: gpuPaths, leavesPerTree, chunkLeaves: 64n, onProgress: (p) => progress.push(p.done) });
      expect(roots.map((r) => Buffer.from(r!).toString('hex'))).toEqual(cpuRoots.map((r) => Buffer.from(r).toString('hex')));
      for (const t of [0, 1, 2, 3]) expect(await hex(gpuPaths[t]!)).toBe(await hex(cpuPaths[t]!));
      expect(spyA).toHaveBeenCalled();
      expect(spyB).toHaveBeenCalled();
      expect(Math.max(...progress)).toBe(4 * 512);
    } finally {
      a.close();
      b.close();
    }
  });
});
