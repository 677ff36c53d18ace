//! One sealing case on the reference API: stage the data with `add_piece`, run
//! `seal_pre_commit_phase1` + `seal_pre_commit_phase2`, then read back what the reference wrote
//! (parents cache, layer files, p_aux, t_aux, trees, sealed file).

use std::{
    fs::{self, OpenOptions},
    path::PathBuf,
    time::Instant,
};

use anyhow::{ensure, Result};
use filecoin_hashers::poseidon::PoseidonHasher;
use filecoin_proofs::{
    compute_comm_d, seal_pre_commit_phase1, seal_pre_commit_phase2, with_shape, Commitment,
    MerkleTreeTrait, PieceInfo, PoRepConfig, SectorSize,
};
use serde_json::{json, Value};
use storage_proofs_core::{drgraph::BASE_DEGREE, sector::SectorId};
use storage_proofs_porep::stacked::{generate_replica_id, StackedBucketGraph, EXP_DEGREE};

use crate::{
    cid,
    files::{bytes32, file_entry, find_parents_cache, sha256_file, EMBED_MAX},
    proofs::SealProof,
    samples,
    stage::{self, DataSpec},
};

pub struct Case {
    pub proof: SealProof,
    pub miner: Option<String>,
    pub prover_id: [u8; 32],
    pub sector_id: u64,
    pub ticket: [u8; 32],
    pub data: DataSpec,
    /// Fill the space after the data piece with zero pieces as lotus does (`fillersFromRem`).
    pub fill: bool,
    pub work_dir: PathBuf,
    pub parents_dir: PathBuf,
    pub extra_nodes: usize,
}

impl Case {
    /// lotus's sector file name, s-t0<miner>-<number> (or a prover-id prefix without a miner).
    pub fn sector_name(&self) -> String {
        match &self.miner {
            Some(m) => format!("s-t0{}-{}", &m[2..], self.sector_id),
            None => format!("s-{}-{}", hex::encode(&self.prover_id[..4]), self.sector_id),
        }
    }
    pub fn cache_dir(&self) -> PathBuf {
        self.work_dir.join("cache").join(self.sector_name())
    }
    pub fn sealed_path(&self) -> PathBuf {
        self.work_dir.join("sealed").join(self.sector_name())
    }
}

pub struct Outcome {
    pub json: Value,
    pub pc1_ms: u128,
    pub pc2_ms: u128,
}

pub fn run(case: &Case, porep_config: &PoRepConfig, describe: bool) -> Result<Outcome> {
    with_shape!(case.proof.sector_size, run_shape, case, porep_config, describe)
}

