//! `perfgate compare --base PATH... --head PATH...`: judge two existing result sets.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Result};

use super::{emit_report, locate_config, Outcome};
use crate::cli::{CompareArgs, GlobalArgs};
use crate::config::{Baseline, BaselineSource, Config, Gate, Kpi, Percent, Quantity, Statistic, Suite};
use crate::input::{Format, InputOptions};
use crate::model::Benchmark;
use crate::runner::collect::read_paths;
use crate::verdict::outcome::BaselineInfo;
use crate::verdict::{evaluate, Inputs};

/// The suite of the inputs when there is no budget file.
const SUITE: &str = "compare";

pub fn run(args: &CompareArgs, global: &GlobalArgs) -> Result<Outcome> {
    let budget_file = match locate_config(global) {
        Ok(path) if path.is_file() || global.config.is_some() => {
            Some(restrict_to_suite(super::read_config(&path)?, args)?)
        }
        _ => None,
    };
    let suite = budget_file.as_ref().map_or_else(|| Suite::named(SUITE), |config| config.suites[0].clone());
    let format = match args.input_format {
        Some(format) => format,
        None => Format::of_suite(&suite).map_err(anyhow::Error::msg)?,
    };
    let options = InputOptions { verbose: global.verbose, ..InputOptions::for_suite(&suite) };
    let base = read_paths(&args.base, format, &options)?;
    let head = read_paths(&args.head, format, &options)?;
    let config = match budget_file {
        Some(config) => config,
        None => default_config(args, &head)?,
    };
    let describe =
        |paths: &[std::path::PathBuf]| paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    let inputs = Inputs {
        head: BTreeMap::from([(suite.name.clone(), head)]),
        base: Some(BTreeMap::from([(suite.name.clone(), base)])),
        baseline: BaselineInfo { source: crate::config::BaselineSource::File, description: describe(&args.base) },
        ..Inputs::default()
    };
    let report = evaluate(&config, &inputs)?;
    emit_report(&report, global)
}

