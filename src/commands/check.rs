//! `perfgate check`: the main job.

use anyhow::Result;

use super::{emit_report, github_options, load_config, Outcome};
use crate::baseline::{self, Override};
use crate::cli::{CheckArgs, GlobalArgs};
use crate::collect;
use crate::github::GithubSession;
use crate::report::OutputFormat;
use crate::verdict::{apply_override_label, evaluate, Inputs};

pub fn run(args: &CheckArgs, global: &GlobalArgs) -> Result<Outcome> {
    let mut config = load_config(global)?;
    if let Some(source) = args.baseline_source {
        config.baseline.source = source.into();
    }
    if let Some(rounds) = args.rounds {
        config.baseline.rounds = rounds;
    }
    let head = collect::read_all(&config)?;
    let requested = match (&args.baseline, args.no_baseline) {
        (Some(path), _) => Override::File(path),
        (None, true) => Override::NoBaseline,
        (None, false) => Override::None,
    };
    let baseline = baseline::obtain(&config, requested)?;
    if global.verbose {
        eprintln!("perfgate: baseline from {} ({})", baseline.info.description, baseline.info.source);
    }
    let inputs = Inputs { head, base: baseline.results, baseline: Some(baseline.info), git: Default::default() };
    let mut report = evaluate(&config, &inputs)?;

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
