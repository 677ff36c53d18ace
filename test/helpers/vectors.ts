// Typed access to the reference vectors in fixtures/vectors/*.json. Each file was written by the
// Rust oracle (tools/oracle) running rust-fil-proofs' own seal_pre_commit_phase1/phase2; these
// are expectations from the reference, never from our code.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const VECTORS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'vectors');

/** 64 lowercase hex digits. */
export type Hex32 = string;

export interface VectorGenerator {
  readonly tool: string;
  /** crate name → exact version from the oracle's Cargo.lock */
  readonly crates: Readonly<Record<string, string>>;
  readonly rustc: string;
  readonly multicore_sdr_feature: boolean;
}

/** Piece data: a committed file, or a deterministic stream (see `sha256Ctr`). */
export type VectorData =
  | 'cc'
  | {
      readonly file?: string;
      readonly generator?: 'sha256-ctr';
      readonly seed?: Hex32;
      readonly sha256: string;
      readonly unpadded_bytes: number;
    };

export interface VectorPiece {
  readonly comm_p: Hex32;
  readonly cid: string;
  /** decimal */
  readonly padded_size: string;
  readonly unpadded_size: string;
  /** a zero piece lotus adds to fill the sector */
  readonly filler: boolean;
}

export interface StoreConfigJson {
  readonly path: string;
  readonly id: string;
  readonly size: number | null;
  readonly rows_to_discard: number;
}

export interface VectorFile {
  readonly size: number;
  readonly sha256: string;
  /** whole file, for files of at most 32 KiB (and always for t_aux) */
  readonly base64?: string;
  /** t_aux only: the cache-dir string the reference embedded */
  readonly cache_path?: string;
  /** t_aux only: the reference's own bincode decoding */
  readonly decoded?: {
    readonly labels: readonly StoreConfigJson[];
    readonly tree_d: StoreConfigJson;
    readonly tree_r_last: StoreConfigJson;
    readonly tree_c: StoreConfigJson;
  };
}

export interface OracleVector {
  readonly generator: VectorGenerator;
  readonly proof: {
    readonly id: number;
    readonly name: string;
    readonly api_version: 'V1_0_0' | 'V1_1_0' | 'V1_2_0';
    readonly features: readonly string[];
    readonly sector_size: string;
  };
  readonly miner: string | null;
  readonly prover_id: Hex32;
  /** decimal u64 */
  readonly sector_id: string;
  readonly ticket: Hex32;
  readonly data: VectorData;
  readonly porep_id: Hex32;
  readonly layers: number;
  /** decimal */
  readonly nodes: string;
  readonly pieces: readonly VectorPiece[];
  readonly pieces_note: string;
  /** the unsealed file add_piece wrote (before PC1 extends it to the sector size) */
  readonly staged: { readonly size: number; readonly sha256: string };
  readonly comm_d: Hex32;
  readonly comm_d_cid: string;
  /** compute_comm_d(sector, []) */
  readonly comm_d_no_pieces: Hex32;
  readonly replica_id: Hex32;
  readonly parents_cache: { readonly file: string; readonly sha256: string };
  readonly parents: readonly { readonly node: number; readonly parents: readonly number[] }[];
  readonly labels: readonly { readonly layer: number; readonly node: number; readonly label: Hex32 }[];
  /** index 0 = layer 1 */
  readonly layer_sha256: readonly string[];
  /** tree-c leaves C[v] = Poseidon_L(labels of node v), same nodes as `parents` */
  readonly columns: readonly { readonly node: number; readonly column: Hex32 }[];
  /** sealed-file nodes replica[v] = label[L][v] + data[v] mod r, same nodes */
  readonly replica: readonly { readonly node: number; readonly replica: Hex32 }[];
  readonly comm_c: Hex32;
  readonly comm_r_last: Hex32;
  readonly comm_r: Hex32;
  readonly comm_r_cid: string;
  /** every file of the cache dir by the name the reference gave it, plus "sealed" */
  readonly files: Readonly<Record<string, VectorFile>>;
  readonly timings_ms: { readonly pc1: number; readonly pc2: number };
  readonly threads: number;
  readonly multicore_sdr: boolean;
}

