//! sealer-recover reference oracle: runs rust-fil-proofs PreCommit1/2 for one sector and writes
//! every intermediate the TypeScript/C++ pipeline must reproduce as one JSON vector.
//!
//!   oracle seal --proof <id|name> (--miner f0… | --prover-id <hex32>) --sector <n> --ticket <hex32>
//!               --data cc|<piece file>|sha256-ctr:<seed hex32>:<unpadded bytes> [--fill]
//!               [--out file.json] [--work-dir dir] [--keep] [--multicore] [--extra-nodes k]
//!               [--rows-to-discard k]
//!   oracle encode …seal inputs… --pieces <spec>[,<spec>…] [--fill]   (SnapDeals vector)
//!   oracle decode / remove-data …files…                              (reference on given files)
//!   oracle shape-seal --proof <32GiB|64GiB id> --nodes <n> [--shape 8-8-0|8-8-2] …
//!   oracle bench --proof <id|name> [--threads N]
//!   oracle encode-bench --proof <id|name> [--threads N]
//!   oracle poseidon-bench [--seconds s]
//!   oracle poseidon-vectors

mod cid;
mod datagen;
mod encode_bench;
mod files;
mod poseidon_bench;
mod proofs;
mod samples;
mod seal;
mod shape_seal;
mod snap;
mod snap_files;
mod stage;

use std::{
    collections::HashMap,
    env, fs,
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};
use filecoin_proofs::PoRepConfig;
use serde_json::{json, Map, Value};

use crate::{
    proofs::{hex32, prover_id_from_miner, seal_proof, UpdateProof},
    seal::Case,
    stage::DataSpec,
};

const USAGE: &str = "usage:
  oracle seal --proof <id|name> (--miner f0<id> | --prover-id <hex32>) --sector <n> --ticket <hex32>
              --data cc|<unpadded piece file>|sha256-ctr:<seed hex32>:<unpadded bytes>
              [--fill] [--out <file.json>] [--work-dir <dir>] [--keep] [--multicore] [--extra-nodes <k>]
              [--rows-to-discard <k>]
  oracle encode --proof <id|name> (--miner f0<id> | --prover-id <hex32>) --sector <n> --ticket <hex32>
              --pieces <spec>[,<spec>…] [--fill] [--out <file.json>] [--work-dir <dir>] [--keep] [--extra-nodes <k>]
              [--rows-to-discard <k>]
              (the sector key is sealed from CC; spec = sha256-ctr:<seed hex32>:<unpadded bytes> | <piece file>)
  oracle decode --proof <id|name> --replica <file> --sector-key <file> --key-cache <dir> --comm-d-new <hex32>
              --out-data <file>
  oracle remove-data --proof <id|name> --replica <file> --replica-cache <dir> --data <file> --comm-d-new <hex32>
              --out-key <file> --out-key-cache <dir>
  oracle shape-seal --proof <id|name> (--nodes <n> | --base-leaves <n>) [--shape 8-0-0|8-2-0|8-8-0|8-8-2] [--layers 2|11]
              (--miner f0<id> | --prover-id <hex32>) --sector <n> --ticket <hex32>
              --data cc|<unpadded piece file>|sha256-ctr:<seed hex32>:<unpadded bytes>
              [--rows-to-discard <k>] [--out <file.json>] [--work-dir <dir>] [--keep] [--extra-nodes <k>]
  oracle bench --proof <id|name> [--threads <n>]
  oracle encode-bench --proof <id|name> [--threads <n>]
  oracle poseidon-bench [--seconds <s>]
  oracle poseidon-vectors";

struct Args {
    values: HashMap<String, String>,
    flags: Vec<String>,
}

const FLAGS: [&str; 4] = ["fill", "keep", "multicore", "help"];

