import type { CommandModule } from 'yargs';
import { notImplemented } from '../not-implemented.js';

export const exportCommand: CommandModule = {
  command: 'export [sectors..]',
  describe: 'Write sectors-recovery-<miner>.json (ticket, pieces, CommR) from a Lotus node',
  builder: (y) =>
    y
      .positional('sectors', { type: 'number', array: true })
      .option('miner', { type: 'string', demandOption: true, describe: 'miner actor ID address, e.g. f01000' })
      .option('sectors', { type: 'number', array: true, describe: 'sector number (repeatable)' }),
  handler: notImplemented('export'),
};
