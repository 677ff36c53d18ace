// The devnet's JSON description (fixtures/devnet/*.json): miners, their sectors as the chain would
// record them, and deals. Validated on load so a bad fixture fails with the field named.
import { readJsonFile } from '../platform/json-text.js';
import { fromHex } from '../proofs/types.js';
import { InputError } from '../errors.js';
import { parseMinerAddress } from '../chain/address.js';
import { cidToCommD, cidToCommR } from '../proofs/cid.js';
import { sealProof } from '../proofs/registry.js';
import { Reader, ShapeError } from '../chain/json-shape.js';

export interface DevnetSector {
  readonly number: number;
  readonly sealProof: number;
  readonly sealedCid: string;
  readonly unsealedCid: string | null;
  readonly dealIds: readonly number[];
  readonly sealRandEpoch: number;
  readonly preCommitEpoch: number;
  /** null = pre-committed, never proven */
  readonly activation: number | null;
  readonly expiration: number;
  /** 32 bytes; when absent the ticket is drawn from the epoch's digest like a real chain */
  readonly ticket?: Uint8Array;
  /** the proving deadline (0–47) and partition of an active sector; default number % 48, partition 0 */
  readonly deadline: number;
  readonly partition: number;
  /**
   * SnapDeals-upgraded: the CC sector key's CommR. Then sealedCid/unsealedCid/dealIds describe the
   * update, and the precommit record (ticket, proof) the key, with SealedCID = this.
   */
  readonly sectorKeyCid?: string;
}

export interface DevnetMiner {
  readonly address: string;
  readonly sectorSize: number;
  readonly sectors: readonly DevnetSector[];
  /** the miner's proving period offset: its periods start at epochs ≡ this (mod 2880) */
  readonly provingPeriodStart: number;
  /** active sectors the chain holds as faulty; `recovering` ones are declared recovered */
  readonly faults: readonly number[];
  readonly recovering: readonly number[];
}

/** WindowPoSt constants of mainnet (go-state-types builtin/vN/miner/policy.go), in epochs. */
export const WPOST = { challengeWindow: 60, periodDeadlines: 48, provingPeriod: 2880, challengeLookback: 20, faultDeclarationCutoff: 70 } as const;

export interface DevnetDeal {
  readonly id: number;
  readonly pieceCid: string;
  readonly pieceSize: number;
}

export interface DevnetNetwork {
  readonly networkVersion: number;
  readonly head: number;
  /** unix seconds of epoch 0 (default mainnet's genesis) and seconds per epoch (default 30) */
  readonly genesisTimestamp: number;
  readonly blockDelaySecs: number;
  /** state trees below this epoch are gone (a pruned node); undefined = archival */
  readonly prunedBefore?: number;
  readonly miners: readonly DevnetMiner[];
  readonly deals: readonly DevnetDeal[];
}

export function parseNetwork(json: unknown, source: string): DevnetNetwork {
  try {
    const r = new Reader(json, source);
    const head = r.field('head').int();
    const pruned = r.optional('prunedBefore');
    const miners = r.field('miners').array().map((m) => {
      const address = m.field('address').string();
      parseMinerAddress(address);
      const sectorSize = m.field('sectorSize').int();
      const sectors = m.field('sectors').array().map((s) => {
        const sealProofId = s.field('sealProof').int();
        if (Number(sealProof(sealProofId).sectorBytes) !== sectorSize) {
          throw new InputError(`${source}: ${s.path}: seal proof ${sealProofId} does not match miner ${address}'s sectorSize ${sectorSize}`);
        }
        const sealedCid = s.field('sealedCID').string();
        withWhere(`${source}: ${s.path}.sealedCID`, () => cidToCommR(sealedCid));
        const u = s.optional('unsealedCID');
        const unsealedCid = u ? u.string() : null;
        if (unsealedCid) withWhere(`${source}: ${s.path}.unsealedCID`, () => cidToCommD(unsealedCid));
        const t = s.optional('ticket');
        const ticket = t ? fromHex(t.string(), `${source}: ${s.path}.ticket`) : undefined;
        if (ticket && ticket.length !== 32) throw new InputError(`${source}: ${s.path}.ticket must be 32 bytes of hex`);
        const k = s.optional('sectorKeyCID');
        const sectorKeyCid = k ? k.string() : undefined;
        if (sectorKeyCid) withWhere(`${source}: ${s.path}.sectorKeyCID`, () => cidToCommR(sectorKeyCid));
        const act = s.optional('activation');
        const deals = s.optional('dealIDs');
        const number = s.field('number').int();
        const deadline = s.optional('deadline')?.int() ?? number % WPOST.periodDeadlines;
        if (deadline < 0 || deadline >= WPOST.periodDeadlines) throw new InputError(`${source}: ${s.path}.deadline must be 0…${WPOST.periodDeadlines - 1}, got ${deadline}`);
        return {
          deadline,
          partition: s.optional('partition')?.int() ?? 0,
          number,
          sealProof: sealProofId,
          sealedCid,
          unsealedCid,
          dealIds: deals ? deals.array().map((d) => d.int()) : [],
          sealRandEpoch: s.field('sealRandEpoch').int(),
          preCommitEpoch: s.field('preCommitEpoch').int(),
          activation: act ? act.int() : null,
          expiration: s.field('expiration').int(),
          ...(ticket ? { ticket } : {}),
          ...(sectorKeyCid ? { sectorKeyCid } : {}),
        };
      });
      const numbers = (field: string) => m.optional(field)?.array().map((x) => x.int()) ?? [];
      const faults = numbers('faults');
      const recovering = numbers('recovering');
      for (const n of faults) {
        const sec = sectors.find((x) => x.number === n);
        if (!sec || sec.activation === null) throw new InputError(`${source}: ${m.path}.faults: sector ${n} is not an active sector of ${address}`);
      }
      for (const n of recovering) {
        if (!faults.includes(n)) throw new InputError(`${source}: ${m.path}.recovering: sector ${n} is not in faults (only a faulty sector can be recovering)`);
      }
      const provingPeriodStart = m.optional('provingPeriodStart')?.int() ?? 0;
      return { address, sectorSize, sectors, provingPeriodStart, faults, recovering };
    });
    const dealsR = r.optional('deals');
    const deals = dealsR
      ? dealsR.array().map((d) => ({ id: d.field('id').int(), pieceCid: d.field('pieceCID').string(), pieceSize: d.field('pieceSize').int() }))
      : [];
    return {
      networkVersion: r.field('networkVersion').int(),
      head,
      genesisTimestamp: r.optional('genesisTimestamp')?.int() ?? 1598306400,
      blockDelaySecs: r.optional('blockDelaySecs')?.int() ?? 30,
      ...(pruned ? { prunedBefore: pruned.int() } : {}),
      miners,
      deals,
    };
  } catch (e) {
    if (e instanceof ShapeError) throw new InputError(e.message);
    throw e;
  }
}

/** A devnet network is a test fixture of a few miners and sectors. */
export const MAX_NETWORK_FILE_BYTES = 16 << 20;

export async function loadNetwork(path: string): Promise<DevnetNetwork> {
  return parseNetwork(await readJsonFile(path, { what: 'devnet network file', maxBytes: MAX_NETWORK_FILE_BYTES }), path);
}

function withWhere<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new InputError(`${where}: ${(e as Error).message}`);
  }
}
