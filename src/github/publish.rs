//! What a check (or `perfgate comment`) tells GitHub: annotations, outputs and
//! the job summary when running in Actions, and the sticky PR comment.
//!
//! Every failure here is a warning on stderr: the gate's verdict never depends
//! on whether GitHub could be told about it.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use super::client::GithubClient;
use super::comment::{comment_body, explain_comment_failure, upsert_sticky_comment, CommentAction, CommentMode};
use super::context::{self, PullRequest, Repository};
use super::env::ActionsEnv;
use super::token::Token;
use super::workflow;
use crate::report::github::{escape_data, GithubAnnotations};
use crate::report::markdown::Markdown;
use crate::report::{headline, json::Json, Render};
use crate::verdict::Report;

/// What the command line says about GitHub.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    pub comment: CommentMode,
    /// `--repo`, else `GITHUB_REPOSITORY`.
    pub repository: Option<Repository>,
    /// `--pr`, else the event's pull request.
    pub pr: Option<u64>,
    /// Name of the environment variable holding the token.
    pub token_env: String,
    /// Link to the run that judged the report (default: this workflow run).
    pub run_url: Option<String>,
    pub verbose: bool,
}

/// A run's view of GitHub: the environment, the pull request, and a client made on first use.
pub struct GithubSession {
    env: ActionsEnv,
    options: PublishOptions,
    pull_request: Option<PullRequest>,
    client: OnceCell<Result<GithubClient, String>>,
}

impl GithubSession {
    /// Read the Actions environment and find the pull request; problems become warnings.
    pub fn detect(options: PublishOptions) -> GithubSession {
        let env = ActionsEnv::from_process();
        let mut session = GithubSession { env, options, pull_request: None, client: OnceCell::new() };
        match context::resolve(session.options.repository.as_ref(), session.options.pr, &session.env) {
            Ok(pull_request) => session.pull_request = pull_request,
            Err(error) => session.warn(&format!("{error}; no pull request to label-check or comment on")),
        }
        if let (true, Some(pr)) = (session.options.verbose, &session.pull_request) {
            eprintln!("perfgate: pull request {}#{} (GitHub API {})", pr.repository, pr.number, session.env.api_url());
        }
        session
    }

    pub fn pull_request(&self) -> Option<&PullRequest> {
        self.pull_request.as_ref()
    }

    /// Whether the pull request carries `label`: from the event when it lists the labels, else from the API.
    pub fn pull_request_has_label(&self, label: &str) -> bool {
        let Some(pr) = &self.pull_request else { return false };
        let labels = match &pr.event_labels {
            Some(labels) => labels.clone(),
            None => match self.client().and_then(|client| {
                client
                    .labels(&pr.repository, pr.number)
                    .map_err(|e| format!("cannot read the pull request's labels: {e}"))
            }) {
                Ok(labels) => labels,
                Err(error) => {
                    self.warn(&format!("{error}; the override label {label:?} is not applied"));
                    return false;
                }
            },
        };
        labels.iter().any(|name| name == label)
    }

    /// After a check: annotations, outputs and job summary in Actions, then the PR comment.
    /// `json_report` is where the check already wrote its JSON report, if it did.
    pub fn publish_check(&self, report: &Report, json_report: Option<&Path>) {
        if self.env.in_actions {
            eprint!("{}", GithubAnnotations { workspace: self.env.workspace.clone() }.render(report));
            self.write_workflow_files(report, json_report);
        }
        self.comment(report);
    }

    /// Post or update the sticky comment as the comment mode says; problems are warnings.
    pub fn comment(&self, report: &Report) {
        if let Err(message) = self.try_comment(report) {
            self.warn(&message);
        }
    }

    /// Post or update the sticky comment as the comment mode says.
    pub fn try_comment(&self, report: &Report) -> Result<CommentAction, String> {
        let Some(pr) = &self.pull_request else {
            if self.options.comment != CommentMode::Never && self.options.verbose {
                eprintln!("perfgate: not a pull request: no comment");
            }
            return Ok(CommentAction::Skipped("not a pull request"));
        };
        if self.options.comment == CommentMode::Never {
            return Ok(CommentAction::Skipped("--comment never"));
        }
        let client = self.client()?;
        let body = comment_body(report, self.run_url());
        let action = upsert_sticky_comment(client, pr, &body, self.options.comment, report)
            .map_err(|error| explain_comment_failure(&error))?;
        if self.options.verbose {
            eprintln!("perfgate: PR comment: {action:?}");
        }
        Ok(action)
    }

    fn run_url(&self) -> Option<String> {
        self.options.run_url.clone().or_else(|| self.env.run_url())
    }

    fn client(&self) -> Result<&GithubClient, String> {
        let client = self.client.get_or_init(|| {
            let name = &self.options.token_env;
            let token = Token::from_env(name).ok_or_else(|| {
                format!("no GitHub token in ${name}: set it (in Actions: `env: GITHUB_TOKEN: ${{{{ github.token }}}}`), or name another variable with --token-env")
            })?;
            GithubClient::new(&self.env.api_url(), token).map_err(|e| e.to_string())
        });
        client.as_ref().map_err(Clone::clone)
    }

    fn write_workflow_files(&self, report: &Report, json_report: Option<&Path>) {
        let report_path = match json_report {
            Some(path) => Some(path.to_path_buf()),
            None => {
                self.save_json_report(report).map_err(|e| self.warn(&format!("cannot save the JSON report: {e}"))).ok()
            }
        };
        if let Some(path) = &self.env.output {
            let verdict = serde_json::to_value(report.verdict).ok().and_then(|v| v.as_str().map(str::to_string));
            let report_path = report_path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
            let summary = headline(report);
            let outputs = [
                ("verdict", verdict.as_deref().unwrap_or("")),
                ("report", report_path.as_str()),
                ("summary", &summary),
            ];
            if let Err(error) = workflow::write_outputs(path, &outputs) {
                self.warn(&format!("cannot write the step outputs to {}: {error}", path.display()));
            }
        }
        if let Some(path) = &self.env.step_summary {
            let markdown = Markdown { run_url: None, ..Markdown::default() }.render(report);
            if let Err(error) = workflow::append_step_summary(path, &markdown) {
                self.warn(&format!("cannot write the job summary to {}: {error}", path.display()));
            }
        }
    }

    /// Write the JSON report to a file of its own in `RUNNER_TEMP` (else the system's temporary folder).
    fn save_json_report(&self, report: &Report) -> std::io::Result<PathBuf> {
        let folder = self.env.runner_temp.clone().unwrap_or_else(std::env::temp_dir);
        let mut file = tempfile::Builder::new().prefix("perfgate-report-").suffix(".json").tempfile_in(folder)?;
        std::io::Write::write_all(&mut file, Json.render(report).as_bytes())?;
        let (_, path) = file.keep().map_err(|e| e.error)?;
        Ok(path)
    }

    /// A warning on stderr; in Actions also an annotation, so it shows on the run's page.
    fn warn(&self, message: &str) {
        eprintln!("perfgate: warning: {message}");
        if self.env.in_actions {
            let first_line = message.lines().next().unwrap_or_default();
            eprintln!("::warning title=perfgate::{}", escape_data(first_line));
        }
    }
}
