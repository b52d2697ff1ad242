//! Time-budgeted rounds through the real runner, with a stand-in for `cargo
//! bench` on the PATH that answers like a criterion bench binary run with
//! `--output-format bencher`: it lists its benchmarks, honours the filter
//! regex and logs every command line it was given.

use std::path::Path;

use perfgate::testing::TestRepo;

use super::*;

/// `cargo` for the tests: `steady` takes 1000 ns (±0.2 %), `noisy` 1000 ns ±25 % per run (from a
/// seeded generator, the same in every test run),
/// `scaled` `work.txt` × 10 ns; with a `^(...)$` filter only the names it matches run.
const FAKE_CARGO: &str = r#"#!/bin/sh
printf '%s\n' "$*" >> "$PERFGATE_TEST_LOG"
filter=''
list=0
for word in "$@"; do
  case "$word" in
    --list) list=1 ;;
    '^('*) filter="$word" ;;
  esac
done
# Seeded: every run takes the next seed from a counter beside the log, so the values repeat.
count="$PERFGATE_TEST_LOG.count"
seed=$(( $(cat "$count" 2>/dev/null || echo 0) + 1 ))
echo "$seed" > "$count"
random() { seed=$(( (seed * 1103515245 + 12345) % 2147483648 )); echo $(( seed / 65536 )); }
[ -n "$SLEEP" ] && sleep "$SLEEP"
work=$(cat work.txt)
for name in steady noisy scaled; do
  if [ -n "$filter" ] && ! printf '%s\n' "$name" | grep -Eq "$filter"; then continue; fi
  if [ "$list" = 1 ]; then echo "$name: bench"; continue; fi
  case "$name" in
    steady) value=$((1000 + $(random) % 3)) ;;
    noisy) value=$((750 + $(random) % 500)) ;;
    scaled) value=$((work * 10 + $(random) % 3)) ;;
  esac
  echo "test $name ... bench: $value ns/iter (+/- 1)"
done
"#;

/// `cargo` for the chunk tests: eight benchmarks `b1` … `b8` of 1000 ns, each taking `$EACH`
/// seconds to measure; logs the folder it runs in (base or head) and its command line.
const FAKE_SLOW_CARGO: &str = r#"#!/bin/sh
printf '%s %s\n' "$PWD" "$*" >> "$PERFGATE_TEST_LOG"
filter=''
list=0
for word in "$@"; do
  case "$word" in
    --list) list=1 ;;
    '^('*) filter="$word" ;;
  esac
done
for name in b1 b2 b3 b4 b5 b6 b7 b8; do
  if [ -n "$filter" ] && ! printf '%s\n' "$name" | grep -Eq "$filter"; then continue; fi
  if [ "$list" = 1 ]; then echo "$name: bench"; continue; fi
  sleep "$EACH"
  echo "test $name ... bench: 1000 ns/iter (+/- 1)"
done
"#;

struct Setup {
    repo: TestRepo,
    bin: tempfile::TempDir,
    log: std::path::PathBuf,
}

fn setup(baseline: &str) -> Setup {
    setup_with(FAKE_CARGO, baseline)
}

fn setup_with(fake_cargo: &str, baseline: &str) -> Setup {
    let bin = tempfile::tempdir().unwrap();
    let cargo = bin.path().join("cargo");
    std::fs::write(&cargo, fake_cargo).unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(&mut std::fs::metadata(&cargo).unwrap().permissions(), 0o755);
    std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let repo = TestRepo::new();
    let budget = format!(
        "[baseline]\nsource = \"rerun\"\nref = \"main\"\n{baseline}\n\n[[suite]]\nname = \"micro\"\n\
         command = \"cargo bench --bench b -- --output-format bencher\"\nformat = \"bencher\"\n\n\
         [[kpi]]\nname = \"no regression\"\nsuite = \"micro\"\nbench = \"*\"\nstatistic = \"median\"\nmax-regression = \"5%\"\n"
    );
    repo.commit("perf-budget.toml", &budget, "budget");
    repo.commit("work.txt", "100", "base");
    repo.branch("main");
    repo.checkout_new_branch("feature");
    let log = bin.path().join("log");
    Setup { repo, bin, log }
}

