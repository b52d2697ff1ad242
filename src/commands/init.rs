//! `perfgate init`: look at the project in the working directory — cargo
//! benches and their harness, go and pytest benchmarks, k6 scripts, result
//! exports of any format perfgate reads — and write a commented starter
//! `perf-budget.toml` with one suite per harness found and one KPI each.
//! Never overwrites a file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::Outcome;
use crate::cli::{CiKind, GlobalArgs, InitArgs};
use crate::config::CONFIG_FILE_NAME;
use crate::input::formats::{StarterBudget, StarterSeries};
use crate::input::{Format, InputOptions, Registry};
use crate::runner::checkout;

/// Folders that hold build output, dependencies or VCS data, never the project's own files.
const SKIPPED_FOLDERS: &[&str] =
    &["target", "node_modules", ".git", "vendor", ".venv", "venv", "__pycache__", "dist", "build", ".perfgate"];
/// How deep below the working directory files are looked at.
const SEARCH_DEPTH: usize = 5;
/// Data files larger than this are not opened to detect their format.
const MAX_DETECTED_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// One suite to write: where its results come from and the KPI that judges them.
#[derive(Debug, Clone, PartialEq)]
struct SuitePlan {
    name: String,
    /// What was found, shown to the user and written as a comment.
    evidence: String,
    format: Format,
    command: Option<String>,
    input: String,
    /// Comment on the `input` line (e.g. "the command's stdout, saved here").
    input_note: Option<&'static str>,
    kpi: KpiPlan,
    /// KPIs written from what the input holds, in place of `kpi` (traces: their heaviest routes).
    kpi_texts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct KpiPlan {
    name: String,
    /// `bench = "*"` (one comparison per benchmark), or a metric for latency data.
    selector: (&'static str, &'static str),
    statistic: &'static str,
    /// `where = { key = "value" }`, when the suite mixes metrics the KPI should not judge.
    tag_filter: Option<(&'static str, &'static str)>,
    /// `(key, value, comment)`.
    budget: (&'static str, &'static str, &'static str),
}

pub fn run(args: &InitArgs, global: &GlobalArgs) -> Result<Outcome> {
    let project = std::env::current_dir().context("cannot read the working directory")?;
    let output = global.output.clone().unwrap_or_else(|| project.join(CONFIG_FILE_NAME));
    if output.exists() {
        bail!(
            "{} already exists; perfgate init never overwrites a file\n  hint: remove it, or write elsewhere with --output PATH",
            output.display()
        );
    }
    let plans = match &args.input {
        Some(input) => vec![results_plan(Registry::builtin(), input, &output)?],
        None => inspect(&project, Registry::builtin()),
    };
    if plans.is_empty() {
        bail!(
            "found nothing to gate in {}: looked for criterion, libtest #[bench] and gungraun benches (Cargo.toml, benches/), \
             go `func Benchmark` in *_test.go, pytest-benchmark tests, k6 scripts, and result files of every supported format\n  \
             hint: write perf-budget.toml by hand (see the README), or run your benchmarks once and run perfgate init again",
            project.display()
        );
    }
    let trunk = git2::Repository::discover(&project).ok().and_then(|repo| checkout::trunk_ref(&repo));
    let text = render(&plans, trunk.as_deref().unwrap_or(FALLBACK_REF));
    write_new(&output, &text)?;
    let workflow = match args.ci {
        Some(CiKind::Github) => Some(write_github_workflow(&project, &output)?),
        None => None,
    };
    if !global.quiet {
        println!("perfgate init: found");
        for plan in &plans {
            println!("  {} -> suite {:?} ({})", plan.evidence, plan.name, plan.format);
        }
        let kpis: usize = plans.iter().map(|plan| plan.kpi_texts.len().max(1)).sum();
        println!(
            "wrote {} ({} suite{}, {kpis} KPI{})",
            output.display(),
            plans.len(),
            if plans.len() == 1 { "" } else { "s" },
            if kpis == 1 { "" } else { "s" }
        );
        match &workflow {
            Some(Workflow::Written(path)) => {
                println!("wrote {} (check and sticky comment on pull requests)", path.display())
            }
            Some(Workflow::Kept(path)) => {
                println!("kept {}: it exists, perfgate init never overwrites a file", path.display())
            }
            None => {}
        }
        println!("next: run the suites' commands once, then `perfgate check --no-baseline` to see the budget at work");
    }
    Ok(Outcome::Done)
}

/// The pull-request workflow of the examples, reading the budget file init wrote.
const GITHUB_WORKFLOW: &str = include_str!("../../examples/workflows/perf-pull-request.yml");
/// Where `--ci github` writes it, below the project.
const GITHUB_WORKFLOW_PATH: &str = ".github/workflows/perf.yml";

enum Workflow {
    Written(PathBuf),
    /// A workflow of that name exists and is left alone.
    Kept(PathBuf),
}

/// Write `.github/workflows/perf.yml` for the budget file at `budget`, unless one exists.
fn write_github_workflow(project: &Path, budget: &Path) -> Result<Workflow> {
    let path = project.join(GITHUB_WORKFLOW_PATH);
    if path.exists() {
        return Ok(Workflow::Kept(path));
    }
    let budget = std::path::absolute(budget).unwrap_or_else(|_| budget.to_path_buf());
    let relative = budget.strip_prefix(project).unwrap_or(&budget).display().to_string();
    let text = GITHUB_WORKFLOW.replace("config: perf-budget.toml", &format!("config: {relative}"));
    write_new(&path, &text)?;
    Ok(Workflow::Written(path))
}

/// Create `path` with `text`, atomically, failing if it appeared meanwhile.
fn write_new(path: &Path, text: &str) -> Result<()> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
    let file = super::filled_temporary_file(path, text)?;
    file.persist_noclobber(path).map_err(|e| anyhow::anyhow!("cannot write {}: {}", path.display(), e.error))?;
    Ok(())
}

/// Every suite the project suggests, harnesses first, then result files of the registry's formats.
fn inspect(project: &Path, registry: &Registry) -> Vec<SuitePlan> {
    let files = project_files(project);
    let relative = |path: &Path| path.strip_prefix(project).unwrap_or(path).display().to_string();
    let mut plans = cargo_plans(project, &files, &relative);
    let go_files: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with("_test.go") && file_contains(f, "func Benchmark"))
        .collect();
    if !go_files.is_empty() {
        plans.push(harness_plan(
            "go",
            format!("go benchmarks ({})", list(go_files.iter().map(|f| relative(f)))),
            Format::GO_BENCH,
            Some("go test -run ^$ -bench . -benchmem -count 10 ./..."),
            ".perfgate/go-bench.txt",
        ));
    }
    let pytest_files: Vec<&PathBuf> = files
        .iter()
        .filter(|f| is_python_test(f) && (file_contains(f, "(benchmark)") || file_contains(f, "benchmark,")))
        .collect();
    if !pytest_files.is_empty() {
        let mut plan = harness_plan(
            "pytest",
            format!("pytest-benchmark tests ({})", list(pytest_files.iter().map(|f| relative(f)))),
            Format::PYTEST_BENCHMARK,
            Some("pytest --benchmark-only --benchmark-json=.perfgate/pytest-benchmark.json"),
            ".perfgate/pytest-benchmark.json",
        );
        plan.input_note = None;
        plans.push(plan);
    }
    for script in files.iter().filter(|f| is_k6_script(f)) {
        let name = unique_name(&mut plans, &format!("k6-{}", stem(script)));
        let input = format!(".perfgate/{name}.ndjson");
        plans.push(SuitePlan {
            command: Some(format!("k6 run --out json={input} {}", relative(script))),
            input,
            input_note: None,
            ..data_plan(name, format!("k6 script {}", relative(script)), Format::K6, String::new())
        });
    }
    let harness_formats: Vec<Format> = plans.iter().map(|p| p.format).collect();
    for file in files.iter().filter(|f| is_data_file(registry, f)) {
        let Ok(format) = registry.detect(file) else { continue };
        // Outputs of a harness found above are that suite's input, not a suite of their own.
        if harness_formats.contains(&format) || format == Format::PERFGATE {
            continue;
        }
        let name = unique_name(&mut plans, &stem(file));
        plans.push(data_plan(name, format!("{format} results {}", relative(file)), format, relative(file)));
    }
    plans
}

