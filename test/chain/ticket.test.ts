import { describe, expect, it } from 'vitest';
import { blake2b256 } from '../../src/chain/blake2b.js';
import { drawRandomnessFromDigest, minerEntropy } from '../../src/chain/ticket.js';
import { asActorId, toHex } from '../../src/proofs/types.js';
import { parseMinerAddress } from '../../src/chain/address.js';
import { sectorName } from '../../src/sector/storage-layout.js';

// Expected digests computed with Python's hashlib.blake2b(digest_size=32), an independent implementation.
describe('blake2b-256', () => {
  it('matches hashlib for empty, one-block and multi-block inputs', () => {
    expect(toHex(blake2b256(new Uint8Array()))).toBe('0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8');
    expect(toHex(blake2b256(Buffer.from('abc')))).toBe('bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319');
    expect(toHex(blake2b256(new Uint8Array(128)))).toBe('378d0caaaa3855f1b38693c1d6ef004fd118691c95c959d4efa950d6d6fcf7c1');
    const b = new Uint8Array(300);
    for (let i = 0; i < 256; i++) b[i] = i;
    expect(toHex(blake2b256(b))).toBe('adf78a76439412a1dedf8ca18cf00d4c6506b6e89b674e73ef7237336fcadc36');
  });
});

describe('seal ticket inputs', () => {
  it('CBOR-encodes the miner ID address as entropy (docs/chain.md#seal-ticket)', () => {
    expect(toHex(minerEntropy(asActorId(1000)))).toBe('4300e807');
    expect(toHex(minerEntropy(asActorId(1222595)))).toBe('4400c3cf4a');
  });
  it('mixes a digest like lotus DrawRandomnessFromDigest (hashlib reference)', () => {
    const t = drawRandomnessFromDigest(5, new Uint8Array(32).fill(0xaa), 12345, Buffer.from('4300e807', 'hex'));
    expect(toHex(t)).toBe('acd25b5bec62cd1a98e597335356e2058664e3ea6d9cc45c824b6b1bfbc1563d');
  });
  it('parses ID addresses only, with a hint for robust ones', () => {
    expect(parseMinerAddress('t01000').id).toBe(1000n);
    expect(() => parseMinerAddress('f3abc')).toThrow(/lotus state lookup/);
    expect(() => parseMinerAddress('x1000')).toThrow(/miner: "x1000" is not a Filecoin miner address/);
    expect(sectorName(asActorId(1000), 12n)).toBe('s-t01000-12');
  });
});
