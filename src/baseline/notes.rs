//! The git-notes store: normalized results of a commit under
//! `refs/notes/perfgate`, one note per commit, pushed and fetched like any ref.
//! Recording merges with the note already there by suite name, so two jobs
//! that record different suites of the same commit both keep their results.

mod index;
mod merge;
mod prune;

use git2::{Oid, Repository, Signature};

pub use index::NotesIndex;
pub use merge::{merge_into_notes_ref, merge_refs};
pub use prune::{prune, Pruned, Recorded, Retention};

use crate::model::{ResultSet, RESULTS_SCHEMA};
use crate::runner::checkout::GitError;

/// The notes ref perfgate reads and writes.
pub const NOTES_REF: &str = "refs/notes/perfgate";

/// The results stored for `commit`, if any.
pub fn read(repo: &Repository, commit: Oid) -> Result<Option<ResultSet>, GitError> {
    let note = match repo.find_note(Some(NOTES_REF), commit) {
        Ok(note) => note,
        Err(error) if error.code() == git2::ErrorCode::NotFound => return Ok(None),
        Err(error) => {
            return Err(GitError(format!("cannot read the note of {commit} in {NOTES_REF}: {}", error.message())))
        }
    };
    parse(commit, note.message_bytes()).map(Some)
}

/// A note's text as results, or a clear error naming the commit.
fn parse(commit: Oid, bytes: &[u8]) -> Result<ResultSet, GitError> {
    let text = std::str::from_utf8(bytes).map_err(|_| corrupt(commit, "it is not UTF-8 text".into()))?;
    let set: ResultSet = serde_json::from_str(text).map_err(|e| {
        corrupt(commit, format!("invalid results JSON at line {}, column {}: {e}", e.line(), e.column()))
    })?;
    if set.schema != RESULTS_SCHEMA {
        return Err(corrupt(commit, format!("results schema {} (this perfgate reads {RESULTS_SCHEMA})", set.schema)));
    }
    Ok(set)
}

fn corrupt(commit: Oid, what: String) -> GitError {
    GitError(format!(
        "the note of commit {commit} in {NOTES_REF} is not a perfgate results file: {what}; \
         record it again with `perfgate record`, or remove it with `git notes --ref perfgate remove {commit}`"
    ))
}

/// Store `results` as the note of `commit`, merged with what is there: suites with the same name are
/// replaced, the others kept. Returns the merged set.
pub fn record(repo: &Repository, commit: Oid, results: ResultSet) -> Result<ResultSet, GitError> {
    let merged = merge_by_suite(read(repo, commit)?.unwrap_or_else(|| ResultSet::new(Vec::new())), results);
    let text = serde_json::to_string(&merged).map_err(|e| GitError(format!("cannot serialize results: {e}")))?;
    let signature = repo
        .signature()
        .or_else(|_| Signature::now("perfgate", "perfgate@localhost"))
        .map_err(|e| GitError(format!("cannot make a signature for the note: {}", e.message())))?;
    repo.note(&signature, &signature, Some(NOTES_REF), commit, &text, true)
        .map_err(|e| GitError(format!("cannot write the note of {commit}: {}", e.message())))?;
    Ok(merged)
}

/// The suites of both sets, `newer`'s where both have one of that name, sorted by name.
fn merge_by_suite(older: ResultSet, newer: ResultSet) -> ResultSet {
    let mut merged = older;
    for suite in newer.suites {
        merged.suites.retain(|existing| existing.name != suite.name);
        merged.suites.push(suite);
    }
    merged.suites.sort_by(|a, b| a.name.cmp(&b.name));
    merged.meta.extend(newer.meta);
    merged
}

