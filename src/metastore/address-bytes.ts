// Filecoin addresses as stored in CBOR (go-address bytes: protocol byte ‖ payload) to their text
// form, as deal proposals and DDO notifications in SectorInfo records hold them
// (docs/metastore-recovery.md#addresses).
import { blake2b } from '../chain/blake2b.js';

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, no padding (the alphabet Filecoin addresses use). */
function base32(b: Uint8Array): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const x of b) {
    acc = (acc << 8) | x;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}

function uvarint(b: Uint8Array, at: number): { value: bigint; next: number } | null {
  let v = 0n;
  let shift = 0n;
  for (let i = at; i < b.length && i < at + 10; i++) {
    v |= BigInt(b[i]! & 0x7f) << shift;
    shift += 7n;
    if (!(b[i]! & 0x80)) return { value: v, next: i + 1 };
  }
  return null;
}

/**
 * Text form of address bytes (mainnet prefix `f`), or null when the bytes are not an address:
 * f0<id>, f1/f2/f3<base32(payload ‖ checksum)>, f4<namespace>f<base32(subaddress ‖ checksum)>,
 * where checksum = blake2b-4(protocol ‖ payload).
 */
export function formatAddressBytes(b: Uint8Array, network: 'f' | 't' = 'f'): string | null {
  if (b.length < 2) return null;
  const protocol = b[0]!;
  const payload = b.subarray(1);
  const sum = () => blake2b(b, 4);
  switch (protocol) {
    case 0: {
      const v = uvarint(b, 1);
      return v && v.next === b.length ? `${network}0${v.value}` : null;
    }
    case 1:
    case 2:
      if (payload.length !== 20) return null;
      return `${network}${protocol}${base32(Buffer.concat([payload, sum()]))}`;
    case 3:
      if (payload.length !== 48) return null;
      return `${network}3${base32(Buffer.concat([payload, sum()]))}`;
    case 4: {
      const ns = uvarint(b, 1);
      if (!ns) return null;
      return `${network}4${ns.value}f${base32(Buffer.concat([b.subarray(ns.next), sum()]))}`;
    }
    default:
      return null;
  }
}
