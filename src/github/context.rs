//! Which pull request a run is about: flags first, then the Actions environment and event.

use std::fmt;
use std::str::FromStr;

use super::env::ActionsEnv;
use super::event::{read_pull_request, EventError};

/// A repository, `owner/name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    pub owner: String,
    pub name: String,
}

impl FromStr for Repository {
    type Err = String;

    /// Parses `owner/name`; only the characters GitHub allows, so the value is safe in an API path.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let valid = |part: &str| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        match text.split_once('/') {
            Some((owner, name)) if valid(owner) && valid(name) => {
                Ok(Repository { owner: owner.to_string(), name: name.to_string() })
            }
            _ => Err(format!("expected OWNER/NAME (letters, digits, '-', '_', '.'), found {text:?}")),
        }
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// The pull request to comment on.
#[derive(Debug, Clone, PartialEq)]
pub struct PullRequest {
    pub repository: Repository,
    pub number: u64,
    /// Its labels as the triggering event listed them; `None` when the event is not about this PR.
    pub event_labels: Option<Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error(transparent)]
    Event(#[from] EventError),
    #[error("GITHUB_REPOSITORY {0}")]
    BadRepository(String),
    #[error("pull request #{0}: which repository? pass --repo OWNER/NAME or set GITHUB_REPOSITORY")]
    NoRepository(u64),
}

/// The pull request named by `--pr`/`--repo`, else by the event and `GITHUB_REPOSITORY`;
/// `None` when the run is not about a pull request (a push to main, a local run).
pub fn resolve(
    repository: Option<&Repository>,
    number: Option<u64>,
    env: &ActionsEnv,
) -> Result<Option<PullRequest>, ContextError> {
    let event = match &env.event_path {
        Some(path) => read_pull_request(path)?,
        None => None,
    };
    let Some(number) = number.or(event.as_ref().map(|pr| pr.number)) else {
        return Ok(None);
    };
    let repository = match (repository, &env.repository) {
        (Some(repository), _) => repository.clone(),
        (None, Some(text)) => text.parse().map_err(ContextError::BadRepository)?,
        (None, None) => return Err(ContextError::NoRepository(number)),
    };
    let event_labels = event.filter(|pr| pr.number == number).map(|pr| pr.labels);
    Ok(Some(PullRequest { repository, number, event_labels }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_with_event(dir: &std::path::Path, event: &str) -> ActionsEnv {
        let path = dir.join("event.json");
        std::fs::write(&path, event).unwrap();
        ActionsEnv { repository: Some("acme/shop".into()), event_path: Some(path), ..ActionsEnv::default() }
    }

    #[test]
    fn repository_names_are_validated() {
        assert_eq!("acme/shop.rs".parse(), Ok(Repository { owner: "acme".into(), name: "shop.rs".into() }));
        for bad in ["acme", "acme/", "/shop", "acme/shop/x", "acme/../x", "a b/c", "acme/.."] {
            assert!(bad.parse::<Repository>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_event_names_the_pull_request_and_its_labels() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_with_event(dir.path(), r#"{"pull_request": {"number": 12, "labels": [{"name": "x"}]}}"#);
        let pr = resolve(None, None, &env).unwrap().unwrap();
        assert_eq!((pr.repository.to_string(), pr.number), ("acme/shop".into(), 12));
        assert_eq!(pr.event_labels, Some(vec!["x".into()]));
    }

    #[test]
    fn flags_win_and_labels_of_another_pull_request_are_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_with_event(dir.path(), r#"{"pull_request": {"number": 12, "labels": [{"name": "x"}]}}"#);
        let other: Repository = "other/repo".parse().unwrap();
        let pr = resolve(Some(&other), Some(3), &env).unwrap().unwrap();
        assert_eq!((pr.repository, pr.number, pr.event_labels), (other, 3, None));
    }

    #[test]
    fn no_pull_request_outside_pull_request_events() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_with_event(dir.path(), r#"{"ref": "refs/heads/main"}"#);
        assert_eq!(resolve(None, None, &env).unwrap(), None);
        assert_eq!(resolve(None, None, &ActionsEnv::default()).unwrap(), None);
    }

    #[test]
    fn a_pull_request_without_repository_is_an_error() {
        let message = resolve(None, Some(4), &ActionsEnv::default()).unwrap_err().to_string();
        assert!(message.contains("pass --repo OWNER/NAME"), "{message}");
    }
}
