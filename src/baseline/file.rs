//! A baseline from files: normalized results (`perfgate run`), or tool outputs in each suite's format.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};

use super::Baseline;
use crate::config::Config;
use crate::input::{self, Format, InputOptions, Registry};
use crate::runner::collect::used_suites;
use crate::verdict::outcome::BaselineInfo;

/// Baseline results from a results file: `cli_path` (from `--baseline`), else each suite's
/// `baseline`, else `[baseline] path`.
pub fn from_file(config: &Config, cli_path: Option<&Path>) -> Result<Baseline> {
    let shared = match cli_path {
        Some(path) => Some(path.to_path_buf()),
        None => config.baseline.path.as_ref().map(|p| config.resolve(p)),
    };
    let mut results = BTreeMap::new();
    let mut described = Vec::new();
    for suite in used_suites(config) {
        let own = suite.baseline.as_ref().map(|p| config.resolve(p)).filter(|_| cli_path.is_none());
        let path = match (own, &shared) {
            (Some(own), _) => own,
            (None, Some(shared)) => shared.clone(),
            (None, None) => bail!(
                "{}: [baseline] source = \"file\" needs `path` in [baseline] or `baseline` in suite {:?}",
                config.path.display(),
                suite.name
            ),
        };
        let format = if is_normalized(&path) {
            Format::PERFGATE
        } else {
            Format::of_suite(suite).map_err(anyhow::Error::msg)?
        };
        let benchmarks = input::load(format, &path, &InputOptions::for_suite(suite))
            .with_context(|| format!("reading the baseline of suite {:?}", suite.name))?;
        described.push(path.display().to_string());
        results.insert(suite.name.clone(), benchmarks);
    }
    described.dedup();
    Ok(Baseline {
        results: Some(results),
        info: BaselineInfo { source: crate::config::BaselineSource::File, description: described.join(", ") },
    })
}

fn is_normalized(path: &Path) -> bool {
    path.is_file() && Registry::builtin().detect(path).is_ok_and(|format| format == Format::PERFGATE)
}
