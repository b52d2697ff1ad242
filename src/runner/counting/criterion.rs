//! criterion's benchmarks, counted: `cargo bench --no-run` builds the bench
//! executables (cargo reports them as JSON), each lists its benchmarks
//! (`--list`), and each benchmark runs alone in criterion's profile mode
//! (`--profile-time 1`: criterion's warm-up, no analysis, and no benchmark
//! group's own `measurement_time`, which the command line cannot shorten
//! otherwise), with a Callgrind dump around each call of `Bencher::iter*`,
//! stopped as soon as its calls hold enough iterations. Each runs as a copy of
//! its executable at a path of one length on every side.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use tempfile::TempDir;

use super::Task;
use crate::config::Suite;
use crate::runner::command;
use crate::runner::harness::{self, criterion, Harness};
use crate::runner::suite::{command_spec, RunSettings, Tree};

/// A dump on entering and on leaving each of criterion's measuring loops (the ones criterion keeps
/// out of line; `iter_with_setup` and `iter_with_large_drop` run through `iter_batched`).
pub const DUMP_OPTIONS: [&str; 8] = [
    "--dump-before=criterion::bencher::Bencher<M>::iter",
    "--dump-after=criterion::bencher::Bencher<M>::iter",
    "--dump-before=criterion::bencher::Bencher<M>::iter_custom",
    "--dump-after=criterion::bencher::Bencher<M>::iter_custom",
    "--dump-before=criterion::bencher::Bencher<M>::iter_batched",
    "--dump-after=criterion::bencher::Bencher<M>::iter_batched",
    "--dump-before=criterion::bencher::Bencher<M>::iter_batched_ref",
    "--dump-after=criterion::bencher::Bencher<M>::iter_batched_ref",
];

/// A bench executable cargo built, and the package folder cargo runs it in.
struct Executable {
    path: PathBuf,
    package: PathBuf,
}

/// One task per benchmark of every bench executable the suite's command runs.
pub(super) fn tasks(suite: &Suite, tree: &Tree, settings: &RunSettings) -> Result<Vec<Task>> {
    let command = suite.command.as_deref().unwrap_or_default();
    let words = shell_words::split(command).map_err(|e| anyhow!("cannot split {command:?}: {e}"))?;
    let (build, filter) = criterion::build_without_running(&words);
    let spec = command_spec(suite, tree, settings, &shell_words::join(&build));
    let built =
        command::run(&spec).with_context(|| format!("building suite {:?} on the {}", suite.name, tree.label))?;
    let mut tasks = Vec::new();
    for executable in executables(&String::from_utf8_lossy(&built.stdout)) {
        let (staged, program) = stage(&executable.path)?;
        let mut listing = vec![executable.path.display().to_string(), "--bench".into(), "--list".into()];
        listing.extend(filter.clone());
        let mut spec = command_spec(suite, tree, settings, &shell_words::join(&listing));
        spec.workdir = executable.package.clone();
        let listed = command::run(&spec).with_context(|| {
            format!("listing the benchmarks of {} (suite {:?})", executable.path.display(), suite.name)
        })?;
        for name in Harness::Criterion.parse_listing(&String::from_utf8_lossy(&listed.stdout)) {
            let words = vec![
                program.display().to_string(),
                "--bench".into(),
                "--profile-time".into(),
                "1".into(),
                harness::exact_names_regex([name.as_str()]),
            ];
            tasks.push(Task {
                id: name,
                words,
                workdir: executable.package.clone(),
                per_iteration: true,
                _staged: Some(staged.clone()),
            });
        }
    }
    Ok(tasks)
}

/// A bench executable at a path of the same length on every side: a hard link (or a copy) named
/// `bench` in a new folder of the system's temporary folder. Valgrind puts the executable's real
/// path on the program's stack, and a path of another length (the base's tree is elsewhere)
/// moves the addresses a benchmark's buffers get, and so its count: by 7 of 600 instructions on
/// base64's smallest stream benchmarks.
fn stage(executable: &Path) -> Result<(Arc<TempDir>, PathBuf)> {
    let folder = tempfile::Builder::new().prefix("perfgate-exe-").tempdir()?;
    let program = folder.path().join("bench");
    if std::fs::hard_link(executable, &program).is_err() {
        std::fs::copy(executable, &program)
            .with_context(|| format!("copying {} to {}", executable.display(), program.display()))?;
    }
    Ok((Arc::new(folder), program))
}

/// The bench executables in cargo's JSON messages (`--message-format=json`), in build order.
fn executables(messages: &str) -> Vec<Executable> {
    let mut found = Vec::new();
    for line in messages.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let is_bench = message["target"]["kind"].as_array().is_some_and(|kinds| kinds.iter().any(|k| k == "bench"));
        let (Some(path), Some(manifest)) = (message["executable"].as_str(), message["manifest_path"].as_str()) else {
            continue;
        };
        if message["reason"] == "compiler-artifact" && is_bench {
            let package = PathBuf::from(manifest).parent().map(PathBuf::from).unwrap_or_default();
            found.push(Executable { path: PathBuf::from(path), package });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_executables_come_from_cargos_messages() {
        let messages = concat!(
            r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"p"},"executable":null,"manifest_path":"/w/p/Cargo.toml"}"#,
            "\n",
            r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"p","test":true},"executable":"/w/t/p-1","manifest_path":"/w/p/Cargo.toml"}"#,
            "\n",
            r#"{"reason":"compiler-artifact","target":{"kind":["bench"],"name":"b"},"executable":"/w/t/b-2","manifest_path":"/w/p/Cargo.toml"}"#,
            "\nnot json\n",
            r#"{"reason":"build-finished","success":true}"#,
        );
        let found = executables(messages);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, PathBuf::from("/w/t/b-2"));
        assert_eq!(found[0].package, PathBuf::from("/w/p"));
    }
}
