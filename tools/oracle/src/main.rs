//! sealer-recover reference oracle: runs rust-fil-proofs PreCommit1/2 for one sector and writes
//! every intermediate the TypeScript/C++ pipeline must reproduce as one JSON vector.
//!
//!   oracle seal --proof <id|name> (--miner f0… | --prover-id <hex32>) --sector <n> --ticket <hex32>
//!               --data cc|<piece file>|sha256-ctr:<seed hex32>:<unpadded bytes> [--fill]
//!               [--out file.json] [--work-dir dir] [--keep] [--multicore] [--extra-nodes k]
//!   oracle bench --proof <id|name> [--threads N]
//!   oracle poseidon-bench [--seconds s]
//!   oracle poseidon-vectors

mod cid;
mod datagen;
mod poseidon_bench;
mod proofs;
mod seal;

use std::{
    collections::HashMap,
    env, fs,
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};
use filecoin_proofs::PoRepConfig;
use serde_json::{json, Map, Value};

use crate::{
    proofs::{hex32, prover_id_from_miner, seal_proof},
    seal::{Case, DataSpec},
};

const USAGE: &str = "usage:
  oracle seal --proof <id|name> (--miner f0<id> | --prover-id <hex32>) --sector <n> --ticket <hex32>
              --data cc|<unpadded piece file>|sha256-ctr:<seed hex32>:<unpadded bytes>
              [--fill] [--out <file.json>] [--work-dir <dir>] [--keep] [--multicore] [--extra-nodes <k>]
  oracle bench --proof <id|name> [--threads <n>]
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
fn set_reference_env(parents_dir: &Path, params_dir: &Path, multicore: bool, producers: Option<usize>) {
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

fn cmd_seal(args: &Args) -> Result<()> {
    let proof = seal_proof(args.need("proof")?)?;
    let (miner, prover_id) = match (args.get("miner"), args.get("prover-id")) {
        (Some(m), None) => (Some(m.to_string()), prover_id_from_miner(m)?),
        (None, Some(h)) => (None, hex32(h, "--prover-id")?),
        _ => bail!("give exactly one of --miner f0<id> or --prover-id <hex32>"),
    };
    let sector_id: u64 = args.need("sector")?.parse().context("--sector must be a sector number")?;
    let ticket = hex32(args.need("ticket")?, "--ticket")?;
    let data = parse_data(args.need("data")?)?;
    let multicore = args.flag("multicore");
    let extra_nodes: usize = args.get("extra-nodes").unwrap_or("4").parse()?;

    let wd = work_dir(args)?;
    let parents_dir = wd.path.join("parents");
    let params_dir = wd.path.join("params");
    fs::create_dir_all(&parents_dir)?;
    fs::create_dir_all(&params_dir)?;
    set_reference_env(&parents_dir, &params_dir, multicore, None);

    let cfg = porep_config(&proof)?;
    let case = Case {
        proof,
        miner,
        prover_id,
        sector_id,
        ticket,
        data,
        fill: args.flag("fill"),
        work_dir: wd.path.clone(),
        parents_dir,
        extra_nodes,
    };
    let out = seal::run(&case, &cfg, true)?;
    let mut body = out.json;

    let mut top = Map::new();
    top.insert("generator".into(), generator_json());
    top.insert(
        "proof".into(),
        json!({"id": case.proof.id, "name": case.proof.name, "api_version": case.proof.api_version_name(),
               "features": case.proof.feature_names(), "sector_size": case.proof.sector_size.to_string()}),
    );
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

    let text = serde_json::to_string_pretty(&Value::Object(top))? + "\n";
    match args.get("out") {
        Some(p) => {
            fs::write(p, text).with_context(|| format!("write {p}"))?;
            eprintln!("oracle: wrote {p} (pc1 {} ms, pc2 {} ms)", out.pc1_ms, out.pc2_ms);
        }
        None => print!("{text}"),
    }
    if wd.keep {
        eprintln!("oracle: work dir kept at {}", wd.path.display());
    }
    Ok(())
}

fn cmd_bench(args: &Args) -> Result<()> {
    let proof = seal_proof(args.need("proof")?)?;
    let threads: usize = match args.get("threads") {
        Some(t) => t.parse().context("--threads must be a number")?,
        None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    };
    if threads == 0 {
        bail!("--threads must be at least 1");
    }
    // rayon (tree building, column hashing) gets `threads`; the multicore SDR labeler runs one
    // consumer plus threads-1 producers. With one thread only the single-core labeler makes sense.
    env::set_var("RAYON_NUM_THREADS", threads.to_string());
    let multicore = threads >= 2 && env!("ORACLE_MULTICORE_SDR") == "true";
    let wd = work_dir(args)?;
    let parents_dir = wd.path.join("parents");
    let params_dir = wd.path.join("params");
    fs::create_dir_all(&parents_dir)?;
    fs::create_dir_all(&params_dir)?;
    set_reference_env(&parents_dir, &params_dir, multicore, multicore.then_some(threads - 1));
    let cfg = porep_config(&proof)?;
    let case = Case {
        proof,
        miner: Some("f01000".into()),
        prover_id: prover_id_from_miner("f01000")?,
        sector_id: 1,
        ticket: [1u8; 32],
        data: DataSpec::Cc,
        fill: false,
        work_dir: wd.path.clone(),
        parents_dir,
        extra_nodes: 0,
    };
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

fn main() {
    let argv: Vec<String> = env::args().skip(1).collect();
    let result = (|| -> Result<()> {
        let (cmd, rest) = match argv.first().map(|s| s.as_str()) {
            Some("seal") | Some("bench") | Some("poseidon-bench") | Some("poseidon-vectors") => (argv[0].as_str(), &argv[1..]),
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
            "bench" => cmd_bench(&args),
            "poseidon-vectors" => poseidon_bench::vectors(),
            _ => poseidon_bench::run(args.get("seconds").unwrap_or("1").parse()?),
        }
    })();
    if let Err(e) = result {
        eprintln!("oracle: error: {e:#}");
        std::process::exit(1);
    }
}
