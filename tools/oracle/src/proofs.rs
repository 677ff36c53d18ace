//! The registered seal proofs (ids 0-19) as the reference API wants them: sector size, ApiVersion,
//! features and porep_id. Mirrors rust-filecoin-proofs-api src/registry.rs, which is not a
//! dependency here because it pins older crate versions.

use anyhow::{bail, Result};
use storage_proofs_core::api_version::{ApiFeature, ApiVersion};

pub struct SealProof {
    pub id: u64,
    pub name: String,
    pub sector_size: u64,
    pub api_version: ApiVersion,
    pub features: Vec<ApiFeature>,
}

const SIZES: [(&str, u64); 5] = [
    ("2KiB", 2 << 10),
    ("8MiB", 8 << 20),
    ("512MiB", 512 << 20),
    ("32GiB", 32 << 30),
    ("64GiB", 64 << 30),
];

/// (name suffix, lotus/go spelling of the suffix, api version, feature)
const GROUPS: [(&str, &str, ApiVersion, Option<ApiFeature>); 4] = [
    ("V1", "V1", ApiVersion::V1_0_0, None),
    ("V1_1", "V1_1", ApiVersion::V1_1_0, None),
    // "V1_1" in the name is historical: proofs-api runs these as V1_2_0.
    (
        "V1_1_Feat_SyntheticPoRep",
        "V1_1_Feat_SyntheticPoRep",
        ApiVersion::V1_2_0,
        Some(ApiFeature::SyntheticPoRep),
    ),
    (
        "V1_2_Feat_NonInteractivePoRep",
        "V1_2_Feat_NiPoRep",
        ApiVersion::V1_2_0,
        Some(ApiFeature::NonInteractivePoRep),
    ),
];

fn by_id(id: u64) -> Option<SealProof> {
    let g = GROUPS.get((id / 5) as usize)?;
    let s = SIZES.get((id % 5) as usize)?;
    Some(SealProof {
        id,
        name: format!("StackedDrg{}{}", s.0, g.0),
        sector_size: s.1,
        api_version: g.2,
        features: g.3.into_iter().collect(),
    })
}

pub fn seal_proof(spec: &str) -> Result<SealProof> {
    if let Ok(id) = spec.parse::<u64>() {
        return match by_id(id) {
            Some(p) => Ok(p),
            None => bail!("unknown seal proof id {id}: registered ids are 0-19"),
        };
    }
    for id in 0..20 {
        let p = by_id(id).expect("ids 0-19 exist");
        let g = GROUPS[(id / 5) as usize];
        let go_name = format!("StackedDrg{}{}", SIZES[(id % 5) as usize].0, g.1);
        if p.name.eq_ignore_ascii_case(spec) || go_name.eq_ignore_ascii_case(spec) {
            return Ok(p);
        }
    }
    bail!("unknown seal proof \"{spec}\": use an id 0-19 or a name such as StackedDrg2KiBV1_1")
}

impl SealProof {
    /// u64le(id) || u64le(nonce = 0) || 16 zero bytes (proofs-api registry.rs `porep_id`).
    pub fn porep_id(&self) -> [u8; 32] {
        let mut p = [0u8; 32];
        p[..8].copy_from_slice(&self.id.to_le_bytes());
        p
    }

    pub fn api_version_name(&self) -> &'static str {
        match self.api_version {
            ApiVersion::V1_0_0 => "V1_0_0",
            ApiVersion::V1_1_0 => "V1_1_0",
            ApiVersion::V1_2_0 => "V1_2_0",
        }
    }

    pub fn feature_names(&self) -> Vec<&'static str> {
        self.features
            .iter()
            .map(|f| match f {
                ApiFeature::SyntheticPoRep => "SyntheticPoRep",
                ApiFeature::NonInteractivePoRep => "NonInteractivePoRep",
            })
            .collect()
    }
}

/// prover_id as filecoin-ffi builds it (proofs.go `toProverID`): the ID address payload, i.e. the
/// unsigned LEB128 varint of the actor id, at the start of 32 zero bytes.
pub fn prover_id_from_miner(miner: &str) -> Result<[u8; 32]> {
    let digits = miner
        .strip_prefix("f0")
        .or_else(|| miner.strip_prefix("t0"))
        .ok_or_else(|| {
            anyhow::anyhow!("miner \"{miner}\" is not an ID address: use the f0… form, e.g. f01000")
        })?;
    let mut id: u64 = digits
        .parse()
        .map_err(|_| anyhow::anyhow!("miner \"{miner}\": the part after f0 must be a decimal actor id"))?;
    let mut out = [0u8; 32];
    let mut i = 0;
    loop {
        let byte = (id & 0x7f) as u8;
        id >>= 7;
        if id == 0 {
            out[i] = byte;
            break;
        }
        out[i] = byte | 0x80;
        i += 1;
    }
    Ok(out)
}

pub fn hex32(s: &str, what: &str) -> Result<[u8; 32]> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    let v = hex::decode(s).map_err(|e| anyhow::anyhow!("{what}: not hex ({e})"))?;
    if v.len() != 32 {
        bail!("{what}: expected 32 bytes (64 hex digits), got {} bytes", v.len());
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(&v);
    Ok(out)
}

/// A registered update (SnapDeals) proof as rust-filecoin-proofs-api registry.rs defines it:
/// one per sector size, `StackedDrg<size>V1` = ids 0-4, always ApiVersion V1_1_0 with no
/// features, porep_id = u64le(id) ‖ u64le(nonce 0) ‖ 16 zero bytes. go-state-types
/// `SealProofInfos[…].UpdateProof` maps every seal proof of a size (V1, V1_1, SyntheticPoRep,
/// NI-PoRep) to the same one.
pub struct UpdateProof {
    pub id: u64,
    pub name: String,
    pub sector_size: u64,
    pub api_version: ApiVersion,
}

impl UpdateProof {
    pub fn for_seal_proof(seal: &SealProof) -> UpdateProof {
        let i = SIZES.iter().position(|s| s.1 == seal.sector_size).expect("registered size");
        UpdateProof {
            id: i as u64,
            name: format!("StackedDrg{}V1", SIZES[i].0),
            sector_size: seal.sector_size,
            api_version: ApiVersion::V1_1_0,
        }
    }

    pub fn porep_id(&self) -> [u8; 32] {
        let mut p = [0u8; 32];
        p[..8].copy_from_slice(&self.id.to_le_bytes());
        p
    }
}
