//! Command-line interface: clap derive definitions; the doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{BaselineSource, Quantity};
use crate::github::token::DEFAULT_TOKEN_ENV;
use crate::github::{CommentMode, Repository};
use crate::input::Format;
use crate::report::OutputFormat;
use crate::runner::shard::Shard;

const EXIT_CODES: &str = "\
Exit codes:
  0  every KPI within budget (warnings allowed)
  1  at least one KPI at level \"error\" failed
  2  usage, configuration, input or environment error (nothing judged)";

/// perfgate — a performance-regression gate.
///
/// Compares benchmark and load-test results with KPI budgets declared in
/// perf-budget.toml, with honest statistics: a KPI fails only when its whole
/// confidence interval is beyond the budget, passes only when it is wholly
/// within, and is "inconclusive" (a warning, with what would settle it)
/// otherwise.
#[derive(Debug, Parser)]
#[command(name = "perfgate", version, after_long_help = EXIT_CODES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Budget file [default: perf-budget.toml, searched upward to the git root]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Report format
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Write the report (or results) to this file instead of stdout; the text
    /// report still goes to stdout unless --quiet
    #[arg(long, global = true, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Print nothing but errors
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Explain what is read and how it is judged (on stderr)
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Color the text report
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Judge every KPI of perf-budget.toml: run the suites (or read their
    /// results), obtain the baseline — by default the merge-base re-run with
    /// the working tree in short interleaved rounds within a time budget, each
    /// round running only what is still undecided — print the report, exit
    /// with the verdict.
    #[command(after_long_help = "\
Examples:
  perfgate check                          # in a git repository: merge-base vs working tree, in rounds
  perfgate check --time-budget 30min      # more time for rounds when results are inconclusive
  perfgate check --shard 2/3 --format json --output shard-2.json   # one job of a CI matrix
  perfgate check --config examples/perf-budget.toml
  perfgate check --baseline base-results.json --format markdown --output report.md
  perfgate check --format json --output report.json   # text still printed to stdout

In GitHub Actions (GITHUB_ACTIONS=true) it also writes the job summary, the step
outputs (verdict, report, summary) and annotations on the budget file, and with
--comment it keeps one sticky comment on the pull request up to date.

Exit codes: 0 pass (warnings allowed), 1 a KPI at level \"error\" failed, 2 error.
Commenting never changes the exit code: a comment that cannot be posted is a warning.")]
    Check(CheckArgs),
    /// Compare two existing result sets, with the budget file's KPIs or a
    /// default relative budget when there is no budget file.
    #[command(after_long_help = "\
Examples:
  perfgate compare --base before.json --head after.json            # hyperfine exports
  perfgate compare --base target/criterion-main --head target/criterion --max-regression 3%
  perfgate compare --suite api --base base.csv --head head.csv --config perf-budget.toml

Exit codes: 0 pass (warnings allowed), 1 a KPI failed, 2 error.")]
    Compare(CompareArgs),
    /// Where does the time go: latency data broken down by tags, ranked by
    /// total time, with each group's share; against --base, each group's p99
    /// change with its interval.
    #[command(after_long_help = "\
Examples:
  perfgate explain examples/api/head.csv
  perfgate explain --by route,method --base examples/api/base.csv examples/api/head.csv
  perfgate explain --format json requests.ndjson

Exit codes: 0 done, 2 error.")]
    Explain(ExplainArgs),
    /// Collect every suite's results into one normalized results file (JSON),
    /// e.g. to store a baseline or to merge CI shards.
    #[command(after_long_help = "\
Examples:
  perfgate run --output results.json
  perfgate check --baseline results.json   # later, on another commit")]
    Run,
    /// Store results as the baseline of the current commit, in git notes
    /// (refs/notes/perfgate): the suites are run (or read) now, or taken from
    /// a results file. Recording merges with what is stored by suite name.
    #[command(after_long_help = "\
Examples:
  perfgate record                          # run the suites on a clean HEAD and store their results
  perfgate run --output results.json && perfgate record --results results.json
  git push origin refs/notes/perfgate      # share them (fetch with: git fetch origin refs/notes/perfgate:refs/notes/perfgate)")]
    Record(RecordArgs),
    /// Inspect, merge and prune the baselines stored in git notes.
    #[command(
        subcommand,
        after_long_help = "\
Examples:
  perfgate baseline list
  perfgate baseline show main --format json
  git fetch origin +refs/notes/perfgate:refs/notes/perfgate-origin && perfgate baseline merge refs/notes/perfgate-origin
  perfgate baseline prune --keep 500 --dry-run
  perfgate baseline prune --older-than 26w && git push origin refs/notes/perfgate"
    )]
    Baseline(BaselineCommand),
    /// Run the suites several times on the same code (A/A) and report, per
    /// benchmark, the round-to-round noise and the smallest regression the
    /// configured rounds can detect, with the rounds or budgets that would make
    /// each KPI decidable.
    #[command(after_long_help = "\
