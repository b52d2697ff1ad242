//! Counting instead of timing (`measure = "instructions"`): each benchmark
//! runs under Valgrind's Callgrind with ASLR off (`setarch -R`) and an
//! environment that is the same on both sides (only `PATH`, `HOME` and the
//! suite's `env`; the program started from a folder whose name has the same
//! length on every side), and its instructions are counted. A count does not
//! move with the neighbour's load, so runs go side by side on every core.
//!
//! | suite | what is counted | id |
//! |---|---|---|
//! | criterion (`cargo bench`) | instructions per iteration of each routine (`criterion`) | the benchmark's |
//! | hyperfine | each command, a whole process with its children | the command's name |
//! | any other `command` | the command, a whole process with its children | the suite's name |
//!
//! Each side gets [`COUNTED_RUNS`] runs; the series hold one count per run,
//! marked `counted`, and with `cache-sim = true` a second series of
//! estimated cycles (caches fixed as CodSpeed fixes them, so the estimate
//! does not depend on the runner's CPU).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::{anyhow, bail, Context, Result};

use super::command::{self, RunError};
use super::harness::{hyperfine, runs_cargo_bench, Harness};
use super::suite::{command_spec, RunSettings, Tree};
use crate::config::{Config, ConfigError, FormatName, Suite};
use crate::input::units::secondary_id;
use crate::model::{Benchmark, Unit};

mod callgrind;
mod criterion;

/// Counted runs of every benchmark on each side: enough to see a count that moves between
/// processes (hash seeds, allocator state), which then widens its interval.
pub const COUNTED_RUNS: usize = 2;

/// The metric of instruction counts.
pub const INSTRUCTIONS: &str = "instructions";
/// The metric of estimated cycles (`cache-sim = true`).
pub const ESTIMATED_CYCLES: &str = "estimated-cycles";

/// The suites `measure = "instructions"` supports, for errors.
pub const SUPPORTED: &str = "criterion (`cargo bench`, per iteration of each benchmark), hyperfine \
     (each command as a whole process), and a `command` that is the benchmark itself (a whole process)";

/// How to install what counting needs, for errors and `perfgate doctor`.
pub const INSTALL_VALGRIND: &str = "install Valgrind: `sudo apt-get install valgrind` (Debian, Ubuntu), \
     `sudo dnf install valgrind` (Fedora); it runs on Linux only";

/// Simulated caches of `cache-sim = true`, fixed so that estimates do not depend on the runner's CPU.
const FIXED_CACHES: [&str; 3] = ["--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64"];

/// How a suite's runs are counted.
#[derive(Debug, Clone, PartialEq)]
pub enum Counting {
    /// criterion benchmarks: instructions per iteration of each routine.
    Criterion,
    /// hyperfine's commands (id, command), each a whole process; `no_shell`: run without `sh -c`.
    Commands { commands: Vec<(String, String)>, no_shell: bool },
    /// The suite's command as a whole process; its id is the suite's name.
    Process,
}

/// How `suite` is counted, or why it cannot be.
pub fn counting_of(suite: &Suite) -> Result<Counting, String> {
    let Some(command) = &suite.command else {
        return Err(format!(
            "suite {:?}: measure = \"instructions\" runs the suite's `command` under Valgrind, but this suite \
             has none (its results are read from a file)",
            suite.name
        ));
    };
    if suite.shell {
        return Ok(Counting::Process);
    }
    let words =
        shell_words::split(command).map_err(|e| format!("suite {:?}: cannot split {command:?}: {e}", suite.name))?;
    let unsupported = |harness: &str, why: &str| {
        format!(
            "suite {:?}: measure = \"instructions\" does not support {harness} suites ({why}); supported: {SUPPORTED}",
            suite.name
        )
    };
    match Harness::of(suite) {
        Some(Harness::Criterion) => Ok(Counting::Criterion),
        Some(Harness::Hyperfine) => match hyperfine::named_commands(&words) {
            Some((commands, no_shell)) => Ok(Counting::Commands { commands, no_shell }),
            None => {
                Err(unsupported("hyperfine parameter-scan", "its commands are only known once hyperfine expands them"))
            }
        },
        Some(Harness::Go) => Err(unsupported("go", "Go's runtime does not run under Valgrind")),
        Some(other) => {
            Err(unsupported(other.name(), "perfgate cannot tell its measured routine from the harness around it"))
        }
        None if runs_cargo_bench(&words) => match suite.format.name.as_str() {
            FormatName::AUTO | "criterion" => Ok(Counting::Criterion),
            format => Err(unsupported(
                &format!("`cargo bench` with format {format:?}"),
                "only criterion's benchmarks are counted per iteration",
            )),
        },
        None => Ok(Counting::Process),
    }
}

