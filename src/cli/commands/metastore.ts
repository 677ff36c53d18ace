import type { CommandModule } from 'yargs';
import { notImplemented } from '../not-implemented.js';

export const metastoreCommand: CommandModule = {
  command: 'metastore <action> <dir>',
  describe: 'Inspect, dump, list sectors of, or repair a lotus-miner metadata store (LevelDB)',
  builder: (y) =>
    y
      .positional('action', { choices: ['inspect', 'dump', 'sectors', 'repair'] as const })
      .positional('dir', { type: 'string' }),
  handler: notImplemented('metastore'),
};
