// Is a complete-looking layer file the layer these inputs produce? Used on resume for a layer file
// that is on disk under its final name (so it was fsynced and renamed whole) but whose entry in
// pc1-state.json was not written yet (killed between the rename and the state write). Rather than
// trusting or redoing it, a sample of its labels is recomputed from their parents exactly as
// labeling does (docs/sdr.md#labeling) and compared: node 0, node N−1 and random nodes in between.
// A file of another sector, another layer or with damaged regions fails; cost is ~15 reads of
// 32 bytes and one 1248-byte SHA-256 per sampled node.
import { createHash, randomInt } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { SealProof } from '../proofs/registry.js';
import type { ReplicaId } from '../proofs/types.js';
import { cacheFiles } from '../sector/cache-files.js';

const RECORD = 14 * 4; // parents cache record: b0..b5, e0..e7 as u32le (docs/sdr.md#parents-cache-file)

export interface LayerCheck {
  readonly proof: SealProof;
  readonly replicaId: ReplicaId;
  readonly cacheDir: string;
  /** 1-based */
  readonly layer: number;
  readonly parentsCachePath: string;
  /** nodes to recompute; every node when the layer has no more. Default 64. */
  readonly samples?: number;
}

function readAt(fd: number, bytes: number, pos: number): Buffer {
  const b = Buffer.alloc(bytes);
  let got = 0;
  while (got < bytes) {
    const n = readSync(fd, b, got, bytes - got, pos + got);
    if (n === 0) throw new Error(`short read at ${pos + got}`);
    got += n;
  }
  return b;
}

/** True when every sampled label equals the one recomputed from its parents. */
export function sampledLabelsMatch(o: LayerCheck): boolean {
  const n = Number(o.proof.nodes);
  const files = cacheFiles(o.proof, o.cacheDir).layers;
  const count = Math.min(n, o.samples ?? 64);
  const nodes = count >= n ? [...Array(n).keys()] : [0, n - 1, ...Array.from({ length: count - 2 }, () => randomInt(1, n - 1))];
  const fds: number[] = [];
  const openR = (p: string) => {
    const fd = openSync(p, 'r');
    fds.push(fd);
    return fd;
  };
  try {
    const cur = openR(files[o.layer - 1]!);
    const prev = o.layer >= 2 ? openR(files[o.layer - 2]!) : -1;
    const parents = openR(o.parentsCachePath);
    const label = (fd: number, v: number) => readAt(fd, 32, 32 * v);
    for (const v of nodes) {
      const header = Buffer.alloc(64);
      Buffer.from(o.replicaId).copy(header, 0);
      header.writeUInt32BE(o.layer, 32);
      header.writeBigUInt64BE(BigInt(v), 36);
      const h = createHash('sha256').update(header);
      if (v > 0) {
        const rec = readAt(parents, RECORD, RECORD * v);
        const p = Array.from({ length: 14 }, (_, i) => rec.readUInt32LE(4 * i));
        if (o.layer === 1) {
          const base = Buffer.concat(p.slice(0, 6).map((u) => label(cur, u)));
          for (let k = 0; k < 6; k++) h.update(base);
          h.update(base.subarray(0, 32));
        } else {
          const q = Buffer.concat([...p.slice(0, 6).map((u) => label(cur, u)), ...p.slice(6).map((u) => label(prev, u))]);
          h.update(q).update(q).update(q.subarray(0, 256)).update(q.subarray(256, 288));
        }
      }
      const want = h.digest();
      want[31]! &= 0x3f;
      if (!want.equals(label(cur, v))) return false;
    }
    return true;
  } catch {
    return false;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}
