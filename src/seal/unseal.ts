// Unseal primitive (docs/sdr.md#encoding): the fr32-padded data of a node range is replica − key mod r, with
// key = the last-layer labels (sc-02-data-layer-L.dat, which PC1 can regenerate for a lost cache).
// The output is padded data; turning it into piece bytes is fr32 unpadding (src/proofs/fr32.ts).
import { stat } from 'node:fs/promises';
import { decodeRange } from '../native/pc2.js';
import type { SealProof } from '../proofs/registry.js';
import { InputError } from '../errors.js';
import type { StageOptions } from './contracts.js';
import { cacheFiles } from '../sector/cache-files.js';

export interface UnsealRangeOptions extends StageOptions {
  readonly proof: SealProof;
  /** directory holding the last layer file (or give keyPath) */
  readonly cacheDir?: string;
  readonly keyPath?: string;
  readonly sealedPath: string;
  /** receives (nodes × 32) bytes of padded data at outByteOffset */
  readonly outPath: string;
  readonly outByteOffset?: bigint;
  readonly firstNode: bigint;
  readonly nodes: bigint;
}

async function sizeOf(path: string, what: string): Promise<bigint> {
  try {
    return (await stat(path, { bigint: true })).size;
  } catch {
    throw new InputError(`${what} ${path} does not exist`);
  }
}

export async function unsealRange(o: UnsealRangeOptions): Promise<void> {
  const { proof } = o;
  if (o.nodes <= 0n || o.firstNode < 0n || o.firstNode + o.nodes > proof.nodes)
    throw new InputError(`node range [${o.firstNode}, ${o.firstNode + o.nodes}) is outside the sector (0..${proof.nodes})`);
  const keyPath = o.keyPath ?? (o.cacheDir !== undefined ? cacheFiles(proof, o.cacheDir).layers[proof.layers - 1] : undefined);
  if (keyPath === undefined) throw new InputError('unseal needs the last layer: give cacheDir or keyPath');
  for (const [path, what] of [[keyPath, `last layer (layer ${proof.layers}) file`], [o.sealedPath, 'sealed file']] as const) {
    const size = await sizeOf(path, what);
    if (size !== proof.sectorBytes)
      throw new InputError(`${what} ${path} is ${size} bytes, expected ${proof.sectorBytes} for ${proof.name}`);
  }
  await decodeRange({
    keyPath,
    replicaPath: o.sealedPath,
    outPath: o.outPath,
    firstNode: o.firstNode,
    nodes: o.nodes,
    outByteOffset: o.outByteOffset ?? 0n,
    onProgress: o.onProgress ? (p) => o.onProgress!({ stage: 'encode', done: p.done, total: p.total }) : undefined,
    signal: o.signal,
  });
}
