// Which sectors a command works on (docs/operator-guide.md#choosing-sectors): positional numbers,
// --sectors (repeatable, comma lists, ranges "100-180"), --sectors-file (one number or range per
// line, # comments) and --faulty (the chain's faulty and recovering sectors of --miner).
// Sector numbers are u64: bigint from the command line to the RPC params.
import { InputError, UsageError } from '../errors.js';
import { asSectorNumber, type SectorNumber } from '../proofs/types.js';
import { bitsOf, unionRanges, type BitRanges } from '../chain/bitfield.js';
import { RpcError, type LotusClient } from '../chain/lotus-client.js';
import { readBoundedFile } from '../platform/json-text.js';

/** More sectors than this in one run is almost certainly a typo'd range ("1-1000000"). */
export const MAX_SECTORS = 100_000;

export interface SelectionArgs {
  readonly numbers?: readonly (string | number)[];
  readonly sectors?: readonly (string | number)[];
  readonly sectorsFile?: string;
  readonly faulty?: boolean;
}

export interface Selection {
  /** in the order given (duplicates dropped), faulty sectors ascending after the given ones */
  readonly numbers: SectorNumber[];
  /** where they came from, for the report: "arguments", "file x", "chain faults of f01000" */
  readonly origins: string[];
  /** with --faulty: the faulty and the recovering sets as the chain holds them */
  readonly faulty?: { readonly faults: number; readonly recovering: number; readonly via: string };
}

/** A number or an inclusive range "a-b" ("a..b" too), as ranges. `where` names the flag or file line. */
export function parseSectorSpec(spec: string, where: string): [bigint, bigint][] {
  const out: [bigint, bigint][] = [];
  for (const part of spec.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    const m = /^(\d+)\s*(?:-|\.\.)\s*(\d+)$/.exec(t);
    if (m) {
      const a = num(m[1]!, where, t);
      const b = num(m[2]!, where, t);
      if (b < a) throw new UsageError(`${where}: range "${t}" runs backwards; write ${b}-${a}`);
      if (b - a >= BigInt(MAX_SECTORS)) throw new UsageError(`${where}: range "${t}" has ${b - a + 1n} sectors, more than ${MAX_SECTORS} in one run`);
      out.push([a, b]);
    } else out.push([num(t, where, t), num(t, where, t)]);
  }
  return out;
}

function num(s: string, where: string, whole: string): bigint {
  try {
    return asSectorNumber(s.trim());
  } catch (e) {
    throw new UsageError(`${where}: could not parse sector number "${whole}": ${(e as Error).message} (expected a number like 12 or a range like 100-180)`);
  }
}

/** A list of sector numbers and ranges; 16 MiB is over a million lines. */
export const MAX_SECTORS_FILE_BYTES = 16 << 20;

