//! A small synchronous client for the few REST endpoints perfgate uses, on top
//! of octocrab. The tokio runtime lives here, so only code that talks to GitHub
//! is asynchronous.
//!
//! octocrab's errors are never passed on as they are: they become an
//! [`ApiError`] with the HTTP status and GitHub's message, scrubbed of the token.

use std::cell::OnceCell;
use std::time::Duration;

use octocrab::{Octocrab, Page};
use serde::Deserialize;

use super::context::Repository;
use super::token::Token;

/// GitHub's largest page.
const PER_PAGE: u8 = 100;
/// Stop paginating here (10 000 items), whatever the server says.
const MAX_PAGES: usize = 100;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// An issue (or pull request) comment: what perfgate needs of it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IssueComment {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    /// Who wrote it (GitHub sends `null` for a deleted account).
    #[serde(default)]
    pub user: Option<Account>,
}

impl IssueComment {
    /// Whether `login` wrote this comment and its body contains `marker`.
    fn is_marked_by(&self, login: &str, marker: &str) -> bool {
        let written_by = self.user.as_ref().is_some_and(|user| user.login == login);
        written_by && self.body.as_deref().is_some_and(|body| body.contains(marker))
    }
}

/// A GitHub account (a user or a bot), as comments and `GET /user` name it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Account {
    pub login: String,
}

#[derive(Deserialize)]
struct Label {
    name: String,
}

/// Why a GitHub API call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("GitHub answered {status}: {message}")]
    Status { status: u16, message: String },
    #[error("cannot talk to the GitHub API at {api_url}: {detail}")]
    Transport { api_url: String, detail: String },
}

impl ApiError {
    /// The HTTP status GitHub answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            ApiError::Transport { .. } => None,
        }
    }
}

/// The GitHub REST API, authenticated with a token.
pub struct GithubClient {
    runtime: tokio::runtime::Runtime,
    octocrab: Octocrab,
    token: Token,
    api_url: String,
    /// `GET /user`'s answer, asked at most once.
    token_login: OnceCell<Result<String, ApiError>>,
}

impl GithubClient {
    /// A client for the API at `api_url` (`https://api.github.com`, or `https://HOST/api/v3`).
    pub fn new(api_url: &str, token: Token) -> Result<GithubClient, ApiError> {
        let setup_error = |detail: String| ApiError::Transport { api_url: api_url.to_string(), detail };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| setup_error(format!("cannot start the async runtime: {e}")))?;
        // octocrab spawns its request buffer on the current runtime, so it is built inside it.
        let octocrab = runtime.block_on(async {
            Octocrab::builder()
                .personal_token(token.expose().to_string())
                .base_uri(api_url)
                .map_err(|_| format!("{api_url:?} is not a URL"))?
                .set_connect_timeout(Some(CONNECT_TIMEOUT))
                .set_read_timeout(Some(READ_TIMEOUT))
                .build()
                .map_err(|e| token.redact(&e.to_string()))
        });
        let octocrab = octocrab.map_err(setup_error)?;
        Ok(GithubClient { runtime, octocrab, token, api_url: api_url.to_string(), token_login: OnceCell::new() })
    }

    /// The login of the token's user (`GET /user`), asked once per client; an
    /// installation token (the Actions `GITHUB_TOKEN`) has no user and gets a 403.
    pub fn token_login(&self) -> Result<String, ApiError> {
        self.token_login
            .get_or_init(|| self.call(self.octocrab.get::<Account, _, ()>("/user", None)).map(|user| user.login))
            .clone()
    }

    /// The first comment of an issue or pull request written by `author` whose body
    /// contains `marker`; every page is searched.
    pub fn find_comment(
        &self,
        repository: &Repository,
        number: u64,
        marker: &str,
        author: &str,
    ) -> Result<Option<IssueComment>, ApiError> {
        let route = format!("/repos/{}/{}/issues/{number}/comments", repository.owner, repository.name);
        let mut hit = None;
        self.visit_pages(&route, |comments: Vec<IssueComment>| {
            hit = comments.into_iter().find(|comment| comment.is_marked_by(author, marker));
            hit.is_none()
        })?;
        Ok(hit)
    }

    /// Post a new comment; returns it.
    pub fn create_comment(&self, repository: &Repository, number: u64, body: &str) -> Result<IssueComment, ApiError> {
        let route = format!("/repos/{}/{}/issues/{number}/comments", repository.owner, repository.name);
        let body = serde_json::json!({ "body": body });
        self.call(self.octocrab.post(route, Some(&body)))
    }

    /// Replace the body of an existing comment; returns it.
    pub fn update_comment(&self, repository: &Repository, id: u64, body: &str) -> Result<IssueComment, ApiError> {
        let route = format!("/repos/{}/{}/issues/comments/{id}", repository.owner, repository.name);
        let body = serde_json::json!({ "body": body });
        self.call(self.octocrab.patch(route, Some(&body)))
    }

    /// Names of the labels of an issue or pull request.
    pub fn labels(&self, repository: &Repository, number: u64) -> Result<Vec<String>, ApiError> {
        let route = format!("/repos/{}/{}/issues/{number}/labels", repository.owner, repository.name);
        let mut names = Vec::new();
        self.visit_pages(&route, |labels: Vec<Label>| {
            names.extend(labels.into_iter().map(|label| label.name));
            true
        })?;
        Ok(names)
    }

    /// Hand the items of a list to `visit` page by page (following `Link: rel="next"`)
    /// while it returns `true` and there are more pages.
    fn visit_pages<T: serde::de::DeserializeOwned>(
        &self,
        route: &str,
        mut visit: impl FnMut(Vec<T>) -> bool,
    ) -> Result<(), ApiError> {
        let parameters = [("per_page", PER_PAGE)];
        let mut page: Page<T> = self.call(self.octocrab.get(route, Some(&parameters)))?;
        for _ in 0..MAX_PAGES {
            let next = page.next.take();
            if !visit(page.take_items()) {
                return Ok(());
            }
            match self.call(self.octocrab.get_page::<T>(&next))? {
                Some(following) => page = following,
                None => return Ok(()),
            }
        }
        Ok(())
    }

    fn call<T>(&self, request: impl std::future::Future<Output = octocrab::Result<T>>) -> Result<T, ApiError> {
        self.runtime.block_on(request).map_err(|error| self.api_error(error))
    }

    fn api_error(&self, error: octocrab::Error) -> ApiError {
        match error {
            octocrab::Error::GitHub { source, .. } => {
                ApiError::Status { status: source.status_code.as_u16(), message: self.token.redact(&source.message) }
            }
            other => {
                ApiError::Transport { api_url: self.api_url.clone(), detail: self.token.redact(&other.to_string()) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(json: serde_json::Value) -> IssueComment {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_comment_is_marked_by_its_author_only_when_it_carries_the_marker() {
        let ours = comment(serde_json::json!({"id": 1, "body": "<!-- m -->\nreport", "user": {"login": "bot"}}));
        assert!(ours.is_marked_by("bot", "<!-- m -->"));
        assert!(!ours.is_marked_by("reviewer", "<!-- m -->"), "someone else's login");
        assert!(!ours.is_marked_by("bot", "<!-- other -->"), "no marker");
        let ghost = comment(serde_json::json!({"id": 2, "body": "<!-- m -->", "user": null}));
        assert!(!ghost.is_marked_by("bot", "<!-- m -->"), "a deleted account is nobody's");
        let bare = comment(serde_json::json!({"id": 3}));
        assert!(!bare.is_marked_by("bot", ""), "no body, no author");
    }
}
