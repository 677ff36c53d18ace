import type { CommandModule } from 'yargs';
import { notImplemented } from '../not-implemented.js';

export const verifyCommand: CommandModule = {
  command: 'verify',
  describe: 'Scan sealed sectors for integrity (CommR recomputed from the replica)',
  builder: (y) => y,
  handler: notImplemented('verify'),
};
