//! Retention: removing the notes of old commits in one new notes commit.

use git2::{Oid, Repository};

use super::index::{move_notes_ref, write_notes_commit, NotesIndex};
use crate::runner::checkout::GitError;

/// Which notes to keep, by the commit time of the annotated commits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Retention {
    /// The newest `N` recorded commits.
    Newest(usize),
    /// Commits made at or after this time (seconds since the epoch).
    Since(i64),
}

/// A recorded commit and its commit time (`None`: not in this clone).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recorded {
    pub commit: Oid,
    pub time: Option<i64>,
}

/// What [`prune`] removed and kept, each newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Pruned {
    pub removed: Vec<Recorded>,
    /// Kept notes, those of commits this clone does not have (which cannot be dated) included.
    pub kept: Vec<Recorded>,
    /// The new notes commit; `None` for a dry run or when nothing was removed.
    pub notes_commit: Option<Oid>,
}

/// Removes the notes `retention` does not keep, in one notes commit on top
/// of the current one; with `dry_run`, only says which.
pub fn prune(repo: &Repository, retention: Retention, dry_run: bool) -> Result<Pruned, GitError> {
    let index = NotesIndex::load(repo)?;
    let mut recorded: Vec<Recorded> = index
        .notes
        .keys()
        .map(|&commit| Recorded { commit, time: repo.find_commit(commit).ok().map(|c| c.time().seconds()) })
        .collect();
    recorded.sort_by_key(|point| std::cmp::Reverse((point.time, point.commit)));
    let (mut removed, mut kept) = (Vec::new(), Vec::new());
    let mut dated = 0;
    for point in recorded {
        let keep = match (point.time, retention) {
            (None, _) => true,
            (Some(_), Retention::Newest(n)) => dated < n,
            (Some(time), Retention::Since(since)) => time >= since,
        };
        dated += usize::from(point.time.is_some());
        if keep {
            kept.push(point);
        } else {
            removed.push(point);
        }
    }
    let notes_commit = match index.notes_commit {
        Some(current) if !dry_run && !removed.is_empty() => {
            let mut notes = index.notes;
            for point in &removed {
                notes.remove(&point.commit);
            }
            let message = format!("perfgate: prune {} notes, keep {}", removed.len(), kept.len());
            let pruned = write_notes_commit(repo, &notes, &[current], &message)?;
            move_notes_ref(repo, Some(current), pruned, &message)?;
            Some(pruned)
        }
        _ => None,
    };
    Ok(Pruned { removed, kept, notes_commit })
}

#[cfg(test)]
mod tests {
    use git2::{Signature, Time};

    use super::*;
    use crate::baseline::notes::{list, NOTES_REF};
    use crate::testing::TestRepo;

    /// Commits at the given times (seconds), each with a note.
    fn recorded_at(repo: &TestRepo, times: &[i64]) -> Vec<Oid> {
        let git = repo.open();
        let tree = git.find_tree(git.treebuilder(None).unwrap().write().unwrap()).unwrap();
        let mut parent: Option<Oid> = None;
        times
            .iter()
            .map(|&time| {
                let signature = Signature::new("t", "t@t", &Time::new(time, 0)).unwrap();
                let parents: Vec<git2::Commit> = parent.iter().map(|id| git.find_commit(*id).unwrap()).collect();
                let refs: Vec<&git2::Commit> = parents.iter().collect();
                let commit = git.commit(Some("HEAD"), &signature, &signature, "c", &tree, &refs).unwrap();
                git.note(&signature, &signature, Some(NOTES_REF), commit, "{}", true).unwrap();
                parent = Some(commit);
                commit
            })
            .collect()
    }

    #[test]
    fn keeps_the_newest_or_the_recent_in_one_notes_commit() {
        let repo = TestRepo::new();
        let commits = recorded_at(&repo, &[100, 200, 300, 400, 500]);
        let git = repo.open();
        let before = git.refname_to_id(NOTES_REF).unwrap();
        let dry = prune(&git, Retention::Newest(2), true).unwrap();
        let ids = |points: &[Recorded]| points.iter().map(|p| p.commit).collect::<Vec<_>>();
        assert_eq!(ids(&dry.removed), [commits[2], commits[1], commits[0]]);
        assert_eq!(ids(&dry.kept), [commits[4], commits[3]]);
        assert_eq!((dry.notes_commit, git.refname_to_id(NOTES_REF).unwrap()), (None, before));

        let pruned = prune(&git, Retention::Since(300), false).unwrap();
        assert_eq!(ids(&pruned.removed), [commits[1], commits[0]]);
        let notes_commit = pruned.notes_commit.unwrap();
        assert_eq!(git.refname_to_id(NOTES_REF).unwrap(), notes_commit);
        assert_eq!(git.find_commit(notes_commit).unwrap().parent_ids().collect::<Vec<_>>(), [before]);
        assert_eq!(list(&git).unwrap(), [commits[4], commits[3], commits[2]]);
        // Nothing more to remove: no new notes commit.
        assert_eq!(prune(&git, Retention::Newest(3), false).unwrap().notes_commit, None);
    }

    #[test]
    fn notes_of_commits_not_in_this_clone_are_kept() {
        let repo = TestRepo::new();
        let commits = recorded_at(&repo, &[100, 200]);
        let git = repo.open();
        let signature = Signature::now("t", "t@t").unwrap();
        let stranger = Oid::from_str("1234567890123456789012345678901234567890").unwrap();
        git.note(&signature, &signature, Some(NOTES_REF), stranger, "{}", true).unwrap();
        let pruned = prune(&git, Retention::Newest(1), false).unwrap();
        assert_eq!(pruned.removed.iter().map(|p| p.commit).collect::<Vec<_>>(), [commits[0]]);
        assert_eq!(
            pruned.kept.iter().map(|p| (p.commit, p.time)).collect::<Vec<_>>(),
            [(commits[1], Some(200)), (stranger, None)]
        );
    }
}