/// Every commit with a note, newest commit first (by commit time; notes of
/// commits this clone does not have come last).
pub fn list(repo: &Repository) -> Result<Vec<Oid>, GitError> {
    Ok(NotesIndex::load(repo)?.newest_first(repo))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Benchmark, SuiteResults, Unit};
    use crate::testing::TestRepo;

    fn results(suite: &str, value: f64) -> ResultSet {
        let bench = Benchmark::with_samples("parse", "time", Unit::Ns, vec![value, value + 1.0]);
        ResultSet::new(vec![SuiteResults { name: suite.into(), benchmarks: vec![bench] }])
    }

    #[test]
    fn records_round_trip_and_merge_by_suite() {
        let repo = TestRepo::new();
        let commit = repo.commit("a.txt", "x", "first");
        let git = repo.open();
        assert_eq!(read(&git, commit).unwrap(), None);
        record(&git, commit, results("micro", 10.0)).unwrap();
        assert_eq!(read(&git, commit).unwrap(), Some(results("micro", 10.0)));
        // A second job records another suite of the same commit: both are kept.
        record(&git, commit, results("api", 5.0)).unwrap();
        let stored = read(&git, commit).unwrap().unwrap();
        let names: Vec<&str> = stored.suites.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["api", "micro"]);
        // Recording a suite again replaces it.
        record(&git, commit, results("micro", 20.0)).unwrap();
        let stored = read(&git, commit).unwrap().unwrap();
        assert_eq!(stored.suites[1].benchmarks[0].samples, [20.0, 21.0]);
        assert_eq!(list(&git).unwrap(), [commit]);
    }

    #[test]
    fn a_corrupt_note_is_a_clear_error() {
        let repo = TestRepo::new();
        let commit = repo.commit("a.txt", "x", "first");
        let git = repo.open();
        let signature = Signature::now("t", "t@t").unwrap();
        git.note(&signature, &signature, Some(NOTES_REF), commit, "{\"schema\": 1, \"suites\": [", true).unwrap();
        let error = read(&git, commit).unwrap_err().0;
        assert!(error.contains("is not a perfgate results file: invalid results JSON at line 1"), "{error}");
        assert!(error.contains("perfgate record"), "{error}");
        // Recording over it is refused too (nothing is silently thrown away).
        assert!(record(&git, commit, results("micro", 1.0)).is_err());
    }

    /// A notes tree as git lays it out when notes get many: `ab/cdef…` and
    /// `ab/cd/ef…` subtrees, here mixed with a flat entry.
    fn fanout_notes(git: &Repository, notes: &[(Oid, ResultSet, usize)]) {
        fn insert(git: &Repository, builder: &mut git2::TreeBuilder, name: &str, blob: Oid, levels: usize) {
            if levels == 0 {
                builder.insert(name, blob, 0o100644).unwrap();
                return;
            }
            let existing = builder.get(&name[..2]).unwrap().map(|entry| entry.id());
            let mut sub = git.treebuilder(existing.map(|id| git.find_tree(id).unwrap()).as_ref()).unwrap();
            insert(git, &mut sub, &name[2..], blob, levels - 1);
            builder.insert(&name[..2], sub.write().unwrap(), 0o040000).unwrap();
        }
        let mut root = git.treebuilder(None).unwrap();
        for (commit, set, levels) in notes {
            let blob = git.blob(serde_json::to_string(set).unwrap().as_bytes()).unwrap();
            insert(git, &mut root, &commit.to_string(), blob, *levels);
        }
        let tree = git.find_tree(root.write().unwrap()).unwrap();
        let signature = Signature::now("t", "t@t").unwrap();
        git.commit(Some(NOTES_REF), &signature, &signature, "notes", &tree, &[]).unwrap();
    }

    #[test]
    fn flat_and_fanout_notes_are_both_read() {
        let repo = TestRepo::new();
        let commits: Vec<Oid> = (0..3).map(|i| repo.commit("a.txt", &i.to_string(), "c")).collect();
        let git = repo.open();
        let notes: Vec<(Oid, ResultSet, usize)> =
            commits.iter().enumerate().map(|(i, &c)| (c, results("micro", i as f64), i)).collect();
        fanout_notes(&git, &notes);
        let index = NotesIndex::load(&git).unwrap();
        assert_eq!(index.notes.len(), 3);
        for (commit, set, _) in &notes {
            assert_eq!(index.read(&git, *commit).unwrap().as_ref(), Some(set));
            // libgit2's own lookup agrees.
            assert_eq!(read(&git, *commit).unwrap().as_ref(), Some(set));
        }
        let mut listed = list(&git).unwrap();
        listed.sort();
        let mut expected = commits.clone();
        expected.sort();
        assert_eq!(listed, expected);
        // Recording into a fanout tree keeps the others.
        record(&git, commits[2], results("api", 9.0)).unwrap();
        let index = NotesIndex::load(&git).unwrap();
        assert_eq!(index.notes.len(), 3);
        assert_eq!(index.read(&git, commits[2]).unwrap().unwrap().suites.len(), 2);
    }

    #[test]
    fn no_notes_ref_lists_nothing() {
        let repo = TestRepo::new();
        repo.commit("a.txt", "x", "first");
        assert!(list(&repo.open()).unwrap().is_empty());
    }
}