/// The suite of one results file or folder the user names: its format detected, its path
/// written relative to the budget file's folder when it is below it.
fn results_plan(registry: &Registry, input: &Path, output: &Path) -> Result<SuitePlan> {
    let format = registry.detect(input)?;
    let absolute = std::path::absolute(input).with_context(|| format!("cannot resolve {}", input.display()))?;
    let budget_folder = std::path::absolute(output)?.parent().map(Path::to_path_buf).unwrap_or_default();
    let written = absolute.strip_prefix(&budget_folder).unwrap_or(&absolute).display().to_string();
    let evidence = format!("{format} results {}", input.display());
    let mut plan = data_plan(stem(input), evidence, format, written);
    if [Format::OTLP_JSON, Format::JAEGER_JSON].contains(&format) {
        let benchmarks = crate::input::load(format, input, &InputOptions::default())?;
        plan.kpi_texts = trace_kpis(&plan.name, &benchmarks);
    }
    Ok(plan)
}

/// The starter KPIs of traces: the p99 of the route with the most request time, and the DB calls
/// per request of the route with the most database time.
fn trace_kpis(suite: &str, benchmarks: &[crate::model::Benchmark]) -> Vec<String> {
    let total = |bench: &crate::model::Benchmark| match &bench.histogram {
        Some(histogram) => histogram.sum(),
        None => bench.samples.iter().sum(),
    };
    let heaviest = |metric: &str| {
        let mut totals: Vec<((String, String), f64)> = Vec::new();
        for bench in benchmarks.iter().filter(|b| b.metric == metric) {
            let key = (bench.tags.get("method").cloned().unwrap_or_default(), bench.tags["route"].clone());
            match totals.iter_mut().find(|(known, _)| *known == key) {
                Some((_, sum)) => *sum += total(bench),
                None => totals.push((key, total(bench))),
            }
        }
        totals.into_iter().filter(|(_, sum)| *sum > 0.0).max_by(|a, b| a.1.total_cmp(&b.1)).map(|(key, _)| key)
    };
    let selector = |(method, route): &(String, String)| {
        // `where` takes globs: a brace (`/orders/{id}`) is matched by `[{]`.
        let route = route.replace('{', "[{]").replace('}', "[}]");
        match method.as_str() {
            "" => format!("where = {{ route = {} }}", quoted(&route)),
            method => format!("where = {{ method = {}, route = {} }}", quoted(method), quoted(&route)),
        }
    };
    let name_of = |(method, route): &(String, String)| format!("{method} {route}").trim().to_string();
    let mut kpis = Vec::new();
    if let Some(route) = heaviest(crate::input::traces::series::DURATION_METRIC) {
        kpis.push(format!(
            "\n# The route with the most request time.\n[[kpi]]\nname = {}\nsuite = {}\nmetric = \"duration\"\n{}\n\
             statistic = \"p99\"\nmax = \"1s\"  # absolute bound: set it to your service-level objective\n",
            quoted(&format!("{} p99 under 1s", name_of(&route))),
            quoted(suite),
            selector(&route)
        ));
    }
    if let Some(route) = heaviest(crate::input::traces::series::DB_TIME_METRIC) {
        kpis.push(format!(
            "\n# The route with the most database time.\n[[kpi]]\nname = {}\nsuite = {}\nmetric = \"db_calls\"\n{}\n\
             statistic = \"mean\"\nmax-regression = \"0%\"  # one query more per request fails; exact when every request makes as many\n",
            quoted(&format!("{} makes no more DB queries", name_of(&route))),
            quoted(suite),
            selector(&route)
        ));
    }
    kpis
}

