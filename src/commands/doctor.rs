//! `perfgate doctor`: check the setup before the first check does — the budget
//! file, every suite's input or command, the git state a baseline needs, and
//! in GitHub Actions the event, the token and whether a comment can be posted —
//! and say how to fix each problem. Exit code 0 when nothing is wrong, 2 when
//! something is; warnings alone do not fail.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use super::{locate_config, read_config, Outcome};
use crate::cli::GlobalArgs;
use crate::config::{BaselineSource, Config, Suite};
use crate::github::env::ActionsEnv;
use crate::github::event::read_pull_request;
use crate::input::{Format, InputOptions};
use crate::runner::checkout;
use crate::runner::collect::{head_tree, used_suites};
use crate::runner::counting;
use crate::runner::harness::Harness;
use crate::runner::probe::probe_round_options;
use crate::runner::suite::RunSettings;

/// One finding: what was checked, how it stands, and the fix when it is not fine.
struct Finding {
    status: Status,
    what: String,
    fix: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Fine,
    Warning,
    Problem,
}

impl Finding {
    fn fine(what: impl Into<String>) -> Finding {
        Finding { status: Status::Fine, what: what.into(), fix: None }
    }

    fn warning(what: impl Into<String>, fix: impl Into<String>) -> Finding {
        Finding { status: Status::Warning, what: what.into(), fix: Some(fix.into()) }
    }

    fn problem(what: impl Into<String>, fix: impl Into<String>) -> Finding {
        Finding { status: Status::Problem, what: what.into(), fix: Some(fix.into()) }
    }
}

pub fn run(global: &GlobalArgs) -> Result<Outcome> {
    let mut findings = Vec::new();
    if let Some(config) = budget_file(global, &mut findings) {
        findings.extend(used_suites(&config).map(|suite| suite_input(&config, suite)));
        findings.extend(used_suites(&config).filter(|suite| suite.counts()).map(counting_tools));
        findings.extend(
            used_suites(&config)
                .filter(|suite| !suite.counts())
                .filter_map(|suite| round_options_reach(&config, suite, global.quiet)),
        );
        if matches!(config.baseline.source, BaselineSource::Rerun | BaselineSource::Notes) {
            git_state(&config, &mut findings);
        }
    }
    let actions = ActionsEnv::from_process();
    if actions.in_actions {
        github(&actions, &mut findings);
    }
    if !global.quiet {
        print!("{}", render(&findings));
    }
    let problems = findings.iter().filter(|f| f.status == Status::Problem).count();
    if problems > 0 {
        bail!("perfgate doctor found {problems} problem{}", if problems == 1 { "" } else { "s" });
    }
    Ok(Outcome::Done)
}

fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for finding in findings {
        let mark = match finding.status {
            Status::Fine => "✓",
            Status::Warning => "!",
            Status::Problem => "✗",
        };
        out.push_str(&format!("{mark} {}\n", finding.what));
        if let Some(fix) = &finding.fix {
            out.push_str(&format!("    fix: {fix}\n"));
        }
    }
    out
}

/// The budget file, found and valid.
fn budget_file(global: &GlobalArgs, findings: &mut Vec<Finding>) -> Option<Config> {
    let path = match locate_config(global) {
        Ok(path) => path,
        Err(error) => {
            findings.push(Finding::problem(
                format!("budget file: {}", first_line(&error.to_string())),
                "run `perfgate init` to write a starter perf-budget.toml, or pass --config PATH",
            ));
            return None;
        }
    };
    match read_config(&path) {
        Ok(config) => {
            findings.push(Finding::fine(format!(
                "budget file {}: {} suite(s), {} KPI(s)",
                path.display(),
                config.suites.len(),
                config.kpis.len()
            )));
            Some(config)
        }
        Err(error) => {
            findings.push(Finding::problem(
                format!("budget file {} is not valid: {}", path.display(), first_line(&error.to_string())),
                error
                    .to_string()
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("hint: "))
                    .unwrap_or("correct it as the message says")
                    .to_string(),
            ));
            None
        }
    }
}

