//! `perfgate check`: the main job.

use anyhow::Result;

use super::{emit_report, load_config, Outcome};
use crate::baseline::{self, Override};
use crate::cli::{CheckArgs, GlobalArgs};
use crate::collect;
use crate::verdict::{evaluate, Inputs};

pub fn run(args: &CheckArgs, global: &GlobalArgs) -> Result<Outcome> {
    let config = load_config(global)?;
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
    let report = evaluate(&config, &inputs)?;
    emit_report(&report, global)
}
