// Argument parsing shared by the commands: paths with `~`, sector lists, --parallel, --miner, and
// the flags that choose a source of sector records. Values are validated here, at the edge; a bad
// value is a UsageError or InputError naming the flag (both exit 2).
import type { Argv } from 'yargs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseMinerAddress, type MinerAddress } from '../chain/address.js';
import { asSectorNumber, type SectorNumber } from '../proofs/types.js';
import { openRecordSource } from '../records/open-source.js';
import type { SectorRecordSource } from '../records/source.js';
import { readProofsSettings, type ProofsSettings } from '../sector/settings.js';
import { DEFAULT_DEVNET_NETWORK } from './package-info.js';
import type { TreeBuilder } from '../seal/tree-builder.js';

/** `~` expanded consistently (the Go tool expanded it for temp but not for the result dirs). */
export const expandHome = (p: string): string => resolve(p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : p);

export interface SectorArgs {
  readonly numbers?: readonly (string | number)[];
  readonly sectors?: readonly (string | number)[];
}

/** Positional numbers and --sectors (repeatable, comma-separated), deduplicated in order. */
export function sectorNumbers(args: SectorArgs, opts: { required: boolean }): SectorNumber[] {
  const raw = [...(args.numbers ?? []), ...(args.sectors ?? [])].flatMap((v) => String(v).split(',')).filter((s) => s.trim() !== '');
  if (raw.length === 0 && opts.required) throw new UsageError('at least one sector must be specified (positional numbers or --sectors N, repeatable)');
  const seen = new Set<bigint>();
  const out: SectorNumber[] = [];
  for (const r of raw) {
    let n: SectorNumber;
    try {
      n = asSectorNumber(r.trim());
    } catch (e) {
      throw new UsageError(`could not parse sector number "${r}": ${(e as Error).message}`);
    }
    if (!seen.has(n)) out.push(n);
    seen.add(n);
  }
  return out;
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
    .option('devnet', { type: 'string', describe: `${what} from the bundled loopback devnet (or the given network JSON) instead of FULLNODE_API_INFO` });
}

/** The record source the flags name, or FULLNODE_API_INFO's node, or undefined when there is none. */
export async function openSource(args: SourceArgs, env: NodeJS.ProcessEnv, miner: MinerAddress | undefined): Promise<SectorRecordSource | undefined> {
  const devnet = args.devnet === undefined || args.devnet === false ? undefined : typeof args.devnet === 'string' && args.devnet !== '' ? expandHome(args.devnet) : DEFAULT_DEVNET_NETWORK;
  return openRecordSource({
    ...(args.sectorsRecoveryMetadata ? { exportFile: expandHome(args.sectorsRecoveryMetadata) } : {}),
    ...(args.metadataStore ? { metadataStore: expandHome(args.metadataStore) } : {}),
    ...(devnet ? { devnet } : {}),
    ...(env.FULLNODE_API_INFO ? { apiInfo: env.FULLNODE_API_INFO } : {}),
    ...(miner ? { miner } : {}),
  });
}

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