/// Keep only the suite the inputs belong to, and its KPIs.
fn restrict_to_suite(mut config: Config, args: &CompareArgs) -> Result<Config> {
    let name = match (&args.suite, config.suites.as_slice()) {
        (Some(name), _) => name.clone(),
        (None, [only]) => only.name.clone(),
        (None, suites) => bail!(
            "{} defines {} suites; say which one the inputs belong to with --suite ({})",
            config.path.display(),
            suites.len(),
            suites.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
    };
    if config.suite(&name).is_none() {
        bail!("{} has no suite named {name:?}", config.path.display());
    }
    config.suites.retain(|s| s.name == name);
    config.kpis.retain(|k| k.suite == name);
    if config.kpis.is_empty() {
        bail!("{}: no KPI judges suite {name:?}", config.path.display());
    }
    Ok(config)
}

/// Without a budget file: every benchmark held to `--max-regression` on `--statistic`, or,
/// for a series that has neither raw samples nor that statistic (load tools' summaries),
/// on the first of [`FALLBACK_STATISTICS`] its tool reported: one KPI per statistic used.
fn default_config(args: &CompareArgs, head: &[Benchmark]) -> Result<Config> {
    let budget = match Quantity::parse(&args.max_regression) {
        Ok(Quantity::Percent(fraction)) if fraction >= 0.0 => fraction,
        _ => bail!("--max-regression expects a percent such as 5%, found {:?}", args.max_regression),
    };
    let requested: Statistic = args.statistic.parse().map_err(|e: String| anyhow::anyhow!("--statistic: {e}"))?;
    let mut groups: Vec<(Statistic, Vec<&str>)> = Vec::new();
    for bench in head {
        let statistic = statistic_of(bench, requested);
        match groups.iter_mut().find(|(known, _)| *known == statistic) {
            Some((_, ids)) => ids.push(&bench.id),
            None => groups.push((statistic, vec![&bench.id])),
        }
    }
    let kpis = match groups.as_slice() {
        [] | [_] => vec![default_kpi(groups.first().map_or(requested, |(statistic, _)| *statistic), None, budget)],
        several => {
            several.iter().map(|(statistic, ids)| default_kpi(*statistic, Some(exactly_one_of(ids)), budget)).collect()
        }
    };
    Ok(Config {
        path: PathBuf::from("<command line>"),
        gate: Gate::default(),
        baseline: Baseline { source: BaselineSource::File, ..Baseline::default() },
        suites: vec![Suite::named(SUITE)],
        kpis,
    })
}

/// What a series without `requested` is judged on, in this order: a latency's mean, a
/// throughput (higher is better), an error rate, an error count, a gauge's peak.
const FALLBACK_STATISTICS: [Statistic; 5] =
    [Statistic::Mean, Statistic::Throughput, Statistic::Rate, Statistic::Count, Statistic::Max];

/// `requested` when the series has raw values or its tool reported it, else the first fallback it has.
fn statistic_of(bench: &Benchmark, requested: Statistic) -> Statistic {
    let reported = |statistic: &Statistic| bench.summary.contains_key(&statistic.summary_key());
    if bench.has_raw_values() || reported(&requested) {
        return requested;
    }
    FALLBACK_STATISTICS.into_iter().find(reported).unwrap_or(requested)
}

/// A `bench` glob that matches exactly these ids (glob characters in them taken literally).
fn exactly_one_of(ids: &[&str]) -> String {
    let literal = |id: &str| -> String {
        id.chars().map(|c| if "*?[]{},\\".contains(c) { format!("[{c}]") } else { c.to_string() }).collect()
    };
    format!("{{{}}}", ids.iter().map(|id| literal(id)).collect::<Vec<_>>().join(","))
}

fn default_kpi(statistic: Statistic, bench: Option<String>, budget: f64) -> Kpi {
    Kpi {
        name: format!("no {statistic} regression beyond {}%", budget * 100.0),
        suite: SUITE.to_string(),
        bench,
        metric: None,
        tag_filters: BTreeMap::new(),
        per: Vec::new(),
        statistic,
        max: None,
        min: None,
        max_regression: Some(Percent(budget)),
        max_drift: None,
        min_ratio: None,
        level: Gate::default().level,
        primary: false,
        direction: None,
        line: 0,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The budget file `perfgate compare` stands for, as it used to write it out and parse it back.
    fn as_written(statistic: &str, budget: f64) -> Config {
        let text = format!(
            "[baseline]\nsource = \"file\"\n\n[[suite]]\nname = \"compare\"\nformat = \"auto\"\n\n\
             [[kpi]]\nname = \"no {statistic} regression beyond {}%\"\nsuite = \"compare\"\n\
             statistic = \"{statistic}\"\nmax-regression = \"{}%\"\n",
            budget * 100.0,
            budget * 100.0
        );
        Config::parse(&text, Path::new("<command line>")).unwrap()
    }

    #[test]
    fn the_default_budget_is_the_one_a_budget_file_would_give() {
        for (statistic, percent, budget) in
            [("median", "5", 0.05), ("min", "3", 0.03), ("p99", "7", 0.07), ("mean", "2.5", 0.025)]
        {
            let args = CompareArgs {
                base: Vec::new(),
                head: Vec::new(),
                suite: None,
                input_format: None,
                max_regression: format!("{percent}%"),
                statistic: statistic.to_string(),
            };
            let (built, mut written) = (default_config(&args, &[]).unwrap(), as_written(statistic, budget));
            written.kpis[0].line = 0; // no file holds the built KPI
            assert_eq!(built.path, written.path);
            assert_eq!((&built.gate, &built.baseline), (&written.gate, &written.baseline));
            assert_eq!(built.suites, written.suites);
            assert_eq!(built.kpis, written.kpis, "{statistic} {percent}%");
        }
    }

    #[test]
    fn the_exact_glob_matches_its_ids_only_whatever_characters_they_hold() {
        let ids = ["latency{route=/a,method=GET}", "a*b", "q?[x]", "back\\slash", "plain", "!bang"];
        let glob = globset::Glob::new(&exactly_one_of(&ids)).unwrap().compile_matcher();
        for id in ids {
            assert!(glob.is_match(id), "{id}");
        }
        for other in ["latency", "aXb", "qz[x]", "plainer", "bang", "latency{route=/a}"] {
            assert!(!glob.is_match(other), "{other}");
        }
    }
}
