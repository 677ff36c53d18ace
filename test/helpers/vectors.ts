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
export function vectorPieceData(v: Pick<OracleVector, 'data'>): Uint8Array | null {
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

/** FIL_PROOFS_ROWS_TO_DISCARD as set for an oracle run, and what the reference did with it. */
export interface RowsToDiscardJson {
  readonly setting: number;
  readonly env: string;
  /** the reference's SETTINGS.rows_to_discard after reading the variable */
  readonly settings_rows_to_discard: number;
  readonly base_tree_leaves: number;
  readonly base_tree_row_count: number;
  /** row_count − 2 */
  readonly max_rows_to_discard: number;
  /** what tree-r-last's StoreConfig got (t_aux) */
  readonly tree_r_last_rows_to_discard: number;
  readonly clamped: boolean;
  readonly note: string;
}

/** A seal vector run with --rows-to-discard (fixtures/vectors/rows-to-discard/8MiB-*). */
export interface RowsToDiscardSealVector extends OracleVector {
  readonly rows_to_discard: RowsToDiscardJson;
}

export type VectorFamily = 'snap' | 'shapes' | 'rows-to-discard';

/** File stems of one vector family directory (fixtures/vectors/<family>/*.json). */
export function familyVectorNames(family: VectorFamily): string[] {
  return readdirSync(path.join(VECTORS_DIR, family))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Parsed JSON of fixtures/vectors/<family>/<name>.json; the caller names the shape it expects. */
export function loadFamilyVector<T>(family: VectorFamily, name: string): T {
  const stem = name.endsWith('.json') ? name.slice(0, -5) : name;
  return JSON.parse(readFileSync(path.join(VECTORS_DIR, family, `${stem}.json`), 'utf8')) as T;
}

/** A piece source of a snap vector: always the sha256-ctr stream (regenerate with `sha256Ctr`). */
export interface GeneratedData {
  readonly generator: 'sha256-ctr';
  readonly generator_doc: string;
  readonly seed: Hex32;
  readonly sha256: string;
  readonly unpadded_bytes: number;
}

/**
 * SnapDeals vector (tools/oracle `encode`): a CC sector key sealed by the reference, new deal data
 * staged with add_piece, then filecoin_proofs::encode_into / decode_from / remove_encoded_data.
 */
export interface SnapVector {
  readonly generator: VectorGenerator;
  readonly update_proof: {
    readonly id: number;
    readonly name: string;
    readonly api_version: 'V1_1_0';
    readonly features: readonly string[];
    readonly porep_id: Hex32;
    readonly sector_size: string;
    readonly partitions: number;
    readonly note: string;
  };
  readonly sector_key: {
    readonly proof: OracleVector['proof'];
    readonly miner: string | null;
    readonly prover_id: Hex32;
    readonly sector_id: string;
    readonly ticket: Hex32;
    readonly data: 'cc';
    readonly porep_id: Hex32;
    readonly layers: number;
    readonly comm_d: Hex32;
    readonly comm_d_cid: string;
    readonly replica_id: Hex32;
    readonly comm_c: Hex32;
    readonly comm_r_last: Hex32;
    readonly comm_r: Hex32;
    readonly comm_r_cid: string;
    /** the key's cache files + "sealed"; base64 kept for sealed, p_aux, t_aux, tree-r-last (when ≤ 32 KiB) */
    readonly files: Readonly<Record<string, VectorFile>>;
    /** stem of the seal vector with the same inputs (same comm_r), e.g. "2KiB-V1_1-cc-f01000-s1" */
    readonly seal_vector: string | null;
  };
  /** one entry per data piece, in order (fillers are not listed here) */
  readonly data: readonly GeneratedData[];
  readonly fill: boolean;
  /** every add_piece call: data pieces, alignment zero pieces and fillers (filler: true) */
  readonly pieces: readonly VectorPiece[];
  readonly pieces_note: string;
  /** the staged file add_piece wrote (always the whole sector: pieces + fillers) */
  readonly staged: { readonly size: number; readonly sha256: string };
  readonly nodes: string;
  readonly update_config: {
    readonly nodes_count: number;
    readonly h: number;
    readonly hs: readonly number[];
    readonly h_select: number;
    readonly update_partitions: number;
    readonly partition_count: number;
    readonly challenge_count: number;
    readonly apex_leaf_count: number;
  };
  readonly comm_c: Hex32;
  readonly comm_r_last_old: Hex32;
  readonly comm_r_old: Hex32;
  readonly comm_d_new: Hex32;
  readonly comm_d_new_cid: string;
  readonly comm_r_last_new: Hex32;
  readonly comm_r_new: Hex32;
  readonly comm_r_new_cid: string;
  readonly phi: Hex32;
  readonly rho: {
    readonly bits_shr: number;
    readonly groups: number;
    readonly nodes_per_group: number;
    /** SHA-256 over rho(phi, high) as 32-byte LE for high = 0..groups−1 */
    readonly table_sha256: string;
    /** every rho when groups ≤ 64, else null */
    readonly table: readonly Hex32[] | null;
  };
  readonly samples: readonly {
    readonly node: number;
    readonly high: number;
    readonly rho: Hex32;
    readonly rho_inv: Hex32;
    readonly data: Hex32;
    readonly sector_key: Hex32;
    readonly replica: Hex32;
  }[];
  readonly files: {
    readonly update: VectorFile;
    readonly 'update-cache': Readonly<Record<string, VectorFile>>;
  };
  readonly decode: {
    readonly size: number;
    readonly sha256: string;
    readonly equals_staged: boolean;
    readonly decode_from_range: { readonly start_node: number; readonly nodes: number; readonly equals_staged: boolean };
  };
  readonly remove: {
    readonly size: number;
    readonly sha256: string;
    readonly equals_sector_key: boolean;
    readonly comm_r_last: Hex32;
    readonly cache_files: Readonly<Record<string, VectorFile>>;
    readonly lotus_argument_order: { readonly sha256: string; readonly equals_sector_key: boolean; readonly note: string };
  };
  readonly notes: readonly string[];
  readonly timings_ms: Readonly<Record<'pc1' | 'pc2' | 'encode' | 'decode' | 'remove', number>>;
  readonly threads: number;
  /** only in rows-to-discard/…-snap-* vectors */
  readonly rows_to_discard?: RowsToDiscardJson;
}

/**
 * Custom-size seal on the 32GiB/64GiB machinery (tools/oracle `shape-seal`): the proof's own
 * setup (degree, expansion degree, layers, porep_id, api version, features) with `nodes` replaced.
 */
export interface ShapeVector {
  readonly generator: VectorGenerator;
  readonly setup: {
    readonly proof: OracleVector['proof'];
    readonly porep_id: Hex32;
    readonly api_version: OracleVector['proof']['api_version'];
    readonly features: readonly string[];
    readonly nodes: string;
    readonly sector_bytes: string;
    readonly layers: number;
    readonly degree: number;
    readonly expansion_degree: number;
    readonly challenges: { readonly kind: string; readonly per_partition: number };
    readonly real_proof_setup: { readonly nodes: string; readonly layers: number };
    readonly shape: {
      /** "8-8-0" | "8-8-2" | … */
      readonly name: string;
      readonly tree: string;
      readonly base_arity: number;
      readonly sub_tree_arity: number;
      readonly top_tree_arity: number;
      readonly base_tree_count: number;
      readonly base_tree_leaves: number;
      /** node count of each row of one base tree, leaves first */
      readonly base_tree_rows: readonly number[];
      readonly max_rows_to_discard: number;
      readonly tree_r_last_rows_to_discard: number;
      readonly default_rows_to_discard_fn: number;
    };
    readonly column_arity: number;
    readonly how: string;
  };
  readonly miner: string | null;
  readonly prover_id: Hex32;
  readonly sector_id: string;
  readonly ticket: Hex32;
  readonly data: VectorData;
  readonly pieces: readonly VectorPiece[];
  readonly staged: { readonly size: number; readonly sha256: string };
  readonly comm_d: Hex32;
  readonly comm_d_cid: string;
  readonly replica_id: Hex32;
  readonly parents_cache: { readonly file: string; readonly sha256: string };
  readonly parents: OracleVector['parents'];
  readonly labels: OracleVector['labels'];
  readonly layer_sha256: readonly string[];
  readonly columns: OracleVector['columns'];
  readonly replica: OracleVector['replica'];
  readonly comm_c: Hex32;
  readonly comm_r_last: Hex32;
  readonly comm_r: Hex32;
  readonly comm_r_cid: string;
  /** cache files (tree-c-0.., tree-r-last-0.., layers, tree-d, p_aux, t_aux) + "sealed"; base64 ≤ 4 KiB */
  readonly files: Readonly<Record<string, VectorFile>>;
  readonly files_note: string;
  readonly timings_ms: { readonly pc1: number; readonly pc2: number };
  readonly threads: number;
  /** only in rows-to-discard/8-8-0-* vectors */
  readonly rows_to_discard?: RowsToDiscardJson;
}

export function snapVectors(): { readonly name: string; readonly vector: SnapVector }[] {
  return familyVectorNames('snap').map((name) => ({ name, vector: loadFamilyVector<SnapVector>('snap', name) }));
}

export function shapeVectors(): { readonly name: string; readonly vector: ShapeVector }[] {
  return familyVectorNames('shapes').map((name) => ({ name, vector: loadFamilyVector<ShapeVector>('shapes', name) }));
}

/** Whole bytes of an embedded file entry (base64), or undefined when only size + sha256 were kept. */
export function entryBytes(f: VectorFile | undefined): Uint8Array | undefined {
  return f?.base64 === undefined ? undefined : new Uint8Array(Buffer.from(f.base64, 'base64'));
}

// --- reference-independent arithmetic for checking vectors against each other (node:crypto only) ---

/** BLS12-381 scalar field modulus r. */
export const FR_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

/** A 32-byte little-endian hex node as an integer. */
export function leHexToBigInt(h: Hex32): bigint {
  return BigInt('0x' + (Buffer.from(h, 'hex').reverse().toString('hex') || '0'));
}

/** SHA-256 with the top two bits of the last byte cleared (a field-safe "sha254" digest). */
export function sha254(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  const d = h.digest();
  d[31] = d[31]! & 0x3f;
  return d;
}

/** Commitment of an all-zero piece of `paddedBytes` (≥ 32): Z(32) = 0, Z(2s) = sha254(Z(s) ‖ Z(s)). */
export function zeroPieceCommitment(paddedBytes: number): Buffer {
  let z: Buffer = Buffer.alloc(32);
  for (let s = 32; s < paddedBytes; s *= 2) z = sha254(z, z);
  return z;
}

/**
 * comm_d of a sector holding `pieces` in order (each placed at the next offset aligned to its own
 * size), zeros elsewhere: the binary sha254 tree whose aligned subtrees are the piece commitments.
 */
export function commDOfPieces(pieces: readonly VectorPiece[], sectorBytes: number): Hex32 {
  const placed: { readonly off: number; readonly size: number; readonly comm: Buffer }[] = [];
  let offset = 0;
  for (const p of pieces) {
    const size = Number(p.padded_size);
    offset = Math.ceil(offset / size) * size;
    placed.push({ off: offset, size, comm: Buffer.from(p.comm_p, 'hex') });
    offset += size;
  }
  const subtree = (off: number, size: number): Buffer => {
    const exact = placed.find((p) => p.off === off && p.size === size);
    if (exact) return exact.comm;
    if (!placed.some((p) => p.off >= off && p.off < off + size)) return zeroPieceCommitment(size);
    return sha254(subtree(off, size / 2), subtree(off + size / 2, size / 2));
  };
  return subtree(0, sectorBytes).toString('hex');
}

/** Node v (32 bytes, LE hex) of the fr32 padding of unpadded `data`: bits [254v, 254v+254). */
export function fr32NodeHex(data: Uint8Array, v: number): Hex32 {
  const out = Buffer.alloc(32);
  for (let k = 0; k < 254; k++) {
    const j = 254 * v + k;
    const byte = j >> 3 < data.length ? data[j >> 3]! : 0;
    if ((byte >> (j & 7)) & 1) out[k >> 3]! |= 1 << (k & 7);
  }
  return out.toString('hex');
}

/**
 * Nodes a tree-r-last cache file keeps for one base tree whose rows (leaves first) are `rows`:
 * every row above the leaves except the lowest `rowsToDiscard` of them.
 */
export function treeRLastCachedNodes(rows: readonly number[], rowsToDiscard: number): number {
  return rows.slice(1 + rowsToDiscard).reduce((a, b) => a + b, 0);
}
