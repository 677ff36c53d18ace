// Edge validation for JSON coming from a node or a file: every failure names where the value came
// from (method + sector, or file + entry) and which field was wrong.
import { IoError } from '../errors.js';
import { escapedExcerpt } from '../platform/json-text.js';

/** A node's answer (or a file's JSON) lacks a field or has the wrong type; files turn it into an InputError. */
export class ShapeError extends IoError {
  override name = 'ShapeError';
}

export type Json = unknown;

export class Reader {
  constructor(
    private readonly value: Json,
    /** e.g. "StateSectorPreCommitInfo(f01000, sector 5)" */
    readonly where: string,
    readonly path = '',
  ) {}

  private fail(expected: string, got: Json): never {
    // escaped and short: a field may hold megabytes of binary garbage
    const shown = got === undefined ? 'nothing' : typeof got === 'string' ? escapedExcerpt(got, 0, 80) : escapedExcerpt(JSON.stringify(got) ?? String(got), 0, 80).slice(1, -1);
    throw new ShapeError(`${this.where}: field ${this.path || '(result)'} must be ${expected}, got ${shown}`);
  }

  isNull(): boolean {
    return this.value === null || this.value === undefined;
  }

  field(name: string): Reader {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) this.fail('an object', this.value);
    return new Reader((this.value as Record<string, Json>)[name], this.where, this.path ? `${this.path}.${name}` : name);
  }

  /** A field that may be missing or null (returns undefined then). */
  optional(name: string): Reader | undefined {
    const r = this.field(name);
    return r.isNull() ? undefined : r;
  }

  array(): Reader[] {
    if (!Array.isArray(this.value)) this.fail('an array', this.value);
    return (this.value as Json[]).map((v, i) => new Reader(v, this.where, `${this.path}[${i}]`));
  }

  /** Integer that fits a JS number exactly (epochs, proof ids, network versions). */
  int(): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) this.fail('an integer', v);
    return v as number;
  }

  /** Unsigned 64-bit (sector numbers, sizes); accepts a JSON number or a decimal string. */
  uint64(): bigint {
    const v = this.value;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === 'string' && /^\d{1,20}$/.test(v) && BigInt(v) < 1n << 64n) return BigInt(v);
    return this.fail('a non-negative integer', v);
  }

  string(): string {
    if (typeof this.value !== 'string') this.fail('a string', this.value);
    return this.value as string;
  }

  /** CID JSON {"/": "baf…"} → its string form (parsed further by the caller). */
  cid(): string {
    const v = this.value as Record<string, Json> | null;
    if (typeof v !== 'object' || v === null || typeof v['/'] !== 'string') this.fail('a CID {"/": "…"}', this.value);
    return (v as Record<string, string>)['/']!;
  }

  /** base64 std string → bytes, optionally of an exact length. */
  base64(len?: number): Uint8Array {
    const s = this.value;
    if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) this.fail('base64 bytes', s);
    const b = new Uint8Array(Buffer.from(s as string, 'base64'));
    if (len !== undefined && b.length !== len) this.fail(`base64 of exactly ${len} bytes`, s);
    return b;
  }

  raw(): Json {
    return this.value;
  }
}
