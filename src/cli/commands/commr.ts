import type { CommandModule } from 'yargs';
import { notImplemented } from '../not-implemented.js';

export const commrCommand: CommandModule = {
  command: 'commr',
  describe: 'Print replica_id, comm_d and (with the native core) comm_c, comm_r_last and the CommR CID',
  builder: (y) => y,
  handler: notImplemented('commr'),
};
