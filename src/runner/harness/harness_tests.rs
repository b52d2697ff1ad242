use std::collections::BTreeSet;

use super::*;
use crate::config::Config;

fn words(text: &str) -> Vec<String> {
    shell_words::split(text).unwrap()
}

fn only(names: &[&str]) -> Steering {
    Steering { only: Some(names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>()), ..Steering::default() }
}

fn short(seconds: f64) -> Steering {
    Steering { length: Some(RoundLength { seconds, runs: 3 }), ..Steering::default() }
}

/// A command line written as a shell would read it, joined as perfgate joins it.
fn line(text: &str) -> String {
    shell_words::join(words(text))
}

fn steer(harness: Harness, command: &str, steering: &Steering) -> String {
    shell_words::join(harness.steer(&words(command), steering).words)
}

fn suite(format: &str, command: &str) -> Config {
    let text = format!(
        "[[suite]]\nname = \"s\"\nformat = \"{format}\"\ncommand = {command:?}\n\n\
         [[kpi]]\nname = \"k\"\nsuite = \"s\"\nstatistic = \"min\"\nmax-regression = \"5%\"\n"
    );
    Config::parse(&text, std::path::Path::new("perf-budget.toml")).unwrap()
}

#[test]
fn the_harness_follows_the_format_and_for_auto_the_program() {
    let of = |format: &str, command: &str| Harness::of(&suite(format, command).suites[0]);
    assert_eq!(of("criterion", "cargo bench"), Some(Harness::Criterion));
    assert_eq!(of("bencher", "cargo bench -- --output-format bencher"), Some(Harness::Criterion));
    assert_eq!(of("bencher", "cargo bench"), Some(Harness::Libtest));
    assert_eq!(of("go-bench", "go test -bench=. ./..."), Some(Harness::Go));
    assert_eq!(of("auto", "go test -bench=. ./..."), Some(Harness::Go));
    assert_eq!(of("auto", "python -m pytest --benchmark-json out.json"), Some(Harness::Pytest));
    assert_eq!(of("auto", "/usr/bin/hyperfine 'sleep 0'"), Some(Harness::Hyperfine));
    assert_eq!(of("auto", "make bench"), None);
    assert_eq!(of("bencher", "sh bench.sh"), None, "a script that prints bencher lines is run as written");
    assert_eq!(of("criterion", "make bench"), None);
    assert_eq!(of("google-benchmark", "./build/bench_copy --benchmark_format=json"), Some(Harness::GoogleBenchmark));
    assert_eq!(of("google-benchmark", "sh run.sh"), None);
    assert_eq!(of("pytest-benchmark", "uv run pytest --benchmark-json b.json"), Some(Harness::Pytest));
    assert_eq!(of("k6", "k6 run script.js"), None);
    let mut shell = suite("criterion", "cargo bench | tee out").suites.remove(0);
    shell.shell = true;
    assert_eq!(Harness::of(&shell), None, "shell commands run as written");
}

#[test]
fn criterion_gets_short_rounds_after_cargos_double_dash_and_keeps_the_users_settings() {
    assert_eq!(
        steer(Harness::Criterion, "cargo bench --bench b", &short(0.4)),
        line("cargo bench --bench b -- --warm-up-time 0.1 --measurement-time 0.3 --nresamples 1000 --noplot")
    );
    assert_eq!(
        steer(Harness::Criterion, "cargo bench --bench b -- --noplot --measurement-time 2", &short(0.4)),
        line("cargo bench --bench b -- --noplot --measurement-time 2 --warm-up-time 0.1 --nresamples 1000")
    );
    // Floors: criterion needs some time to calibrate its iteration counts.
    assert_eq!(
        steer(Harness::Criterion, "cargo bench", &short(0.01)),
        line("cargo bench -- --warm-up-time 0.05 --measurement-time 0.1 --nresamples 1000 --noplot")
    );
    let own = Steering {
        own_options: words("--sample-size 20"),
        length: Some(RoundLength { seconds: 1.0, runs: 3 }),
        only: None,
    };
    assert_eq!(steer(Harness::Criterion, "cargo bench", &own), line("cargo bench -- --sample-size 20"));
}

