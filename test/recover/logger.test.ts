// Human log lines: real pino records (the library's own serialization) rendered as one line each.
import { describe, expect, it } from 'vitest';
import { createLogger, formatLogLine } from '../../src/recover/logger.js';

describe('readable log lines', () => {
  it('level, sector, message, then the other fields; errors follow the message; multi-line text folded', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', lines: (l) => lines.push(l) });
    log.warn({ sector: 's-t01000-3' }, 'pre-committed only: keeping layers');
    log.child({ sector: 's-t01000-1' }).error({ err: 'disk full\n  at x.js:1' }, 'failed');
    log.info({ sectors: ['s-t01000-1', 's-t01000-2'], path: '/a b/c', n: 2 }, 'labeling together');
    log.error({ err: new Error('boom') }, 'crashed');
    log.debug('not at this level');
    expect(lines).toEqual([
      'warn  s-t01000-3: pre-committed only: keeping layers',
      'error s-t01000-1: failed: disk full at x.js:1',
      'info  labeling together (sectors=["s-t01000-1","s-t01000-2"], path="/a b/c", n=2)',
      'error crashed: boom',
    ]);
  });

  it('a line that is not JSON passes through on one line', () => {
    expect(formatLogLine('plain text\nsecond\n')).toBe('plain text second');
  });
});
