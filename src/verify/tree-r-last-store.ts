// A finalized tree-r-last file is a merkletree LevelCacheStore: only the rows above
// rows_to_discard, bottom-up, root last (docs/trees.md#file-sizes; merkletree src/store/level_cache.rs). Its
// upper rows are a function of its lowest stored row, so the file can be checked on its own:
// recompute the rows above the first one and compare. A changed byte in an upper row is found
// here; one in the lowest stored row changes the root, which the comm_r_last check then catches.
import { octreeInMemory } from '../native/poseidon.js';
import { storedRowWidths } from '../sector/tree-shape.js';

export interface StoredRowsResult {
  /** last 32 bytes of the file: the base-tree root as stored */
  readonly root: Uint8Array;
  /** undefined when the rows agree */
  readonly problem?: string;
}

/** `bytes` must already have the exact size for (leaves, rowsToDiscard). */
export function checkStoredRows(bytes: Uint8Array, leaves: bigint, rowsToDiscard: number): StoredRowsResult {
  const root = bytes.slice(bytes.length - 32);
  const widths = storedRowWidths(leaves, rowsToDiscard);
  const first = Number(widths[0]!) * 32;
  let rebuilt: Uint8Array;
  try {
    rebuilt = octreeInMemory(bytes.subarray(0, first), 0);
  } catch (e) {
    return { root, problem: `its lowest stored row holds a value that is not a field element (${(e as Error).message})` };
  }
  if (Buffer.compare(Buffer.from(rebuilt), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) === 0) return { root };
  const at = firstDifference(rebuilt, bytes);
  const { row, index } = locate(widths, rowsToDiscard, Math.floor(at / 32));
  return {
    root,
    problem: `row ${row} node ${index} (byte ${at}) is not the hash of its children in row ${row - 1}`,
  };
}

export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** Tree row (0 = leaves) and index within it of the `node`-th stored node. */
export function locate(widths: readonly bigint[], rowsToDiscard: number, node: number): { row: number; index: number } {
  let left = node;
  for (const [i, w] of widths.entries()) {
    if (left < Number(w)) return { row: rowsToDiscard + 1 + i, index: left };
    left -= Number(w);
  }
  return { row: rowsToDiscard + widths.length, index: left };
}