#[test]
fn criterion_runs_exactly_the_undecided_ids_in_place_of_the_users_filter() {
    assert_eq!(
        steer(Harness::Criterion, "cargo bench --bench b -- small_input --noplot", &only(&["g/f (1)", "g/x.y"])),
        line(r"cargo bench --bench b -- --noplot '^(g/f \(1\)|g/x\.y)$'")
    );
    // cargo's own BENCHNAME filter goes too: ours names a subset of what it selected.
    assert_eq!(
        steer(Harness::Criterion, "cargo bench small -p core --bench b -- -b main", &only(&["a"])),
        line("cargo bench -p core --bench b -- -b main '^(a)$'")
    );
    let both = Steering { length: Some(RoundLength { seconds: 0.4, runs: 3 }), ..only(&["a"]) };
    assert_eq!(
        steer(Harness::Criterion, "cargo bench", &both),
        line("cargo bench -- '^(a)$' --warm-up-time 0.1 --measurement-time 0.3 --nresamples 1000 --noplot")
    );
}

#[test]
fn libtest_filters_by_exact_names_and_has_no_round_options() {
    assert_eq!(
        steer(Harness::Libtest, "cargo bench parse -- --logfile x", &only(&["m::a", "m::b"])),
        line("cargo bench -- --logfile x --exact m::a m::b")
    );
    assert_eq!(steer(Harness::Libtest, "cargo bench", &short(0.4)), line("cargo bench"));
}

#[test]
fn listings_of_cargo_benches_and_their_names() {
    assert_eq!(
        shell_words::join(Harness::Criterion.listing(&words("cargo bench --bench b -- small")).unwrap()),
        line("cargo bench --bench b -- small --list")
    );
    let stdout = "a/b: bench\n\nslice iter rev: bench\nm::t: test\n";
    assert_eq!(Harness::Criterion.parse_listing(stdout), ["a/b", "slice iter rev"]);
    // criterion 0.5 (`cargo bench -- --list` of a real 0.5.1 binary).
    let stdout = "sum 1000: benchmark\n\nsum 2000: benchmark\n\n";
    assert_eq!(Harness::Criterion.parse_listing(stdout), ["sum 1000", "sum 2000"]);
}

#[test]
fn go_gets_a_pattern_per_level_and_its_flags_after_go_test() {
    assert_eq!(
        steer(
            Harness::Go,
            "go test -bench=. -benchmem ./...",
            &only(&["BenchmarkA/x", "BenchmarkB/y.z", "BenchmarkC"])
        ),
        line(r"go test '-bench=^(BenchmarkA|BenchmarkB|BenchmarkC)$/^(x|y\.z)$' -benchmem ./...")
    );
    assert_eq!(
        steer(Harness::Go, "go test ./...", &only(&["BenchmarkA"])),
        line("go test ./..."),
        "no -bench, no benchmarks"
    );
    assert!(!Harness::Go.steer(&words("go test ./..."), &only(&["BenchmarkA"])).filtered);
    assert_eq!(
        steer(Harness::Go, "go test -bench . ./...", &short(0.25)),
        line("go test -benchtime=0.250s -count=1 -bench . ./...")
    );
    assert_eq!(
        steer(Harness::Go, "go test -bench . -count 5 ./...", &short(0.25)),
        line("go test -benchtime=0.250s -bench . -count 5 ./...")
    );
    assert_eq!(
        shell_words::join(Harness::Go.listing(&words("go test -json -bench 'Parse/size=1' -count 3 ./...")).unwrap()),
        line("go test -list=Parse ./...")
    );
    assert_eq!(
        Harness::Go.parse_listing("BenchmarkA\nTestX\nBenchmarkB\nok  \tpkg\t0.01s\nBenchmarkA\n"),
        ["BenchmarkA", "BenchmarkB"]
    );
}