fn run_shape<Tree: 'static + MerkleTreeTrait>(
    case: &Case,
    porep_config: &PoRepConfig,
    describe: bool,
) -> Result<Outcome> {
    let sector = case.proof.sector_size;
    let nodes = sector / 32;
    let cache_dir = case.cache_dir();
    let sealed_path = case.sealed_path();
    let staged_path = case.work_dir.join("unsealed").join(case.sector_name());
    for d in [&cache_dir, sealed_path.parent().unwrap(), staged_path.parent().unwrap()] {
        fs::create_dir_all(d)?;
    }

    let mut staged = stage::stage(sector, &case.proof.name, std::slice::from_ref(&case.data), case.fill, &staged_path)?;
    let piece_infos: Vec<PieceInfo> = staged.pieces.iter().map(|p| p.0.clone()).collect();
    OpenOptions::new().create(true).write(true).truncate(true).open(&sealed_path)?;

    // Generate the parents cache up front (the reference's own ParentCache code, same file PC1
    // would write) so the PC1 timing is that of a miner whose cache is already warm.
    let graph = StackedBucketGraph::<PoseidonHasher>::new_stacked(
        nodes as usize,
        BASE_DEGREE,
        EXP_DEGREE,
        porep_config.porep_id,
        porep_config.api_version,
    )?;
    drop(graph.parent_cache()?);

    let t0 = Instant::now();
    let pc1 = seal_pre_commit_phase1::<_, _, _, Tree>(
        porep_config,
        &cache_dir,
        &staged.path,
        &sealed_path,
        case.prover_id,
        SectorId::from(case.sector_id),
        case.ticket,
        &piece_infos,
    )?;
    let pc1_ms = t0.elapsed().as_millis();
    let layers = pc1.labels.labels.len();
    let comm_d_pc1: Commitment = pc1.comm_d;

    let t1 = Instant::now();
    let pc2 = seal_pre_commit_phase2::<_, _, Tree>(porep_config, pc1, &cache_dir, &sealed_path)?;
    let pc2_ms = t1.elapsed().as_millis();
    if !describe {
        return Ok(Outcome { json: Value::Null, pc1_ms, pc2_ms });
    }
    ensure!(pc2.comm_d == comm_d_pc1, "PC1 and PC2 report different comm_d");
    let comm_d = pc2.comm_d;
    let comm_d_from_pieces = compute_comm_d(SectorSize(sector), &piece_infos)?;
    ensure!(comm_d_from_pieces == comm_d, "compute_comm_d(pieces) differs from the tree-d root");
    let comm_d_no_pieces = compute_comm_d(SectorSize(sector), &[])?;

    let replica_id_domain = generate_replica_id::<PoseidonHasher, _>(
        &case.prover_id,
        case.sector_id,
        &case.ticket,
        comm_d,
        &porep_config.porep_id,
    );
    let replica_id = bytes32(replica_id_domain.as_ref());

    // Parents: the file the reference wrote, cross-checked against the reference graph API.
    let parents_path = find_parents_cache(&case.parents_dir)?;
    let chosen = samples::chosen_nodes(nodes, &replica_id, case.extra_nodes);
    let parents_json = samples::parents(&parents_path, &graph, &chosen)?;
    let (labels_json, layer_sha) = samples::labels(&cache_dir, layers, &chosen)?;
    let (columns_json, replica_json) = samples::columns_and_replica(&cache_dir, &sealed_path, nodes, &chosen)?;
    let p_aux = samples::p_aux(&cache_dir)?;
    let mut files = samples::cache_files::<Tree>(&cache_dir, EMBED_MAX)?;
    files.insert("sealed".into(), file_entry(&sealed_path)?);

    let (staged_size, staged_sha) = sha256_file(&staged.path)?;
    let pieces_json = stage::pieces_json(&staged.pieces);

    let parents_name = parents_path.file_name().unwrap().to_string_lossy().to_string();
    let (_, parents_sha) = sha256_file(&parents_path)?;
    let comm_c = bytes32(p_aux.comm_c.as_ref());
    let comm_r_last = bytes32(p_aux.comm_r_last.as_ref());

    let json = json!({
        "porep_id": hex::encode(porep_config.porep_id),
        "layers": layers,
        "nodes": nodes.to_string(),
        "pieces": pieces_json,
        "pieces_note": if matches!(case.data, DataSpec::Cc) {
            "CC: one full-size zero piece written by add_piece, as lotus's pledge path and the Go recovery tool do; compute_comm_d(sector, []) gives the same comm_d (see comm_d_no_pieces)"
        } else if case.fill {
            "data piece, then lotus-style zero filler pieces (filler: true) for the rest of the sector"
        } else {
            "data piece only; the rest of the sector is zero-extended by PC1's set_len"
        },
        "staged": {"size": staged_size, "sha256": staged_sha},
        "comm_d": hex::encode(comm_d),
        "comm_d_cid": cid::comm_d_cid(&comm_d),
        "comm_d_no_pieces": hex::encode(comm_d_no_pieces),
        "replica_id": hex::encode(replica_id),
        "parents_cache": {"file": parents_name, "sha256": parents_sha},
        "parents": parents_json,
        "labels": labels_json,
        "layer_sha256": layer_sha,
        "columns": columns_json,
        "replica": replica_json,
        "comm_c": hex::encode(comm_c),
        "comm_r_last": hex::encode(comm_r_last),
        "comm_r": hex::encode(pc2.comm_r),
        "comm_r_cid": cid::comm_r_cid(&pc2.comm_r),
        "files": files,
        "_data": staged.data_json.remove(0),
    });
    Ok(Outcome { json, pc1_ms, pc2_ms })
}
