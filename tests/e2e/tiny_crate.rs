//! The throw-away crate the criterion e2e tests benchmark: `steady` mixes 2000 numbers and
//! `scaled` as many as a test asks, criterion 0.5 from the registry, one bench target `work`.

pub const CARGO_TOML: &str = r#"[package]
name = "tiny"
version = "0.1.0"
edition = "2021"

[dev-dependencies]
criterion = { version = "0.5", default-features = false, features = ["cargo_bench_support"] }

[[bench]]
name = "work"
harness = false

[workspace]
"#;

/// `src/lib.rs`: `steady` mixes 2000 numbers; `scaled` mixes `scaled_work`.
pub fn lib_rs(scaled_work: u64, comment: &str) -> String {
    format!(
        "// {comment}\n\
         pub fn mix(n: u64) -> u64 {{\n    (0..n).fold(0u64, |acc, x| acc.rotate_left(5) ^ x.wrapping_mul(0x9E37_79B9_7F4A_7C15))\n}}\n\n\
         pub fn steady() -> u64 {{\n    mix(std::hint::black_box(2000))\n}}\n\n\
         pub fn scaled() -> u64 {{\n    mix(std::hint::black_box({scaled_work}))\n}}\n"
    )
}
