//! Merging two notes histories (a fetched remote's and ours) without losing
//! a suite: the notes contain JSON, so git's line-based `union` strategy
//! would corrupt them. A three-way merge against the histories' merge base
//! instead, per annotated commit and, where both sides changed its note, per
//! suite: what changed on one side only is taken from that side (a removed
//! note too); a suite changed on both sides is taken from the newer notes commit.

use std::collections::{BTreeSet, HashMap};

use git2::{Oid, Repository};

use super::index::{move_notes_ref, write_notes_commit, NotesIndex};
use super::{merge_by_suite, parse};
use crate::model::ResultSet;
use crate::runner::checkout::GitError;

/// Merges the notes commits `ours` and `theirs`: the one that contains the
/// other, or a new merge notes commit with both as parents. No ref moves.
pub fn merge_refs(repo: &Repository, ours: Oid, theirs: Oid) -> Result<Oid, GitError> {
    let failed =
        |e: git2::Error| GitError(format!("cannot merge the notes commits {ours} and {theirs}: {}", e.message()));
    if ours == theirs || repo.graph_descendant_of(ours, theirs).map_err(failed)? {
        return Ok(ours);
    }
    if repo.graph_descendant_of(theirs, ours).map_err(failed)? {
        return Ok(theirs);
    }
    let base = match repo.merge_base(ours, theirs) {
        Ok(base) => NotesIndex::at(repo, base)?.notes,
        Err(error) if error.code() == git2::ErrorCode::NotFound => HashMap::new(),
        Err(error) => return Err(failed(error)),
    };
    let (our_notes, their_notes) = (NotesIndex::at(repo, ours)?.notes, NotesIndex::at(repo, theirs)?.notes);
    let theirs_newer = commit_time(repo, theirs)? > commit_time(repo, ours)?;
    let commits: BTreeSet<Oid> = our_notes.keys().chain(their_notes.keys()).copied().collect();
    let mut merged = HashMap::new();
    for commit in commits {
        let (o, t, b) = (our_notes.get(&commit), their_notes.get(&commit), base.get(&commit));
        let note = match (o, t) {
            _ if o == t => o.copied(),
            _ if o == b => t.copied(),
            _ if t == b => o.copied(),
            (Some(&o), Some(&t)) => Some(merge_notes(repo, commit, [b.copied(), Some(o), Some(t)], theirs_newer)?),
            // Removed on one side, changed on the other: the change is kept.
            (only, other) => only.or(other).copied(),
        };
        if let Some(blob) = note {
            merged.insert(commit, blob);
        }
    }
    write_notes_commit(repo, &merged, &[ours, theirs], "perfgate: merge notes by suite")
}

/// Merges the notes commit of `theirs` (e.g. `refs/notes/perfgate-origin`,
/// fetched) into [`NOTES_REF`](super::NOTES_REF), which it creates when missing. Returns the new notes commit.
pub fn merge_into_notes_ref(repo: &Repository, theirs: &str) -> Result<Oid, GitError> {
    let their_commit = repo
        .revparse_single(theirs)
        .and_then(|object| object.peel_to_commit())
        .map_err(|e| GitError(format!("cannot read the notes ref {theirs:?}: {}", e.message())))?
        .id();
    let ours = NotesIndex::load(repo)?.notes_commit;
    let merged = match ours {
        Some(ours) => merge_refs(repo, ours, their_commit)?,
        None => their_commit,
    };
    if ours != Some(merged) {
        move_notes_ref(repo, ours, merged, &format!("perfgate: merge {theirs}"))?;
    }
    Ok(merged)
}

fn commit_time(repo: &Repository, commit: Oid) -> Result<i64, GitError> {
    repo.find_commit(commit)
        .map(|c| c.time().seconds())
        .map_err(|e| GitError(format!("cannot read the notes commit {commit}: {}", e.message())))
}

/// One commit's notes `[base, ours, theirs]` merged by suite, as a new blob.
fn merge_notes(repo: &Repository, commit: Oid, blobs: [Option<Oid>; 3], theirs_newer: bool) -> Result<Oid, GitError> {
    let read = |blob: Option<Oid>| -> Result<Option<ResultSet>, GitError> {
        let Some(blob) = blob else { return Ok(None) };
        let blob =
            repo.find_blob(blob).map_err(|e| GitError(format!("cannot read the note of {commit}: {}", e.message())))?;
        parse(commit, blob.content()).map(Some)
    };
    let [base, ours, theirs] = blobs.map(read);
    let empty = || ResultSet::new(Vec::new());
    let (base, ours, theirs) = (base?, ours?.unwrap_or_else(empty), theirs?.unwrap_or_else(empty));
    let base_suite = |name: &str| base.as_ref().and_then(|set| set.suites.iter().find(|s| s.name == name));
    let (older, mut newer) = if theirs_newer { (ours, theirs) } else { (theirs, ours) };
    // A suite the newer side left as it was in the base yields to the older side's change.
    newer.suites.retain(|suite| {
        base_suite(&suite.name) != Some(suite) || !older.suites.iter().any(|other| other.name == suite.name)
    });
    let merged = merge_by_suite(older, newer);
    let text = serde_json::to_string(&merged).map_err(|e| GitError(format!("cannot serialize results: {e}")))?;
    repo.blob(text.as_bytes())
        .map_err(|e| GitError(format!("cannot write the merged note of {commit}: {}", e.message())))
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
