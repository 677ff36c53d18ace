// The shape every command has: yargs options, then `run(args, deps)` returning an outcome. Commands
// never exit, never touch process.* and never choose exit codes: src/cli/main.ts maps outcomes and
// thrown error kinds to exit codes in one place, and tests call `run` without spawning a process.
import type { Argv } from 'yargs';

/** How a command that did not throw ended. */
export type Outcome =
  /** everything asked for was done */
  | 'ok'
  /** the command ran, but some of the work failed (a sector not recovered, damage found); see its report */
  | 'incomplete'
  /** stopped by Ctrl-C / SIGTERM; what was done is kept and a rerun resumes */
  | 'interrupted';

export interface CliDeps {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** stderr is a terminal: progress bars instead of plain lines */
  readonly tty: boolean;
  readonly cwd: string;
  /** aborted at the first Ctrl-C / SIGTERM for commands with an interruptNotice */
  readonly signal?: AbortSignal;
}

export interface CliCommand<A = Record<string, unknown>> {
  readonly command: string | readonly string[];
  readonly describe: string;
  readonly builder: (y: Argv) => Argv;
  /** long-running: the first Ctrl-C / SIGTERM prints this and aborts deps.signal; a second quits at once */
  readonly interruptNotice?: string;
  run(args: A, deps: CliDeps): Promise<Outcome>;
}

/** Declares a command with its argument type; yargs hands `run` the parsed argv. */
export const defineCommand = <A>(c: CliCommand<A>): CliCommand<A> => c;
