//! GitHub: the sticky PR comment against a fake API on 127.0.0.1 (only ever
//! the token's own comment on this PR), the override label, a read-only or
//! missing token, the token's secrecy, and the Actions files
//! (`$GITHUB_STEP_SUMMARY`, `$GITHUB_OUTPUT`) and annotations.

mod fake_api;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use fake_api::{FakeGithub, ACTIONS_BOT, OWNER_REPO};

use super::*;

const MARKER: &str = "<!-- perfgate -->";
const TOKEN: &str = "ghs_FAKEtoken_8c1f0e5d2b";
const EXAMPLE: &str = "examples/perf-budget.toml";

/// Variables of a real Actions job that must not leak into a test run.
const GITHUB_VARIABLES: [&str; 14] = [
    "GITHUB_ACTIONS",
    "GITHUB_REPOSITORY",
    "GITHUB_EVENT_PATH",
    "GITHUB_API_URL",
    "GITHUB_SERVER_URL",
    "GITHUB_RUN_ID",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_OUTPUT",
    "GITHUB_WORKSPACE",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "RUNNER_TEMP",
    "PERFGATE_COMMENT",
    "PERFGATE_TEST_TOKEN",
];

/// perfgate with no GitHub variables but those given.
fn perfgate_with(vars: &[(&str, &str)]) -> Command {
    let mut command = perfgate();
    for name in GITHUB_VARIABLES {
        command.env_remove(name);
    }
    for (name, value) in vars {
        command.env(name, value);
    }
    command
}

/// A `pull_request` event payload for PR `number` with `labels`.
fn pull_request_event(dir: &Path, number: u64, labels: &[&str]) -> PathBuf {
    let labels: Vec<serde_json::Value> = labels.iter().map(|name| serde_json::json!({"name": name})).collect();
    let event = serde_json::json!({"action": "synchronize", "number": number,
        "pull_request": {"number": number, "labels": labels}});
    let path = dir.join("event.json");
    std::fs::write(&path, event.to_string()).unwrap();
    path
}

/// perfgate as a step of a `pull_request` workflow run against `server`, with the token in GITHUB_TOKEN.
fn perfgate_in_pull_request(server: &FakeGithub, event: &Path) -> Command {
    perfgate_with(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_REPOSITORY", OWNER_REPO),
        ("GITHUB_API_URL", &server.url),
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_RUN_ID", "4242"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ("GITHUB_TOKEN", TOKEN),
    ])
}

/// A quick budget on two hyperfine exports (the example's 20 000-request load test
/// takes seconds per check in a debug build): `sleep 0.02` may regress by 10 %.
/// With `head = "slow-head.json"` it fails (+19.6 %); with `"aa-head.json"` it passes.
fn quick_budget(dir: &Path, head: &str, gate: &str) -> PathBuf {
    budget(
        dir,
        &format!(
            "[gate]\n{gate}\n\n[baseline]\nsource = \"file\"\n\n\
             [[suite]]\nname = \"cli\"\nformat = \"hyperfine\"\ninput = {:?}\nbaseline = {:?}\n\n\
             [[kpi]]\nname = \"sleep 20 ms\"\nsuite = \"cli\"\nbench = \"sleep 0.02\"\nstatistic = \"median\"\n\
             max-regression = \"10%\"\n",
            fixture(&format!("hyperfine/{head}")),
            fixture("hyperfine/aa-base.json")
        ),
    )
}

/// `perfgate check --comment always` on the quick budget with `head`, in a workflow run for PR `number`.
fn check_and_comment(server: &FakeGithub, number: u64, head: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let event = pull_request_event(dir.path(), number, &[]);
    let config = quick_budget(dir.path(), head, "");
    let (code, _, stderr) = outcome(
        perfgate_in_pull_request(server, &event).args(["check", "--comment", "always", "--config"]).arg(&config),
    );
    assert!(!stderr.contains("warning: cannot comment"), "{stderr}");
    (code, stderr)
}

fn only_comment(server: &FakeGithub) -> fake_api::Comment {
    let comments = server.comments();
    assert_eq!(comments.len(), 1, "exactly one comment: {comments:#?}");
    comments[0].clone()
}

