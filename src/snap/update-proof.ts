// The SnapDeals update proof of a sector and its encoding parameters (docs/snap.md#update-proof):
// one update proof per sector size (StackedDrg<size>V1, ids 0–4), whatever seal proof sealed the key
// (go-state-types SealProofInfos), and h, the number of high node bits that select rho.
import type { SealProof, SectorSizeName } from '../proofs/registry.js';

const SIZE_ORDER: readonly SectorSizeName[] = ['2KiB', '8MiB', '512MiB', '32GiB', '64GiB'];

export interface UpdateProof {
  /** RegisteredUpdateProof id (lotus abi.RegisteredUpdateProof) */
  readonly id: number;
  readonly name: string;
  readonly nodes: bigint;
  /** rho groups are 2^h; h = hs(nodes)[3] */
  readonly h: number;
  /** node v belongs to rho group v >> bitsShr (= log2 nodes − h) */
  readonly bitsShr: number;
  readonly groups: number;
}

/** storage-proofs-update hs(): all 1 up to 32KiB sectors (1024 nodes), else 7..12. */
export const hChoices = (nodes: bigint): readonly number[] => (nodes <= 1024n ? [1, 1, 1, 1, 1, 1] : [7, 8, 9, 10, 11, 12]);

/** The update proof a sector sealed with `proof` is snapped with. */
export function updateProofFor(proof: SealProof): UpdateProof {
  const id = SIZE_ORDER.indexOf(proof.sizeName);
  const h = hChoices(proof.nodes)[3]!;
  const log2 = proof.nodes.toString(2).length - 1;
  return { id, name: `StackedDrg${proof.sizeName}V1`, nodes: proof.nodes, h, bitsShr: log2 - h, groups: 2 ** h };
}
