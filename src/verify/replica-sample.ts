// Does the sealed file belong to this cache? A replica of another sector (or another miner's copy)
// has the right size and passes every small-file check. Each node of tree-r-last's lowest stored
// row is the root of a subtree over 8^(rows_to_discard+1) consecutive replica nodes (16 KiB with the
// default rows_to_discard 2), so hashing a few such slices and comparing with the stored row tells a
// swapped or overwritten replica cheaply (docs/verify.md#replica-sample).
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { octreeInMemory } from '../native/poseidon.js';
import { toHex } from '../proofs/types.js';

/** One stored node of the lowest kept row of base tree `tree`, to be recomputed from the replica. */
export interface StoredNodeSample {
  readonly tree: number;
  readonly index: number;
  readonly stored: Uint8Array;
}

/** Lowest-row indices sampled per base tree: first, middle, last (distinct). */
export function sampleIndices(width: bigint): number[] {
  const w = Number(width);
  return [...new Set([0, Math.floor(w / 2), w - 1])];
}

/** Per sample: a slice of the replica this large is read (bounded so a huge rows_to_discard cannot make the quick scan slow). */
export const MAX_SAMPLE_BYTES = 8 << 20;

export interface SampleResult {
  readonly mismatches: { tree: number; index: number; stored: string; computed: string }[];
  readonly checked: number;
  /** a replica slice that is not a field element (cannot be a replica at all) */
  readonly notField?: string;
}

/**
 * Recompute each sampled stored node from the replica. `fh` must be the sealed file, already
 * checked to be a regular file of the sector's size.
 */
export async function sampleReplica(
  fh: FileHandle,
  samples: readonly StoredNodeSample[],
  o: { nodesPerBaseTree: bigint; leavesPerStoredNode: bigint },
): Promise<SampleResult> {
  const sliceBytes = Number(o.leavesPerStoredNode) * 32;
  const buf = Buffer.alloc(sliceBytes);
  const mismatches: SampleResult['mismatches'] = [];
  for (const s of samples) {
    const offset = (BigInt(s.tree) * o.nodesPerBaseTree + BigInt(s.index) * o.leavesPerStoredNode) * 32n;
    let got = 0;
    while (got < sliceBytes) {
      const { bytesRead } = await fh.read(buf, got, sliceBytes - got, Number(offset) + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    let computed: Uint8Array;
    try {
      const tree = octreeInMemory(buf.subarray(0, got), 0);
      computed = tree.subarray(tree.length - 32);
    } catch (e) {
      return { mismatches, checked: samples.length, notField: `replica bytes ${offset}…${offset + BigInt(sliceBytes) - 1n}: ${(e as Error).message}` };
    }
    if (Buffer.compare(Buffer.from(computed), Buffer.from(s.stored)) !== 0) {
      mismatches.push({ tree: s.tree, index: s.index, stored: toHex(s.stored), computed: toHex(computed) });
    }
  }
  return { mismatches, checked: samples.length };
}

export type SealedKind = 'file' | 'missing' | 'symlink' | 'directory' | 'fifo' | 'device' | 'socket' | 'other';

/** Open the sealed file without following a link and without waiting on a FIFO; undefined when it is not a regular file. */
export async function openSealedFile(path: string): Promise<FileHandle | undefined> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  if ((await fh.stat()).isFile()) return fh;
  await fh.close();
  return undefined;
}
