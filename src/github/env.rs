//! The GitHub Actions environment: which variables perfgate reads, in one place.

use std::path::PathBuf;

/// Public GitHub's API, used when `GITHUB_API_URL` is not set.
pub const DEFAULT_API_URL: &str = "https://api.github.com";
const DEFAULT_SERVER_URL: &str = "https://github.com";

/// What the Actions runner tells a step through its environment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionsEnv {
    /// `GITHUB_ACTIONS=true`: running as an Actions step.
    pub in_actions: bool,
    /// `GITHUB_REPOSITORY`, `owner/name`.
    pub repository: Option<String>,
    /// `GITHUB_EVENT_PATH`: the JSON payload of the triggering event.
    pub event_path: Option<PathBuf>,
    /// `GITHUB_API_URL` (GitHub Enterprise: `https://HOST/api/v3`).
    pub api_url: Option<String>,
    /// `GITHUB_SERVER_URL`.
    pub server_url: Option<String>,
    /// `GITHUB_RUN_ID`.
    pub run_id: Option<String>,
    /// `GITHUB_STEP_SUMMARY`: markdown appended here shows on the run's page.
    pub step_summary: Option<PathBuf>,
    /// `GITHUB_OUTPUT`: `name=value` lines become the step's outputs.
    pub output: Option<PathBuf>,
    /// `GITHUB_WORKSPACE`: the repository checkout; annotation paths are relative to it.
    pub workspace: Option<PathBuf>,
    /// `RUNNER_TEMP`: a temporary folder emptied after each job.
    pub runner_temp: Option<PathBuf>,
}

impl ActionsEnv {
    /// Read the process environment.
    pub fn from_process() -> ActionsEnv {
        ActionsEnv::from_lookup(|name| std::env::var(name).ok())
    }

    /// Read the variables through `lookup`; empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> ActionsEnv {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        ActionsEnv {
            in_actions: get("GITHUB_ACTIONS").is_some_and(|v| v == "true"),
            repository: get("GITHUB_REPOSITORY"),
            event_path: get("GITHUB_EVENT_PATH").map(PathBuf::from),
            api_url: get("GITHUB_API_URL"),
            server_url: get("GITHUB_SERVER_URL"),
            run_id: get("GITHUB_RUN_ID"),
            step_summary: get("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            output: get("GITHUB_OUTPUT").map(PathBuf::from),
            workspace: get("GITHUB_WORKSPACE").map(PathBuf::from),
            runner_temp: get("RUNNER_TEMP").map(PathBuf::from),
        }
    }

    /// The REST API base URL, without a trailing slash.
    pub fn api_url(&self) -> String {
        self.api_url.as_deref().unwrap_or(DEFAULT_API_URL).trim_end_matches('/').to_string()
    }

    /// Link to the workflow run this step belongs to, when running in Actions.
    pub fn run_url(&self) -> Option<String> {
        let (repository, run_id) = (self.repository.as_ref()?, self.run_id.as_ref()?);
        let server = self.server_url.as_deref().unwrap_or(DEFAULT_SERVER_URL).trim_end_matches('/');
        Some(format!("{server}/{repository}/actions/runs/{run_id}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> ActionsEnv {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ActionsEnv::from_lookup(|name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn run_url_from_server_repository_and_run_id() {
        let actions = env(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_SERVER_URL", "https://ghe.example.com/"),
            ("GITHUB_REPOSITORY", "acme/shop"),
            ("GITHUB_RUN_ID", "42"),
        ]);
        assert!(actions.in_actions);
        assert_eq!(actions.run_url().as_deref(), Some("https://ghe.example.com/acme/shop/actions/runs/42"));
        assert_eq!(env(&[("GITHUB_REPOSITORY", "acme/shop")]).run_url(), None);
    }

    #[test]
    fn api_url_defaults_to_public_github_and_keeps_an_enterprise_path() {
        assert_eq!(env(&[]).api_url(), "https://api.github.com");
        assert_eq!(
            env(&[("GITHUB_API_URL", "https://ghe.example.com/api/v3/")]).api_url(),
            "https://ghe.example.com/api/v3"
        );
    }

    #[test]
    fn only_true_means_actions_and_blank_values_are_unset() {
        assert!(!env(&[("GITHUB_ACTIONS", "1")]).in_actions);
        assert_eq!(env(&[("GITHUB_OUTPUT", " ")]).output, None);
    }
}