fn check(setup: &Setup, extra: &[&str], sleep: &str) -> (i32, serde_json::Value) {
    let path = format!("{}:{}", setup.bin.path().display(), std::env::var("PATH").unwrap_or_default());
    json_report(
        perfgate()
            .arg("check")
            .args(extra)
            .current_dir(setup.repo.path())
            .env("PATH", path)
            .env("PERFGATE_TEST_LOG", &setup.log)
            .env("SLEEP", sleep)
            .env("EACH", sleep),
    )
}

fn runs(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log).unwrap_or_default().lines().map(str::to_string).collect()
}

#[test]
fn decided_benchmarks_stop_and_later_rounds_run_only_the_undecided_ones() {
    let setup = setup("rounds = 16");
    setup.repo.commit("work.txt", "150", "50 % more work");
    let (code, report) = check(&setup, &[], "");
    assert_eq!(code, 1, "{report:#}");
    let log = runs(&setup.log);
    // Listing first, on both sides (which builds real benches before the clock starts).
    assert!(log[0].ends_with("--output-format bencher --list") && log[1].ends_with("--list"), "{log:#?}");
    // Every run gets criterion's short-round options after cargo's `--`.
    let measured: Vec<&String> = log.iter().filter(|l| !l.ends_with("--list")).collect();
    assert!(measured.iter().all(|l| l.contains("--warm-up-time") && l.contains("--nresamples 1000")), "{log:#?}");
    // `steady` passes and `scaled` (+50 %) fails at the first look, after round 10 (min-rounds);
    // `noisy` (±25 % per run) needs more, and the later rounds run it alone.
    let verdict = |bench: &str| verdicts(&report).into_iter().find(|(b, _)| b == bench).unwrap().1;
    assert_eq!((verdict("steady"), verdict("scaled")), ("pass".into(), "fail".into()), "{report:#}");
    assert!(measured[..20].iter().all(|l| !l.contains('^')), "10 rounds of everything: {log:#?}");
    assert!(measured.len() > 20, "noisy ran on: {log:#?}");
    assert!(measured[20..].iter().all(|l| l.contains("^(noisy)$")), "{log:#?}");
    let comparison = |bench: &str| {
        report["kpis"][0]["comparisons"].as_array().unwrap().iter().find(|c| c["bench"] == bench).unwrap().clone()
    };
    assert_eq!(comparison("steady")["method"], "paired, 10 rounds");
    assert_eq!(comparison("noisy")["method"], format!("paired, {} rounds", measured.len() / 2));
    let measuring = &report["measuring"];
    assert_eq!(measuring["suites"][0]["harness"], "criterion");
    assert_eq!(measuring["suites"][0]["filtered"], true);
    assert!(measuring["suites"][0]["round_options"].as_str().unwrap().contains("--measurement-time"));
    assert!(measuring["build_seconds"].as_f64().unwrap() >= 0.0);
    assert_eq!(report["kpis"][0]["rounds"], measuring["rounds"]);
}

#[test]
fn the_time_budget_ends_the_rounds_and_what_is_undecided_is_inconclusive() {
    let setup = setup("rounds = 30");
    // A round of both sides takes about 0.8 s: a 4 s budget holds about four rounds.
    let (code, report) = check(&setup, &["--time-budget", "4s"], "0.4");
    assert_eq!(code, 0, "{report:#}");
    let measuring = &report["measuring"];
    assert_eq!(measuring["stop"], "time-budget", "{measuring:#}");
    let rounds = measuring["rounds"].as_u64().unwrap();
    assert!((2..=5).contains(&rounds), "{measuring:#}");
    assert!(measuring["seconds"].as_f64().unwrap() <= 4.5, "the rounds ended within the budget: {measuring:#}");
    assert!(verdicts(&report).iter().all(|(_, v)| v == "inconclusive"), "{report:#}");
    assert_eq!(measuring["undecided"], 3);
    let (_, text, _) =
        outcome(perfgate().args(["report", "--format", "text"]).arg(write_json(setup.bin.path(), &report)));
    assert!(
        text.contains(&format!("rounds: stopped after {rounds} rounds: time budget spent, 3 inconclusive")),
        "{text}"
    );
}

fn write_json(dir: &Path, report: &serde_json::Value) -> std::path::PathBuf {
    let path = dir.join("report.json");
    std::fs::write(&path, report.to_string()).unwrap();
    path
}

