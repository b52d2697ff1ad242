//! Progress of base/head rounds on stderr: a bar with round, side, suite,
//! elapsed time and ETA on a terminal; log groups in GitHub Actions; nothing
//! otherwise.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

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

    /// A run starts: round `round` of `rounds`, on `side`, of `suite`.
    pub fn start(&mut self, round: u32, rounds: u32, side: &str, suite: &str) {
        let message = format!("round {round}/{rounds} · {side} · {suite}");
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
