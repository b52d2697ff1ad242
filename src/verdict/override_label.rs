//! The kill switch: a PR label (`[gate] override-label`) that turns failures into warnings.

use super::rollup::check_verdict;
use super::{Report, Verdict};

/// Mark every failed KPI as overridden by `label` and recompute the check's verdict:
/// the failures stay visible, but none fails the check.
pub fn apply_override_label(report: &mut Report, label: &str) {
    for kpi in report.kpis.iter_mut().filter(|kpi| kpi.verdict == Verdict::Fail) {
        kpi.overridden = true;
    }
    report.verdict = check_verdict(&report.kpis);
    report.override_label = Some(label.to_string());
}