/// Criterion, libtest `#[bench]` and gungraun/iai-callgrind benches of the cargo packages.
fn cargo_plans(project: &Path, files: &[PathBuf], relative: &dyn Fn(&Path) -> String) -> Vec<SuitePlan> {
    let manifests: Vec<&PathBuf> = files.iter().filter(|f| f.file_name().is_some_and(|n| n == "Cargo.toml")).collect();
    let bench_files: Vec<&PathBuf> =
        files.iter().filter(|f| f.extension().is_some_and(|e| e == "rs") && is_bench_source(project, f)).collect();
    let uses = |dependency: &str| manifests.iter().find(|m| declares_dependency(m, dependency)).map(|m| relative(m));
    let mut plans = Vec::new();
    if let Some(manifest) = uses("criterion") {
        let benches: Vec<&&PathBuf> = bench_files.iter().filter(|f| file_contains(f, "criterion_main")).collect();
        // `--noplot` is criterion's: libtest targets (the lib's unit tests) reject it, so name the bench targets.
        let targets: String = benches.iter().map(|f| format!("--bench {} ", stem(f))).collect();
        let mut plan = harness_plan(
            "criterion",
            format!(
                "criterion benches ({manifest}: criterion in dependencies; {})",
                list(benches.iter().map(|f| relative(f)))
            ),
            Format::CRITERION,
            Some(&format!("cargo bench {targets}-- --noplot")),
            "target/criterion",
        );
        plan.input_note = None;
        plans.push(plan);
    }
    let libtest: Vec<&&PathBuf> = bench_files.iter().filter(|f| file_contains(f, "#[bench]")).collect();
    if !libtest.is_empty() {
        plans.push(harness_plan(
            "libtest",
            format!("libtest #[bench] functions ({})", list(libtest.iter().map(|f| relative(f)))),
            Format::BENCHER,
            Some("cargo +nightly bench"),
            "target/perfgate/libtest-bench.txt",
        ));
    }
    let callgrind =
        ["gungraun", "iai-callgrind"].into_iter().find_map(|crate_name| Some((crate_name, uses(crate_name)?)));
    if let Some((crate_name, manifest)) = callgrind {
        let marker = crate_name.replace('-', "_");
        let benches: Vec<String> = bench_files.iter().filter(|f| file_contains(f, &marker)).map(|f| stem(f)).collect();
        let command = match benches.as_slice() {
            [one] => format!("cargo bench --bench {one}"),
            _ => "cargo bench".to_string(),
        };
        plans.push(harness_plan(
            "callgrind",
            format!("{crate_name} benches ({manifest}; {})", list(benches.iter().cloned())),
            Format::IAI_CALLGRIND,
            Some(&command),
            "target/perfgate/callgrind.txt",
        ));
    }
    plans
}

