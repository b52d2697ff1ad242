//! Collecting the head's results: every suite the KPIs use, in the user's working tree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::counting;
use super::suite::{collect_suite, RunSettings, Tree};
use crate::config::{Config, Suite};
use crate::input::{self, Format};
use crate::model::{Benchmark, ResultSet, SuiteResults};

/// The user's working tree, where the head results are.
pub fn head_tree(config: &Config) -> Tree {
    Tree {
        label: "head",
        config_dir: config
            .path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        target_redirect: None,
    }
}

/// Collect one suite on the head: run its command if it has one, then read its results; or count
/// it (`measure = "instructions"`).
pub fn read_suite(config: &Config, suite: &Suite, settings: &RunSettings) -> Result<Vec<Benchmark>> {
    if suite.counts() {
        return Ok(counting::count_suite(suite, &head_tree(config), settings, None, counting::COUNTED_RUNS)?.benchmarks);
    }
    collect_suite(suite, &head_tree(config), settings, None)
}

/// Read every suite that a KPI uses.
pub fn read_all(config: &Config, settings: &RunSettings) -> Result<BTreeMap<String, Vec<Benchmark>>> {
    let mut results = BTreeMap::new();
    for suite in used_suites(config) {
        let benchmarks =
            read_suite(config, suite, settings).with_context(|| format!("reading suite {:?}", suite.name))?;
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
