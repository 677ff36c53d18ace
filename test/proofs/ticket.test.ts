// A ticket is 32 raw bytes; Lotus JSON gives it as standard base64 (docs/chain.md#json-conventions).
import { describe, expect, it } from 'vitest';
import { parseTicket } from '../../src/proofs/index.js';
import { InputError } from '../../src/errors.js';
import { hex, pseudoRandom } from './reference.js';

const bytes = pseudoRandom(32, 7);
const asHex = Buffer.from(bytes).toString('hex');

describe('parseTicket', () => {
  it('accepts 64 hex digits, with or without 0x, any case', () => {
    expect(hex(parseTicket(asHex))).toBe(asHex);
    expect(hex(parseTicket(`0x${asHex.toUpperCase()}`))).toBe(asHex);
  });

  it('accepts base64 as Lotus JSON returns it, and base64url / unpadded', () => {
    expect(hex(parseTicket(Buffer.from(bytes).toString('base64')))).toBe(asHex);
    expect(hex(parseTicket(Buffer.from(bytes).toString('base64url')))).toBe(asHex);
    expect(hex(parseTicket('AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE='))).toBe('01'.repeat(32));
  });

  it('names the length found when it is not 32 bytes', () => {
    expect(() => parseTicket('01'.repeat(31))).toThrow(InputError);
    expect(() => parseTicket('01'.repeat(31))).toThrow(/must be 32 bytes \(64 hex digits\), got 62 hex digits \(31 bytes\)/);
    expect(() => parseTicket('0x' + '01'.repeat(33))).toThrow(/got 66 hex digits \(33 bytes\)/);
    expect(() => parseTicket('0x' + '0'.repeat(63))).toThrow(/got 63 hex digits/);
    expect(() => parseTicket(Buffer.alloc(31, 1).toString('base64'))).toThrow(/must be 32 bytes, got 31 bytes from base64/);
    expect(() => parseTicket(Buffer.alloc(48, 1).toString('base64'))).toThrow(/got 48 bytes/);
  });

  it('refuses empty and non-hex/non-base64 text', () => {
    expect(() => parseTicket('')).toThrow(/empty/);
    expect(() => parseTicket('not a ticket!')).toThrow(/neither hex nor base64/);
  });
});
