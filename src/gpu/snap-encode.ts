// SnapDeals encoding on an OpenCL device (docs/gpu.md#snap, docs/snap.md#encoding): the new
// replica = key + data·rho, streamed in chunks through host memory like the trees (read chunk k+1
// and write chunk k−1 while the device computes chunk k). Same file contract as native/sdr's
// encoder: written at partialPath(outPath), fsynced, renamed when whole; a staged file shorter
// than the sector reads as zero-extended, a null one as all zero.
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { CancelledError } from '../errors.js';
import { partialPath } from '../native/addon.js';
import type { SnapEncodeOptions } from '../native/snap.js';
import type { GpuSession } from './session.js';

/** Nodes per device job: 2^20 = 32 MiB of key, data and output each. */
export const DEFAULT_SNAP_CHUNK_NODES = 1 << 20;

async function readZeroExtended(fh: FileHandle | null, buf: Buffer, position: number): Promise<void> {
  let at = 0;
  while (fh && at < buf.length) {
    const { bytesRead } = await fh.read(buf, at, buf.length - at, position + at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  buf.fill(0, at);
}

export async function snapEncodeOnDevice(session: GpuSession, o: SnapEncodeOptions & { readonly chunkNodes?: number }): Promise<void> {
  const nodes = Number(o.nodes);
  const chunk = o.chunkNodes ?? DEFAULT_SNAP_CHUNK_NODES;
  const key = await open(o.keyPath, 'r');
  const data = o.dataPath === null ? null : await open(o.dataPath, 'r');
  const partial = partialPath(o.outPath);
  const out = await open(partial, 'w');
  let ok = false;
  try {
    await out.truncate(nodes * 32);
    const read = async (first: number): Promise<[Buffer, Buffer]> => {
      const n = Math.min(chunk, nodes - first);
      const k = Buffer.allocUnsafe(n * 32);
      const d = Buffer.allocUnsafe(n * 32);
      await Promise.all([readZeroExtended(key, k, first * 32), readZeroExtended(data, d, first * 32)]);
      return [k, d];
    };
    let writes: Promise<unknown> = Promise.resolve();
    let next = read(0);
    for (let first = 0; first < nodes; first += chunk) {
      if (o.signal?.aborted) throw new CancelledError(String(o.signal.reason ?? 'cancelled'), { cause: o.signal.reason });
      const [k, d] = await next;
      if (first + chunk < nodes) next = read(first + chunk);
      const enc = await session.snapEncode({ key: k, data: d, rhos: o.rhos, firstNode: first, bitsShr: o.bitsShr });
      await writes;
      writes = out.write(enc, 0, enc.length, first * 32);
      writes.catch(() => undefined);
      o.onProgress?.({ stage: 'snap-encode', done: Math.min(first + chunk, nodes), total: nodes });
    }
    await writes;
    await out.sync();
    ok = true;
  } finally {
    await out.close();
    await key.close();
    await data?.close();
    if (!ok) await rm(partial, { force: true });
  }
  await rename(partial, o.outPath);
}
