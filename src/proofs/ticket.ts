// The 32-byte seal ticket as users paste it: hex (from logs or our own output) or base64 (what
// Lotus JSON-RPC and the lotus-miner sector log return).
import { InputError } from '../errors.js';
import { asTicket, type Ticket } from './types.js';

const HEX = /^(?:0x)?[0-9a-fA-F]*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]|[A-Za-z0-9_-])+={0,2}$/;

export function parseTicket(text: string): Ticket {
  const s = text.trim();
  if (s === '') throw new InputError('ticket is empty: give 32 bytes as 64 hex digits or as base64');
  if (HEX.test(s) && (s.length % 2 === 0 || s.startsWith('0x'))) {
    const digits = s.startsWith('0x') ? s.slice(2) : s;
    if (digits.length !== 64) {
      throw new InputError(
        `ticket must be 32 bytes (64 hex digits), got ${digits.length} hex digits` +
          (digits.length % 2 === 0 ? ` (${digits.length / 2} bytes)` : ''),
      );
    }
    return asTicket(new Uint8Array(Buffer.from(digits, 'hex')));
  }
  if (!BASE64.test(s) || (/[+/]/.test(s) && /[-_]/.test(s))) {
    throw new InputError(`ticket "${text}" is neither hex nor base64: give 32 bytes as 64 hex digits or as base64`);
  }
  const bytes = new Uint8Array(Buffer.from(s, /[-_]/.test(s) ? 'base64url' : 'base64'));
  if (bytes.length !== 32) {
    throw new InputError(`ticket must be 32 bytes, got ${bytes.length} bytes from base64 "${s}"`);
  }
  return asTicket(bytes);
}
