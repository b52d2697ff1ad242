//! Seeded, structure-aware mutation of every format's real fixtures and of
//! budget files: every input must load to benchmarks or to an error that
//! names the file — never a panic, and never a hang.
//!
//! `cargo test --release --test mutation` runs 10 000 inputs per format (CI
//! does), on two threads; a debug build (plain `cargo test`) runs 200. `PERFGATE_MUTATIONS=N`
//! sets the inputs per format and `PERFGATE_MUTATION_SEED` the seed (default
//! fixed), so a finding can be replayed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use perfgate::config::Config;
use perfgate::input::{self, Format, InputOptions, Registry};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use support::detected_fixtures;

#[path = "support/mod.rs"]
mod support;

/// Longer than this for one small input is a finding (a hang in the making).
const SLOW: Duration = Duration::from_secs(2);

fn mutations_per_format() -> usize {
    let default = if cfg!(debug_assertions) { 200 } else { 10_000 };
    std::env::var("PERFGATE_MUTATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

fn seed() -> u64 {
    std::env::var("PERFGATE_MUTATION_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or(0x5EED_F022)
}

/// One mutation of `bytes`, chosen at random: the kinds of damage real files suffer.
fn mutate(bytes: &[u8], rng: &mut Pcg64Mcg) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let at = |rng: &mut Pcg64Mcg, len: usize| if len == 0 { 0 } else { rng.gen_range(0..=len) };
    for _ in 0..rng.gen_range(1..=3) {
        match rng.gen_range(0..12) {
            0 => out.truncate(at(rng, out.len())),
            1 => {
                let depth = rng.gen_range(1..20_000);
                let opening: &[u8] = [b"[".as_slice(), b"{\"a\":", b"[{\"k\":"][rng.gen_range(0..3)];
                let nested: Vec<u8> = opening.repeat(depth);
                let i = at(rng, out.len());
                out.splice(i..i, nested);
            }
            2 => replace_a_number(&mut out, rng),
            3 => {
                let i = at(rng, out.len());
                let junk: &[u8] = [&[0xff, 0xfe][..], &[0xc3][..], &[0xe2, 0x82][..], &[0][..]][rng.gen_range(0..4)];
                out.splice(i..i, junk.iter().copied());
            }
            4 => out = crlf(&out),
            5 => out.splice(0..0, [0xef, 0xbb, 0xbf]).for_each(drop),
            6 => out = shuffled_lines(&out, rng),
            7 => out = duplicated_or_dropped_line(&out, rng),
            8 => {
                // A byte flipped: quotes, brackets, separators and digits become something else.
                if !out.is_empty() {
                    let i = rng.gen_range(0..out.len());
                    let replacements = b"\"{}[],:;|\t 09eE.+-\nxN";
                    out[i] = replacements[rng.gen_range(0..replacements.len())];
                }
            }
            9 => {
                let i = at(rng, out.len());
                let token: &[u8] =
                    [&b"null"[..], b"\"\"", b"[]", b"{}", b"true", b"-", b"N/A", b"%"][rng.gen_range(0..8)];
                out.splice(i..i, token.iter().copied());
            }
            10 => {
                // A long line: a field of a hundred thousand characters.
                let i = at(rng, out.len());
                out.splice(i..i, std::iter::repeat_n(b'9', rng.gen_range(1..100_000)));
            }
            _ => out.clear(),
        }
    }
    out
}

/// A number of the text replaced by one that breaks assumptions: huge, negative, NaN, 1e400, zero.
fn replace_a_number(bytes: &mut Vec<u8>, rng: &mut Pcg64Mcg) {
    let starts: Vec<usize> = (0..bytes.len())
        .filter(|&i| bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()))
        .collect();
    let Some(&start) = starts.choose(rng) else { return };
    let end = (start..bytes.len())
        .find(|&i| !matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-'))
        .unwrap_or(bytes.len());
    let replacement: &[u8] = [
        &b"1e400"[..],
        b"-1",
        b"NaN",
        b"-0",
        b"0",
        b"18446744073709551616",
        b"1e-400",
        b"-1e308",
        b"inf",
        b"0.0000000000000000000001",
    ][rng.gen_range(0..10)];
    bytes.splice(start..end, replacement.iter().copied());
}

fn crlf(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().flat_map(|&b| if b == b'\n' { vec![b'\r', b'\n'] } else { vec![b] }).collect()
}

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

fn shuffled_lines(bytes: &[u8], rng: &mut Pcg64Mcg) -> Vec<u8> {
    let mut all = lines(bytes);
    all.shuffle(rng);
    all.join(&b'\n')
}

fn duplicated_or_dropped_line(bytes: &[u8], rng: &mut Pcg64Mcg) -> Vec<u8> {
    let mut all = lines(bytes);
    if all.is_empty() {
        return Vec::new();
    }
    let i = rng.gen_range(0..all.len());
    if rng.gen_bool(0.5) {
        let copy = all[i].clone();
        all.insert(i, copy);
    } else {
        all.remove(i);
    }
    all.join(&b'\n')
}

/// The file of a fixture that mutations rewrite: the file itself, or for a criterion case
/// folder one of its JSON files in a copy of the folder.
struct Target {
    _folder: tempfile::TempDir,
    load_path: PathBuf,
    mutated_file: PathBuf,
    original: Vec<u8>,
}

fn target_for(fixture: &Path, rng: &mut Pcg64Mcg) -> Target {
    let folder = tempfile::tempdir().unwrap();
    if fixture.is_dir() {
        let copy = folder.path().join("case");
        let mut jsons = Vec::new();
        for entry in walkdir::WalkDir::new(fixture).into_iter().map(Result::unwrap) {
            let to = copy.join(entry.path().strip_prefix(fixture).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
                jsons.push(to);
            }
        }
        let mutated_file = jsons.choose(rng).unwrap().clone();
        let original = std::fs::read(&mutated_file).unwrap();
        Target { _folder: folder, load_path: copy, mutated_file, original }
    } else {
        let name = fixture.file_name().unwrap();
        let path = folder.path().join(name);
        let original = std::fs::read(fixture).unwrap();
        Target { _folder: folder, load_path: path.clone(), mutated_file: path, original }
    }
}

/// What went wrong with one input, if anything.
fn finding(format: Format, path: &Path, options: &InputOptions) -> Option<String> {
    let started = Instant::now();
    let loaded = catch_unwind(AssertUnwindSafe(|| input::load(format, path, options)));
    let took = started.elapsed();
    let problem = match loaded {
        Err(panic) => {
            let message =
                panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            Some(format!("panicked: {}", message.unwrap_or_default()))
        }
        Ok(Err(error)) if !error.path.starts_with(path) && error.path != path => {
            Some(format!("the error names {} instead of the input: {error}", error.path.display()))
        }
        Ok(_) => None,
    };
    problem.or_else(|| (took > SLOW).then(|| format!("took {took:?}")))
}

/// One test, so the silenced panic hook (each panic is a finding, reported at the end) is
/// never set while another test runs.
#[test]
fn mutated_inputs_and_budget_files_never_panic_hang_or_lose_the_file_name() {
    std::panic::set_hook(Box::new(|_| {}));
    let outputs = mutated_real_outputs();
    let budgets = mutated_budget_files();
    let _ = std::panic::take_hook();
    let findings: Vec<String> = outputs.into_iter().chain(budgets).collect();
    assert!(findings.is_empty(), "{} findings:\n{}", findings.len(), findings.join("\n"));
}

/// Every format's fixtures, mutated.
fn mutated_real_outputs() -> Vec<String> {
    let inputs = detected_fixtures();
    let formats: Vec<Format> = Registry::builtin().formats().to_vec();
    // Two workers, each with its formats; each format has its own seeded generator, so the
    // inputs do not depend on the split.
    let halves: Vec<Vec<Format>> = (0..2).map(|w| formats.iter().copied().skip(w).step_by(2).collect()).collect();
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = halves
            .iter()
            .map(|own| {
                scope.spawn(|| {
                    own.iter().map(|format| mutate_format(*format, &inputs)).fold(
                        (0, Vec::new()),
                        |(n, mut all), (tried, found)| {
                            all.extend(found);
                            (n + tried, all)
                        },
                    )
                })
            })
            .collect();
        workers.into_iter().map(|worker| worker.join().expect("a worker")).collect()
    });
    let tried: usize = results.iter().map(|(tried, _)| tried).sum();
    let findings: Vec<String> = results.into_iter().flat_map(|(_, found)| found).collect();
    eprintln!(
        "mutation: {tried} inputs over {} formats, seed {:#x}, {} findings",
        formats.len(),
        seed(),
        findings.len()
    );
    findings
}

