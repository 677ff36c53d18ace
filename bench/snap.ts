// SnapDeals, ours vs the reference crate side by side in one run (docs/snap.md):
//   encode  = snapEncode (tree-d over the new data, new replica, tree-r-last, p_aux/t_aux) vs the
//             oracle's `encode-bench` encode_into, on the same CC key (f01000 s1, ticket 01…01) and
//             the same data (one full-sector sha256-ctr piece, seed 32×0x5d); MB/s of sector data;
//   decode  = snapDecode of the whole sector vs decode_from;
//   kernel  = the encoding pass alone (snapEncodeNative), MB/s, portable and fast multiply;
//   recovery = a snapped sector end to end: SDR of the key (sealSector) + snapEncode, vs the
//             reference's PC1 + PC2 (oracle `bench`) + encode_into.
// 8MiB V1_1 by default; BENCH_LARGE=1 (or BENCH_SNAP_512=1) adds 512MiB. Untimed: the parents cache,
// staging. Rounds (BENCH_REPS, default 2) alternate ours and the reference; best of each timer. BENCH_SKIP_REFERENCE=1 times ours only; ORACLE_BIN
// points at a prebuilt oracle. Writes bench/results/snap.json.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapEncodeNative } from '../src/native/snap.js';
import { proverId } from '../src/proofs/address.js';
import { fr32Pad } from '../src/proofs/fr32.js';
import { sealProof, type SealProof } from '../src/proofs/registry.js';
import { replicaId } from '../src/proofs/replica-id.js';
import { asActorId, asSectorNumber, asTicket, toHex } from '../src/proofs/types.js';
import { zeroCommitment } from '../src/proofs/zero-commitments.js';
import { ensureParentsCache } from '../src/seal/parents-cache.js';
import { sealSector } from '../src/seal/seal.js';
import { readProofsSettings } from '../src/sector/settings.js';
import { snapDecode } from '../src/snap/decode.js';
import { snapEncode } from '../src/snap/encode.js';
import { rhoTables } from '../src/snap/rho.js';
import { updateProofFor } from '../src/snap/update-proof.js';
import { oracleBinary, runOracleJson } from './lib/oracle.js';
import { atLeast, type SummaryRow } from './lib/summary.js';
import { frKernels } from '../src/native/poseidon.js';

const here = dirname(fileURLToPath(import.meta.url));
const threads = Number(process.env.BENCH_THREADS ?? os.cpus().length);
const reps = Number(process.env.BENCH_REPS ?? 2);
const proofs = ['StackedDrg8MiBV1_1', ...(process.env.BENCH_LARGE || process.env.BENCH_SNAP_512 ? ['StackedDrg512MiBV1_1'] : [])];

function sha256Ctr(seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const ctr = Buffer.alloc(8);
  for (let i = 0, off = 0; off < length; i++, off += 32) {
    ctr.writeBigUInt64LE(BigInt(i));
    out.set(createHash('sha256').update(seed).update(ctr).digest().subarray(0, Math.min(32, length - off)), off);
  }
  return out;
}

interface Reference {
  encodeMs: number;
  decodeMs: number;
  pc1Ms: number;
  pc2Ms: number;
}
function reference(proof: SealProof): Reference | string {
  const o = oracleBinary();
  if ('skipped' in o) return o.skipped;
  const e = runOracleJson<{ encode_ms: number; decode_ms: number }>(o.path, ['encode-bench', '--proof', String(proof.id), '--threads', String(threads)]);
  const s = runOracleJson<{ pc1_ms: number; pc2_ms: number }>(o.path, ['bench', '--proof', String(proof.id), '--threads', String(threads)]);
  return { encodeMs: e.encode_ms, decodeMs: e.decode_ms, pc1Ms: s.pc1_ms, pc2Ms: s.pc2_ms };
}

const mbps = (bytes: bigint, ms: number): number => Number(bytes) / 1e6 / (ms / 1000);
const results: Record<string, unknown> = {};
const summary: SummaryRow[] = [];
const fmt = (x: number | string) => (typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(2)) : x);
console.log(`SnapDeals, CC key f01000 s1 + one full-sector piece, ${threads} threads (ratio = reference / ours: > 1 is faster)`);

