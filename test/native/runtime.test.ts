// The shared native runtime (native/sdr/README.md): every async export has the shape
// (options, onProgress?, cancelFlag?) → Promise, rejects (never throws) on bad arguments, and every
// failure carries a `code` — 'EINVAL', 'ECANCELLED', errno names with syscall and path, 'ECORRUPT' —
// that the TypeScript wrappers turn into typed errors without reading messages.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, CorruptionError, errorKind } from '../../src/errors.js';
import { partialPath, rawAddon, withCancel } from '../../src/native/addon.js';
import { graphParents, writeParentsCache } from '../../src/native/graph.js';
import { labelLayers } from '../../src/native/pc1.js';
import { buildTreeC, buildTreeRLast, decodeRange, encodeReplica } from '../../src/native/pc2.js';
import { sealProof } from '../../src/proofs/registry.js';
import { graphParams } from '../../src/seal/graph-seeds.js';
import { cacheFiles } from '../../src/sector/cache-files.js';
import { R, le, removeTempDirs, seededElements, tempDir } from '../poseidon/helpers.js';

type AsyncExport = (options: unknown, onProgress?: unknown, cancelFlag?: unknown) => Promise<unknown>;
const raw = (name: string): AsyncExport => rawAddon()[name] as AsyncExport;
const raised = (): Int32Array => {
  const f = new Int32Array(new SharedArrayBuffer(4));
  f[0] = 1;
  return f;
};

const P2K = sealProof('StackedDrg2KiBV1_1');
let dir = '';
let parents = '';
let layers: string[] = [];
let replica = '';

beforeAll(async () => {
  dir = await tempDir();
  parents = join(dir, 'parents.cache');
  await writeParentsCache(graphParams(P2K), parents, { threads: 1 });
  layers = [join(dir, 'layer-1'), join(dir, 'layer-2')];
  await writeFile(layers[0]!, seededElements('l1', 64));
  await writeFile(layers[1]!, seededElements('l2', 64));
  replica = join(dir, 'replica');
  await writeFile(replica, seededElements('replica', 64));
});
afterAll(removeTempDirs);

/** Valid options for every async export, over the 64-node files above. */
const valid = (): Record<string, Record<string, unknown>> => ({
  writeParentsCache: { params: graphParams(P2K), path: join(dir, 'pc-out') },
  labelLayers: {
    nodes: 64n,
    layers: 2,
    startLayer: 1,
    parentsCachePath: parents,
    sectors: [{ replicaId: new Uint8Array(32), layerPaths: [join(dir, 'o-1'), join(dir, 'o-2')] }],
  },
  buildTreeD: { nodes: 64n, stagedPath: null, outPath: join(dir, 'tree-d') },
  buildTreeC: { layerPaths: layers, outPaths: [join(dir, 'tc')], leavesPerTree: 64n },
  buildTreeRLast: { replicaPath: replica, outPaths: [join(dir, 'tr')], leavesPerTree: 64n, rowsToDiscard: 0 },
  encodeReplica: { keyPath: layers[1], dataPath: null, outPath: join(dir, 'sealed'), firstNode: 0n, nodes: 64n },
  decodeRange: { keyPath: layers[1], replicaPath: replica, outPath: join(dir, 'decoded'), firstNode: 0n, nodes: 64n },
  snapEncode: { keyPath: layers[1], dataPath: layers[0], outPath: join(dir, 'update'), rhos: ONE, bitsShr: 6, nodes: 64n },
  snapDecode: { keyPath: layers[1], replicaPath: replica, outPath: join(dir, 'snap-decoded'), rhoInvs: ONE, bitsShr: 6, firstNode: 0n, nodes: 64n },
});
const ONE = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0));
const EXPORTS = Object.keys(valid());

