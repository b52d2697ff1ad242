//! The pictures in a real browser: the Mermaid trend charts of PR comments
//! rendered by the mermaid package, and the HTML report's SVG charts drawn on
//! screen, both in Chromium (`tests/browser/`, run with node).
//!
//! They need node, Chromium (`/usr/bin/chromium`, or `$CHROMIUM`) and
//! `npm ci --prefix tests/browser`. Without them the tests say so on stderr and
//! pass, unless `PERFGATE_BROWSER_TESTS=required` (as in CI): then they fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use perfgate::model::history::{ChangePoint, History, Point, Series};
use perfgate::model::{Direction, Unit};
use perfgate::report::html::history_page;
use perfgate::report::mermaid::{trend_chart, TrendHead};
use perfgate::verdict::outcome::Budget;
use perfgate::verdict::{Comparison, Verdict};

#[path = "support/mod.rs"]
mod support;

use support::{fixture, outcome, perfgate, root};

/// The folder of the node scripts, when everything they need is installed; None (after saying why) to skip.
fn browser_tests() -> Option<PathBuf> {
    let scripts = root().join("tests/browser");
    let chromium = std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let missing =
        if !scripts.join("node_modules/mermaid").is_dir() || !scripts.join("node_modules/playwright-core").is_dir() {
            Some("tests/browser/node_modules (run `npm ci --prefix tests/browser`)".to_string())
        } else if !chromium.is_file() {
            Some(format!("Chromium at {} (install Debian's chromium, or set CHROMIUM)", chromium.display()))
        } else if Command::new("node").arg("--version").output().is_err() {
            Some("node".to_string())
        } else {
            None
        };
    match missing {
        None => Some(scripts),
        Some(what) if std::env::var("PERFGATE_BROWSER_TESTS").as_deref() == Ok("required") => {
            panic!("PERFGATE_BROWSER_TESTS=required, but {what} is missing")
        }
        Some(what) => {
            eprintln!(
                "skipping the browser tests: {what} is missing (PERFGATE_BROWSER_TESTS=required makes this fail)"
            );
            None
        }
    }
}

/// Runs `node SCRIPT ARGS...` and returns (success, stdout + stderr).
fn node(scripts: &Path, script: &str, args: &[&Path]) -> (bool, String) {
    let output = Command::new("node").arg(scripts.join(script)).args(args).output().expect("node runs");
    let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// Where the pictures are kept for people to look at: `target/tmp/browser/`.
fn kept(name: &str) -> PathBuf {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&folder).unwrap();
    folder.join(name)
}

/// Ten recorded medians around 1.2 ms with a step up of 12 % at the seventh; shas that start with digits
/// and a benchmark name with characters Mermaid and HTML must not see raw.
fn series() -> Series {
    let values = [1.20e6, 1.22e6, 1.19e6, 1.21e6, 1.20e6, 1.18e6, 1.34e6, 1.35e6, 1.33e6, 1.36e6];
    let points: Vec<Point> = values
        .iter()
        .enumerate()
        .map(|(i, value)| Point {
            commit: format!("{i}{}", "0a1b2c3d4e5f6a7b8c9d".repeat(2)),
            position: i,
            time: 1_700_000_000 + 3600 * i as i64,
            value: *value,
            n: 30,
            std_error: None,
        })
        .collect();
    let change = ChangePoint {
        commit: points[6].commit.clone(),
        index: 6,
        before: 1.20e6,
        after: 1.345e6,
        change: 0.121,
        ci: [0.10, 0.14],
        p_value: 0.001,
    };
    Series {
        suite: "micro".into(),
        bench: "parse/\"json\" <large> #1; `fast`".into(),
        statistic: "median".into(),
        unit: Unit::Ns,
        direction: Direction::LowerIsBetter,
        points,
        change_points: vec![change],
    }
}

/// The comparison of `series()`'s benchmark in the pull request: +4.7 % on a 3 % budget.
fn head_comparison() -> Comparison {
    let json = serde_json::json!({
        "bench": series().bench, "verdict": "fail", "unit": "ns", "base": 1.347e6, "head": 1.41e6,
        "change": 0.047, "ci": [0.035, 0.06], "p_value": 0.001, "q_value": 0.002, "n_base": 12, "n_head": 12,
        "method": "paired, 12 rounds", "reason": "interval [+3.5%, +6.0%] lies wholly beyond the +3% budget",
    });
    let comparison: Comparison = serde_json::from_value(json).unwrap();
    assert_eq!(comparison.verdict, Verdict::Fail);
    comparison
}

fn budget() -> Budget {
    Budget { max_regression: Some(0.03), text: "+3%".into(), ..Budget::default() }
}

#[test]
fn trend_charts_render_in_mermaid() {
    let Some(scripts) = browser_tests() else { return };
    let comment = kept("trends.md");
    let row = head_comparison();
    let head = TrendHead { comparison: &row, budget: &budget() };
    let charts = [trend_chart(&series(), 8, Some(head)), trend_chart(&series(), 20, None)];
    std::fs::write(&comment, format!("### perfgate\n\n{}\ntext between\n\n{}", charts[0], charts[1])).unwrap();
    let (success, output) = node(&scripts, "render-mermaid.mjs", &[&comment, &kept("trends.png")]);
    assert!(success, "{output}");
    assert!(output.contains("2 chart(s) rendered"), "{output}");
}

