// A loopback Lotus look-alike: JSON-RPC 2.0 over HTTP POST at /rpc/v0 and /rpc/v1, serving the
// read-only calls sealer-recover makes, from a DevnetNetwork. State semantics follow lotus: a query
// "at" tipset h sees the parent state (epochs < h), so the precommit record is visible at the
// activation tipset and gone after it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { blake2b256 } from '../chain/blake2b.js';
import { minerEntropy, drawRandomnessFromDigest } from '../chain/ticket.js';
import { parseMinerAddress } from '../chain/address.js';
import { WPOST, type DevnetMiner, type DevnetNetwork, type DevnetSector } from './network.js';
import { bitfieldToJson, normalize, type BitRanges } from '../chain/bitfield.js';
import { sealProof } from '../proofs/registry.js';

type Handler = (params: unknown[]) => unknown;

export interface DevnetOptions {
  readonly host?: string;
  /** 0 = any free port */
  readonly port?: number;
  /** when set, every request must carry `Authorization: Bearer <token>` (else HTTP 401) */
  readonly token?: string;
  /** replace or add methods (without the "Filecoin." prefix); used to serve malformed answers */
  readonly overrides?: Readonly<Record<string, Handler>>;
  /** methods answered with "method not found", e.g. to mimic an older node */
  readonly disabled?: readonly string[];
}

export interface Devnet {
  readonly url: string;
  /** FULLNODE_API_INFO value for this server */
  readonly apiInfo: string;
  readonly requests: { method: string; auth?: string }[];
  close(): Promise<void>;
}

class RpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const DAG_CBOR = 0x71;
const BLAKE2B_256 = 0xb220;
const cidJson = (s: string) => ({ '/': s });

export function tipSetCid(height: number): string {
  return CID.create(1, DAG_CBOR, Digest.create(BLAKE2B_256, blake2b256(Buffer.from(`devnet tipset ${height}`)))).toString();
}

/** The per-epoch randomness digest a real chain derives from its min-ticket VRF proof. */
export const epochDigest = (epoch: number): Uint8Array => blake2b256(Buffer.from(`devnet vrf ${epoch}`));

/**
 * The miner's WindowPoSt proof type: by sector size, V1_1 (ids 10–14) from network version 19 on,
 * V1 (5–9) before (go-state-types abi RegisteredPoStProof; lotus WindowPoStProofTypeFromSectorSize).
 */
export function windowPoStProofType(sealProofId: number, networkVersion: number): number {
  const sizes = ['2KiB', '8MiB', '512MiB', '32GiB', '64GiB'];
  const k = sizes.indexOf(sealProof(sealProofId).sizeName);
  return (networkVersion >= 19 ? 10 : 5) + k;
}

/** dline.Info of a miner at an epoch, the deadline not yet elapsed (lotus StateMinerProvingDeadline). */
export function provingDeadline(m: Pick<DevnetMiner, 'provingPeriodStart'>, epoch: number) {
  const P = WPOST.provingPeriod;
  const W = WPOST.challengeWindow;
  const offset = ((m.provingPeriodStart % P) + P) % P;
  const periodStart = offset + Math.floor((epoch - offset) / P) * P;
  const index = Math.floor((epoch - periodStart) / W);
  const open = periodStart + index * W;
  return {
    CurrentEpoch: epoch,
    PeriodStart: periodStart,
    Index: index,
    Open: open,
    Close: open + W,
    Challenge: open - WPOST.challengeLookback,
    FaultCutoff: open - WPOST.faultDeclarationCutoff,
    WPoStPeriodDeadlines: WPOST.periodDeadlines,
    WPoStProvingPeriod: P,
    WPoStChallengeWindow: W,
    WPoStChallengeLookback: WPOST.challengeLookback,
    FaultDeclarationCutoff: WPOST.faultDeclarationCutoff,
  };
}

const setOf = (ns: readonly number[]): BitRanges => normalize(ns.map((n) => [BigInt(n), BigInt(n)] as const));

