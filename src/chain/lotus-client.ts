// Lotus full-node JSON-RPC 2.0 over HTTP POST (docs/chain.md#transport). Read-only calls; every
// result is validated here so callers get typed values or an error naming the method, sector and
// field. The transport is node:http(s), not fetch: fetch refuses "bad ports" (6000, 6665–6669, …)
// a node may well listen on, and it would read an answer of any size into memory.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { IoError } from '../errors.js';
import { rpcUrl, type ApiInfo, type RpcVersion } from './api-info.js';
import { Reader, ShapeError } from './json-shape.js';
import { stringifyJsonExact } from './json-exact.js';
import { escapedExcerpt, parseJsonText } from '../platform/json-text.js';
import { bitfieldFromJson, type BitRanges } from './bitfield.js';

/** TipSetKey as JSON: CID objects; null = head. */
export type TipSetKey = readonly { '/': string }[] | null;

export interface TipSet {
  readonly key: TipSetKey;
  readonly height: number;
  /** unix seconds of the tipset's blocks, when the node sent its block headers */
  readonly timestamp?: number;
}

export interface SectorOnChainInfo {
  readonly sectorNumber: bigint;
  readonly sealProof: number;
  readonly sealedCid: string;
  readonly activation: number;
  readonly expiration: number;
  /** absent from JSON on actors v16+ nodes */
  readonly dealIds?: readonly bigint[];
  /** set on snap-upgraded sectors (SealedCID is then the updated replica) */
  readonly sectorKeyCid?: string;
}

export interface PreCommitOnChain {
  readonly sealProof: number;
  readonly sectorNumber: bigint;
  readonly sealedCid: string;
  readonly sealRandEpoch: number;
  readonly dealIds: readonly bigint[];
  readonly expiration: number;
  /** null for CC sectors; absent on pre-v1.19 nodes */
  readonly unsealedCid?: string;
  readonly preCommitEpoch: number;
}

export interface MinerInfo {
  readonly sectorSize: bigint;
  readonly windowPoStProofType: number;
}

export interface MarketDealProposal {
  readonly pieceCid: string;
  readonly pieceSize: bigint;
}

/** The node answered with a JSON-RPC error object. */
export class RpcError extends IoError {
  override name = 'RpcError';
  constructor(
    readonly method: string,
    readonly code: number,
    readonly rpcMessage: string,
    context: string,
  ) {
    super(`${method}${context}: node error ${code}: ${rpcMessage}`);
  }
  /** lotus/go-jsonrpc "method not found" (older or newer node without that call) */
  get isMethodNotFound(): boolean {
    return this.code === -32601 || /method .* not found/i.test(this.rpcMessage);
  }
  /** The node has pruned the state tree the call needs. */
  get isMissingState(): boolean {
    return /could not find|block not found|failed to load state tree|load state tree|not found in blockstore/i.test(this.rpcMessage);
  }
}

/** Could not talk to the node at all (connection, HTTP status, timeout, non-JSON body). */
export class RpcTransportError extends IoError {
  override name = 'RpcTransportError';
}

export interface LotusClientOptions {
  readonly api: ApiInfo;
  readonly version?: RpcVersion;
  readonly timeoutMs?: number;
  /** largest answer read (bytes); default 64 MiB */
  readonly maxResponseBytes?: number;
}

/** Where a sector sits in its miner's proving schedule (miner.SectorLocation). */
export interface SectorLocation {
  readonly deadline: number;
  readonly partition: number;
}

/** The miner's current proving deadline (dline.Info), epochs. */
export interface ProvingDeadline {
  readonly currentEpoch: number;
  readonly periodStart: number;
  readonly index: number;
  readonly open: number;
  readonly close: number;
  readonly faultCutoff: number;
  readonly periodDeadlines: number;
  readonly provingPeriod: number;
  readonly challengeWindow: number;
}

/** One partition of a deadline (api.Partition): sector sets. */
export interface PartitionSectors {
  readonly all: BitRanges;
  readonly faulty: BitRanges;
  readonly recovering: BitRanges;
}

interface RawAnswer {
  readonly status: number;
  readonly text: string;
}

/** POST over node:http(s); the body is read up to `max` bytes. */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, max: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: Error) => {
      if (!settled) reject(e);
      settled = true;
    };
    const u = new URL(url);
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(u, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > max) {
          fail(new Error(`answer larger than ${max} bytes`));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        if (!settled) resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        settled = true;
      });
      res.on('error', fail);
    });
    // a whole-call deadline, not an idle timeout: a node trickling bytes still ends in time
    const timer = setTimeout(() => {
      fail(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' }));
      req.destroy();
    }, timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', fail);
    req.end(body);
  });
}

export class LotusClient {
  private nextId = 1;
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  constructor(private readonly opts: LotusClientOptions) {
    this.url = rpcUrl(opts.api, opts.version ?? 'v1');
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.maxBytes = opts.maxResponseBytes ?? 64 << 20;
  }

