// Runs one `metastore` action as user nobody (uid/gid 65534), for the EACCES tests: the tests run
// as root, for whom file modes do not deny reads. Every module is loaded (as root) before the
// privileges are dropped, so only the store files are opened as nobody, wherever the repository is.
// argv: <json MetastoreArgs>; exit code as the CLI's (src/cli/main.ts EXIT_CODES).
import { runMetastore, type MetastoreArgs } from '../../src/cli/commands/metastore.js';
import { EXIT_CODES } from '../../src/cli/main.js';
import { errorKind } from '../../src/errors.js';

const args = JSON.parse(process.argv[2]!) as MetastoreArgs;
process.setgid!(65534);
process.setuid!(65534);
try {
  const outcome = await runMetastore(args, { stdout: process.stdout, stderr: process.stderr, env: process.env, tty: false, cwd: process.cwd() });
  process.exitCode = EXIT_CODES[outcome];
} catch (e) {
  process.stderr.write(`sealer-recover: ${(e as Error).message}\n`);
  process.exitCode = EXIT_CODES[errorKind(e)];
}
