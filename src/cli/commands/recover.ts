import type { CommandModule } from 'yargs';
import { notImplemented } from '../not-implemented.js';

// Flags follow the original Go tool (froghub-io/filecoin-sealer-recover).
export const recoverCommand: CommandModule = {
  command: ['recover [sectors..]', '$0'],
  describe: 'Re-seal lost sectors, verify CommR against the chain, publish into --sealing-result',
  builder: (y) =>
    y
      .positional('sectors', { type: 'number', array: true, describe: 'sector numbers to recover' })
      .option('miner', { type: 'string', describe: 'miner actor ID address, e.g. f01000' })
      .option('sectors', { type: 'number', array: true, describe: 'sector number (repeatable)' })
      .option('parallel', { type: 'number', default: 1, describe: 'sectors sealed at once' })
      .option('sealing-result', { type: 'string', describe: 'storage path that receives sealed/ and cache/' })
      .option('sealing-temp', { type: 'string', describe: 'scratch directory for layers and trees' })
      .option('sectors-recovery-metadata', {
        alias: 'metadata',
        type: 'string',
        describe: 'sectors-recovery-<miner>.json written by `export`',
      }),
  handler: notImplemented('recover'),
};
