// Sector selection (ranges, files, --faulty) and deadline order against the bundled devnet served
// on a real loopback JSON-RPC server. Expected deadlines and epochs follow from the fixture
// (provingPeriodStart 100, head 2000, sectors 1/2/4 in deadlines 31/40/5) and lotus's rules
// (deadline d opens at periodStart + 60·d; 48 deadlines in a 2880-epoch period).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../src/errors.js';
import { asSectorNumber } from '../../src/proofs/types.js';
import { parseSectorSpec, precheckSelection, readSectorsFile, selectSectors, chainFaults } from '../../src/recover/sector-selection.js';
import { nextOpening, orderByDeadline, renderDeadlinePlan, givenOrder } from '../../src/recover/deadline-order.js';
import { startDevnet, type Devnet } from '../../src/devnet/server.js';
import { loadNetwork } from '../../src/devnet/network.js';
import { LotusClient } from '../../src/chain/lotus-client.js';
import { parseApiInfo } from '../../src/chain/api-info.js';

const NETWORK = fileURLToPath(new URL('../../fixtures/devnet/network.json', import.meta.url));
const GENESIS = 1598306400;
const at = (epoch: number) => new Date((GENESIS + epoch * 30) * 1000).toISOString();
const ns = (...xs: number[]) => xs.map((x) => asSectorNumber(x));

let net: Devnet;
let client: LotusClient;
let legacy: Devnet;
let legacyClient: LotusClient;
beforeAll(async () => {
  const n = await loadNetwork(NETWORK);
  net = await startDevnet(n);
  client = new LotusClient({ api: parseApiInfo(net.apiInfo) });
  // a node without StateMinerFaults/Recoveries: faults come from the partitions
  legacy = await startDevnet(n, { disabled: ['StateMinerFaults', 'StateMinerRecoveries'] });
  legacyClient = new LotusClient({ api: parseApiInfo(legacy.apiInfo) });
});
afterAll(async () => {
  await net.close();
  await legacy.close();
});

describe('sector selection', () => {
  it('ranges, comma lists and single numbers, u64 exact', () => {
    expect(parseSectorSpec('100-103', '--sectors')).toEqual([[100n, 103n]]);
    expect(parseSectorSpec('1,5..6, 9', '--sectors')).toEqual([[1n, 1n], [5n, 6n], [9n, 9n]]);
    expect(parseSectorSpec('9007199254740993', '--sectors')).toEqual([[9007199254740993n, 9007199254740993n]]);
    expect(parseSectorSpec('18446744073709551614-18446744073709551615', 'x')).toEqual([[18446744073709551614n, 18446744073709551615n]]);
  });

  it('refuses backwards, huge and malformed ranges naming the flag', () => {
    expect(() => parseSectorSpec('180-100', '--sectors')).toThrow(/--sectors: range "180-100" runs backwards; write 100-180/);
    expect(() => parseSectorSpec('1-1000000', '--sectors')).toThrow(/1000000 sectors, more than 100000/);
    expect(() => parseSectorSpec('12a', '--sectors')).toThrow(UsageError);
    expect(() => parseSectorSpec('18446744073709551616', '--sectors')).toThrow(/out of range/);
    expect(() => precheckSelection({})).toThrow(/at least one sector must be specified/);
    expect(() => precheckSelection({ sectors: ['x1'] })).toThrow(/could not parse sector number "x1"/);
  });

  it('--sectors-file: numbers and ranges per line, comments and blanks ignored, line named on error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sel-'));
    const f = join(dir, 'lost.txt');
    await writeFile(f, '# lost on disk 7\n12\n\n100-102   # a shelf\n5,7\r\n');
    expect(await readSectorsFile(f)).toEqual([[12n, 12n], [100n, 102n], [5n, 5n], [7n, 7n]]);
    await writeFile(f, '1\n2-x\n');
    await expect(readSectorsFile(f)).rejects.toThrow(/--sectors-file .*lost.txt line 2: could not parse sector number "2-x"/);
    await expect(readSectorsFile(join(dir, 'none.txt'))).rejects.toThrow(/cannot read it \(ENOENT\)/);
  });

  it('merges arguments, file and chain faults in order without duplicates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sel-'));
    const f = join(dir, 's.txt');
    await writeFile(f, '4\n7-8\n');
    const s = await selectSectors({ numbers: ['9', '2-3'], sectorsFile: f, faulty: true }, { chain: client, miner: 'f01000', required: true });
    expect(s.numbers).toEqual(ns(9, 2, 3, 4, 7, 8, 1));
    expect(s.origins).toEqual(['arguments', `file ${f}`, 'chain faults of f01000']);
    expect(s.faulty).toEqual({ faults: 3, recovering: 1, via: 'StateMinerFaults + StateMinerRecoveries' });
  });

  it('--faulty reads faults ∪ recoveries; a node without StateMinerFaults is read partition by partition', async () => {
    const a = await chainFaults(client, 'f01000');
    expect(a.faults).toEqual([[1n, 2n], [4n, 4n]]);
    expect(a.recovering).toEqual([[2n, 2n]]);
    const b = await chainFaults(legacyClient, 'f01000');
    expect(b).toEqual({ faults: a.faults, recovering: a.recovering, via: 'StateMinerPartitions (every deadline)' });
    expect(legacy.requests.filter((r) => r.method === 'StateMinerPartitions')).toHaveLength(48);
  });

  it('--faulty without a node or a miner is a usage error that names the way out', async () => {
    await expect(selectSectors({ faulty: true }, { miner: 'f01000', required: true })).rejects.toThrow(/FULLNODE_API_INFO.*~\/\.lotus/);
    await expect(selectSectors({ faulty: true }, { chain: client, required: true })).rejects.toThrow(/--faulty needs --miner/);
  });
});

