//! The cells every table shows for a comparison (series, baseline, head, change,
//! interval, status), formatted once for the text and markdown renderers.

use crate::model::units::{format_change, format_change_interval, format_value};
use crate::verdict::{Against, Comparison, Verdict};

/// Formatted cells of one comparison.
pub struct Cells {
    /// The series, and `(vs anchor)` for a comparison with the `[baseline] anchor`.
    pub bench: String,
    pub base: String,
    pub head: String,
    pub change: String,
    /// The change's interval, or the head statistic's interval for absolute-only budgets.
    pub interval: String,
    pub status: &'static str,
}

impl Cells {
    pub fn of(comparison: &Comparison) -> Cells {
        let unit = &comparison.unit;
        let interval = match (comparison.ci, comparison.head_ci) {
            // Too few rounds for any interval: the log-ratio interval is unbounded on both sides.
            (Some([lo, hi]), _) if lo <= -1.0 && !hi.is_finite() => "unbounded".into(),
            (Some(ci), _) => format_change_interval(ci),
            (None, Some([lo, hi])) if lo != hi => format!("[{}, {}]", format_value(lo, unit), format_value(hi, unit)),
            _ => String::new(),
        };
        Cells {
            bench: label(comparison),
            base: comparison.base.map(|v| format_value(v, unit)).unwrap_or_else(|| "—".into()),
            head: match (comparison.head, comparison.head_ci) {
                (Some(value), _) => format_value(value, unit),
                (None, Some([lo, _])) => format!("> {}", format_value(lo, unit)),
                (None, None) => "—".into(),
            },
            change: comparison.change.map(format_change).unwrap_or_else(|| "—".into()),
            interval,
            status: comparison.verdict.name(),
        }
    }
}

/// The series a comparison judges, and `(vs anchor)` when it is against the `[baseline] anchor`.
pub fn label(comparison: &Comparison) -> String {
    match comparison.against {
        Against::Base => comparison.bench.clone(),
        Against::Anchor => format!("{} (vs anchor)", comparison.bench),
    }
}

/// A commit's first ten hex digits.
pub fn short(commit: &str) -> &str {
    &commit[..commit.len().min(10)]
}

/// Keep table cells intact: pipes and newlines would break the row.
pub fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A short symbol for a verdict.
pub fn symbol(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Fail => "✗",
        Verdict::Inconclusive => "?",
        Verdict::NoBaseline => "∅",
        Verdict::Pass => "✓",
        Verdict::Improved => "↑",
    }
}

/// An emoji for a verdict, for markdown.
pub fn emoji(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Fail => "❌",
        Verdict::Inconclusive => "⚠️",
        Verdict::NoBaseline => "➖",
        Verdict::Pass => "✅",
        Verdict::Improved => "🚀",
    }
}
