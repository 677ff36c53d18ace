// Structured logs (pino): JSON to --log-file, or to stderr when no progress display owns the
// terminal. Level from --log-level.
import pino, { type Logger } from 'pino';

export type { Logger };
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(opts: { level?: LogLevel; file?: string; quietStderr?: boolean }): Logger {
  const level = opts.level ?? 'info';
  if (opts.file) return pino({ level, base: { name: 'sealer-recover' } }, pino.destination({ dest: opts.file, sync: true, mkdir: true }));
  if (opts.quietStderr) return pino({ level: 'silent' });
  return pino({ level, base: { name: 'sealer-recover' } }, pino.destination({ dest: 2, sync: true }));
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
