//! The triggering event (`GITHUB_EVENT_PATH`): the pull request's number, its labels, and
//! whether it comes from a fork.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The pull request an event is about, as the event describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPullRequest {
    pub number: u64,
    /// Labels when the event was sent (a `labeled`/`unlabeled` trigger sends a fresh event).
    pub labels: Vec<String>,
    /// The head branch lives in another repository than the base: its token is read-only.
    pub from_fork: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("cannot read the event payload {path}: {source}")]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("the event payload {path} is not the JSON GitHub sends: {source}")]
    Malformed { path: PathBuf, source: serde_json::Error },
}

#[derive(Deserialize)]
struct Event {
    pull_request: Option<PullRequestPayload>,
}

#[derive(Deserialize)]
struct PullRequestPayload {
    number: u64,
    #[serde(default)]
    labels: Vec<LabelPayload>,
    head: Option<BranchPayload>,
    base: Option<BranchPayload>,
}

#[derive(Deserialize)]
struct BranchPayload {
    repo: Option<RepoPayload>,
}

#[derive(Deserialize)]
struct RepoPayload {
    full_name: String,
}

#[derive(Deserialize)]
struct LabelPayload {
    name: String,
}

/// The pull request of a `pull_request` (or `pull_request_target`) event; `None` for other events.
pub fn read_pull_request(path: &Path) -> Result<Option<EventPullRequest>, EventError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| EventError::Unreadable { path: path.to_path_buf(), source })?;
    parse_pull_request(&text).map_err(|source| EventError::Malformed { path: path.to_path_buf(), source })
}

fn parse_pull_request(text: &str) -> Result<Option<EventPullRequest>, serde_json::Error> {
    let event: Event = serde_json::from_str(text)?;
    Ok(event.pull_request.map(|pr| {
        let repo = |side: Option<BranchPayload>| side.and_then(|branch| branch.repo).map(|repo| repo.full_name);
        EventPullRequest {
            number: pr.number,
            labels: pr.labels.into_iter().map(|label| label.name).collect(),
            from_fork: repo(pr.head) != repo(pr.base),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pull_request_event_gives_number_and_labels() {
        let event = r#"{"action": "labeled", "number": 7, "pull_request": {"number": 7, "title": "x",
            "labels": [{"id": 1, "name": "perf-accepted"}, {"id": 2, "name": "docs"}]}}"#;
        assert_eq!(
            parse_pull_request(event).unwrap(),
            Some(EventPullRequest { number: 7, labels: vec!["perf-accepted".into(), "docs".into()], from_fork: false })
        );
    }

    #[test]
    fn a_pull_request_whose_head_is_in_another_repository_is_from_a_fork() {
        let event = |head: &str| {
            format!(
                r#"{{"pull_request": {{"number": 7, "head": {{"repo": {{"full_name": "{head}"}}}}, "base": {{"repo": {{"full_name": "owner/project"}}}}}}}}"#
            )
        };
        assert!(parse_pull_request(&event("someone/fork")).unwrap().unwrap().from_fork);
        assert!(!parse_pull_request(&event("owner/project")).unwrap().unwrap().from_fork);
    }

    #[test]
    fn a_push_event_has_no_pull_request() {
        assert_eq!(parse_pull_request(r#"{"ref": "refs/heads/main", "commits": []}"#).unwrap(), None);
    }

    #[test]
    fn a_broken_payload_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("event.json");
        std::fs::write(&path, "{\"pull_request\": {\"number\": \"seven\"}}").unwrap();
        let message = read_pull_request(&path).unwrap_err().to_string();
        assert!(message.contains("event.json is not the JSON GitHub sends"), "{message}");
    }
}
