// The two small cache files rust-fil-proofs writes at the end of PreCommit2 (docs/sector-layout.md):
//   p_aux — bincode of PersistentAux { comm_c, comm_r_last }: 64 raw bytes;
//   t_aux — bincode 1.3 (legacy config: LE fixed-width ints, u64 length prefixes, Option = 1 tag
//           byte) of TemporaryAux { labels, tree_d_config, tree_r_last_config, tree_c_config }.
// rfp: filecoin-proofs/src/api/util.rs persist_p_aux; storage-proofs-porep/src/stacked/vanilla/params.rs;
// merkletree src/store/mod.rs StoreConfig.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { SealProof } from '../proofs/registry.js';
import { asCommitment, type Commitment } from '../proofs/types.js';
import { P_AUX, T_AUX } from './cache-files.js';
import { octreeNodes, rowsToDiscard } from './tree-shape.js';

export interface PersistentAux {
  readonly commC: Commitment;
  readonly commRLast: Commitment;
}

/** merkletree StoreConfig */
export interface StoreConfig {
  /** cache dir at seal time; readers substitute the actual directory (rfp set_cache_path) */
  readonly path: string;
  readonly id: string;
  /** Option<usize>: element count of the store; null = None */
  readonly size: bigint | null;
  readonly rowsToDiscard: bigint;
}

export interface TemporaryAux {
  readonly labels: readonly StoreConfig[];
  readonly treeD: StoreConfig;
  readonly treeRLast: StoreConfig;
  readonly treeC: StoreConfig;
}

export function encodePAux(a: PersistentAux): Uint8Array {
  const out = new Uint8Array(64);
  out.set(a.commC, 0);
  out.set(a.commRLast, 32);
  return out;
}

export function decodePAux(b: Uint8Array, what = P_AUX): PersistentAux {
  if (b.length !== 64) throw new InputError(`${what} must be 64 bytes (comm_c ‖ comm_r_last), got ${b.length}: the file is damaged`);
  return { commC: asCommitment(b.slice(0, 32), 'comm_c'), commRLast: asCommitment(b.slice(32, 64), 'comm_r_last') };
}

// ---- bincode 1.3 legacy ------------------------------------------------------------------------

class Writer {
  private parts: Uint8Array[] = [];
  u8(v: number): void {
    this.parts.push(Uint8Array.of(v));
  }
  u64(v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    this.parts.push(b);
  }
  str(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(BigInt(b.length));
    this.parts.push(b);
  }
  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.parts));
  }
}

class Reader {
  private off = 0;
  constructor(
    private readonly b: Uint8Array,
    private readonly what: string,
  ) {}
  private need(n: number): void {
    if (this.off + n > this.b.length)
      throw new InputError(`${this.what} is truncated at byte ${this.off} (needs ${n} more bytes): the file is damaged`);
  }
  u8(): number {
    this.need(1);
    return this.b[this.off++]!;
  }
  u64(): bigint {
    this.need(8);
    const v = new DataView(this.b.buffer, this.b.byteOffset + this.off, 8).getBigUint64(0, true);
    this.off += 8;
    return v;
  }
  str(): string {
    const n = this.u64();
    if (n > BigInt(this.b.length)) throw new InputError(`${this.what}: string length ${n} exceeds the file: the file is damaged`);
    this.need(Number(n));
    const s = new TextDecoder('utf-8', { fatal: true }).decode(this.b.subarray(this.off, this.off + Number(n)));
    this.off += Number(n);
    return s;
  }
  end(): void {
    if (this.off !== this.b.length)
      throw new InputError(`${this.what} has ${this.b.length - this.off} trailing bytes: not a TemporaryAux file`);
  }
}

function writeStoreConfig(w: Writer, c: StoreConfig): void {
  w.str(c.path);
  w.str(c.id);
  if (c.size === null) w.u8(0);
  else {
    w.u8(1);
    w.u64(c.size);
  }
  w.u64(c.rowsToDiscard);
}

