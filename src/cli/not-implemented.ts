import { EXIT } from './errors.js';

/** Placeholder handler for a command whose issue has not landed yet. */
export function notImplemented(command: string): () => void {
  return () => {
    process.stderr.write(`sealer-recover ${command}: not implemented yet\n`);
    process.exitCode = EXIT.failed;
  };
}
