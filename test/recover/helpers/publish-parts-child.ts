// Child process for the crash tests: publishes the given parts of NAME and SIGKILLs itself at a step.
import { publish, type PublishStep } from '../../../src/recover/publish.js';
import type { PublishPart } from '../../../src/recover/result-paths.js';
import { NAME, workParts } from './publish-parts.js';

const [work, result, parts, killAt] = process.argv.slice(2) as [string, string, string, PublishStep];
const entries = await workParts(work, parts.split(',') as PublishPart[]);
await publish(NAME, entries, {
  resultRoot: result,
  fault: (step) => {
    if (step === killAt) process.kill(process.pid, 'SIGKILL');
  },
});
process.stdout.write('finished without being killed\n');
