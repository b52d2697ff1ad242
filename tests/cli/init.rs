//! `perfgate init` on throw-away projects: what it writes, and that `check` accepts it.

use std::path::Path;

use super::*;

/// A cargo project with criterion benches, as `cargo new` plus a bench would leave it.
fn criterion_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dev-dependencies]\ncriterion = \"0.5\"\n\n\
         [[bench]]\nname = \"parse\"\nharness = false\n",
    );
    write("src/lib.rs", "pub fn parse(text: &str) -> usize { text.len() }\n");
    write(
        "benches/parse.rs",
        "use criterion::{criterion_group, criterion_main, Criterion};\n\n\
         fn bench(c: &mut Criterion) { c.bench_function(\"parse\", |b| b.iter(|| demo::parse(\"1,2,3\"))); }\n\n\
         criterion_group!(benches, bench);\ncriterion_main!(benches);\n",
    );
    dir
}

fn copy_folder(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().map(Result::unwrap) {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn init_writes_a_criterion_budget_that_check_accepts() {
    let project = criterion_project();
    let (code, stdout, stderr) = outcome(perfgate().current_dir(project.path()).arg("init"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("criterion benches (Cargo.toml: criterion in dependencies; benches/parse.rs)"), "{stdout}");
    assert!(stdout.contains("wrote ") && stdout.contains("(1 suite, 1 KPI)"), "{stdout}");
    let budget = std::fs::read_to_string(project.path().join("perf-budget.toml")).unwrap();
    insta::assert_snapshot!(budget);

    // The criterion output a `cargo bench --bench parse -- --noplot` run leaves behind.
    copy_folder(&fixture("criterion/slow-one"), &project.path().join("target/criterion"));
    let (code, report) = json_report(perfgate().current_dir(project.path()).args(["check", "--no-baseline"]));
    assert_eq!(code, 0, "{report:#}");
    let judged = verdicts(&report);
    assert!(judged.len() >= 5, "every criterion benchmark is judged: {judged:?}");
    assert!(judged.iter().all(|(_, verdict)| verdict == "no-baseline"), "{judged:?}");
    assert!(judged.iter().any(|(bench, _)| bench == "fib 20"), "{judged:?}");
}

#[test]
fn init_never_overwrites_and_output_writes_elsewhere() {
    let project = criterion_project();
    let existing = project.path().join("perf-budget.toml");
    std::fs::write(&existing, "# mine\n").unwrap();
    let (code, _, stderr) = outcome(perfgate().current_dir(project.path()).arg("init"));
    assert_eq!(code, 2);
    assert!(stderr.contains("perf-budget.toml already exists") && stderr.contains("--output"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "# mine\n", "the file is untouched");

    let (code, stdout, stderr) =
        outcome(perfgate().current_dir(project.path()).args(["init", "--output", "ci-budget.toml"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let written = std::fs::read_to_string(project.path().join("ci-budget.toml")).unwrap();
    assert!(written.contains("command = \"cargo bench --bench parse -- --noplot\""), "{written}");
}

#[test]
fn init_in_a_project_without_benchmarks_says_what_it_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# nothing to measure\n").unwrap();
    let (code, _, stderr) = outcome(perfgate().current_dir(dir.path()).arg("init"));
    assert_eq!(code, 2);
    assert!(stderr.contains("found nothing to gate") && stderr.contains("criterion"), "{stderr}");
    assert!(!dir.path().join("perf-budget.toml").exists());
}
