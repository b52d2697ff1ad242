//! The sticky PR comment: one comment carrying the marker, written by the
//! token's own account, found across every page of the PR's comments and
//! updated in place, created only when the comment mode asks for it.
//!
//! A comment by anyone else is never edited, even when it carries the marker
//! (a reviewer quoting the report, or pasting a local `--format markdown` run).

use super::client::{ApiError, GithubClient};
use super::context::PullRequest;
use crate::config::Level;
use crate::report::markdown::{Markdown, MARKER};
use crate::report::Render;
use crate::verdict::{Report, Verdict};

/// The account the Actions `GITHUB_TOKEN` comments as. It is an installation
/// token, which has no user: GitHub answers its `GET /user` with 403.
pub const ACTIONS_BOT_LOGIN: &str = "github-actions[bot]";

/// When to comment on the pull request (`--comment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CommentMode {
    /// Create or update the comment on every run.
    Always,
    /// Update the comment when there is one; create it only when a KPI is not a plain pass.
    OnChange,
    /// Update the comment when there is one; create it only when a KPI failed.
    OnFailure,
    /// Never comment.
    Never,
}

impl CommentMode {
    /// Whether a report deserves a new comment. An existing comment is always
    /// updated (except with `never`), so it never shows stale numbers.
    pub fn creates_for(self, report: &Report) -> bool {
        let counted = || report.kpis.iter().filter(|kpi| kpi.level != Level::Off);
        match self {
            CommentMode::Always => true,
            CommentMode::OnChange => counted().any(|kpi| kpi.verdict != Verdict::Pass),
            CommentMode::OnFailure => counted().any(|kpi| kpi.verdict == Verdict::Fail),
            CommentMode::Never => false,
        }
    }
}

/// What happened to the sticky comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentAction {
    Created(u64),
    Updated(u64),
    /// The comment already says exactly this.
    Unchanged(u64),
    /// Nothing to do; why.
    Skipped(&'static str),
}

/// The comment's text: the markdown report with a link to the workflow run.
pub fn comment_body(report: &Report, run_url: Option<String>) -> String {
    Markdown { run_url, ..Markdown::default() }.render(report)
}

/// Create or update the one perfgate comment of a pull request, as `mode` says.
pub fn upsert_sticky_comment(
    client: &GithubClient,
    pull_request: &PullRequest,
    body: &str,
    mode: CommentMode,
    report: &Report,
) -> Result<CommentAction, ApiError> {
    if mode == CommentMode::Never {
        return Ok(CommentAction::Skipped("--comment never"));
    }
    let repository = &pull_request.repository;
    let author = commenter_login(client)?;
    match client.find_comment(repository, pull_request.number, MARKER, &author)? {
        Some(existing) if existing.body.as_deref() == Some(body) => Ok(CommentAction::Unchanged(existing.id)),
        Some(existing) => Ok(CommentAction::Updated(client.update_comment(repository, existing.id, body)?.id)),
        None if mode.creates_for(report) => {
            Ok(CommentAction::Created(client.create_comment(repository, pull_request.number, body)?.id))
        }
        None => Ok(CommentAction::Skipped(match mode {
            CommentMode::OnFailure => "no KPI failed and there is no earlier comment to update",
            _ => "every KPI passed and there is no earlier comment to update",
        })),
    }
}

/// The account the token comments as: its user (a personal access token), or
/// `github-actions[bot]` when GitHub refuses to name one (403, or 404) — the
/// Actions `GITHUB_TOKEN`. Any other failure is the comment's failure.
pub fn commenter_login(client: &GithubClient) -> Result<String, ApiError> {
    match client.token_login() {
        Err(error) if matches!(error.status(), Some(403 | 404)) => Ok(ACTIONS_BOT_LOGIN.to_string()),
        answer => answer,
    }
}

/// A comment that could not be posted, explained: what to do about it.
pub fn explain_comment_failure(error: &ApiError) -> String {
    match error.status() {
        Some(403) => format!(
            "cannot comment on the pull request: {error}.\n  \
             The token is read-only, as GitHub makes it for pull requests from forks (or the workflow lacks \
             `permissions: pull-requests: write`).\n  \
             For forks use the two-workflow pattern: the `pull_request` workflow runs `perfgate check` and uploads \
             the JSON report as an artifact; a `workflow_run` workflow downloads it and runs \
             `perfgate comment --report report.json --pr N` with a writable token \
             (see examples/workflows/ and the README's \"GitHub Actions\" section).\n  \
             The gate's verdict is unchanged."
        ),
        Some(401) => format!(
            "cannot comment on the pull request: {error}.\n  The token was refused: check the variable named by \
             --token-env (default GITHUB_TOKEN). The gate's verdict is unchanged."
        ),
        _ => format!("cannot comment on the pull request: {error}.\n  The gate's verdict is unchanged."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::outcome::{BaselineInfo, Budget, GitInfo, KpiOutcome, Settings};
    use crate::verdict::CheckVerdict;

    fn report(verdicts: &[(Verdict, Level)]) -> Report {
        let kpi = |(verdict, level): &(Verdict, Level)| KpiOutcome {
            name: "k".into(),
            suite: "s".into(),
            verdict: *verdict,
            level: *level,
            primary: false,
            statistic: "min".into(),
            direction: crate::model::Direction::LowerIsBetter,
            budget: Budget::default(),
            line: 1,
            config: "perf-budget.toml".into(),
            overridden: false,
            comparisons: vec![],
            run_noise: None,
            rounds: None,
            seconds: None,
            footing: None,
            counted: None,
        };
        Report {
            schema: 1,
            verdict: CheckVerdict::Pass,
            git: GitInfo::default(),
            baseline: BaselineInfo { source: crate::config::BaselineSource::None, description: String::new() },
            settings: Settings { confidence: 0.95, fdr: 0.05, seed: 1, run_noise: 0.02 },
            kpis: verdicts.iter().map(kpi).collect(),
            notes: vec![],
            warnings: vec![],
            override_label: None,
            measuring: None,
            shard: None,
            context: Default::default(),
        }
    }

    #[test]
    fn on_change_creates_unless_every_counted_kpi_is_a_plain_pass() {
        use Level::*;
        let all_pass = report(&[(Verdict::Pass, Error), (Verdict::Fail, Off)]);
        assert!(!CommentMode::OnChange.creates_for(&all_pass));
        assert!(CommentMode::Always.creates_for(&all_pass));
        for news in [Verdict::Improved, Verdict::Inconclusive, Verdict::NoBaseline, Verdict::Fail] {
            assert!(CommentMode::OnChange.creates_for(&report(&[(Verdict::Pass, Error), (news, Warn)])), "{news:?}");
        }
    }

    #[test]
    fn on_failure_creates_only_for_a_failed_kpi_and_never_never_does() {
        use Level::*;
        assert!(!CommentMode::OnFailure.creates_for(&report(&[(Verdict::Inconclusive, Error)])));
        assert!(CommentMode::OnFailure.creates_for(&report(&[(Verdict::Fail, Warn)])));
        assert!(!CommentMode::Never.creates_for(&report(&[(Verdict::Fail, Error)])));
    }

    #[test]
    fn a_403_is_explained_with_the_two_workflow_pattern() {
        let error = ApiError::Status { status: 403, message: "Resource not accessible by integration".into() };
        let text = explain_comment_failure(&error);
        assert!(text.contains("403: Resource not accessible by integration"), "{text}");
        assert!(text.contains("workflow_run") && text.contains("perfgate comment --report"), "{text}");
        assert!(text.contains("verdict is unchanged"), "{text}");
    }
}
