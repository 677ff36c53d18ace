// Child process for the batch kill test (e2e.test.ts): the parent SIGKILLs it mid-labeling.
import { batchRun } from './batch-run.js';

const [temp, result] = process.argv.slice(2) as [string, string];
await batchRun(temp, result);
process.stdout.write('finished without being killed\n');
