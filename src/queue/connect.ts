// Redis connection options for BullMQ from a parsed --queue target (docs/queue.md#connecting).
// Workers reconnect for ever (a Redis restart must not end a 3-hour PC1); the short-lived
// commands (enqueue, status) give up after a few tries with an error naming the queue.
import type { RedisOptions } from 'bullmq';
import { IoError } from '../errors.js';
import type { QueueTarget } from './url.js';

export type ConnectionRole = 'worker' | 'client';

export function connectionOptions(t: QueueTarget, role: ConnectionRole): RedisOptions {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    ...(t.username ? { username: t.username } : {}),
    ...(t.password ? { password: t.password } : {}),
    ...(t.tls ? { tls: {} } : {}),
    connectTimeout: 5000,
    // BullMQ's blocking commands need this for workers; clients fail a command after the retries below
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    retryStrategy: role === 'worker' ? (times: number) => Math.min(250 * times, 5000) : (times: number) => (times > 3 ? null : 200 * times),
  };
}

/** The error a command shows when Redis cannot be reached: the masked URL and what to check. */
export function unreachable(t: QueueTarget, cause: unknown): IoError {
  const why = (cause as Error)?.message ?? String(cause);
  return new IoError(`cannot reach the queue at ${t.display} (${why}); is redis-server running there and reachable from this machine?`);
}