function readStoreConfig(r: Reader, what: string): StoreConfig {
  const path = r.str();
  const id = r.str();
  const tag = r.u8();
  if (tag > 1) throw new InputError(`${what}: bad Option tag ${tag} for the store size: not a TemporaryAux file`);
  const size = tag === 1 ? r.u64() : null;
  return { path, id, size, rowsToDiscard: r.u64() };
}

export function encodeTAux(t: TemporaryAux): Uint8Array {
  const w = new Writer();
  w.u64(BigInt(t.labels.length));
  for (const c of t.labels) writeStoreConfig(w, c);
  writeStoreConfig(w, t.treeD);
  writeStoreConfig(w, t.treeRLast);
  writeStoreConfig(w, t.treeC);
  return w.bytes();
}

/** Parses t_aux; with `cacheDir`, every path is replaced by it (as rust-fil-proofs' readers do). */
export function decodeTAux(b: Uint8Array, cacheDir?: string, what = T_AUX): TemporaryAux {
  const r = new Reader(b, what);
  const n = r.u64();
  if (n < 1n || n > 64n) throw new InputError(`${what}: implausible layer count ${n}: not a TemporaryAux file`);
  const labels: StoreConfig[] = [];
  for (let i = 0n; i < n; i++) labels.push(readStoreConfig(r, what));
  const treeD = readStoreConfig(r, what);
  const treeRLast = readStoreConfig(r, what);
  const treeC = readStoreConfig(r, what);
  r.end();
  const fix = (c: StoreConfig): StoreConfig => (cacheDir === undefined ? c : { ...c, path: cacheDir });
  return { labels: labels.map(fix), treeD: fix(treeD), treeRLast: fix(treeRLast), treeC: fix(treeC) };
}

// ---- values for a proof ------------------------------------------------------------------------

/**
 * The TemporaryAux rust-fil-proofs writes for `proof` sealed in `cacheDir` with the configured
 * FIL_PROOFS_ROWS_TO_DISCARD (docs/sector-layout.md).
 */
export function temporaryAuxFor(proof: SealProof, cacheDir: string, configuredRowsToDiscard: number): TemporaryAux {
  const treeLen = octreeNodes(proof.nodesPerBaseTree);
  const discard = rowsToDiscard(proof.nodesPerBaseTree, configuredRowsToDiscard);
  const cfg = (id: string, size: bigint, rows: number): StoreConfig => ({ path: cacheDir, id, size, rowsToDiscard: BigInt(rows) });
  return {
    labels: Array.from({ length: proof.layers }, (_, i) => cfg(`layer-${i + 1}`, proof.nodes, 0)),
    treeD: cfg('tree-d', 2n * proof.nodes - 1n, 0),
    treeRLast: cfg('tree-r-last', treeLen, discard),
    treeC: cfg('tree-c', treeLen, 0),
  };
}

// ---- files -------------------------------------------------------------------------------------

export async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes, { flush: true });
  await rename(tmp, path);
}

export const writePAux = (cacheDir: string, a: PersistentAux): Promise<void> => writeAtomic(join(cacheDir, P_AUX), encodePAux(a));
export const writeTAux = (cacheDir: string, t: TemporaryAux): Promise<void> => writeAtomic(join(cacheDir, T_AUX), encodeTAux(t));

/**
 * t_aux as rust-fil-proofs would have written it had the sector been sealed in `cacheDir`: every
 * StoreConfig path replaced. Used on publish, so the file under <result>/cache/s-t0M-N names that
 * directory rather than the temp dir it was sealed in (rfp: seal_pre_commit_phase2 persists
 * TemporaryAux with cache_path as given).
 */
export function tAuxWithCacheDir(b: Uint8Array, cacheDir: string, what = T_AUX): Uint8Array {
  return encodeTAux(decodeTAux(b, cacheDir, what));
}

export async function readPAux(cacheDir: string): Promise<PersistentAux> {
  const path = join(cacheDir, P_AUX);
  return decodePAux(await readFile(path), path);
}
export async function readTAux(cacheDir: string): Promise<TemporaryAux> {
  const path = join(cacheDir, T_AUX);
  return decodeTAux(await readFile(path), cacheDir, path);
}
