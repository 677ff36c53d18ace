// Shared helpers for the PC2 tests: BigInt ↔ canonical LE bytes and a seeded byte stream.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** BLS12-381 scalar field modulus (docs/poseidon.md#field). */
export const R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

export function le(x: bigint): Uint8Array {
  const b = new Uint8Array(32);
  let v = x;
  for (let i = 0; i < 32; i++) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}
export function fromLe(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}
/** "0x…" big-endian hex integer (as the spec prints values) → LE bytes. */
export const hexInt = (s: string): Uint8Array => le(BigInt(s));
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Deterministic bytes from a seed (SHA-256 in counter mode). */
export function seededBytes(seed: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let off = 0, c = 0; off < n; off += 32, c++) {
    const d = createHash('sha256').update(`${seed}/${c}`).digest();
    out.set(d.subarray(0, Math.min(32, n - off)), off);
  }
  return out;
}
/** Deterministic field elements < 2^254 (like labels and fr32 data), concatenated. */
export function seededElements(seed: string, count: number): Uint8Array {
  const b = seededBytes(seed, count * 32);
  for (let i = 0; i < count; i++) b[i * 32 + 31]! &= 0x3f;
  return b;
}
/** Deterministic uniform values in [0, r). */
export function seededFr(seed: string, count: number): bigint[] {
  const out: bigint[] = [];
  for (let c = 0; out.length < count; c++) {
    const v = fromLe(seededBytes(`${seed}#${c}`, 32)) & ((1n << 255n) - 1n);
    if (v < R) out.push(v);
  }
  return out;
}

const dirs: string[] = [];
export async function tempDir(prefix = 'pc2-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}