fn harness_plan(name: &str, evidence: String, format: Format, command: Option<&str>, input: &str) -> SuitePlan {
    SuitePlan {
        command: command.map(str::to_string),
        input_note: Some("the command's output (stdout), saved here"),
        ..data_plan(name.to_string(), evidence, format, input.to_string())
    }
}

/// A suite reading `input`, with the default KPI of its format.
fn data_plan(name: String, evidence: String, format: Format, input: String) -> SuitePlan {
    let kpi = default_kpi(&name, format);
    SuitePlan { name, evidence, format, command: None, input, input_note: None, kpi, kpi_texts: Vec::new() }
}

/// The KPI of a suite of `format`: the registry's starter KPI, named after the suite.
fn default_kpi(suite: &str, format: Format) -> KpiPlan {
    let starter = format.spec().starter;
    let selector = match starter.series {
        StarterSeries::EveryBench => ("bench", "*"),
        StarterSeries::Bench(bench) => ("bench", bench),
        StarterSeries::Metric(metric) => ("metric", metric),
    };
    let (name, budget) = match starter.budget {
        StarterBudget::LatencyBound => (
            format!("{suite} {} latency within budget", starter.statistic),
            ("max", "1s", "absolute bound: set it to your service-level objective"),
        ),
        StarterBudget::Regression { percent, why } => {
            (format!("{suite} benchmarks do not regress"), ("max-regression", percent, why))
        }
    };
    KpiPlan { name, selector, statistic: starter.statistic, tag_filter: starter.tag_filter, budget }
}

/// Every file below `project`, skipping build output and dependencies.
fn project_files(project: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(project)
        .max_depth(SEARCH_DEPTH)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !SKIPPED_FOLDERS.contains(&entry.file_name().to_string_lossy().as_ref())
        })
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

fn file_contains(path: &Path, needle: &str) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| text.contains(needle))
}

/// A dependency named in any dependency table of a manifest (also target-specific and workspace ones).
fn declares_dependency(manifest: &Path, dependency: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(manifest) else { return false };
    let Ok(value) = text.parse::<toml::Table>() else { return false };
    fn search(table: &toml::Table, dependency: &str) -> bool {
        table.iter().any(|(key, value)| match value {
            toml::Value::Table(inner) if key.ends_with("dependencies") => {
                inner.contains_key(dependency) || search(inner, dependency)
            }
            toml::Value::Table(inner) => search(inner, dependency),
            _ => false,
        })
    }
    search(&value, dependency)
}

/// Rust files under a package's `benches/` (or `src/`, for libtest `#[bench]`).
fn is_bench_source(project: &Path, path: &Path) -> bool {
    let relative = path.strip_prefix(project).unwrap_or(path);
    relative.components().any(|c| c.as_os_str() == "benches" || c.as_os_str() == "src")
}

fn is_python_test(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    name.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py"))
}

