// JSON with u64 values kept exact (docs/chain.md#json-conventions). Lotus writes sector numbers,
// deal ids and bitfield runs as JSON numbers; JSON.parse would round those beyond 2^53, and
// JSON.stringify cannot write a bigint at all.

/** Integer literals longer than 15 digits (outside strings) become decimal strings; all else is JSON.parse. */
export function parseJsonExact(text: string): unknown {
  let out = '';
  let last = 0;
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
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d /* - */) {
      const start = i;
      i++;
      while (i < n && /[0-9eE.+-]/.test(text[i]!)) i++;
      const lit = text.slice(start, i);
      if (/^-?\d{16,}$/.test(lit)) {
        out += `${text.slice(last, start)}"${lit}"`;
        last = i;
      }
      continue;
    }
    i++;
  }
  return JSON.parse(last === 0 ? text : out + text.slice(last));
}

const MARK = '\u0001u64:';

/** JSON.stringify that writes bigints as plain JSON numbers, digit for digit. */
export function stringifyJsonExact(value: unknown, space?: string | number): string {
  const s = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v.toString()}` : v), space);
  return s.replace(/"\\u0001u64:(-?\d+)"/g, '$1');
}