fn error_of(setup: &Setup, budget: &str, sleep: &str) -> String {
    let path = format!("{}:{}", setup.bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let (code, _, stderr) = outcome(
        perfgate()
            .args(["check", "--time-budget", budget])
            .current_dir(setup.repo.path())
            .env("PATH", path)
            .env("PERFGATE_TEST_LOG", &setup.log)
            .env("SLEEP", sleep),
    );
    assert_eq!(code, 2, "{stderr}");
    stderr
}

#[test]
fn a_time_budget_too_small_for_one_round_is_an_error_that_says_the_minimum() {
    let setup = setup("rounds = 30");
    // Known before anything runs: three listed benchmarks on two sides at 0.4 s at least.
    let stderr = error_of(&setup, "1s", "");
    assert!(
        stderr.contains("the time budget of 1 s is too small for even one round of the 3 listed benchmarks"),
        "{stderr}"
    );
    assert!(stderr.contains("a round takes at least 2 s"), "{stderr}");
    assert_eq!(runs(&setup.log).iter().filter(|l| !l.ends_with("--list")).count(), 0, "nothing was measured");
    // Known after the first round: its runs took longer than the listing promised.
    let stderr = error_of(&setup, "3s", "2");
    assert!(stderr.contains("the time budget of 3 s is too small for even one round"), "{stderr}");
    let took =
        ["4 s", "5 s", "6 s"].iter().any(|t| stderr.contains(&format!("the first round of base and head took {t}")));
    assert!(took, "two sides of 2 s each: {stderr}");
    assert!(stderr.contains("for 10 rounds, the first look"), "{stderr}");
}

#[test]
fn a_time_budget_that_is_not_a_duration_is_a_usage_error() {
    for bad in ["15", "0.5s", "fast"] {
        let (code, _, stderr) = outcome(perfgate().args(["check", "--time-budget", bad]));
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(stderr.contains("invalid value") && stderr.contains("--time-budget <DURATION>"), "{bad}: {stderr}");
    }
}

#[test]
fn a_suite_can_pass_its_own_round_options_or_run_as_written() {
    for (key, expected_tail) in [
        (
            "round-options = \"--sample-size 20 --warm-up-time 2\"",
            "--output-format bencher --sample-size 20 --warm-up-time 2",
        ),
        ("short-rounds = false", "--output-format bencher"),
    ] {
        let setup = setup("rounds = 2");
        let budget = std::fs::read_to_string(setup.repo.path().join("perf-budget.toml")).unwrap();
        let budget = budget.replace("format = \"bencher\"\n", &format!("format = \"bencher\"\n{key}\n"));
        setup.repo.commit("perf-budget.toml", &budget, "own round options");
        let (code, report) = check(&setup, &[], "");
        assert_eq!(code, 0, "{report:#}");
        let measured: Vec<String> = runs(&setup.log).into_iter().filter(|l| !l.ends_with("--list")).collect();
        assert_eq!(measured.len(), 4, "{measured:#?}");
        assert!(measured.iter().all(|l| l.ends_with(expected_tail)), "{key}: {measured:#?}");
    }
}

/// The measuring runs of the log (listings left out): the folder each ran in, and its filter.
fn measuring_runs(log: &Path) -> Vec<(String, String)> {
    runs(log)
        .into_iter()
        .filter(|line| !line.ends_with("--list"))
        .map(|line| {
            let (folder, command) = line.split_once(' ').unwrap();
            let filter = command.split(' ').find(|w| w.starts_with("^(")).unwrap_or("").to_string();
            (folder.to_string(), filter)
        })
        .collect()
}

#[test]
fn a_suite_whose_runs_are_long_runs_in_chunks_each_base_head_head_base() {
    // Eight benchmarks of 0.25 s: 2 s a side, longer than a fifteenth of the 24 s budget (1.6 s),
    // so the suite runs in chunks of a sixtieth (0.4 s): one benchmark each.
    let setup = setup_with(FAKE_SLOW_CARGO, "rounds = 4");
    let (code, report) = check(&setup, &["--time-budget", "24s"], "0.25");
    assert_eq!(code, 0, "{report:#}");
    let measured = measuring_runs(&setup.log);
    // The probe: the first three benchmarks on the first side.
    assert_eq!(measured[0].1, "^(b1|b2|b3)$", "{measured:#?}");
    // Then the probe's chunk goes on (other side twice, first side again), and each further chunk
    // of one benchmark runs A B B A, or B A A B, before the next.
    let first_side = &measured[0].0;
    assert_eq!(measured[1..4].iter().map(|(f, _)| f == first_side).collect::<Vec<_>>(), [false, false, true]);
    let chunks = measured[4..].chunks(4).take(5);
    for (index, chunk) in chunks.enumerate() {
        assert_eq!(chunk.len(), 4, "{measured:#?}");
        let filter = &chunk[0].1;
        assert_eq!(filter, &format!("^(b{})$", index + 4), "one benchmark a chunk, in order: {measured:#?}");
        assert!(chunk.iter().all(|(_, f)| f == filter), "{chunk:?}");
        let (a, b) = (&chunk[0].0, &chunk[1].0);
        assert_ne!(a, b);
        assert_eq!((&chunk[2].0, &chunk[3].0), (b, a), "A B B A: {chunk:?}");
    }
    let suite = &report["measuring"]["suites"][0];
    let per_benchmark = suite["chunked"].as_f64().unwrap();
    assert!((0.2..1.0).contains(&per_benchmark), "{suite:#}");
    let notes = report["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().contains("ran in chunks of benchmarks, each base, head, head, base")),
        "{notes:#?}"
    );
    assert!(verdicts(&report).iter().all(|(_, v)| v == "pass" || v == "inconclusive"), "{report:#}");
    assert_eq!(verdicts(&report).len(), 8);
}

#[test]
fn benchmarks_the_time_budget_never_reached_are_inconclusive_and_named() {
    // Eight benchmarks of 0.5 s in chunks of one: a pass takes 16 s, the budget 12 s.
    let setup = setup_with(FAKE_SLOW_CARGO, "rounds = 4");
    let (code, report) = check(&setup, &["--time-budget", "12s"], "0.5");
    assert_eq!(code, 0, "{report:#}");
    let judged = verdicts(&report);
    assert_eq!(judged.len(), 8, "every benchmark is reported: {report:#}");
    let comparisons = report["kpis"][0]["comparisons"].as_array().unwrap();
    let never: Vec<&serde_json::Value> =
        comparisons.iter().filter(|c| c["reason"].as_str().unwrap().starts_with("not measured")).collect();
    assert!(!never.is_empty() && never.len() < 8, "{report:#}");
    for comparison in &never {
        assert_eq!(comparison["verdict"], "inconclusive");
        assert!(comparison["settle"].as_str().unwrap().contains("time-budget"));
    }
    assert!(report["measuring"]["seconds"].as_f64().unwrap() <= 13.0, "{:#}", report["measuring"]);
    let notes = report["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().contains("the time budget of 12 s ran out in round")),
        "{notes:#?}"
    );
}

#[test]
fn benchmarks_that_ignore_the_round_options_are_named_in_the_report() {
    let bin = tempfile::tempdir().unwrap();
    super::support::fake_criterion::install(bin.path());
    let repo = TestRepo::new();
    let budget = format!(
        "[baseline]\nsource = \"rerun\"\nref = \"main\"\nrounds = 2\n\n{}",
        super::support::fake_criterion::SUITE
    );
    repo.commit("perf-budget.toml", &budget, "budget");
    repo.branch("main");
    repo.checkout_new_branch("feature");
    repo.commit("README.md", "docs\n", "docs only");
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let (code, report) = json_report(perfgate().arg("check").current_dir(repo.path()).env("PATH", path));
    assert_eq!(code, 0, "{report:#}");
    let suite = &report["measuring"]["suites"][0];
    assert_eq!(suite["ignored_round_options"], serde_json::json!(["slow/a", "slow/b"]), "{suite:#}");
    assert!((suite["longest_seconds"].as_f64().unwrap() - 3.0).abs() < 1e-6, "{suite:#}");
    let asked = suite["asked_seconds"].as_f64().unwrap();
    assert!(asked < 1.0, "{suite:#}");
    let notes = report["notes"].as_array().unwrap();
    let note = notes.iter().filter_map(|n| n.as_str()).find(|n| n.contains("ignored the round options")).unwrap();
    assert!(note.starts_with("Suite \"micro\": 2 benchmarks ignored the round options — asked for"), "{note}");
    assert!(note.contains("they measured up to 3.0 s (slow/a, slow/b)"), "{note}");
}
