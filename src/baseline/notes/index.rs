//! The whole notes tree read once: commit → note blob.
//!
//! libgit2's `find_note` looks every note up from the notes tree again
//! (libgit2 issue #5793), which for a thousand recorded commits takes
//! seconds; the index walks the tree once and parses a note only when asked.
//! It reads both layouts git writes: flat `<40 hex>` entries, and the fanout
//! `ab/cdef…` subtrees `git notes` switches to when notes get many.

use std::collections::HashMap;

use git2::{ObjectType, Oid, Repository, Signature, Tree};

use super::{parse, NOTES_REF};
use crate::model::ResultSet;
use crate::runner::checkout::GitError;

/// Characters of a full sha in hex.
const SHA_HEX: usize = 40;

/// Every note of one notes commit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NotesIndex {
    /// The notes commit read, `None` when the ref does not exist.
    pub notes_commit: Option<Oid>,
    /// Annotated commit → its note's blob.
    pub notes: HashMap<Oid, Oid>,
}

impl NotesIndex {
    /// The notes of [`NOTES_REF`] (empty when it does not exist).
    pub fn load(repo: &Repository) -> Result<Self, GitError> {
        match repo.refname_to_id(NOTES_REF) {
            Ok(notes_commit) => Self::at(repo, notes_commit),
            Err(error) if error.code() == git2::ErrorCode::NotFound => Ok(NotesIndex::default()),
            Err(error) => Err(GitError(format!("cannot read {NOTES_REF}: {}", error.message()))),
        }
    }

    /// The notes of the notes commit `notes_commit`.
    pub fn at(repo: &Repository, notes_commit: Oid) -> Result<Self, GitError> {
        let tree = repo
            .find_commit(notes_commit)
            .and_then(|commit| commit.tree())
            .map_err(|e| GitError(format!("cannot read the notes commit {notes_commit}: {}", e.message())))?;
        let mut notes = HashMap::new();
        collect(repo, &tree, String::new(), &mut notes)?;
        Ok(NotesIndex { notes_commit: Some(notes_commit), notes })
    }

    /// The annotated commits, newest first by commit time; those this clone
    /// does not have come last.
    pub fn newest_first(&self, repo: &Repository) -> Vec<Oid> {
        let mut commits: Vec<(i64, Oid)> = self
            .notes
            .keys()
            .map(|&commit| (repo.find_commit(commit).map(|c| c.time().seconds()).unwrap_or(i64::MIN), commit))
            .collect();
        commits.sort_by(|a, b| b.cmp(a));
        commits.into_iter().map(|(_, commit)| commit).collect()
    }

    /// The results stored for `commit`, if any.
    pub fn read(&self, repo: &Repository, commit: Oid) -> Result<Option<ResultSet>, GitError> {
        let Some(blob) = self.notes.get(&commit) else { return Ok(None) };
        let blob = repo
            .find_blob(*blob)
            .map_err(|e| GitError(format!("cannot read the note of {commit}: {}", e.message())))?;
        parse(commit, blob.content()).map(Some)
    }
}

/// Adds the notes under `tree`, whose path spells the sha prefix `prefix`.
fn collect(repo: &Repository, tree: &Tree, prefix: String, notes: &mut HashMap<Oid, Oid>) -> Result<(), GitError> {
    for entry in tree.iter() {
        let Some(name) = entry.name().filter(|name| name.bytes().all(|b| b.is_ascii_hexdigit())) else { continue };
        let sha = format!("{prefix}{name}");
        match entry.kind() {
            Some(ObjectType::Blob) if sha.len() == SHA_HEX => {
                let commit = Oid::from_str(&sha).map_err(|e| GitError(format!("bad note name {sha}: {e}")))?;
                notes.insert(commit, entry.id());
            }
            Some(ObjectType::Tree) if sha.len() < SHA_HEX => {
                let subtree = repo
                    .find_tree(entry.id())
                    .map_err(|e| GitError(format!("cannot read the notes tree {sha}: {}", e.message())))?;
                collect(repo, &subtree, sha, notes)?;
            }
            // Anything else is not a note (git ignores it too).
            _ => {}
        }
    }
    Ok(())
}

/// Writes `notes` (commit → blob) as a flat notes tree (as libgit2 writes
/// notes; git reads it as well as a fanout one) in a new notes commit with `parents`.
pub(crate) fn write_notes_commit(
    repo: &Repository,
    notes: &HashMap<Oid, Oid>,
    parents: &[Oid],
    message: &str,
) -> Result<Oid, GitError> {
    let failed = |what: &str, e: git2::Error| GitError(format!("cannot {what}: {}", e.message()));
    let mut builder = repo.treebuilder(None).map_err(|e| failed("build a notes tree", e))?;
    for (commit, blob) in notes {
        builder.insert(commit.to_string(), *blob, 0o100644).map_err(|e| failed("build a notes tree", e))?;
    }
    let tree_id = builder.write().map_err(|e| failed("write a notes tree", e))?;
    let tree = repo.find_tree(tree_id).map_err(|e| failed("read the notes tree", e))?;
    let signature = repo
        .signature()
        .or_else(|_| Signature::now("perfgate", "perfgate@localhost"))
        .map_err(|e| failed("make a signature for the notes", e))?;
    let parents: Vec<git2::Commit> = parents
        .iter()
        .map(|id| repo.find_commit(*id))
        .collect::<Result<_, _>>()
        .map_err(|e| failed("read a notes commit", e))?;
    let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(None, &signature, &signature, message, &tree, &parent_refs)
        .map_err(|e| failed("write a notes commit", e))
}

/// Moves [`NOTES_REF`] from `from` (`None`: it must not exist yet) to `to`,
/// failing rather than overwriting a notes commit written meanwhile.
pub(crate) fn move_notes_ref(repo: &Repository, from: Option<Oid>, to: Oid, message: &str) -> Result<(), GitError> {
    let moved = match from {
        Some(from) => repo.reference_matching(NOTES_REF, to, true, from, message),
        None => repo.reference(NOTES_REF, to, false, message),
    };
    moved.map(|_| ()).map_err(|e| GitError(format!("cannot move {NOTES_REF} to {to}: {}", e.message())))
}
