//! Progress of base/head rounds on stderr: a bar with round, side, suite,
//! elapsed time, ETA and what is left of the time budget on a terminal; log
//! groups in GitHub Actions; nothing otherwise.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::model::units::human_duration as human;

/// Where progress goes.
pub enum Progress {
    Bar(ProgressBar),
    GithubGroups { total: u64, done: u64 },
    Hidden,
}

impl Progress {
    /// A progress display for `runs` command runs, chosen from the environment.
    pub fn new(runs: u64, quiet: bool) -> Progress {
        if quiet {
            Progress::Hidden
        } else if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
            Progress::GithubGroups { total: runs, done: 0 }
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(runs);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} runs, ETA {eta} · {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            Progress::Bar(bar)
        } else {
            Progress::Hidden
        }
    }

    /// The rounds that fit the budget are known: they take about `runs` runs.
    pub fn set_runs(&mut self, runs: u64) {
        match self {
            Progress::Bar(bar) => bar.set_length(runs.max(bar.position())),
            Progress::GithubGroups { total, .. } => *total = runs,
            Progress::Hidden => {}
        }
    }

    /// A run starts: round `round` of `rounds`, on `side`, of `suite`, with `budget_left` of the time budget.
    pub fn start(&mut self, round: u32, rounds: u32, side: &str, suite: &str, budget_left: Option<Duration>) {
        let left = budget_left
            .filter(|left| left.as_secs() < 100 * 3600)
            .map(|left| format!(" · {} of the time budget left", human(left)));
        let message = format!("round {round}/{rounds} · {side} · {suite}{}", left.unwrap_or_default());
        match self {
            Progress::Bar(bar) => bar.set_message(message),
            Progress::GithubGroups { total, done } => {
                eprintln!("::group::perfgate {message} (run {} of {total})", *done + 1);
            }
            Progress::Hidden => {}
        }
    }

    /// The run that started last is done.
    pub fn finish_one(&mut self) {
        match self {
            Progress::Bar(bar) => bar.inc(1),
            Progress::GithubGroups { done, .. } => {
                *done += 1;
                eprintln!("::endgroup::");
            }
            Progress::Hidden => {}
        }
    }

    /// All runs are done (or abandoned): clear the bar.
    pub fn finish(&mut self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
