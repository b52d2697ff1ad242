//! Test support shared by unit and CLI tests: throw-away git repositories
//! (built with git2, in temporary folders). Not part of the supported API.

use std::path::{Path, PathBuf};

use git2::{Oid, Repository, Signature};

pub struct TestRepo {
    folder: tempfile::TempDir,
}

impl Default for TestRepo {
    fn default() -> Self {
        Self::new()
    }
}

impl TestRepo {
    pub fn new() -> TestRepo {
        let folder = tempfile::tempdir().expect("temp folder");
        Repository::init(folder.path()).expect("git init");
        TestRepo { folder }
    }

    pub fn path(&self) -> &Path {
        self.folder.path()
    }

    pub fn open(&self) -> Repository {
        Repository::open(self.path()).expect("open test repo")
    }

    /// Write `file` and commit it (and everything else in the tree) on the current branch.
    pub fn commit(&self, file: &str, content: &str, message: &str) -> Oid {
        let path: PathBuf = self.path().join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, content).unwrap();
        let repo = self.open();
        let mut index = repo.index().unwrap();
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let signature = Signature::now("perfgate tests", "tests@perfgate.invalid").unwrap();
        let parents: Vec<git2::Commit> = repo.head().ok().and_then(|h| h.peel_to_commit().ok()).into_iter().collect();
        let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
        repo.commit(Some("HEAD"), &signature, &signature, message, &tree, &parent_refs).unwrap()
    }

    /// Create branch `name` at HEAD (without switching to it).
    pub fn branch(&self, name: &str) {
        let repo = self.open();
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        repo.branch(name, &head, true).unwrap();
    }

    /// Create branch `name` at HEAD and switch to it.
    pub fn checkout_new_branch(&self, name: &str) {
        self.branch(name);
        self.open().set_head(&format!("refs/heads/{name}")).unwrap();
    }

    /// Switch to an existing branch, replacing the working tree's files with its tree.
    pub fn switch(&self, name: &str) {
        let repo = self.open();
        let target = repo.revparse_single(&format!("refs/heads/{name}")).unwrap();
        repo.checkout_tree(&target, Some(git2::build::CheckoutBuilder::new().force())).unwrap();
        repo.set_head(&format!("refs/heads/{name}")).unwrap();
    }

    /// Every ref and where it points, for before/after comparisons.
    pub fn refs(&self) -> Vec<(String, Option<Oid>)> {
        let repo = self.open();
        let mut refs: Vec<(String, Option<Oid>)> =
            repo.references().unwrap().flatten().map(|r| (r.name().unwrap_or("").to_string(), r.target())).collect();
        refs.push(("HEAD".into(), repo.head().ok().and_then(|h| h.target())));
        refs.sort();
        refs
    }
}