/// The mutated inputs of one format: how many were tried, and the findings.
fn mutate_format(format: Format, inputs: &[(Format, PathBuf)]) -> (usize, Vec<String>) {
    let own: Vec<&PathBuf> = inputs.iter().filter(|(f, _)| *f == format).map(|(_, p)| p).collect();
    if own.is_empty() {
        return (0, Vec::new());
    }
    let format_seed = format.name().bytes().fold(seed(), |hash, byte| hash.rotate_left(5) ^ u64::from(byte));
    let mut rng = Pcg64Mcg::seed_from_u64(format_seed);
    let targets: Vec<Target> = own.iter().map(|fixture| target_for(fixture, &mut rng)).collect();
    let mut findings = Vec::new();
    let per_format = mutations_per_format();
    for i in 0..per_format {
        let target = &targets[i % targets.len()];
        let mutated = mutate(&target.original, &mut rng);
        std::fs::write(&target.mutated_file, &mutated).unwrap();
        // Mostly the named format; every tenth input through detection.
        let as_format = if i % 10 == 9 { Format::AUTO } else { format };
        let options = InputOptions { max_bad_rows: if i % 7 == 0 { 3 } else { 0 }, ..InputOptions::default() };
        if let Some(problem) = finding(as_format, &target.load_path, &options) {
            let kept = std::env::temp_dir().join(format!("perfgate-finding-{format}-{i}"));
            let _ = std::fs::write(&kept, &mutated);
            findings.push(format!(
                "{format} #{i} ({}): {problem} [input kept at {}]",
                target.mutated_file.display(),
                kept.display()
            ));
        }
        std::fs::write(&target.mutated_file, &target.original).unwrap();
    }
    (per_format, findings)
}

