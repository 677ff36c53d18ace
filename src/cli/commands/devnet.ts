// `devnet`: serve a fixture network (default fixtures/devnet/network.json) as a Lotus JSON-RPC
// endpoint on loopback, so `export`/`recover --miner` can be tried without a real node. Runs until
// Ctrl-C / SIGTERM, which is its normal way to stop.
import type { Argv } from 'yargs';
import { loadNetwork } from '../../devnet/network.js';
import { startDevnet } from '../../devnet/server.js';
import { expandHome } from '../args.js';
import { defineCommand, type CliDeps, type Outcome } from '../command.js';
import { DEFAULT_DEVNET_NETWORK } from '../package-info.js';

export interface DevnetArgs {
  readonly port: number;
  readonly host: string;
  readonly network: string;
  readonly token?: string;
}

export async function runDevnet(a: DevnetArgs, deps: CliDeps): Promise<Outcome> {
  const network = expandHome(a.network);
  const net = await loadNetwork(network);
  const d = await startDevnet(net, { port: a.port, host: a.host, ...(a.token ? { token: a.token } : {}) });
  const miners = net.miners
    .map((m) => `${m.address} (sectors ${m.sectors.map((s) => s.number).join(', ')}${m.faults.length ? `; faulty ${m.faults.join(', ')}` : ''})`)
    .join('; ');
  deps.stdout.write(`devnet serving ${network}\n  miners: ${miners}\n  export FULLNODE_API_INFO=${d.apiInfo}\n`);
  const signal = deps.signal;
  if (signal && !signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await d.close();
  return 'ok';
}

export const devnetCommand = defineCommand<DevnetArgs>({
  command: 'devnet',
  describe: 'Serve the bundled fixture network as a loopback Lotus JSON-RPC node',
  interruptNotice: 'sealer-recover devnet: stopping',
  builder: (y: Argv) =>
    y
      .option('port', { type: 'number', default: 1234, describe: 'TCP port (0 = any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1' })
      .option('network', { type: 'string', default: DEFAULT_DEVNET_NETWORK, describe: 'network description JSON' })
      .option('token', { type: 'string', describe: 'require this bearer token' }) as Argv,
  run: runDevnet,
});
