//! The HTML report's tables: one row per KPI (its deciding comparison), one
//! row per comparison of a KPI, and a series' change points. Cells are those
//! of the text and markdown reports ([`Cells`]), escaped for HTML.

use std::fmt::Write;

use super::escape;
use crate::model::history::Series;
use crate::model::units::{format_change, format_change_interval, format_value};
use crate::report::cells::{symbol, Cells};
use crate::report::{deciding_comparison, kpi_notes, kpi_rounds, level_note};
use crate::verdict::{Against, Comparison, KpiOutcome, Report};

/// One row per KPI: its deciding comparison against the budget.
pub fn kpis(report: &Report) -> String {
    let mut out = format!(
        "<table class=\"kpis\">\n<tr><th>KPI</th><th>baseline</th><th>head</th><th>Δ</th><th>{:.0}% interval</th>\
         <th>budget</th><th>status</th></tr>\n",
        report.settings.confidence * 100.0
    );
    for kpi in &report.kpis {
        let mut name = escape(&kpi.name);
        if kpi.primary {
            name = format!("<b>{name}</b> ★");
        }
        if let Some(note) = level_note(kpi) {
            let _ = write!(name, " <i>({note})</i>");
        }
        let numbers = match deciding_comparison(kpi) {
            Some(deciding) => {
                if kpi.comparisons.len() > 1 {
                    let _ = write!(name, "<br><code>{}</code> (of {})", escape(&deciding.bench), kpi.comparisons.len());
                }
                name.push_str(against_tag(deciding));
                number_cells(&Cells::of(deciding))
            }
            None => "<td></td>".repeat(4),
        };
        let _ = writeln!(
            out,
            "<tr class=\"{}\"><td>{name}</td>{numbers}<td>{}</td>{}</tr>",
            kpi.verdict.name(),
            escape(&kpi.budget.text),
            status(kpi.verdict)
        );
    }
    out.push_str("</table>\n");
    out
}

/// One row per comparison of `kpi`, with how it was estimated and why its verdict.
pub fn comparisons(kpi: &KpiOutcome) -> String {
    let rounds = kpi_rounds(kpi).map(|r| format!(" · {r}")).unwrap_or_default();
    let mut out =
        format!("<p>{}, budget {}{}</p>\n", escape(&kpi.statistic), escape(&kpi.budget.text), escape(&rounds));
    for note in kpi_notes(kpi) {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(&note));
    }
    out.push_str(
        "<table>\n<tr><th>bench</th><th>baseline</th><th>head</th><th>Δ</th><th>interval</th>\
         <th>status</th><th>method</th><th>why</th></tr>\n",
    );
    for comparison in &kpi.comparisons {
        let mut why = escape(&comparison.reason.to_string());
        if let Some(settle) = &comparison.settle {
            let _ = write!(why, "; {}", escape(settle));
        }
        let _ = writeln!(
            out,
            "<tr class=\"{}\"><td><code>{}</code>{}</td>{}{}<td>{}</td><td>{why}</td></tr>",
            comparison.verdict.name(),
            escape(&comparison.bench),
            against_tag(comparison),
            number_cells(&Cells::of(comparison)),
            status(comparison.verdict),
            escape(&comparison.method_words())
        );
    }
    out.push_str("</table>\n");
    out
}

/// A series' change points: where, the levels either side, and the change with its interval.
pub fn change_points(series: &Series) -> String {
    if series.change_points.is_empty() {
        return "<p>No lasting change of level.</p>\n".into();
    }
    let mut out = String::from(
        "<table>\n<tr><th>first commit after</th><th>before</th><th>after</th><th>change</th><th>interval</th>\
         <th>p-value</th></tr>\n",
    );
    for change in &series.change_points {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td>{}</td><td class=\"num\">{:.2e}</td></tr>",
            escape(&change.commit.chars().take(10).collect::<String>()),
            escape(&format_value(change.before, &series.unit)),
            escape(&format_value(change.after, &series.unit)),
            escape(&format_change(change.change)),
            escape(&format_change_interval(change.ci)),
            change.p_value
        );
    }
    out.push_str("</table>\n");
    out
}

/// The mark of a comparison judged against the `[baseline] anchor` rather than the baseline.
fn against_tag(comparison: &Comparison) -> &'static str {
    match comparison.against {
        Against::Base => "",
        Against::Anchor => " <span class=\"tag\">vs anchor</span>",
    }
}

fn number_cells(cells: &Cells) -> String {
    format!(
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td>",
        escape(&cells.base),
        escape(&cells.head),
        escape(&cells.change),
        escape(&cells.interval)
    )
}

fn status(verdict: crate::verdict::Verdict) -> String {
    format!("<td class=\"status\">{} {}</td>", symbol(verdict), verdict.name())
}
