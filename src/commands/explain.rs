//! `perfgate explain [--by TAG,...] [--base PATH...] PATH...`: where the time goes.

use anyhow::{anyhow, Result};

use super::{write_atomically, Outcome};
use crate::cli::{ExplainArgs, GlobalArgs};
use crate::explain::{breakdown, render, Request};
use crate::input::rows::LATENCY_METRIC;
use crate::input::traces::series::DURATION_METRIC;
use crate::input::InputOptions;
use crate::runner::collect::read_paths;
use crate::stats::CompareOptions;

pub fn run(args: &ExplainArgs, global: &GlobalArgs) -> Result<Outcome> {
    let options = InputOptions::default();
    let head = read_paths(&args.paths, args.input_format, &options)?;
    let base = if args.base.is_empty() { None } else { Some(read_paths(&args.base, args.input_format, &options)?) };
    let by: Vec<String> = args.by.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
    if by.is_empty() {
        return Err(anyhow!("--by needs at least one tag, e.g. --by route"));
    }
    // Request logs call it `latency`, traces `duration`: the one the input has.
    let metric = args.metric.clone().unwrap_or_else(|| {
        let has = |metric: &str| head.iter().any(|bench| bench.metric == metric);
        let traced = !has(LATENCY_METRIC) && has(DURATION_METRIC);
        if traced { DURATION_METRIC } else { LATENCY_METRIC }.to_string()
    });
    let request = Request { by: &by, metric: &metric, options: CompareOptions::default() };
    let result = breakdown(&head, base.as_deref(), &request).map_err(|e| anyhow!(e))?;
    let rendered = render::render(&result, global.format);
    match &global.output {
        Some(path) => write_atomically(path, &rendered)?,
        None if !global.quiet => print!("{rendered}"),
        None => {}
    }
    Ok(Outcome::Done)
}
