//! Where baseline results come from — re-running the merge-base in
//! interleaved rounds, git notes, a results file, or none — and, with them,
//! the head results of the same check.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use crate::config::{BaselineSource, Config};
use crate::model::calibration::{Calibration, CALIBRATION_SCHEMA};
use crate::model::Benchmark;
use crate::runner::collect::{read_all, used_suites};
use crate::runner::rounds::Looker;
use crate::runner::shard::Shard;
use crate::runner::suite::RunSettings;
use crate::verdict::outcome::{BaselineInfo, GitInfo};
use crate::verdict::Inputs;

mod counted;
mod file;
pub mod history;
pub mod notes;
pub mod prepare;
pub mod rerun;
mod rounds_notes;

pub use rerun::{rerun, RerunOptions};

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

/// Options of measuring.
pub struct MeasureOptions<'a> {
    pub requested: Override<'a>,
    pub settings: RunSettings,
    /// Hide progress.
    pub quiet: bool,
    /// Interleaved rounds: measure only this shard's benchmarks.
    pub shard: Option<Shard>,
    /// `[gate] calibration` as read (`read_calibration`), handed on to the check's inputs.
    pub calibration: Option<Calibration>,
}

/// Obtain head and baseline results as the config (or the command line) asks; `looker`
/// decides between interleaved rounds what still needs measuring.
pub fn measure(config: &Config, options: &MeasureOptions, looker: &mut dyn Looker) -> Result<Inputs> {
    let source = match options.requested {
        Override::NoBaseline => BaselineSource::None,
        Override::File(_) => BaselineSource::File,
        Override::None => config.baseline.source,
    };
    let calibration = options.calibration.clone();
    if source == BaselineSource::Rerun {
        let rerun_options = RerunOptions {
            settings: options.settings.clone(),
            quiet: options.quiet,
            looker,
            only: None,
            shard: options.shard,
        };
        return Ok(Inputs { calibration, ..rerun(config, rerun_options)? });
    }
    let head = read_all(config, &options.settings)?;
    let mut notes = Vec::new();
    let (baseline, git, warnings, anchor) = match (source, &options.requested) {
        (BaselineSource::File, Override::File(path)) => {
            (file::from_file(config, Some(path))?, GitInfo::default(), Vec::new(), None)
        }
        (BaselineSource::File, _) => (file::from_file(config, None)?, GitInfo::default(), Vec::new(), None),
        (BaselineSource::Notes, _) => {
            let location = rerun::locate(config)?;
            let anchor = match &location.anchor {
                Some((name, commit)) => anchor_from_notes(config, &location.repo, name, *commit, &mut notes)?,
                None => None,
            };
            (notes_baseline(config, &location)?, location.git_info(), location.warnings, anchor)
        }
        _ => (
            Baseline {
                results: None,
                info: BaselineInfo {
                    source: crate::config::BaselineSource::None,
                    description: "no baseline (absolute budgets only)".into(),
                },
            },
            GitInfo::default(),
            Vec::new(),
            None,
        ),
    };
    if config.baseline.anchor.is_some() && !matches!(source, BaselineSource::Notes) {
        notes.push(format!(
            "The drift since the anchor is judged with `source = \"rerun\"` or `\"notes\"` only; this check's baseline is {}.",
            baseline.info.source
        ));
    }
    Ok(Inputs {
        head,
        base: baseline.results,
        anchor,
        baseline: baseline.info,
        git,
        warnings,
        notes,
        calibration,
        ..Inputs::default()
    })
}

/// The calibration file `[gate] calibration` names (None when the budget file names none).
pub fn read_calibration(config: &Config) -> Result<Option<Calibration>> {
    if config.gate.calibration.is_none() {
        return Ok(None);
    }
    let path = config.calibration_path();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        anyhow::anyhow!(
            "cannot read the calibration file {} ([gate] calibration): {e}\n  hint: write it with `perfgate calibrate --record`",
            path.display()
        )
    })?;
    let calibration: Calibration = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: not a calibration file: {e}\n  hint: write it with `perfgate calibrate --record`",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if calibration.schema != CALIBRATION_SCHEMA {
        anyhow::bail!(
            "{}: calibration schema {} is not {CALIBRATION_SCHEMA}: write it again with `perfgate calibrate --record`",
            path.display(),
            calibration.schema
        );
    }
    Ok(Some(calibration))
}

/// The anchor's recorded results for the suites the KPIs use (None, with a note, when it has no record).
fn anchor_from_notes(
    config: &Config,
    repo: &git2::Repository,
    name: &str,
    commit: git2::Oid,
    notes: &mut Vec<String>,
) -> Result<Option<BTreeMap<String, Vec<Benchmark>>>> {
    let Some(stored) = notes::read(repo, commit)? else {
        notes.push(format!(
            "No results are recorded for the anchor {name} ({}) in {}, so the drift since it is not judged; \
             record them with `perfgate record --commit {name}` on a checkout of it",
            &commit.to_string()[..10],
            notes::NOTES_REF
        ));
        return Ok(None);
    };
    Ok(Some(used_results(config, &stored)))
}

/// The stored suites a KPI uses.
fn used_results(config: &Config, stored: &crate::model::ResultSet) -> BTreeMap<String, Vec<Benchmark>> {
    let mut results = BTreeMap::new();
    for suite in used_suites(config) {
        if let Some(stored_suite) = stored.suites.iter().find(|s| s.name == suite.name) {
            results.insert(suite.name.clone(), stored_suite.benchmarks.clone());
        }
    }
    results
}

/// The note recorded for the merge-base of HEAD and the baseline ref.
fn notes_baseline(config: &Config, location: &rerun::Location) -> Result<Baseline> {
    let short = &location.base.to_string()[..10];
    let Some(stored) = notes::read(&location.repo, location.base)? else {
        let info = BaselineInfo {
            source: crate::config::BaselineSource::Notes,
            description: format!(
                "no results recorded for merge-base {short} ({}) in {} — fetch them with `git fetch origin {}:{}`, or record them on that commit with `perfgate record`",
                location.git_ref,
                notes::NOTES_REF,
                notes::NOTES_REF,
                notes::NOTES_REF
            ),
        };
        return Ok(Baseline { results: None, info });
    };
    let results = used_results(config, &stored);
    let names: Vec<&str> = stored.suites.iter().map(|s| s.name.as_str()).collect();
    let info = BaselineInfo {
        source: crate::config::BaselineSource::Notes,
        description: format!(
            "results of merge-base {short} ({}) from {}: {}",
            location.git_ref,
            notes::NOTES_REF,
            names.join(", ")
        ),
    };
    Ok(Baseline { results: Some(results), info })
}
