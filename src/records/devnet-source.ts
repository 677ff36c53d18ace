// The bundled fixture network served on loopback and read like any Lotus node: the devnet is
// just another node (docs/chain.md). Closing the source stops the server.
import { LotusClient } from '../chain/lotus-client.js';
import { parseApiInfo } from '../chain/api-info.js';
import { loadNetwork } from '../devnet/network.js';
import { startDevnet } from '../devnet/server.js';
import { lotusNodeSource } from './node-source.js';
import type { SectorRecordSource } from './source.js';

export async function devnetSource(networkPath: string): Promise<SectorRecordSource & { readonly apiInfo: string }> {
  const net = await loadNetwork(networkPath);
  const d = await startDevnet(net);
  const source = lotusNodeSource(new LotusClient({ api: parseApiInfo(d.apiInfo) }), `devnet ${d.url} (${networkPath})`, () => d.close());
  return { ...source, apiInfo: d.apiInfo };
}