/** --sectors-file: one number or range per line (comma lists allowed), blank lines and # comments ignored. */
export async function readSectorsFile(path: string): Promise<[bigint, bigint][]> {
  let text: string;
  try {
    // bounded and regular files only (docs/reliability.md#bounded-inputs): a FIFO never hangs the run
    text = (await readBoundedFile(path, { what: 'sectors file', maxBytes: MAX_SECTORS_FILE_BYTES })).toString('utf8');
  } catch (e) {
    const code = ((e as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    throw new InputError(`--sectors-file ${path}: ${code ? `cannot read it (${code})` : (e as Error).message}`);
  }
  const out: [bigint, bigint][] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const body = line.replace(/#.*$/, '').trim();
    if (body !== '') out.push(...parseSectorSpec(body, `--sectors-file ${path} line ${i + 1}`));
  });
  return out;
}

/** Faulty ∪ recovering sectors of a miner; partitions deadline by deadline when the node lacks StateMinerFaults. */
export async function chainFaults(client: LotusClient, miner: string): Promise<{ faults: BitRanges; recovering: BitRanges; via: string }> {
  try {
    const [faults, recovering] = await Promise.all([client.stateMinerFaults(miner), client.stateMinerRecoveries(miner)]);
    return { faults, recovering, via: 'StateMinerFaults + StateMinerRecoveries' };
  } catch (e) {
    if (!(e instanceof RpcError && e.isMethodNotFound)) throw e;
  }
  const dl = await client.stateMinerProvingDeadline(miner);
  const faults: BitRanges[] = [];
  const recovering: BitRanges[] = [];
  for (let d = 0; d < dl.periodDeadlines; d++) {
    for (const p of await client.stateMinerPartitions(miner, d)) {
      faults.push(p.faulty);
      recovering.push(p.recovering);
    }
  }
  return { faults: unionRanges(...faults), recovering: unionRanges(...recovering), via: 'StateMinerPartitions (every deadline)' };
}

/** Checks what can be checked before any source is opened: something is selected, and the command-line specs parse. */
export function precheckSelection(args: SelectionArgs): void {
  const cli = [...(args.numbers ?? []), ...(args.sectors ?? [])].map(String).filter((s) => s.trim() !== '');
  for (const s of cli) parseSectorSpec(s, '--sectors');
  if (cli.length === 0 && !args.sectorsFile && !args.faulty) {
    throw new UsageError('at least one sector must be specified: numbers, --sectors N or 100-180 (repeatable), --sectors-file <file>, or --faulty with --miner');
  }
}

export interface SelectionContext {
  /** the node, for --faulty */
  readonly chain?: LotusClient;
  /** the miner address as the node takes it (f0…), for --faulty */
  readonly miner?: string;
  readonly required: boolean;
}

/** Every way of naming sectors, merged: given order first, duplicates dropped. */
export async function selectSectors(args: SelectionArgs, ctx: SelectionContext): Promise<Selection> {
  const ranges: [bigint, bigint][] = [];
  const origins: string[] = [];
  const cli = [...(args.numbers ?? []), ...(args.sectors ?? [])].map(String);
  if (cli.some((s) => s.trim() !== '')) {
    for (const s of cli) ranges.push(...parseSectorSpec(s, '--sectors'));
    origins.push('arguments');
  }
  if (args.sectorsFile) {
    ranges.push(...(await readSectorsFile(args.sectorsFile)));
    origins.push(`file ${args.sectorsFile}`);
  }
  let faulty: Selection['faulty'];
  if (args.faulty) {
    if (!ctx.miner) throw new UsageError('--faulty needs --miner f0<id>: the faulty sectors are those of one miner');
    if (!ctx.chain) {
      throw new UsageError(
        '--faulty reads the faulty sectors from a Lotus node: set FULLNODE_API_INFO (or run where ~/.lotus/api and token are, or LOTUS_PATH), or use --devnet; offline, list the sectors with --sectors / --sectors-file',
      );
    }
    const f = await chainFaults(ctx.chain, ctx.miner);
    const all = unionRanges(f.faults, f.recovering);
    ranges.push(...bitsOf(all, MAX_SECTORS, `the faulty sectors of ${ctx.miner}`).map((n): [bigint, bigint] => [n, n]));
    faulty = { faults: count(f.faults), recovering: count(f.recovering), via: f.via };
    origins.push(`chain faults of ${ctx.miner}`);
  }
  const seen = new Set<bigint>();
  const numbers: SectorNumber[] = [];
  for (const [a, b] of ranges) {
    for (let n = a; n <= b; n++) {
      if (seen.has(n)) continue;
      seen.add(n);
      numbers.push(n as SectorNumber);
      if (numbers.length > MAX_SECTORS) throw new UsageError(`more than ${MAX_SECTORS} sectors selected; split the work into several runs`);
    }
  }
  // --faulty with a healthy miner selects nothing: the caller says so and succeeds
  if (numbers.length === 0 && ctx.required && !args.faulty) {
    throw new UsageError('at least one sector must be specified: numbers, --sectors N or 100-180 (repeatable), --sectors-file <file>, or --faulty with --miner');
  }
  return { numbers, origins, ...(faulty ? { faulty } : {}) };
}

const count = (r: BitRanges): number => r.reduce((n, [a, b]) => n + Number(b - a + 1n), 0);
