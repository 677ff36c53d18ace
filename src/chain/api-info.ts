// FULLNODE_API_INFO → HTTP JSON-RPC endpoint. Lotus clients dial websockets; the same paths answer
// HTTP POST, which is all we need (lotus: cli/util/apiinfo.go for the token rule).
import { InputError } from '../errors.js';

export type RpcVersion = 'v0' | 'v1';

export interface ApiInfo {
  /** http(s)://host:port, no trailing slash */
  readonly baseUrl: string;
  readonly token?: string;
}

export const rpcUrl = (a: ApiInfo, version: RpcVersion = 'v1'): string => `${a.baseUrl}/rpc/${version}`;

const HINT = 'expected TOKEN:/ip4/<ip>/tcp/<port>/http (token optional), e.g. FULLNODE_API_INFO=eyJ…:/ip4/127.0.0.1/tcp/1234/http';

export function parseApiInfo(raw: string | undefined): ApiInfo {
  if (raw === undefined || raw.trim() === '') {
    throw new InputError(`FULLNODE_API_INFO is not set: ${HINT}, or work offline with --sectors-recovery-metadata / --metadata-store`);
  }
  // Several endpoints may be comma-separated; the first is used.
  const first = raw.trim().split(',')[0]!.trim();
  let token: string | undefined;
  let addr = first;
  const colon = first.indexOf(':');
  if (!first.startsWith('/') && colon > 0 && !first.startsWith('//', colon + 1)) {
    token = first.slice(0, colon);
    addr = first.slice(colon + 1);
  }
  const baseUrl = addr.startsWith('/') ? multiaddrToUrl(addr, raw) : urlToBase(addr, raw);
  return token ? { baseUrl, token } : { baseUrl };
}

function multiaddrToUrl(ma: string, raw: string): string {
  const parts = ma.split('/').filter((p) => p !== '');
  let host: string | undefined;
  let port: string | undefined;
  let secure = false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const next = parts[i + 1];
    switch (p) {
      case 'ip4':
      case 'dns':
      case 'dns4':
      case 'dns6':
        host = next;
        i++;
        break;
      case 'ip6':
        host = next === undefined ? undefined : `[${next}]`;
        i++;
        break;
      case 'tcp':
        port = next;
        i++;
        break;
      case 'http':
      case 'ws':
        break;
      case 'https':
      case 'wss':
      case 'tls':
        secure = true;
        break;
      default:
        throw new InputError(`FULLNODE_API_INFO: unsupported multiaddr component "/${p}" in "${raw}"; ${HINT}`);
    }
  }
  if (!host || !port || !/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    throw new InputError(`FULLNODE_API_INFO: multiaddr "${ma}" needs a host and a TCP port; ${HINT}`);
  }
  return `${secure ? 'https' : 'http'}://${host}:${port}`;
}

function urlToBase(s: string, raw: string): string {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new InputError(`FULLNODE_API_INFO: "${raw}" is neither a multiaddr nor a URL; ${HINT}`);
  }
  const proto = { 'http:': 'http:', 'ws:': 'http:', 'https:': 'https:', 'wss:': 'https:' }[u.protocol];
  if (!proto) throw new InputError(`FULLNODE_API_INFO: unsupported URL scheme "${u.protocol}" in "${raw}"; ${HINT}`);
  // Lotus accepts a URL that already ends in /rpc/v0|v1; we choose the version per call.
  const path = u.pathname.replace(/\/rpc\/v\d+\/?$/, '').replace(/\/$/, '');
  return `${proto}//${u.host}${path}`;
}
