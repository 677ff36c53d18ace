// Labels against the known answers of docs/vectors.md#label-vectors (rust-fil-proofs test_create_labels /
// test_stacked_porep_generate_labels) and the layer-file digests of §9.6.
import { afterAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { labelLayers } from '../../src/native/pc1.js';
import { sealProof } from '../../src/proofs/registry.js';
import { cacheFiles } from '../../src/sector/cache-files.js';
import { hex, LABEL_VECTORS, lastLabelOfVector, parentsCacheFile, readLabel, removeTempDirs, sha256Hex, tempDir, testProof, unhex } from './helpers.js';

afterAll(removeTempDirs);

const REPLICA_9 = new Uint8Array(32).fill(9);


describe('labels: docs/vectors.md#label-vectors (11 layers, replica_id 0x09…)', () => {
  for (const kernel of ['portable', 'fast'] as const) {
    for (const v of LABEL_VECTORS) {
      it(`${kernel}: ${v.nodes} nodes, porep_id 0x${v.porep.toString(16)}, ${v.legacy ? 'V1_0' : 'V1_1'}`, async () => {
        expect(await lastLabelOfVector(v, { kernel })).toBe(v.last);
      });
    }
  }

  it('intermediate labels of the 64-node / 0x7b / V1_1 case', async () => {
    const dir = await tempDir();
    const proof = testProof(64n, 0x7b, false, 11);
    const parents = await parentsCacheFile(proof, dir);
    const sectors = [{ replicaId: REPLICA_9, layerPaths: cacheFiles(proof, dir).layers }];
    await labelLayers({ nodes: 64n, layers: 11, startLayer: 1, parentsCachePath: parents, sectors });
    expect(await readLabel(dir, 1, 0)).toBe('ad9baba2a22d17ee8b630ebca948772fb770f2ba82d661dfc984589eff118d1d');
    expect(await readLabel(dir, 1, 1)).toBe('3754c23a6592f03a0dd829ccb32bfdd7590cc9f365d2ab41fc4b3aa0cc7ba837');
    expect(await readLabel(dir, 1, 63)).toBe('c663865835943f6b59ccec8d8e0da026be3533b2e8a4eca1023eaff4f1fc8a12');
    expect(await readLabel(dir, 2, 1)).toBe('8bc2fede651cdbec88f0219f3840858285f08d5be1d70544050616903f323f0e');
    expect(await readLabel(dir, 11, 0)).toBe('a06c1aa288196b58af812efe0f32274f61887726e50336eadf01de67c6b9ed06');
  });
});

// docs/vectors.md#end-to-end-vectors: miner f01000, sector 1, ticket 32 × 0x01, CC. replica_ids are the spec's values.
const E2E = [
  {
    name: 'E2E-2KiB-V1_1',
    proof: 'StackedDrg2KiBV1_1',
    replicaId: '3e75e87332cd5d60132c1f9f9a8362e2e4cf190b46f4fd636fd8864b842d170b',
    layer1: '15a4a233f44c593466911846dfa69b7bdd7d241cdefe743452bfd77c78eee385',
    layer2: '187696ab8c544edce720fb7e79f948abda4747a8cb4629ac11be0bcfcd2d3cf0',
    labels: [
      [1, 0, 'a7cc1fe75634063bb01dba191aeb0256505eb56d24b67027b44989c8c0d2680e'],
      [2, 0, '63fe55454ef7b6681b3e1c1458777606c5bda7ce33fa78aa3b3fb7412df68f29'],
      [2, 63, 'f403883c85fbf18f7bdd78a5dbd27fbc1cb985e24b0e691290376f5f4cbab33e'],
    ] as const,
  },
  {
    name: 'E2E-2KiB-V1',
    proof: 'StackedDrg2KiBV1',
    replicaId: '833e3d0ec6313d5110118382a53eadc8851b3bdc3c64d9d0a9515f36d630ee22',
    layer1: '6a24d07efaf9e03dd7514022562a43ac7709544d4f4444b933b7dd156b994e18',
    layer2: '9f91f3f65de37e65b6652f935a816e800d6a9a9d4a0c7530396c1670bd98f43c',
    labels: [] as const,
  },
  {
    name: 'E2E-8MiB-V1_1',
    proof: 'StackedDrg8MiBV1_1',
    replicaId: '49808a3f801fc76f8e0a19e5f87f2810b61d0fb8cef7816a7396ab91d1774f3e',
    layer1: '7c8f81d4aca9695372220103a96b81705e5f3bc43e7790cc584508cbea1e54a4',
    layer2: 'd9b98d32f3828161ac062e32ed9f4e07662e97f8d4707e3343f6553c1d02ddcb',
    labels: [] as const,
  },
];

describe('layer files: docs/vectors.md#end-to-end-vectors end-to-end CC vectors', () => {
  for (const v of E2E) {
    it(`${v.name}: layer-1 and layer-2 file digests`, async () => {
      const dir = await tempDir();
      const proof = sealProof(v.proof);
      const parents = await parentsCacheFile(proof, dir);
      const events: number[] = [];
      await labelLayers({
        nodes: proof.nodes,
        layers: proof.layers,
        startLayer: 1,
        parentsCachePath: parents,
        sectors: [{ replicaId: unhex(v.replicaId), layerPaths: cacheFiles(proof, dir).layers }],
        onProgress: (p) => {
          if (p.layerDone) events.push(p.layer);
        },
      });
      expect(events).toEqual([1, 2]);
      expect(sha256Hex(await readFile(join(dir, 'sc-02-data-layer-1.dat')))).toBe(v.layer1);
      expect(sha256Hex(await readFile(join(dir, 'sc-02-data-layer-2.dat')))).toBe(v.layer2);
      for (const [layer, node, want] of v.labels) expect(await readLabel(dir, layer, node)).toBe(want);
    });
  }
});