fn parse_args(argv: &[String]) -> Result<Args> {
    let mut values = HashMap::new();
    let mut flags = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        let Some(key) = a.strip_prefix("--") else {
            bail!("unexpected argument \"{a}\"\n{USAGE}");
        };
        if let Some((k, v)) = key.split_once('=') {
            values.insert(k.to_string(), v.to_string());
        } else if FLAGS.contains(&key) {
            flags.push(key.to_string());
        } else {
            let v = argv.get(i + 1).with_context(|| format!("--{key} needs a value\n{USAGE}"))?;
            values.insert(key.to_string(), v.clone());
            i += 1;
        }
        i += 1;
    }
    Ok(Args { values, flags })
}

impl Args {
    fn get(&self, k: &str) -> Option<&str> {
        self.values.get(k).map(|s| s.as_str())
    }
    fn need(&self, k: &str) -> Result<&str> {
        self.get(k).with_context(|| format!("missing --{k}\n{USAGE}"))
    }
    fn flag(&self, k: &str) -> bool {
        self.flags.iter().any(|f| f == k)
    }
}

/// The reference reads its settings once, from FIL_PROOFS_* variables. Start from a clean slate
/// so an operator's environment cannot silently change a vector (e.g. FIL_PROOFS_ROWS_TO_DISCARD).
fn set_reference_env(
    parents_dir: &Path,
    params_dir: &Path,
    multicore: bool,
    producers: Option<usize>,
    rows_to_discard: Option<u32>,
) {
    for (k, _) in env::vars() {
        if k.starts_with("FIL_PROOFS_") {
            env::remove_var(&k);
        }
    }
    env::set_var("FIL_PROOFS_PARENT_CACHE", parents_dir);
    env::set_var("FIL_PROOFS_PARAMETER_CACHE", params_dir);
    env::set_var("FIL_PROOFS_USE_MULTICORE_SDR", if multicore { "1" } else { "0" });
    if let Some(p) = producers {
        env::set_var("FIL_PROOFS_MULTICORE_SDR_PRODUCERS", p.to_string());
    }
    // Read once into the reference's SETTINGS on first use, which comes later.
    if let Some(k) = rows_to_discard {
        env::set_var("FIL_PROOFS_ROWS_TO_DISCARD", k.to_string());
    }
}

fn generator_json() -> Value {
    let mut crates = Map::new();
    for kv in env!("ORACLE_CRATE_VERSIONS").split(';') {
        if let Some((k, v)) = kv.split_once('=') {
            crates.insert(k.to_string(), json!(v));
        }
    }
    json!({
        "tool": "tools/oracle",
        "crates": crates,
        "rustc": env!("ORACLE_RUSTC"),
        "multicore_sdr_feature": env!("ORACLE_MULTICORE_SDR") == "true",
    })
}

fn porep_config(p: &proofs::SealProof) -> Result<PoRepConfig> {
    PoRepConfig::new_groth16_with_features(p.sector_size, p.porep_id(), p.api_version, p.features.clone())
}

