//! Collecting one suite on one tree: run its command (when it has one) in its
//! working directory, then read its results with the suite's adapter — from
//! its `input`, or from the command's standard output when it names none.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{bail, Context, Result};

use super::command::{self, within, CommandSpec};
use crate::config::Suite;
use crate::input;
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
}

impl Tree {
    /// The suite's working directory in this tree.
    pub fn workdir(&self, suite: &Suite) -> PathBuf {
        suite.workdir.as_deref().map_or_else(|| self.config_dir.clone(), |dir| within(&self.config_dir, dir))
    }

    /// Where the suite's results are in this tree (None: the command's standard output).
    pub fn input(&self, suite: &Suite) -> Option<PathBuf> {
        let input = suite.input.clone().or_else(|| suite.format.default_input().map(PathBuf::from))?;
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

/// Run (if needed) and read one suite on one tree.
pub fn collect_suite(suite: &Suite, tree: &Tree, settings: &RunSettings) -> Result<Vec<Benchmark>> {
    let mut options = suite.input_options();
    let Some(command) = &suite.command else {
        let Some(path) = tree.input(suite) else {
            bail!(
                "suite {:?} has neither a `command` nor an `input`: say where its {} results are",
                suite.name,
                suite.format
            );
        };
        return Ok(input::load(suite.format, &path, &options)?);
    };
    let started = SystemTime::now();
    let mut env: Vec<(String, String)> = suite.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    if let Some(redirect) = &tree.target_redirect {
        env.push(("CARGO_TARGET_DIR".into(), redirect.to.display().to_string()));
    }
    let spec = CommandSpec {
        command: command.clone(),
        shell: suite.shell,
        workdir: tree.workdir(suite),
        env,
        env_remove: settings.env_remove.clone(),
        timeout: suite.timeout(),
        echo: settings.echo,
    };
    let output = command::run(&spec).with_context(|| format!("suite {:?} on the {}", suite.name, tree.label))?;
    match tree.input(suite) {
        Some(path) => {
            ensure_fresh(&path, started, command)?;
            options.modified_since = Some(started);
            Ok(input::load(suite.format, &path, &options)?)
        }
        None => load_stdout(suite, &output.stdout, &options),
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

fn load_stdout(suite: &Suite, stdout: &[u8], options: &input::InputOptions) -> Result<Vec<Benchmark>> {
    let mut file = tempfile::Builder::new().prefix("perfgate-stdout-").tempfile()?;
    file.write_all(stdout)?;
    file.flush()?;
    input::load(suite.format, file.path(), options)
        .with_context(|| format!("reading the output of suite {:?}'s command", suite.name))
}
