//! Running one suite command: split like a shell would (or through `sh -c`
//! when asked), in its working directory, with its environment and a timeout;
//! stdout kept for the adapter, the tail of the output kept for errors; the
//! whole process group killed on timeout or Ctrl-C; what the run cost (CPU
//! time, peak memory) from the `wait4` that reaps it.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::interrupt;
use super::usage::{self, try_reap, ResourceUsage};

/// Lines of output shown when a command fails.
const TAIL_LINES: usize = 30;
/// How often a running command is checked for completion, timeout and Ctrl-C.
const POLL: Duration = Duration::from_millis(50);

/// What to run and how.
#[derive(Debug, Clone)]
pub struct CommandSpec {
    pub command: String,
    pub shell: bool,
    pub workdir: PathBuf,
    pub env: Vec<(String, String)>,
    /// Variables removed from the inherited environment.
    pub env_remove: Vec<String>,
    /// Inherit no environment at all: only `env` (counted runs, whose counts move with its size).
    pub env_clear: bool,
    pub timeout: Option<Duration>,
    /// Copy the command's output to stderr as it runs (`--verbose`).
    pub echo: bool,
}

/// A finished command.
#[derive(Debug)]
pub struct CommandOutput {
    pub stdout: Vec<u8>,
    pub elapsed: Duration,
    /// Its CPU time and peak memory (with every descendant it waited for).
    pub usage: ResourceUsage,
}

/// Why a command did not produce results.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot run `{command}` in {}: {message}", workdir.display())]
    Spawn { command: String, workdir: PathBuf, message: String },
    #[error("`{command}` failed ({status}); last lines of its output:\n{tail}")]
    Failed { command: String, status: String, tail: String },
    #[error("`{command}` did not finish within {}s and was stopped; last lines of its output:\n{tail}", timeout.as_secs())]
    TimedOut { command: String, timeout: Duration, tail: String },
    #[error("interrupted")]
    Interrupted,
}

/// Run a command to completion.
pub fn run(spec: &CommandSpec) -> Result<CommandOutput, RunError> {
    run_until(spec, &mut || false).map(|(output, _)| output)
}

/// Run a command to completion, or until `enough` (asked while it runs) says what it wrote so far
/// suffices: then its process group is stopped, and the run is a success with `true` (its
/// resource usage then is unknown, and zero).
pub fn run_until(spec: &CommandSpec, enough: &mut dyn FnMut() -> bool) -> Result<(CommandOutput, bool), RunError> {
    let measured = usage::helper().and_then(|_| tempfile::tempdir().ok());
    let usage_file = measured.as_ref().map(|dir| dir.path().join("usage"));
    let mut command = build(spec, usage_file.as_deref())?;
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| spawn_error(spec, e.to_string()))?;
    let tail = Arc::new(Mutex::new(VecDeque::new()));
    let stdout = child.stdout.take().map(|out| collect_stdout(out, Arc::clone(&tail), spec.echo));
    let stderr = child.stderr.take().map(|err| collect_stderr(err, Arc::clone(&tail), spec.echo));
    let finished = loop {
        if let Some(done) = try_reap(&child).map_err(|e| spawn_error(spec, e.to_string()))? {
            break Some(done);
        }
        if enough() {
            kill_group(&mut child);
            break None;
        }
        if interrupt::interrupted() {
            kill_group(&mut child);
            return Err(RunError::Interrupted);
        }
        if let Some(timeout) = spec.timeout.filter(|t| started.elapsed() > *t) {
            kill_group(&mut child);
            return Err(RunError::TimedOut { command: spec.command.clone(), timeout, tail: tail_text(&tail) });
        }
        std::thread::sleep(POLL);
    };
    let stdout = stdout.map(|t| t.join().unwrap_or_default()).unwrap_or_default();
    if let Some(t) = stderr {
        let _ = t.join();
    }
    let Some((status, usage)) = finished else {
        let usage = ResourceUsage { cpu_seconds: 0.0, max_rss_bytes: 0.0 };
        return Ok((CommandOutput { stdout, elapsed: started.elapsed(), usage }, true));
    };
    if !status.success() {
        let status = match status.code() {
            Some(code) => format!("exit code {code}"),
            None => "killed by a signal".to_string(),
        };
        return Err(RunError::Failed { command: spec.command.clone(), status, tail: tail_text(&tail) });
    }
    let usage = usage_file.as_deref().and_then(usage::read_helper_file).unwrap_or(usage);
    Ok((CommandOutput { stdout, elapsed: started.elapsed(), usage }, false))
}

