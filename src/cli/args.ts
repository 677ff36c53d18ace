// Argument parsing shared by the commands: paths with `~`, sector lists, --parallel, --miner, and
// the flags that choose a source of sector records. Values are validated here, at the edge; a bad
// value is a UsageError or InputError naming the flag (both exit 2).
import type { Argv } from 'yargs';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { formatMinerAddress, parseMinerAddress, type MinerAddress } from '../chain/address.js';
import { asSectorNumber, type SectorNumber } from '../proofs/types.js';
import { openRecordSource } from '../records/open-source.js';
import type { SectorRecordSource } from '../records/source.js';
import { readProofsSettings, type ProofsSettings } from '../sector/settings.js';
import { discoverNode } from '../chain/node-discovery.js';
import { parseApiInfo } from '../chain/api-info.js';
import { LotusClient } from '../chain/lotus-client.js';
import { parseSectorSpec, selectSectors, type Selection, type SelectionArgs } from '../recover/sector-selection.js';
import { DEFAULT_DEVNET_NETWORK } from './package-info.js';
import { QUEUE_ENV, queueTarget, type QueueTarget } from '../queue/url.js';
import type { TreeBuilder } from '../seal/tree-builder.js';

/** `~` expanded consistently (the Go tool expanded it for temp but not for the result dirs). */
export const expandHome = (p: string): string => resolve(p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : p);

export interface SectorArgs {
  readonly numbers?: readonly (string | number)[];
  readonly sectors?: readonly (string | number)[];
}

/** Positional numbers and --sectors (repeatable, comma lists, ranges 100-180), deduplicated in order. */
export function sectorNumbers(args: SectorArgs, opts: { required: boolean }): SectorNumber[] {
  const raw = [...(args.numbers ?? []), ...(args.sectors ?? [])].map(String).filter((s) => s.trim() !== '');
  if (raw.length === 0 && opts.required) throw new UsageError('at least one sector must be specified (positional numbers or --sectors N or 100-180, repeatable)');
  const seen = new Set<bigint>();
  const out: SectorNumber[] = [];
  for (const r of raw) {
    for (const [a, b] of parseSectorSpec(r, '--sectors')) {
      for (let n = a; n <= b; n++) {
        if (!seen.has(n)) out.push(asSectorNumber(n));
        seen.add(n);
      }
    }
  }
  return out;
}

/** The sector-choosing options of recover and export (positionals and --sectors are declared by each command). */
export function selectionOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('sectors-file', { type: 'string', describe: 'read sector numbers or ranges from this file, one per line (# comments)' })
    .option('faulty', { type: 'boolean', describe: 'every sector the chain marks faulty or recovering for --miner (needs a Lotus node: FULLNODE_API_INFO, $LOTUS_PATH or ~/.lotus, or --devnet)' });
}

/**
 * The sectors the flags select. --faulty asks the record source's node, else the node the
 * environment points at (FULLNODE_API_INFO, $LOTUS_PATH or ~/.lotus).
 */
export async function selectedSectors(
  args: SectorArgs & SelectionArgs & { readonly sectorsFile?: string },
  chain: LotusClient | undefined,
  miner: MinerAddress | undefined,
  opts: { required: boolean },
): Promise<Selection> {
  return selectSectors(
    { ...args, ...(args.sectorsFile ? { sectorsFile: expandHome(args.sectorsFile) } : {}) },
    { ...(chain ? { chain } : {}), ...(miner ? { miner: formatMinerAddress(miner) } : {}), required: opts.required },
  );
}

/** A client for the node the environment points at (FULLNODE_API_INFO, $LOTUS_PATH/~/.lotus), or undefined. */
export async function environmentNode(env: NodeJS.ProcessEnv): Promise<LotusClient | undefined> {
  const found = await discoverNode(env);
  return found ? new LotusClient({ api: parseApiInfo(found.apiInfo) }) : undefined;
}

/**
 * The chain for --faulty and deadline order: the source's own node, else the environment's. A broken
 * LOTUS_PATH must not stop an offline run (the reason goes into the plan), but --faulty cannot do
 * without a node.
 */
export async function chainFor(
  source: { readonly chain?: LotusClient },
  env: NodeJS.ProcessEnv,
  faulty: boolean,
): Promise<{ chain: LotusClient | undefined; nodeProblem?: string }> {
  if (source.chain) return { chain: source.chain };
  try {
    return { chain: await environmentNode(env) };
  } catch (e) {
    if (faulty) throw e;
    return { chain: undefined, nodeProblem: (e as Error).message };
  }
}

/**
 * `--devnet` takes an optional network file, so `recover --devnet 1` hands it "1": a value that is
 * no file but reads as sectors goes back to the sector list and the bundled network is served.
 */
export function splitDevnetArg<A extends SourceArgs & SectorArgs>(args: A): A {
  const v = args.devnet;
  if (typeof v !== 'string' || v === '' || existsSync(expandHome(v)) || !/^\d[\d,.\s-]*$/.test(v)) return args;
  return { ...args, devnet: true, numbers: [v, ...(args.numbers ?? [])] };
}

