// Lotus full-node JSON-RPC 2.0 over HTTP POST (spec ecosystem.md §3). Read-only calls; every result
// is validated here so callers get typed values or an error naming the method, sector and field.
import { IoError } from '../errors.js';
import { rpcUrl, type ApiInfo, type RpcVersion } from './api-info.js';
import { Reader } from './json-shape.js';

/** TipSetKey as JSON: CID objects; null = head. */
export type TipSetKey = readonly { '/': string }[] | null;

export interface TipSet {
  readonly key: TipSetKey;
  readonly height: number;
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
}

export class LotusClient {
  private nextId = 1;
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: LotusClientOptions) {
    this.url = rpcUrl(opts.api, opts.version ?? 'v1');
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  /** Raw call; `context` (e.g. "(f01000, sector 5)") is woven into every error message. */
  async call(method: string, params: unknown[], context = ''): Promise<Reader> {
    const name = `Filecoin.${method}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.api.token) headers.authorization = `Bearer ${this.opts.api.token}`;
    const id = this.nextId++;
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ jsonrpc: '2.0', method: name, params, id }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const err = e as Error;
      const why = err.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (err.cause as Error | undefined)?.message ?? err.message;
      throw new RpcTransportError(`${method}${context}: cannot reach the Lotus node at ${this.url}: ${why}`);
    }
    const text = await res.text();
    if (res.status === 401 || res.status === 403) {
      throw new RpcTransportError(
        `${method}${context}: the node at ${this.url} refused the request (HTTP ${res.status}); check the token in FULLNODE_API_INFO (TOKEN:/ip4/…)`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RpcTransportError(`${method}${context}: the node at ${this.url} answered HTTP ${res.status} with non-JSON: ${text.slice(0, 120)}`);
    }
    const r = new Reader(body, `${method}${context}`);
    const err = r.optional('error');
    if (err) {
      const code = err.optional('code')?.raw();
      const msg = err.optional('message')?.raw();
      throw new RpcError(method, typeof code === 'number' ? code : 0, typeof msg === 'string' ? msg : JSON.stringify(err.raw()), context);
    }
    if (!res.ok) throw new RpcTransportError(`${method}${context}: HTTP ${res.status} from ${this.url}: ${text.slice(0, 120)}`);
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
    const r = await this.call('StateSectorGetInfo', [miner, Number(sector), tsk], `(${miner}, sector ${sector})`);
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
      r = await this.call('StateSectorPreCommitInfo', [miner, Number(sector), tsk], `(${miner}, sector ${sector})`);
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
    const r = await this.call('StateMarketStorageDeal', [Number(dealId), tsk], `(deal ${dealId})`);
    const p = r.field('Proposal');
    return { pieceCid: p.field('PieceCID').cid(), pieceSize: p.field('PieceSize').uint64() };
  }
}

function tipSet(r: Reader): TipSet {
  const cids = r.field('Cids').array().map((c) => ({ '/': c.cid() }));
  return { key: cids, height: r.field('Height').int() };
}
