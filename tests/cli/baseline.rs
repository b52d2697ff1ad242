//! `perfgate baseline merge|prune` on throw-away repositories whose commits
//! carry notes, some of them old.

use git2::{Oid, Repository, Signature, Time};
use perfgate::baseline::notes::{NotesIndex, NOTES_REF};
use perfgate::model::{Benchmark, ResultSet, SuiteResults, Unit};
use perfgate::testing::TestRepo;

use crate::{outcome, perfgate};

const DAY: i64 = 86_400;

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A chain of commits made `ages_in_days` ago, each with a one-suite note.
fn recorded(ages_in_days: &[i64]) -> (TestRepo, Vec<Oid>) {
    let repo = TestRepo::new();
    let git = repo.open();
    let tree = git.find_tree(git.treebuilder(None).unwrap().write().unwrap()).unwrap();
    let mut commits: Vec<Oid> = Vec::new();
    for (i, age) in ages_in_days.iter().enumerate() {
        let signature = Signature::new("t", "t@t", &Time::new(now() - age * DAY, 0)).unwrap();
        let parents: Vec<git2::Commit> = commits.last().map(|id| git.find_commit(*id).unwrap()).into_iter().collect();
        let refs: Vec<&git2::Commit> = parents.iter().collect();
        let commit = git.commit(Some("HEAD"), &signature, &signature, &format!("commit {i}"), &tree, &refs).unwrap();
        note(&git, commit, "micro", i as f64);
        commits.push(commit);
    }
    (repo, commits)
}

/// A note's text: one `parse` benchmark per suite.
fn results(suites: &[(&str, f64)]) -> String {
    let suites = suites
        .iter()
        .map(|&(name, value)| SuiteResults {
            name: name.into(),
            benchmarks: vec![Benchmark::with_samples("parse", "time", Unit::Ns, vec![value])],
        })
        .collect();
    serde_json::to_string(&ResultSet::new(suites)).unwrap()
}

fn note(git: &Repository, commit: Oid, suite: &str, value: f64) {
    let text = results(&[(suite, value)]);
    let signature = Signature::now("t", "t@t").unwrap();
    let existing = NotesIndex::load(git).unwrap().read(git, commit).unwrap();
    assert!(existing.is_none(), "one note per commit in these tests");
    git.note(&signature, &signature, Some(NOTES_REF), commit, &text, true).unwrap();
}

fn noted(repo: &TestRepo) -> usize {
    NotesIndex::load(&repo.open()).unwrap().notes.len()
}

#[test]
fn prune_keeps_the_newest_or_the_recent_and_a_dry_run_only_lists() {
    let (repo, commits) = recorded(&[400, 200, 100, 30, 1]);
    let (code, stdout, stderr) =
        outcome(perfgate().args(["baseline", "prune", "--older-than", "90d", "--dry-run"]).current_dir(repo.path()));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("would remove 3 notes and keep 2:"), "{stdout}");
    assert!(stdout.contains(&commits[0].to_string()[..10]) && stdout.contains("commit 0"), "{stdout}");
    assert!(!stdout.contains("commit 3"), "{stdout}");
    assert_eq!(noted(&repo), 5);

    let (code, stdout, stderr) =
        outcome(perfgate().args(["baseline", "prune", "--older-than", "20w"]).current_dir(repo.path()));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("removed 2 notes, kept 3"), "{stdout}");
    assert_eq!(noted(&repo), 3);

    let (code, stdout, _) = outcome(perfgate().args(["baseline", "prune", "--keep", "1"]).current_dir(repo.path()));
    assert_eq!(code, 0);
    assert!(stdout.starts_with("removed 2 notes, kept 1"), "{stdout}");
    let index = NotesIndex::load(&repo.open()).unwrap();
    assert_eq!(index.notes.keys().copied().collect::<Vec<_>>(), [commits[4]]);
}

#[test]
fn prune_refuses_bad_input_with_exit_2() {
    let (repo, _) = recorded(&[10]);
    for (args, message) in [
        (&["baseline", "prune"][..], "required arguments were not provided"),
        (&["baseline", "prune", "--keep", "3", "--older-than", "9d"], "cannot be used with"),
        (&["baseline", "prune", "--older-than", "6months"], "expected a whole number of hours, days or weeks"),
        (&["baseline", "prune", "--older-than", "0d"], "the age must be positive"),
        (&["baseline", "prune", "--keep", "0"], "--keep <N>"),
    ] {
        let (code, _, stderr) = outcome(perfgate().args(args).current_dir(repo.path()));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    assert_eq!(noted(&repo), 1);
}

#[test]
fn merge_brings_in_a_fetched_notes_ref_without_losing_a_suite() {
    let (repo, commits) = recorded(&[2, 1]);
    let git = repo.open();
    // Another job's history, as fetched into refs/notes/perfgate-origin: it
    // recorded another suite of the newest commit on the same start.
    let ours = git.refname_to_id(NOTES_REF).unwrap();
    let mut theirs_notes = NotesIndex::load(&git).unwrap().notes;
    let both = results(&[("api", 5.0), ("micro", 1.0)]);
    theirs_notes.insert(commits[1], git.blob(both.as_bytes()).unwrap());
    let mut builder = git.treebuilder(None).unwrap();
    for (commit, blob) in &theirs_notes {
        builder.insert(commit.to_string(), *blob, 0o100644).unwrap();
    }
    let tree = git.find_tree(builder.write().unwrap()).unwrap();
    let signature = Signature::now("t", "t@t").unwrap();
    let parent = git.find_commit(git.find_commit(ours).unwrap().parent_id(0).unwrap()).unwrap();
    git.commit(Some("refs/notes/perfgate-origin"), &signature, &signature, "theirs", &tree, &[&parent]).unwrap();

    let (code, stdout, stderr) =
        outcome(perfgate().args(["baseline", "merge", "refs/notes/perfgate-origin"]).current_dir(repo.path()));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("now contains refs/notes/perfgate-origin (2 recorded commits)"), "{stdout}");
    let stored = NotesIndex::load(&git).unwrap().read(&git, commits[1]).unwrap().unwrap();
    let suites: Vec<&str> = stored.suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(suites, ["api", "micro"]);
    let (code, _, stderr) = outcome(perfgate().args(["baseline", "merge", "refs/notes/none"]).current_dir(repo.path()));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot read the notes ref \"refs/notes/none\""), "{stderr}");
}