export interface NamedVector {
  /** file stem, e.g. "2KiB-V1_1-cc-f01000-s1" */
  readonly name: string;
  readonly vector: OracleVector;
}

export function vectorNames(): string[] {
  return readdirSync(VECTORS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Load one vector by file stem (with or without `.json`). */
export function loadVector(name: string): OracleVector {
  const stem = name.endsWith('.json') ? name.slice(0, -5) : name;
  return JSON.parse(readFileSync(path.join(VECTORS_DIR, `${stem}.json`), 'utf8')) as OracleVector;
}

export function allVectors(): NamedVector[] {
  return vectorNames().map((name) => ({ name, vector: loadVector(name) }));
}

/**
 * Reference vectors of sectors too large for the default suite (512MiB; the data is CC, so only
 * the JSON is committed). Same format; used by SLOW=1 tests.
 */
export const LARGE_VECTORS_DIR = path.resolve(VECTORS_DIR, '..', 'vectors-large');
export function largeVectors(): NamedVector[] {
  return readdirSync(LARGE_VECTORS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.slice(0, -5), vector: JSON.parse(readFileSync(path.join(LARGE_VECTORS_DIR, f), 'utf8')) as OracleVector }));
}

/** Label of `node` in `layer` (1-based) as recorded by the oracle, or undefined if not sampled. */
export function labelOf(v: OracleVector, layer: number, node: number): Hex32 | undefined {
  return v.labels.find((l) => l.layer === layer && l.node === node)?.label;
}

export function columnOf(v: OracleVector, node: number): Hex32 | undefined {
  return v.columns.find((c) => c.node === node)?.column;
}

export function replicaOf(v: OracleVector, node: number): Hex32 | undefined {
  return v.replica.find((c) => c.node === node)?.replica;
}

export function parentsOf(v: OracleVector, node: number): readonly number[] | undefined {
  return v.parents.find((p) => p.node === node)?.parents;
}

/** Whole file bytes when embedded (≤ 32 KiB files and t_aux). */
export function fileBytes(v: OracleVector, name: string): Uint8Array | undefined {
  const b = v.files[name]?.base64;
  return b === undefined ? undefined : new Uint8Array(Buffer.from(b, 'base64'));
}

/**
 * The oracle's deterministic data stream "sha256-ctr": block i = SHA-256(seed ‖ u64le(i)),
 * concatenated and truncated to `length` (tools/oracle/src/datagen.rs).
 */
export function sha256Ctr(seedHex: Hex32, length: number): Uint8Array {
  const seed = Buffer.from(seedHex, 'hex');
  const out = new Uint8Array(Math.ceil(length / 32) * 32);
  const ctr = Buffer.alloc(8);
  for (let i = 0; i * 32 < length; i++) {
    ctr.writeBigUInt64LE(BigInt(i));
    out.set(createHash('sha256').update(seed).update(ctr).digest(), i * 32);
  }
  return out.subarray(0, length);
}

/** The unpadded piece bytes of a data vector: the committed file, or regenerated from its seed. */
export function vectorPieceData(v: OracleVector): Uint8Array | null {
  if (v.data === 'cc') return null;
  if (v.data.file) return new Uint8Array(readFileSync(path.join(VECTORS_DIR, v.data.file)));
  if (v.data.generator === 'sha256-ctr' && v.data.seed) return sha256Ctr(v.data.seed, v.data.unpadded_bytes);
  throw new Error(`vector data has neither a file nor a generator: ${JSON.stringify(v.data)}`);
}

/** Reference Poseidon outputs (neptune via filecoin-hashers' constants), elements canonical LE hex. */
export interface PoseidonVectors {
  readonly generator: VectorGenerator;
  readonly hash_type: 'MerkleTree';
  readonly strength: 'Standard';
  readonly seed: Hex32;
  readonly arity: Readonly<Record<'2' | '8' | '11', readonly { readonly what: string; readonly inputs: readonly Hex32[]; readonly output: Hex32 }[]>>;
}

export function loadPoseidonVectors(): PoseidonVectors {
  return JSON.parse(readFileSync(path.join(VECTORS_DIR, 'poseidon', 'neptune-merkletree-standard.json'), 'utf8')) as PoseidonVectors;
}
