//! One sealing case on the reference API: stage the data with `add_piece`, run
//! `seal_pre_commit_phase1` + `seal_pre_commit_phase2`, then read back what the reference wrote
//! (parents cache, layer files, p_aux, t_aux, trees, sealed file).

use std::{
    fs::{self, File, OpenOptions},
    io::{Cursor, Read, Write},
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::{bail, ensure, Context, Result};
use base64::Engine;
use filecoin_hashers::{poseidon::PoseidonHasher, sha256::Sha256Hasher};
use filecoin_proofs::{
    add_piece, compute_comm_d, generate_piece_commitment, seal_pre_commit_phase1,
    seal_pre_commit_phase2, with_shape, Commitment, MerkleTreeTrait, PaddedBytesAmount,
    PieceInfo, PoRepConfig, SectorSize, UnpaddedBytesAmount,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use storage_proofs_core::{drgraph::Graph, drgraph::BASE_DEGREE, sector::SectorId};
use storage_proofs_porep::stacked::{
    generate_replica_id, PersistentAux, StackedBucketGraph, TemporaryAux, EXP_DEGREE,
};

use crate::{cid, proofs::SealProof};

/// Files at most this large are embedded (base64) in the vector so tests can compare whole files
/// (every 2KiB file; the 8MiB tree-r-last cache of 18,720 bytes).
const EMBED_MAX: u64 = 32 * 1024;

pub enum DataSpec {
    Cc,
    File(PathBuf),
    Generated { seed: [u8; 32], unpadded_bytes: u64 },
}

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

pub struct Staged {
    pub path: PathBuf,
    pub pieces: Vec<(PieceInfo, bool)>,
    pub data_json: Value,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let mut f = File::open(path).with_context(|| format!("open {}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((n, hex::encode(h.finalize())))
}

fn file_entry(path: &Path) -> Result<Value> {
    let (size, digest) = sha256_file(path)?;
    let mut v = json!({"size": size, "sha256": digest});
    if size <= EMBED_MAX {
        v["base64"] = json!(base64::engine::general_purpose::STANDARD.encode(fs::read(path)?));
    }
    Ok(v)
}

fn is_valid_piece_size(unpadded: u64) -> bool {
    unpadded >= 127 && unpadded % 127 == 0 && (unpadded / 127 * 128).is_power_of_two()
}

/// Stage the unsealed sector file the way lotus does: add_piece for the data (or one full-size
/// zero piece for CC, as lotus's pledge path and the Go recovery tool do), then zero filler pieces.
pub fn stage(case: &Case, staged_path: &Path) -> Result<Staged> {
    let sector = case.proof.sector_size;
    let unpadded_sector = u64::from(UnpaddedBytesAmount::from(PaddedBytesAmount(sector)));
    let mut out = File::create(staged_path)?;
    let mut pieces: Vec<(PieceInfo, bool)> = Vec::new();
    let mut lengths: Vec<UnpaddedBytesAmount> = Vec::new();

    // Each source is opened twice: once for add_piece, once for the reference's standalone
    // piece-commitment path as a second opinion. Streams, so CC and large files need no RAM.
    let (n, data_json, open): (u64, Value, Box<dyn Fn() -> Result<Box<dyn Read>>>) = match &case.data {
        DataSpec::Cc => (
            unpadded_sector,
            json!("cc"),
            Box::new(move || Ok(Box::new(std::io::repeat(0).take(unpadded_sector)) as Box<dyn Read>)),
        ),
        DataSpec::File(p) => {
            let (size, digest) = sha256_file(p)?;
            let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let j = json!({"file": name, "sha256": digest, "unpadded_bytes": size});
            let p = p.clone();
            (size, j, Box::new(move || Ok(Box::new(File::open(&p)?) as Box<dyn Read>)))
        }
        DataSpec::Generated { seed, unpadded_bytes } => {
            let b = std::sync::Arc::new(crate::datagen::sha256_ctr(seed, *unpadded_bytes as usize));
            let j = json!({
                "generator": crate::datagen::ALGORITHM,
                "generator_doc": "block i = SHA-256(seed_bytes(32) || u64le(i)) for i = 0,1,...; data = concatenation truncated to unpadded_bytes",
                "seed": hex::encode(seed),
                "sha256": sha256_hex(&b),
                "unpadded_bytes": unpadded_bytes,
            });
            (*unpadded_bytes, j, Box::new(move || Ok(Box::new(Cursor::new(b.as_ref().clone())) as Box<dyn Read>)))
        }
    };
    if !is_valid_piece_size(n) {
        bail!(
            "data is {n} bytes: an unpadded piece must be 127·2^k bytes (e.g. 1016, 2032, 8323072); \
             pad the file with zeros to the next such size"
        );
    }
    ensure!(
        n <= unpadded_sector,
        "data is {n} bytes but a {} sector holds at most {unpadded_sector} unpadded bytes",
        case.proof.name
    );

    let (info, written) = add_piece(open()?, &mut out, UnpaddedBytesAmount(n), &lengths)?;
    let again = generate_piece_commitment(open()?, UnpaddedBytesAmount(n))?;
    ensure!(again.commitment == info.commitment, "add_piece and generate_piece_commitment disagree");
    lengths.push(written);
    pieces.push((info, false));

    if case.fill {
        // lotus storage/pipeline/lib/nullreader + fillersFromRem: remaining padded space split
        // into powers of two, smallest first.
        let used: u64 = lengths.iter().map(|l| u64::from(*l)).sum();
        let mut rem_padded = u64::from(PaddedBytesAmount::from(UnpaddedBytesAmount(unpadded_sector - used)));
        while rem_padded != 0 {
            let p = 1u64 << rem_padded.trailing_zeros();
            rem_padded ^= p;
            let up = u64::from(UnpaddedBytesAmount::from(PaddedBytesAmount(p)));
            let zeros = std::io::repeat(0).take(up);
            let (fi, w) = add_piece(zeros, &mut out, UnpaddedBytesAmount(up), &lengths)?;
            lengths.push(w);
            pieces.push((fi, true));
        }
    }
    out.flush()?;
    Ok(Staged { path: staged_path.to_path_buf(), pieces, data_json })
}

/// The chosen nodes: the fixed ones the spec lists plus a few pseudo-random ones derived from the
/// replica id (so every case probes different places, reproducibly).
fn chosen_nodes(n: u64, replica_id: &[u8; 32], extra: usize) -> Vec<u64> {
    let mut v = vec![0, 1, 2, 3, n / 2, n - 1];
    for k in 0..extra as u32 {
        let mut h = Sha256::new();
        h.update(b"oracle-nodes");
        h.update(replica_id);
        h.update(k.to_le_bytes());
        let d = h.finalize();
        let mut w = [0u8; 8];
        w.copy_from_slice(&d[..8]);
        v.push(u64::from_le_bytes(w) % n);
    }
    v.sort_unstable();
    v.dedup();
    v
}

fn read_at(path: &Path, offset: u64, len: usize) -> Result<Vec<u8>> {
    use std::io::{Seek, SeekFrom};
    let mut f = File::open(path).with_context(|| format!("open {}", path.display()))?;
    f.seek(SeekFrom::Start(offset))?;
    let mut b = vec![0u8; len];
    f.read_exact(&mut b)?;
    Ok(b)
}

fn find_parents_cache(dir: &Path) -> Result<PathBuf> {
    let mut found = Vec::new();
    for e in fs::read_dir(dir).with_context(|| format!("read {}", dir.display()))? {
        let p = e?.path();
        if p.extension().map(|x| x == "cache").unwrap_or(false) {
            found.push(p);
        }
    }
    match found.len() {
        1 => Ok(found.pop().expect("one")),
        k => bail!("expected exactly one parents cache file in {}, found {k}", dir.display()),
    }
}

fn bytes32(b: &[u8]) -> [u8; 32] {
    let mut o = [0u8; 32];
    o.copy_from_slice(b);
    o
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

    let staged = stage(case, &staged_path)?;
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
    let chosen = chosen_nodes(nodes, &replica_id, case.extra_nodes);
    let mut parents_json = Vec::new();
    for &v in &chosen {
        let rec = read_at(&parents_path, v * 56, 56)?;
        let from_file: Vec<u32> =
            rec.chunks(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let mut from_graph = vec![0u32; BASE_DEGREE + EXP_DEGREE];
        graph.parents(v as usize, &mut from_graph)?;
        ensure!(from_file == from_graph, "node {v}: parents cache file and graph API disagree");
        parents_json.push(json!({"node": v, "parents": from_file}));
    }

    let mut labels_json = Vec::new();
    let mut layer_sha = Vec::new();
    for l in 1..=layers {
        let p = cache_dir.join(format!("sc-02-data-layer-{l}.dat"));
        layer_sha.push(sha256_file(&p)?.1);
        for &v in &chosen {
            let lab = read_at(&p, v * 32, 32)?;
            labels_json.push(json!({"layer": l, "node": v, "label": hex::encode(lab)}));
        }
    }

    // Leaves of tree-c (columns) and of tree-r-last (replica = sealed file) at the chosen nodes,
    // read from the reference's files. Base tree i covers nodes [i·per_tree, (i+1)·per_tree).
    let single_tree_c = cache_dir.join("sc-02-data-tree-c.dat");
    let tree_c_count = if single_tree_c.exists() {
        1
    } else {
        (0..).take_while(|i| cache_dir.join(format!("sc-02-data-tree-c-{i}.dat")).exists()).count() as u64
    };
    ensure!(tree_c_count > 0, "no tree-c file in {}", cache_dir.display());
    let per_tree = nodes / tree_c_count;
    let mut columns_json = Vec::new();
    let mut replica_json = Vec::new();
    for &v in &chosen {
        let file = if tree_c_count == 1 {
            single_tree_c.clone()
        } else {
            cache_dir.join(format!("sc-02-data-tree-c-{}.dat", v / per_tree))
        };
        let col = read_at(&file, (v % per_tree) * 32, 32)?;
        columns_json.push(json!({"node": v, "column": hex::encode(col)}));
        let rep = read_at(&sealed_path, v * 32, 32)?;
        replica_json.push(json!({"node": v, "replica": hex::encode(rep)}));
    }

    // comm_c / comm_r_last through the reference's own serde types and bincode.
    let p_aux_bytes = fs::read(cache_dir.join("p_aux"))?;
    let p_aux: PersistentAux<<PoseidonHasher as filecoin_hashers::Hasher>::Domain> =
        bincode::deserialize(&p_aux_bytes).context("decode p_aux")?;
    let t_aux_bytes = fs::read(cache_dir.join("t_aux"))?;
    let t_aux: TemporaryAux<Tree, Sha256Hasher> =
        bincode::deserialize(&t_aux_bytes).context("decode t_aux")?;
    let cfg = |c: &merkletree::store::StoreConfig| {
        json!({"path": c.path.to_string_lossy(), "id": c.id, "size": c.size, "rows_to_discard": c.rows_to_discard})
    };
    let t_aux_json = json!({
        "labels": t_aux.labels.labels.iter().map(cfg).collect::<Vec<_>>(),
        "tree_d": cfg(&t_aux.tree_d_config),
        "tree_r_last": cfg(&t_aux.tree_r_last_config),
        "tree_c": cfg(&t_aux.tree_c_config),
    });

    let mut files = serde_json::Map::new();
    let mut names: Vec<_> = fs::read_dir(&cache_dir)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().to_string()))
        .collect::<std::io::Result<_>>()?;
    names.sort();
    for name in &names {
        let mut e = file_entry(&cache_dir.join(name))?;
        if name == "t_aux" {
            e["cache_path"] = json!(cache_dir.to_string_lossy());
            e["base64"] = json!(base64::engine::general_purpose::STANDARD.encode(&t_aux_bytes));
            e["decoded"] = t_aux_json.clone();
        }
        files.insert(name.clone(), e);
    }
    files.insert("sealed".into(), file_entry(&sealed_path)?);

    let (staged_size, staged_sha) = sha256_file(&staged.path)?;
    let pieces_json: Vec<Value> = staged
        .pieces
        .iter()
        .map(|(p, filler)| {
            let c = p.commitment;
            let padded = u64::from(PaddedBytesAmount::from(p.size));
            json!({"comm_p": hex::encode(c), "cid": cid::comm_d_cid(&c), "padded_size": padded.to_string(),
                   "unpadded_size": u64::from(p.size).to_string(), "filler": filler})
        })
        .collect();

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
        "_data": staged.data_json,
    });
    Ok(Outcome { json, pc1_ms, pc2_ms })
}
