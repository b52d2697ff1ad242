//! Where baseline results come from: a results file, or none at all.
//! (`rerun` and `notes` need git and arrive with the git-native baselines.)

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::collect::used_suites;
use crate::config::{BaselineSource, Config};
use crate::input::{self, detect, Format};
use crate::model::Benchmark;
use crate::verdict::outcome::BaselineInfo;

/// Baseline results per suite, and how they were obtained.
pub struct Baseline {
    pub results: Option<BTreeMap<String, Vec<Benchmark>>>,
    pub info: BaselineInfo,
}

/// What the user asked for on the command line.
pub enum Override<'a> {
    None,
    File(&'a Path),
    NoBaseline,
}

/// Obtain the baseline the config (or the command line) asks for.
pub fn obtain(config: &Config, cli: Override) -> Result<Baseline> {
    match (cli, config.baseline.source) {
        (Override::NoBaseline, _) | (Override::None, BaselineSource::None) => Ok(Baseline {
            results: None,
            info: BaselineInfo { source: "none".into(), description: "no baseline (absolute budgets only)".into() },
        }),
        (Override::File(path), _) => from_file(config, Some(path)),
        (Override::None, BaselineSource::File) => from_file(config, None),
        (Override::None, source @ (BaselineSource::Rerun | BaselineSource::Notes)) => bail!(
            "{}: [baseline] source = {:?} is not available in this build; use source = \"file\" (with path = ...) \
             or \"none\", or pass --baseline PATH",
            config.path.display(),
            format!("{source:?}").to_lowercase()
        ),
    }
}

fn from_file(config: &Config, cli_path: Option<&Path>) -> Result<Baseline> {
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
        let format = if is_normalized(&path) { Format::Perfgate } else { suite.format };
        let benchmarks = input::load(format, &path, &suite.input_options())
            .with_context(|| format!("reading the baseline of suite {:?}", suite.name))?;
        described.push(path.display().to_string());
        results.insert(suite.name.clone(), benchmarks);
    }
    described.dedup();
    Ok(Baseline {
        results: Some(results),
        info: BaselineInfo { source: "file".into(), description: described.join(", ") },
    })
}

fn is_normalized(path: &Path) -> bool {
    path.is_file() && matches!(detect::detect(path), Ok(Format::Perfgate))
}