/// The program and arguments of `command`: `sh -c COMMAND` through a shell, else its words split
/// like a shell would split them.
pub fn words_of(command: &str, shell: bool) -> Result<Vec<String>, String> {
    if shell {
        return Ok(vec!["sh".into(), "-c".into(), command.to_string()]);
    }
    shell_words::split(command).map_err(|e| format!("cannot split the command like a shell would: {e}"))
}

/// The command to start: the suite's, or, with `usage_file`, the measuring helper running it.
fn build(spec: &CommandSpec, usage_file: Option<&Path>) -> Result<Command, RunError> {
    let words = words_of(&spec.command, spec.shell).map_err(|message| spawn_error(spec, message))?;
    let (program, args) = words.split_first().ok_or_else(|| spawn_error(spec, "the command is empty".into()))?;
    let mut command = match (usage::helper(), usage_file) {
        (Some(helper), Some(file)) => {
            let mut command = Command::new(helper);
            command.arg(usage::HELPER_ARGUMENT).arg(file).arg("--").arg(program);
            command
        }
        _ => Command::new(program),
    };
    command.args(args);
    // Removals first: a variable the suite (or perfgate) sets explicitly wins over a removal.
    for name in &spec.env_remove {
        command.env_remove(name);
    }
    if spec.env_clear {
        command.env_clear();
    }
    command
        .current_dir(&spec.workdir)
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group: a timeout or Ctrl-C stops the benchmark binaries cargo started, too.
        .process_group(0);
    Ok(command)
}

fn spawn_error(spec: &CommandSpec, message: String) -> RunError {
    RunError::Spawn { command: spec.command.clone(), workdir: spec.workdir.clone(), message }
}

fn kill_group(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals the process group the child leads; no memory is involved.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

type Tail = Arc<Mutex<VecDeque<String>>>;

fn remember(tail: &Tail, line: &str) {
    if let Ok(mut lines) = tail.lock() {
        if lines.len() == TAIL_LINES {
            lines.pop_front();
        }
        lines.push_back(line.trim_end().to_string());
    }
}

fn tail_text(tail: &Tail) -> String {
    let lines = tail.lock().map(|l| l.iter().cloned().collect::<Vec<_>>()).unwrap_or_default();
    if lines.is_empty() {
        return "  (no output)".into();
    }
    lines.iter().map(|l| format!("  | {l}")).collect::<Vec<_>>().join("\n")
}

fn collect_stdout(out: impl Read + Send + 'static, tail: Tail, echo: bool) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut reader = BufReader::new(out);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).map(|n| n > 0).unwrap_or(false) {
            let text = String::from_utf8_lossy(&line);
            remember(&tail, &text);
            if echo {
                eprint!("{text}");
            }
            all.extend_from_slice(&line);
            line.clear();
        }
        all
    })
}

fn collect_stderr(err: impl Read + Send + 'static, tail: Tail, echo: bool) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let reader = BufReader::new(err);
        for line in reader.split(b'\n').map_while(Result::ok) {
            let text = String::from_utf8_lossy(&line);
            remember(&tail, &text);
            if echo {
                eprintln!("{text}");
            }
        }
    })
}