#[test]
fn the_first_run_creates_the_marked_comment_and_the_second_updates_it_in_place() {
    let server = FakeGithub::start("");
    let dir = tempfile::tempdir().unwrap();
    let event = pull_request_event(dir.path(), 7, &[]);

    let config = quick_budget(dir.path(), "slow-head.json", "");
    let (code, _, stderr) = outcome(
        perfgate_in_pull_request(&server, &event).args(["check", "--comment", "always", "--config"]).arg(&config),
    );
    assert_eq!(code, 1, "{stderr}");
    let first = only_comment(&server);
    assert!(first.body.starts_with(MARKER), "{}", first.body);
    assert!(first.body.contains("### ❌ perfgate: fail"), "{}", first.body);
    assert!(first.body.contains("25.7 ms") && first.body.contains("+19.6%"), "the slow head: {}", first.body);
    assert!(first.body.contains("[workflow run](https://github.com/acme/shop/actions/runs/4242)"), "{}", first.body);

    // The PR is fixed: the next run reports the new numbers in the same comment.
    let config = quick_budget(dir.path(), "aa-head.json", "");
    let (code, _, stderr) = outcome(
        perfgate_in_pull_request(&server, &event).args(["check", "--comment", "always", "--config"]).arg(&config),
    );
    assert_eq!(code, 0, "{stderr}");
    let second = only_comment(&server);
    assert_eq!(second.id, first.id);
    assert!(second.body.contains("### ✅ perfgate: pass"), "{}", second.body);
    assert!(second.body.contains("21.4 ms") && !second.body.contains("25.7 ms"), "{}", second.body);
    let run = |write: &'static str| ["GET /user", "GET /repos/acme/shop/issues/7/comments", write];
    let calls = [run("POST /repos/acme/shop/issues/7/comments"), run("PATCH /repos/acme/shop/issues/comments/1000")];
    assert_eq!(server.calls(), calls.concat(), "one GET /user per run, then the comments");
}