fn is_k6_script(path: &Path) -> bool {
    let is_script = path.extension().is_some_and(|e| e == "js" || e == "ts");
    is_script && (file_contains(path, "from 'k6") || file_contains(path, "from \"k6"))
}

/// Files that may be results of one of the registry's formats, by the names they are saved under.
fn is_data_file(registry: &Registry, path: &Path) -> bool {
    let extension = path.extension().unwrap_or_default().to_string_lossy();
    let known = registry.formats().iter().any(|format| format.spec().extensions.contains(&extension.as_ref()));
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_DETECTED_FILE_BYTES);
    let manifest = path.file_name().is_some_and(|n| n == "package.json" || n == "package-lock.json");
    known && small && !manifest
}

fn stem(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    name.split('.').next().unwrap_or_default().to_string()
}

/// `name`, or `name-2`, `name-3`, ... when a plan already has it.
fn unique_name(plans: &mut [SuitePlan], name: &str) -> String {
    let taken = |candidate: &str| plans.iter().any(|p| p.name == candidate);
    (1..).map(|n| if n == 1 { name.to_string() } else { format!("{name}-{n}") }).find(|c| !taken(c)).unwrap_or_default()
}

fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    match items.len() {
        0 => "no bench files found".to_string(),
        1..=4 => items.join(", "),
        n => format!("{} and {} more", items[..3].join(", "), n - 3),
    }
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// `[baseline] ref` when the project's clone names no trunk (no remote default branch, no main or master).
const FALLBACK_REF: &str = "origin/main";

/// Written under a criterion suite: counting instead of timing, and when to choose it.
const COUNTING_ALTERNATIVE: &str = "\
# Timed, this suite moves 5-20 % between runs on a shared CI runner, so budgets of a few percent
# often end \"inconclusive\". On shared runners and for small budgets, count instead: each benchmark
# runs under Valgrind (install `valgrind`), two runs a side, and instructions per iteration are
# decided to about 0.01 %. Counts are not time: I/O, syscalls and cache effects barely show.
# measure = \"instructions\"
# cache-sim = true  # also estimated cycles (L1 + 5 x LL + 35 x RAM hits), slower to count
";