Examples:
  perfgate calibrate                 # as many rounds as [baseline] rounds
  perfgate calibrate --rounds 20 --format json")]
    Calibrate(CalibrateArgs),
    /// Render a saved JSON report as text, markdown or JSON; merge the reports
    /// of a check's shards into one.
    #[command(after_long_help = "\
Examples:
  perfgate report report.json --format markdown
  perfgate report report.json              # text
  perfgate report shard-1.json shard-2.json shard-3.json --format json --output report.json

Merging recomputes the false-discovery step over every shard's comparisons, so the
merged report decides as one unsharded check would. Reports made with different
budget files (settings, KPIs) or commits are not merged (exit code 2).")]
    Report(ReportArgs),
    /// Trends of the results recorded in git notes along the first-parent
    /// chain ending at REV (main's own commits), one series per benchmark and
    /// KPI statistic (each benchmark's median without a budget file), with the
    /// change points found in each: the commits after which the level moved
    /// for good, with the size of the move and its interval.
    #[command(after_long_help = "\
Examples:
  perfgate history                         # HEAD's first-parent chain, every recorded series
  perfgate history origin/main --last 100 --bench 'parse/*'
  perfgate history --format json --output history.json
  perfgate history --format html --output history.html

Results are recorded with `perfgate record` (e.g. on every push to main) and
shared with `git push origin refs/notes/perfgate`.

Exit codes: 0 done, 2 error (no results recorded, an unknown revision).")]
    History(HistoryArgs),
    /// Post or update the sticky pull-request comment from a saved JSON report
    /// (e.g. in a `workflow_run` workflow, for pull requests from forks).
    #[command(after_long_help = "\
Examples:
  perfgate comment --report report.json --pr 42
  perfgate comment --report report.json --pr 42 --repo acme/shop --comment on-change

The token is read from $GITHUB_TOKEN (or the variable named by --token-env) and
is never printed. Only a marked comment written by the token's own account is
updated (github-actions[bot] for the Actions GITHUB_TOKEN). The API is
$GITHUB_API_URL (default https://api.github.com; GitHub Enterprise:
https://HOST/api/v3).

Exit codes: 0 commented (or nothing to do), 2 the comment could not be posted or the report is invalid.")]
    Comment(CommentArgs),
    /// Look at the project in the working directory (cargo benches with
    /// criterion, libtest or gungraun; go and pytest benchmarks; k6 scripts;
    /// result files of every supported format) and write a commented starter
    /// perf-budget.toml with one suite per harness and one KPI each. Never
    /// overwrites a file (exit code 2); --output writes elsewhere. With
    /// --input, one suite that reads that results file or folder instead.
    #[command(after_long_help = "\
Examples:
  perfgate init                           # writes ./perf-budget.toml
  perfgate init --output ci/perf-budget.toml
  perfgate init --input results/k6.ndjson # a budget for results you already have
  perfgate init --ci github               # and .github/workflows/perf.yml")]
    Init(InitArgs),
    /// Check the setup and say how to fix each problem: the budget file, every
    /// suite's input or command, the git state a baseline needs (merge-base,
    /// shallow clones, git notes), and in GitHub Actions the event, the token and
    /// whether the pull request comes from a fork. Exit code 0 when nothing is
    /// wrong (warnings allowed), 2 when something is.
    #[command(after_long_help = "\
Examples:
  perfgate doctor
  perfgate doctor --config ci/perf-budget.toml")]
    Doctor,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Write one suite reading this results file or folder (its format detected) instead of looking at the project
    #[arg(long, value_name = "PATH")]
    pub input: Option<PathBuf>,
    /// Also write the CI workflow that runs the check on pull requests (never over an existing one)
    #[arg(long, value_enum, value_name = "CI")]
    pub ci: Option<CiKind>,
}

