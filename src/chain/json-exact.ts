// JSON with u64 values kept exact (docs/chain.md#json-conventions). Lotus writes sector numbers,
// deal ids and bitfield runs as JSON numbers; JSON.parse would round those beyond 2^53, and
// JSON.stringify cannot write a bigint at all.
import { parseJsonText } from '../platform/json-text.js';

/** Integer literals longer than 15 digits (outside strings) become decimal strings; bounded as in src/platform/json-text.ts. */
export function parseJsonExact(text: string, source = 'JSON text'): unknown {
  return parseJsonText(text, { source });
}

const MARK = '\u0001u64:';

/** JSON.stringify that writes bigints as plain JSON numbers, digit for digit. */
export function stringifyJsonExact(value: unknown, space?: string | number): string {
  const s = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v.toString()}` : v), space);
  return s.replace(/"\\u0001u64:(-?\d+)"/g, '$1');
}
