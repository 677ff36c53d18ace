// The latest view of every key (tolerant of damage), optionally decoded: SectorInfo CBOR as JSON,
// /storage/nextid as its uvarint.
import { buildView, liveEntries, type LatestView } from './latest-view.js';
import { SECTOR_PREFIX, decodeSectorInfo, type MetastoreSector } from './sector-info.js';
import { showKey } from './internal-key.js';
import type { ReadMode } from './log-reader.js';

export interface DumpEntry {
  readonly key: string;
  /** the value as text when it is printable UTF-8, else null (see valueHex) */
  readonly value: string | null;
  readonly valueHex: string;
  readonly seq: bigint;
  readonly source: string;
  readonly possiblyStale: string | null;
  readonly decoded?: MetastoreSector | bigint | null;
  readonly decodeError?: string;
}

function printable(v: Uint8Array): string | null {
  const s = Buffer.from(v).toString('utf8');
  // eslint-disable-next-line no-control-regex
  if (s.includes('\ufffd') || /[\x00-\x08\x0e-\x1f]/.test(s)) return null;
  return s;
}

function uvarint(v: Uint8Array): bigint | null {
  let r = 0n;
  for (let i = 0; i < v.length && i < 10; i++) {
    r |= BigInt(v[i]! & 0x7f) << BigInt(7 * i);
    if (v[i]! < 0x80) return i === v.length - 1 ? r : null;
  }
  return null;
}

export async function dumpStore(dir: string, opts: { prefix?: string; decode?: boolean; mode?: ReadMode } = {}): Promise<{ entries: DumpEntry[]; view: LatestView }> {
  const view = await buildView(dir, opts.mode ?? 'lenient');
  const stale = new Map(view.stale.map((s) => [s.key, s.reason]));
  const entries = liveEntries(view, opts.prefix ? Buffer.from(opts.prefix) : undefined).map((e): DumpEntry => {
    const key = showKey(e.key);
    const base = { key, value: printable(e.value), valueHex: Buffer.from(e.value).toString('hex'), seq: e.seq, source: e.source, possiblyStale: stale.get(key) ?? null };
    if (!opts.decode) return base;
    if (key.startsWith(SECTOR_PREFIX)) {
      try {
        return { ...base, decoded: decodeSectorInfo(key, e.value) };
      } catch (err) {
        return { ...base, decoded: null, decodeError: (err as Error).message };
      }
    }
    if (key === '/storage/nextid') return { ...base, decoded: uvarint(e.value) };
    return base;
  });
  return { entries, view };
}
