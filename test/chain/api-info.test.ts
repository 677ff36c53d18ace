import { describe, expect, it } from 'vitest';
import { parseApiInfo, rpcUrl } from '../../src/chain/api-info.js';

describe('FULLNODE_API_INFO', () => {
  it('splits a JWT token from a multiaddr', () => {
    const a = parseApiInfo('eyJhbGciOiJIUzI1NiJ9.eyJBbGxvdyI6WyJyZWFkIl19.abc:/ip4/10.10.10.1/tcp/1234/http');
    expect(a).toEqual({ baseUrl: 'http://10.10.10.1:1234', token: 'eyJhbGciOiJIUzI1NiJ9.eyJBbGxvdyI6WyJyZWFkIl19.abc' });
    expect(rpcUrl(a)).toBe('http://10.10.10.1:1234/rpc/v1');
    expect(rpcUrl(a, 'v0')).toBe('http://10.10.10.1:1234/rpc/v0');
  });
  it('accepts a missing token, ws and wss', () => {
    expect(parseApiInfo('/ip4/127.0.0.1/tcp/1234/http')).toEqual({ baseUrl: 'http://127.0.0.1:1234' });
    expect(parseApiInfo('/ip4/127.0.0.1/tcp/1234/ws').baseUrl).toBe('http://127.0.0.1:1234');
    expect(parseApiInfo('tok:/dns/node.example/tcp/443/wss').baseUrl).toBe('https://node.example:443');
    expect(parseApiInfo('/ip6/::1/tcp/1234/http').baseUrl).toBe('http://[::1]:1234');
  });
  it('accepts URL forms with and without token', () => {
    expect(parseApiInfo('http://127.0.0.1:1234')).toEqual({ baseUrl: 'http://127.0.0.1:1234' });
    expect(parseApiInfo('tok:ws://127.0.0.1:1234/rpc/v0')).toEqual({ baseUrl: 'http://127.0.0.1:1234', token: 'tok' });
  });
  it('uses the first of several endpoints', () => {
    expect(parseApiInfo('a:/ip4/1.2.3.4/tcp/1/http,b:/ip4/5.6.7.8/tcp/2/http').token).toBe('a');
  });
  it('rejects unset and malformed values with the expected shape in the message', () => {
    expect(() => parseApiInfo(undefined)).toThrow(/FULLNODE_API_INFO is not set.*TOKEN:\/ip4/);
    expect(() => parseApiInfo('tok:/ip4/1.2.3.4/http')).toThrow(/needs a host and a TCP port/);
    expect(() => parseApiInfo('/ip4/1.2.3.4/udp/1/http')).toThrow(/unsupported multiaddr component "\/udp"/);
    expect(() => parseApiInfo('ftp://x:1')).toThrow(/unsupported URL scheme/);
  });
});
