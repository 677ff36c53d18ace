// `devnet`: serve a fixture network (default fixtures/devnet/network.json) as a Lotus JSON-RPC
// endpoint on loopback, so `export`/`recover --miner` can be tried without a real node.
import type { Argv, CommandModule } from 'yargs';
import { loadNetwork } from '../../devnet/network.js';
import { startDevnet } from '../../devnet/server.js';
import { DEFAULT_DEVNET_NETWORK } from '../package-info.js';


export const devnetCommand: CommandModule = {
  command: 'devnet',
  describe: 'Serve the bundled fixture network as a loopback Lotus JSON-RPC node',
  builder: (y: Argv) =>
    y
      .option('port', { type: 'number', default: 1234, describe: 'TCP port (0 = any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1' })
      .option('network', { type: 'string', default: DEFAULT_DEVNET_NETWORK, describe: 'network description JSON' })
      .option('token', { type: 'string', describe: 'require this bearer token' }),
  handler: async (argv) => {
    const a = argv as unknown as { port: number; host: string; network: string; token?: string };
    const net = await loadNetwork(a.network);
    const d = await startDevnet(net, { port: a.port, host: a.host, ...(a.token ? { token: a.token } : {}) });
    const miners = net.miners.map((m) => `${m.address} (${m.sectors.map((s) => s.number).join(', ')})`).join('; ');
    process.stdout.write(`devnet serving ${a.network}\n  miners: ${miners}\n  export FULLNODE_API_INFO=${d.apiInfo}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void d.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};
