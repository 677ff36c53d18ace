// Expected values: docs/proofs.md#prover-id (prover_id examples), docs/proofs.md#prover-id (more prover_ids) and §3.4
// (address bytes inside the CBOR entropy `43 00 e8 07` / `44 00 c3 cf 4a`), LEB128 example 624485.
import { describe, expect, it } from 'vitest';
import { asActorId, encodeAddressBytes, formatIdAddress, leb128, parseMinerAddress, proverId } from '../../src/proofs/index.js';
import { InputError } from '../../src/errors.js';
import { hex } from './reference.js';

describe('miner address → actor id', () => {
  it('accepts f0…, t0… and a bare number', () => {
    expect(parseMinerAddress('f01000')).toBe(1000n);
    expect(parseMinerAddress('t01000')).toBe(1000n);
    expect(parseMinerAddress(' 1000 ')).toBe(1000n);
    expect(parseMinerAddress('F0127595')).toBe(127595n);
    expect(parseMinerAddress('f00')).toBe(0n);
  });

  it('formats back with a network prefix', () => {
    expect(formatIdAddress(asActorId(1000), 'f')).toBe('f01000');
    expect(formatIdAddress(asActorId(1222595), 't')).toBe('t01222595');
  });

  for (const [addr, kind] of [
    ['f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za', 'secp256k1'],
    ['f2kg3awbapuij6zbory6zlvpd5ob2cwxgh5kxxbxa', 'actor'],
    ['t3vvmn62lofvhjd2ugzca6sof2j2ubwok6cj4xxbfzz4yuxfkgobpihhd2thlanmsh3w2ptld2gqkn2jvlss4a', 'BLS'],
    ['f410fuiwj6a3yxajbohrl5vu6ns6o2e2jriul52lvdqy', 'delegated'],
  ] as const) {
    it(`refuses ${kind} address ${addr.slice(0, 6)}… and says how to find the ID address`, () => {
      expect(() => parseMinerAddress(addr)).toThrow(InputError);
      expect(() => parseMinerAddress(addr)).toThrow(new RegExp(`${kind}.*ID address \\(f0…\\) is required.*lotus state lookup ${addr}`));
    });
  }

  it('refuses garbage, empty and out-of-range input', () => {
    expect(() => parseMinerAddress('')).toThrow(/empty/);
    expect(() => parseMinerAddress('miner1000')).toThrow(/not a Filecoin miner address/);
    expect(() => parseMinerAddress('f0')).toThrow(/no valid actor id/);
    expect(() => parseMinerAddress('f01x')).toThrow(/no valid actor id/);
    expect(() => parseMinerAddress('f09223372036854775808')).toThrow(/out of range/);
  });
});

describe('prover_id (docs/proofs.md#prover-id, docs/proofs.md#prover-id)', () => {
  const cases: [string, string][] = [
    ['f01000', 'e807'],
    ['f0127595', 'ebe407'],
    ['f01222595', 'c3cf4a'],
    ['f01132569', '999045'],
  ];
  for (const [addr, payload] of cases) {
    it(`${addr} → ${payload} + zero bytes`, () => {
      const id = proverId(parseMinerAddress(addr));
      expect(id.length).toBe(32);
      expect(hex(id)).toBe(payload + '00'.repeat(32 - payload.length / 2));
    });
  }
});

describe('address bytes (docs/chain.md#seal-ticket)', () => {
  it('f01000 → 00 e8 07 and f01222595 → 00 c3 cf 4a', () => {
    expect(hex(encodeAddressBytes(asActorId(1000)))).toBe('00e807');
    expect(hex(encodeAddressBytes(asActorId(1222595)))).toBe('00c3cf4a');
  });

  it('LEB128 matches the textbook example and edge values', () => {
    expect(hex(leb128(624485n))).toBe('e58e26');
    expect(hex(leb128(0n))).toBe('00');
    expect(hex(leb128(127n))).toBe('7f');
    expect(hex(leb128(128n))).toBe('8001');
    expect(hex(leb128((1n << 63n) - 1n))).toBe('ffffffffffffffff7f');
  });
});