struct WorkDir {
    path: PathBuf,
    keep: bool,
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

fn work_dir(args: &Args) -> Result<WorkDir> {
    match args.get("work-dir") {
        Some(d) => {
            let path = PathBuf::from(d);
            if path.exists() && fs::read_dir(&path)?.next().is_some() {
                bail!("--work-dir {d} is not empty: give a fresh directory (the parents cache and sector files must be the reference's own)");
            }
            fs::create_dir_all(&path)?;
            Ok(WorkDir { path: fs::canonicalize(path)?, keep: true })
        }
        None => {
            let t = tempfile::Builder::new().prefix("sealer-recover-oracle-").tempdir()?;
            Ok(WorkDir { path: t.keep(), keep: args.flag("keep") })
        }
    }
}

fn parse_data(s: &str) -> Result<DataSpec> {
    if s == "cc" {
        return Ok(DataSpec::Cc);
    }
    if let Some(rest) = s.strip_prefix("sha256-ctr:") {
        let (seed, n) = rest
            .split_once(':')
            .context("--data sha256-ctr:<seed hex32>:<unpadded bytes>")?;
        return Ok(DataSpec::Generated {
            seed: hex32(seed, "--data seed")?,
            unpadded_bytes: n.parse().context("--data: unpadded byte count must be a number")?,
        });
    }
    let p = PathBuf::from(s);
    if !p.is_file() {
        bail!("--data {s}: no such file (use cc, a piece file, or sha256-ctr:<seed>:<bytes>)");
    }
    Ok(DataSpec::File(p))
}

/// Comma-separated piece specs (`sha256-ctr:<seed>:<n>` or a file), in sector order.
fn parse_pieces(s: &str) -> Result<Vec<DataSpec>> {
    let v = s.split(',').map(parse_data).collect::<Result<Vec<_>>>()?;
    if v.iter().any(|d| matches!(d, DataSpec::Cc)) {
        bail!("--pieces: cc is not a piece (the sector key is always CC); give sha256-ctr:<seed>:<bytes> or files");
    }
    Ok(v)
}

fn parse_miner(args: &Args) -> Result<(Option<String>, [u8; 32])> {
    Ok(match (args.get("miner"), args.get("prover-id")) {
        (Some(m), None) => (Some(m.to_string()), prover_id_from_miner(m)?),
        (None, Some(h)) => (None, hex32(h, "--prover-id")?),
        _ => bail!("give exactly one of --miner f0<id> or --prover-id <hex32>"),
    })
}

fn parse_rows_to_discard(args: &Args) -> Result<Option<u32>> {
    args.get("rows-to-discard")
        .map(|k| k.parse::<u32>().context("--rows-to-discard must be a non-negative number"))
        .transpose()
}

struct Env {
    wd: WorkDir,
    parents_dir: PathBuf,
}

fn prepare_env(args: &Args, multicore: bool, producers: Option<usize>, rows_to_discard: Option<u32>) -> Result<Env> {
    let wd = work_dir(args)?;
    let parents_dir = wd.path.join("parents");
    let params_dir = wd.path.join("params");
    fs::create_dir_all(&parents_dir)?;
    fs::create_dir_all(&params_dir)?;
    set_reference_env(&parents_dir, &params_dir, multicore, producers, rows_to_discard);
    Ok(Env { wd, parents_dir })
}

/// The seal inputs shared by `seal` and `encode`.
fn seal_case(args: &Args, env: &Env, data: DataSpec) -> Result<Case> {
    let (miner, prover_id) = parse_miner(args)?;
    Ok(Case {
        proof: seal_proof(args.need("proof")?)?,
        miner,
        prover_id,
        sector_id: args.need("sector")?.parse().context("--sector must be a sector number")?,
        ticket: hex32(args.need("ticket")?, "--ticket")?,
        data,
        fill: args.flag("fill"),
        work_dir: env.wd.path.clone(),
        parents_dir: env.parents_dir.clone(),
        extra_nodes: args.get("extra-nodes").unwrap_or("4").parse()?,
    })
}

fn proof_json(p: &proofs::SealProof) -> Value {
    json!({"id": p.id, "name": p.name, "api_version": p.api_version_name(),
           "features": p.feature_names(), "sector_size": p.sector_size.to_string()})
}

/// What the setting did to tree-r-last: the reference's SETTINGS value, and the rows_to_discard
/// its tree-r-last StoreConfig got (default_rows_to_discard clamps to row_count − 2).
fn rows_to_discard_json(requested: u32, files: &Value) -> Result<Value> {
    let applied = files["t_aux"]["decoded"]["tree_r_last"]["rows_to_discard"]
        .as_u64()
        .context("t_aux has no tree_r_last rows_to_discard")?;
    let size = files["t_aux"]["decoded"]["tree_r_last"]["size"].as_u64().context("t_aux tree_r_last size")?;
    let base_leaves = merkletree::merkle::get_merkle_tree_leafs(size as usize, 8)?;
    let row_count = merkletree::merkle::get_merkle_tree_row_count(base_leaves, 8);
    let settings = storage_proofs_core::settings::SETTINGS.rows_to_discard;
    if settings != requested {
        bail!("FIL_PROOFS_ROWS_TO_DISCARD={requested} was set but the reference's SETTINGS read {settings}");
    }
    Ok(json!({
        "setting": requested,
        "env": format!("FIL_PROOFS_ROWS_TO_DISCARD={requested}"),
        "settings_rows_to_discard": settings,
        "base_tree_leaves": base_leaves,
        "base_tree_row_count": row_count,
        "max_rows_to_discard": row_count.saturating_sub(2),
        "tree_r_last_rows_to_discard": applied,
        "clamped": applied != requested as u64,
        "note": "storage_proofs_core::util::default_rows_to_discard(base leaves, 8) = min(row_count − 2, SETTINGS.rows_to_discard) for arity 8 (0 when row_count ≤ 2, 1 when row_count = 3); tree-c and tree-d keep 0",
    }))
}

fn emit(args: &Args, text: String, what: &str) -> Result<()> {
    match args.get("out") {
        Some(p) => {
            fs::write(p, text).with_context(|| format!("write {p}"))?;
            eprintln!("oracle: wrote {p} ({what})");
        }
        None => print!("{text}"),
    }
    Ok(())
}

fn cmd_seal(args: &Args) -> Result<()> {
    let data = parse_data(args.need("data")?)?;
    let multicore = args.flag("multicore");
    let rows_to_discard = parse_rows_to_discard(args)?;
    let env = prepare_env(args, multicore, None, rows_to_discard)?;
    let cfg = porep_config(&seal_proof(args.need("proof")?)?)?;
    let case = seal_case(args, &env, data)?;
    let wd = &env.wd;
    let out = seal::run(&case, &cfg, true)?;
    let mut body = out.json;

    let mut top = Map::new();
    top.insert("generator".into(), generator_json());
    top.insert("proof".into(), proof_json(&case.proof));
    top.insert("miner".into(), json!(case.miner));
    top.insert("prover_id".into(), json!(hex::encode(case.prover_id)));
    top.insert("sector_id".into(), json!(case.sector_id.to_string()));
    top.insert("ticket".into(), json!(hex::encode(case.ticket)));
    top.insert("data".into(), body["_data"].take());
    if let Value::Object(m) = body {
        for (k, v) in m {
            if k != "_data" {
                top.insert(k, v);
            }
        }
    }
    top.insert("timings_ms".into(), json!({"pc1": out.pc1_ms as u64, "pc2": out.pc2_ms as u64}));
    top.insert("threads".into(), json!(rayon::current_num_threads()));
    top.insert("multicore_sdr".into(), json!(multicore));
    if let Some(k) = rows_to_discard {
        let r = rows_to_discard_json(k, &top["files"])?;
        top.insert("rows_to_discard".into(), r);
    }

    let text = serde_json::to_string_pretty(&Value::Object(top))? + "\n";
    emit(args, text, &format!("pc1 {} ms, pc2 {} ms", out.pc1_ms, out.pc2_ms))?;
    if wd.keep {
        eprintln!("oracle: work dir kept at {}", wd.path.display());
    }
    Ok(())
}

fn bench_threads(args: &Args) -> Result<usize> {
    let threads: usize = match args.get("threads") {
        Some(t) => t.parse().context("--threads must be a number")?,
        None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    };
    if threads == 0 {
        bail!("--threads must be at least 1");
    }
    Ok(threads)
}

/// The fixed CC sector both benches seal: f01000, sector 1, ticket 01…01.
fn bench_case(proof: proofs::SealProof, env: &Env) -> Result<Case> {
    Ok(Case {
        proof,
        miner: Some("f01000".into()),
        prover_id: prover_id_from_miner("f01000")?,
        sector_id: 1,
        ticket: [1u8; 32],
        data: DataSpec::Cc,
        fill: false,
        work_dir: env.wd.path.clone(),
        parents_dir: env.parents_dir.clone(),
        extra_nodes: 0,
    })
}

fn cmd_bench(args: &Args) -> Result<()> {
    let proof = seal_proof(args.need("proof")?)?;
    let threads = bench_threads(args)?;
    // rayon (tree building, column hashing) gets `threads`; the multicore SDR labeler runs one
    // consumer plus threads-1 producers. With one thread only the single-core labeler makes sense.
    env::set_var("RAYON_NUM_THREADS", threads.to_string());
    let multicore = threads >= 2 && env!("ORACLE_MULTICORE_SDR") == "true";
    let env = prepare_env(args, multicore, multicore.then_some(threads - 1), None)?;
    let cfg = porep_config(&proof)?;
    let case = bench_case(proof, &env)?;
    let out = seal::run(&case, &cfg, false)?;
    println!(
        "{}",
        json!({"proof": case.proof.name, "pc1_ms": out.pc1_ms as u64, "pc2_ms": out.pc2_ms as u64,
               "threads": threads, "multicore_sdr": multicore,
               "producers": if multicore { threads - 1 } else { 0 },
               "note": "CC data; parents cache generated before timing; pc1 includes tree-d"})
    );
    Ok(())
}

fn cmd_encode(args: &Args) -> Result<()> {
    let pieces = parse_pieces(args.need("pieces")?)?;
    let rows_to_discard = parse_rows_to_discard(args)?;
    let env = prepare_env(args, false, None, rows_to_discard)?;
    let cfg = porep_config(&seal_proof(args.need("proof")?)?)?;
    let key = seal_case(args, &env, DataSpec::Cc)?;
    let extra_nodes = key.extra_nodes;
    let case = snap::SnapCase { key, pieces, fill: args.flag("fill"), extra_nodes };
    let out = snap::run(&case, &cfg, true)?;
    let mut top = Map::new();
    top.insert("generator".into(), generator_json());
    if let Value::Object(m) = out.json {
        top.extend(m);
    }
    if let Some(k) = rows_to_discard {
        let r = rows_to_discard_json(k, &top["sector_key"]["files"])?;
        top.insert("rows_to_discard".into(), r);
    }
    let text = serde_json::to_string_pretty(&Value::Object(top))? + "\n";
    emit(args, text, &format!("encode {} ms, decode {} ms", out.encode_ms, out.decode_ms))?;
    if env.wd.keep {
        eprintln!("oracle: work dir kept at {}", env.wd.path.display());
    }
    Ok(())
}

fn path_arg<'a>(args: &'a Args, k: &str) -> Result<&'a Path> {
    Ok(Path::new(args.need(k)?))
}

