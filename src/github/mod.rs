//! Everything GitHub: the Actions environment and event, workflow files
//! (`$GITHUB_OUTPUT`, `$GITHUB_STEP_SUMMARY`), the API client and the sticky
//! PR comment, and [`publish`], which does all of it after a check.
//!
//! Nothing here decides a verdict: what GitHub says (or fails to say) is
//! reported as a warning and never changes the exit code. The one input that
//! flows back is the PR's labels, which the caller uses for the override label.

mod client;
pub mod comment;
pub mod context;
pub mod env;
pub mod event;
mod publish;
pub mod token;
pub mod workflow;

pub use client::{ApiError, GithubClient};
pub use comment::{CommentAction, CommentMode};
pub use context::{PullRequest, Repository};
pub use env::ActionsEnv;
pub use publish::{GithubSession, PublishOptions};
pub use token::Token;
