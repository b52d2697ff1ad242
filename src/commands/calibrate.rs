//! `perfgate calibrate`: A/A rounds on the working tree, and what they say about noise.

use std::fmt::Write as _;

use anyhow::{bail, Result};

use super::{load_config, run_settings, write_atomically, Outcome};
use crate::baseline::prepare::{prepare, round_options_text};
use crate::cli::{CalibrateArgs, GlobalArgs};
use crate::model::calibration::{Calibration, CALIBRATION_SCHEMA};
use crate::model::units::human_duration as human;
use crate::model::units::{format_change, format_value};
use crate::report::OutputFormat;
use crate::runner::collect::head_tree;
use crate::runner::interrupt;
use crate::runner::plan::{rounds_that_fit, Budget};
use crate::runner::progress::Progress;
use crate::runner::rounds::{run_interleaved, NeverStop, Sides};
use crate::runner::suite::Tree;
use crate::verdict::calibrate::{calibrate, time_budget_advice, CalibrationRow, TimeBudgetAdvice};

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
    let settings = run_settings(global);
    // Measured the way a check measures: the same short rounds, with no time limit and no looks.
    let budget = Budget { time: config.baseline.time_budget(), max_rounds: rounds, min_rounds: rounds };
    let sides = Sides { base: &side_a, head: &side_b, anchor: None };
    let prepared = prepare(&config, sides, &settings, &budget, None, None)?;
    let mut progress = Progress::new(u64::from(rounds) * 2 * prepared.suites.len() as u64, global.quiet);
    let unlimited = Budget { time: std::time::Duration::MAX, ..budget };
    let results =
        run_interleaved(&prepared.suites, sides, unlimited, config.gate.seed, &settings, &mut progress, &mut NeverStop);
    progress.finish();
    let results = results?;
    let rows = calibrate(&config, &results.head, &results.base, config.baseline.rounds).map_err(anyhow::Error::msg)?;
    let round_seconds = results.suites.values().map(|s| s.seconds).sum::<f64>() / f64::from(results.rounds.max(1));
    let fit = rounds_that_fit(
        &Budget { max_rounds: config.baseline.rounds, ..budget },
        std::time::Duration::from_secs_f64(round_seconds),
    );
    let advice = time_budget_advice(&rows, round_seconds, config.baseline.rounds, fit);
    let options: Vec<String> = prepared
        .suites
        .iter()
        .map(|s| format!("{}: {}", s.suite.name, round_options_text(s)))
        .filter(|line| !line.ends_with(": "))
        .collect();
    let text = render_text(&rows, rounds, config.baseline.rounds) + &render_advice(&advice, &config, &options);
    let calibration =
        Calibration { schema: CALIBRATION_SCHEMA, rounds: results.rounds as usize, rows, time_budget: Some(advice) };
    let json = serde_json::to_string_pretty(&calibration)? + "\n";
    if args.record {
        let path = config.calibration_path();
        write_atomically(&path, &json)?;
        let hint = if config.gate.calibration.is_none() {
            format!(" — add `calibration = {:?}` to [gate] for checks to use it", relative_name(&config, &path))
        } else {
            String::new()
        };
        eprintln!("perfgate: recorded the calibration in {}{hint}", path.display());
    }
    let rendered = match global.format {
        OutputFormat::Json => json,
        _ => text,
    };
    match &global.output {
        Some(path) => write_atomically(path, &rendered)?,
        None if !global.quiet => print!("{rendered}"),
        None => {}
    }
    Ok(Outcome::Done)
}

/// `path` as the budget file would name it: relative to its folder.
fn relative_name(config: &crate::config::Config, path: &std::path::Path) -> String {
    path.strip_prefix(config.folder()).unwrap_or(path).display().to_string()
}

/// The time budget a check of this suite needs, in words.
fn render_advice(advice: &TimeBudgetAdvice, config: &crate::config::Config, options: &[String]) -> String {
    let round = human(std::time::Duration::from_secs_f64(advice.round_seconds));
    let mut out = format!("\n  one round of both sides took {round}");
    if !options.is_empty() {
        out.push_str(&format!(" (short rounds: {})", options.join("; ")));
    }
    out.push('\n');
    let configured = human(config.baseline.time_budget());
    match advice.rounds_needed {
        Some(needed) => out.push_str(&format!(
            "  to catch a regression of twice its budget, the noisiest benchmark needs {needed} rounds: \
             set time-budget = \"{}\"\n  the configured {configured} holds {} rounds, enough for {} of {} benchmarks\n",
            advice.suggested, advice.rounds_within_budget, advice.decidable_within_budget, advice.benchmarks
        )),
        None => out.push_str("  no KPI has a relative budget: the time budget does not matter for decisions\n"),
    }
    out
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
