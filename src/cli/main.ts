// The CLI entry: registers every command, runs it with the process's streams, and turns how it
// ended into an exit code. This file is the only place that knows exit codes (docs/report.md):
//   0 ok · 1 some work failed, or damage/mismatch/I-O failure · 2 usage or bad input · 130 interrupted
import yargs from 'yargs';
import { errorKind, UsageError, type ErrorKind } from '../errors.js';
import type { CliCommand, CliDeps, Outcome } from './command.js';
import { commrCommand } from './commands/commr.js';
import { devicesCommand } from './commands/devices.js';
import { devnetCommand } from './commands/devnet.js';
import { exportCommand } from './commands/export.js';
import { metastoreCommand } from './commands/metastore.js';
import { recoverCommand } from './commands/recover.js';
import { verifyCommand } from './commands/verify.js';
import { unsealCommand } from './commands/unseal.js';
import { enqueueCommand } from './commands/enqueue.js';
import { workerCommand } from './commands/worker.js';
import { statusCommand } from './commands/status.js';
import { packageVersion } from './package-info.js';

export const EXIT_CODES: Readonly<Record<Outcome | ErrorKind, number>> = {
  ok: 0,
  incomplete: 1,
  mismatch: 1,
  io: 1,
  corruption: 1,
  internal: 1,
  usage: 2,
  input: 2,
  interrupted: 130,
  cancelled: 130,
};

const COMMANDS: readonly CliCommand<never>[] = [recoverCommand, exportCommand, verifyCommand, unsealCommand, metastoreCommand, commrCommand, devnetCommand, enqueueCommand, workerCommand, statusCommand, devicesCommand];

export function processDeps(): CliDeps {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, tty: process.stderr.isTTY === true, cwd: process.cwd() };
}

/**
 * Runs a long command with an AbortSignal wired to Ctrl-C / SIGTERM: the first signal asks the work
 * to stop cleanly (checkpoints stay, the next run resumes), a second one quits at once.
 */
async function withInterrupt<T>(notice: string, out: NodeJS.WritableStream, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSignal = () => {
    if (ac.signal.aborted) process.exit(EXIT_CODES.interrupted);
    out.write(`\n${notice} (Ctrl-C again to quit at once)\n`);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await run(ac.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export async function main(argv: string[], deps: CliDeps = processDeps()): Promise<number> {
  let outcome: Outcome = 'ok';
  const register = (y: ReturnType<typeof yargs>, c: CliCommand<never>) =>
    y.command({
      command: c.command as string | string[],
      describe: c.describe,
      builder: c.builder,
      handler: async (args) => {
        const run = (d: CliDeps) => c.run(args as never, d);
        outcome = c.interruptNotice && !deps.signal ? await withInterrupt(c.interruptNotice, deps.stderr, (signal) => run({ ...deps, signal })) : await run(deps);
      },
    });
  try {
    let y = yargs(argv)
      .scriptName('sealer-recover')
      .usage('$0 [command] [options]\n\nRecover lost Filecoin sectors bit-exactly and repair lotus-miner metadata.');
    for (const c of COMMANDS) y = register(y, c);
    await y
      .strict()
      .version(packageVersion())
      .help()
      .alias('h', 'help')
      .wrap(Math.min(110, process.stdout.columns ?? 100))
      .fail((msg, err) => {
        if (err) throw err;
        throw new UsageError(msg);
      })
      .parseAsync();
  } catch (err) {
    const kind = errorKind(err);
    const e = err as Error;
    // Operators get the message; the stack trace only when asked for (SEALER_RECOVER_DEBUG=1).
    const text = deps.env.SEALER_RECOVER_DEBUG ? (e.stack ?? String(e)) : (e.message ?? String(e));
    const hint = kind === 'internal' && !deps.env.SEALER_RECOVER_DEBUG ? ' (an unexpected error: rerun with SEALER_RECOVER_DEBUG=1 for details and report it)' : '';
    deps.stderr.write(`sealer-recover: ${text}${hint}\n`);
    return EXIT_CODES[kind];
  }
  return EXIT_CODES[outcome];
}
