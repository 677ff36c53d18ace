// Reaching the node as an operator's machine offers it: lotus's repo files instead of
// FULLNODE_API_INFO, ports fetch() refuses, u64 sector numbers beyond 2^53 both ways, and the
// devnet's own fixes (IPv6 multiaddr, WindowPoSt proof type).
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverNode } from '../../src/chain/node-discovery.js';
import { LotusClient, RpcTransportError } from '../../src/chain/lotus-client.js';
import { parseApiInfo } from '../../src/chain/api-info.js';
import { startDevnet, windowPoStProofType, type Devnet } from '../../src/devnet/server.js';
import { loadNetwork } from '../../src/devnet/network.js';
import { environmentNode, splitDevnetArg } from '../../src/cli/args.js';
import { InputError } from '../../src/errors.js';

const NETWORK = fileURLToPath(new URL('../../fixtures/devnet/network.json', import.meta.url));
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});
async function devnet(opts: Parameters<typeof startDevnet>[1] = {}): Promise<Devnet> {
  const d = await startDevnet(await loadNetwork(NETWORK), opts);
  open.push(d);
  return d;
}

describe('node discovery (no FULLNODE_API_INFO)', () => {
  it('reads $LOTUS_PATH/api and token as lotus does, and the node answers with that token', async () => {
    const d = await devnet({ token: 'tok123' });
    const repo = await mkdtemp(join(tmpdir(), 'lotus-repo-'));
    const ma = d.apiInfo.slice('tok123:'.length);
    await writeFile(join(repo, 'api'), `${ma}\n`);
    await writeFile(join(repo, 'token'), 'tok123\n');
    expect(await discoverNode({ LOTUS_PATH: repo })).toEqual({ apiInfo: `tok123:${ma}`, from: join(repo, 'api') });
    const client = await environmentNode({ LOTUS_PATH: repo });
    expect((await client!.chainHead()).height).toBe(2000);
    expect(d.requests.at(-1)).toEqual({ method: 'ChainHead', auth: 'Bearer tok123' });
  });

  it('~/.lotus under HOME; FULLNODE_API_INFO wins; nothing there = no node', async () => {
    const home = await mkdtemp(join(tmpdir(), 'home-'));
    expect(await discoverNode({ HOME: home })).toBeUndefined();
    await mkdir(join(home, '.lotus'));
    await writeFile(join(home, '.lotus', 'api'), '/ip4/127.0.0.1/tcp/1234/http');
    expect(await discoverNode({ HOME: home })).toEqual({ apiInfo: '/ip4/127.0.0.1/tcp/1234/http', from: join(home, '.lotus', 'api') });
    expect(await discoverNode({ HOME: home, FULLNODE_API_INFO: 'x:/ip4/1.2.3.4/tcp/1/http' })).toEqual({ apiInfo: 'x:/ip4/1.2.3.4/tcp/1/http', from: 'FULLNODE_API_INFO' });
  });

  it('an explicit LOTUS_PATH without an api file says the daemon is not running there', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'lotus-repo-'));
    await expect(discoverNode({ LOTUS_PATH: repo })).rejects.toThrow(InputError);
    await expect(discoverNode({ LOTUS_PATH: repo })).rejects.toThrow(/has no "api" file: is the lotus daemon running/);
  });
});

