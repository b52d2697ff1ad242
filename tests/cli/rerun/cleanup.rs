//! What a re-run check leaves behind: nothing. The temporary base checkout is
//! removed when the check ends — passed, failed on the base, or stopped by
//! Ctrl-C or SIGTERM — and a stopped check takes its benchmark command's whole
//! process group with it, background children included.

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use perfgate::testing::{ends_within, recorded_pids};

use super::*;

/// A benchmark command that only a signal ends: it starts a background child, appends the child's pid to
/// `$PERFGATE_TEST_PIDS` and waits for it.
const WAITS_FOR_A_BACKGROUND_CHILD: &str = "sh -c 'sleep 30 & echo $! >> $PERFGATE_TEST_PIDS; wait'";

/// Appended to the base's benchmark: its first run works, the next ones fail.
const FAILS_FROM_THE_SECOND_RUN: &str =
    "if [ -e ran-once ]; then echo 'base benchmark broke' >&2; exit 1; fi\ntouch ran-once\n";

/// How long a signalled perfgate may take to stop.
const STOP_DEADLINE: Duration = Duration::from_secs(5);

/// The folders of one test: perfgate's TMPDIR (where base checkouts go) and the records its benchmark
/// commands keep (the pids of their background children, the folders they ran in).
struct Scratch {
    tmpdir: tempfile::TempDir,
    records: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch { tmpdir: tempfile::tempdir().unwrap(), records: tempfile::tempdir().unwrap() }
    }

    /// The environment that points perfgate and its commands at these folders.
    fn env(&self) -> [(&'static str, PathBuf); 3] {
        [
            ("TMPDIR", self.tmpdir.path().to_path_buf()),
            ("PERFGATE_TEST_PIDS", self.records.path().join("pids")),
            ("PERFGATE_TEST_WORKDIRS", self.records.path().join("workdirs")),
        ]
    }

    /// Base checkouts now in TMPDIR.
    fn checkouts(&self) -> Vec<String> {
        std::fs::read_dir(self.tmpdir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("perfgate-base-"))
            .collect()
    }

    fn background_pids(&self) -> Vec<i32> {
        recorded_pids(&self.records.path().join("pids"))
    }

    /// The distinct folders in TMPDIR that `BENCH_SCRIPT` ran in: the base checkouts.
    fn base_workdirs(&self) -> Vec<PathBuf> {
        let tmpdir = self.tmpdir.path().canonicalize().unwrap();
        let log = std::fs::read_to_string(self.records.path().join("workdirs")).unwrap_or_default();
        let mut folders: Vec<PathBuf> = log.lines().map(PathBuf::from).filter(|dir| dir.starts_with(&tmpdir)).collect();
        folders.dedup();
        folders
    }

    /// The base ran in one checkout in TMPDIR, and it is gone.
    fn assert_base_checkout_removed(&self) {
        let folders = self.base_workdirs();
        assert_eq!(folders.len(), 1, "the base ran in one checkout in TMPDIR: {folders:?}");
        let name = folders[0].file_name().unwrap().to_string_lossy();
        assert!(name.starts_with("perfgate-base-"), "{folders:?}");
        assert!(!folders[0].exists(), "the temporary checkout {} was removed", folders[0].display());
        assert_eq!(self.checkouts(), Vec::<String>::new(), "no checkout is left in TMPDIR");
    }

    /// Every background child a benchmark command started has ended.
    fn assert_background_children_ended(&self) {
        let pids = self.background_pids();
        assert!(!pids.is_empty(), "the benchmark command recorded its background child");
        for pid in pids {
            assert!(ends_within(pid, Duration::from_secs(1)), "the background child {pid} was killed with its group");
        }
    }
}

/// How a signalled check ended.
struct Stopped {
    status: ExitStatus,
    stderr: String,
}

/// A repository whose suite runs `WAITS_FOR_A_BACKGROUND_CHILD`, on both sides.
fn repo_with_a_waiting_suite() -> TestRepo {
    let repo = repo_with_branch("rerun");
    repo.commit("perf-budget.toml", &budget_text("rerun", WAITS_FOR_A_BACKGROUND_CHILD), "a suite that waits");
    repo
}

