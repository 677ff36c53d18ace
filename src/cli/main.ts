import yargs from 'yargs';
import { UsageError, EXIT } from './errors.js';
import { recoverCommand } from './commands/recover.js';
import { exportCommand } from './commands/export.js';
import { verifyCommand } from './commands/verify.js';
import { metastoreCommand } from './commands/metastore.js';
import { commrCommand } from './commands/commr.js';
import { devnetCommand } from './commands/devnet.js';
import { packageVersion } from './package-info.js';


export async function main(argv: string[]): Promise<number> {
  try {
    await yargs(argv)
      .scriptName('sealer-recover')
      .usage('$0 [command] [options]\n\nRecover lost Filecoin sectors bit-exactly and repair lotus-miner metadata.')
      .command(recoverCommand)
      .command(exportCommand)
      .command(verifyCommand)
      .command(metastoreCommand)
      .command(commrCommand)
      .command(devnetCommand)
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
    if (err instanceof UsageError) {
      process.stderr.write(`sealer-recover: ${err.message}\n`);
      return EXIT.usage;
    }
    // Operators get the message; the stack trace only when asked for (SEALER_RECOVER_DEBUG=1).
    const e = err as Error;
    process.stderr.write(`sealer-recover: ${process.env.SEALER_RECOVER_DEBUG ? (e.stack ?? String(e)) : (e.message ?? String(e))}\n`);
    return EXIT.failed;
  }
  // Command handlers report partial failure through process.exitCode (EXIT.failed).
  return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
}
