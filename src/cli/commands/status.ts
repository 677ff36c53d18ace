// `status`: where every queued sector stands (waiting / active on worker W at stage S x% /
// recovered at path / mismatch / failed with reason / retried n times), totals and an ETA.
// --json prints the run report in the shape `recover --json` writes, with a `queue` section.
// Exit 0 only when every sector is recovered (docs/queue.md#status).
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { queueArg, queueOption } from '../args.js';
import { defineCommand, type CliDeps, type Outcome } from '../command.js';
import { packageVersion } from '../package-info.js';

export interface StatusArgs {
  readonly queue?: string;
  readonly json?: boolean;
  readonly watch?: boolean;
  readonly intervalMs?: number;
}

export async function runStatus(args: StatusArgs, deps: CliDeps): Promise<Outcome> {
  const target = queueArg(args.queue, deps.env);
  const interval = args.intervalMs === undefined ? 2000 : Number(args.intervalMs);
  if (!Number.isInteger(interval) || interval < 100) throw new UsageError(`--interval-ms must be a whole number ≥ 100, got ${String(args.intervalMs)}`);
  const { openQueue } = await import('../../queue/enqueue.js');
  const { allQueueRecovered, collectStatus, renderStatus } = await import('../../queue/status.js');
  const q = await openQueue(target);
  try {
    for (;;) {
      const { status, report } = await collectStatus(q, target, packageVersion());
      const last = !args.watch || status.settled || deps.signal?.aborted === true;
      if (args.json) {
        // --watch --json: one report per line while it changes (JSON Lines), the last one final
        deps.stdout.write(args.watch ? `${JSON.stringify(report)}\n` : `${JSON.stringify(report, null, 2)}\n`);
      } else {
        if (args.watch && deps.tty) deps.stdout.write('\x1b[2J\x1b[H');
        deps.stdout.write(`${renderStatus(status)}\n`);
      }
      if (last) {
        if (status.totals.sectors === 0 && !args.json) deps.stderr.write(`no sectors in the queue at ${target.display}; add them with \`sealer-recover enqueue\`\n`);
        if (deps.signal?.aborted) return 'interrupted';
        return allQueueRecovered(status) ? 'ok' : 'incomplete';
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, interval);
        deps.signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
    }
  } finally {
    await q.close();
  }
}

export const statusCommand = defineCommand<StatusArgs>({
  command: 'status',
  describe: 'Show each queued sector\'s state, totals and ETA; exit 0 when all are recovered',
  interruptNotice: 'sealer-recover: status stopping',
  builder: (y: Argv) =>
    queueOption(y)
      .option('json', { type: 'boolean', default: false, describe: 'print the report (the shape of `recover --json`, plus a `queue` section)' })
      .option('watch', { type: 'boolean', default: false, describe: 'refresh until nothing is waiting, active or retrying' })
      .option('interval-ms', { type: 'number', describe: 'refresh interval for --watch (default 2000)' }) as Argv,
  run: runStatus,
});