describe('deadline order', () => {
  it('nextOpening: open now, later this period, already past this period', () => {
    const di = { currentEpoch: 2000, periodStart: 100, index: 31, open: 1960, close: 2020, faultCutoff: 1890, periodDeadlines: 48, provingPeriod: 2880, challengeWindow: 60 };
    expect(nextOpening(di, 31)).toEqual({ epoch: 1960, openNow: true });
    expect(nextOpening(di, 40)).toEqual({ epoch: 2500, openNow: false });
    expect(nextOpening(di, 5)).toEqual({ epoch: 3280, openNow: false });
    expect(nextOpening(di, 30)).toEqual({ epoch: 100 + 30 * 60 + 2880, openNow: false });
  });

  it('orders soonest deadline first: the open one, then 40, then 5 of the next period; no deadline last', async () => {
    const plan = await orderByDeadline(client, 'f01000', ns(3, 4, 2, 1));
    expect(plan.byDeadline).toBe(true);
    expect(plan.sectors.map((s) => s.sector)).toEqual(['1', '2', '4', '3']);
    // declare-by = the opening − FaultDeclarationCutoff (70 epochs in builtin-actors' miner policy)
    expect(plan.sectors[0]).toEqual({ sector: '1', deadline: 31, partition: 0, nextOpenEpoch: 1960, nextOpenTime: at(1960), declareByEpoch: 1890, declareByTime: at(1890), openNow: true });
    expect(plan.sectors[1]).toMatchObject({ deadline: 40, nextOpenEpoch: 2500, nextOpenTime: at(2500), declareByEpoch: 2430, declareByTime: at(2430) });
    expect(plan.sectors[2]).toMatchObject({ deadline: 5, nextOpenEpoch: 3280, declareByEpoch: 3210 });
    expect(plan.sectors[3]).toEqual({ sector: '3', note: 'no proving deadline: sector 3 not due at any deadline' });
    expect(plan.head).toEqual({ epoch: 2000, time: at(2000) });
    const text = renderDeadlinePlan(plan);
    expect(text).toMatch(/^recovery order: by next proving deadline/);
    expect(text.split('\n')[1]).toMatch(/declare by \(epoch\)/);
    expect(text.split('\n')[2]).toMatch(/^ {2}1\s+31\s+0\s+1960\s+2020-08-25T14:20:00Z\s+1890\s+OPEN NOW \(cutoff passed\)$/);
    expect(text.split('\n')[3]).toMatch(/^ {2}2\s+40\s+0\s+2500\s+\S+\s+2430$/);
  });

  it('--avoid-open-deadline defers the open deadline to its next opening, one proving period later', async () => {
    const plan = await orderByDeadline(client, 'f01000', ns(1, 2, 4), { avoidOpenDeadline: true });
    expect(plan.sectors.map((s) => s.sector)).toEqual(['2', '4', '1']);
    expect(plan.sectors[2]).toMatchObject({ deadline: 31, nextOpenEpoch: 1960 + 2880, declareByEpoch: 1960 + 2880 - 70, openNow: true, deferred: true });
    expect(plan.how).toMatch(/1 sector\(s\) of the open deadline deferred/);
    expect(renderDeadlinePlan(plan)).toMatch(/open now: deferred/);
  });

  it('many sectors are located through the partitions of all 48 deadlines: the same plan, 48 calls instead of one per sector', async () => {
    const before = net.requests.length;
    const plan = await orderByDeadline(client, 'f01000', ns(3, 4, 2, 1), { perSectorLimit: 2 });
    const calls = net.requests.slice(before).map((r) => r.method);
    expect(calls.filter((m) => m === 'StateMinerPartitions')).toHaveLength(48);
    expect(calls).not.toContain('StateSectorPartition');
    const one = await orderByDeadline(client, 'f01000', ns(3, 4, 2, 1));
    expect(plan.sectors.slice(0, 3)).toEqual(one.sectors.slice(0, 3));
    expect(plan.sectors[3]).toEqual({ sector: '3', note: 'no proving deadline: in no partition of any deadline (not an active sector)' });
  });

  it('without a node the given order is kept and says why', () => {
    const plan = givenOrder(ns(4, 1), 'no Lotus node');
    expect(plan).toEqual({ byDeadline: false, how: 'given order kept: no Lotus node', sectors: [{ sector: '4' }, { sector: '1' }] });
    expect(renderDeadlinePlan(plan)).toBe('recovery order: given order kept: no Lotus node');
  });
});