fn cmd_decode(args: &Args) -> Result<()> {
    let up = UpdateProof::for_seal_proof(&seal_proof(args.need("proof")?)?);
    let v = snap_files::decode(&snap_files::DecodeArgs {
        update: &up,
        replica: path_arg(args, "replica")?,
        sector_key: path_arg(args, "sector-key")?,
        key_cache: path_arg(args, "key-cache")?,
        comm_d_new: hex32(args.need("comm-d-new")?, "--comm-d-new")?,
        out: path_arg(args, "out-data")?,
    })?;
    println!("{v}");
    Ok(())
}

fn cmd_remove_data(args: &Args) -> Result<()> {
    let up = UpdateProof::for_seal_proof(&seal_proof(args.need("proof")?)?);
    let v = snap_files::remove(&snap_files::RemoveArgs {
        update: &up,
        replica: path_arg(args, "replica")?,
        replica_cache: path_arg(args, "replica-cache")?,
        data: path_arg(args, "data")?,
        comm_d_new: hex32(args.need("comm-d-new")?, "--comm-d-new")?,
        out_key: path_arg(args, "out-key")?,
        out_key_cache: path_arg(args, "out-key-cache")?,
    })?;
    println!("{v}");
    Ok(())
}

fn cmd_shape_seal(args: &Args) -> Result<()> {
    let proof = seal_proof(args.need("proof")?)?;
    let shape = match args.get("shape") {
        Some(s) => shape_seal::Shape::parse(s)?,
        None => shape_seal::Shape::of_sector_size(proof.sector_size),
    };
    let rows_to_discard = parse_rows_to_discard(args)?;
    let data = parse_data(args.need("data")?)?;
    let env = prepare_env(args, false, None, rows_to_discard)?;
    let cfg = porep_config(&proof)?;
    let nodes: u64 = match (args.get("nodes"), args.get("base-leaves")) {
        (Some(n), None) => n.parse().context("--nodes must be a number")?,
        (None, Some(b)) => b.parse::<u64>().context("--base-leaves must be a number")? * shape.base_tree_count(),
        _ => bail!("give exactly one of --nodes <n> or --base-leaves <n>"),
    };
    let (miner, prover_id) = parse_miner(args)?;
    let case = shape_seal::ShapeCase {
        proof,
        shape,
        nodes,
        layers: args.get("layers").map(|l| l.parse()).transpose().context("--layers must be a number")?,
        miner,
        prover_id,
        sector_id: args.need("sector")?.parse().context("--sector must be a sector number")?,
        ticket: hex32(args.need("ticket")?, "--ticket")?,
        data,
        work_dir: env.wd.path.clone(),
        parents_dir: env.parents_dir.clone(),
        extra_nodes: args.get("extra-nodes").unwrap_or("4").parse()?,
    };
    let body = shape_seal::run(&case, &cfg)?;
    let mut top = Map::new();
    top.insert("generator".into(), generator_json());
    if let Value::Object(m) = body {
        top.extend(m);
    }
    if let Some(k) = rows_to_discard {
        let r = rows_to_discard_json(k, &top["files"])?;
        top.insert("rows_to_discard".into(), r);
    }
    let text = serde_json::to_string_pretty(&Value::Object(top))? + "\n";
    emit(args, text, "shape-seal")?;
    if env.wd.keep {
        eprintln!("oracle: work dir kept at {}", env.wd.path.display());
    }
    Ok(())
}

