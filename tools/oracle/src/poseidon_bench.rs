//! Throughput of the reference Poseidon (neptune through filecoin-hashers' constants) for the
//! arities sealing uses: 2 (comm_r, 2-layer columns), 8 (tree-c / tree-r-last), 11 (32/64GiB columns).

use std::time::{Duration, Instant};

use anyhow::Result;
use blstrs::Scalar as Fr;
use ff::Field;
use filecoin_hashers::{POSEIDON_CONSTANTS_11, POSEIDON_CONSTANTS_2, POSEIDON_CONSTANTS_8};
use generic_array::typenum::{U11, U2, U8};
use neptune::{poseidon::PoseidonConstants, Arity, Poseidon};
use serde_json::json;

fn measure<A: Arity<Fr>>(constants: &PoseidonConstants<Fr, A>, seconds: f64) -> (f64, String) {
    let arity = A::to_usize();
    // Fixed, non-trivial inputs: Fr::from(k + 1), fed back so the work cannot be hoisted.
    let mut preimage: Vec<Fr> = (0..arity as u64).map(|k| Fr::from(k + 1)).collect();
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut count: u64 = 0;
    let mut last = Fr::ZERO;
    while start.elapsed() < budget {
        for _ in 0..256 {
            let mut h = Poseidon::new_with_preimage(&preimage, constants);
            last = h.hash();
            preimage[0] = last;
        }
        count += 256;
    }
    let rate = count as f64 / start.elapsed().as_secs_f64();
    let _ = last;
    (rate, hash_hex(constants, &(0..arity as u64).map(Fr::from).collect::<Vec<_>>()))
}

fn hash_hex<A: Arity<Fr>>(constants: &PoseidonConstants<Fr, A>, preimage: &[Fr]) -> String {
    hex::encode(Poseidon::new_with_preimage(preimage, constants).hash().to_bytes_le())
}

/// Canonical Fr from 32 LE bytes with the top two bits cleared (always < r).
fn fr_from_masked(mut b: [u8; 32]) -> Fr {
    b[31] &= 0x3f;
    Option::from(Fr::from_bytes_le(&b)).expect("masked value is canonical")
}

fn vectors_for<A: Arity<Fr>>(constants: &PoseidonConstants<Fr, A>, seed: &[u8; 32]) -> serde_json::Value {
    let arity = A::to_usize();
    let mut cases = Vec::new();
    let mut push = |pre: Vec<Fr>, what: &str| {
        let inputs: Vec<String> = pre.iter().map(|x| hex::encode(x.to_bytes_le())).collect();
        cases.push(json!({"what": what, "inputs": inputs, "output": hash_hex(constants, &pre)}));
    };
    push((0..arity as u64).map(Fr::from).collect(), "0..arity-1 (neptune hash_values)");
    push(vec![Fr::ZERO; arity], "all zero");
    push(vec![-Fr::ONE; arity], "all r-1");
    let stream = crate::datagen::sha256_ctr(seed, 32 * arity * 4);
    for (i, chunk) in stream.chunks(32 * arity).enumerate() {
        let pre = chunk
            .chunks(32)
            .map(|c| fr_from_masked(c.try_into().expect("32 bytes")))
            .collect();
        push(pre, &format!("sha256-ctr block group {i}, each masked to 254 bits"));
    }
    json!(cases)
}

/// Reference Poseidon outputs (MerkleTree hash type, Standard strength, the constants
/// filecoin-hashers uses) for arities 2, 8 and 11; elements as canonical little-endian hex.
pub fn vectors() -> Result<()> {
    let seed = [0x50u8; 32];
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({
            "generator": crate::generator_json(),
            "hash_type": "MerkleTree", "strength": "Standard",
            "seed": hex::encode(seed),
            "arity": {
                "2": vectors_for::<U2>(&POSEIDON_CONSTANTS_2, &seed),
                "8": vectors_for::<U8>(&POSEIDON_CONSTANTS_8, &seed),
                "11": vectors_for::<U11>(&POSEIDON_CONSTANTS_11, &seed),
            }
        }))?
    );
    Ok(())
}

pub fn run(seconds: f64) -> Result<()> {
    let (r2, h2) = measure::<U2>(&POSEIDON_CONSTANTS_2, seconds);
    let (r8, h8) = measure::<U8>(&POSEIDON_CONSTANTS_8, seconds);
    let (r11, h11) = measure::<U11>(&POSEIDON_CONSTANTS_11, seconds);
    println!(
        "{}",
        json!({
            "hashes_per_second": {"2": r2.round(), "8": r8.round(), "11": r11.round()},
            "threads": 1,
            "seconds_per_arity": seconds,
            "check": {"note": "Poseidon_a(0, 1, ..., a-1) as canonical LE hex (neptune hash_values)", "2": h2, "8": h8, "11": h11},
        })
    );
    Ok(())
}