#[test]
fn the_example_check_comments_from_an_enterprise_api_url() {
    let server = FakeGithub::start("/api/v3");
    let dir = tempfile::tempdir().unwrap();
    let event = pull_request_event(dir.path(), 3, &[]);
    let (code, _, stderr) = outcome(perfgate_in_pull_request(&server, &event).args([
        "check",
        "--comment",
        "on-change",
        "--config",
        EXAMPLE,
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("warning: cannot comment"), "{stderr}");
    let comment = only_comment(&server);
    assert!(comment.body.contains("microbenchmarks do not regress") && comment.body.contains("+40.5%"));
    assert!(server.requests().iter().all(|r| r.target.starts_with("/api/v3/")), "{:?}", server.requests());
    assert_eq!(
        server.calls(),
        ["GET /user", "GET /repos/acme/shop/issues/3/comments", "POST /repos/acme/shop/issues/3/comments"]
    );
}

#[test]
fn every_page_of_comments_is_searched_for_the_marker() {
    let mut comments: Vec<(&str, String)> = (0..5).map(|i| ("reviewer", format!("LGTM {i}"))).collect();
    comments.push((ACTIONS_BOT, "<!-- perfgate -->\nold numbers".into()));
    comments.push(("reviewer", "one more after it".into()));
    let server = comments.iter().fold(FakeGithub::start("").with_max_page_size(2), |server, (author, body)| {
        server.with_comment(7, author, body)
    });
    let dir = tempfile::tempdir().unwrap();
    let event = pull_request_event(dir.path(), 7, &[]);
    let (code, _, stderr) = outcome(perfgate_in_pull_request(&server, &event).args([
        "check",
        "--comment",
        "on-change",
        "--config",
        EXAMPLE,
    ]));
    assert_eq!(code, 1, "{stderr}");
    let comments = server.comments();
    assert_eq!(comments.len(), 7, "no second perfgate comment");
    assert!(comments[5].body.contains("perfgate: fail") && !comments[5].body.contains("old numbers"));
    let listed: Vec<String> =
        server.requests().iter().filter(|r| r.path("").ends_with("/comments")).map(|r| r.target.clone()).collect();
    assert_eq!(listed.len(), 3, "the marker is on the third page: {listed:?}");
    assert!(listed[2].ends_with("page=3"), "{listed:?}");
}

/// A stale perfgate comment on PR 7 by each of `authors`, in this order.
fn stale_comments_by(mut server: FakeGithub, authors: &[&str]) -> FakeGithub {
    for author in authors {
        server = server.with_comment(7, author, "<!-- perfgate -->\n### ❌ perfgate: fail (stale)");
    }
    server
}

/// The authors of PR 7's comments that no longer show the stale report, in order.
fn refreshed_authors(server: &FakeGithub) -> Vec<String> {
    let comments = server.comments_on(7);
    comments.into_iter().filter(|c| !c.body.contains("(stale)")).map(|c| c.author).collect()
}

#[test]
fn a_reviewers_comment_carrying_the_marker_is_left_alone() {
    let quote = "> <!-- perfgate -->\n> ### ❌ perfgate: fail\n\nIs `sleep 0.02` really slower?";
    let server = FakeGithub::start("").with_comment(7, "reviewer", quote);
    let (code, stderr) = check_and_comment(&server, 7, "slow-head.json");
    assert_eq!(code, 1, "{stderr}");
    let comments = server.comments_on(7);
    assert_eq!(comments.len(), 2, "perfgate posts its own comment: {comments:#?}");
    assert_eq!((comments[0].author.as_str(), comments[0].body.as_str()), ("reviewer", quote), "left alone");
    assert_eq!(comments[1].author, ACTIONS_BOT);
    assert!(comments[1].body.starts_with(MARKER) && comments[1].body.contains("perfgate: fail"));

    let (code, stderr) = check_and_comment(&server, 7, "aa-head.json");
    assert_eq!(code, 0, "{stderr}");
    let updated = server.comments_on(7);
    assert_eq!((updated.len(), updated[0].body.as_str()), (2, quote), "{updated:#?}");
    assert_eq!(updated[1].id, comments[1].id, "perfgate's own comment is the one updated");
    assert!(updated[1].body.contains("perfgate: pass"), "{}", updated[1].body);
}

#[test]
fn with_a_personal_token_the_users_own_comment_is_updated() {
    // Earlier runs used the Actions token; this one a personal access token of octocat's.
    let server = stale_comments_by(FakeGithub::start("").with_user_token("octocat"), &[ACTIONS_BOT, "octocat"]);
    let (code, stderr) = check_and_comment(&server, 7, "slow-head.json");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(server.comments_on(7).len(), 2, "no new comment");
    assert_eq!(refreshed_authors(&server), ["octocat"]);
    let user_lookups = server.calls().iter().filter(|call| *call == "GET /user").count();
    assert_eq!(user_lookups, 1, "{:?}", server.calls());
}

#[test]
fn with_the_actions_token_the_github_actions_bot_comment_is_updated() {
    // GET /user answers 403, as it does for the Actions GITHUB_TOKEN: it comments as github-actions[bot].
    let server = stale_comments_by(FakeGithub::start(""), &["octocat", ACTIONS_BOT]);
    let (code, stderr) = check_and_comment(&server, 7, "slow-head.json");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(server.comments_on(7).len(), 2, "no new comment");
    assert_eq!(refreshed_authors(&server), [ACTIONS_BOT]);
    assert!(!stderr.contains("warning"), "the 403 of GET /user is expected, not a problem: {stderr}");
}

#[test]
fn comments_on_another_pull_request_are_not_touched() {
    let elsewhere = "<!-- perfgate -->\n### ✅ perfgate: pass (PR 8)";
    let server = FakeGithub::start("").with_comment(8, ACTIONS_BOT, elsewhere);
    let (code, stderr) = check_and_comment(&server, 7, "slow-head.json");
    assert_eq!(code, 1, "{stderr}");
    let on_eight = server.comments_on(8);
    assert_eq!((on_eight.len(), on_eight[0].body.as_str()), (1, elsewhere), "{on_eight:#?}");
    let on_seven = server.comments_on(7);
    assert_eq!(on_seven.len(), 1, "PR 7 gets a comment of its own: {on_seven:#?}");
    assert!(on_seven[0].body.contains("perfgate: fail"), "{}", on_seven[0].body);
}

#[test]
fn on_change_creates_no_comment_for_a_plain_pass_but_updates_an_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let event = pull_request_event(dir.path(), 7, &[]);
    let passing = quick_budget(dir.path(), "aa-head.json", "");
    let server = FakeGithub::start("");
    let (code, _, stderr) = outcome(
        perfgate_in_pull_request(&server, &event).args(["check", "--comment", "on-change", "--config"]).arg(&passing),
    );
    assert_eq!((code, server.comments().len()), (0, 0), "{stderr}");

    let server = FakeGithub::start("").with_comment(7, ACTIONS_BOT, "<!-- perfgate -->\n### ❌ perfgate: fail");
    let (code, _, stderr) = outcome(
        perfgate_in_pull_request(&server, &event)
            .env("PERFGATE_COMMENT", "on-failure") // the action's input, read from the environment
            .args(["check", "--config"])
            .arg(&passing),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(only_comment(&server).body.contains("perfgate: pass"), "a stale failure is never left behind");
}

#[test]
fn without_a_comment_mode_nothing_is_sent() {
    let server = FakeGithub::start("");
    let dir = tempfile::tempdir().unwrap();
    let event = pull_request_event(dir.path(), 7, &[]);
    let (code, _, _) = outcome(perfgate_in_pull_request(&server, &event).args(["check", "--config", EXAMPLE]));
    assert_eq!(code, 1);
    assert!(server.requests().is_empty());
}

#[test]
fn the_override_label_turns_a_failure_into_a_warning_with_exit_code_0() {
    let server = FakeGithub::start("");
    let dir = tempfile::tempdir().unwrap();
    let config = quick_budget(dir.path(), "slow-head.json", "override-label = \"perf-accepted\"");
    let report = dir.path().join("report.json");
    let event = pull_request_event(dir.path(), 7, &["docs", "perf-accepted"]);
    let (code, _, stderr) = outcome(
        perfgate_in_pull_request(&server, &event)
            .args(["check", "--comment", "always", "--format", "json", "--output"])
            .arg(&report)
            .arg("--config")
            .arg(&config),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("has the label \"perf-accepted\""), "{stderr}");
    assert!(stderr.contains("::warning file="), "{stderr}");
    assert!(!stderr.contains("::error"), "an overridden failure is no error annotation: {stderr}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["verdict"], "warn");
    assert_eq!(json["override_label"], "perf-accepted");
    assert_eq!(
        (json["kpis"][0]["verdict"].as_str(), json["kpis"][0]["overridden"].as_bool()),
        (Some("fail"), Some(true))
    );
    let body = only_comment(&server).body;
    assert!(body.contains("Gate overridden") && body.contains("label `perf-accepted`"), "{body}");
    assert!(body.contains("Remove the label to re-enable the gate"), "{body}");

    // Without the label the same check fails.
    let event = pull_request_event(dir.path(), 7, &["docs"]);
    let (code, _, _) = outcome(perfgate_in_pull_request(&server, &event).arg("check").arg("--config").arg(&config));
    assert_eq!(code, 1);
}

#[test]
fn the_override_label_is_read_from_the_api_when_the_event_has_no_pull_request() {
    let server = FakeGithub::start("").with_labels(&["perf-accepted"]);
    let dir = tempfile::tempdir().unwrap();
    let config = quick_budget(dir.path(), "slow-head.json", "override-label = \"perf-accepted\"");
    let push = dir.path().join("push.json");
    std::fs::write(&push, r#"{"ref": "refs/heads/feature"}"#).unwrap();
    let (code, _, stderr) =
        outcome(perfgate_in_pull_request(&server, &push).args(["check", "--pr", "9", "--config"]).arg(&config));
    assert_eq!(code, 0, "{stderr}");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].target.starts_with("/repos/acme/shop/issues/9/labels"), "{requests:?}");
}

#[test]
fn a_read_only_token_gets_the_two_workflow_explanation_and_the_verdict_stands() {
    let server = FakeGithub::start("").forbidding_writes();
    let dir = tempfile::tempdir().unwrap();
    let event = pull_request_event(dir.path(), 7, &[]);
    let (code, stdout, stderr) = outcome(perfgate_in_pull_request(&server, &event).args([
        "check",
        "--comment",
        "always",
        "--format",
        "json",
        "--config",
        EXAMPLE,
    ]));
    assert_eq!(code, 1, "the gate's exit code, not the comment's");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("the report is still printed");
    assert_eq!(report["verdict"], "fail");
    assert!(stderr.contains("perfgate: warning: cannot comment on the pull request: GitHub answered 403: Resource not accessible by integration"), "{stderr}");
    assert!(stderr.contains("two-workflow pattern") && stderr.contains("workflow_run"), "{stderr}");
    assert!(stderr.contains("perfgate comment --report"), "{stderr}");
    assert!(server.comments().is_empty());

    // A passing check stays a pass.
    let passing = quick_budget(dir.path(), "aa-head.json", "");
    let (code, _, stderr) = outcome(
        perfgate_in_pull_request(&server, &event).args(["check", "--comment", "always", "--config"]).arg(&passing),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("403"), "{stderr}");
}

#[test]
fn an_unreachable_api_is_a_warning_only() {
    let dir = tempfile::tempdir().unwrap();
    let event = pull_request_event(dir.path(), 7, &[]);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let (code, _, stderr) = outcome(
        perfgate_with(&[
            ("GITHUB_REPOSITORY", OWNER_REPO),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("GITHUB_API_URL", &format!("http://{closed}")),
            ("GITHUB_TOKEN", TOKEN),
        ])
        .args(["check", "--comment", "always", "--config", EXAMPLE]),
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("warning: cannot comment on the pull request: cannot talk to the GitHub API"), "{stderr}");
}

#[test]
fn without_a_token_nothing_is_sent_a_check_keeps_its_verdict_and_perfgate_comment_fails() {
    let server = FakeGithub::start("");
    let dir = tempfile::tempdir().unwrap();
    let event = pull_request_event(dir.path(), 7, &[]);
    let untokened = || {
        let mut command = perfgate_in_pull_request(&server, &event);
        command.env_remove("GITHUB_TOKEN");
        command
    };
    let (code, _, stderr) = outcome(untokened().args(["check", "--comment", "always", "--config", EXAMPLE]));
    assert_eq!(code, 1, "the gate's exit code: {stderr}");
    assert_eq!(server.calls(), Vec::<String>::new(), "no request without a token");
    assert!(stderr.contains("warning: no GitHub token in $GITHUB_TOKEN"), "{stderr}");

    let report = dir.path().join("report.json");
    outcome(perfgate_with(&[]).args(["check", "-q", "--format", "json", "--config", EXAMPLE, "--output"]).arg(&report));
    let (code, _, stderr) = outcome(untokened().args(["comment", "--pr", "7", "--report"]).arg(&report));
    assert_eq!(code, 2, "a comment that cannot be posted fails the commenting job: {stderr}");
    assert!(stderr.contains("no GitHub token in $GITHUB_TOKEN"), "{stderr}");
    assert_eq!(server.calls(), Vec::<String>::new(), "still no request");
}

#[test]
fn the_token_is_sent_as_authorization_and_appears_in_no_output() {
    let server = FakeGithub::start("");
    let dir = tempfile::tempdir().unwrap();
    let event = pull_request_event(dir.path(), 7, &[]);
    let (summary, outputs) = (dir.path().join("summary.md"), dir.path().join("outputs"));
    let report = dir.path().join("report.json");
    let (code, stdout, stderr) = outcome(
        perfgate_in_pull_request(&server, &event)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &outputs)
            .env("RUNNER_TEMP", dir.path())
            .args(["check", "--verbose", "--comment", "always", "--format", "json", "--output"])
            .arg(&report)
            .args(["--config", EXAMPLE]),
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("perfgate: pull request acme/shop#7"), "verbose says what it does: {stderr}");
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "GET /user, the comments, the new comment: {requests:?}");
    for request in &requests {
        assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    }
    let mut written = vec![stdout, stderr];
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        written.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    written.push(server.comments()[0].body.clone());
    for text in &written {
        assert!(!text.contains(TOKEN) && !text.contains("FAKEtoken"), "the token leaked: {text}");
    }

    // Error paths too: a 403 answer, and a token from another variable.
    let server = FakeGithub::start("").forbidding_writes();
    let (code, stdout, stderr) = outcome(
        perfgate_in_pull_request(&server, &event).env_remove("GITHUB_TOKEN").env("PERFGATE_TEST_TOKEN", TOKEN).args([
            "check",
            "--verbose",
            "--comment",
            "always",
            "--token-env",
            "PERFGATE_TEST_TOKEN",
            "--config",
            EXAMPLE,
        ]),
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("403"), "{stderr}");
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
    assert_eq!(server.requests()[0].header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
}

#[test]
fn perfgate_comment_posts_a_saved_report() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    outcome(
        perfgate_with(&[]).args(["check", "--quiet", "--format", "json", "--config", EXAMPLE, "--output"]).arg(&report),
    );
    let server = FakeGithub::start("");
    // A `workflow_run` workflow: the event is not a pull request; the number comes from the artifact.
    let event = dir.path().join("workflow_run.json");
    std::fs::write(&event, r#"{"action": "completed", "workflow_run": {"pull_requests": []}}"#).unwrap();
    let comment = |server: &FakeGithub| {
        let mut command = perfgate_with(&[
            ("GITHUB_REPOSITORY", OWNER_REPO),
            ("GITHUB_API_URL", &server.url),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("GITHUB_TOKEN", TOKEN),
        ]);
        command
            .args(["comment", "--pr", "12", "--run-url", "https://github.com/acme/shop/actions/runs/99", "--report"])
            .arg(&report);
        outcome(&mut command)
    };
    let (code, _, stderr) = comment(&server);
    assert_eq!(code, 0, "posting is not judging: {stderr}");
    assert!(stderr.contains("created comment"), "{stderr}");
    let body = only_comment(&server).body;
    assert!(body.starts_with(MARKER) && body.contains("perfgate: fail"), "{body}");
    assert!(body.contains("[workflow run](https://github.com/acme/shop/actions/runs/99)"), "{body}");
    assert_eq!(
        server.calls(),
        ["GET /user", "GET /repos/acme/shop/issues/12/comments", "POST /repos/acme/shop/issues/12/comments"]
    );
    let (code, _, stderr) = comment(&server);
    assert_eq!(code, 0);
    assert!(stderr.contains("is up to date"), "{stderr}");
    assert_eq!(server.comments().len(), 1);

    let (code, _, stderr) = comment(&FakeGithub::start("").forbidding_writes());
    assert_eq!(code, 2, "a comment that cannot be posted fails the commenting job");
    assert!(stderr.contains("403") && stderr.contains("two-workflow pattern"), "{stderr}");
}

#[test]
fn perfgate_comment_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    std::fs::write(&report, r#"{"schema": 1, "verdict": "fail", "kpis": "$(rm -rf /)"}"#).unwrap();
    let (code, _, stderr) =
        outcome(perfgate_with(&[]).args(["comment", "--pr", "1", "--repo", OWNER_REPO, "--report"]).arg(&report));
    assert_eq!(code, 2);
    assert!(stderr.contains("not a valid perfgate report"), "{stderr}");
    let (code, _, stderr) =
        outcome(perfgate_with(&[]).args(["comment", "--pr", "1", "--repo", "acme/../x", "--report"]).arg(&report));
    assert_eq!(code, 2);
    assert!(stderr.contains("expected OWNER/NAME"), "{stderr}");
    let (code, _, stderr) = outcome(perfgate_with(&[]).args(["comment", "--pr", "seven", "--report"]).arg(&report));
    assert_eq!(code, 2, "{stderr}");
    let saved = dir.path().join("saved.json");
    outcome(perfgate_with(&[]).args(["check", "-q", "--format", "json", "--config", EXAMPLE, "--output"]).arg(&saved));
    let (code, _, stderr) = outcome(perfgate_with(&[]).args(["comment", "--report"]).arg(&saved));
    assert_eq!(code, 2);
    assert!(stderr.contains("no pull request to comment on: pass --pr N"), "{stderr}");
}

#[test]
fn in_actions_the_summary_outputs_and_annotations_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let (summary, outputs) = (dir.path().join("summary.md"), dir.path().join("outputs"));
    std::fs::write(&summary, "# earlier step\n").unwrap();
    let (code, stdout, stderr) = outcome(
        perfgate_with(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_WORKSPACE", root().to_str().unwrap()),
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
            ("GITHUB_OUTPUT", outputs.to_str().unwrap()),
            ("RUNNER_TEMP", dir.path().to_str().unwrap()),
        ])
        .args(["check", "--config"])
        .arg(root().join(EXAMPLE)),
    );
    assert_eq!(code, 1);
    assert!(stdout.starts_with("perfgate FAIL"), "the text report is unchanged on stdout");

    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.starts_with("# earlier step\n<!-- perfgate -->\n### ❌ perfgate: fail — 5 KPIs: 2 failed, 3 passed")
    );
    assert!(summary.contains("<details><summary>Details per benchmark</summary>"));

    let outputs = std::fs::read_to_string(&outputs).unwrap();
    let lines: Vec<&str> = outputs.lines().collect();
    assert_eq!(lines.len(), 3, "{outputs}");
    assert_eq!(lines[0], "verdict=fail");
    assert_eq!(lines[2], "summary=fail — 5 KPIs: 2 failed, 3 passed");
    let report_path = lines[1].strip_prefix("report=").unwrap();
    assert!(Path::new(report_path).starts_with(dir.path()), "the JSON report is in RUNNER_TEMP: {report_path}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(report_path).unwrap()).unwrap();
    assert_eq!(report["verdict"], "fail");

    let annotations: Vec<&str> = stderr.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        annotations,
        [
            "::error file=examples/perf-budget.toml,line=30,title=perfgate%3A microbenchmarks do not regress failed::\
             fib 20: interval [+26.2%25, +56.5%25] lies wholly beyond the 3%25 budget",
            "::error file=examples/perf-budget.toml,line=47,title=perfgate%3A GET /api/orders/{id} p99 under 1s failed::\
             latency{method=GET,route=/api/orders/*}: p99 interval [1.18 s, 1.48 s] lies beyond ≤ 1 s",
        ]
    );
}

