//! One sector of a custom size sealed with the 32GiB / 64GiB machinery: the reference's own
//! setup parameters for a production proof (degree, expansion degree, layers, porep_id, api
//! version, features via `filecoin_proofs::parameters::setup_params`) with only the node count
//! replaced, and the tree-r-last / tree-c shape of that proof (8-8-0, 8-8-2). Runs the lower-level
//! `StackedDrg::replicate_phase1` + `replicate_phase2` the way `seal_pre_commit_phase1/2` do
//! (tree-d first, then labels, then trees and the replica), then reads back the same kinds of
//! values as a seal vector.

use std::{
    fs::{self, OpenOptions},
    path::PathBuf,
    time::Instant,
};

use anyhow::{bail, ensure, Context, Result};
use filecoin_hashers::{poseidon::PoseidonHasher, sha256::Sha256Hasher, HashFunction, Hasher};
use filecoin_proofs::{parameters::setup_params, MerkleTreeTrait, PoRepConfig};
use generic_array::typenum::{Unsigned, U0, U2, U8};
use merkletree::{
    merkle::{get_merkle_tree_leafs, get_merkle_tree_row_count},
    store::{DiskStore, Store, StoreConfig},
};
use serde_json::{json, Value};
use storage_proofs_core::{
    cache_key::CacheKey,
    data::Data,
    merkle::{create_base_merkle_tree, get_base_tree_count, BinaryMerkleTree, LCTree},
    proof::ProofScheme,
    util::default_rows_to_discard,
};
use storage_proofs_porep::stacked::{generate_replica_id, Challenges, StackedDrg};

use crate::{
    cid,
    files::{bytes32, domain_hex, file_entry_max, find_parents_cache, sha256_file},
    proofs::SealProof,
    samples,
    stage::{self, DataSpec},
};

/// Shape-seal vectors embed only files up to this size (p_aux, t_aux, tree-r-last caches): the
/// per-base-tree tree-c files (18,720 bytes each at 512 leaves) are covered by their SHA-256 and
/// the sampled columns, which keeps the committed vectors small.
pub const SHAPE_EMBED_MAX: u64 = 4 * 1024;

/// tree-r-last / tree-c shape: base arity 8 always; sub and top arities.
#[derive(Clone, Copy)]
pub enum Shape {
    S800,
    S820,
    S880,
    S882,
}

impl Shape {
    pub fn parse(s: &str) -> Result<Shape> {
        Ok(match s {
            "8-0-0" => Shape::S800,
            "8-2-0" => Shape::S820,
            "8-8-0" => Shape::S880,
            "8-8-2" => Shape::S882,
            _ => bail!("--shape {s}: use 8-0-0, 8-2-0, 8-8-0 (32GiB) or 8-8-2 (64GiB)"),
        })
    }
    pub fn base_tree_count(self) -> u64 {
        match self {
            Shape::S800 => 1,
            Shape::S820 => 2,
            Shape::S880 => 8,
            Shape::S882 => 16,
        }
    }
    /// The shape the reference uses for a registered sector size.
    pub fn of_sector_size(size: u64) -> Shape {
        match size {
            s if s == 32 << 30 => Shape::S880,
            s if s == 64 << 30 => Shape::S882,
            _ => Shape::S800,
        }
    }
}

pub struct ShapeCase {
    pub proof: SealProof,
    pub shape: Shape,
    pub nodes: u64,
    /// None: the proof's own layer count.
    pub layers: Option<usize>,
    pub miner: Option<String>,
    pub prover_id: [u8; 32],
    pub sector_id: u64,
    pub ticket: [u8; 32],
    pub data: DataSpec,
    pub work_dir: PathBuf,
    pub parents_dir: PathBuf,
    pub extra_nodes: usize,
}

pub fn run(case: &ShapeCase, porep_config: &PoRepConfig) -> Result<Value> {
    type H = PoseidonHasher;
    match case.shape {
        Shape::S800 => run_shape::<LCTree<H, U8, U0, U0>>(case, porep_config),
        Shape::S820 => run_shape::<LCTree<H, U8, U2, U0>>(case, porep_config),
        Shape::S880 => run_shape::<LCTree<H, U8, U8, U0>>(case, porep_config),
        Shape::S882 => run_shape::<LCTree<H, U8, U8, U2>>(case, porep_config),
    }
}

fn challenges_json(c: &Challenges) -> Value {
    let kind = match c {
        Challenges::Interactive(_) => "interactive",
        Challenges::Synth(_) => "synthetic",
        Challenges::Ni(_) => "non-interactive",
    };
    json!({"kind": kind, "per_partition": c.num_challenges_per_partition()})
}