describe('transport', () => {
  it('talks to a node on a port fetch() refuses ("bad port" 6000, 6665-6669)', async () => {
    let d: Devnet | undefined;
    let port = 0;
    for (const p of [6000, 6665, 6666, 6667, 6668, 6669]) {
      try {
        d = await devnet({ port: p });
        port = p;
        break;
      } catch {
        /* taken: try the next bad port */
      }
    }
    expect(d, 'every "bad port" is in use on this machine').toBeDefined();
    // fetch itself refuses: this is what the client must not depend on
    await expect(fetch(`http://127.0.0.1:${port}/rpc/v1`, { method: 'POST', body: '{}' })).rejects.toThrow();
    const client = new LotusClient({ api: parseApiInfo(d!.apiInfo) });
    expect((await client.chainHead()).height).toBe(2000);
  });

  /** A server that records raw request bodies and answers with a fixed raw body. */
  async function rawServer(answer: string | ((body: string) => string)): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
    const bodies: string[] = [];
    const server: Server = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        bodies.push(b);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(typeof answer === 'string' ? answer : answer(b));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    const s = { url: `/ip4/127.0.0.1/tcp/${port}/http`, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
    open.push(s);
    return s;
  }

  it('sends and reads sector numbers beyond 2^53 digit for digit', async () => {
    const big = '18446744073709551557'; // a u64 JSON.parse / Number() would round
    const s = await rawServer(
      `{"jsonrpc":"2.0","id":1,"result":{"SectorNumber":${big},"SealProof":8,"SealedCID":{"/":"bagboea4b5abca52cioilg33uvtkzlranby2b6t576gdch7vprlls7zz5osinbvs4"},"Activation":5,"Expiration":9,"DealIDs":[9007199254740993],"SectorKeyCID":null}}`,
    );
    const client = new LotusClient({ api: parseApiInfo(s.url) });
    const info = await client.stateSectorGetInfo('f01000', BigInt(big));
    expect(s.bodies[0]).toContain(`"params":["f01000",${big},null]`);
    expect(info!.sectorNumber).toBe(BigInt(big));
    expect(info!.dealIds).toEqual([9007199254740993n]);
  });

  it('caps the answer size', async () => {
    const s = await rawServer(`{"jsonrpc":"2.0","id":1,"result":"${'x'.repeat(5000)}"}`);
    const client = new LotusClient({ api: parseApiInfo(s.url), maxResponseBytes: 1000 });
    await expect(client.chainHead()).rejects.toThrow(RpcTransportError);
    await expect(client.chainHead()).rejects.toThrow(/answer larger than 1000 bytes/);
  });
});

describe('devnet fixes', () => {
  it('--host ::1 gives an /ip6/ multiaddr that works', async () => {
    const d = await devnet({ host: '::1' });
    expect(d.apiInfo).toMatch(/^\/ip6\/::1\/tcp\/\d+\/http$/);
    expect((await new LotusClient({ api: parseApiInfo(d.apiInfo) }).chainHead()).height).toBe(2000);
  });

  it('WindowPoStProofType follows the sector size and network version (go-state-types RegisteredPoStProof)', async () => {
    // StackedDrgWindow2KiBV1_1 = 10 … 64GiBV1_1 = 14 (nv ≥ 19); StackedDrgWindow2KiBV1 = 5 … 9 before
    expect([5, 6, 7, 8, 9].map((p) => windowPoStProofType(p, 21))).toEqual([10, 11, 12, 13, 14]);
    expect([0, 1, 2, 3, 4].map((p) => windowPoStProofType(p, 21))).toEqual([10, 11, 12, 13, 14]);
    expect(windowPoStProofType(8, 18)).toBe(8);
    const d = await devnet();
    expect((await new LotusClient({ api: parseApiInfo(d.apiInfo) }).stateMinerInfo('f01000')).windowPoStProofType).toBe(10);
  });

  it('recover --devnet 1: the 1 is a sector, not a network file', () => {
    expect(splitDevnetArg({ devnet: '1' })).toEqual({ devnet: true, numbers: ['1'] });
    expect(splitDevnetArg({ devnet: '100-102', numbers: ['7'] })).toEqual({ devnet: true, numbers: ['100-102', '7'] });
    expect(splitDevnetArg({ devnet: NETWORK })).toEqual({ devnet: NETWORK });
    expect(splitDevnetArg({ devnet: 'my-net.json' })).toEqual({ devnet: 'my-net.json' });
  });
});

describe('export file keeps u64 exact', () => {
  it('a sector number beyond 2^53 survives write and read (Go writes uint64 digit for digit)', async () => {
    const { formatRecoveryFile, parseRecoveryFile } = await import('../../src/records/export-file.js');
    const { parseMinerAddress } = await import('../../src/chain/address.js');
    const { asSectorNumber, asTicket } = await import('../../src/proofs/types.js');
    const { sealProof } = await import('../../src/proofs/registry.js');
    const { cidToCommR } = await import('../../src/proofs/cid.js');
    const cid = 'bagboea4b5abca52cioilg33uvtkzlranby2b6t576gdch7vprlls7zz5osinbvs4';
    const n = asSectorNumber('18446744073709551557');
    const text = formatRecoveryFile({
      miner: parseMinerAddress('f01000'),
      sectorSize: 2048n,
      sectors: [{ sectorNumber: n, ticket: asTicket(new Uint8Array(32).fill(1)), proof: sealProof(5), sealedCid: cid, commR: cidToCommR(cid) }],
    });
    expect(text).toContain('"SectorNumber": 18446744073709551557,');
    expect(parseRecoveryFile(text, 'x.json').sectors[0]!.sectorNumber).toBe(18446744073709551557n);
  });
});
