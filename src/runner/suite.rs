//! Collecting one suite on one tree: run its command (when it has one) in its
//! working directory, then read its results with the suite's adapter — from
//! its `input`, or from the command's standard output when it names none —
//! and add what the run cost (CPU time, peak memory) as two series. Suites
//! that count instead (`measure = "instructions"`) are `counting`'s.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use anyhow::{bail, Context, Result};

use super::command::{self, within, CommandSpec};
use super::harness::{Harness, Steering};
use crate::config::Suite;
use crate::input::{self, Format, InputOptions};
use crate::model::Benchmark;

/// One side's copy of the project: the folder the budget file sits in, in that tree.
#[derive(Debug, Clone)]
pub struct Tree {
    /// `head` or `base`, for messages.
    pub label: &'static str,
    pub config_dir: PathBuf,
    /// Cargo builds of this tree go to `to` instead of `from` (`<tree>/target`), and inputs under
    /// `from` are read from `to`: the base's build cache outlives its temporary checkout.
    pub target_redirect: Option<TargetRedirect>,
}

/// Where a tree's `target/` really is.
#[derive(Debug, Clone)]
pub struct TargetRedirect {
    pub from: PathBuf,
    pub to: PathBuf,
}

/// How commands run.
#[derive(Debug, Clone, Default)]
pub struct RunSettings {
    /// Copy command output to stderr (`--verbose`).
    pub echo: bool,
    /// Environment variables not passed on (e.g. `CARGO_TARGET_DIR`, so that each tree builds in its own `target/`).
    pub env_remove: Vec<String>,
    /// No command runs past this instant (the time budget): it is stopped like a timeout.
    pub deadline: Option<Instant>,
}

/// How perfgate changes a suite's command for one run: short rounds, only some benchmarks.
#[derive(Debug, Clone, Copy)]
pub struct Steer<'a> {
    pub harness: Harness,
    pub steering: &'a Steering,
}

impl Tree {
    /// The suite's working directory in this tree.
    pub fn workdir(&self, suite: &Suite) -> PathBuf {
        suite.workdir.as_deref().map_or_else(|| self.config_dir.clone(), |dir| within(&self.config_dir, dir))
    }

    /// Where the suite's results are in this tree (None: the command's standard output).
    pub fn input(&self, suite: &Suite) -> Option<PathBuf> {
        let default_input = || Format::of_suite(suite).ok()?.default_input().map(PathBuf::from);
        let input = suite.input.clone().or_else(default_input)?;
        let path = normalize(&within(&self.workdir(suite), &input));
        Some(match &self.target_redirect {
            Some(redirect) => match path.strip_prefix(&redirect.from) {
                Ok(rest) => redirect.to.join(rest),
                Err(_) => path,
            },
            None => path,
        })
    }
}

/// Run (if needed) and read one suite on one tree, its command steered when asked.
pub fn collect_suite(
    suite: &Suite,
    tree: &Tree,
    settings: &RunSettings,
    steer: Option<Steer>,
) -> Result<Vec<Benchmark>> {
    let format = Format::of_suite(suite).map_err(anyhow::Error::msg)?;
    let mut options = InputOptions { verbose: settings.echo, ..InputOptions::for_suite(suite) };
    let Some(command) = &suite.command else {
        let Some(path) = tree.input(suite) else {
            bail!(
                "suite {:?} has neither a `command` nor an `input`: say where its {} results are",
                suite.name,
                suite.format
            );
        };
        return Ok(input::load(format, &path, &options)?);
    };
    let started = SystemTime::now();
    let command = match steer {
        Some(Steer { harness, steering }) => match shell_words::split(command) {
            Ok(words) => shell_words::join(harness.steer(&words, steering).words),
            Err(_) => command.clone(),
        },
        None => command.clone(),
    };
    let spec = command_spec(suite, tree, settings, &command);
    let output = command::run(&spec).with_context(|| format!("suite {:?} on the {}", suite.name, tree.label))?;
    let mut benchmarks = match tree.input(suite) {
        Some(path) => {
            ensure_fresh(&path, started, &command)?;
            options.modified_since = Some(started);
            input::load(format, &path, &options)?
        }
        None => load_stdout(suite, format, &output.stdout, &options)?,
    };
    // What the run cost, as series of their own (`metric = "cpu-time"`, `"max-rss"`).
    benchmarks.extend(output.usage.series(&suite.name));
    Ok(benchmarks)
}

/// The benchmarks `suite`'s command would run on `tree`, from its harness's listing
/// (which, for compiled harnesses, also builds them). None when the harness has no
/// listing; an error when the listing command fails.
pub fn list_benchmarks(
    suite: &Suite,
    tree: &Tree,
    settings: &RunSettings,
    harness: Harness,
) -> Result<Option<Vec<String>>> {
    let Some(command) = &suite.command else { return Ok(None) };
    let words = shell_words::split(command).map_err(|e| anyhow::anyhow!("cannot split {command:?}: {e}"))?;
    if let Some(names) = harness.names_in_command(&words) {
        return Ok(Some(names));
    }
    let Some(listing) = harness.listing(&words) else { return Ok(None) };
    let spec = command_spec(suite, tree, settings, &shell_words::join(listing));
    let output = command::run(&spec)
        .with_context(|| format!("listing the benchmarks of suite {:?} on the {}", suite.name, tree.label))?;
    Ok(Some(harness.parse_listing(&String::from_utf8_lossy(&output.stdout))))
}

/// How `command` runs for `suite` on `tree`: its folder, environment, and timeout (the suite's, cut
/// short by the deadline).
pub fn command_spec(suite: &Suite, tree: &Tree, settings: &RunSettings, command: &str) -> CommandSpec {
    let mut env: Vec<(String, String)> = suite.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    if let Some(redirect) = &tree.target_redirect {
        env.push(("CARGO_TARGET_DIR".into(), redirect.to.display().to_string()));
    }
    let until_deadline = settings.deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()));
    let timeout = match (suite.timeout(), until_deadline) {
        (Some(own), Some(left)) => Some(own.min(left)),
        (own, left) => own.or(left),
    };
    CommandSpec {
        command: command.to_string(),
        shell: suite.shell,
        workdir: tree.workdir(suite),
        env,
        env_remove: settings.env_remove.clone(),
        env_clear: false,
        timeout,
        echo: settings.echo,
    }
}

/// `a/b/../c` as `a/c`, without touching the file system (the path may not exist yet).
fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                normal.pop();
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// A single-file input must have been written by the command that just ran.
fn ensure_fresh(path: &Path, started: SystemTime, command: &str) -> Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    let modified = std::fs::metadata(path).and_then(|m| m.modified());
    match modified {
        Ok(time) if time >= started => Ok(()),
        Ok(_) => {
            bail!("`{command}` finished but did not write {}: the file there is from an earlier run", path.display())
        }
        Err(_) => bail!("`{command}` finished but {} does not exist: check the suite's `input`", path.display()),
    }
}

fn load_stdout(suite: &Suite, format: Format, stdout: &[u8], options: &InputOptions) -> Result<Vec<Benchmark>> {
    let mut file = tempfile::Builder::new().prefix("perfgate-stdout-").tempfile()?;
    file.write_all(stdout)?;
    file.flush()?;
    input::load(format, file.path(), options)
        .with_context(|| format!("reading the output of suite {:?}'s command", suite.name))
}