#[test]
fn annotations_warn_for_inconclusive_and_warn_level_kpis_with_escaped_values() {
    let dir = tempfile::tempdir().unwrap();
    let api = root().join("examples/api/head.csv");
    let config = budget(
        dir.path(),
        &format!(
            "[baseline]\nsource = \"none\"\n\n[[suite]]\nname = \"api\"\nformat = \"latency-csv\"\ninput = {api:?}\n\n\
             [[kpi]]\nname = \"orders: p99, inside its interval\"\nsuite = \"api\"\nmetric = \"latency\"\n\
             where = {{ method = \"GET\", route = \"/api/orders/*\" }}\nstatistic = \"p99\"\nmax = \"1.3s\"\n\n\
             [[kpi]]\nname = \"orders p99 (warn)\"\nsuite = \"api\"\nmetric = \"latency\"\nlevel = \"warn\"\n\
             where = {{ method = \"GET\", route = \"/api/orders/*\" }}\nstatistic = \"p99\"\nmax = \"1s\"\n"
        ),
    );
    let (code, _, stderr) = outcome(
        perfgate_with(&[("GITHUB_ACTIONS", "true"), ("GITHUB_WORKSPACE", dir.path().to_str().unwrap())])
            .arg("check")
            .arg("--config")
            .arg(&config),
    );
    assert_eq!(code, 0, "{stderr}");
    let annotations: Vec<&str> = stderr.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 2, "{stderr}");
    assert!(
        annotations[0].starts_with(
            "::warning file=perf-budget.toml,line=9,title=perfgate%3A orders%3A p99%2C inside its interval inconclusive::"
        ),
        "{}",
        annotations[0]
    );
    assert!(annotations[1]
        .starts_with("::warning file=perf-budget.toml,line=17,title=perfgate%3A orders p99 (warn) failed::"));
    assert!(annotations[1].ends_with("%0Alevel = \"warn\": reported, not failing."), "{}", annotations[1]);
}

#[test]
fn outside_actions_nothing_github_is_written() {
    let (code, _, stderr) = outcome(perfgate_with(&[]).args(["check", "--config", EXAMPLE]));
    assert_eq!(code, 1);
    assert!(!stderr.contains("::"), "{stderr}");
}