fn cmd_encode_bench(args: &Args) -> Result<()> {
    let proof = seal_proof(args.need("proof")?)?;
    let threads = bench_threads(args)?;
    env::set_var("RAYON_NUM_THREADS", threads.to_string());
    // Only the (untimed) key seal uses the SDR labeler; same choice as `bench`.
    let multicore = threads >= 2 && env!("ORACLE_MULTICORE_SDR") == "true";
    let env = prepare_env(args, multicore, multicore.then_some(threads - 1), None)?;
    let cfg = porep_config(&proof)?;
    let key = bench_case(proof, &env)?;
    let out = encode_bench::run(key, &cfg)?;
    println!(
        "{}",
        json!({"proof": out.proof, "update_proof": out.update_proof, "encode_ms": out.encode_ms as u64,
               "decode_ms": out.decode_ms as u64, "threads": threads,
               "note": "CC sector key (f01000 s1, ticket 01…01) sealed first, not timed; new data = one full-sector sha256-ctr piece (seed 32×0x5d) staged with add_piece, not timed; encode_ms = encode_into (tree-d, encoding, tree-r-last, p_aux/t_aux), decode_ms = decode_from"})
    );
    Ok(())
}

fn main() {
    let argv: Vec<String> = env::args().skip(1).collect();
    let result = (|| -> Result<()> {
        let (cmd, rest) = match argv.first().map(|s| s.as_str()) {
            Some(
                "seal" | "encode" | "decode" | "remove-data" | "shape-seal" | "bench" | "encode-bench"
                | "poseidon-bench" | "poseidon-vectors",
            ) => (argv[0].as_str(), &argv[1..]),
            Some(s) if s.starts_with("--") => ("seal", &argv[..]),
            _ => {
                println!("{USAGE}");
                return Ok(());
            }
        };
        let args = parse_args(rest)?;
        if args.flag("help") {
            println!("{USAGE}");
            return Ok(());
        }
        match cmd {
            "seal" => cmd_seal(&args),
            "encode" => cmd_encode(&args),
            "decode" => cmd_decode(&args),
            "remove-data" => cmd_remove_data(&args),
            "shape-seal" => cmd_shape_seal(&args),
            "bench" => cmd_bench(&args),
            "encode-bench" => cmd_encode_bench(&args),
            "poseidon-vectors" => poseidon_bench::vectors(),
            _ => poseidon_bench::run(args.get("seconds").unwrap_or("1").parse()?),
        }
    })();
    if let Err(e) = result {
        eprintln!("oracle: error: {e:#}");
        std::process::exit(1);
    }
}