describe('async exports: one shape, one set of codes', () => {
  it.each(EXPORTS)('%s: a raised cancel flag rejects with code ECANCELLED', async (name) => {
    await expect(raw(name)(valid()[name], undefined, raised())).rejects.toMatchObject({ code: 'ECANCELLED', message: 'cancelled' });
  });

  it.each(EXPORTS)('%s: bad arguments reject (not throw) with code EINVAL', async (name) => {
    let p: Promise<unknown> | undefined;
    expect(() => (p = raw(name)('not an object'))).not.toThrow();
    await expect(p).rejects.toMatchObject({ code: 'EINVAL', message: 'options must be an object' });
    const flag = new Uint32Array(new SharedArrayBuffer(4));
    await expect(raw(name)(valid()[name], undefined, flag)).rejects.toMatchObject({
      code: 'EINVAL',
      message: 'cancelFlag must be an Int32Array (over a SharedArrayBuffer)',
    });
    await expect(raw(name)(valid()[name], 'not a function')).rejects.toMatchObject({ code: 'EINVAL', message: 'onProgress must be a function' });
  });

  it('argument errors name the field, nested ones by path', async () => {
    const label = valid().labelLayers!;
    const bad = async (o: object) => raw('labelLayers')({ ...label, ...o }).catch((e: unknown) => e);
    expect(await bad({ sectors: [{ replicaId: new Uint8Array(31), layerPaths: [] }] })).toMatchObject({
      name: 'RangeError',
      code: 'EINVAL',
      message: 'sectors[0].replicaId must be 32 bytes, got 31',
    });
    expect(await bad({ sectors: [{ replicaId: new Uint8Array(32), layerPaths: ['a'] }] })).toMatchObject({
      message: 'sectors[0].layerPaths must have one path per layer (2), got 1',
    });
    expect(await bad({ sectors: [{ replicaId: new Uint8Array(32), layerPaths: ['a', ''] }] })).toMatchObject({
      name: 'TypeError',
      message: 'sectors[0].layerPaths[1] must be a non-empty path',
    });
    expect(await bad({ startLayer: 3 })).toMatchObject({ message: 'startLayer must be between 1 and 2, got 3' });
    expect(await bad({ nodes: 2 ** 53 })).toMatchObject({ message: 'nodes must be a non-negative safe integer' });
    expect(await bad({ layers: 1n << 64n })).toMatchObject({ message: 'layers does not fit in an unsigned 64-bit integer' });
    expect(await bad({ kernel: 'sha3' })).toMatchObject({ message: "kernel must be one of 'fast', 'portable', got 'sha3'" });
    const treeC = valid().buildTreeC!;
    expect(await raw('buildTreeC')({ ...treeC, outPaths: [join(dir, 'x'), 5] }).catch((e: unknown) => e)).toMatchObject({
      message: 'outPaths[1] must be a string',
    });
  });

  it('synchronous exports throw the same coded errors', () => {
    expect(() => graphParents({ ...graphParams(P2K), nodes: 1n }, 0, 1)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    const frOp = rawAddon().frOp as (op: string, a: Uint8Array, b: Uint8Array) => Uint8Array;
    expect(() => frOp('*', le(R), le(1n))).toThrow(expect.objectContaining({ code: 'EINVAL', message: 'a is not a canonical field element (value ≥ the BLS12-381 modulus r)' }));
  });
});

describe('failures of the environment and of the data', () => {
  it('a missing file: the errno name, the system call and the path', async () => {
    const missing = join(dir, 'no-such-layer');
    const err = await buildTreeC({ layerPaths: [layers[0]!, missing], outPaths: [join(dir, 'tc-missing')], leavesPerTree: 64n }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENOENT', syscall: 'open', path: missing, errno: -2 });
    expect(errorKind(err)).toBe('io');
  });

  it('a full disk is ENOSPC (/dev/full) and a rename onto a directory EISDIR', async () => {
    const err = await decodeRange({ keyPath: layers[1]!, replicaPath: replica, outPath: '/dev/full', firstNode: 0n, nodes: 64n }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENOSPC', syscall: 'write', path: '/dev/full' });
    expect(errorKind(err)).toBe('io');
    const target = join(dir, 'a-directory');
    await mkdir(target);
    const err2 = await raw('buildTreeD')({ nodes: 64n, stagedPath: null, outPath: target }).catch((e: unknown) => e);
    expect(err2).toMatchObject({ code: 'EISDIR', syscall: 'rename', path: target });
    expect(existsSync(partialPath(target))).toBe(false);
  });

  it('data no sealing artifact can hold is ECORRUPT, and CorruptionError through the wrappers', async () => {
    const bad = seededElements('bad', 64);
    bad.set(le(R), 3 * 32);
    await writeFile(join(dir, 'bad'), bad);
    const opts = { replicaPath: join(dir, 'bad'), outPaths: [join(dir, 'tr-bad')], leavesPerTree: 64n, rowsToDiscard: 0 };
    await expect(raw('buildTreeRLast')(opts)).rejects.toMatchObject({ code: 'ECORRUPT' });
    const err = await buildTreeRLast(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptionError);
    expect((err as Error).message).toMatch(/node 3 is not a canonical field element/);
    expect(errorKind(err)).toBe('corruption');
    await writeFile(join(dir, 'short'), seededElements('short', 60));
    const short = await encodeReplica({ keyPath: join(dir, 'short'), dataPath: null, outPath: join(dir, 's'), firstNode: 0n, nodes: 64n }).catch((e: unknown) => e);
    expect(short).toBeInstanceOf(CorruptionError);
  });
});

describe('progress and cancellation through the wrappers', () => {
  it('an aborted signal is a CancelledError with the reason as cause and message, before or during the run', async () => {
    const before = new AbortController();
    const reason = new Error('operator stopped it');
    before.abort(reason);
    let called = false;
    const e1 = await withCancel(before.signal, async () => ((called = true), 1)).catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(e1).toBeInstanceOf(CancelledError);
    expect(e1).toMatchObject({ message: 'operator stopped it', cause: reason });

    const during = new AbortController();
    const e2 = await writeParentsCache(graphParams(sealProof('StackedDrg8MiBV1_1')), join(dir, 'cancelled.cache'), {
      threads: 1,
      signal: during.signal,
      onProgress: () => during.abort(),
    }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(CancelledError);
    expect(errorKind(e2)).toBe('cancelled');
    expect((e2 as Error).cause).toBe(during.signal.reason);
    expect((e2 as Error).message).toBe((during.signal.reason as Error).message);
  });

  it('a throwing progress callback rejects the promise once, after the kernel ends', async () => {
    let calls = 0;
    const p = buildTreeRLast({
      replicaPath: replica,
      outPaths: [join(dir, 'tr-throw')],
      leavesPerTree: 64n,
      rowsToDiscard: 0,
      chunkLeaves: 8n,
      onProgress: () => {
        calls++;
        throw new Error('sink broke');
      },
    });
    await expect(p).rejects.toThrow('sink broke');
    expect(calls).toBe(1);
  });

  it('labelLayers: progress per layer never goes back, and is complete before its layerDone milestone', async () => {
    await mkdir(join(dir, 'labels'));
    const events: Array<{ layer: number; done: number; total: number; layerDone?: true }> = [];
    await labelLayers({
      nodes: P2K.nodes,
      layers: P2K.layers,
      startLayer: 1,
      parentsCachePath: parents,
      sectors: [{ replicaId: new Uint8Array(32), layerPaths: cacheFiles(P2K, join(dir, 'labels')).layers }],
      onProgress: (p) => events.push(p),
    });
    // A layer is reported done once its file is durable, which overlaps labeling the next layer.
    const milestones = events.flatMap((e, i) => (e.layerDone ? [i] : []));
    expect(milestones.map((i) => events[i]!.layer)).toEqual([1, 2]);
    for (const i of milestones)
      expect(events.slice(0, i)).toContainEqual({ stage: 'pc1', layer: events[i]!.layer, done: 64, total: 64 });
    for (const layer of [1, 2]) {
      const done = events.filter((e) => e.layer === layer && !e.layerDone).map((e) => e.done);
      expect(done).toEqual([...done].sort((x, y) => x - y));
    }
  });
});
