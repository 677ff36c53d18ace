// The sector-number allocator in a repaired view (docs/metastore-recovery.md#allocator): lotus-miner
// allocates the next sector number from /storage/nextid (the last number handed out). A repair that
// hands back an older value lets lotus reuse numbers of sectors it already sealed, so a counter
// that may have gone backwards is named, never counted as a clean repair.
import { Kind } from './internal-key.js';
import { keyString, type LatestView } from './latest-view.js';
import { SECTOR_PREFIX } from './sector-info.js';

export const NEXTID_KEY = '/storage/nextid';

/** A /storage/nextid value: unsigned LEB128 filling the whole value, or null when it is not one. */
export function decodeNextId(v: Uint8Array): bigint | null {
  let r = 0n;
  for (let i = 0; i < v.length && i < 10; i++) {
    r |= BigInt(v[i]! & 0x7f) << BigInt(7 * i);
    if (v[i]! < 0x80) return i === v.length - 1 ? r : null;
  }
  return null;
}

/** Problems with the allocator counter in this view; empty when it is consistent. */
export function allocatorWarnings(view: LatestView): string[] {
  const out: string[] = [];
  const k = keyString(Buffer.from(NEXTID_KEY, 'latin1'));
  const v = view.versions.get(k);
  let maxSector = -1n;
  for (const [key, ver] of view.versions) {
    if (ver.kind !== Kind.Value || !key.startsWith(SECTOR_PREFIX)) continue;
    const n = key.slice(SECTOR_PREFIX.length);
    if (/^\d+$/.test(n) && BigInt(n) > maxSector) maxSector = BigInt(n);
  }
  const next = v && v.kind === Kind.Value ? decodeNextId(v.value) : null;
  const fix = 'before starting lotus-miner, set it to at least the highest sector number ever allocated (lotus-miner sectors numbers reserve/info, or the chain)';
  if (!v || v.kind !== Kind.Value) {
    if (maxSector >= 0n) out.push(`${NEXTID_KEY} is missing although /sectors/${maxSector} exists: lotus-miner would allocate sector numbers from 0 again; ${fix}`);
    return out;
  }
  if (next === null) {
    out.push(`${NEXTID_KEY} does not hold a number (${Buffer.from(v.value).toString('hex')}); ${fix}`);
    return out;
  }
  if (next < maxSector) out.push(`${NEXTID_KEY} = ${next} is below the highest sector record /sectors/${maxSector}: the counter went backwards and lotus-miner would reuse sector numbers; ${fix}`);
  const stale = view.stale.find((s) => s.key === NEXTID_KEY);
  if (stale) out.push(`${NEXTID_KEY} = ${next} may be an older value (${stale.reason}): the allocator may have gone backwards; ${fix}`);
  return out;
}
