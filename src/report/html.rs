//! One self-contained HTML page per report (`--format html`) or history: the
//! verdict, the tables the other renderers show, and inline SVG charts (both
//! sides' distributions per comparison, a series' history along main). No
//! scripts and no network requests: CSS and pictures are in the file.

use std::fmt::Write;

use super::{counted_note, headline, measures_summary, rounds_summary, Render};
use crate::model::history::History;
use crate::verdict::{Against, CheckVerdict, KpiOutcome, Report};

mod charts;
mod tables;

/// The HTML renderer; the report's trends (its context) are drawn beside the comparisons they
/// match (same suite, benchmark and statistic).
#[derive(Default)]
pub struct Html;

impl Render for Html {
    fn render(&self, report: &Report) -> String {
        let verdict = match report.verdict {
            CheckVerdict::Pass => "pass",
            CheckVerdict::Warn => "warn",
            CheckVerdict::Fail => "fail",
        };
        let headline = headline(report);
        let mut body = format!("<h1 class=\"{verdict}\">perfgate: {}</h1>\n", escape(&headline));
        if let Some(label) = &report.override_label {
            let _ = writeln!(
                body,
                "<p class=\"warning\"><b>Gate overridden:</b> failures are reported as warnings because this pull \
                 request has the label <code>{}</code>. Remove the label to re-enable the gate.</p>",
                escape(label)
            );
        }
        for warning in &report.warnings {
            let _ = writeln!(body, "<p class=\"warning\">{}</p>", escape(warning));
        }
        body.push_str(&tables::kpis(report));
        for note in &report.notes {
            let _ = writeln!(body, "<p class=\"note\">{}</p>", escape(note));
        }
        for kpi in &report.kpis {
            body.push_str(&kpi_section(report, kpi));
        }
        body.push_str(&footer(report));
        page(&format!("perfgate: {headline}"), &body)
    }
}

/// A KPI's comparisons table, and per comparison its distributions and trend on main.
fn kpi_section(report: &Report, kpi: &KpiOutcome) -> String {
    let counted = counted_note(kpi).map(|note| format!(" <small>{}</small>", escape(&note))).unwrap_or_default();
    let mut out = format!("<section>\n<h2>{}{counted}</h2>\n", escape(&kpi.name));
    out.push_str(&tables::comparisons(kpi));
    for comparison in &kpi.comparisons {
        let other = match comparison.against {
            Against::Base => "baseline",
            Against::Anchor => "anchor",
        };
        let name = super::cells::label(comparison);
        if let Some(distribution) = &comparison.distribution {
            let chart = charts::distributions(distribution, &comparison.unit, other);
            out.push_str(&figure(&format!("{name}: values on the {other} and on the head"), &chart));
        }
        if let Some(series) = report.context.trend_of(kpi, comparison) {
            let chart = charts::history(series, comparison.head);
            out.push_str(&figure(&format!("{name}: {} along main, then the head", kpi.statistic), &chart));
        }
    }
    out.push_str("</section>\n");
    out
}

/// The page of `perfgate history`: per series its points along main, change points marked, and their table.
pub fn history_page(history: &History) -> String {
    let mut body = String::from("<h1>perfgate history</h1>\n");
    let _ = writeln!(
        body,
        "<p>{} series; {} of the {} commits up to <code>{}</code> have a record.</p>",
        history.series.len(),
        history.recorded,
        history.commits,
        escape(&history.rev.chars().take(10).collect::<String>())
    );
    for series in &history.series {
        let _ = writeln!(
            body,
            "<section>\n<h2>{} · {} <small>{}</small></h2>",
            escape(&series.suite),
            escape(&series.bench),
            escape(&series.statistic)
        );
        let caption = format!("{} recorded points, oldest first", series.points.len());
        body.push_str(&figure(&caption, &charts::history(series, None)));
        body.push_str(&tables::change_points(series));
        body.push_str("</section>\n");
    }
    page("perfgate history", &body)
}

fn figure(caption: &str, svg: &str) -> String {
    if svg.is_empty() {
        return String::new();
    }
    format!("<figure>\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n", escape(caption))
}

fn footer(report: &Report) -> String {
    let mut parts = vec![format!("baseline: {} ({})", escape(&report.baseline.description), report.baseline.source)];
    if let (Some(base), Some(head)) = (&report.git.base_commit, &report.git.head_commit) {
        let dirty = if report.git.head_dirty { " + uncommitted changes" } else { "" };
        parts.push(format!("<code>{}</code> → <code>{}</code>{dirty}", base.short(), head.short()));
    }
    if let Some(rounds) = rounds_summary(report) {
        parts.push(escape(&rounds));
    }
    parts.extend(measures_summary(report).map(|measures| escape(&measures)));
    parts.push(format!("{:.0}% intervals · FDR {}", report.settings.confidence * 100.0, report.settings.fdr));
    format!("<footer>{}</footer>\n", parts.join(" · "))
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;\
color:#1f2328;background:#fff;margin:0}main{max-width:960px;margin:0 auto;padding:1.5rem}\
h1.pass{color:#1a7f37}h1.warn{color:#9a6700}h1.fail{color:#cf222e}h2 small{color:#59636e;font-weight:normal}\
table{border-collapse:collapse;margin:1rem 0;width:100%}th,td{border:1px solid #d1d9e0;padding:.3rem .5rem;\
text-align:left;vertical-align:top}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
tr.fail td.status{color:#cf222e;font-weight:bold}tr.improved td.status{color:#1a7f37}\
tr.inconclusive td.status{color:#9a6700}td.status{white-space:nowrap}.tag{background:#ddf4ff;border-radius:.6em;padding:0 .4em;\
font-size:.85em;white-space:nowrap}.warning{background:#fff8c5;border-left:4px solid #9a6700;padding:.5rem}\
.note{border-left:4px solid #d1d9e0;padding-left:.5rem;color:#59636e}figure{margin:1rem 0}\
figure svg{max-width:100%;height:auto}figcaption{color:#59636e;font-size:.9em}\
footer{color:#59636e;font-size:.85em;margin-top:2rem}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// Text as HTML: markup characters become entities.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[path = "html_tests.rs"]
mod tests;