fn run_shape<Tree: 'static + MerkleTreeTrait<Hasher = PoseidonHasher>>(
    case: &ShapeCase,
    porep_config: &PoRepConfig,
) -> Result<Value> {
    let nodes = case.nodes;
    let sector = nodes * 32;
    let tree_count = get_base_tree_count::<Tree>();
    let base_arity = Tree::Arity::to_usize();
    ensure!(
        nodes % tree_count as u64 == 0,
        "--nodes {nodes} does not split into {tree_count} base trees"
    );
    let base_leaves = (nodes / tree_count as u64) as usize;
    ensure!(
        is_power_of(base_leaves, base_arity),
        "each of the {tree_count} base trees would have {base_leaves} leaves: the reference's tree builders need a power of {base_arity} (e.g. 8, 64 or 512), so --nodes must be {tree_count}·8^k"
    );

    // The reference's setup for the real proof, with the node count (and optionally the layer
    // count) replaced.
    let real = setup_params(porep_config)?;
    let mut sp = real.clone();
    sp.nodes = nodes as usize;
    if let Some(l) = case.layers {
        ensure!(l == 2 || l == 11, "--layers {l}: tree-c column hashing exists only for 2 and 11 layers");
        sp.num_layers = l;
    }
    let pp = <StackedDrg<'_, Tree, Sha256Hasher> as ProofScheme<'_>>::setup(&sp)?;

    let sector_name = match &case.miner {
        Some(m) => format!("s-t0{}-{}", &m[2..], case.sector_id),
        None => format!("s-{}-{}", hex::encode(&case.prover_id[..4]), case.sector_id),
    };
    let cache_dir = case.work_dir.join("cache").join(&sector_name);
    let sealed_path = case.work_dir.join("sealed").join(&sector_name);
    let staged_path = case.work_dir.join("unsealed").join(&sector_name);
    for d in [&cache_dir, sealed_path.parent().unwrap(), staged_path.parent().unwrap()] {
        fs::create_dir_all(d)?;
    }
    let label = format!("{}-node custom sector", nodes);
    let mut staged = stage::stage(sector, &label, std::slice::from_ref(&case.data), false, &staged_path)?;
    ensure!(
        staged.pieces.len() == 1 && u64::from(filecoin_proofs::PaddedBytesAmount::from(staged.pieces[0].0.size)) == sector,
        "shape-seal stages exactly one piece filling the sector: give cc or {} unpadded bytes",
        sector / 128 * 127
    );

    // PC1: copy the unsealed data to the replica path, tree-d over it (same StoreConfig as
    // seal_pre_commit_phase1), replica id, labels.
    fs::copy(&staged_path, &sealed_path)?;
    OpenOptions::new().write(true).open(&sealed_path)?.set_len(sector)?;
    drop(pp.graph.parent_cache()?);

    let t0 = Instant::now();
    let mut tree_d_config = StoreConfig::new(&cache_dir, CacheKey::CommDTree.to_string(), 0);
    let sealed_bytes = fs::read(&sealed_path)?;
    let tree_d = create_base_merkle_tree::<BinaryMerkleTree<Sha256Hasher>>(
        Some(tree_d_config.clone()),
        nodes as usize,
        &sealed_bytes,
    )
    .context("reference create_base_merkle_tree (tree-d)")?;
    drop(sealed_bytes);
    tree_d_config.size = Some(tree_d.len());
    let comm_d = bytes32(tree_d.root().as_ref());
    drop(tree_d);
    ensure!(comm_d == staged.pieces[0].0.commitment, "tree-d root differs from the piece commitment");

    let replica_id = generate_replica_id::<PoseidonHasher, _>(
        &case.prover_id,
        case.sector_id,
        &case.ticket,
        comm_d,
        &porep_config.porep_id,
    );
    let (labels, _) = StackedDrg::<Tree, Sha256Hasher>::replicate_phase1(&pp, &replica_id, &cache_dir)
        .context("reference replicate_phase1 (labels)")?;
    let pc1_ms = t0.elapsed().as_millis();
    let layers = labels.labels.len();

    // PC2: tree-d reloaded from disk as seal_pre_commit_phase2 does, then the trees and replica.
    let t1 = Instant::now();
    let tree_d_size = tree_d_config.size.expect("set above");
    let store: DiskStore<<Sha256Hasher as Hasher>::Domain> = DiskStore::new_from_disk(tree_d_size, 2, &tree_d_config)?;
    let data_tree = BinaryMerkleTree::<Sha256Hasher>::from_data_store(store, get_merkle_tree_leafs(tree_d_size, 2)?)?;
    let mut data = Data::from_path(sealed_path.clone());
    data.ensure_data()?;
    let (tau, (p_aux, t_aux)) = StackedDrg::<Tree, Sha256Hasher>::replicate_phase2(
        &pp,
        labels,
        data,
        Some(data_tree),
        cache_dir.clone(),
        sealed_path.clone(),
    )
    .context("reference replicate_phase2 (tree-c, tree-r-last, replica)")?;
    let pc2_ms = t1.elapsed().as_millis();
    // filecoin-proofs' persist_p_aux / persist_t_aux (crate-private): bincode of the returned
    // values under CacheKey::PAux / TAux.
    fs::write(cache_dir.join(CacheKey::PAux.to_string()), bincode::serialize(&p_aux)?)?;
    fs::write(cache_dir.join(CacheKey::TAux.to_string()), bincode::serialize(&t_aux)?)?;
    let comm_r = bytes32(tau.comm_r.as_ref());
    let comm_r_check = <PoseidonHasher as Hasher>::Function::hash2(&p_aux.comm_c, &p_aux.comm_r_last);
    ensure!(comm_r_check == tau.comm_r, "comm_r != H(comm_c, comm_r_last)");
    ensure!(bytes32(tau.comm_d.as_ref()) == comm_d, "replicate_phase2 comm_d differs from the tree-d root");

    // Read back.
    let parents_path = find_parents_cache(&case.parents_dir)?;
    let replica_id_b = bytes32(replica_id.as_ref());
    let chosen = samples::chosen_nodes(nodes, &replica_id_b, case.extra_nodes);
    let parents_json = samples::parents(&parents_path, &pp.graph, &chosen)?;
    let (labels_json, layer_sha) = samples::labels(&cache_dir, layers, &chosen)?;
    let (columns_json, replica_json) = samples::columns_and_replica(&cache_dir, &sealed_path, nodes, &chosen)?;
    let mut files = samples::cache_files::<Tree>(&cache_dir, SHAPE_EMBED_MAX)?;
    files.insert("sealed".into(), file_entry_max(&sealed_path, SHAPE_EMBED_MAX)?);
    let applied_rows = t_aux.tree_r_last_config.rows_to_discard;
    let (staged_size, staged_sha) = sha256_file(&staged.path)?;
    let (_, parents_sha) = sha256_file(&parents_path)?;
    let row_count = get_merkle_tree_row_count(base_leaves, base_arity);
    let rows: Vec<usize> = (0..row_count).map(|r| base_leaves / base_arity.pow(r as u32)).collect();

    Ok(json!({
        "setup": {
            "proof": {"id": case.proof.id, "name": case.proof.name, "api_version": case.proof.api_version_name(),
                      "features": case.proof.feature_names(), "sector_size": case.proof.sector_size.to_string()},
            "porep_id": hex::encode(porep_config.porep_id),
            "api_version": case.proof.api_version_name(),
            "features": case.proof.feature_names(),
            "nodes": nodes.to_string(),
            "sector_bytes": sector.to_string(),
            "layers": layers,
            "degree": sp.degree,
            "expansion_degree": sp.expansion_degree,
            "challenges": challenges_json(&sp.challenges),
            "real_proof_setup": {"nodes": real.nodes.to_string(), "layers": real.num_layers},
            "shape": {
                "name": format!("{}-{}-{}", base_arity, Tree::SubTreeArity::to_usize(), Tree::TopTreeArity::to_usize()),
                "tree": Tree::display(),
                "base_arity": base_arity,
                "sub_tree_arity": Tree::SubTreeArity::to_usize(),
                "top_tree_arity": Tree::TopTreeArity::to_usize(),
                "base_tree_count": tree_count,
                "base_tree_leaves": base_leaves,
                "base_tree_rows": rows,
                "max_rows_to_discard": row_count.saturating_sub(2),
                "tree_r_last_rows_to_discard": applied_rows,
                "default_rows_to_discard_fn": default_rows_to_discard(base_leaves, base_arity),
            },
            "column_arity": layers,
            "how": "filecoin_proofs::parameters::setup_params(PoRepConfig of the proof) with .nodes (and --layers) replaced; StackedDrg::setup; replicate_phase1 + replicate_phase2",
        },
        "miner": case.miner,
        "prover_id": hex::encode(case.prover_id),
        "sector_id": case.sector_id.to_string(),
        "ticket": hex::encode(case.ticket),
        "data": staged.data_json.remove(0),
        "pieces": stage::pieces_json(&staged.pieces),
        "staged": {"size": staged_size, "sha256": staged_sha},
        "comm_d": hex::encode(comm_d),
        "comm_d_cid": cid::comm_d_cid(&comm_d),
        "replica_id": hex::encode(replica_id_b),
        "parents_cache": {"file": parents_path.file_name().unwrap().to_string_lossy(), "sha256": parents_sha},
        "parents": parents_json,
        "labels": labels_json,
        "layer_sha256": layer_sha,
        "columns": columns_json,
        "replica": replica_json,
        "comm_c": domain_hex(&p_aux.comm_c),
        "comm_r_last": domain_hex(&p_aux.comm_r_last),
        "comm_r": hex::encode(comm_r),
        "comm_r_cid": cid::comm_r_cid(&comm_r),
        "files": files,
        "files_note": format!("every file of the cache dir plus sealed; base64 for files ≤ {SHAPE_EMBED_MAX} bytes and always for t_aux. p_aux and t_aux are bincode of replicate_phase2's PersistentAux / TemporaryAux, written by the oracle exactly as filecoin-proofs' crate-private persist_p_aux / persist_t_aux do"),
        "timings_ms": {"pc1": pc1_ms as u64, "pc2": pc2_ms as u64},
        "threads": rayon::current_num_threads(),
    }))
}

fn is_power_of(mut n: usize, base: usize) -> bool {
    while n > 1 {
        if n % base != 0 {
            return false;
        }
        n /= base;
    }
    n == 1
}