/// Start `perfgate check`, send it `signal` once its benchmark command runs, and wait for it to stop.
fn signal_mid_run(repo: &TestRepo, scratch: &Scratch, signal: libc::c_int) -> Stopped {
    let mut check = Command::new(assert_cmd::cargo::cargo_bin("perfgate"))
        .arg("check")
        .current_dir(repo.path())
        .envs(scratch.env())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while scratch.background_pids().is_empty() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!scratch.background_pids().is_empty(), "the benchmark command started");
    assert_eq!(scratch.checkouts().len(), 1, "mid-run, the base checkout is in TMPDIR");
    // SAFETY: kill(2) signals the perfgate this test spawned; no memory is involved.
    unsafe {
        libc::kill(check.id() as i32, signal);
    }
    let status = exit_within(&mut check, STOP_DEADLINE);
    let mut stderr = String::new();
    std::io::Read::read_to_string(check.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    Stopped { status, stderr }
}

/// The child's exit status, if it exits within `limit`; else it is killed and the test fails.
fn exit_within(child: &mut Child, limit: Duration) -> ExitStatus {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("perfgate still ran {limit:?} after the signal");
}

/// Stopped by a signal: told so and exited 2 (nothing judged), command group and checkout gone.
fn assert_stopped_cleanly(stopped: &Stopped, scratch: &Scratch) {
    assert_eq!(stopped.status.code(), Some(2), "{:?}: {}", stopped.status, stopped.stderr);
    assert!(stopped.stderr.contains("interrupted"), "{}", stopped.stderr);
    scratch.assert_background_children_ended();
    assert_eq!(scratch.checkouts(), Vec::<String>::new(), "the temporary checkout was removed");
}

#[test]
fn ctrl_c_mid_run_stops_the_command_group_leaves_no_checkout_and_the_tree_unchanged() {
    let repo = repo_with_a_waiting_suite();
    std::fs::write(repo.path().join("work.txt"), "uncommitted").unwrap();
    let status_before = git_status(repo.path());
    let scratch = Scratch::new();
    let stopped = signal_mid_run(&repo, &scratch, libc::SIGINT);
    assert_stopped_cleanly(&stopped, &scratch);
    assert!(!repo.path().join(".git/worktrees").exists(), "no worktree is registered");
    assert_eq!(git_status(repo.path()), status_before);
    assert_eq!(std::fs::read_to_string(repo.path().join("work.txt")).unwrap(), "uncommitted");
}

#[test]
fn sigterm_mid_run_stops_the_command_group_and_leaves_no_checkout() {
    let repo = repo_with_a_waiting_suite();
    let scratch = Scratch::new();
    let stopped = signal_mid_run(&repo, &scratch, libc::SIGTERM);
    assert_stopped_cleanly(&stopped, &scratch);
}

#[test]
fn a_base_that_breaks_mid_check_is_an_error_and_its_checkout_is_removed() {
    let repo = repo_whose_base_runs(&format!("{BENCH_SCRIPT}{FAILS_FROM_THE_SECOND_RUN}"), "rerun");
    repo.commit("bench.sh", BENCH_SCRIPT, "the head's benchmark always works");
    let scratch = Scratch::new();
    let (code, _, stderr) = outcome(perfgate().arg("check").current_dir(repo.path()).envs(scratch.env()));
    assert_eq!(code, 2, "a base failing after a first round that worked stops the check: {stderr}");
    assert!(stderr.contains("suite \"micro\" on the base"), "names the suite and the side: {stderr}");
    assert!(stderr.contains("failed (exit code 1)") && stderr.contains("| base benchmark broke"), "{stderr}");
    scratch.assert_base_checkout_removed();
}

#[test]
fn a_finished_check_removes_its_checkout() {
    let repo = repo_with_branch("rerun");
    let scratch = Scratch::new();
    let (code, _, stderr) = outcome(perfgate().arg("check").current_dir(repo.path()).envs(scratch.env()));
    assert_eq!(code, 0, "{stderr}");
    scratch.assert_base_checkout_removed();
}
