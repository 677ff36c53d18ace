// The latest view of every key (tolerant of damage), optionally decoded: SectorInfo CBOR as JSON,
// /storage/nextid as its uvarint.
import { buildView, liveEntries, type LatestView } from './latest-view.js';
import { SECTOR_PREFIX, decodeSectorInfo, type MetastoreSector } from './sector-info.js';
import { showKey } from './internal-key.js';
import type { ReadMode } from './log-reader.js';
import { decodeNextId, NEXTID_KEY } from './allocator-check.js';

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
    if (key === NEXTID_KEY) return { ...base, decoded: decodeNextId(e.value) };
    return base;
  });
  return { entries, view };
}