/// The budget file's text; `trunk` is the branch changes merge into.
fn render(plans: &[SuitePlan], trunk: &str) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "# perf-budget.toml — written by `perfgate init`. Every key is explained in the README.");
    let _ = writeln!(text, "# Found:");
    for plan in plans {
        let _ = writeln!(text, "#   {}", plan.evidence);
    }
    text.push_str(
        "
[gate]
# \"warn\" reports without failing: roll the gate out, watch a few PRs, then switch to \"error\".
level = \"warn\"
# A PR with this label turns failures into warnings (the kill switch).
override-label = \"perf-accepted\"

[baseline]
# Build the merge-base of HEAD and `ref` in a temporary worktree and run base and head
# in interleaved rounds. `perfgate check --no-baseline` judges absolute budgets only.
source = \"rerun\"
",
    );
    // The branch changes merge into: this clone's default branch.
    let _ = writeln!(text, "ref = {}", quoted(trunk));
    text.push_str(
        "# Wall time of measuring, builds apart: short rounds, and after each round only what is
# still undecided runs again. `perfgate calibrate` suggests one for this project.
time-budget = \"15min\"
",
    );
    for plan in plans {
        let _ = writeln!(text, "\n# {}", plan.evidence);
        let _ = writeln!(text, "[[suite]]\nname = {}\nformat = {}", quoted(&plan.name), quoted(plan.format.name()));
        if let Some(command) = &plan.command {
            let _ = writeln!(text, "command = {}", quoted(command));
        }
        let note = plan.input_note.map(|note| format!("  # {note}")).unwrap_or_default();
        let _ = writeln!(text, "input = {}{note}", quoted(&plan.input));
        if plan.format.name() == "criterion" {
            text.push_str(COUNTING_ALTERNATIVE);
        }
        if !plan.kpi_texts.is_empty() {
            plan.kpi_texts.iter().for_each(|kpi| text.push_str(kpi));
            continue;
        }
        let kpi = &plan.kpi;
        let (key, value, why) = kpi.budget;
        let _ = writeln!(
            text,
            "\n[[kpi]]\nname = {}\nsuite = {}\n{} = {}",
            quoted(&kpi.name),
            quoted(&plan.name),
            kpi.selector.0,
            quoted(kpi.selector.1)
        );
        if let Some((tag, tag_value)) = kpi.tag_filter {
            let _ = writeln!(text, "where = {{ {tag} = {} }}", quoted(tag_value));
        }
        let _ = writeln!(text, "statistic = {}\n{key} = {}  # {why}", quoted(kpi.statistic), quoted(value));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::detect::Sniffed;
    use crate::input::formats::{Detection, FormatSpec, StarterKpi};
    use crate::input::{InputError, InputOptions};
    use crate::model::{Benchmark, Unit};

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        dir
    }

    fn suites(dir: &tempfile::TempDir) -> Vec<(String, Format, Option<String>, String)> {
        inspect(dir.path(), Registry::builtin()).into_iter().map(|p| (p.name, p.format, p.command, p.input)).collect()
    }

    #[test]
    fn finds_each_harness_once() {
        let dir = project(&[
            ("Cargo.toml", "[package]\nname = \"x\"\n[dev-dependencies]\ncriterion = \"0.5\"\ngungraun = \"0.20\"\n"),
            ("benches/parse.rs", "use criterion::Criterion; criterion_main!(benches);"),
            ("benches/calls.rs", "use gungraun::library_benchmark;"),
            ("benches/old.rs", "#![feature(test)]\n#[bench]\nfn b(b: &mut test::Bencher) {}"),
            ("go/parse_test.go", "package p\nfunc BenchmarkParse(b *testing.B) {}"),
            ("tests/test_speed.py", "def test_sort(benchmark):\n    benchmark(sorted, [1])"),
            ("load/smoke.js", "import http from 'k6/http';"),
            ("target/criterion/ignored.json", "{}"),
        ]);
        let found = suites(&dir);
        let names: Vec<&str> = found.iter().map(|(name, ..)| name.as_str()).collect();
        assert_eq!(names, ["criterion", "libtest", "callgrind", "go", "pytest", "k6-smoke"]);
        assert_eq!(found[0].2.as_deref(), Some("cargo bench --bench parse -- --noplot"));
        assert_eq!(found[2].2.as_deref(), Some("cargo bench --bench calls"));
        assert_eq!(found[5].2.as_deref(), Some("k6 run --out json=.perfgate/k6-smoke.ndjson load/smoke.js"));
    }

    #[test]
    fn result_files_become_suites_of_their_detected_format() {
        let hyperfine = r#"{"results":[{"command":"sleep 0.1","mean":0.1,"times":[0.1,0.1]}]}"#;
        let dir = project(&[
            ("bench/results.json", hyperfine),
            ("load/run.jtl", "timeStamp,elapsed,label,responseCode,success\n1,5,a,200,true\n"),
            ("package.json", r#"{"name":"x"}"#),
            ("notes.txt", "nothing here"),
        ]);
        let found = suites(&dir);
        assert_eq!(
            found,
            [
                ("results".into(), Format::HYPERFINE, None, "bench/results.json".into()),
                ("run".into(), Format::JMETER, None, "load/run.jtl".into()),
            ]
        );
        let plans = inspect(dir.path(), Registry::builtin());
        assert_eq!((plans[1].kpi.statistic, plans[1].kpi.budget.0), ("p99", "max"));
        assert_eq!((plans[0].kpi.statistic, plans[0].kpi.budget.1), ("min", "3%"));
    }

    #[test]
    fn locust_statistics_get_a_p99_kpi_on_the_whole_run() {
        let stats = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
                     Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,99%\n\
                     GET,/,2,0,3,3.0,2.0,4.0,3.0,1.0,0.0,4\n,Aggregated,2,0,3,3.0,2.0,4.0,3.0,1.0,0.0,4\n";
        let history = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,99%,Total Request Count\n";
        let json =
            r#"[{"name": "/", "method": "GET", "num_requests": 2, "num_failures": 0, "response_times": {"3": 2}}]"#;
        let dir =
            project(&[("load/run_stats.csv", stats), ("load/run_stats_history.csv", history), ("load/run.json", json)]);
        let plans = inspect(dir.path(), Registry::builtin());
        let found: Vec<(Format, &str, (&str, &str))> =
            plans.iter().map(|p| (p.format, p.kpi.statistic, p.kpi.selector)).collect();
        assert_eq!(
            found,
            [(Format::LOCUST_JSON, "p99", ("metric", "latency")), (Format::LOCUST_CSV, "p99", ("bench", "latency"))]
        );
    }

    #[test]
    fn an_empty_project_suggests_nothing() {
        let dir = project(&[("README.md", "# hello"), ("src/main.rs", "fn main() {}")]);
        assert!(inspect(dir.path(), Registry::builtin()).is_empty());
    }

    #[test]
    fn the_written_budget_parses() {
        let dir = project(&[
            ("Cargo.toml", "[dev-dependencies]\ncriterion = { version = \"0.5\" }\niai-callgrind = \"0.14\"\n"),
            ("benches/calls.rs", "iai_callgrind::main!(library_benchmark_groups = g);"),
            ("load/a \"quoted\" name.js", "import http from \"k6/http\";"),
        ]);
        let text = render(&inspect(dir.path(), Registry::builtin()), FALLBACK_REF);
        let config = crate::config::Config::parse(&text, &dir.path().join("perf-budget.toml")).unwrap();
        assert_eq!(config.suites.len(), 3);
        assert_eq!(config.kpis.len(), 3);
        let callgrind = &config.kpis[1];
        assert_eq!((callgrind.suite.as_str(), callgrind.bench.as_deref()), ("callgrind", Some("*")));
        assert_eq!(callgrind.tag_filters.get("event").map(String::as_str), Some("Instructions"));
        assert_eq!(config.kpis[2].metric.as_deref(), Some("http_req_duration"));
        assert_eq!(
            config.suites[2].command.as_deref(),
            Some("k6 run --out json=.perfgate/k6-a \"quoted\" name.ndjson load/a \"quoted\" name.js")
        );
    }

    /// A format that exists only in this test: `widgets v1`, then `NAME MILLISECONDS...` lines.
    static WIDGETS: FormatSpec = FormatSpec {
        name: "widgets",
        aliases: &[],
        extensions: &["widgets"],
        description: "Widget timings, one line per benchmark.",
        detection: Detection::Content { looks_for: "widgets text (`widgets v1` first)", matches: is_widgets },
        load: load_widgets,
        default_input: None,
        takes_value_unit: false,
        starter: StarterKpi {
            series: StarterSeries::EveryBench,
            statistic: "median",
            tag_filter: None,
            budget: StarterBudget::Regression { percent: "4%", why: "widgets wobble" },
        },
    };

    fn is_widgets(sniffed: &Sniffed) -> bool {
        sniffed.text().starts_with("widgets v1\n")
    }

    fn load_widgets(path: &Path, _: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
        let text = std::fs::read_to_string(path).map_err(|e| InputError::io(path, &e))?;
        let bench = |line: &str| {
            let (name, times) = line.split_once(' ')?;
            let samples: Option<Vec<f64>> =
                times.split_whitespace().map(|t| Some(t.parse::<f64>().ok()? * 1e6)).collect();
            Some(Benchmark::with_samples(name, "time", Unit::Ns, samples?))
        };
        Ok(text.lines().skip(1).filter_map(bench).collect())
    }

    #[test]
    fn a_format_added_to_the_registry_alone_is_detected_loaded_and_started() {
        let widgets = Format::new(&WIDGETS);
        let registry = Registry::builtin().with(widgets);
        let dir = project(&[("results/run.widgets", "widgets v1\nparse 1.5 1.6 1.4\nrender 3 3.1\n")]);
        let path = dir.path().join("results/run.widgets");

        assert_eq!(registry.detect(&path).unwrap(), widgets);
        assert!(Registry::builtin().detect(&path).is_err(), "the built-in registry does not know it");
        let loaded = registry.load(Format::AUTO, &path, &InputOptions::default()).unwrap();
        let found: Vec<(&str, usize)> = loaded.iter().map(|b| (b.id.as_str(), b.samples.len())).collect();
        assert_eq!(found, [("parse", 3), ("render", 2)]);

        let plans = inspect(dir.path(), &registry);
        assert_eq!(plans.len(), 1);
        assert_eq!((plans[0].format, plans[0].input.as_str()), (widgets, "results/run.widgets"));
        assert_eq!(
            (plans[0].kpi.statistic, plans[0].kpi.budget),
            ("median", ("max-regression", "4%", "widgets wobble"))
        );
        let text = render(&plans, FALLBACK_REF);
        assert!(text.contains("format = \"widgets\"") && text.contains("bench = \"*\""), "{text}");
        assert!(inspect(dir.path(), Registry::builtin()).is_empty(), "without the row, nothing is found");
    }
}
