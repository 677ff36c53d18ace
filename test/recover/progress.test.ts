import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createProgress } from '../../src/cli/progress.js';

function sink() {
  const s = new PassThrough();
  let t = '';
  s.on('data', (c) => (t += c));
  return { s, text: () => t };
}

describe('progress display', () => {
  it('plain mode: phase changes at once, stage progress throttled, the end of a stage always', () => {
    const o = sink();
    const p = createProgress({ tty: false, out: o.s, intervalMs: 60_000 });
    p.phase!('s-t01000-1', 'sealing');
    p.progress!('s-t01000-1', { stage: 'pc1', layer: 1, done: 10, total: 64 });
    p.progress!('s-t01000-1', { stage: 'pc1', layer: 1, done: 20, total: 64 }); // throttled
    p.progress!('s-t01000-1', { stage: 'pc1', layer: 1, done: 64, total: 64 });
    p.phase!('s-t01000-1', 'done', 'recovered');
    p.stop();
    const lines = o.text().trim().split('\n').map((l) => l.replace(/^\S+ /, ''));
    expect(lines).toEqual(['s-t01000-1 sealing', 's-t01000-1 pc1 layer 1 15.6% (10/64)', 's-t01000-1 pc1 layer 1 100.0% (64/64)', 's-t01000-1 done (recovered)']);
  });

  it('TTY mode draws a bar per sector with stage and percentage', () => {
    const o = sink();
    Object.assign(o.s, { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    const p = createProgress({ tty: true, out: o.s });
    p.phase!('s-t01000-1', 'queued');
    p.progress!('s-t01000-1', { stage: 'pc1', layer: 2, done: 32, total: 64 });
    p.stop();
    expect(o.text()).toMatch(/s-t01000-1 \|.*\| 50% pc1 layer 2/);
  });

  it('log lines: plain mode writes them as its own timestamped lines; TTY mode puts them above the bars', () => {
    const o = sink();
    const p = createProgress({ tty: false, out: o.s, intervalMs: 60_000 });
    p.phase!('s-t01000-1', 'sealing');
    p.log('warn  s-t01000-1: something');
    expect(o.text().split('\n').map((l) => l.replace(/^\S+ /, ''))).toEqual(['s-t01000-1 sealing', 'warn  s-t01000-1: something', '']);

    const t = sink();
    Object.assign(t.s, { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    const q = createProgress({ tty: true, out: t.s });
    q.log('warn  before any bar');
    q.phase!('s-t01000-1', 'queued');
    q.log('warn  s-t01000-1: while the bar is up');
    q.stop();
    const text = t.text();
    expect(text).toMatch(/^warn {2}before any bar\n/);
    expect(text).toContain('warn  s-t01000-1: while the bar is up\n');
    expect(text.lastIndexOf('while the bar is up')).toBeLessThan(text.lastIndexOf('s-t01000-1 |'));
  });
});
