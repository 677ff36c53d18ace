// Recovery order by proving deadline (docs/operator-guide.md#deadline-order). A faulty sector costs
// a fault fee at each of its deadlines until it is proven again, so the sector whose deadline opens
// soonest goes first. Each sector's deadline and partition come from StateSectorPartition; when
// that deadline next opens follows from the miner's current dline.Info (StateMinerProvingDeadline).
// A deadline open right now comes first (its next chance is now), unless --avoid-open-deadline:
// then its sectors wait for its next opening, one proving period later, and go last.
import type { SectorNumber } from '../proofs/types.js';
import { formatMinerAddress, type MinerAddress } from '../chain/address.js';
import { RpcError, type LotusClient, type ProvingDeadline, type SectorLocation } from '../chain/lotus-client.js';
import type { BitRanges } from '../chain/bitfield.js';

export interface SectorSchedule {
  readonly sector: string;
  readonly deadline?: number;
  readonly partition?: number;
  /** epoch at which the deadline next opens (its current opening when open now) */
  readonly nextOpenEpoch?: number;
  /** estimated wall time of nextOpenEpoch (ISO 8601, UTC) */
  readonly nextOpenTime?: string;
  /**
   * that opening's fault declaration cutoff (open − FaultDeclarationCutoff): the recovered sector
   * must be declared recovered before it to be proven at that opening (lotus-miner and curio
   * declare on their own once the files check out), and the estimated wall time
   */
  readonly declareByEpoch?: number;
  readonly declareByTime?: string;
  /** the deadline is open at the head */
  readonly openNow?: boolean;
  /** open now and --avoid-open-deadline: ordered by its next opening instead */
  readonly deferred?: boolean;
  /** why there is no deadline (not active on chain, node error) */
  readonly note?: string;
}

export interface DeadlinePlan {
  /** true when a node gave the deadlines; false = the given order is kept */
  readonly byDeadline: boolean;
  /** one line for the report: how the order was chosen */
  readonly how: string;
  readonly head?: { readonly epoch: number; readonly time: string };
  readonly sectors: readonly SectorSchedule[];
}

export interface OrderOptions {
  readonly avoidOpenDeadline?: boolean;
  /** when the head's tipset has no timestamp (tests pin it) */
  readonly now?: () => Date;
  /** up to this many sectors are located one call each; more through all partitions (default 48) */
  readonly perSectorLimit?: number;
}

/** When deadline `d` next opens, given the miner's current deadline info. */
export function nextOpening(di: ProvingDeadline, d: number): { epoch: number; openNow: boolean } {
  const open = di.periodStart + d * di.challengeWindow;
  if (d === di.index && di.open <= di.currentEpoch && di.currentEpoch < di.close) return { epoch: di.open, openNow: true };
  // deadlines before the current one have already had their turn this proving period
  return { epoch: d < di.index || open + di.challengeWindow <= di.currentEpoch ? open + di.provingPeriod : open, openNow: false };
}

/** Past this many sectors, reading all 48 deadlines' partitions is fewer calls than one per sector. */
export const PER_SECTOR_LOOKUPS = 48;

/** Is `n` in the set? (ranges ascending, binary search) */
function has(ranges: BitRanges, n: bigint): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = ranges[mid]!;
    if (n < a) hi = mid - 1;
    else if (n > b) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * Each sector's deadline and partition: StateSectorPartition per sector for a few, the partitions
 * of all deadlines (StateMinerPartitions, 48 calls) for many. A sector in no partition maps to
 * an error message.
 */
export async function locateSectors(
  client: LotusClient,
  miner: string,
  numbers: readonly SectorNumber[],
  periodDeadlines: number,
  perSectorLimit = PER_SECTOR_LOOKUPS,
): Promise<Map<bigint, SectorLocation | string>> {
  const out = new Map<bigint, SectorLocation | string>();
  if (numbers.length <= perSectorLimit) {
    for (const n of numbers) {
      try {
        out.set(n, (await client.stateSectorPartition(miner, n)) ?? 'not an active sector');
      } catch (e) {
        // lotus answers an error for a sector in no deadline (pre-committed, terminated, unknown)
        if (!(e instanceof RpcError)) throw e;
        out.set(n, e.rpcMessage);
      }
    }
    return out;
  }
  for (let d = 0; d < periodDeadlines; d++) {
    const parts = await client.stateMinerPartitions(miner, d);
    parts.forEach((p, partition) => {
      for (const n of numbers) if (!out.has(n) && has(p.all, n)) out.set(n, { deadline: d, partition });
    });
  }
  for (const n of numbers) if (!out.has(n)) out.set(n, 'in no partition of any deadline (not an active sector)');
  return out;
}

/** The given order, kept (no node to ask); the plan says so. */
export function givenOrder(numbers: readonly SectorNumber[], why: string): DeadlinePlan {
  return { byDeadline: false, how: `given order kept: ${why}`, sectors: numbers.map((n) => ({ sector: String(n) })) };
}

/**
 * Orders `numbers` by their deadline's next opening, soonest first (ties: deadline, partition,
 * given order). Sectors without a deadline (pre-committed only, not found) keep their given order
 * after the others.
 */
