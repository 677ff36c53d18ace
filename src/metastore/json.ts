// JSON for reports: bigints as decimal strings, bytes as hex, Maps as objects.
export function toJson(value: unknown, space = 2): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
      if (v instanceof Map) return Object.fromEntries(v);
      return v;
    },
    space,
  );
}
