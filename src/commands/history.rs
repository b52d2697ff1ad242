//! `perfgate history [REV]`: trends and change points of the results recorded
//! along main.

use anyhow::{anyhow, Result};

use super::{locate_config, read_config, write_atomically, Outcome};
use crate::baseline::history::{read_history, HistoryOptions};
use crate::cli::{GlobalArgs, HistoryArgs};
use crate::report::history::{render_json, render_markdown, render_text};
use crate::report::html::history_page;
use crate::report::OutputFormat;
use crate::runner::checkout;

pub fn run(args: &HistoryArgs, global: &GlobalArgs) -> Result<Outcome> {
    // The budget file is optional here: without one, each benchmark's median.
    let config = match (&global.config, locate_config(global)) {
        (Some(_), located) => Some(read_config(&located?)?),
        (None, Ok(path)) => Some(read_config(&path)?),
        (None, Err(_)) => None,
    };
    let folder = config.as_ref().map_or(std::path::Path::new("."), |c| c.folder());
    let repo = checkout::open_repository(folder)?;
    let tip = checkout::resolve_commit(&repo, &args.rev)?;
    if let (Some(name), Some(config)) = (&args.kpi, &config) {
        if !config.kpis.iter().any(|k| &k.name == name) {
            let known: Vec<&str> = config.kpis.iter().map(|k| k.name.as_str()).collect();
            return Err(anyhow!(
                "--kpi {name:?}: no KPI of that name in {} (KPIs: {})",
                config.path.display(),
                known.join(", ")
            ));
        }
    }
    let bench = match &args.bench {
        Some(glob) => Some(
            globset::Glob::new(glob).map_err(|e| anyhow!("--bench {glob:?} is not a glob: {e}"))?.compile_matcher(),
        ),
        None => None,
    };
    let options = HistoryOptions {
        config: config.as_ref(),
        kpi: args.kpi.as_deref(),
        bench,
        last: args.last,
        seed: config.as_ref().map_or(crate::config::Gate::default().seed, |c| c.gate.seed),
        without_change_points: false,
    };
    let history = read_history(&repo, tip, &args.rev, &options)?;
    let rendered = match global.format {
        OutputFormat::Text => render_text(&history),
        OutputFormat::Markdown => render_markdown(&history),
        OutputFormat::Json => render_json(&history),
        OutputFormat::Html => history_page(&history),
    };
    match &global.output {
        Some(path) => {
            write_atomically(path, &rendered)?;
            if !global.quiet && global.format != OutputFormat::Text {
                print!("{}", render_text(&history));
            }
        }
        None if !global.quiet => print!("{rendered}"),
        None => {}
    }
    Ok(Outcome::Done)
}
