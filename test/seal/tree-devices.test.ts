// The report's "who built each tree" when one sector's base trees are spread over several devices
// (several GPUs in the pool, or a GPU that failed over to the CPU for one base tree): every device
// is named, not the last one to report progress. The trees themselves come from the CPU builder and
// must still equal the reference's (8-8-0 shape vector: 8 base trees per tree).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildTreeCOptions, BuildTreeRLastOptions, Pc2NativeProgress, TreeRoots } from '../../src/native/pc2.js';
import { cpuTreeBuilder, type TreeBuilder } from '../../src/seal/tree-builder.js';
import { shapeVectors } from '../helpers/vectors.js';
import { sealLikeReference } from './helpers/oracle-files.js';
import { shapeVectorProof } from './helpers/shapes.js';

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-tree-devices-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Builds base tree i alone on the CPU and reports its progress as coming from `deviceOf(i)`. */
function spreadBuilder(deviceOf: (i: number) => string | undefined): TreeBuilder {
  const perTree = async <O extends BuildTreeCOptions<string | null> | BuildTreeRLastOptions<string | null>>(o: O, build: (o: O) => Promise<TreeRoots<string | null>>) => {
    const roots: Array<Uint8Array | null> = [];
    for (const [i, p] of o.outPaths.entries()) {
      if (p === null) {
        roots.push(null);
        continue;
      }
      const device = deviceOf(i);
      const r = await build({
        ...o,
        outPaths: o.outPaths.map((q, j) => (j === i ? q : null)),
        onProgress: (x: Pc2NativeProgress) => o.onProgress?.({ ...x, ...(device ? { device } : {}) }),
      });
      roots.push(r[i] ?? null);
    }
    return roots as TreeRoots<string | null>;
  };
  return {
    device: 'fake pool',
    buildTreeC: (o) => perTree(o, (x) => cpuTreeBuilder.buildTreeC(x)),
    buildTreeRLast: (o) => perTree(o, (x) => cpuTreeBuilder.buildTreeRLast(x)),
    snapEncode: (o) => cpuTreeBuilder.snapEncode(o),
    close: () => undefined,
  };
}

describe('PC2 names every device that built a base tree', () => {
  const v = shapeVectors().find((x) => x.name.startsWith('8-8-0-V1_1-cc-n64'));

  it('two devices, and a CPU fallback for one base tree', async () => {
    expect(v, 'vector 8-8-0-V1_1-cc-n64').toBeDefined();
    const proof = shapeVectorProof(v!.vector);
    expect(proof.baseTrees).toBe(8);
    const dir = path.join(tmp, 'spread');
    await mkdir(dir);
    // tree i on opencl:0:(i mod 2), except base tree 5, which "fell back" to the CPU (no device in its progress)
    const builder = spreadBuilder((i) => (i === 5 ? undefined : `opencl:0:${i % 2}`));
    const out = await sealLikeReference(v!.vector, proof, dir, path.join(tmp, 'parents'), undefined, builder);
    expect(out.treeDevices).toEqual({ treeC: 'cpu, opencl:0:0, opencl:0:1', treeRLast: 'cpu, opencl:0:0, opencl:0:1' });
  });

  it('one device for every base tree: just that device', async () => {
    const proof = shapeVectorProof(v!.vector);
    const dir = path.join(tmp, 'one');
    await mkdir(dir);
    const out = await sealLikeReference(v!.vector, proof, dir, path.join(tmp, 'parents'), undefined, spreadBuilder(() => 'opencl:1:0'));
    expect(out.treeDevices).toEqual({ treeC: 'opencl:1:0', treeRLast: 'opencl:1:0' });
  });
});
