//! Command-line interface: clap derive definitions; the doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::input::Format;
use crate::report::OutputFormat;

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
    /// Judge every KPI of perf-budget.toml: read the head results, obtain the
    /// baseline, print the report, exit with the verdict.
    #[command(after_long_help = "\
Examples:
  perfgate check
  perfgate check --config examples/perf-budget.toml
  perfgate check --baseline base-results.json --format markdown --output report.md
  perfgate check --format json --output report.json   # text still printed to stdout

Exit codes: 0 pass (warnings allowed), 1 a KPI at level \"error\" failed, 2 error.")]
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
    /// Collect every suite's results into one normalized results file (JSON),
    /// e.g. to store a baseline or to merge CI shards.
    #[command(after_long_help = "\
Examples:
  perfgate run --output results.json
  perfgate check --baseline results.json   # later, on another commit")]
    Run,
    /// Render a saved JSON report as text, markdown or JSON.
    #[command(after_long_help = "\
Examples:
  perfgate report report.json --format markdown
  perfgate report report.json              # text")]
    Report(ReportArgs),
    /// Look at the project in the working directory (cargo benches with
    /// criterion, libtest or gungraun; go and pytest benchmarks; k6 scripts;
    /// result files of every supported format) and write a commented starter
    /// perf-budget.toml with one suite per harness and one KPI each. Never
    /// overwrites a file (exit code 2); --output writes elsewhere.
    #[command(after_long_help = "\
Examples:
  perfgate init                           # writes ./perf-budget.toml
  perfgate init --output ci/perf-budget.toml")]
    Init,
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
pub struct ReportArgs {
    /// A JSON report written by `perfgate check --format json`
    pub report: PathBuf,
}