/// The directory a path names relative to `base` (absolute paths stay as they are).
pub fn within(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ends_within, recorded_pids};

    fn spec(command: &str) -> CommandSpec {
        CommandSpec {
            command: command.into(),
            shell: false,
            workdir: std::env::temp_dir(),
            env: vec![("PERFGATE_TEST_VALUE".into(), "42".into())],
            env_remove: vec![],
            env_clear: false,
            timeout: Some(Duration::from_secs(20)),
            echo: false,
        }
    }

    #[test]
    fn commands_are_split_like_a_shell_would_without_a_shell() {
        let output = run(&spec("printf '%s|' 'two words' $HOME")).unwrap();
        // No shell: `$HOME` is not expanded.
        assert_eq!(String::from_utf8(output.stdout).unwrap(), "two words|$HOME|");
    }

    #[test]
    fn explicit_variables_win_over_removed_ones() {
        let mut both = spec("echo $PERFGATE_TEST_VALUE");
        both.shell = true;
        both.env_remove = vec!["PERFGATE_TEST_VALUE".into()];
        assert_eq!(String::from_utf8(run(&both).unwrap().stdout).unwrap(), "42\n");
    }

    #[test]
    fn shell_mode_and_environment() {
        let mut shell = spec("echo $PERFGATE_TEST_VALUE && echo done");
        shell.shell = true;
        assert_eq!(String::from_utf8(run(&shell).unwrap().stdout).unwrap(), "42\ndone\n");
    }

    #[test]
    fn a_failing_command_shows_its_status_and_the_tail_of_its_output() {
        let mut failing = spec("echo building; echo oops >&2; exit 3");
        failing.shell = true;
        let error = run(&failing).unwrap_err().to_string();
        assert!(error.contains("failed (exit code 3)"), "{error}");
        assert!(error.contains("| oops") && error.contains("| building"), "{error}");
        let mut chatty = spec("for i in $(seq 1 50); do echo line $i; done; exit 1");
        chatty.shell = true;
        let error = run(&chatty).unwrap_err().to_string();
        assert!(error.contains("| line 50") && error.contains("| line 21\n"), "{error}");
        assert!(!error.contains("| line 20\n"), "only the last 30 lines are kept: {error}");
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let error = run(&spec("no-such-program-perfgate --flag")).unwrap_err();
        assert!(matches!(error, RunError::Spawn { .. }), "{error}");
        assert!(run(&spec("'unterminated")).unwrap_err().to_string().contains("cannot split"));
    }

    #[test]
    fn a_timeout_kills_the_whole_process_group() {
        let folder = tempfile::tempdir().unwrap();
        let pids = folder.path().join("pids");
        // The shell starts a background child (of its process group, not its own) and waits for it.
        let mut slow = spec(&format!("sleep 30 & echo $! >> '{}'; wait", pids.display()));
        slow.shell = true;
        slow.timeout = Some(Duration::from_millis(500));
        let started = Instant::now();
        let error = run(&slow).unwrap_err();
        assert!(matches!(error, RunError::TimedOut { .. }), "{error}");
        assert!(started.elapsed() < Duration::from_secs(5));
        let background = recorded_pids(&pids);
        assert_eq!(background.len(), 1, "the command recorded its background child");
        assert!(
            ends_within(background[0], Duration::from_secs(1)),
            "the background child {background:?} was killed too"
        );
    }

    #[test]
    fn a_command_stopped_when_its_output_is_enough_succeeds_and_leaves_nothing_running() {
        let folder = tempfile::tempdir().unwrap();
        let (ticks, pids) = (folder.path().join("ticks"), folder.path().join("pids"));
        let mut counting = spec(&format!(
            "sleep 30 & echo $! >> '{}'; while true; do echo tick >> '{}'; sleep 0.05; done",
            pids.display(),
            ticks.display()
        ));
        counting.shell = true;
        let started = Instant::now();
        let lines = || std::fs::read_to_string(&ticks).map_or(0, |text| text.lines().count());
        let (_, stopped) = run_until(&counting, &mut || lines() >= 3).unwrap();
        assert!(stopped && lines() >= 3, "{} ticks", lines());
        assert!(started.elapsed() < Duration::from_secs(5));
        let background = recorded_pids(&pids);
        assert!(ends_within(background[0], Duration::from_secs(1)), "{background:?} was stopped too");
        let (_, stopped) = run_until(&spec("true"), &mut || false).unwrap();
        assert!(!stopped, "a command that ends by itself was not stopped");
    }
}