/// CI systems `perfgate init --ci` writes a workflow for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiKind {
    /// `.github/workflows/perf.yml`: check and sticky comment on pull requests.
    Github,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Use this results file as the baseline (normalized results JSON, or the
    /// suite's own format when there is one suite); overrides [baseline]
    #[arg(long, value_name = "PATH", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,
    /// Judge without a baseline: absolute budgets only, relative ones report no-baseline
    #[arg(long)]
    pub no_baseline: bool,
    /// Where the baseline comes from; overrides [baseline] source
    #[arg(long, value_enum, value_name = "SOURCE", conflicts_with_all = ["baseline", "no_baseline"])]
    pub baseline_source: Option<BaselineSource>,
    /// The most interleaved base/head rounds (source = "rerun"); overrides [baseline] rounds
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: Option<u32>,
    /// Judge shard I of N: a stable subset of the benchmarks, for a CI matrix
    /// (merge the shards' JSON reports with `perfgate report R1.json R2.json ...`)
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Wall time of measuring, builds apart (e.g. 10min); overrides [baseline] time-budget
    #[arg(long, value_name = "DURATION", env = "PERFGATE_TIME_BUDGET", value_parser = parse_time_budget)]
    pub time_budget: Option<Quantity>,
    /// When to comment on the pull request
    #[arg(long, value_enum, value_name = "MODE", env = "PERFGATE_COMMENT", default_value_t = CommentMode::Never)]
    pub comment: CommentMode,
    #[command(flatten)]
    pub github: GithubArgs,
}

/// A duration of at least a second, as `[baseline] time-budget` takes it.
fn parse_time_budget(text: &str) -> Result<Quantity, String> {
    match Quantity::parse(text)? {
        Quantity::Duration(ns) if ns >= 1e9 => Ok(Quantity::Duration(ns)),
        other => Err(format!("expected a duration of at least 1 s such as \"10min\", found {other}")),
    }
}

/// Which pull request to talk to, and with which token.
#[derive(Debug, Args)]
pub struct GithubArgs {
    /// Repository of the pull request [default: $GITHUB_REPOSITORY]
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<Repository>,
    /// Pull request number [default: the pull request of the event at $GITHUB_EVENT_PATH]
    #[arg(long, value_name = "N")]
    pub pr: Option<u64>,
    /// Environment variable that holds the GitHub token
    #[arg(long, value_name = "NAME", default_value = DEFAULT_TOKEN_ENV)]
    pub token_env: String,
}