  /** The endpoint, for messages (never the token). */
  get endpoint(): string {
    return this.url;
  }

  /** Raw call; `context` (e.g. "(f01000, sector 5)") is woven into every error message. */
  async call(method: string, params: unknown[], context = ''): Promise<Reader> {
    const name = `Filecoin.${method}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.api.token) headers.authorization = `Bearer ${this.opts.api.token}`;
    const id = this.nextId++;
    let res: RawAnswer;
    try {
      // bigints (sector numbers, deal ids) go out digit for digit: Number() would round past 2^53
      res = await post(this.url, headers, stringifyJsonExact({ jsonrpc: '2.0', method: name, params, id }), this.timeoutMs, this.maxBytes);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code ? `${err.code} ${err.message}` : err.message;
      throw new RpcTransportError(`${method}${context}: cannot reach the Lotus node at ${this.url}: ${why}`);
    }
    const text = res.text;
    const ok = res.status >= 200 && res.status < 300;
    if (res.status === 401 || res.status === 403) {
      throw new RpcTransportError(
        `${method}${context}: the node at ${this.url} refused the request (HTTP ${res.status}); check the token in FULLNODE_API_INFO (TOKEN:/ip4/…)`,
      );
    }
    let body: unknown;
    try {
      body = parseJsonText(text, { source: 'answer' });
    } catch (e) {
      // the reader's message is one line with an escaped excerpt; drop its "answer: " prefix
      const why = (e as Error).message.replace(/^answer: /, '');
      throw new RpcTransportError(`${method}${context}: the node at ${this.url} answered HTTP ${res.status} with non-JSON: ${why}`);
    }
    const r = new Reader(body, `${method}${context}`);
    const err = r.optional('error');
    if (err) {
      const code = err.optional('code')?.raw();
      const msg = err.optional('message')?.raw();
      throw new RpcError(method, typeof code === 'number' ? code : 0, typeof msg === 'string' ? msg : JSON.stringify(err.raw()), context);
    }
    if (!ok) throw new RpcTransportError(`${method}${context}: HTTP ${res.status} from ${this.url}: ${escapedExcerpt(text, 0, 120)}`);
    if (!('result' in (body as object))) {
      throw new RpcTransportError(`${method}${context}: the answer from ${this.url} has neither "result" nor "error"`);
    }
    return new Reader((body as { result: unknown }).result, `${method}${context}`);
  }

  async chainHead(): Promise<TipSet> {
    return tipSet(await this.call('ChainHead', []));
  }

  async chainGetTipSetByHeight(epoch: number, tsk: TipSetKey = null): Promise<TipSet> {
    return tipSet(await this.call('ChainGetTipSetByHeight', [epoch, tsk], `(epoch ${epoch})`));
  }

  async stateNetworkVersion(tsk: TipSetKey = null): Promise<number> {
    return (await this.call('StateNetworkVersion', [tsk])).int();
  }

  async stateLookupId(addr: string): Promise<string> {
    return (await this.call('StateLookupID', [addr, null], `(${addr})`)).string();
  }

  async stateMinerInfo(miner: string): Promise<MinerInfo> {
    const r = await this.call('StateMinerInfo', [miner, null], `(${miner})`);
    return { sectorSize: r.field('SectorSize').uint64(), windowPoStProofType: r.field('WindowPoStProofType').int() };
  }

  async stateSectorGetInfo(miner: string, sector: bigint, tsk: TipSetKey = null): Promise<SectorOnChainInfo | null> {
    const r = await this.call('StateSectorGetInfo', [miner, sector, tsk], `(${miner}, sector ${sector})`);
    if (r.isNull()) return null;
    const deals = r.optional('DealIDs');
    const key = r.optional('SectorKeyCID');
    return {
      sectorNumber: r.field('SectorNumber').uint64(),
      sealProof: r.field('SealProof').int(),
      sealedCid: r.field('SealedCID').cid(),
      activation: r.field('Activation').int(),
      expiration: r.field('Expiration').int(),
      ...(deals ? { dealIds: deals.array().map((d) => d.uint64()) } : {}),
      ...(key ? { sectorKeyCid: key.cid() } : {}),
    };
  }

  async stateSectorPreCommitInfo(miner: string, sector: bigint, tsk: TipSetKey = null): Promise<PreCommitOnChain | null> {
    let r: Reader;
    try {
      r = await this.call('StateSectorPreCommitInfo', [miner, sector, tsk], `(${miner}, sector ${sector})`);
    } catch (e) {
      // Nodes before lotus v1.17 (and v0) report absence as an error rather than null.
      if (e instanceof RpcError && /precommit info (does not exist|is not exists)/i.test(e.rpcMessage)) return null;
      throw e;
    }
    if (r.isNull()) return null;
    const info = r.field('Info');
    const unsealed = info.optional('UnsealedCid');
    const deals = info.optional('DealIDs');
    return {
      sealProof: info.field('SealProof').int(),
      sectorNumber: info.field('SectorNumber').uint64(),
      sealedCid: info.field('SealedCID').cid(),
      sealRandEpoch: info.field('SealRandEpoch').int(),
      dealIds: deals ? deals.array().map((d) => d.uint64()) : [],
      expiration: info.field('Expiration').int(),
      ...(unsealed ? { unsealedCid: unsealed.cid() } : {}),
      preCommitEpoch: r.field('PreCommitEpoch').int(),
    };
  }

  async stateGetRandomnessFromTickets(dst: number, epoch: number, entropy: Uint8Array, tsk: TipSetKey = null): Promise<Uint8Array> {
    const r = await this.call(
      'StateGetRandomnessFromTickets',
      [dst, epoch, Buffer.from(entropy).toString('base64'), tsk],
      `(tag ${dst}, epoch ${epoch})`,
    );
    return r.base64(32);
  }

  async stateGetRandomnessDigestFromTickets(epoch: number, tsk: TipSetKey = null): Promise<Uint8Array> {
    return (await this.call('StateGetRandomnessDigestFromTickets', [epoch, tsk], `(epoch ${epoch})`)).base64(32);
  }

  async stateMarketStorageDeal(dealId: bigint, tsk: TipSetKey = null): Promise<MarketDealProposal> {
    const r = await this.call('StateMarketStorageDeal', [dealId, tsk], `(deal ${dealId})`);
    const p = r.field('Proposal');
    return { pieceCid: p.field('PieceCID').cid(), pieceSize: p.field('PieceSize').uint64() };
  }

  /** Sectors the miner has declared (or the chain found) faulty. */
  async stateMinerFaults(miner: string, tsk: TipSetKey = null): Promise<BitRanges> {
    return bitfield(await this.call('StateMinerFaults', [miner, tsk], `(${miner})`));
  }

  /** Faulty sectors declared recovering (the next WindowPoSt of their deadline must prove them). */
  async stateMinerRecoveries(miner: string, tsk: TipSetKey = null): Promise<BitRanges> {
    return bitfield(await this.call('StateMinerRecoveries', [miner, tsk], `(${miner})`));
  }

  async stateSectorPartition(miner: string, sector: bigint, tsk: TipSetKey = null): Promise<SectorLocation | null> {
    const r = await this.call('StateSectorPartition', [miner, sector, tsk], `(${miner}, sector ${sector})`);
    if (r.isNull()) return null;
    return { deadline: r.field('Deadline').int(), partition: r.field('Partition').int() };
  }

  async stateMinerProvingDeadline(miner: string, tsk: TipSetKey = null): Promise<ProvingDeadline> {
    const r = await this.call('StateMinerProvingDeadline', [miner, tsk], `(${miner})`);
    return {
      currentEpoch: r.field('CurrentEpoch').int(),
      periodStart: r.field('PeriodStart').int(),
      index: r.field('Index').int(),
      open: r.field('Open').int(),
      close: r.field('Close').int(),
      faultCutoff: r.field('FaultCutoff').int(),
      periodDeadlines: r.field('WPoStPeriodDeadlines').int(),
      provingPeriod: r.field('WPoStProvingPeriod').int(),
      challengeWindow: r.field('WPoStChallengeWindow').int(),
    };
  }

  async stateMinerPartitions(miner: string, deadline: number, tsk: TipSetKey = null): Promise<PartitionSectors[]> {
    const r = await this.call('StateMinerPartitions', [miner, deadline, tsk], `(${miner}, deadline ${deadline})`);
    return r.array().map((p) => ({
      all: bitfield(p.field('AllSectors')),
      faulty: bitfield(p.field('FaultySectors')),
      recovering: bitfield(p.field('RecoveringSectors')),
    }));
  }

  /** Seconds per epoch (30 on mainnet); undefined when the node lacks StateGetNetworkParams. */
  async blockDelaySecs(): Promise<number | undefined> {
    try {
      return (await this.call('StateGetNetworkParams', [])).field('BlockDelaySecs').int();
    } catch (e) {
      if (e instanceof RpcError && e.isMethodNotFound) return undefined;
      throw e;
    }
  }
}

function bitfield(r: Reader): BitRanges {
  try {
    return bitfieldFromJson(r.raw(), `${r.where}: field ${r.path || '(result)'}`);
  } catch (e) {
    throw new ShapeError((e as Error).message);
  }
}

function tipSet(r: Reader): TipSet {
  const cids = r.field('Cids').array().map((c) => ({ '/': c.cid() }));
  const first = r.optional('Blocks')?.array()[0];
  const ts = first?.optional('Timestamp');
  return { key: cids, height: r.field('Height').int(), ...(ts ? { timestamp: ts.int() } : {}) };
}