/// What the runner stage checks of a budget file: every suite that counts can be counted; the
/// error points at its `measure`.
pub fn check_config(config: &Config) -> Result<(), ConfigError> {
    for suite in config.suites.iter().filter(|suite| suite.counts()) {
        counting_of(suite).map_err(|message| ConfigError {
            path: config.path.clone(),
            line: suite.measure.line,
            column: suite.measure.column,
            message,
            hint: Some("leave out `measure` (or write measure = \"time\") to time this suite".into()),
        })?;
    }
    Ok(())
}

/// A tool counting needs that this machine lacks, and how to install it.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingTool {
    pub what: String,
    pub fix: String,
}

impl std::fmt::Display for MissingTool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}; {}", self.what, self.fix)
    }
}

/// Why counting cannot run on this machine (Valgrind or `setarch` missing), if it cannot.
pub fn missing_tools() -> Option<MissingTool> {
    let found = |program: &str| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| is_executable(&dir.join(program))))
    };
    if !found("valgrind") {
        let what = "Valgrind is not installed (no `valgrind` on PATH)".to_string();
        return Some(MissingTool { what, fix: INSTALL_VALGRIND.to_string() });
    }
    if !found("setarch") {
        let what = "`setarch` is not on PATH (perfgate turns ASLR off with it while counting)".to_string();
        return Some(MissingTool { what, fix: "install util-linux".to_string() });
    }
    None
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// One program to count: a benchmark's routine or a whole command.
#[derive(Debug, Clone)]
struct Task {
    id: String,
    /// The program and its arguments.
    words: Vec<String>,
    workdir: PathBuf,
    per_iteration: bool,
    /// The folder of the program's staged copy, kept while a task may run.
    _staged: Option<std::sync::Arc<tempfile::TempDir>>,
}

/// The counts of one run of a task.
#[derive(Debug, Clone, Copy)]
struct Counted {
    instructions: f64,
    estimated_cycles: Option<f64>,
}

/// A suite's counted series, and the seconds building it took (criterion's bench executables).
#[derive(Debug)]
pub struct CountedSuite {
    pub benchmarks: Vec<Benchmark>,
    pub build_seconds: f64,
}

/// Count `suite` on `tree`, `runs` times each (only the benchmarks in `only`, by their ids, when given).
pub fn count_suite(
    suite: &Suite,
    tree: &Tree,
    settings: &RunSettings,
    only: Option<&BTreeSet<String>>,
    runs: usize,
) -> Result<CountedSuite> {
    if let Some(missing) = missing_tools() {
        bail!("suite {:?} has measure = \"instructions\", but {missing}", suite.name);
    }
    let counting = counting_of(suite).map_err(|e| anyhow!(e))?;
    let workdir = tree.workdir(suite);
    let build_started = std::time::Instant::now();
    let mut tasks = match counting {
        Counting::Criterion => criterion::tasks(suite, tree, settings)?,
        Counting::Commands { commands, no_shell } => commands
            .into_iter()
            .map(|(id, command)| -> Result<Task> {
                let words = command::words_of(&command, !no_shell).map_err(|e| anyhow!("{command:?}: {e}"))?;
                Ok(Task { id, words, workdir: workdir.clone(), per_iteration: false, _staged: None })
            })
            .collect::<Result<_>>()?,
        Counting::Process => {
            let command = suite.command.as_deref().unwrap_or_default();
            let words = command::words_of(command, suite.shell).map_err(|e| anyhow!("{command:?}: {e}"))?;
            vec![Task { id: suite.name.clone(), words, workdir, per_iteration: false, _staged: None }]
        }
    };
    let build_seconds = build_started.elapsed().as_secs_f64();
    if let Some(only) = only {
        tasks.retain(|task| only.contains(&task.id));
    }
    let counts = run_all(suite, tree, settings, &tasks, runs)?;
    Ok(CountedSuite { benchmarks: series(&tasks, &counts), build_seconds })
}

/// The counted series of the tasks, one sample per run.
fn series(tasks: &[Task], counts: &[Vec<Counted>]) -> Vec<Benchmark> {
    let mut benchmarks = Vec::new();
    for (task, runs) in tasks.iter().zip(counts) {
        let counted = |id: String, metric: &str, values: Vec<f64>| {
            let mut bench = Benchmark::with_samples(id, metric, Unit::Count, values);
            (bench.deterministic, bench.counted) = (true, true);
            bench
        };
        benchmarks.push(counted(task.id.clone(), INSTRUCTIONS, runs.iter().map(|c| c.instructions).collect()));
        if let Some(cycles) = runs.iter().map(|c| c.estimated_cycles).collect::<Option<Vec<f64>>>() {
            benchmarks.push(counted(secondary_id(&task.id, ESTIMATED_CYCLES), ESTIMATED_CYCLES, cycles));
        }
    }
    benchmarks
}