export function parallelArg(v: unknown, flag = '--parallel'): number {
  const n = v === undefined ? 1 : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number ≥ 1, got ${String(v)}`);
  return n;
}

export const minerArg = (v: string | undefined): MinerAddress | undefined => (v === undefined ? undefined : parseMinerAddress(v, '--miner'));

/** FIL_PROOFS_* from the command's environment, read once per command (docs/settings.md). */
export const settingsArg = (env: NodeJS.ProcessEnv): ProofsSettings => readProofsSettings(env);

export interface SourceArgs {
  readonly sectorsRecoveryMetadata?: string;
  readonly metadataStore?: string;
  /** how --metadata-store is read (docs/metastore-recovery.md#strict); lenient unless asked */
  readonly metadataStoreMode?: 'strict' | 'lenient';
  /** true / '' = the bundled network; a string = that network JSON */
  readonly devnet?: string | boolean;
}

/** The options that choose where sector records come from (FULLNODE_API_INFO when none is given). */
export function sourceOptions<T>(y: Argv<T>, what: string, opts: { exportFile?: boolean } = {}): Argv<T> {
  const withFile =
    opts.exportFile === false
      ? y
      : y.option('sectors-recovery-metadata', { alias: 'metadata', type: 'string', describe: `${what} from this export file (sectors-recovery-<miner>.json, written by \`export\`)` });
  return withFile
    .option('metadata-store', { type: 'string', describe: `${what} from lotus-miner's own store: <repo>/datastore/metadata (stop lotus-miner first)` })
    .option('metadata-store-mode', {
      choices: ['strict', 'lenient'] as const,
      describe: '--metadata-store read as goleveldb opens it with lotus\'s options (strict: any damage refuses the store, exit 1, naming file and offset) or every checksum-valid record (lenient, the default; damage becomes warnings)',
    })
    .option('devnet', { type: 'string', describe: `${what} from the bundled loopback devnet (--devnet alone) or from --devnet <network.json>, instead of a Lotus node` });
}

/**
 * The record source the flags name, or the environment's node (FULLNODE_API_INFO, else $LOTUS_PATH
 * or ~/.lotus as lotus finds its daemon), or undefined when there is none.
 */
export async function openSource(args: SourceArgs, env: NodeJS.ProcessEnv, miner: MinerAddress | undefined): Promise<SectorRecordSource | undefined> {
  const devnet = args.devnet === undefined || args.devnet === false ? undefined : typeof args.devnet === 'string' && args.devnet !== '' ? expandHome(args.devnet) : DEFAULT_DEVNET_NETWORK;
  const other = args.sectorsRecoveryMetadata || args.metadataStore || devnet;
  if (args.metadataStoreMode && !args.metadataStore) throw new UsageError('--metadata-store-mode applies to --metadata-store: give the store, or drop the mode');
  const node = other ? undefined : await discoverNode(env);
  return openRecordSource({
    ...(args.sectorsRecoveryMetadata ? { exportFile: expandHome(args.sectorsRecoveryMetadata) } : {}),
    ...(args.metadataStore ? { metadataStore: expandHome(args.metadataStore) } : {}),
    ...(args.metadataStoreMode ? { metadataStoreMode: args.metadataStoreMode } : {}),
    ...(devnet ? { devnet } : {}),
    ...(node ? { apiInfo: node.apiInfo } : {}),
    ...(miner ? { miner } : {}),
  });
}

/** --queue redis://[user:pass@]host:port[/db] (or SEALER_RECOVER_QUEUE) for enqueue, worker and status. */
export function queueOption<T>(y: Argv<T>): Argv<T> {
  return y.option('queue', { type: 'string', describe: `Redis holding the job queue: redis://[user:password@]host:port[/db] (default $${QUEUE_ENV})` });
}

/** The queue the flag or the environment names, checked here; credentials stay out of every message. */
export const queueArg = (flag: string | undefined, env: NodeJS.ProcessEnv): QueueTarget => queueTarget(flag, env);
/** --gpu, for the commands that build tree-c / tree-r-last (docs/gpu.md#selection). */
export const gpuOptionSpec = {
  type: 'string',
  default: 'auto',
  describe: 'who builds the Poseidon trees: auto (an OpenCL GPU that passes its self-test, else the CPU), off, opencl or opencl:<platform>:<device> (see `devices`)',
} as const;

/**
 * The TreeBuilder for a --gpu value; `notice` gets the one line saying which device builds the
 * trees or why the CPU does. The OpenCL library comes from SDR_OPENCL_LIBRARY in `env`.
 */
export async function treeBuilderArg(value: string | undefined, env: NodeJS.ProcessEnv, notice: (line: string) => void): Promise<TreeBuilder> {
  const { selectTreeBuilder, parseGpuMode } = await import('../gpu/select.js');
  const { openclLibrary } = await import('../gpu/devices.js');
  const mode = parseGpuMode(value ?? 'auto');
  const library = openclLibrary(env);
  return selectTreeBuilder(mode, { ...(library ? { library } : {}), onNotice: notice });
}
