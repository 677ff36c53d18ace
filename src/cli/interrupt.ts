import { EXIT } from './errors.js';

/**
 * Runs a long command with an AbortSignal wired to Ctrl-C / SIGTERM: the first signal asks the work
 * to stop cleanly (checkpoints stay, the next run resumes), a second one quits at once.
 */
export async function withInterrupt<T>(notice: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSignal = () => {
    if (ac.signal.aborted) process.exit(EXIT.failed);
    process.stderr.write(`\n${notice} (Ctrl-C again to quit at once)\n`);
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
