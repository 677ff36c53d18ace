// Per-sector progress: a cli-progress multibar on a TTY (stage, layer, %, rate, ETA), otherwise
// plain lines — every phase change at once, stage progress at most every `intervalMs`. Log lines
// (src/recover/logger.ts) go through `log` so they land between, not inside, the display's output.
import cliProgress from 'cli-progress';
import type { SectorEvents, SectorPhase } from '../sector-events.js';
import type { SealProgress } from '../seal/contracts.js';

export interface ProgressDisplay extends SectorEvents {
  /** one log line (no newline), placed so it does not break the display */
  log(line: string): void;
  stop(): void;
}

const stageLabel = (p: SealProgress): string =>
  p.layer !== undefined ? `${p.stage} layer ${p.layer}` : p.device !== undefined && p.device !== 'cpu' ? `${p.stage} on ${p.device}` : p.stage;

export function createProgress(opts: { tty: boolean; out: NodeJS.WritableStream; intervalMs?: number }): ProgressDisplay {
  return opts.tty ? multibar(opts.out) : plain(opts.out, opts.intervalMs ?? 10_000);
}

function multibar(out: NodeJS.WritableStream): ProgressDisplay {
  const mb = new cliProgress.MultiBar(
    {
      stream: out as NodeJS.WriteStream,
      format: ' {name} |{bar}| {percentage}% {stage} {rate} ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: cliProgress.SingleBar; stage: string; t: number; done: number; rate: string }>();
  const get = (name: string) => {
    let b = bars.get(name);
    if (!b) {
      b = { bar: mb.create(1, 0, { name, stage: 'queued', rate: '' }), stage: '', t: Date.now(), done: 0, rate: '' };
      bars.set(name, b);
    }
    return b;
  };
  return {
    log(line: string) {
      // Above the bars once they are drawn (cli-progress redraws them below); before, plainly.
      if (bars.size > 0) mb.log(`${line}\n`);
      else out.write(`${line}\n`);
    },
    phase(name: string, phase: SectorPhase, detail?: string) {
      const b = get(name);
      if (phase === 'done') {
        b.bar.setTotal(1);
        b.bar.update(1, { stage: detail ?? 'done', rate: '' });
      } else if (phase !== 'sealing') b.bar.update(0, { stage: phase, rate: '' });
    },
    progress(name: string, p: SealProgress) {
      const b = get(name);
      const label = stageLabel(p);
      const now = Date.now();
      if (label !== b.stage) {
        b.stage = label;
        b.t = now;
        b.done = p.done;
        b.bar.setTotal(Math.max(1, p.total));
      } else if (now - b.t >= 1000) {
        b.rate = `${Math.round(((p.done - b.done) * 1000) / (now - b.t))}/s`;
        b.t = now;
        b.done = p.done;
      }
      b.bar.update(p.done, { stage: label, rate: b.rate });
    },
    stop() {
      if (bars.size > 0) mb.update(); // flushes log lines still waiting for a redraw
      mb.stop();
    },
  };
}

function plain(out: NodeJS.WritableStream, intervalMs: number): ProgressDisplay {
  const last = new Map<string, number>();
  const write = (s: string) => out.write(`${new Date().toISOString()} ${s}\n`);
  return {
    log: write,
    phase(name: string, phase: SectorPhase, detail?: string) {
      write(`${name} ${phase}${detail ? ` (${detail})` : ''}`);
    },
    progress(name: string, p: SealProgress) {
      const now = Date.now();
      const end = p.done >= p.total;
      if (!end && now - (last.get(name) ?? 0) < intervalMs) return;
      last.set(name, now);
      const pct = p.total > 0 ? ((100 * p.done) / p.total).toFixed(1) : '0.0';
      write(`${name} ${stageLabel(p)} ${pct}% (${p.done}/${p.total})`);
    },
    stop() {},
  };
}
