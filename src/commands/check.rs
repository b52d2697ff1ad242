//! `perfgate check`: the main job.

use anyhow::Result;

use super::confirm::confirm_failures;
use super::{emit_report, github_options, load_config, run_settings, Outcome};
use crate::baseline::{measure, read_calibration, MeasureOptions, Override};
use crate::cli::{CheckArgs, GlobalArgs};
use crate::github::GithubSession;
use crate::report::OutputFormat;
use crate::verdict::sequential::RoundsJudge;
use crate::verdict::shards::keep_shard;
use crate::verdict::{apply_override_label, evaluate, Verdict};

pub fn run(args: &CheckArgs, global: &GlobalArgs) -> Result<Outcome> {
    let mut config = load_config(global)?;
    if let Some(source) = args.baseline_source {
        config.baseline.source = source;
    }
    if let Some(rounds) = args.rounds {
        config.baseline.rounds = rounds;
    }
    if let Some(budget) = args.time_budget {
        config.baseline.time_budget = budget;
    }
    let requested = match (&args.baseline, args.no_baseline) {
        (Some(path), _) => Override::File(path),
        (None, true) => Override::NoBaseline,
        (None, false) => Override::None,
    };
    let calibration = read_calibration(&config)?;
    let mut judge = RoundsJudge::new(&config, calibration.clone());
    let options = MeasureOptions {
        requested,
        settings: run_settings(global),
        quiet: global.quiet,
        shard: args.shard,
        calibration: calibration.clone(),
    };
    let mut inputs = measure(&config, &options, &mut judge)?;
    if global.verbose {
        eprintln!("perfgate: baseline: {} ({})", inputs.baseline.description, inputs.baseline.source);
    }
    inputs.partial = args.shard.is_some();
    let mut report = match inputs.measuring.take() {
        Some(measuring) => judge.conclude(&inputs, measuring)?,
        None => evaluate(&config, &inputs)?,
    };
    if let Some(shard) = args.shard {
        keep_shard(&mut report, &config, &inputs.head, shard);
    }
    let stored = report.baseline.source.is_stored();
    let failed = report.kpis.iter().flat_map(|k| &k.comparisons).any(|c| c.verdict == Verdict::Fail);
    if config.baseline.confirm && stored && failed {
        let settings = run_settings(global);
        confirm_failures(&config, &mut report, &inputs.head, &settings, global.quiet, calibration)?;
    }

    report.context = super::context::gather(&config, &inputs, &report, global.verbose);

    let github = GithubSession::detect(github_options(&args.github, args.comment, None, global));
    if let Some(label) = &config.gate.override_label {
        if github.pull_request_has_label(label) {
            apply_override_label(&mut report, label);
            eprintln!("perfgate: the pull request has the label {label:?}: failures are reported as warnings");
        }
    }
    let outcome = emit_report(&report, global)?;
    let json_report = global.output.as_deref().filter(|_| global.format == OutputFormat::Json);
    github.publish_check(&report, json_report);
    Ok(outcome)
}
