// The --queue / SEALER_RECOVER_QUEUE value: redis://[user:pass@]host:port[/db] (rediss:// for TLS),
// parsed once at the edge into connection options. The password never leaves this module in
// printable form: `display` is what logs, reports and errors show (docs/queue.md#connecting).
import { UsageError } from '../errors.js';

export interface QueueTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
  /** the URL with any credentials masked: safe for logs and reports */
  readonly display: string;
}

export const QUEUE_ENV = 'SEALER_RECOVER_QUEUE';

/** The queue the flag (or else the environment) names; a UsageError naming the problem when neither or a bad one. */
export function queueTarget(flag: string | undefined, env: NodeJS.ProcessEnv): QueueTarget {
  const raw = flag ?? env[QUEUE_ENV];
  if (raw === undefined || raw.trim() === '') {
    throw new UsageError(`no queue: give --queue redis://host:port[/db] (or set ${QUEUE_ENV}); start one locally with \`redis-server --port 6379\``);
  }
  return parseQueueUrl(raw.trim());
}

export function parseQueueUrl(raw: string): QueueTarget {
  let u: URL;
  // an error must not echo the value: it may hold a password
  const bad = (why: string) => new UsageError(`--queue: ${why}; expected redis://[user:password@]host:port[/db], e.g. redis://127.0.0.1:6379/0`);
  try {
    u = new URL(raw);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(`scheme "${u.protocol.replace(/:$/, '')}" is not redis or rediss`);
  if (u.hostname === '') throw bad('no host');
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('port out of range');
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,5}$/.test(path)) throw bad('the path must be a database number (0 by default) or nothing');
  const db = path === '' ? 0 : Number(path);
  if (u.search || u.hash) throw bad('query strings and fragments are not supported');
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const cred = username || password ? `${username ?? ''}${password ? ':***' : ''}@` : '';
  return {
    host,
    port,
    db,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    tls: u.protocol === 'rediss:',
    display: `${u.protocol}//${cred}${u.hostname}:${port}/${db}`,
  };
}