export function startDevnet(net: DevnetNetwork, opts: DevnetOptions = {}): Promise<Devnet> {
  const byKey = new Map<string, number>();
  const tipSet = (h: number) => {
    const c = tipSetCid(h);
    byKey.set(c, h);
    // one block header's worth: the timestamp is what clients read
    return { Cids: [cidJson(c)], Blocks: [{ Height: h, Timestamp: net.genesisTimestamp + h * net.blockDelaySecs }], Height: h };
  };

  const heightOf = (tsk: unknown): number => {
    if (tsk === null || tsk === undefined || (Array.isArray(tsk) && tsk.length === 0)) return net.head;
    if (!Array.isArray(tsk)) throw new RpcFailure(1, 'tipset key must be an array of CIDs');
    const c = (tsk[0] as { '/'?: string } | undefined)?.['/'];
    const h = c === undefined ? undefined : byKey.get(c);
    if (h === undefined) throw new RpcFailure(1, `loading tipset ${JSON.stringify(tsk)}: ipld: could not find ${c}`);
    return h;
  };

  const stateAt = (tsk: unknown): number => {
    const h = heightOf(tsk);
    if (net.prunedBefore !== undefined && h < net.prunedBefore) {
      throw new RpcFailure(1, `load state tree: failed to load state tree ${tipSetCid(h - 1)}: failed to load hamt node: ipld: could not find ${tipSetCid(-h)}`);
    }
    return h;
  };

  const minerOf = (addr: unknown): DevnetMiner => {
    if (typeof addr !== 'string') throw new RpcFailure(1, 'unmarshaling params: address must be a string');
    const id = parseMinerAddress(addr.replace(/^t/, 'f')).id;
    const m = net.miners.find((x) => parseMinerAddress(x.address).id === id);
    if (!m) throw new RpcFailure(1, `resolution lookup failed (${addr}): actor not found`);
    return m;
  };

  const sectorOf = (m: DevnetMiner, n: unknown): DevnetSector | undefined => m.sectors.find((s) => s.number === n);

  // sectors active at the state of height h (activation before h) are the ones in deadlines
  const activeAt = (m: DevnetMiner, h: number) => m.sectors.filter((s) => s.activation !== null && s.activation < h);
  const bf = (ns: readonly number[]) => bitfieldToJson(setOf(ns)).map(Number);

  const ticketOf = (s: DevnetSector, m: DevnetMiner): Uint8Array =>
    s.ticket ?? drawRandomnessFromDigest(5, epochDigest(s.sealRandEpoch), s.sealRandEpoch, minerEntropy(parseMinerAddress(m.address).id));

  const methods: Record<string, Handler> = {
    ChainHead: () => tipSet(net.head),
    ChainGetTipSetByHeight: ([h]) => {
      if (typeof h !== 'number' || h < 0) throw new RpcFailure(1, 'height must be a non-negative number');
      if (h > net.head) throw new RpcFailure(1, `looking for tipset with height greater than start point`);
      return tipSet(h);
    },
    StateNetworkVersion: ([tsk]) => (heightOf(tsk), net.networkVersion),
    StateLookupID: ([addr]) => minerOf(addr).address,
    StateMinerInfo: ([addr, tsk]) => {
      stateAt(tsk);
      const m = minerOf(addr);
      return {
        Owner: m.address,
        Worker: m.address,
        NewWorker: '<empty>',
        ControlAddresses: [],
        WorkerChangeEpoch: -1,
        PeerId: null,
        Multiaddrs: [],
        WindowPoStProofType: windowPoStProofType(m.sectors[0]?.sealProof ?? 5, net.networkVersion),
        SectorSize: m.sectorSize,
        WindowPoStPartitionSectors: 2,
        ConsensusFaultElapsed: -1,
        PendingOwnerAddress: null,
        Beneficiary: m.address,
      };
    },
    StateSectorGetInfo: ([addr, n, tsk]) => {
      const h = stateAt(tsk);
      const m = minerOf(addr);
      const s = sectorOf(m, n);
      if (!s || s.activation === null || s.activation >= h) return null;
      return {
        SectorNumber: s.number,
        SealProof: s.sealProof,
        SealedCID: cidJson(s.sealedCid),
        DealIDs: s.dealIds,
        Activation: s.activation,
        Expiration: s.expiration,
        DealWeight: '0',
        VerifiedDealWeight: '0',
        InitialPledge: '0',
        ExpectedDayReward: '0',
        ExpectedStoragePledge: '0',
        PowerBaseEpoch: s.activation,
        ReplacedDayReward: '0',
        SectorKeyCID: s.sectorKeyCid ? cidJson(s.sectorKeyCid) : null,
        Flags: 0,
      };
    },
    StateSectorPreCommitInfo: ([addr, n, tsk]) => {
      const h = stateAt(tsk);
      const m = minerOf(addr);
      const s = sectorOf(m, n);
      if (!s || s.preCommitEpoch >= h || (s.activation !== null && s.activation < h)) return null;
      return {
        Info: {
          SealProof: s.sealProof,
          SectorNumber: s.number,
          // a snapped sector was pre-committed as its CC sector key
          SealedCID: cidJson(s.sectorKeyCid ?? s.sealedCid),
          SealRandEpoch: s.sealRandEpoch,
          DealIDs: s.sectorKeyCid ? [] : s.dealIds,
          Expiration: s.expiration,
          UnsealedCid: s.unsealedCid && !s.sectorKeyCid ? cidJson(s.unsealedCid) : null,
        },
        PreCommitDeposit: '0',
        PreCommitEpoch: s.preCommitEpoch,
      };
    },
    StateGetRandomnessFromTickets: ([dst, epoch, entropyB64, tsk]) => {
      heightOf(tsk);
      if (typeof dst !== 'number' || typeof epoch !== 'number' || typeof entropyB64 !== 'string') {
        throw new RpcFailure(1, 'unmarshaling params: expected [tag, epoch, entropy, tsk]');
      }
      if (epoch > net.head) throw new RpcFailure(1, `cannot draw randomness from the future`);
      const entropy = Buffer.from(entropyB64, 'base64');
      // Fixture sectors may pin a ticket (known-answer vectors); serve it for its (miner, epoch).
      if (dst === 5) {
        for (const m of net.miners) {
          if (!Buffer.from(minerEntropy(parseMinerAddress(m.address).id)).equals(entropy)) continue;
          const s = m.sectors.find((x) => x.sealRandEpoch === epoch && x.ticket);
          if (s) return Buffer.from(ticketOf(s, m)).toString('base64');
        }
      }
      return Buffer.from(drawRandomnessFromDigest(dst, epochDigest(epoch), epoch, entropy)).toString('base64');
    },
    StateGetRandomnessDigestFromTickets: ([epoch, tsk]) => {
      heightOf(tsk);
      if (typeof epoch !== 'number' || epoch > net.head) throw new RpcFailure(1, 'bad epoch');
      return Buffer.from(epochDigest(epoch)).toString('base64');
    },
    StateMinerFaults: ([addr, tsk]) => {
      const h = stateAt(tsk);
      const m = minerOf(addr);
      const live = new Set(activeAt(m, h).map((s) => s.number));
      return bf(m.faults.filter((n) => live.has(n)));
    },
    StateMinerRecoveries: ([addr, tsk]) => {
      const h = stateAt(tsk);
      const m = minerOf(addr);
      const live = new Set(activeAt(m, h).map((s) => s.number));
      return bf(m.recovering.filter((n) => live.has(n)));
    },
    StateMinerProvingDeadline: ([addr, tsk]) => provingDeadline(minerOf(addr), stateAt(tsk)),
    StateSectorPartition: ([addr, n, tsk]) => {
      const h = stateAt(tsk);
      const m = minerOf(addr);
      const s = activeAt(m, h).find((x) => x.number === n);
      if (!s) throw new RpcFailure(1, `sector ${String(n)} not due at any deadline`);
      return { Deadline: s.deadline, Partition: s.partition };
    },
    StateMinerPartitions: ([addr, dl, tsk]) => {
      const h = stateAt(tsk);
      const m = minerOf(addr);
      if (typeof dl !== 'number' || dl < 0 || dl >= WPOST.periodDeadlines) throw new RpcFailure(1, `invalid deadline ${String(dl)}`);
      const inDl = activeAt(m, h).filter((s) => s.deadline === dl);
      const parts = [...new Set(inDl.map((s) => s.partition))].sort((a, b) => a - b);
      return parts.map((p) => {
        const all = inDl.filter((s) => s.partition === p).map((s) => s.number);
        const faulty = all.filter((n) => m.faults.includes(n));
        const recovering = all.filter((n) => m.recovering.includes(n));
        const active = all.filter((n) => !faulty.includes(n));
        return { AllSectors: bf(all), FaultySectors: bf(faulty), RecoveringSectors: bf(recovering), LiveSectors: bf(all), ActiveSectors: bf(active) };
      });
    },
    StateGetNetworkParams: () => ({
      NetworkName: 'devnet',
      BlockDelaySecs: net.blockDelaySecs,
      ConsensusMinerMinPower: '0',
      PreCommitChallengeDelay: 150,
      Eip155ChainID: 31415926,
    }),
    StateMarketStorageDeal: ([id]) => {
      const d = net.deals.find((x) => x.id === id);
      if (!d) throw new RpcFailure(1, `deal ${String(id)} not found`);
      return { Proposal: { PieceCID: cidJson(d.pieceCid), PieceSize: d.pieceSize, VerifiedDeal: false }, State: {} };
    },
    ...opts.overrides,
  };
  for (const d of opts.disabled ?? []) delete methods[d];

  const requests: { method: string; auth?: string }[] = [];
  const MAX_REQUEST_BYTES = 1 << 20;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method !== 'POST' || !/^\/rpc\/v[01]\/?$/.test(req.url ?? '')) return send(404, { error: 'POST /rpc/v1' });
    const auth = req.headers.authorization;
    if (opts.token !== undefined && auth !== `Bearer ${opts.token}`) return send(401, 'JWT Verification failed');
    // a request is a few hundred bytes; stop reading an endless or huge body (docs/reliability.md#bounded-inputs)
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_REQUEST_BYTES) {
        res.setHeader('connection', 'close');
        send(413, { jsonrpc: '2.0', id: null, error: { code: -32600, message: `request over ${MAX_REQUEST_BYTES} bytes` } });
        req.destroy();
        return;
      }
      chunks.push(c as Buffer);
    }
    let msg: { method?: unknown; params?: unknown; id?: unknown };
    try {
      msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(200, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
    }
    const name = typeof msg.method === 'string' ? msg.method.replace(/^Filecoin\./, '') : '';
    requests.push({ method: name, ...(auth ? { auth } : {}) });
    const fn = Object.hasOwn(methods, name) ? methods[name] : undefined;
    if (!fn) return send(200, { jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: `method '${String(msg.method)}' not found` } });
    try {
      const result = await fn(Array.isArray(msg.params) ? msg.params : []);
      if (result instanceof RawAnswer) return send(200, result.body);
      send(200, { jsonrpc: '2.0', id: msg.id, result });
    } catch (e) {
      const code = e instanceof RpcFailure ? e.code : 1;
      send(200, { jsonrpc: '2.0', id: msg.id, error: { code, message: (e as Error).message } });
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      const ma = `/${address.includes(':') ? 'ip6' : 'ip4'}/${address}/tcp/${port}/http`;
      resolve({
        url: `http://${host}:${port}/rpc/v1`,
        apiInfo: opts.token ? `${opts.token}:${ma}` : ma,
        requests,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

/** An override can return this to send a whole, possibly non-JSON-RPC, body verbatim. */
export class RawAnswer {
  constructor(readonly body: string) {}
}
