// Shared setup for the labeling tests: temp dirs and reference-format parents caches for arbitrary
// porep_ids (the §9.1 graphs use porep_id = 32 repeated bytes, which no registered proof has).
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeParentsCache } from '../../src/native/graph.js';
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