/// Budget files as users write them, mutated: parsing and the input stage's check answer
/// with a configuration error or a configuration, never a panic.
fn mutated_budget_files() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut budgets: Vec<String> =
        readme.split("```toml\n").skip(1).filter_map(|block| block.split("```").next()).map(str::to_string).collect();
    for extra in ["examples/perf-budget.toml", "benches/perf-budget.toml"] {
        if let Ok(text) = std::fs::read_to_string(root.join(extra)) {
            budgets.push(text);
        }
    }
    assert!(budgets.len() >= 3, "budget examples found: {}", budgets.len());
    let mut rng = Pcg64Mcg::seed_from_u64(seed() ^ 0xB0D6E7);
    let mut findings = Vec::new();
    let path = Path::new("perf-budget.toml");
    let count = mutations_per_format();
    for i in 0..count {
        let original = budgets[i % budgets.len()].as_bytes();
        let mutated = mutate(original, &mut rng);
        let text = String::from_utf8_lossy(&mutated).into_owned();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if let Ok(config) = Config::parse(&text, path) {
                let _ = input::check_config(&config);
            }
        }));
        if outcome.is_err() {
            findings.push(format!("budget #{i}:\n{text}"));
        }
    }
    eprintln!("mutation: {count} budget files, {} findings", findings.len());
    findings
}
