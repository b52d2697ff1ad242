//! The git-notes store: normalized results of a commit under
//! `refs/notes/perfgate`, one note per commit, pushed and fetched like any ref.
//! Recording merges with the note already there by suite name, so two jobs
//! that record different suites of the same commit both keep their results.

use git2::{Oid, Repository, Signature};

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
    let text = note.message().ok_or_else(|| corrupt(commit, "it is not UTF-8 text".into()))?;
    let set: ResultSet = serde_json::from_str(text).map_err(|e| {
        corrupt(commit, format!("invalid results JSON at line {}, column {}: {e}", e.line(), e.column()))
    })?;
    if set.schema != RESULTS_SCHEMA {
        return Err(corrupt(commit, format!("results schema {} (this perfgate reads {RESULTS_SCHEMA})", set.schema)));
    }
    Ok(Some(set))
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
    let mut merged = read(repo, commit)?.unwrap_or_else(|| ResultSet::new(Vec::new()));
    for suite in results.suites {
        merged.suites.retain(|existing| existing.name != suite.name);
        merged.suites.push(suite);
    }
    merged.suites.sort_by(|a, b| a.name.cmp(&b.name));
    merged.meta.extend(results.meta);
    let text = serde_json::to_string(&merged).map_err(|e| GitError(format!("cannot serialize results: {e}")))?;
    let signature = repo
        .signature()
        .or_else(|_| Signature::now("perfgate", "perfgate@localhost"))
        .map_err(|e| GitError(format!("cannot make a signature for the note: {}", e.message())))?;
    repo.note(&signature, &signature, Some(NOTES_REF), commit, &text, true)
        .map_err(|e| GitError(format!("cannot write the note of {commit}: {}", e.message())))?;
    Ok(merged)
}

/// Every commit with a note, newest commit first.
pub fn list(repo: &Repository) -> Result<Vec<Oid>, GitError> {
    let notes = match repo.notes(Some(NOTES_REF)) {
        Ok(notes) => notes,
        Err(error) if error.code() == git2::ErrorCode::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(GitError(format!("cannot list {NOTES_REF}: {}", error.message()))),
    };
    let mut commits: Vec<(i64, Oid)> = notes
        .flatten()
        .map(|(_, commit)| (repo.find_commit(commit).map(|c| c.time().seconds()).unwrap_or(0), commit))
        .collect();
    commits.sort_by(|a, b| b.cmp(a));
    Ok(commits.into_iter().map(|(_, commit)| commit).collect())
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

    #[test]
    fn no_notes_ref_lists_nothing() {
        let repo = TestRepo::new();
        repo.commit("a.txt", "x", "first");
        assert!(list(&repo.open()).unwrap().is_empty());
    }
}
