//! The git side of a re-run baseline (git2 only): which commit is the base
//! (the merge-base of HEAD and a ref), and a temporary checkout of it outside
//! the user's tree. The checkout writes files into a fresh temporary folder
//! only: the user's working tree, index, HEAD and branches are never touched,
//! and nothing is registered in `.git`, so even a killed run leaves no
//! worktree behind; the folder itself is removed when the checkout is dropped.

use std::path::{Path, PathBuf};

use git2::{build::CheckoutBuilder, BranchType, Oid, Repository, StatusOptions};

/// A problem with the repository or the refs.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct GitError(pub String);

impl GitError {
    /// `error`, with what was being done.
    pub fn context(context: &str, error: git2::Error) -> Self {
        GitError(format!("{context}: {}", error.message()))
    }
}

/// The repository containing `path`.
pub fn open_repository(path: &Path) -> Result<Repository, GitError> {
    Repository::discover(path).map_err(|e| {
        GitError(format!(
            "{} is not inside a git repository ({}); source = \"rerun\" and \"notes\" need one — use source = \"file\" or \"none\" outside git",
            path.display(),
            e.message()
        ))
    })
}

/// The commit HEAD points at.
pub fn head_commit(repo: &Repository) -> Result<Oid, GitError> {
    let head = repo.head().map_err(|e| GitError::context("cannot read HEAD (is there a commit yet?)", e))?;
    head.peel_to_commit().map(|c| c.id()).map_err(|e| GitError::context("HEAD does not point at a commit", e))
}

/// The ref to compare against when `[baseline] ref` is not set: the upstream
/// of the current branch when it is another branch (a feature branch made from
/// `origin/main`), else the remote's default branch (`origin/HEAD`), else
/// `origin/main`, `main`, `origin/master`, `master`. A branch's own
/// counterpart on the remote (`feature` tracking `origin/feature`) is never
/// the baseline: it is the branch itself.
pub fn default_ref(repo: &Repository) -> Result<String, GitError> {
    if let Some(upstream) = other_branch_upstream(repo) {
        return Ok(upstream);
    }
    trunk_ref(repo).ok_or_else(|| {
            GitError(
                "cannot tell what to compare against: the current branch has no upstream other than itself and there is no origin/HEAD, origin/main or main; set [baseline] ref"
                    .into(),
            )
        })
}

/// The branch changes merge into: the remote's default branch (`origin/HEAD`), else the first of
/// `origin/main`, `main`, `origin/master`, `master` that exists.
pub fn trunk_ref(repo: &Repository) -> Option<String> {
    remote_default_branch(repo).or_else(|| {
        ["origin/main", "main", "origin/master", "master"]
            .into_iter()
            .find(|candidate| repo.revparse_single(candidate).is_ok())
            .map(String::from)
    })
}

/// The upstream of the current branch (`origin/main`), unless it is the branch's own name on a remote.
fn other_branch_upstream(repo: &Repository) -> Option<String> {
    let head = repo.head().ok().filter(|head| head.is_branch())?;
    let name = head.shorthand()?;
    let upstream = repo.find_branch(name, BranchType::Local).and_then(|b| b.upstream()).ok()?;
    let upstream_name = upstream.name().ok().flatten()?.to_string();
    let upstream_branch = upstream_name.split_once('/').map_or(upstream_name.as_str(), |(_, branch)| branch);
    (upstream_branch != name).then_some(upstream_name)
}

/// The branch `origin/HEAD` points at (`origin/master` in a clone of a repository whose default
/// branch is master), when the clone knows it.
pub fn remote_default_branch(repo: &Repository) -> Option<String> {
    let reference = repo.find_reference("refs/remotes/origin/HEAD").ok()?;
    let target = reference.symbolic_target()?;
    target.strip_prefix("refs/remotes/").map(String::from)
}

/// What makes a comparison of HEAD (its working tree when `dirty`) with `base` meaningless,
/// said with the fix: a baseline that is HEAD itself, in particular in a shallow clone.
pub fn baseline_warnings(repo: &Repository, head: Oid, base: Oid, git_ref: &str, dirty: bool) -> Vec<String> {
    if base != head || dirty {
        return Vec::new();
    }
    let short = &base.to_string()[..10];
    let fix = if repo.is_shallow() {
        "The clone is shallow (CI checkouts fetch one commit by default): fetch the history with `fetch-depth: 0` \
         in actions/checkout, or `git fetch --unshallow origin`, and compare against the branch the change merges into \
         ([baseline] ref, e.g. origin/main)."
    } else {
        "Set [baseline] ref to the branch the change merges into (e.g. origin/main), or run the check on a branch \
         with commits of its own."
    };
    vec![format!(
        "The baseline commit {short} (the merge-base of HEAD and {git_ref}) is HEAD itself: this check compares the \
         code with itself and cannot see a regression. {fix}"
    )]
}

