// Structured logs (pino). With --log-file: JSON lines to that file. Without: one readable line per
// record (`warn  s-t01000-3: pre-committed only: keeping … (key=value)`) handed to a line sink, so
// the progress display can place it between its own output. Level from --log-level.
import pino, { type Logger } from 'pino';

export type { Logger };
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** JSON lines to this file */
  readonly file?: string;
  /** no file: log nothing */
  readonly quietStderr?: boolean;
  /** no file: receives each record as one human-readable line (no trailing newline); default stderr */
  readonly lines?: (line: string) => void;
}

export function createLogger(opts: LoggerOptions): Logger {
  const level = opts.level ?? 'info';
  const base = { name: 'sealer-recover' };
  if (opts.file) return pino({ level, base }, pino.destination({ dest: opts.file, sync: true, mkdir: true }));
  if (opts.quietStderr) return pino({ level: 'silent' });
  const lines = opts.lines ?? ((l: string) => process.stderr.write(`${l}\n`));
  // pino hands a destination one serialized JSON record per write(); we reformat it.
  return pino({ level, base }, { write: (record: string) => lines(formatLogLine(record)) });
}

export const silentLogger = (): Logger => pino({ level: 'silent' });

// Fields every record has, or that the line shows in its own place.
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'sector', 'err']);

const levelName = (n: unknown): string => {
  const v = typeof n === 'number' ? n : 30;
  return v >= 60 ? 'fatal' : v >= 50 ? 'error' : v >= 40 ? 'warn' : v >= 30 ? 'info' : v >= 20 ? 'debug' : 'trace';
};

function fieldValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s,()=]+$/.test(v) ? v : JSON.stringify(v);
  if (v !== null && typeof v === 'object' && 'message' in v && typeof (v as { message: unknown }).message === 'string') {
    return JSON.stringify((v as { message: string }).message); // a serialized Error
  }
  return JSON.stringify(v);
}

/** One pino JSON record → `level  sector: message (key=value, …)`, on a single line. */
export function formatLogLine(record: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(record) as Record<string, unknown>;
  } catch {
    return record.trimEnd().replace(/\s*\n\s*/g, ' ');
  }
  const who = o.sector === undefined ? '' : `${String(o.sector)}: `;
  const extras = Object.entries(o)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${fieldValue(v)}`);
  // the error is the point of an error record: it follows the message instead of trailing as a field
  const err = typeof o.err === 'string' ? o.err : o.err && typeof (o.err as { message?: unknown }).message === 'string' ? (o.err as { message: string }).message : undefined;
  if (o.err !== undefined && err === undefined) extras.push(`err=${fieldValue(o.err)}`);
  const msg = [typeof o.msg === 'string' ? o.msg : '', err].filter(Boolean).join(': ');
  const line = `${levelName(o.level).padEnd(5)} ${who}${msg}${extras.length ? ` (${extras.join(', ')})` : ''}`;
  return line.replace(/\s*\n\s*/g, ' ');
}
