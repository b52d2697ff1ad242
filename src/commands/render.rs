//! `perfgate report`: render a saved JSON report again, or merge shard reports into one.

use anyhow::{bail, Context, Result};

use super::{emit_report, Outcome};
use crate::cli::{GlobalArgs, ReportArgs};
use crate::verdict::shards::merge;
use crate::verdict::{Report, REPORT_SCHEMA};

pub fn run(args: &ReportArgs, global: &GlobalArgs) -> Result<Outcome> {
    let report = match args.reports.as_slice() {
        [one] => read_report(one)?,
        several => {
            let reports = several.iter().map(|path| read_report(path)).collect::<Result<Vec<_>>>()?;
            let paths: Vec<&std::path::Path> = several.iter().map(|p| p.as_path()).collect();
            merge(reports, &paths)?
        }
    };
    emit_report(&report, global)?;
    // Re-rendering judges nothing new: the exit code is the saved verdict's.
    Ok(Outcome::Judged(report.verdict))
}

/// Read a JSON report, checking its schema.
pub fn read_report(path: &std::path::Path) -> Result<Report> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| crate::input::InputError::json(path, &e))?;
    match value.get("schema").and_then(|s| s.as_u64()) {
        Some(schema) if schema == u64::from(REPORT_SCHEMA) => {}
        Some(schema) => {
            bail!("{}: report schema {schema} is not supported (this perfgate reads {REPORT_SCHEMA})", path.display())
        }
        None => bail!("{}: not a perfgate report (no \"schema\" field)", path.display()),
    }
    serde_json::from_value(value).map_err(|e| anyhow::anyhow!("{}: not a valid perfgate report: {e}", path.display()))
}