export async function orderByDeadline(client: LotusClient, miner: string, numbers: readonly SectorNumber[], opts: OrderOptions = {}): Promise<DeadlinePlan> {
  const [di, head, delay] = await Promise.all([client.stateMinerProvingDeadline(miner), client.chainHead(), client.blockDelaySecs()]);
  const secs = delay ?? 30;
  const headMs = head.timestamp !== undefined ? head.timestamp * 1000 : (opts.now?.() ?? new Date()).getTime();
  const timeOf = (epoch: number) => new Date(headMs + (epoch - head.height) * secs * 1000).toISOString();
  const rows: { s: SectorSchedule; key: number; i: number }[] = [];
  // FaultDeclarationCutoff (70 epochs on mainnet) as the node reports it for the current deadline
  const cutoffLead = di.open - di.faultCutoff;
  const located = await locateSectors(client, miner, numbers, di.periodDeadlines, opts.perSectorLimit);
  let i = 0;
  for (const n of numbers) {
    const idx = i++;
    const loc = located.get(n)!;
    if (typeof loc === 'string') {
      rows.push({ s: { sector: String(n), note: `no proving deadline: ${loc}` }, key: Infinity, i: idx });
      continue;
    }
    const next = nextOpening(di, loc.deadline);
    const deferred = next.openNow && opts.avoidOpenDeadline === true;
    const epoch = deferred ? next.epoch + di.provingPeriod : next.epoch;
    const declareBy = epoch - cutoffLead;
    rows.push({
      s: {
        sector: String(n),
        deadline: loc.deadline,
        partition: loc.partition,
        nextOpenEpoch: epoch,
        nextOpenTime: timeOf(epoch),
        declareByEpoch: declareBy,
        declareByTime: timeOf(declareBy),
        ...(next.openNow ? { openNow: true } : {}),
        ...(deferred ? { deferred: true } : {}),
      },
      // an open deadline's chance is now: it sorts before every later opening
      key: next.openNow && !deferred ? di.currentEpoch : epoch,
      i: idx,
    });
  }
  rows.sort((a, b) => a.key - b.key || (a.s.deadline ?? 0) - (b.s.deadline ?? 0) || (a.s.partition ?? 0) - (b.s.partition ?? 0) || a.i - b.i);
  const deferredN = rows.filter((r) => r.s.deferred).length;
  return {
    byDeadline: true,
    how: `by next proving deadline (StateSectorPartition + StateMinerProvingDeadline at epoch ${di.currentEpoch}; deadline ${di.index} open until epoch ${di.close})${deferredN ? `; ${deferredN} sector(s) of the open deadline deferred (--avoid-open-deadline)` : ''}`,
    head: { epoch: head.height, time: timeOf(head.height) },
    sectors: rows.map((r) => r.s),
  };
}

/** The plan as printed before work starts. */
export function renderDeadlinePlan(plan: DeadlinePlan): string {
  const lines = [`recovery order: ${plan.how}`];
  if (!plan.byDeadline) return lines.join('\n');
  const rows = [['sector', 'deadline', 'partition', 'next open (epoch)', 'next open (UTC, est.)', 'declare by (epoch)', '']];
  const current = plan.head?.epoch;
  for (const s of plan.sectors) {
    rows.push([
      s.sector,
      s.deadline === undefined ? '-' : String(s.deadline),
      s.partition === undefined ? '-' : String(s.partition),
      s.nextOpenEpoch === undefined ? '-' : String(s.nextOpenEpoch),
      s.nextOpenTime === undefined ? '-' : s.nextOpenTime.replace(/\.\d+Z$/, 'Z'),
      s.declareByEpoch === undefined ? '-' : String(s.declareByEpoch),
      s.deferred
        ? 'open now: deferred'
        : s.openNow
          ? 'OPEN NOW (cutoff passed)'
          : current !== undefined && s.declareByEpoch !== undefined && s.declareByEpoch <= current
            ? 'cutoff passed (if faulty on chain: proven from the opening after)'
            : (s.note ?? ''),
    ]);
  }
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) lines.push(`  ${r.map((c, k) => (k === r.length - 1 ? c : c.padEnd(w[k]!))).join('  ')}`.trimEnd());
  return lines.join('\n');
}

/** Deadline order from the node when there is one; the given order (and why) otherwise. */
export async function recoveryOrder(chain: LotusClient | undefined, miner: MinerAddress, numbers: SectorNumber[], avoidOpen: boolean, nodeProblem?: string): Promise<DeadlinePlan> {
  if (!chain) return givenOrder(numbers, nodeProblem ? `no Lotus node to read proving deadlines from (${nodeProblem})` : 'no Lotus node (FULLNODE_API_INFO, $LOTUS_PATH or ~/.lotus) to read proving deadlines from');
  try {
    return await orderByDeadline(chain, formatMinerAddress(miner), numbers, { avoidOpenDeadline: avoidOpen });
  } catch (e) {
    return givenOrder(numbers, `the node could not give proving deadlines (${(e as Error).message})`);
  }
}