/// A suite with a command needs its program on the PATH; one without needs its input.
fn suite_input(config: &Config, suite: &Suite) -> Finding {
    let name = &suite.name;
    let tree = head_tree(config);
    if let Some(command) = &suite.command {
        let program = if suite.shell {
            Some("sh".to_string())
        } else {
            shell_words::split(command).ok().and_then(|words| words.into_iter().next())
        };
        return match program {
            Some(program) if is_runnable(&program, &tree.workdir(suite)) => {
                Finding::fine(format!("suite {name:?}: `{program}` is on the PATH"))
            }
            Some(program) => Finding::problem(
                format!("suite {name:?}: its command's program `{program}` is not on the PATH"),
                format!("install `{program}` (or put it on the PATH), or fix the suite's `command`"),
            ),
            None => Finding::problem(
                format!("suite {name:?}: its command cannot be split into words"),
                "quote it as a shell would, or set `shell = true`",
            ),
        };
    }
    match tree.input(suite) {
        Some(path) if path.exists() => check_input_reads(suite, &path),
        Some(path) => Finding::problem(
            format!("suite {name:?}: its input {} does not exist", path.display()),
            "run the tool that writes it first, or fix the suite's `input` (relative to the budget file's folder)",
        ),
        None => Finding::problem(
            format!("suite {name:?} has neither a `command` nor an `input`"),
            "set `input` to where its results are, or `command` to what produces them",
        ),
    }
}

/// A suite that counts instructions needs Valgrind and `setarch` on this machine.
fn counting_tools(suite: &Suite) -> Finding {
    match counting::missing_tools() {
        None => Finding::fine(format!("suite {:?}: Valgrind is installed to count its instructions", suite.name)),
        Some(missing) => {
            Finding::problem(format!("suite {:?} counts instructions, but {}", suite.name, missing.what), missing.fix)
        }
    }
}

/// Whether a criterion suite's benchmarks take the short-round options: one benchmark of each
/// group runs briefly (after the listing, which builds them), and groups that measure far longer
/// than asked are named.
fn round_options_reach(config: &Config, suite: &Suite, quiet: bool) -> Option<Finding> {
    let harness = Harness::of(suite)?;
    if !quiet {
        eprintln!("perfgate doctor: probing suite {:?}: one benchmark of each group, briefly", suite.name);
    }
    let probed = match probe_round_options(suite, &head_tree(config), &RunSettings::default(), harness) {
        Ok(probed) => probed?,
        Err(error) => {
            return Some(Finding::warning(
                format!(
                    "suite {:?}: its benchmarks could not be probed: {}",
                    suite.name,
                    first_line(&format!("{error:#}"))
                ),
                "run the suite's command by hand and fix what it says; a check would stop at the same place",
            ))
        }
    };
    if probed.ignoring.is_empty() {
        return Some(Finding::fine(format!(
            "suite {:?}: the round options reach its benchmarks (one of each of {} groups probed)",
            suite.name, probed.groups
        )));
    }
    let groups: Vec<String> = probed
        .ignoring
        .iter()
        .map(|g| {
            format!(
                "{} ({} benchmarks: measured {:.1} s where {:.2} s was asked)",
                g.group, g.benchmarks, g.measured, g.asked
            )
        })
        .collect();
    let count: usize = probed.ignoring.iter().map(|g| g.benchmarks).sum();
    Some(Finding::warning(
        format!(
            "suite {:?}: {} benchmark group{} ({count} benchmarks) set their own times in code and ignore the round options: {}",
            suite.name,
            groups.len(),
            if groups.len() == 1 { "" } else { "s" },
            groups.join(", ")
        ),
        "remove `measurement_time` and `warm_up_time` from these groups in the bench sources (criterion lets a \
         group's own times win over the command line), or make them depend on an environment variable of your \
         own; otherwise each round of them takes that long, a check runs them in chunks, and fewer rounds fit the \
         time budget",
    ))
}

/// An existing input of a suite without a command: it reads in the suite's format.
fn check_input_reads(suite: &Suite, path: &Path) -> Finding {
    let loaded = Format::of_suite(suite).map_err(|e| e.to_string()).and_then(|format| {
        crate::input::load(format, path, &InputOptions::for_suite(suite)).map_err(|e| e.to_string())
    });
    match loaded {
        Ok(benchmarks) => {
            Finding::fine(format!("suite {:?}: {} reads ({} series)", suite.name, path.display(), benchmarks.len()))
        }
        Err(error) => Finding::problem(
            format!("suite {:?}: {} does not read: {}", suite.name, path.display(), first_line(&error)),
            "set the suite's `format` to what the tool wrote, or write the results again",
        ),
    }
}

