//! Tests of merging diverged notes histories.

use git2::{Signature, Time};

use super::*;
use crate::baseline::notes::NOTES_REF;
use crate::model::{Benchmark, SuiteResults, Unit};
use crate::testing::TestRepo;

fn suite(name: &str, value: f64) -> SuiteResults {
    SuiteResults {
        name: name.into(),
        benchmarks: vec![Benchmark::with_samples("parse", "time", Unit::Ns, vec![value])],
    }
}

fn set(suites: Vec<SuiteResults>) -> ResultSet {
    ResultSet::new(suites)
}

/// Writes `results` as the note of `commit` on the notes history at `parent`
/// (`None`: a new history) at `time`, and returns the new notes commit.
fn note_at(git: &Repository, parent: Option<Oid>, commit: Oid, results: &ResultSet, time: i64) -> Oid {
    let signature = Signature::new("t", "t@t", &Time::new(time, 0)).unwrap();
    match parent {
        Some(parent) => git.reference(NOTES_REF, parent, true, "test").map(|_| ()).unwrap(),
        None => {
            let _ = git.find_reference(NOTES_REF).map(|mut r| r.delete());
        }
    }
    let text = serde_json::to_string(results).unwrap();
    git.note(&signature, &signature, Some(NOTES_REF), commit, &text, true).unwrap();
    git.refname_to_id(NOTES_REF).unwrap()
}

fn stored(git: &Repository, notes_commit: Oid, commit: Oid) -> Option<ResultSet> {
    NotesIndex::at(git, notes_commit).unwrap().read(git, commit).unwrap()
}

#[test]
fn diverged_histories_keep_every_suite() {
    let repo = TestRepo::new();
    let (a, b, c) = (repo.commit("f", "1", "a"), repo.commit("f", "2", "b"), repo.commit("f", "3", "c"));
    let git = repo.open();
    let base = note_at(&git, None, a, &set(vec![suite("micro", 1.0)]), 100);
    // Ours: another suite of `a`, and a first record of `b`.
    let ours = note_at(&git, Some(base), a, &set(vec![suite("api", 5.0), suite("micro", 1.0)]), 200);
    let ours = note_at(&git, Some(ours), b, &set(vec![suite("micro", 2.0)]), 210);
    // Theirs (older): `micro` of `a` recorded again, `b` with a conflicting `micro` and its own `db`, and `c`.
    let theirs = note_at(&git, Some(base), a, &set(vec![suite("micro", 1.5)]), 150);
    let theirs = note_at(&git, Some(theirs), b, &set(vec![suite("db", 7.0), suite("micro", 9.0)]), 160);
    let theirs = note_at(&git, Some(theirs), c, &set(vec![suite("micro", 3.0)]), 170);

    let merged = merge_refs(&git, ours, theirs).unwrap();
    let parents: Vec<Oid> = git.find_commit(merged).unwrap().parent_ids().collect();
    assert_eq!(parents, [ours, theirs]);
    // `a`: our new suite, and their change of the suite we left alone.
    assert_eq!(stored(&git, merged, a), Some(set(vec![suite("api", 5.0), suite("micro", 1.5)])));
    // `b`: both changed `micro`; ours is the newer notes commit.
    assert_eq!(stored(&git, merged, b), Some(set(vec![suite("db", 7.0), suite("micro", 2.0)])));
    assert_eq!(stored(&git, merged, c), Some(set(vec![suite("micro", 3.0)])));
    // The same merge the other way round agrees, and merging again changes nothing.
    let reverse = merge_refs(&git, theirs, ours).unwrap();
    assert_eq!(NotesIndex::at(&git, reverse).unwrap().notes, NotesIndex::at(&git, merged).unwrap().notes);
    assert_eq!(merge_refs(&git, merged, ours).unwrap(), merged);
    assert_eq!(merge_refs(&git, theirs, merged).unwrap(), merged);
}

#[test]
fn a_note_removed_on_one_side_stays_removed() {
    let repo = TestRepo::new();
    let (a, b) = (repo.commit("f", "1", "a"), repo.commit("f", "2", "b"));
    let git = repo.open();
    let base = note_at(&git, None, a, &set(vec![suite("micro", 1.0)]), 100);
    let base = note_at(&git, Some(base), b, &set(vec![suite("micro", 2.0)]), 110);
    // Ours pruned `a`; theirs recorded `b` again.
    let mut pruned = NotesIndex::at(&git, base).unwrap().notes;
    pruned.remove(&a);
    let ours = write_notes_commit(&git, &pruned, &[base], "prune").unwrap();
    let theirs = note_at(&git, Some(base), b, &set(vec![suite("micro", 2.5)]), 120);
    let merged = merge_refs(&git, ours, theirs).unwrap();
    assert_eq!(stored(&git, merged, a), None);
    assert_eq!(stored(&git, merged, b), Some(set(vec![suite("micro", 2.5)])));
}

#[test]
fn merging_into_the_notes_ref_creates_or_moves_it() {
    let repo = TestRepo::new();
    let a = repo.commit("f", "1", "a");
    let git = repo.open();
    let theirs = note_at(&git, None, a, &set(vec![suite("micro", 1.0)]), 100);
    git.reference("refs/notes/perfgate-origin", theirs, true, "fetched").unwrap();
    git.find_reference(NOTES_REF).unwrap().delete().unwrap();
    assert_eq!(merge_into_notes_ref(&git, "refs/notes/perfgate-origin").unwrap(), theirs);
    assert_eq!(git.refname_to_id(NOTES_REF).unwrap(), theirs);
    let error = merge_into_notes_ref(&git, "refs/notes/nothing").unwrap_err().0;
    assert!(error.contains("cannot read the notes ref \"refs/notes/nothing\""), "{error}");
}

#[test]
fn a_corrupt_note_on_either_side_is_an_error() {
    let repo = TestRepo::new();
    let a = repo.commit("f", "1", "a");
    let git = repo.open();
    let base = note_at(&git, None, a, &set(vec![suite("micro", 1.0)]), 100);
    let ours = note_at(&git, Some(base), a, &set(vec![suite("micro", 2.0)]), 110);
    git.reference(NOTES_REF, base, true, "test").unwrap();
    let signature = Signature::new("t", "t@t", &Time::new(120, 0)).unwrap();
    git.note(&signature, &signature, Some(NOTES_REF), a, "{not json", true).unwrap();
    let theirs = git.refname_to_id(NOTES_REF).unwrap();
    let error = merge_refs(&git, ours, theirs).unwrap_err().0;
    assert!(error.contains("is not a perfgate results file"), "{error}");
}
