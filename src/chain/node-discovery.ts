// Which Lotus node to ask when the user named none (docs/chain.md#finding-the-node): like lotus's
// own CLI, FULLNODE_API_INFO first, else the daemon's repo — $LOTUS_PATH or ~/.lotus — whose `api`
// file holds the listening multiaddr and `token` the JWT the daemon wrote at start.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';

export interface FoundNode {
  /** a FULLNODE_API_INFO-shaped value: [token:]multiaddr */
  readonly apiInfo: string;
  /** where it came from, for messages: "FULLNODE_API_INFO" or "~/.lotus/api" */
  readonly from: string;
}

const read = (p: string) => readFile(p, 'utf8').then((t) => t.trim(), (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));

/** The node the environment points at, or undefined when there is none. */
export async function discoverNode(env: NodeJS.ProcessEnv): Promise<FoundNode | undefined> {
  if (env.FULLNODE_API_INFO && env.FULLNODE_API_INFO.trim() !== '') return { apiInfo: env.FULLNODE_API_INFO, from: 'FULLNODE_API_INFO' };
  const explicit = env.LOTUS_PATH !== undefined && env.LOTUS_PATH !== '';
  const repo = explicit ? env.LOTUS_PATH! : join(env.HOME || homedir(), '.lotus');
  let api: string | undefined;
  let token: string | undefined;
  try {
    api = await read(join(repo, 'api'));
    token = await read(join(repo, 'token'));
  } catch (e) {
    throw new InputError(`cannot read the Lotus repo ${repo} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set FULLNODE_API_INFO=<token>:<multiaddr> instead`);
  }
  if (!api) {
    // An explicit LOTUS_PATH without an api file means the daemon is not running there: say so.
    if (explicit) throw new InputError(`LOTUS_PATH=${repo} has no "api" file: is the lotus daemon running with this repo? Or set FULLNODE_API_INFO=<token>:<multiaddr>`);
    return undefined;
  }
  return { apiInfo: token ? `${token}:${api}` : api, from: join(repo, 'api') };
}
