// Fr32 padding: every 254 bits of user data become one 32-byte node whose two top bits are zero,
// so 127 unpadded bytes map to exactly 128 padded bytes. rfp: fr32/src/reader.rs (Fr32Reader),
// fr32/src/padding.rs (to_padded_bytes / to_unpadded_bytes).
import { Transform, type TransformCallback } from 'node:stream';
import { InputError } from '../errors.js';

/** Unpadded bytes in one fr32 block (4 × 254 bits). */
export const UNPADDED_BLOCK = 127;
/** Padded bytes in one fr32 block (4 × 32 bytes). */
export const PADDED_BLOCK = 128;

/**
 * Pad one 127-byte block at `src[s..s+127)` into `dst[d..d+128)`. The four 254-bit chunks start at
 * input bits 0, 254, 508 and 762, i.e. byte 0, byte 31 bit 6, byte 63 bit 4 and byte 95 bit 2.
 */
function padBlock(src: Uint8Array, s: number, dst: Uint8Array, d: number): void {
  for (let k = 0; k < 32; k++) dst[d + k] = src[s + k]!;
  dst[d + 31]! &= 0x3f;
  for (let k = 0; k < 32; k++) dst[d + 32 + k] = (src[s + 31 + k]! >>> 6) | (src[s + 32 + k]! << 2);
  dst[d + 63]! &= 0x3f;
  for (let k = 0; k < 32; k++) dst[d + 64 + k] = (src[s + 63 + k]! >>> 4) | (src[s + 64 + k]! << 4);
  dst[d + 95]! &= 0x3f;
  for (let k = 0; k < 31; k++) dst[d + 96 + k] = (src[s + 95 + k]! >>> 2) | (src[s + 96 + k]! << 6);
  dst[d + 127] = (src[s + 126]! >>> 2) & 0x3f;
}

/** Inverse of padBlock: 128 padded bytes → 127 unpadded bytes; the two pad bits of each node are dropped. */
function unpadBlock(src: Uint8Array, s: number, dst: Uint8Array, d: number): void {
  for (let k = 0; k < 31; k++) dst[d + k] = src[s + k]!;
  dst[d + 31] = (src[s + 31]! & 0x3f) | (src[s + 32]! << 6);
  for (let k = 0; k < 31; k++) dst[d + 32 + k] = (src[s + 32 + k]! >>> 2) | (src[s + 33 + k]! << 6);
  dst[d + 63] = ((src[s + 63]! >>> 2) & 0x0f) | (src[s + 64]! << 4);
  for (let k = 0; k < 31; k++) dst[d + 64 + k] = (src[s + 64 + k]! >>> 4) | (src[s + 65 + k]! << 4);
  dst[d + 95] = ((src[s + 95]! >>> 4) & 0x03) | (src[s + 96]! << 2);
  for (let k = 0; k < 31; k++) dst[d + 96 + k] = (src[s + 96 + k]! >>> 6) | (src[s + 97 + k]! << 2);
}

/** Padded length of `n` unpadded bytes as Fr32Reader emits it: ceil(8n / 254) nodes of 32 bytes. */
export function fr32PaddedLength(n: number): number {
  return Math.ceil((8 * n) / 254) * 32;
}

/**
 * Byte-size conversion unpadded → padded as `rfp: fr32/src/padding.rs to_padded_bytes` (rounds up to
 * whole bytes; exact ×128/127 for multiples of 127).
 */
export function toPaddedBytes(unpadded: bigint | number): bigint {
  const bits = BigInt(unpadded) * 8n;
  const outBits = (bits / 254n) * 256n + (bits % 254n);
  return (outBits + 7n) / 8n;
}

/** Byte-size conversion padded → unpadded as `to_unpadded_bytes` (rounds down; exact ×127/128 for multiples of 128). */
export function toUnpaddedBytes(padded: bigint | number): bigint {
  const bits = BigInt(padded) * 8n;
  const outBits = (bits / 256n) * 254n + (bits % 256n);
  return outBits / 8n;
}