/// Every task `runs` times, as many at once as the machine has cores; the counts per task, in run
/// order. The first failure stops the rest.
fn run_all(
    suite: &Suite,
    tree: &Tree,
    settings: &RunSettings,
    tasks: &[Task],
    runs: usize,
) -> Result<Vec<Vec<Counted>>> {
    let jobs: Vec<(usize, usize)> = (0..runs).flat_map(|run| (0..tasks.len()).map(move |task| (task, run))).collect();
    let cores = std::thread::available_parallelism().map_or(1, usize::from).min(jobs.len()).max(1);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let results: Mutex<Vec<Vec<Option<Counted>>>> = Mutex::new(vec![vec![None; runs]; tasks.len()]);
    let first_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..cores {
            scope.spawn(|| loop {
                let at = next.fetch_add(1, Ordering::SeqCst);
                let Some(&(task, run)) = jobs.get(at).filter(|_| !failed.load(Ordering::SeqCst)) else { break };
                match count_once(suite, tree, settings, &tasks[task]) {
                    Ok(counted) => results.lock().expect("no thread panics holding it")[task][run] = Some(counted),
                    Err(error) => {
                        failed.store(true, Ordering::SeqCst);
                        first_error.lock().expect("no thread panics holding it").get_or_insert(error);
                    }
                }
            });
        }
    });
    if let Some(error) = first_error.into_inner().expect("the threads have ended") {
        return Err(error);
    }
    let results = results.into_inner().expect("the threads have ended");
    Ok(results.into_iter().map(|runs| runs.into_iter().map(|c| c.expect("every job ran")).collect()).collect())
}

/// One counted run of `task`, in a temporary folder that holds its dumps (and criterion's files).
fn count_once(suite: &Suite, tree: &Tree, settings: &RunSettings, task: &Task) -> Result<Counted> {
    let folder = tempfile::Builder::new().prefix("perfgate-count-").tempdir()?;
    let out = folder.path();
    let mut words = vec!["setarch".into(), "-R".into(), "valgrind".into(), "--tool=callgrind".into()];
    if suite.cache_sim {
        words.push("--cache-sim=yes".into());
        words.extend(FIXED_CACHES.iter().map(|s| s.to_string()));
    }
    if task.per_iteration {
        words.push(format!("--callgrind-out-file={}", out.join("callgrind.out").display()));
        words.extend(criterion::DUMP_OPTIONS.iter().map(|s| s.to_string()));
    } else {
        words.push("--trace-children=yes".into());
        words.push(format!("--callgrind-out-file={}", out.join("callgrind.out.%p").display()));
    }
    words.push("--".into());
    words.extend(task.words.iter().cloned());
    let mut spec = command_spec(suite, tree, settings, &shell_words::join(&words));
    spec.workdir = task.workdir.clone();
    spec.env_clear = true;
    spec.env = counted_environment(suite, &out.join("criterion"));
    let mut progress = callgrind::Progress::new(out, "callgrind.out");
    let ran = match task.per_iteration {
        true => command::run_until(&spec, &mut || progress.enough()),
        false => command::run(&spec).map(|output| (output, false)),
    };
    let stopped = match ran {
        Ok((_, stopped)) => stopped,
        Err(error) => {
            return Err(match error {
                RunError::Failed { status, tail, .. } => anyhow!(
                    "suite {:?}: {:?} failed under Valgrind ({status}); last lines of its output:\n{tail}",
                    suite.name,
                    task.id
                ),
                other => anyhow::Error::new(other).context(format!("counting {:?} of suite {:?}", task.id, suite.name)),
            })
        }
    };
    let dumps = match stopped {
        true => progress.into_dumps(),
        false => callgrind::read_dumps(out, "callgrind.out").map_err(|e| anyhow!(e))?,
    };
    let context = || format!("suite {:?}: the counts of {:?}", suite.name, task.id);
    if task.per_iteration {
        let counted = callgrind::per_iteration(&dumps).map_err(|e| anyhow!(e)).with_context(context)?;
        return Ok(Counted { instructions: counted.instructions, estimated_cycles: counted.estimated_cycles });
    }
    let mut total = callgrind::Events::default();
    dumps.iter().for_each(|dump| total.add(&dump.events));
    if total.instructions <= 0.0 {
        bail!("{}: Callgrind wrote no counts", context());
    }
    Ok(Counted { instructions: total.instructions, estimated_cycles: total.estimated_cycles() })
}

/// The whole environment of a counted run: `PATH`, `HOME`, the suite's own variables, and
/// criterion's output folder outside the user's tree.
fn counted_environment(suite: &Suite, criterion_home: &Path) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> =
        ["PATH", "HOME"].iter().filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?))).collect();
    env.push(("CRITERION_HOME".into(), criterion_home.display().to_string()));
    env.extend(suite.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    env
}

#[cfg(test)]
#[path = "counting_tests.rs"]
mod tests;
