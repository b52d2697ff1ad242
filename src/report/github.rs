//! GitHub Actions annotations: one workflow command per KPI that needs a look,
//! pointing at the KPI's line in the budget file — `::error` for a failure
//! that fails the check, `::warning` for warn-level or overridden failures,
//! inconclusive KPIs and missing baselines. Values are escaped as the
//! workflow-command format requires.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::{deciding_comparison, Render};
use crate::config::Level;
use crate::verdict::{KpiOutcome, Report, Verdict};

pub struct GithubAnnotations {
    /// The repository checkout (`GITHUB_WORKSPACE`): file paths are made relative to it.
    pub workspace: Option<PathBuf>,
}

impl Render for GithubAnnotations {
    fn render(&self, report: &Report) -> String {
        let mut out = String::new();
        for warning in &report.warnings {
            let _ = writeln!(out, "::warning title={}::{}", escape_property("perfgate"), escape_data(warning));
        }
        for kpi in report.kpis.iter().filter(|kpi| kpi.level != Level::Off) {
            let Some((command, outcome)) = severity(kpi) else { continue };
            let title = format!("perfgate: {} {outcome}", kpi.name);
            let _ = writeln!(
                out,
                "::{command} file={},line={},title={}::{}",
                escape_property(&self.relative_path(&kpi.config)),
                kpi.line,
                escape_property(&title),
                escape_data(&message(kpi, report.override_label.as_deref()))
            );
        }
        out
    }
}

impl GithubAnnotations {
    /// The budget file's path relative to the workspace when it lies inside, else as given.
    fn relative_path(&self, config: &str) -> String {
        let given = Path::new(config);
        let inside = self.workspace.as_deref().and_then(|workspace| {
            let absolute = std::env::current_dir().ok()?.join(given);
            let absolute = absolute.canonicalize().unwrap_or(absolute);
            let workspace = workspace.canonicalize().unwrap_or_else(|_| workspace.to_path_buf());
            let relative = absolute.strip_prefix(&workspace).ok()?;
            Some(relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
        });
        inside.unwrap_or_else(|| config.to_string())
    }
}

/// The workflow command and the word for a KPI, or `None` when it needs no annotation.
fn severity(kpi: &KpiOutcome) -> Option<(&'static str, &'static str)> {
    match kpi.verdict {
        Verdict::Fail if kpi.level == Level::Error && !kpi.overridden => Some(("error", "failed")),
        Verdict::Fail => Some(("warning", "failed")),
        Verdict::Inconclusive => Some(("warning", "inconclusive")),
        Verdict::NoBaseline => Some(("warning", "has no baseline")),
        Verdict::Pass | Verdict::Improved => None,
    }
}

fn message(kpi: &KpiOutcome, override_label: Option<&str>) -> String {
    let mut text = match deciding_comparison(kpi) {
        Some(comparison) => {
            let mut text = format!("{}: {}", comparison.bench, comparison.reason);
            if let Some(settle) = comparison.settle.as_ref().filter(|_| comparison.verdict == Verdict::Inconclusive) {
                let _ = write!(text, " ({settle})");
            }
            let others = kpi.comparisons.iter().filter(|c| c.verdict == kpi.verdict).count().saturating_sub(1);
            if others > 0 {
                let _ = write!(text, "; {others} more {} in this KPI", kpi.verdict.name());
            }
            text
        }
        None => format!("{} (budget {})", kpi.verdict.name(), kpi.budget.text),
    };
    match (kpi.overridden, kpi.level) {
        (true, _) => {
            let label = override_label.unwrap_or("the override label");
            let _ = write!(text, "\nReported as a warning because the pull request has the label {label}.");
        }
        (false, Level::Warn) if kpi.verdict == Verdict::Fail => {
            text.push_str("\nlevel = \"warn\": reported, not failing.")
        }
        _ => {}
    }
    text
}

/// Escape the message of a workflow command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`) of a workflow command.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape_data("100% of\r\nit: a, b"), "100%25 of%0D%0Ait: a, b");
        assert_eq!(escape_property("p99: 1s, 2%\n"), "p99%3A 1s%2C 2%25%0A");
    }

    #[test]
    fn paths_inside_the_workspace_become_relative() {
        let workspace = tempfile::tempdir().unwrap();
        std::fs::create_dir(workspace.path().join("bench")).unwrap();
        let config = workspace.path().join("bench/perf-budget.toml");
        std::fs::write(&config, "").unwrap();
        let annotations = GithubAnnotations { workspace: Some(workspace.path().to_path_buf()) };
        assert_eq!(annotations.relative_path(config.to_str().unwrap()), "bench/perf-budget.toml");
        let elsewhere = tempfile::tempdir().unwrap();
        let outside = elsewhere.path().join("perf-budget.toml");
        assert_eq!(annotations.relative_path(outside.to_str().unwrap()), outside.to_str().unwrap());
        let no_workspace = GithubAnnotations { workspace: None };
        assert_eq!(no_workspace.relative_path("examples/perf-budget.toml"), "examples/perf-budget.toml");
    }
}
