//! The accuracy harness: simulated benchmark suites judged by perfgate's real
//! decision code and by other tools' published rules, side by side.
//!
//! ```sh
//! cargo run --release --example accuracy            # the published tables (docs/ACCURACY.md)
//! cargo run --release --example accuracy -- --quick # fewer repetitions, for a quick look
//! ```
//! Options: `--quick`, `--seed N` (default 6), `--threads N` (default 2; the
//! numbers do not depend on it), `--only SECTION` (targets, headline, power,
//! shapes, mde, rounds, sequential, min, fdr, change-points). Tables go to stdout as markdown; timings to stderr.

#[path = "accuracy/mod.rs"]
mod harness;

use std::time::Instant;

use harness::change_points;
use harness::sections::{self, Size, PAIRED, UNPAIRED};

struct Options {
    size: Size,
    seed: u64,
    threads: usize,
    only: Option<String>,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options { size: Size::FULL, seed: 6, threads: 2, only: None };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--quick" => options.size = Size::QUICK,
            "--full" => options.size = Size::FULL,
            "--seed" => options.seed = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--threads" => options.threads = value("--threads")?.parse().map_err(|e| format!("--threads: {e}"))?,
            "--only" => options.only = Some(value("--only")?),
            other => {
                return Err(format!("unknown option {other:?} (try --quick, --seed N, --threads N, --only SECTION)"))
            }
        }
    }
    Ok(options)
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("accuracy: {message}");
            std::process::exit(2);
        }
    };
    let (size, seed, threads) = (options.size, options.seed, options.threads);
    type Section = Box<dyn Fn() -> String>;
    let all: Vec<(&str, Section)> = vec![
        ("targets", Box::new(move || sections::targets(size, seed, threads))),
        (
            "headline",
            Box::new(move || {
                sections::headline(PAIRED, size, seed, threads)
                    + "\n"
                    + &sections::headline(UNPAIRED, size, seed, threads)
            }),
        ),
        (
            "power",
            Box::new(move || {
                sections::power_grid(PAIRED, size, seed, threads)
                    + "\n"
                    + &sections::power_grid(UNPAIRED, size, seed, threads)
            }),
        ),
        (
            "shapes",
            Box::new(move || {
                sections::shapes(PAIRED, size, seed, threads) + "\n" + &sections::shapes(UNPAIRED, size, seed, threads)
            }),
        ),
        ("mde", Box::new(move || sections::mde_by_noise(size, seed, threads))),
        (
            "sequential",
            Box::new(move || sections::sequential(size, seed) + "\n" + &sections::sequential_power(size, seed)),
        ),
        ("sequential-fdr", Box::new(move || sections::sequential_fdr(size, seed))),
        ("rounds", Box::new(move || sections::rounds_needed(size, seed, threads))),
        ("min", Box::new(move || sections::minimum(size, seed, threads))),
        (
            "fdr",
            Box::new(move || {
                sections::false_discoveries(size, seed) + "\n" + &sections::fdr_levels(size, seed, threads)
            }),
        ),
        ("change-points", Box::new(move || change_points::change_points(size, seed))),
    ];
    println!(
        "<!-- cargo run --release --example accuracy{} -- seed {seed}, {size:?} -->\n",
        if size.aa_reps == Size::QUICK.aa_reps { " -- --quick" } else { "" }
    );
    let started = Instant::now();
    for (name, section) in &all {
        if options.only.as_deref().is_some_and(|only| only != *name) {
            continue;
        }
        let began = Instant::now();
        println!("{}", section());
        eprintln!("accuracy: {name} took {:.1} s", began.elapsed().as_secs_f64());
    }
    eprintln!("accuracy: done in {:.1} s", started.elapsed().as_secs_f64());
}