#[derive(Debug, Args)]
pub struct CommentArgs {
    /// A JSON report written by `perfgate check --format json --output PATH`
    #[arg(long, value_name = "PATH")]
    pub report: PathBuf,
    /// When to comment (see `perfgate check --help`)
    #[arg(long, value_enum, value_name = "MODE", env = "PERFGATE_COMMENT", default_value_t = CommentMode::Always)]
    pub comment: CommentMode,
    /// Link to the workflow run that judged the report [default: this run]
    #[arg(long, value_name = "URL")]
    pub run_url: Option<String>,
    #[command(flatten)]
    pub github: GithubArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Baseline inputs (any supported format, or normalized results JSON)
    #[arg(long, num_args = 1.., required = true, value_name = "PATH")]
    pub base: Vec<PathBuf>,
    /// Head inputs
    #[arg(long, num_args = 1.., required = true, value_name = "PATH")]
    pub head: Vec<PathBuf>,
    /// Which suite of the budget file the inputs belong to (when it has several)
    #[arg(long, value_name = "NAME")]
    pub suite: Option<String>,
    /// Input format [default: the suite's format, else auto-detected]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<Format>,
    /// Without a budget file: the relative budget every benchmark is held to
    #[arg(long, default_value = "5%", value_name = "PERCENT")]
    pub max_regression: String,
    /// Without a budget file: the statistic compared
    #[arg(long, default_value = "median", value_name = "STATISTIC")]
    pub statistic: String,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Latency inputs (request logs, load-test exports; gzip allowed)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Tags to group by, comma-separated
    #[arg(long, default_value = "route", value_delimiter = ',', value_name = "TAG,...")]
    pub by: Vec<String>,
    /// Baseline input (repeat for several): adds each group's p99 change with its interval
    #[arg(long, value_name = "PATH")]
    pub base: Vec<PathBuf>,
    /// Metric of the latency series [default: `latency`, or `duration` for traces]
    #[arg(long, value_name = "METRIC")]
    pub metric: Option<String>,
    /// Input format [default: auto-detected]
    #[arg(long, value_enum, default_value_t = Format::AUTO, value_name = "FORMAT")]
    pub input_format: Format,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A JSON report written by `perfgate check --format json`; several: the
    /// reports of every shard of one check (`--shard I/N`), merged into one
    #[arg(required = true, num_args = 1.., value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Store this normalized results file (from `perfgate run`) instead of running the suites
    #[arg(long, value_name = "PATH")]
    pub results: Option<PathBuf>,
    /// Record even though the working tree has uncommitted changes (the results then do not match the commit)
    #[arg(long)]
    pub allow_dirty: bool,
    /// The commit to record for [default: HEAD]
    #[arg(long, value_name = "REV")]
    pub commit: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// List commits with stored results, newest first.
    List,
    /// Show the results stored for a commit [default: HEAD] (--format json prints them as stored).
    Show {
        /// A commit, branch or tag
        rev: Option<String>,
    },
    /// Merge another notes ref (e.g. a fetched refs/notes/perfgate-origin) into
    /// refs/notes/perfgate: per commit and per suite, so no job's record is lost.
    Merge {
        /// The notes ref or commit to merge
        #[arg(value_name = "REF")]
        from: String,
    },
    /// Remove the notes of old commits (by commit time) in one new notes commit;
    /// notes of commits this clone does not have are kept.
    #[command(group(clap::ArgGroup::new("retention").required(true).args(["keep", "older_than"])))]
    Prune {
        /// Keep the notes of the newest N recorded commits
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        keep: Option<u64>,
        /// Remove the notes of commits older than this: a whole number of hours, days or weeks (`48h`, `90d`, `12w`)
        #[arg(long, value_name = "AGE", value_parser = parse_age)]
        older_than: Option<Age>,
        /// Only list what would be removed
        #[arg(long)]
        dry_run: bool,
    },
}

/// An age in whole seconds, as `--older-than` takes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Age {
    pub seconds: i64,
}

/// `48h`, `90d` or `12w`.
fn parse_age(text: &str) -> Result<Age, String> {
    let units: [(&str, i64); 3] = [("h", 3600), ("d", 86_400), ("w", 7 * 86_400)];
    let expected = || format!("expected a whole number of hours, days or weeks, like 48h, 90d or 12w; got {text:?}");
    let (number, seconds) =
        units.iter().find_map(|(unit, seconds)| text.strip_suffix(unit).map(|n| (n, *seconds))).ok_or_else(expected)?;
    let count: i64 = number.trim().parse().map_err(|_| expected())?;
    if count <= 0 {
        return Err(format!("the age must be positive; got {text:?}"));
    }
    count.checked_mul(seconds).map(|seconds| Age { seconds }).ok_or_else(|| format!("{text:?} is too long ago"))
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The revision whose first-parent chain is read
    #[arg(default_value = "HEAD", value_name = "REV")]
    pub rev: String,
    /// Only the newest N recorded commits
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
    /// Only series whose benchmark matches this glob
    #[arg(long, value_name = "GLOB")]
    pub bench: Option<String>,
    /// Only the series of the KPI of this name (its statistic)
    #[arg(long, value_name = "NAME")]
    pub kpi: Option<String>,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// A/A rounds to run [default: [baseline] rounds]
    #[arg(long, value_name = "N")]
    pub rounds: Option<u32>,
    /// Write the calibration file ([gate] calibration, else perf-calibration.json beside the
    /// budget file): checks then take each benchmark's run-to-run noise from it where they
    /// cannot measure it themselves (one run per side, a benchmark judged on few rounds)
    #[arg(long)]
    pub record: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// clap's own consistency checks of every command, argument and default.
    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
