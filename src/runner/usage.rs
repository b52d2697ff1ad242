//! What one run of a command cost the machine: its CPU time (user and system)
//! and its peak resident memory. Both cover the command and every descendant
//! it waited for (the benchmark binaries a `cargo bench` starts, the program a
//! `sh -c` runs); the peak is that of the largest of them.
//!
//! Linux counts a process's peak memory from before its `exec`: a command
//! started by perfgate would report at least perfgate's own memory (measured:
//! a 10 MiB and a 74 MiB python both "used" the test binary's hundreds of
//! MiB). So the binary runs each command through a small measuring helper,
//! itself (`perfgate __measure-run USAGE -- PROGRAM ARGS...`), freshly started
//! and a few MiB large: the helper starts the command, waits for it, and
//! writes what its children used (`getrusage(RUSAGE_CHILDREN)`) to USAGE.
//! Without the helper (the library's own tests) the usage comes from the
//! `wait4(2)` that reaps the command, its CPU time exact and its peak floored
//! by the caller's.

use std::process::{Child, ExitStatus};

use crate::model::{Benchmark, Unit, CPU_TIME, MAX_RSS};

/// The resources one run used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResourceUsage {
    /// User plus system CPU time, in seconds.
    pub cpu_seconds: f64,
    /// Peak resident set size, in bytes.
    pub max_rss_bytes: f64,
}

impl ResourceUsage {
    /// Its two series, one value each, named after `suite`: metric `cpu-time` (ns) and `max-rss`
    /// (bytes). The rounds of a re-run pair them like any benchmark's values.
    pub fn series(&self, suite: &str) -> [Benchmark; 2] {
        let one = |metric: &str, unit: Unit, value: f64| Benchmark::with_samples(suite, metric, unit, vec![value]);
        [one(CPU_TIME, Unit::Ns, self.cpu_seconds * 1e9), one(MAX_RSS, Unit::Bytes, self.max_rss_bytes)]
    }
}

/// The first argument that makes the perfgate binary the measuring helper.
pub const HELPER_ARGUMENT: &str = "__measure-run";

static HELPER: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// Run commands through `executable` (the perfgate binary) as the measuring helper.
pub fn use_helper(executable: std::path::PathBuf) {
    let _ = HELPER.set(executable);
}

/// The measuring helper, when the binary set one.
pub fn helper() -> Option<&'static std::path::Path> {
    HELPER.get().map(std::path::PathBuf::as_path)
}

/// The helper's work, for `perfgate __measure-run USAGE -- PROGRAM ARGS...`: run the program with
/// this process's standard streams, environment and directory, write what it used to USAGE, and
/// exit as it exited (128 + the signal that killed it).
pub fn run_as_helper(args: &[std::ffi::OsString]) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    let (Some(usage_file), Some(program)) =
        (args.first(), args.get(2).filter(|_| args.get(1).is_some_and(|a| a == "--")))
    else {
        eprintln!("perfgate: usage: perfgate {HELPER_ARGUMENT} USAGE -- PROGRAM [ARGS...]");
        return 2;
    };
    let status = match std::process::Command::new(program).args(&args[3..]).status() {
        Ok(status) => status,
        Err(error) => {
            eprintln!("perfgate: cannot run {}: {error}", program.to_string_lossy());
            return 127;
        }
    };
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct, which getrusage fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes only to the local passed by pointer.
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } == 0 {
        let used = of(&usage);
        let _ = std::fs::write(usage_file, format!("{} {}\n", used.cpu_seconds, used.max_rss_bytes));
    }
    status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

/// What the helper wrote to `file`; None when it wrote nothing readable.
pub fn read_helper_file(file: &std::path::Path) -> Option<ResourceUsage> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut numbers = text.split_whitespace().map(str::parse::<f64>);
    let (Some(Ok(cpu_seconds)), Some(Ok(max_rss_bytes))) = (numbers.next(), numbers.next()) else { return None };
    Some(ResourceUsage { cpu_seconds, max_rss_bytes })
}

/// Reap `child` if it has exited: its exit status and what it used; None while it runs.
pub fn try_reap(child: &Child) -> std::io::Result<Option<(ExitStatus, ResourceUsage)>> {
    use std::os::unix::process::ExitStatusExt;
    let pid = libc::pid_t::try_from(child.id()).map_err(|_| std::io::Error::other("process id out of range"))?;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct, which wait4 fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 writes only to the two locals passed by pointer, both valid for the call.
    let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
    match reaped {
        0 => Ok(None),
        -1 => Err(std::io::Error::last_os_error()),
        _ => Ok(Some((ExitStatus::from_raw(status), of(&usage)))),
    }
}

fn of(usage: &libc::rusage) -> ResourceUsage {
    let seconds = |time: libc::timeval| time.tv_sec as f64 + time.tv_usec as f64 / 1e6;
    ResourceUsage {
        cpu_seconds: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        max_rss_bytes: usage.ru_maxrss as f64 * MAX_RSS_UNIT,
    }
}

/// Bytes per unit of `ru_maxrss`: kilobytes on Linux, bytes on macOS.
#[cfg(target_os = "macos")]
const MAX_RSS_UNIT: f64 = 1.0;
#[cfg(not(target_os = "macos"))]
const MAX_RSS_UNIT: f64 = 1024.0;

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;
    use std::time::Duration;

    fn reap(child: Child) -> (ExitStatus, ResourceUsage) {
        loop {
            if let Some(done) = try_reap(&child).unwrap() {
                return done;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A busy loop's CPU time (its peak memory, floored by this test binary's, is the
    /// helper's to measure: `tests/cli/resources.rs`).
    #[test]
    fn cpu_time_of_a_run() {
        let busy =
            Command::new("sh").args(["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"]).spawn().unwrap();
        let (_, busy) = reap(busy);
        assert!(busy.cpu_seconds > 0.05, "{busy:?}");
    }

    #[test]
    fn the_helper_file_reads_back_or_is_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("usage");
        assert_eq!(read_helper_file(&file), None);
        std::fs::write(&file, "0.25 73400320\n").unwrap();
        assert_eq!(read_helper_file(&file), Some(ResourceUsage { cpu_seconds: 0.25, max_rss_bytes: 73400320.0 }));
        std::fs::write(&file, "garbage").unwrap();
        assert_eq!(read_helper_file(&file), None);
    }

    #[test]
    fn a_failed_run_is_reaped_with_its_status() {
        let child = Command::new("sh").args(["-c", "exit 3"]).spawn().unwrap();
        let (status, _) = reap(child);
        assert_eq!(status.code(), Some(3));
    }
}
