//! Test support shared by unit and CLI tests: throw-away git repositories
//! (built with git2, in temporary folders), and checks that a process a
//! benchmark command started has really ended. Not part of the supported API.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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

    /// Create the annotated tag `name` at HEAD.
    pub fn tag(&self, name: &str) {
        let repo = self.open();
        let head = repo.head().unwrap().peel(git2::ObjectType::Commit).unwrap();
        let signature = git2::Signature::now("perfgate test", "test@perfgate.invalid").unwrap();
        repo.tag(name, &head, &signature, name, false).unwrap();
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

/// The pids a test command wrote to `path`, one a line (`sleep 30 & echo $! >> PIDFILE`).
pub fn recorded_pids(path: &Path) -> Vec<i32> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().map(|line| line.trim().parse().unwrap_or_else(|_| panic!("not a pid: {line:?}"))).collect()
}

/// Whether process `pid` has ended within `limit`: polled, since a killed process takes a moment to go.
pub fn ends_within(pid: i32, limit: Duration) -> bool {
    let started = Instant::now();
    while !has_ended(pid) {
        if started.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

/// Whether process `pid` is gone, or dead and only waiting to be reaped (a zombie).
pub fn has_ended(pid: i32) -> bool {
    !exists(pid) || is_zombie(pid)
}

fn exists(pid: i32) -> bool {
    // SAFETY: signal 0 sends nothing; kill(2) only reports whether the process exists.
    let answer = unsafe { libc::kill(pid, 0) };
    // EPERM: it exists, and belongs to someone else.
    answer == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// `/proc/PID/stat` reads `pid (name) state ...`; the name may hold spaces and parentheses.
fn is_zombie(pid: i32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_process_has_not_ended_a_zombie_and_a_reaped_one_have() {
        let mut running = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        let pid = running.id() as i32;
        assert!(!ends_within(pid, Duration::from_millis(100)), "a sleeping process has not ended");
        running.kill().unwrap();
        // Killed but not yet waited for: a zombie, which counts as ended.
        assert!(ends_within(pid, Duration::from_secs(1)), "a zombie has ended");
        running.wait().unwrap();
        assert!(has_ended(pid), "a reaped process has ended");
    }
}
