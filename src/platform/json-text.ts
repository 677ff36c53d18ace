// The one bounded JSON reader for everything that comes from a user or the network (export files,
// devnet network files, Lotus answers, checkpoint state): a size cap per use, a nesting-depth cap
// checked by a flat scan (no recursion, so 100 000 brackets cannot overflow the stack), exact u64
// (docs/chain.md#json-conventions), and one-line errors that name the source and never echo binary
// bytes (docs/reliability.md#bounded-inputs).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';

/** Deeper than any JSON this tool reads (lotus answers nest < 10 levels). */
export const MAX_JSON_DEPTH = 64;

export interface JsonTextOptions {
  /** named in every error: a path, or "StateSectorGetInfo answer from http://…" */
  readonly source: string;
  readonly maxDepth?: number;
}

/** A short excerpt safe to print: printable ASCII as is, everything else as \xNN / \uNNNN. */
export function escapedExcerpt(text: string, at = 0, len = 24): string {
  const s = text.slice(Math.max(0, at), Math.max(0, at) + len);
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && c < 0x7f && ch !== '\\') out += ch;
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x100) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += `\\u{${c.toString(16)}}`;
  }
  return `"${out}${text.length > at + len ? '…' : ''}"`;
}

const TWO_53 = 2 ** 53;

/**
 * Parse JSON text. Integer literals of 16 or more digits become decimal strings (Reader.uint64 turns
 * them into bigints); a fraction/exponent literal at or beyond 2^53 is refused quoting its exact
 * text, since JSON.parse would round it.
 */
export function parseJsonText(text: string, opts: JsonTextOptions): unknown {
  const maxDepth = opts.maxDepth ?? MAX_JSON_DEPTH;
  let out = '';
  let last = 0;
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < n && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c /* \ */ ? 2 : 1;
      i++;
      continue;
    }
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) {
        throw new InputError(`${opts.source}: JSON nested deeper than ${maxDepth} levels (at character ${i}); this is not a file the tool wrote or a Lotus answer`);
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d /* - */) {
      const start = i;
      i++;
      while (i < n && /[0-9eE.+-]/.test(text[i]!)) i++;
      const lit = text.slice(start, i);
      if (/^-?\d{16,}$/.test(lit)) {
        out += `${text.slice(last, start)}"${lit}"`;
        last = i;
      } else if (/[.eE]/.test(lit) && Math.abs(Number(lit)) >= TWO_53) {
        throw new InputError(
          `${opts.source}: number ${escapedExcerpt(lit, 0, 40)} at character ${start} is beyond 2^53 and would be rounded; write whole numbers (sector numbers, sizes) as plain integers`,
        );
      }
      continue;
    }
    i++;
  }
  try {
    return JSON.parse(last === 0 ? text : out + text.slice(last));
  } catch (e) {
    throw new InputError(`${opts.source}: not valid JSON (${describeSyntaxError(e, text)})`);
  }
}

/** V8's message quotes the input (binary garbage included): keep only its kind and position. */
function describeSyntaxError(e: unknown, text: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  const pos = /at position (\d+)/.exec(msg);
  if (pos) return `error at character ${pos[1]}, near ${escapedExcerpt(text, Number(pos[1]))}`;
  if (/Unexpected end/.test(msg)) return 'the text ends too early';
  const tok = /Unexpected token '(.*?)', /s.exec(msg);
  if (tok) {
    const at = text.indexOf(tok[1]!);
    return `unexpected ${escapedExcerpt(tok[1]!, 0, 4)}${at >= 0 ? ` at character ${at}, near ${escapedExcerpt(text, at)}` : ''}`;
  }
  return escapedExcerpt(msg, 0, 80);
}

export interface JsonFileOptions {
  /** e.g. "recovery metadata file" — the error reads "<kind> <path>: …" */
  readonly what: string;
  readonly maxBytes: number;
  /** appended to a size error: how to get a file under the cap */
  readonly hint?: string;
  readonly maxDepth?: number;
}

/**
 * Read and parse one JSON file: regular files only (a FIFO or device is refused, never read), at
 * most maxBytes, UTF-8 text without control bytes. Errors are InputErrors naming the path.
 */
export async function readJsonFile(path: string, opts: JsonFileOptions): Promise<unknown> {
  return parseJsonBytes(await readBoundedFile(path, opts), { source: path, maxDepth: opts.maxDepth });
}

/** The bytes of a regular file no larger than maxBytes; O_NONBLOCK so opening a FIFO does not wait for a writer. */
export async function readBoundedFile(path: string, opts: Pick<JsonFileOptions, 'what' | 'maxBytes' | 'hint'>): Promise<Buffer> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new InputError(`cannot read the ${opts.what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO (named pipe)' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
      throw new InputError(`the ${opts.what} ${path} is ${kind}, not a regular file`);
    }
    if (st.size > opts.maxBytes) {
      throw new InputError(`the ${opts.what} ${path} is ${st.size} bytes, over the ${opts.maxBytes}-byte limit${opts.hint ? `; ${opts.hint}` : ''}`);
    }
    // read at most maxBytes + 1 even if the file grows meanwhile
    const buf = Buffer.alloc(Math.min(opts.maxBytes + 1, st.size + 1));
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got > opts.maxBytes) throw new InputError(`the ${opts.what} ${path} grew past the ${opts.maxBytes}-byte limit while being read`);
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes → JSON: a control byte (never valid anywhere in JSON) or invalid UTF-8 is reported by offset, not echoed. */
export function parseJsonBytes(bytes: Uint8Array, opts: JsonTextOptions): unknown {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) {
      throw new InputError(`${opts.source}: not JSON text: binary byte 0x${b.toString(16).padStart(2, '0')} at byte offset ${i}`);
    }
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new InputError(`${opts.source}: not JSON text: invalid UTF-8`);
  }
  return parseJsonText(text, opts);
}

/**
 * A small JSON file the tool wrote itself (checkpoint state, stamps): undefined when absent,
 * unreadable, not a regular file, over maxBytes or not valid JSON, so the caller starts afresh
 * instead of hanging on a FIFO or loading a huge file.
 */
export async function readOwnJsonFile(path: string, maxBytes = 1 << 20): Promise<unknown> {
  try {
    return parseJsonBytes(await readBoundedFile(path, { what: 'state file', maxBytes }), { source: path });
  } catch {
    return undefined;
  }
}

/** readOwnJsonFile for synchronous callers. */
export function readOwnJsonFileSync(path: string, maxBytes = 1 << 20): unknown {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    const buf = Buffer.alloc(st.size + 1);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got > maxBytes) return undefined;
    return parseJsonBytes(buf.subarray(0, got), { source: path });
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
