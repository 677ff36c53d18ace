// Child process for the lock tests: tries to take the lock at argv[2] once, prints
// {"won":true} or {"won":false,"message":…} on one line, and if it won holds the lock for
// argv[3] ms (heartbeating) before exiting without releasing it (as a killed run would).
import { acquireLock, LockHeldError } from '../../../src/platform/lock.js';

const [path, holdMs] = process.argv.slice(2) as [string, string];
try {
  await acquireLock(path, { purpose: 'the test resource', heartbeatMs: 100 });
  process.stdout.write(`${JSON.stringify({ won: true })}\n`);
  await new Promise((r) => setTimeout(r, Number(holdMs)));
  process.exit(0);
} catch (e) {
  if (!(e instanceof LockHeldError)) throw e;
  process.stdout.write(`${JSON.stringify({ won: false, message: e.message })}\n`);
}