/// The merge-base of HEAD and `git_ref`: the commit the branch started from.
pub fn merge_base(repo: &Repository, head: Oid, git_ref: &str) -> Result<Oid, GitError> {
    let target = repo
        .revparse_single(git_ref)
        .and_then(|object| object.peel_to_commit())
        .map_err(|e| GitError::context(&format!("cannot resolve [baseline] ref {git_ref:?}"), e))?;
    repo.merge_base(head, target.id()).map_err(|e| {
        let shallow = if repo.is_shallow() {
            " in this shallow clone (CI checkouts fetch one commit by default); fetch the history with \
             `fetch-depth: 0` in actions/checkout, or `git fetch --unshallow origin`"
        } else {
            ""
        };
        GitError::context(&format!("HEAD and {git_ref:?} have no common ancestor{shallow}"), e)
    })
}

/// The commit `rev` names (a sha, a branch, a tag, `HEAD~3`).
pub fn resolve_commit(repo: &Repository, rev: &str) -> Result<Oid, GitError> {
    repo.revparse_single(rev)
        .and_then(|object| object.peel_to_commit())
        .map(|commit| commit.id())
        .map_err(|e| GitError::context(&format!("cannot resolve {rev:?} to a commit"), e))
}

/// The commit `[baseline] anchor` names (a tag, a branch, a sha), which must be an ancestor of `head`.
pub fn anchor_commit(repo: &Repository, head: Oid, anchor: &str) -> Result<Oid, GitError> {
    let commit = repo.revparse_single(anchor).and_then(|object| object.peel_to_commit()).map_err(|e| {
        let fetch = if repo.is_shallow() {
            " (this is a shallow clone: fetch tags and history with `fetch-depth: 0`)"
        } else {
            ""
        };
        GitError::context(&format!("cannot resolve [baseline] anchor {anchor:?} to a commit{fetch}"), e)
    })?;
    let ancestor = commit.id() == head || repo.graph_descendant_of(head, commit.id()).unwrap_or(false);
    if !ancestor {
        return Err(GitError(format!(
            "[baseline] anchor {anchor:?} ({}) is not an ancestor of HEAD, so there is no drift since it to judge; \
             name a tag or commit on this branch's history",
            &commit.id().to_string()[..10]
        )));
    }
    Ok(commit.id())
}

/// Files and lines changed from `base` to the working tree (staged and unstaged changes included,
/// untracked files not).
pub fn change_size(repo: &Repository, base: Oid) -> Result<(usize, usize, usize), GitError> {
    let tree = repo
        .find_commit(base)
        .and_then(|c| c.tree())
        .map_err(|e| GitError::context("cannot read the merge-base", e))?;
    let diff = repo
        .diff_tree_to_workdir_with_index(Some(&tree), None)
        .map_err(|e| GitError::context("cannot diff against the merge-base", e))?;
    let stats = diff.stats().map_err(|e| GitError::context("cannot count the changed lines", e))?;
    Ok((stats.files_changed(), stats.insertions(), stats.deletions()))
}

/// Whether the working tree differs from HEAD (modified, staged or new files).
pub fn is_dirty(repo: &Repository) -> bool {
    let mut options = StatusOptions::new();
    options.include_untracked(true).include_ignored(false);
    repo.statuses(Some(&mut options)).map(|s| !s.is_empty()).unwrap_or(false)
}

/// A new temporary folder whose path is as long as the repository's working directory, where
/// the system's temporary folder allows: counted benchmarks run in their package's folder, and
/// under Valgrind the length of that path moves a few instructions of some benchmarks (7 of 600
/// on base64's smallest stream benchmarks), so base and head must be run from paths of one length.
fn same_length_folder(repo: &Repository) -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    let workdir_length = repo.workdir().map_or(0, |w| w.as_os_str().to_string_lossy().trim_end_matches('/').len());
    let name_length = workdir_length.saturating_sub(std::env::temp_dir().as_os_str().len() + 1);
    // The random part stays at least 6 characters long, as tempfile's default.
    match ["perfgate-base-", "pg-"].into_iter().find(|prefix| name_length >= prefix.len() + 6) {
        Some(prefix) => builder.prefix(prefix).rand_bytes(name_length - prefix.len()),
        None => builder.prefix("perfgate-base-"),
    };
    builder
}