#[test]
fn go_names_drop_the_package_and_the_secondary_metric() {
    let mut bench = Benchmark::with_samples(
        "example.com/p.BenchmarkA/x (allocs/op)",
        "allocs/op",
        crate::model::Unit::Count,
        vec![],
    );
    assert_eq!(Harness::Go.name_of(&bench), "BenchmarkA/x");
    assert_eq!(Harness::Go.listed_name("BenchmarkA/x"), "BenchmarkA");
    bench.metric = "time".into();
    bench.id = "g/f (x)".into();
    assert_eq!(Harness::Criterion.name_of(&bench), "g/f (x)", "a time series keeps its whole id");
}

#[test]
fn pytest_ands_its_keywords_with_the_users() {
    assert_eq!(
        steer(
            Harness::Pytest,
            "pytest -k 'parse or load' bench/",
            &only(&["bench/t.py::test_parse[big]", "bench/t.py::test_load[a b]"])
        ),
        line("pytest bench/ -k '(parse or load) and (test_load or test_parse[big])'")
    );
    assert_eq!(
        steer(Harness::Pytest, "pytest --benchmark-json out.json", &short(0.5)),
        line("pytest --benchmark-json out.json --benchmark-max-time=0.500 --benchmark-min-rounds=3")
    );
    assert_eq!(
        Harness::Pytest.parse_listing("bench/t.py::test_a[1]\nbench/t.py::test_b\n\n2 tests collected in 0.01s\n"),
        ["bench/t.py::test_a[1]", "bench/t.py::test_b"]
    );
}

#[test]
fn google_benchmark_filters_by_name_with_any_suffix() {
    assert_eq!(
        steer(
            Harness::GoogleBenchmark,
            "./bench --benchmark_filter=BM_ --benchmark_format=json",
            &only(&["BM_Copy/8", "BM_Sum"])
        ),
        line("./bench --benchmark_format=json '--benchmark_filter=^(BM_Copy/8|BM_Sum)(/.*)?$'")
    );
    assert_eq!(steer(Harness::GoogleBenchmark, "./bench", &short(0.2)), line("./bench --benchmark_min_time=0.200"));
}

#[test]
fn hyperfine_keeps_only_the_undecided_commands_with_their_names() {
    let command = "hyperfine --export-json out.json -n fast 'sleep 0.1' -n slow 'sleep 0.2' 'sleep 0.3'";
    assert_eq!(Harness::Hyperfine.names_in_command(&words(command)).unwrap(), ["fast", "slow", "sleep 0.3"]);
    assert_eq!(
        steer(Harness::Hyperfine, command, &only(&["slow", "sleep 0.3"])),
        line("hyperfine --export-json out.json -n slow 'sleep 0.2' 'sleep 0.3'")
    );
    let scan = "hyperfine -P n 1 3 'sleep {n}'";
    assert!(!Harness::Hyperfine.steer(&words(scan), &only(&["x"])).filtered);
    assert_eq!(Harness::Hyperfine.names_in_command(&words(scan)), None);
    assert_eq!(steer(Harness::Hyperfine, "hyperfine 'sleep 0'", &short(1.0)), line("hyperfine 'sleep 0' --runs 3"));
    assert_eq!(steer(Harness::Hyperfine, "hyperfine -m 5 'sleep 0'", &short(1.0)), line("hyperfine -m 5 'sleep 0'"));
}

#[test]
fn a_filter_too_long_for_one_argument_runs_everything() {
    let many: Vec<String> = (0..20_000).map(|i| format!("benchmark number {i}")).collect();
    let names: Vec<&str> = many.iter().map(String::as_str).collect();
    let steered = Harness::Criterion.steer(&words("cargo bench"), &only(&names));
    assert!(!steered.filtered);
    assert_eq!(steered.words, words("cargo bench"));
}