/// A program name, or a path to one, that can be run from `workdir`.
fn is_runnable(program: &str, workdir: &Path) -> bool {
    if program.contains('/') {
        return workdir.join(program).is_file() || Path::new(program).is_file();
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<PathBuf>>())
        .unwrap_or_default()
        .iter()
        .any(|folder| folder.join(program).is_file())
}

/// The repository, a full history, a baseline ref with a merge-base, and notes when they are the source.
fn git_state(config: &Config, findings: &mut Vec<Finding>) {
    let folder = config.folder();
    let repo = match checkout::open_repository(folder) {
        Ok(repo) => repo,
        Err(error) => {
            findings.push(Finding::problem(
                format!("git: {}", error.0),
                "run perfgate inside the project's clone, or use [baseline] source = \"file\" or \"none\"",
            ));
            return;
        }
    };
    if repo.is_shallow() {
        findings.push(Finding::problem(
            "git: the clone is shallow, so the merge-base of a change may be missing",
            "fetch the history: `fetch-depth: 0` in actions/checkout, or `git fetch --unshallow origin`",
        ));
    } else {
        findings.push(Finding::fine("git: the clone has its full history"));
    }
    let location = match crate::baseline::rerun::locate(config) {
        Ok(location) => location,
        Err(error) => {
            findings.push(Finding::problem(
                format!("git: no baseline commit: {}", first_line(&error.to_string())),
                "set [baseline] ref to the branch changes merge into (e.g. origin/main), and fetch it",
            ));
            return;
        }
    };
    let short = &location.base.to_string()[..10];
    match location.warnings.first() {
        Some(warning) => findings.push(Finding::warning(format!("git: {}", first_sentence(warning)), rest_of(warning))),
        None => findings.push(Finding::fine(format!(
            "git: baseline commit {short}, the merge-base of HEAD and {}",
            location.git_ref
        ))),
    }
    if config.baseline.source == BaselineSource::Notes {
        match crate::baseline::notes::read(&location.repo, location.base) {
            Ok(Some(_)) => findings.push(Finding::fine(format!("git notes: results are recorded for {short}"))),
            _ => findings.push(Finding::problem(
                format!("git notes: no results recorded for the baseline commit {short}"),
                format!(
                    "fetch them with `git fetch origin {0}:{0}`, or record them on that commit with `perfgate record` (a workflow on the main branch does)",
                    crate::baseline::notes::NOTES_REF
                ),
            )),
        }
    }
}

/// In GitHub Actions: a pull-request event, a token, and a pull request the token can comment on.
fn github(actions: &ActionsEnv, findings: &mut Vec<Finding>) {
    let event = std::env::var("GITHUB_EVENT_NAME").unwrap_or_default();
    let pull_request_event = matches!(event.as_str(), "pull_request" | "pull_request_target");
    if pull_request_event {
        findings.push(Finding::fine(format!("GitHub: event {event}")));
    } else {
        findings.push(Finding::warning(
            format!("GitHub: event {:?} is not a pull request: there is no PR to comment on", event),
            "run `perfgate check` on `pull_request`, and `perfgate record` on pushes to the main branch",
        ));
    }
    let token_env = crate::github::token::DEFAULT_TOKEN_ENV;
    if crate::github::token::Token::from_env(token_env).is_some() {
        findings.push(Finding::fine(format!("GitHub: a token in ${token_env}")));
    } else {
        findings.push(Finding::problem(
            format!("GitHub: no token in ${token_env}: the comment cannot be posted"),
            format!("pass `env: {token_env}: ${{{{ secrets.GITHUB_TOKEN }}}}` to the step, with `permissions: pull-requests: write`"),
        ));
    }
    let pull_request = actions.event_path.as_deref().and_then(|path| read_pull_request(path).ok().flatten());
    if let Some(fork) = pull_request.map(|pr| pr.from_fork) {
        if fork && event == "pull_request" {
            findings.push(Finding::problem(
                "GitHub: the pull request comes from a fork: its token is read-only, a comment cannot be posted",
                "keep `perfgate check` here and post from a second workflow on `workflow_run` with `perfgate comment` (README: Pull requests from forks)",
            ));
        } else {
            findings.push(Finding::fine("GitHub: the pull request comes from this repository"));
        }
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

/// `"A. B. C"` → `"A."`; the rest is the fix.
fn first_sentence(text: &str) -> String {
    text.split_once(". ").map_or(text, |(first, _)| first).to_string()
}

fn rest_of(text: &str) -> String {
    text.split_once(". ").map_or("", |(_, rest)| rest).to_string()
}
