// Registered seal proofs 0–19 (go-state-types abi/sector.go, rust-filecoin-proofs-api
// src/registry.rs), with the shapes of rust-fil-proofs filecoin-proofs/src/constants.rs.
import { InputError } from '../errors.js';
import { type PorepId } from './types.js';

export type ApiVersion = 'V1_0_0' | 'V1_1_0' | 'V1_2_0';
export type ProofFeature = 'SyntheticPoRep' | 'NonInteractivePoRep';
export type SectorSizeName = '2KiB' | '8MiB' | '512MiB' | '32GiB' | '64GiB';

/** Merkle tree shape: base arity 8, optional sub-tree (8) and top (2) arities, 0 = absent. */
export interface TreeShape {
  readonly base: 8;
  readonly sub: 0 | 8;
  readonly top: 0 | 2;
}

export interface SealProof {
  readonly id: number;
  readonly name: string;
  /** lotus/go-state-types spelling where it differs (NI-PoRep). */
  readonly goName: string;
  readonly sizeName: SectorSizeName;
  readonly sectorBytes: bigint;
  readonly nodes: bigint;
  readonly layers: number;
  readonly shape: TreeShape;
  /** number of base trees (1, 8 or 16) */
  readonly baseTrees: number;
  readonly nodesPerBaseTree: bigint;
  readonly apiVersion: ApiVersion;
  readonly features: readonly ProofFeature[];
  readonly porepId: PorepId;
  /** V1_0_0 graph quirks: predecessor in slot 5 and u32-truncated expander parents. */
  readonly legacyGraph: boolean;
}

export type ProofType = SealProof;

const SIZES: ReadonlyArray<{ name: SectorSizeName; bytes: bigint; layers: number; shape: TreeShape }> = [
  { name: '2KiB', bytes: 2048n, layers: 2, shape: { base: 8, sub: 0, top: 0 } },
  { name: '8MiB', bytes: 8n << 20n, layers: 2, shape: { base: 8, sub: 0, top: 0 } },
  { name: '512MiB', bytes: 512n << 20n, layers: 2, shape: { base: 8, sub: 0, top: 0 } },
  { name: '32GiB', bytes: 32n << 30n, layers: 11, shape: { base: 8, sub: 8, top: 0 } },
  { name: '64GiB', bytes: 64n << 30n, layers: 11, shape: { base: 8, sub: 8, top: 2 } },
];

const GROUPS: ReadonlyArray<{ suffix: string; goSuffix: string; api: ApiVersion; features: ProofFeature[] }> = [
  { suffix: 'V1', goSuffix: 'V1', api: 'V1_0_0', features: [] },
  { suffix: 'V1_1', goSuffix: 'V1_1', api: 'V1_1_0', features: [] },
  // "V1_1" in the name is historical: these run ApiVersion V1_2_0 (rust-filecoin-proofs-api registry.rs).
  { suffix: 'V1_1_Feat_SyntheticPoRep', goSuffix: 'V1_1_Feat_SyntheticPoRep', api: 'V1_2_0', features: ['SyntheticPoRep'] },
  { suffix: 'V1_2_Feat_NonInteractivePoRep', goSuffix: 'V1_2_Feat_NiPoRep', api: 'V1_2_0', features: ['NonInteractivePoRep'] },
];

function porepIdFor(id: number): PorepId {
  // u64le(id) || u64le(nonce = 0) || 16 zero bytes
  const b = new Uint8Array(32);
  new DataView(b.buffer).setBigUint64(0, BigInt(id), true);
  return b as PorepId;
}

export const SEAL_PROOFS: readonly SealProof[] = GROUPS.flatMap((g, gi) =>
  SIZES.map((s, si): SealProof => {
    const id = gi * SIZES.length + si;
    const nodes = s.bytes / 32n;
    const baseTrees = s.shape.top ? s.shape.top * s.shape.sub : s.shape.sub ? s.shape.sub : 1;
    return Object.freeze({
      id,
      name: `StackedDrg${s.name}${g.suffix}`,
      goName: `StackedDrg${s.name}${g.goSuffix}`,
      sizeName: s.name,
      sectorBytes: s.bytes,
      nodes,
      layers: s.layers,
      shape: s.shape,
      baseTrees,
      nodesPerBaseTree: nodes / BigInt(baseTrees),
      apiVersion: g.api,
      features: Object.freeze([...g.features]),
      porepId: porepIdFor(id),
      legacyGraph: g.api === 'V1_0_0',
    });
  }),
);

const SHORTHAND_VERSIONS: Readonly<Record<string, string>> = {
  v1: 'V1',
  v1_1: 'V1_1',
  synthetic: 'V1_1_Feat_SyntheticPoRep',
  syntheticporep: 'V1_1_Feat_SyntheticPoRep',
  ni: 'V1_2_Feat_NonInteractivePoRep',
  niporep: 'V1_2_Feat_NonInteractivePoRep',
};

/**
 * Look a proof up by numeric id, canonical name, Go name (case-insensitive, with or without the
 * `RegisteredSealProof_` prefix), or size/version shorthand ("2KiB/V1_1", "32GiB/synthetic").
 */
export function sealProof(spec: number | string): SealProof {
  const s = String(spec).trim();
  if (/^\d+$/.test(s)) {
    const p = SEAL_PROOFS[Number(s)];
    if (!p) throw new InputError(`unknown seal proof id ${s}: registered ids are 0–${SEAL_PROOFS.length - 1}`);
    return p;
  }
  if (typeof spec === 'number') throw new InputError(`unknown seal proof id ${spec}: registered ids are 0–${SEAL_PROOFS.length - 1}`);
  const bare = s.replace(/^RegisteredSealProof_/i, '').toLowerCase();
  let p = SEAL_PROOFS.find((x) => x.name.toLowerCase() === bare || x.goName.toLowerCase() === bare);
  const short = /^(\d+[kmg]ib)\s*\/\s*(\S+)$/i.exec(s);
  if (!p && short) {
    const version = SHORTHAND_VERSIONS[short[2]!.toLowerCase()];
    const size = SIZES.find((z) => z.name.toLowerCase() === short[1]!.toLowerCase());
    if (version && size) p = SEAL_PROOFS.find((x) => x.name === `StackedDrg${size.name}${version}`);
  }
  if (!p) {
    throw new InputError(
      `unknown seal proof "${s}": use an id 0–19, a name such as StackedDrg32GiBV1_1, or size/version such as 32GiB/V1_1`,
    );
  }
  return p;
}

export function sealProofForSize(sectorBytes: bigint, api: ApiVersion = 'V1_1_0'): SealProof {
  const p = SEAL_PROOFS.find((x) => x.sectorBytes === sectorBytes && x.apiVersion === api && x.features.length === 0);
  if (!p) throw new InputError(`no seal proof for sector size ${sectorBytes} bytes`);
  return p;
}

/** Unpadded (user) capacity: sector_bytes × 127/128. */
export const unpaddedBytes = (p: SealProof): bigint => (p.sectorBytes * 127n) / 128n;
