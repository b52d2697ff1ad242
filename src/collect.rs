//! Collecting a suite's results from its input (the head side of a check).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::config::{Config, Suite};
use crate::input::{self, Format};
use crate::model::{Benchmark, ResultSet, SuiteResults};

/// Where a suite's results are read from.
pub fn input_path(config: &Config, suite: &Suite) -> Result<PathBuf> {
    match (&suite.input, suite.format.default_input()) {
        (Some(path), _) => Ok(config.resolve(path)),
        (None, Some(default)) => Ok(config.resolve(Path::new(default))),
        (None, None) => bail!(
            "{}: suite {:?} has no `input`; say where its {} results are",
            config.path.display(),
            suite.name,
            suite.format
        ),
    }
}

/// Read one suite's results as-is from its input.
pub fn read_suite(config: &Config, suite: &Suite) -> Result<Vec<Benchmark>> {
    if suite.command.is_some() && suite.input.is_none() && suite.format.default_input().is_none() {
        bail!("suite {:?} has a command but no `input` to read its results from", suite.name);
    }
    let path = input_path(config, suite)?;
    Ok(input::load(suite.format, &path, &suite.input_options())?)
}

/// Read every suite that a KPI uses.
pub fn read_all(config: &Config) -> Result<BTreeMap<String, Vec<Benchmark>>> {
    let mut results = BTreeMap::new();
    for suite in used_suites(config) {
        let benchmarks = read_suite(config, suite).with_context(|| format!("reading suite {:?}", suite.name))?;
        results.insert(suite.name.clone(), benchmarks);
    }
    Ok(results)
}

/// Suites that at least one KPI judges (others are not read).
pub fn used_suites(config: &Config) -> impl Iterator<Item = &Suite> {
    config.suites.iter().filter(|s| config.kpis.iter().any(|k| k.suite == s.name))
}

/// Load several inputs of one suite and concatenate their benchmarks.
pub fn read_paths(paths: &[PathBuf], format: Format, options: &input::InputOptions) -> Result<Vec<Benchmark>> {
    let mut benchmarks = Vec::new();
    for path in paths {
        benchmarks.extend(input::load(format, path, options)?);
    }
    Ok(benchmarks)
}

/// The normalized results file of several suites.
pub fn result_set(results: BTreeMap<String, Vec<Benchmark>>) -> ResultSet {
    ResultSet::new(results.into_iter().map(|(name, benchmarks)| SuiteResults { name, benchmarks }).collect())
}