/** Fr32-pad a buffer exactly as Fr32Reader does (the last partial node is zero-extended). */
export function fr32Pad(unpadded: Uint8Array): Uint8Array {
  const out = new Uint8Array(fr32PaddedLength(unpadded.length));
  const whole = Math.floor(unpadded.length / UNPADDED_BLOCK);
  for (let b = 0; b < whole; b++) padBlock(unpadded, b * UNPADDED_BLOCK, out, b * PADDED_BLOCK);
  const rest = unpadded.length - whole * UNPADDED_BLOCK;
  if (rest > 0) {
    const tail = new Uint8Array(UNPADDED_BLOCK);
    tail.set(unpadded.subarray(whole * UNPADDED_BLOCK));
    const block = new Uint8Array(PADDED_BLOCK);
    padBlock(tail, 0, block, 0);
    out.set(block.subarray(0, out.length - whole * PADDED_BLOCK), whole * PADDED_BLOCK);
  }
  return out;
}

/**
 * Recover the user bytes from fr32-padded data (a whole number of 32-byte nodes). By default returns
 * every data bit (254 per node, rounded down to bytes); pass `unpaddedLength` to cut to the original size.
 */
export function fr32Unpad(padded: Uint8Array, unpaddedLength?: number): Uint8Array {
  if (padded.length % 32 !== 0) {
    throw new InputError(`fr32 padded data must be a whole number of 32-byte nodes, got ${padded.length} bytes`);
  }
  const max = Math.floor(((padded.length / 32) * 254) / 8);
  const len = unpaddedLength ?? max;
  if (!Number.isInteger(len) || len < 0 || len > max) {
    throw new InputError(`cannot unpad ${len} bytes from ${padded.length} padded bytes (at most ${max})`);
  }
  const whole = Math.floor(padded.length / PADDED_BLOCK);
  const out = new Uint8Array(whole * UNPADDED_BLOCK + UNPADDED_BLOCK);
  for (let b = 0; b < whole; b++) unpadBlock(padded, b * PADDED_BLOCK, out, b * UNPADDED_BLOCK);
  if (padded.length > whole * PADDED_BLOCK) {
    const block = new Uint8Array(PADDED_BLOCK);
    block.set(padded.subarray(whole * PADDED_BLOCK));
    unpadBlock(block, 0, out, whole * UNPADDED_BLOCK);
  }
  return out.slice(0, len);
}

/**
 * Streaming fr32 padding for large piece files: consumes unpadded bytes in arbitrary chunks and
 * emits padded bytes, 128 for every 127 in, plus the zero-extended last nodes at the end.
 * Output is byte-identical to fr32Pad over the whole input.
 */
export class Fr32PadStream extends Transform {
  private carry: Uint8Array = new Uint8Array(0);

  override _transform(chunk: Buffer | Uint8Array, _enc: BufferEncoding, done: TransformCallback): void {
    const input = this.carry.length ? concat(this.carry, chunk) : chunk;
    const whole = Math.floor(input.length / UNPADDED_BLOCK);
    if (whole > 0) {
      const out = Buffer.allocUnsafe(whole * PADDED_BLOCK);
      for (let b = 0; b < whole; b++) padBlock(input, b * UNPADDED_BLOCK, out, b * PADDED_BLOCK);
      this.push(out);
    }
    this.carry = input.slice(whole * UNPADDED_BLOCK);
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length) this.push(Buffer.from(fr32Pad(this.carry)));
    done();
  }
}

/**
 * Streaming fr32 unpadding: 127 bytes out for every 128 in. A trailing partial block (whole nodes
 * only) yields all of its data bits rounded down to bytes, as fr32Unpad does.
 */
export class Fr32UnpadStream extends Transform {
  private carry: Uint8Array = new Uint8Array(0);

  override _transform(chunk: Buffer | Uint8Array, _enc: BufferEncoding, done: TransformCallback): void {
    const input = this.carry.length ? concat(this.carry, chunk) : chunk;
    const whole = Math.floor(input.length / PADDED_BLOCK);
    if (whole > 0) {
      const out = Buffer.allocUnsafe(whole * UNPADDED_BLOCK);
      for (let b = 0; b < whole; b++) unpadBlock(input, b * PADDED_BLOCK, out, b * UNPADDED_BLOCK);
      this.push(out);
    }
    this.carry = input.slice(whole * PADDED_BLOCK);
    done();
  }

  override _flush(done: TransformCallback): void {
    try {
      if (this.carry.length) this.push(Buffer.from(fr32Unpad(this.carry)));
      done();
    } catch (e) {
      done(e as Error);
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
