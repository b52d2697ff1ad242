//! `perfgate calibrate`: A/A rounds on the working tree, and what they say about noise.

use std::fmt::Write as _;

use anyhow::{bail, Result};

use super::{load_config, run_settings, write_atomically, Outcome};
use crate::cli::{CalibrateArgs, GlobalArgs};
use crate::collect::{head_tree, used_suites};
use crate::report::units::{format_change, format_value};
use crate::report::OutputFormat;
use crate::runner::interrupt;
use crate::runner::progress::Progress;
use crate::runner::rounds::run_rounds;
use crate::runner::suite::Tree;
use crate::verdict::calibrate::{calibrate, CalibrationRow};

pub fn run(args: &CalibrateArgs, global: &GlobalArgs) -> Result<Outcome> {
    interrupt::install();
    let config = load_config(global)?;
    let rounds = args.rounds.unwrap_or(config.baseline.rounds);
    if rounds < 2 {
        bail!("calibration needs at least 2 rounds");
    }
    let head = head_tree(&config);
    let side_a = Tree { label: "A", ..head.clone() };
    let side_b = Tree { label: "B", ..head };
    let suites: Vec<_> = used_suites(&config).collect();
    let mut progress = Progress::new(u64::from(rounds) * 2 * suites.len() as u64, global.quiet);
    let results = run_rounds(&suites, &side_a, &side_b, rounds, config.gate.seed, &run_settings(global), &mut progress);
    progress.finish();
    let results = results?;
    let rows = calibrate(&config, &results.head, &results.base, config.baseline.rounds).map_err(anyhow::Error::msg)?;
    let rendered = match global.format {
        OutputFormat::Json => serde_json::to_string_pretty(&rows)? + "\n",
        _ => render_text(&rows, rounds, config.baseline.rounds),
    };
    match &global.output {
        Some(path) => write_atomically(path, &rendered)?,
        None if !global.quiet => print!("{rendered}"),
        None => {}
    }
    Ok(Outcome::Done)
}

fn render_text(rows: &[CalibrationRow], measured: u32, planned: u32) -> String {
    let mut out = format!(
        "perfgate calibrate: {measured} A/A rounds of the same code; detectable changes for {planned} rounds ([baseline] rounds)\n\n"
    );
    let _ = writeln!(
        out,
        "  {:<40} {:>10} {:>10} {:>12} {:>8}  suggestion",
        "KPI / bench", "round CV", "pair sd", "detectable", "budget"
    );
    for row in rows {
        let ratio = crate::model::Unit::Ratio;
        let budget = row.budget.map(|b| format_value(b, &ratio)).unwrap_or_else(|| "—".into());
        let suggestion = match (row.budget, row.rounds_for_budget) {
            (Some(budget), Some(needed)) if needed as u32 <= planned => {
                format!(
                    "decidable: a {} regression is caught with {planned} rounds",
                    format_value(2.0 * budget, &ratio)
                )
            }
            (Some(_), Some(needed)) => format!(
                "set rounds = {needed}, or max-regression ≥ \"{:.1}%\" with {planned} rounds",
                row.smallest_budget * 100.0
            ),
            _ => format!("a relative budget ≥ {:.1}% is decidable", row.smallest_budget * 100.0),
        };
        let _ = writeln!(
            out,
            "  {:<40} {:>10} {:>10} {:>12} {:>8}  {suggestion}",
            truncate(&format!("{} / {}", row.kpi, row.bench), 40),
            format_value(row.round_cv, &ratio),
            format_value(row.pair_sd, &ratio),
            format!("+{}", format_change(row.detectable_beyond_budget).trim_start_matches('+')),
            budget
        );
    }
    out.push_str("\n  round CV: spread of one side's per-round statistic; pair sd: spread of the per-round ratio of two\n  identical sides (what the paired comparison sees); detectable: a regression this far beyond the\n  budget is caught 80 % of the time.\n");
    out
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        text.chars().take(width - 1).collect::<String>() + "…"
    }
}