/// A temporary checkout of one commit; removed from disk when dropped.
pub struct BaseCheckout {
    folder: tempfile::TempDir,
    pub commit: Oid,
}

impl BaseCheckout {
    /// Write the files of `commit` into a new temporary folder.
    pub fn create(repo: &Repository, commit: Oid) -> Result<BaseCheckout, GitError> {
        let folder = same_length_folder(repo)
            .tempdir()
            .map_err(|e| GitError(format!("cannot create a temporary folder for the base checkout: {e}")))?;
        let tree = repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| GitError::context(&format!("cannot read commit {commit}"), e))?;
        let mut checkout = CheckoutBuilder::new();
        checkout.target_dir(folder.path()).force().update_index(false).recreate_missing(true);
        repo.checkout_tree(tree.as_object(), Some(&mut checkout))
            .map_err(|e| GitError::context(&format!("cannot check out {commit}"), e))?;
        Ok(BaseCheckout { folder, commit })
    }

    /// The root of the checked-out tree (the counterpart of the repository's working directory).
    pub fn root(&self) -> &Path {
        self.folder.path()
    }

    /// Give every cargo package or workspace of the checkout that commits no `Cargo.lock` the
    /// working tree's (libraries often ignore it): without one, cargo resolves the newest
    /// dependencies for the checkout, and base and head would be built — and measured — with
    /// different versions of them. Returns the lock files copied, relative to the root.
    pub fn share_uncommitted_lockfiles(&self, repo: &Repository) -> Result<Vec<PathBuf>, GitError> {
        let Some(workdir) = repo.workdir() else { return Ok(Vec::new()) };
        let tree = repo
            .find_commit(self.commit)
            .and_then(|c| c.tree())
            .map_err(|e| GitError::context(&format!("cannot read commit {}", self.commit), e))?;
        let mut manifests = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |folder, entry| {
            if entry.name() == Some("Cargo.toml") {
                manifests.push(PathBuf::from(folder));
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(|e| GitError::context("cannot list the base commit's files", e))?;
        let mut copied = Vec::new();
        for folder in manifests {
            let lock = folder.join("Cargo.lock");
            let theirs = workdir.join(&lock);
            if tree.get_path(&lock).is_ok() || !theirs.is_file() {
                continue;
            }
            std::fs::copy(&theirs, self.root().join(&lock))
                .map_err(|e| GitError(format!("cannot copy {} into the base checkout: {e}", theirs.display())))?;
            copied.push(lock);
        }
        Ok(copied)
    }
}

/// Where `path` (inside the repository's working tree) is, relative to that tree's root.
pub fn relative_to_workdir(repo: &Repository, path: &Path) -> Result<PathBuf, GitError> {
    let workdir =
        repo.workdir().ok_or_else(|| GitError("the repository is bare: there is no working tree to measure".into()))?;
    let workdir = workdir.canonicalize().unwrap_or_else(|_| workdir.to_path_buf());
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    path.strip_prefix(&workdir)
        .map(Path::to_path_buf)
        .map_err(|_| GitError(format!("{} is outside the repository at {}", path.display(), workdir.display())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestRepo;

    #[test]
    fn merge_base_and_default_ref() {
        let repo = TestRepo::new();
        let base = repo.commit("a.txt", "one", "base");
        repo.branch("main");
        repo.checkout_new_branch("feature");
        let feature = repo.commit("a.txt", "two", "feature work");
        let git = repo.open();
        assert_eq!(head_commit(&git).unwrap(), feature);
        assert_eq!(default_ref(&git).unwrap(), "main");
        assert_eq!(merge_base(&git, feature, "main").unwrap(), base);
        assert!(merge_base(&git, feature, "no-such-ref").unwrap_err().0.contains("no-such-ref"));
    }

    #[test]
    fn the_checkout_leaves_the_users_tree_index_and_refs_alone() {
        let repo = TestRepo::new();
        let base = repo.commit("a.txt", "base content", "base");
        repo.commit("a.txt", "head content", "head");
        std::fs::write(repo.path().join("a.txt"), "uncommitted edit").unwrap();
        let git = repo.open();
        let refs_before = repo.refs();
        let index_before = std::fs::read(repo.path().join(".git/index")).unwrap();
        let folder;
        {
            let checkout = BaseCheckout::create(&git, base).unwrap();
            folder = checkout.root().to_path_buf();
            assert_eq!(std::fs::read_to_string(folder.join("a.txt")).unwrap(), "base content");
        }
        assert!(!folder.exists(), "the temporary checkout is removed when dropped");
        assert_eq!(std::fs::read_to_string(repo.path().join("a.txt")).unwrap(), "uncommitted edit");
        assert_eq!(std::fs::read(repo.path().join(".git/index")).unwrap(), index_before);
        assert_eq!(repo.refs(), refs_before);
        assert!(is_dirty(&git));
        assert!(!repo.path().join(".git/worktrees").exists());
    }

    #[test]
    fn the_checkout_is_as_long_a_path_as_the_working_tree() {
        let repo = TestRepo::new();
        let commit = repo.commit("a.txt", "one", "base");
        let checkout = BaseCheckout::create(&repo.open(), commit).unwrap();
        let length = |path: &Path| path.as_os_str().len();
        assert_eq!(length(checkout.root()), length(repo.path()), "{}", checkout.root().display());
        assert!(checkout.root().starts_with(std::env::temp_dir()));
    }

    #[test]
    fn a_lock_file_the_commit_lacks_is_the_working_trees_and_a_committed_one_is_kept() {
        let repo = TestRepo::new();
        repo.commit("Cargo.toml", "[package]\nname = \"lib\"\n", "library");
        repo.commit("tool/Cargo.toml", "[package]\nname = \"tool\"\n", "tool");
        let base = repo.commit("tool/Cargo.lock", "committed tool lock", "tool lock");
        // The library ignores its lock file, as libraries often do; the user's tree has one.
        std::fs::write(repo.path().join("Cargo.lock"), "the user's resolution").unwrap();
        std::fs::write(repo.path().join("tool/Cargo.lock"), "edited tool lock").unwrap();
        let git = repo.open();
        let checkout = BaseCheckout::create(&git, base).unwrap();
        assert!(!checkout.root().join("Cargo.lock").exists());
        let copied = checkout.share_uncommitted_lockfiles(&git).unwrap();
        assert_eq!(copied, [PathBuf::from("Cargo.lock")]);
        assert_eq!(std::fs::read_to_string(checkout.root().join("Cargo.lock")).unwrap(), "the user's resolution");
        assert_eq!(std::fs::read_to_string(checkout.root().join("tool/Cargo.lock")).unwrap(), "committed tool lock");
    }

    #[test]
    fn a_branch_tracking_its_own_remote_counterpart_is_compared_with_the_remotes_default() {
        let repo = TestRepo::new();
        let trunk = repo.commit("a.txt", "trunk", "trunk");
        repo.checkout_new_branch("feature");
        let feature = repo.commit("a.txt", "feature", "feature");
        let git = repo.open();
        // As after `git push -u origin feature` in a clone of a repository whose default branch is master.
        git.reference("refs/remotes/origin/feature", feature, true, "test").unwrap();
        git.reference("refs/remotes/origin/master", trunk, true, "test").unwrap();
        git.reference_symbolic("refs/remotes/origin/HEAD", "refs/remotes/origin/master", true, "test").unwrap();
        let mut config = git.config().unwrap();
        config.set_str("branch.feature.remote", "origin").unwrap();
        config.set_str("branch.feature.merge", "refs/heads/feature").unwrap();
        assert_eq!(remote_default_branch(&git).as_deref(), Some("origin/master"));
        assert_eq!(default_ref(&git).unwrap(), "origin/master", "not origin/feature, the branch itself");
        assert_eq!(merge_base(&git, feature, &default_ref(&git).unwrap()).unwrap(), trunk);

        config.set_str("branch.feature.merge", "refs/heads/master").unwrap();
        assert_eq!(default_ref(&git).unwrap(), "origin/master", "an upstream that is another branch is used");
    }

    #[test]
    fn a_baseline_that_is_head_itself_is_said_with_the_fix_and_more_so_in_a_shallow_clone() {
        let repo = TestRepo::new();
        let head = repo.commit("a.txt", "one", "one");
        let git = repo.open();
        assert!(baseline_warnings(&git, head, head, "origin/main", true).is_empty(), "the working tree is the head");
        let warnings = baseline_warnings(&git, head, head, "origin/main", false);
        assert!(warnings[0].contains("is HEAD itself") && warnings[0].contains("[baseline] ref"), "{warnings:?}");
        // A clone made with --depth lists its cut-off commits in .git/shallow.
        std::fs::write(repo.path().join(".git/shallow"), format!("{head}\n")).unwrap();
        let git = repo.open();
        assert!(git.is_shallow());
        let warnings = baseline_warnings(&git, head, head, "origin/feature", false);
        assert!(warnings[0].contains("shallow") && warnings[0].contains("fetch-depth: 0"), "{warnings:?}");
        let other = repo.commit("a.txt", "two", "two");
        assert!(baseline_warnings(&git, other, head, "origin/main", false).is_empty());
    }
}
