// Embeds the exact versions of the reference crates (from Cargo.lock) and of rustc into the
// binary, so every vector records what produced it.
use std::{env, fs, path::Path, process::Command};

const CRATES: &[&str] = &[
    "filecoin-proofs",
    "storage-proofs-porep",
    "storage-proofs-core",
    "storage-proofs-update",
    "filecoin-hashers",
    "neptune",
    "merkletree",
    "fr32",
    "blstrs",
    "sha2",
];

fn main() {
    let dir = env::var("CARGO_MANIFEST_DIR").unwrap();
    let lock_path = Path::new(&dir).join("Cargo.lock");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = fs::read_to_string(&lock_path).unwrap_or_default();
    let mut found = Vec::new();
    let mut name: Option<String> = None;
    for line in lock.lines() {
        if let Some(v) = line.strip_prefix("name = ") {
            name = Some(v.trim_matches('"').to_string());
        } else if let Some(v) = line.strip_prefix("version = ") {
            if let Some(n) = name.take() {
                if CRATES.contains(&n.as_str()) {
                    found.push(format!("{}={}", n, v.trim_matches('"')));
                }
            }
        }
    }
    println!("cargo:rustc-env=ORACLE_CRATE_VERSIONS={}", found.join(";"));
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=ORACLE_RUSTC={}", version);
    let multicore = env::var("CARGO_FEATURE_MULTICORE_SDR").is_ok();
    println!("cargo:rustc-env=ORACLE_MULTICORE_SDR={}", multicore);
}
