//! `perfgate compare --base PATH... --head PATH...`: judge two existing result sets.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Result};

use super::{emit_report, locate_config, Outcome};
use crate::cli::{CompareArgs, GlobalArgs};
use crate::collect::read_paths;
use crate::config::{Config, Quantity, Statistic};
use crate::input::Format;
use crate::verdict::outcome::BaselineInfo;
use crate::verdict::{evaluate, Inputs};

pub fn run(args: &CompareArgs, global: &GlobalArgs) -> Result<Outcome> {
    let config = match locate_config(global) {
        Ok(path) if path.is_file() || global.config.is_some() => restrict_to_suite(Config::load(&path)?, args)?,
        _ => default_config(args)?,
    };
    let suite = &config.suites[0];
    let format = args.input_format.unwrap_or(suite.format);
    let options = suite.input_options();
    let base = read_paths(&args.base, format, &options)?;
    let head = read_paths(&args.head, format, &options)?;
    let describe =
        |paths: &[std::path::PathBuf]| paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    let inputs = Inputs {
        head: BTreeMap::from([(suite.name.clone(), head)]),
        base: Some(BTreeMap::from([(suite.name.clone(), base)])),
        baseline: BaselineInfo { source: "file".into(), description: describe(&args.base) },
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

/// Without a budget file: every benchmark held to `--max-regression` on `--statistic`.
fn default_config(args: &CompareArgs) -> Result<Config> {
    let budget = match Quantity::parse(&args.max_regression) {
        Ok(Quantity::Percent(fraction)) => fraction,
        _ => bail!("--max-regression expects a percent such as 5%, found {:?}", args.max_regression),
    };
    let statistic: Statistic = args.statistic.parse().map_err(|e: String| anyhow::anyhow!("--statistic: {e}"))?;
    let format = args.input_format.unwrap_or(Format::Auto);
    let text = format!(
        "[baseline]\nsource = \"file\"\n\n[[suite]]\nname = \"compare\"\nformat = \"{format}\"\n\n\
         [[kpi]]\nname = \"no {statistic} regression beyond {}%\"\nsuite = \"compare\"\nstatistic = \"{statistic}\"\nmax-regression = \"{}%\"\n",
        budget * 100.0,
        budget * 100.0
    );
    Ok(Config::parse(&text, Path::new("<command line>"))?)
}
