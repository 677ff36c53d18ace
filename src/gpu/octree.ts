// Arity-8 tree building on an OpenCL device, streaming through host memory (docs/gpu.md#memory):
// a base tree is cut into chunks of `chunkLeaves` leaves; each chunk is read from disk, hashed on
// the device up to its sub-root in one job, and its rows are written at their offsets in the tree
// file; the sub-roots then form the top tree, hashed the same way. Device memory per job is the
// chunk's input plus its rows, whatever the sector size. Reading chunk k+1 and writing chunk k−1
// overlap the device's work on chunk k. Output files follow the same contract as native/sdr's
// builders: written at partialPath(path), fsynced, renamed when whole.
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { CancelledError } from '../errors.js';
import { partialPath } from '../native/addon.js';
import type { GpuSession } from './session.js';

/** Where a chunk's leaves come from. */
export type LeafInput =
  /** tree-c: column hashes of L layer files (L = 2 or 11) */
  | { readonly kind: 'columns'; readonly layerPaths: readonly string[] }
  /** tree-r-last: the replica's nodes */
  | { readonly kind: 'nodes'; readonly path: string };

export interface GpuOctreeJob {
  readonly session: GpuSession;
  readonly input: LeafInput;
  readonly leavesPerTree: bigint;
  readonly outPaths: ReadonlyArray<string | null>;
  /** 0 for tree-c; rowsToDiscard + 1 for tree-r-last */
  readonly firstStoredRow: number;
  /** power of 8; default min(8^6, leavesPerTree) */
  readonly chunkLeaves?: bigint;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export const DEFAULT_GPU_CHUNK_LEAVES = 8n ** 6n;

const log8 = (n: bigint): number => {
  let k = 0;
  for (let w = n; w > 1n; w /= 8n) k++;
  return k;
};
const isPow8 = (n: bigint): boolean => n >= 1n && 8n ** BigInt(log8(n)) === n;

async function readExactly(fh: FileHandle, buf: Uint8Array, position: number): Promise<void> {
  let at = 0;
  while (at < buf.length) {
    const { bytesRead } = await fh.read(buf, at, buf.length - at, position + at);
    if (bytesRead === 0) throw new RangeError(`unexpected end of file at byte ${position + at}`);
    at += bytesRead;
  }
}

/** Builds the selected base trees; returns each one's root (null for a skipped tree). */
export async function buildOctreesOnDevice(job: GpuOctreeJob): Promise<Array<Uint8Array | null>> {
  const N = job.leavesPerTree;
  if (!isPow8(N) || N < 8n) throw new RangeError(`leaves per tree must be a power of 8 ≥ 8, got ${N}`);
  const C = job.chunkLeaves ? (job.chunkLeaves < N ? job.chunkLeaves : N) : N < DEFAULT_GPU_CHUNK_LEAVES ? N : DEFAULT_GPU_CHUNK_LEAVES;
  if (!isPow8(C) || C < 8n) throw new RangeError(`chunk leaves must be a power of 8 ≥ 8, got ${C}`);
  const rows = log8(N) + 1;
  const cRows = log8(C); // rows above the leaves inside one chunk
  const chunks = Number(N / C);
  const nc = Number(C);
  // Byte offset of each row in the file (rows below firstStoredRow are not stored).
  const rowOffset: number[] = [];
  let off = 0;
  for (let r = 0, w = N; r < rows; r++, w /= 8n) {
    rowOffset.push(r >= job.firstStoredRow ? off : -1);
    if (r >= job.firstStoredRow) off += Number(w) * 32;
  }
  const fileBytes = off;
  const selected = job.outPaths.filter((p) => p !== null).length;
  const total = selected * Number(N);
  let done = 0;
  const inputs = job.input.kind === 'columns' ? job.input.layerPaths : [job.input.path];
  const handles = await Promise.all(inputs.map((p) => open(p, 'r')));
  const roots: Array<Uint8Array | null> = [];
  try {
    for (const [t, outPath] of job.outPaths.entries()) {
      if (outPath === null) {
        roots.push(null);
        continue;
      }
      const partial = partialPath(outPath);
      const out = await open(partial, 'w');
      let ok = false;
      try {
        await out.truncate(fileBytes);
        const writeRow = async (row: number, firstNode: number, data: Uint8Array): Promise<void> => {
          if (rowOffset[row]! < 0) return;
          await out.write(data, 0, data.length, rowOffset[row]! + firstNode * 32);
        };
        const readChunk = async (c: number): Promise<Buffer> => {
          const buf = Buffer.allocUnsafe(handles.length * nc * 32);
          const pos = (Number(BigInt(t) * N) + c * nc) * 32;
          await Promise.all(handles.map((h, l) => readExactly(h, buf.subarray(l * nc * 32, (l + 1) * nc * 32), pos)));
          return buf;
        };
        const hashChunk = (buf: Buffer): Promise<Buffer> =>
          job.input.kind === 'columns'
            ? job.session.hashRows({ input: buf, arity: handles.length, n: nc, groupStride: 1, elemStride: nc, levels: cRows })
            : job.session.hashRows({ input: buf, arity: 8, n: nc / 8, groupStride: 8, elemStride: 1, levels: cRows - 1 });
        const subRoots = Buffer.allocUnsafe(chunks * 32);
        let writes: Promise<void> = Promise.resolve();
        let next = readChunk(0);
        for (let c = 0; c < chunks; c++) {
          if (job.signal?.aborted) throw new CancelledError(String(job.signal.reason ?? 'cancelled'), { cause: job.signal.reason });
          const buf = await next;
          if (c + 1 < chunks) next = readChunk(c + 1);
          const hashed = await hashChunk(buf);
          // Row r of this chunk starts at node c·C/8^r of row r.
          const firstRow = job.input.kind === 'columns' ? 0 : 1;
          const pieces: Array<[number, number, Buffer]> = [];
          if (firstRow === 1) pieces.push([0, c * nc, buf]);
          let at = 0;
          for (let r = firstRow, w = firstRow === 0 ? nc : nc / 8; r <= cRows; r++, w /= 8) {
            pieces.push([r, c * w, hashed.subarray(at, at + w * 32)]);
            at += w * 32;
          }
          hashed.copy(subRoots, c * 32, hashed.length - 32);
          // At most one write in flight: chunk c−1's rows went to disk while the device hashed chunk c.
          await writes;
          writes = (async () => {
            for (const [r, first, data] of pieces) await writeRow(r, first, data);
          })();
          writes.catch(() => undefined); // observed here; the next await rethrows
          done += nc;
          job.onProgress?.(done, total);
        }
        await writes;
        let root: Uint8Array = subRoots.subarray(0, 32);
        if (chunks > 1) {
          const top = await job.session.hashRows({ input: subRoots, arity: 8, n: chunks / 8, groupStride: 8, elemStride: 1, levels: log8(BigInt(chunks)) - 1 });
          let at = 0;
          for (let r = cRows + 1, w = chunks / 8; r < rows; r++, w /= 8) {
            await writeRow(r, 0, top.subarray(at, at + w * 32));
            at += w * 32;
          }
          root = top.subarray(top.length - 32);
        }
        await out.sync();
        ok = true;
        roots.push(new Uint8Array(root));
      } finally {
        await out.close();
        if (!ok) await rm(partial, { force: true });
      }
      await rename(partial, outPath);
    }
  } finally {
    await Promise.all(handles.map((h) => h.close()));
  }
  return roots;
}
