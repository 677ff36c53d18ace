// Child process for the crash tests: recovers sector 1 and SIGKILLs itself at a publish step.
import { recoverSectors } from '../../../src/recover/recover.js';
import { asSectorNumber } from '../../../src/proofs/types.js';
import type { PublishStep } from '../../../src/recover/publish.js';
import { FakeSealer, E2E_2K } from './fake-sealer.js';
import { f01000, options, records } from './setup.js';

const [temp, result, killAt] = process.argv.slice(2) as [string, string, PublishStep];
await recoverSectors(
  f01000,
  records([{ n: 1, sealedCid: E2E_2K.sealedCid }]),
  [asSectorNumber(1)],
  options({ temp, result }, new FakeSealer({ [E2E_2K.replicaId]: E2E_2K }), {
    publishFault: (step) => {
      if (step === killAt) process.kill(process.pid, 'SIGKILL');
    },
  }),
);
process.stdout.write('finished without being killed\n');
