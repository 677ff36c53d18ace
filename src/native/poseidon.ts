// Typed wrapper around the field and Poseidon kernels of native/sdr (field-napi.cc, octree-napi.cc).
// Every element crossing this boundary is 32 bytes, canonical little-endian (docs/poseidon.md#element-encoding).
import { rawAddon } from './addon.js';

/** 'plain' = neptune HashMode::Correct; 'optimized' = compressed constants + sparse matrices. */
export type PoseidonForm = 'plain' | 'optimized';
/** Montgomery multiply: 'portable' (__int128 CIOS) or 'adx' (MULX/ADCX/ADOX); 'auto' picks the fastest present. */
export type FrKernel = 'auto' | 'portable' | 'adx';
/** Poseidon kernels: the field kernels, plus 'ifma' (8-lane AVX-512 IFMA batches, optimized form only). */
export type PoseidonKernel = FrKernel | 'ifma';
export type FrOp = '+' | '-' | '*' | 'sq' | 'inv';

export interface PoseidonOptions {
  readonly form?: PoseidonForm;
  readonly kernel?: PoseidonKernel;
}

export interface PoseidonConstantsBytes {
  readonly t: number;
  readonly rf: number;
  readonly rp: number;
  /** (rf + rp)·t round constants */
  readonly rc: Uint8Array;
  /** t×t row-major */
  readonly mds: Uint8Array;
  readonly mdsInv: Uint8Array;
  readonly compressed: Uint8Array;
  readonly preSparse: Uint8Array;
  /** rp blocks of 2t−1 elements */
  readonly sparse: Uint8Array;
}

interface PoseidonAddon {
  frOp(op: FrOp, a: Uint8Array, b: Uint8Array | undefined, kernel?: FrKernel): Uint8Array;
  frIsCanonical(x: Uint8Array): boolean;
  poseidonPermute(arity: number, strengthened: boolean, state: Uint8Array, form?: PoseidonForm, kernel?: PoseidonKernel): Uint8Array;
  poseidonHashMany(arity: number, inputs: Uint8Array, form?: PoseidonForm, kernel?: PoseidonKernel): Uint8Array;
  poseidonHash(arity: number, inputs: readonly Uint8Array[], form?: PoseidonForm, kernel?: PoseidonKernel): Uint8Array;
  frMul(a: Uint8Array, b: Uint8Array, kernel?: FrKernel): Uint8Array;
  poseidonConstants(arity: number, strengthened: boolean): PoseidonConstantsBytes;
  poseidonKernels(): PoseidonKernel[];
  octreeInMemory(leaves: Uint8Array, firstStoredRow: number): Uint8Array;
}
const addon = (): PoseidonAddon => rawAddon() as unknown as PoseidonAddon;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.length * 32);
  parts.forEach((p, i) => {
    if (p.length !== 32) throw new RangeError(`field element ${i} must be 32 bytes, got ${p.length}`);
    out.set(p, i * 32);
  });
  return out;
}
const split = (flat: Uint8Array): Uint8Array[] =>
  Array.from({ length: flat.length / 32 }, (_, i) => flat.slice(i * 32, i * 32 + 32));

/** Filecoin MerkleTree Poseidon (tag 2^arity − 1) of exactly `arity` elements. */
export function poseidonHash(arity: number, inputs: readonly Uint8Array[], o: PoseidonOptions = {}): Uint8Array {
  if (inputs.length !== arity) throw new RangeError(`Poseidon arity ${arity} needs ${arity} inputs, got ${inputs.length}`);
  return addon().poseidonHash(arity, inputs, o.form, o.kernel);
}

/** n hashes in one native call: `flat` holds n·arity elements, the result n digests. */
export function poseidonHashMany(arity: number, flat: Uint8Array, o: PoseidonOptions = {}): Uint8Array {
  return addon().poseidonHashMany(arity, flat, o.form, o.kernel);
}

/** The bare permutation of a width-(arity+1) state (any domain tag / sponge layout is the caller's). */
export function poseidonPermute(
  arity: number,
  state: readonly Uint8Array[],
  o: { readonly form?: PoseidonForm; readonly kernel?: FrKernel; readonly strengthened?: boolean } = {},
): Uint8Array[] {
  return split(addon().poseidonPermute(arity, o.strengthened ?? false, concat(state), o.form, o.kernel));
}

export const poseidonConstants = (arity: number, strengthened = false): PoseidonConstantsBytes =>
  addon().poseidonConstants(arity, strengthened);

/** Field arithmetic on canonical LE elements (tests and tools). */
export function frOp(op: FrOp, a: Uint8Array, b?: Uint8Array, kernel: FrKernel = 'auto'): Uint8Array {
  return addon().frOp(op, a, b, kernel);
}
export const frMul = (a: Uint8Array, b: Uint8Array, kernel: FrKernel = 'auto'): Uint8Array => addon().frMul(a, b, kernel);
export const frIsCanonical = (x: Uint8Array): boolean => addon().frIsCanonical(x);

/** Poseidon kernels this CPU can run ('portable' always). */
export const poseidonKernels = (): PoseidonKernel[] => addon().poseidonKernels();
/** Field multiply kernels this CPU can run ('portable' always). */
export const frKernels = (): FrKernel[] => poseidonKernels().filter((k): k is FrKernel => k !== 'ifma');

/** A whole arity-8 tree in memory; returns rows [firstStoredRow, top] bottom-up, root last. */
export const octreeInMemory = (leaves: Uint8Array, firstStoredRow = 0): Uint8Array =>
  addon().octreeInMemory(leaves, firstStoredRow);