#[test]
fn the_pr_comment_made_against_notes_renders_its_trend_chart() {
    let Some(scripts) = browser_tests() else { return };
    let works = [1000, 1004, 998, 1002, 1001, 999, 1003, 1000, 1002, 1001];
    let repo = support::recorded::recorded_main_and_pr(&works, 1150);
    let comment = kept("comment.md");
    let (code, _, stderr) = outcome(
        perfgate()
            .args(["check", "--format", "markdown", "--quiet", "--output"])
            .arg(&comment)
            .current_dir(repo.path()),
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(std::fs::read_to_string(&comment).unwrap().contains("```mermaid"));
    let (success, output) = node(&scripts, "render-mermaid.mjs", &[&comment]);
    assert!(success, "{output}");
    assert!(output.contains("1 chart(s) rendered"), "{output}");
    // Twenty recorded points and the PR, at the width of a comment: labels apart, a screenshot to look at.
    let twenty = [
        1000, 1004, 998, 1002, 1001, 999, 1003, 1000, 1002, 1001, 997, 1000, 1003, 999, 1001, 1002, 998, 1000, 1004,
        1001,
    ];
    let repo = support::recorded::recorded_main_and_pr(&twenty, 1150);
    let comment = kept("comment-20.md");
    let (code, _, stderr) = outcome(
        perfgate()
            .args(["check", "--format", "markdown", "--quiet", "--output"])
            .arg(&comment)
            .current_dir(repo.path()),
    );
    assert_eq!(code, 1, "{stderr}");
    let (success, output) = node(&scripts, "render-mermaid.mjs", &[&comment, &kept("comment-20.png")]);
    assert!(success, "{output}");
    // The same check as one HTML page: the distributions and the trend drawn on screen.
    let page = kept("check.html");
    let (code, _, stderr) = outcome(
        perfgate().args(["check", "--format", "html", "--quiet", "--output"]).arg(&page).current_dir(repo.path()),
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(std::fs::read_to_string(&page).unwrap().contains("along main, then the head"));
    let (success, output) = node(&scripts, "screenshot.mjs", &[&page, &kept("check.png")]);
    assert!(success, "{output}");
}

#[test]
fn the_mermaid_check_fails_on_a_broken_chart() {
    let Some(scripts) = browser_tests() else { return };
    let dir = tempfile::tempdir().unwrap();
    let comment = dir.path().join("comment.md");
    std::fs::write(&comment, "```mermaid\nxychart-beta\n    x-axis [a, b\n```\n").unwrap();
    let (success, output) = node(&scripts, "render-mermaid.mjs", &[&comment]);
    assert!(!success, "a broken chart must fail the check: {output}");
    assert!(output.contains("Mermaid failed"), "{output}");
}

/// Twenty-one commit shas as x-axis labels, as the charts once had: printed over one another.
#[test]
fn the_mermaid_check_fails_on_overlapping_axis_labels() {
    let Some(scripts) = browser_tests() else { return };
    let dir = tempfile::tempdir().unwrap();
    let comment = dir.path().join("comment.md");
    let labels: Vec<String> = (0..21).map(|i| format!("\"{i:x}a1b2c3d\"")).collect();
    let values: Vec<String> = (0..21).map(|i| (100 + i % 3).to_string()).collect();
    let chart = format!(
        "```mermaid\nxychart-beta\n    x-axis [{}]\n    y-axis \"median\" 90 --> 110\n    line [{}]\n```\n",
        labels.join(", "),
        values.join(", ")
    );
    std::fs::write(&comment, chart).unwrap();
    let (success, output) = node(&scripts, "render-mermaid.mjs", &[&comment]);
    assert!(!success, "overlapping labels must fail the check: {output}");
    assert!(output.contains("x-axis labels overlap"), "{output}");
}

#[test]
fn the_html_report_draws_its_charts_on_screen() {
    let Some(scripts) = browser_tests() else { return };
    let page = kept("report.html");
    let (code, stdout, stderr) = outcome(
        perfgate()
            .args(["compare", "--max-regression", "5%", "--format", "html", "--output"])
            .arg(&page)
            .arg("--base")
            .arg(fixture("hyperfine/aa-base.json"))
            .arg("--head")
            .arg(fixture("hyperfine/slow-head.json")),
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    let png = kept("report.png");
    let (success, output) = node(&scripts, "screenshot.mjs", &[&page, &png]);
    assert!(success, "{output}");
    assert!(std::fs::metadata(&png).unwrap().len() > 10_000, "a full-page screenshot");
}

#[test]
fn the_history_page_draws_its_charts_on_screen() {
    let Some(scripts) = browser_tests() else { return };
    let history = History { schema: 1, rev: "f".repeat(40), commits: 14, recorded: 10, series: vec![series()] };
    let page = kept("history.html");
    std::fs::write(&page, history_page(&history)).unwrap();
    let (success, output) = node(&scripts, "screenshot.mjs", &[&page, &kept("history.png")]);
    assert!(success, "{output}");
}

#[test]
fn the_screenshot_check_fails_on_an_empty_chart() {
    let Some(scripts) = browser_tests() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("empty.html");
    std::fs::write(&page, "<!DOCTYPE html><html><body><svg width=\"400\" height=\"300\"></svg></body></html>").unwrap();
    let (success, output) = node(&scripts, "screenshot.mjs", &[&page, &dir.path().join("empty.png")]);
    assert!(!success, "an empty chart must fail the check: {output}");
    assert!(output.contains("nearly blank"), "{output}");
}
