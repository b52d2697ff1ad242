//! `perfgate comment --report PATH`: post or update the sticky PR comment from a
//! saved report, e.g. in a trusted `workflow_run` workflow for pull requests from forks.
//!
//! The report may come from an untrusted run: it is only parsed (strictly, with
//! its schema checked) and rendered as the comment's text.

use anyhow::{bail, Result};

use super::github_options;
use super::render::read_report;
use super::Outcome;
use crate::cli::{CommentArgs, GlobalArgs};
use crate::github::{CommentAction, GithubSession};

pub fn run(args: &CommentArgs, global: &GlobalArgs) -> Result<Outcome> {
    let report = read_report(&args.report)?;
    if let Some(url) = args.run_url.as_deref().filter(|url| !is_web_url(url)) {
        bail!("--run-url must be an http(s) URL, found {url:?}");
    }
    let session = GithubSession::detect(github_options(&args.github, args.comment, args.run_url.clone(), global));
    if session.pull_request().is_none() {
        bail!("no pull request to comment on: pass --pr N (and --repo OWNER/NAME outside GitHub Actions)");
    }
    match session.try_comment(&report) {
        Ok(action) => {
            if !global.quiet {
                eprintln!("perfgate: {}", describe(&action));
            }
            // Commenting judges nothing: the saved verdict is the pull_request run's business.
            Ok(Outcome::Done)
        }
        Err(message) => bail!(message),
    }
}

fn is_web_url(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

fn describe(action: &CommentAction) -> String {
    match action {
        CommentAction::Created(id) => format!("created comment {id}"),
        CommentAction::Updated(id) => format!("updated comment {id}"),
        CommentAction::Unchanged(id) => format!("comment {id} is up to date"),
        CommentAction::Skipped(why) => format!("no comment: {why}"),
    }
}
