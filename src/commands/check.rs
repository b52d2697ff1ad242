//! `perfgate check`: the main job.

use anyhow::Result;

use super::{emit_report, load_config, run_settings, Outcome};
use crate::baseline::{measure, MeasureOptions, Override};
use crate::cli::{CheckArgs, GlobalArgs};
use crate::verdict::{evaluate, Inputs};

pub fn run(args: &CheckArgs, global: &GlobalArgs) -> Result<Outcome> {
    let config = load_config(global)?;
    let requested = match (&args.baseline, args.no_baseline) {
        (Some(path), _) => Override::File(path),
        (None, true) => Override::NoBaseline,
        (None, false) => Override::None,
    };
    let measured =
        measure(&config, &MeasureOptions { requested, settings: run_settings(global), quiet: global.quiet })?;
    if global.verbose {
        eprintln!("perfgate: baseline: {} ({})", measured.baseline.description, measured.baseline.source);
    }
    let inputs = Inputs {
        head: measured.head,
        base: measured.base,
        baseline: Some(measured.baseline),
        git: measured.git,
        notes: measured.notes,
    };
    let report = evaluate(&config, &inputs)?;
    emit_report(&report, global)
}
