// Shared setup for the labeling tests: temp dirs and reference-format parents caches for arbitrary
// porep_ids (the §9.1 graphs use porep_id = 32 repeated bytes, which no registered proof has).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeParentsCache } from '../../src/native/graph.js';
import { labelLayers, type LabelLayersOptions } from '../../src/native/pc1.js';
import { cacheFiles } from '../../src/sector/cache-files.js';
import { sealProof, type SealProof } from '../../src/proofs/registry.js';
import type { PorepId } from '../../src/proofs/types.js';
import { graphParams } from '../../src/seal/graph-seeds.js';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const dirs: string[] = [];
export async function tempDir(prefix = 'labeling-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** A proof-shaped object for a test graph of `nodes` nodes and an arbitrary porep_id. */
export function testProof(nodes: bigint, porepByte: number, legacy: boolean, layers: number): SealProof {
  const base = sealProof(legacy ? 0 : 5);
  return { ...base, nodes, sectorBytes: nodes * 32n, layers, porepId: new Uint8Array(32).fill(porepByte) as PorepId };
}

/** Writes the parents cache of `proof`'s graph into `dir` (single-threaded plain path) and returns its path. */
export async function parentsCacheFile(proof: SealProof, dir: string): Promise<string> {
  const path = join(dir, `parents-${proof.nodes}-${proof.porepId[0]}-${proof.apiVersion}.cache`);
  await writeParentsCache(graphParams(proof), path, { threads: 1 });
  return path;
}

export async function readLabel(cacheDir: string, layer: number, node: number): Promise<string> {
  const f = await readFile(join(cacheDir, `sc-02-data-layer-${layer}.dat`));
  return hex(f.subarray(node * 32, node * 32 + 32));
}

/** docs/vectors.md#label-vectors: 11 layers, replica_id = 32 × 0x09, the last label of layer 11. */
export const LABEL_VECTORS = [
  { nodes: 64n, porep: 0x00, legacy: true, last: '04ba0f9a6ba9fad35e4806d183a281eab3c25afa9a1bd5e3378da6f1f4f46204' },
  { nodes: 128n, porep: 0x00, legacy: true, last: '86daa8c4521e197e48c1fae6c9a1e85ab894a8883b9f23cebe531ddcd1004c23' },
  { nodes: 64n, porep: 0x7b, legacy: false, last: 'cfef0db78bf3b3ab9f1169774d2e7a77bc9054499d954834b51ca7c788110206' },
  { nodes: 128n, porep: 0x7b, legacy: false, last: '6d67c468cf81ab2289c1c9c72fa8777a232de4c1323dc0c6bd552ccc187c770f' },
] as const;
export type LabelVector = (typeof LABEL_VECTORS)[number];

/** Labels a label vector's graph (11 layers) in a fresh temp dir with `options`; the last label of layer 11. */
export async function lastLabelOfVector(v: LabelVector, options: Pick<LabelLayersOptions, 'kernel' | 'parentsFeed'>): Promise<string> {
  const dir = await tempDir();
  const proof = testProof(v.nodes, v.porep, v.legacy, 11);
  const parents = await parentsCacheFile(proof, dir);
  await labelLayers({
    nodes: v.nodes,
    layers: 11,
    startLayer: 1,
    parentsCachePath: parents,
    sectors: [{ replicaId: new Uint8Array(32).fill(9), layerPaths: cacheFiles(proof, dir).layers }],
    ...options,
  });
  return readLabel(dir, 11, Number(v.nodes) - 1);
}
