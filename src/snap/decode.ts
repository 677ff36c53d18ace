// SnapDeals decoding (docs/snap.md#decoding), what rust-fil-proofs decode_from / decode_from_range do:
// data[v] = (new_replica[v] − key[v])·rho⁻¹(v), rho from comm_d_new and comm_r_old (the key's CommR,
// = SectorKeyCID on chain). The output is fr32-padded data; fr32 unpadding makes piece bytes.
import { stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { snapDecodeNative } from '../native/snap.js';
import type { FrKernel } from '../native/poseidon.js';
import type { SealProof } from '../proofs/registry.js';
import type { Commitment } from '../proofs/types.js';
import type { StageOptions } from '../seal/contracts.js';
import { rhoTables } from './rho.js';
import { updateProofFor } from './update-proof.js';

export interface SnapDecodeInputs extends StageOptions {
  readonly proof: SealProof;
  readonly keyPath: string;
  readonly replicaPath: string;
  readonly commDNew: Commitment;
  readonly commROld: Commitment;
  /** receives nodes × 32 bytes at outByteOffset (created if missing, never truncated) */
  readonly outPath: string;
  readonly outByteOffset?: bigint;
  /** default: the whole sector */
  readonly firstNode?: bigint;
  readonly nodes?: bigint;
  /** fail naming the first node that decodes to a value no fr32-padded data can hold */
  readonly checkFr32?: boolean;
  readonly threads?: number;
  readonly kernel?: FrKernel;
}

export async function snapDecode(i: SnapDecodeInputs): Promise<void> {
  const { proof } = i;
  const firstNode = i.firstNode ?? 0n;
  const nodes = i.nodes ?? proof.nodes - firstNode;
  if (nodes <= 0n || firstNode < 0n || firstNode + nodes > proof.nodes)
    throw new InputError(`node range [${firstNode}, ${firstNode + nodes}) is outside the sector (0..${proof.nodes})`);
  for (const [path, what] of [[i.keyPath, 'sector key (sealed file)'], [i.replicaPath, 'snapped replica (update file)']] as const) {
    let size: bigint;
    try {
      size = (await stat(path, { bigint: true })).size;
    } catch {
      throw new InputError(`${what} ${path} does not exist`);
    }
    if (size !== proof.sectorBytes) throw new InputError(`${what} ${path} is ${size} bytes, expected ${proof.sectorBytes} for ${proof.sizeName}`);
  }
  const u = updateProofFor(proof);
  const { rhoInvs } = rhoTables(u, i.commDNew, i.commROld);
  await snapDecodeNative({
    keyPath: i.keyPath,
    replicaPath: i.replicaPath,
    outPath: i.outPath,
    rhoInvs,
    bitsShr: u.bitsShr,
    firstNode,
    nodes,
    outByteOffset: i.outByteOffset ?? 0n,
    checkFr32: i.checkFr32 ?? false,
    ...(i.threads !== undefined ? { threads: i.threads } : {}),
    ...(i.kernel ? { kernel: i.kernel } : {}),
    onProgress: (p) => i.onProgress?.({ stage: 'encode', done: p.done, total: p.total }),
    ...(i.signal ? { signal: i.signal } : {}),
  });
}