for (const name of proofs) {
  const proof = sealProof(name);
  console.log(`\n${name}`);
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-snap-'));
  try {
    const settings = { ...readProofsSettings(process.env), parentCacheDir: join(dir, 'parents') };
    await ensureParentsCache(proof, { dir: settings.parentCacheDir });
    const sector = asSectorNumber(1);
    const ticket = asTicket(new Uint8Array(32).fill(1));
    const rid = replicaId(proverId(asActorId(1000n)), sector, ticket, zeroCommitment(proof.sectorBytes), proof.porepId);
    const staged = join(dir, 'staged');
    writeFileSync(staged, fr32Pad(sha256Ctr(new Uint8Array(32).fill(0x5d), Number((proof.sectorBytes * 127n) / 128n))));

    interface Ours {
      recoveryMs: number;
      sdrMs: number;
      encodeMs: number;
      decodeMs: number;
      kernelMBps: Record<string, number>;
      commRNew: string;
    }
    // One round of ours: SDR of the key + the update (= recovery), a second encode on the warm key,
    // a whole-sector decode and the encoding pass alone per multiply kernel.
    const ours = async (): Promise<Ours> => {
      rmSync(join(dir, 'work'), { recursive: true, force: true });
      const w = join(dir, 'work');
      const t0 = performance.now();
      const key = await sealSector({ proof, replicaId: rid, commD: zeroCommitment(proof.sectorBytes), stagedPath: null, cacheDir: join(w, 'key-cache'), sealedPath: join(w, 'key'), settings });
      const sdrMs = performance.now() - t0;
      const enc = (tag: string) =>
        snapEncode({ proof, keyPath: join(w, 'key'), keyCacheDir: join(w, 'key-cache'), stagedPath: staged, replicaPath: join(w, `update-${tag}`), updateCacheDir: join(w, `uc-${tag}`), threads });
      const t1 = performance.now();
      const r1 = await enc('a');
      const enc1 = performance.now() - t1;
      const t2 = performance.now();
      const r2 = await enc('b');
      const enc2 = performance.now() - t2;
      if (toHex(r1.commRNew) !== toHex(r2.commRNew)) throw new Error('two encodes of the same inputs disagree');
      const t3 = performance.now();
      await snapDecode({ proof, keyPath: join(w, 'key'), replicaPath: join(w, 'update-a'), commDNew: r1.commDNew, commROld: key.commR, outPath: join(w, 'decoded'), threads });
      const decodeMs = performance.now() - t3;
      const u = updateProofFor(proof);
      const { rhos } = rhoTables(u, r1.commDNew, key.commR, false);
      const kernelMBps: Record<string, number> = {};
      for (const kernel of frKernels()) {
        const tk = performance.now();
        await snapEncodeNative({ keyPath: join(w, 'key'), dataPath: staged, outPath: join(w, `k-${kernel}`), rhos, bitsShr: u.bitsShr, nodes: proof.nodes, threads, kernel });
        kernelMBps[kernel] = mbps(proof.sectorBytes, performance.now() - tk);
      }
      return { recoveryMs: sdrMs + enc1, sdrMs, encodeMs: Math.min(enc1, enc2), decodeMs, kernelMBps, commRNew: toHex(r1.commRNew) };
    };

    // Rounds alternate ours and the reference so both see the same machine; best of each timer.
    const loadBefore = os.loadavg()[0]!;
    let best: Ours | undefined;
    let ref: Reference | string | undefined;
    for (let rep = 0; rep < reps; rep++) {
      const o = await ours();
      // ours first, on its own line, so a reference run that never ends still leaves our figures
      console.log(
        `  round ${rep + 1} ours: recovery ${Math.round(o.recoveryMs)} ms (SDR ${Math.round(o.sdrMs)}), encode ${Math.round(o.encodeMs)} ms, ` +
          `decode ${Math.round(o.decodeMs)} ms, encoding pass ${Object.entries(o.kernelMBps).map(([k, v]) => `${k} ${v.toFixed(0)} MB/s`).join(', ')}`,
      );
      if (best && best.commRNew !== o.commRNew) throw new Error('rounds disagree on comm_r_new');
      best = !best
        ? o
        : {
            recoveryMs: Math.min(best.recoveryMs, o.recoveryMs),
            sdrMs: Math.min(best.sdrMs, o.sdrMs),
            encodeMs: Math.min(best.encodeMs, o.encodeMs),
            decodeMs: Math.min(best.decodeMs, o.decodeMs),
            kernelMBps: Object.fromEntries(Object.entries(o.kernelMBps).map(([k, v]) => [k, Math.max(v, best!.kernelMBps[k] ?? 0)])),
            commRNew: o.commRNew,
          };
      const r = reference(proof);
      ref =
        typeof r === 'string' || ref === undefined || typeof ref === 'string'
          ? r
          : { encodeMs: Math.min(ref.encodeMs, r.encodeMs), decodeMs: Math.min(ref.decodeMs, r.decodeMs), pc1Ms: Math.min(ref.pc1Ms, r.pc1Ms), pc2Ms: Math.min(ref.pc2Ms, r.pc2Ms) };
      if (typeof r === 'string') break;
    }
    const load = { before: loadBefore, after: os.loadavg()[0]! };
    const { recoveryMs, sdrMs: tSdr, encodeMs, decodeMs, kernelMBps } = best!;
    const r1 = { commRNew: best!.commRNew };
    if (ref === undefined) throw new Error('BENCH_REPS must be ≥ 1');
    const refRecovery = typeof ref === 'string' ? undefined : ref.pc1Ms + ref.pc2Ms + ref.encodeMs;
    const row = {
      encodeMs: Math.round(encodeMs),
      encodeMBps: mbps(proof.sectorBytes, encodeMs),
      decodeMs: Math.round(decodeMs),
      decodeMBps: mbps(proof.sectorBytes, decodeMs),
      kernelMBps,
      recoveryMs: Math.round(recoveryMs),
      sdrMs: Math.round(tSdr),
      reference: ref,
      ratios:
        typeof ref === 'string'
          ? null
          : { encode: ref.encodeMs / encodeMs, decode: ref.decodeMs / decodeMs, recovery: refRecovery! / recoveryMs },
      commRNew: r1.commRNew,
      reps,
      // a shared machine: the 1-minute load average around the reference run, to judge the ratios by
      loadAverage: load,
    };
    results[name] = row;
    console.log(['', 'ours ms', 'ours MB/s', 'reference ms', 'reference MB/s', 'ref/ours'].map((c) => c.padStart(16)).join(''));
    const line = (what: string, ours: number, refMs: number | undefined) =>
      console.log(
        [what, Math.round(ours), mbps(proof.sectorBytes, ours), refMs ?? 'skipped', refMs ? mbps(proof.sectorBytes, refMs) : '—', refMs ? refMs / ours : '—']
          .map((c) => fmt(c).padStart(16))
          .join(''),
      );
    line('encode', encodeMs, typeof ref === 'string' ? undefined : ref.encodeMs);
    line('decode', decodeMs, typeof ref === 'string' ? undefined : ref.decodeMs);
    line('recovery', recoveryMs, refRecovery);
    console.log(`  encoding pass alone: ${Object.entries(kernelMBps).map(([k, v]) => `${k} ${v.toFixed(0)} MB/s`).join(', ')}`);
    console.log(`  best of ${reps} alternating rounds; 1-min load average ${load.before.toFixed(1)} → ${load.after.toFixed(1)} on ${os.cpus().length} cores (ratios are only as steady as the machine)`);
    if (typeof ref === 'string') console.log(`  ${ref}`);
    else {
      summary.push(atLeast(proof.sizeName, 'snap encode speed vs reference', ref.encodeMs / encodeMs, '×', 1));
      summary.push(atLeast(proof.sizeName, 'snapped-sector recovery vs reference', refRecovery! / recoveryMs, '×', 1));
    }
    summary.push({ case: proof.sizeName, metric: 'snap encode throughput', value: mbps(proof.sectorBytes, encodeMs), unit: 'MB/s' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'snap.json'), JSON.stringify({ date: new Date().toISOString(), threads, summary, results }, null, 2) + '\n');
console.log('wrote bench/results/snap.json');
