import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startDevnet, RawAnswer, epochDigest, type Devnet } from '../../src/devnet/server.js';
import { loadNetwork, type DevnetNetwork } from '../../src/devnet/network.js';
import { parseApiInfo } from '../../src/chain/api-info.js';
import { LotusClient, RpcError, RpcTransportError } from '../../src/chain/lotus-client.js';
import { sectorFromChain, PrunedStateError, SectorNotRecoverableError } from '../../src/chain/chain-sector.js';
import { parseMinerAddress } from '../../src/chain/address.js';
import { asSectorNumber, toHex } from '../../src/proofs/types.js';
import { drawRandomnessFromDigest } from '../../src/chain/ticket.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const networkPath = join(root, 'fixtures', 'devnet', 'network.json');
// docs/vectors.md#end-to-end-vectors E2E-2KiB-V1_1: comm_r 77424390…d65c, ticket 32×0x01.
const COMM_R_2K = '77424390b36f74acd595c40d0e341f4fbff18623feaf8ad72fe73d7490d0d65c';
const f01000 = parseMinerAddress('f01000');

let servers: Devnet[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function serve(net: DevnetNetwork, opts: Parameters<typeof startDevnet>[1] = {}) {
  const d = await startDevnet(net, opts);
  servers.push(d);
  return { d, client: new LotusClient({ api: parseApiInfo(d.apiInfo), timeoutMs: 2000 }) };
}
const withSectors = (net: DevnetNetwork, sectors: DevnetNetwork['miners'][number]['sectors'], extra: Partial<DevnetNetwork> = {}): DevnetNetwork => ({
  ...net,
  ...extra,
  miners: [{ ...net.miners[0]!, sectors }],
});

describe('Lotus JSON-RPC client against the loopback devnet', () => {
  it('exports the bundled proven sector: ticket from the precommit at activation, CommR from SealedCID', async () => {
    const { d, client } = await serve(await loadNetwork(networkPath));
    expect((await client.chainHead()).height).toBe(2000);
    expect((await client.stateMinerInfo('f01000')).sectorSize).toBe(2048n);
    const rec = await sectorFromChain(client, f01000, asSectorNumber(1));
    expect(toHex(rec.ticket)).toBe('01'.repeat(32));
    expect(toHex(rec.commR)).toBe(COMM_R_2K);
    expect(rec.proof.name).toBe('StackedDrg2KiBV1_1');
    expect(rec.sealRandEpoch).toBe(100);
    expect(rec.unsealedCid).toBeUndefined();
    // The Go tool's order: GetInfo at head, tipset at Activation, PreCommitInfo there, then randomness.
    expect(d.requests.map((r) => r.method)).toEqual([
      'ChainHead', 'StateMinerInfo', 'StateSectorGetInfo', 'ChainGetTipSetByHeight', 'StateSectorPreCommitInfo', 'StateGetRandomnessFromTickets',
    ]);
  });

  it('handles a pre-committed-only sector (precommit at head)', async () => {
    const net = await loadNetwork(networkPath);
    const s = { ...net.miners[0]!.sectors[0]!, activation: null };
    const { client } = await serve(withSectors(net, [s]));
    const rec = await sectorFromChain(client, f01000, asSectorNumber(1));
    expect(toHex(rec.commR)).toBe(COMM_R_2K);
  });

  it('sends the bearer token and gets 401 → a clear error without it', async () => {
    const net = await loadNetwork(networkPath);
    const { d, client } = await serve(net, { token: 'sekrit.jwt.x' });
    await client.chainHead();
    expect(d.requests[0]!.auth).toBe('Bearer sekrit.jwt.x');
    const anon = new LotusClient({ api: { baseUrl: d.url.replace(/\/rpc\/v1$/, '') } });
    await expect(anon.chainHead()).rejects.toThrow(/refused the request \(HTTP 401\).*token in FULLNODE_API_INFO/);
  });

  it('falls back to the digest call on nodes without StateGetRandomnessFromTickets', async () => {
    const net = await loadNetwork(networkPath);
    // No pinned ticket: the devnet draws it from its epoch digest like a chain does.
    const { ticket: _t, ...s } = net.miners[0]!.sectors[0]!;
    const { d, client } = await serve(withSectors(net, [s]), { disabled: ['StateGetRandomnessFromTickets'] });
    const rec = await sectorFromChain(client, f01000, asSectorNumber(1));
    expect(d.requests.map((r) => r.method)).toContain('StateGetRandomnessDigestFromTickets');
    // lotus mixing: blake2b256(i64be(5) ‖ digest ‖ i64be(100) ‖ 4300e807)
    expect(toHex(rec.ticket)).toBe(toHex(drawRandomnessFromDigest(5, epochDigest(100), 100, Buffer.from('4300e807', 'hex'))));
  });

  it('explains pruned state: names the epoch and the offline alternatives', async () => {
    const net = await loadNetwork(networkPath);
    const { client } = await serve({ ...net, prunedBefore: 1000 });
    const err = await sectorFromChain(client, f01000, asSectorNumber(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrunedStateError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/no state at epoch 300/);
    expect(msg).toMatch(/archival node/);
    expect(msg).toMatch(/--metadata-store/);
    expect(msg).toMatch(/--sectors-recovery-metadata/);
  });

  it('reports a sector that is not on chain', async () => {
    const { client } = await serve(await loadNetwork(networkPath));
    await expect(sectorFromChain(client, f01000, asSectorNumber(7))).rejects.toThrow(SectorNotRecoverableError);
    await expect(sectorFromChain(client, f01000, asSectorNumber(7))).rejects.toThrow(/sector 7 of f01000 is neither active nor pre-committed/);
  });

  it('rejects malformed answers naming method, sector and field', async () => {
    const net = await loadNetwork(networkPath);
    const { client } = await serve(net, {
      overrides: {
        StateSectorGetInfo: () => null,
        StateSectorPreCommitInfo: () => ({ Info: { SealProof: 5, SectorNumber: 1, SealedCID: { '/': 'x' }, SealRandEpoch: 'soon', Expiration: 1 }, PreCommitEpoch: 1 }),
        StateMinerInfo: () => ({ SectorSize: -5, WindowPoStProofType: 8 }),
        ChainHead: () => new RawAnswer('<html>bad gateway</html>'),
        StateNetworkVersion: () => new RawAnswer('{"jsonrpc":"2.0","id":1}'),
      },
    });
    await expect(client.stateSectorPreCommitInfo('f01000', 1n)).rejects.toThrow(
      'StateSectorPreCommitInfo(f01000, sector 1): field Info.SealRandEpoch must be an integer, got "soon"',
    );
    await expect(client.stateMinerInfo('f01000')).rejects.toThrow(/StateMinerInfo\(f01000\): field SectorSize must be a non-negative integer, got -5/);
    await expect(client.chainHead()).rejects.toThrow(RpcTransportError);
    await expect(client.chainHead()).rejects.toThrow(/non-JSON: .*<html>/);
    await expect(client.stateNetworkVersion()).rejects.toThrow(/neither "result" nor "error"/);
  });

  it('surfaces node errors as RpcError with the method and code', async () => {
    const { client } = await serve(await loadNetwork(networkPath), { overrides: { ChainHead: () => { throw new Error('boom'); } } });
    const e = await client.chainHead().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RpcError);
    expect((e as Error).message).toBe('ChainHead: node error 1: boom');
  });

  it('times out and reports an unreachable node', async () => {
    const slow = await serve(await loadNetwork(networkPath), { overrides: { ChainHead: () => new Promise((r) => setTimeout(() => r(null), 1500)) } });
    const c = new LotusClient({ api: parseApiInfo(slow.d.apiInfo), timeoutMs: 200 });
    await expect(c.chainHead()).rejects.toThrow(/no answer within 200 ms/);
    const dead = new LotusClient({ api: parseApiInfo('/ip4/127.0.0.1/tcp/1/http'), timeoutMs: 500 });
    await expect(dead.chainHead()).rejects.toThrow(/cannot reach the Lotus node at http:\/\/127.0.0.1:1\/rpc\/v1/);
  });
});

describe('bundled devnet (fixtures/devnet/network.json) against the oracle vectors', () => {
  it('exports every sector with the ticket, CommR and (deal) pieces of its reference vector', async () => {
    const { loadVector } = await import('../helpers/vectors.js');
    const { client } = await serve(await loadNetwork(networkPath));
    const cases: [number, string][] = [
      [1, '2KiB-V1_1-cc-f01000-s1'],
      [2, '2KiB-V1_1-cc-f01000-s2'],
      [3, '2KiB-V1_1-cc-f01000-s3'],
      [4, '2KiB-V1_1-deal-f01000-s4'],
    ];
    for (const [n, name] of cases) {
      const v = loadVector(name);
      const rec = await sectorFromChain(client, f01000, asSectorNumber(n));
      expect(toHex(rec.ticket)).toBe(v.ticket);
      expect(toHex(rec.commR)).toBe(v.comm_r);
      expect(rec.sealedCid).toBe(v.comm_r_cid);
      expect(rec.proof.id).toBe(v.proof.id);
      expect(rec.preCommitOnly).toBe(n === 3 ? true : undefined); // network.json: sector 3 has no activation
      if (v.data === 'cc') expect(rec.unsealedCid).toBeUndefined();
      else {
        expect(rec.unsealedCid).toBe(v.comm_d_cid);
        const deals = v.pieces.filter((p) => !p.filler);
        expect(rec.pieces).toEqual(deals.map((p) => ({ size: BigInt(p.padded_size), pieceCid: p.cid })));
      }
    }
  });
});
