//! The default baseline: the merge-base of HEAD and the baseline ref, checked
//! out in a temporary folder and measured together with the head (the working
//! tree as it is, uncommitted changes included) in interleaved rounds on the
//! same machine, at the same time.

use std::path::PathBuf;

use anyhow::Result;
use git2::{Oid, Repository};

use super::Measured;
use crate::collect::{head_tree, used_suites};
use crate::config::Config;
use crate::runner::checkout::{self, BaseCheckout};
use crate::runner::interrupt;
use crate::runner::progress::Progress;
use crate::runner::rounds::run_rounds;
use crate::runner::suite::{RunSettings, TargetRedirect, Tree};
use crate::verdict::outcome::{BaselineInfo, GitInfo};

/// Each tree builds in its own `target/`: a shared `CARGO_TARGET_DIR` would let base and head
/// artifacts replace each other every round (rebuilds, and results of the wrong side).
const PER_TREE_ENV: [&str; 1] = ["CARGO_TARGET_DIR"];

/// The repository, the two commits and where the budget file sits in the tree.
pub struct Location {
    pub repo: Repository,
    pub head: Oid,
    pub base: Oid,
    pub git_ref: String,
    /// The budget file's folder relative to the working tree's root.
    pub config_dir: PathBuf,
}

/// Where cargo builds of base checkouts go: `target/perfgate-base` of the user's tree. Only base
/// checkouts ever build there (the head uses `target/` itself), so nothing leaks between the sides,
/// while dependencies compiled for one check are reused by the next.
fn base_build_cache(location: &Location) -> Option<PathBuf> {
    location.repo.workdir().map(|root| root.join(BASE_BUILD_CACHE))
}

/// The base's cargo build folder, relative to the repository root.
pub const BASE_BUILD_CACHE: &str = "target/perfgate-base";

/// Find the merge-base of HEAD and the baseline ref for the repository holding the budget file.
pub fn locate(config: &Config) -> Result<Location> {
    let folder = config.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let repo = checkout::open_repository(folder)?;
    let head = checkout::head_commit(&repo)?;
    let git_ref = match &config.baseline.git_ref {
        Some(git_ref) => git_ref.clone(),
        None => checkout::default_ref(&repo)?,
    };
    let base = checkout::merge_base(&repo, head, &git_ref)?;
    let config_dir = checkout::relative_to_workdir(&repo, folder)?;
    Ok(Location { repo, head, base, git_ref, config_dir })
}

/// Measure base and head in interleaved rounds.
pub fn rerun(config: &Config, settings: &RunSettings, quiet: bool) -> Result<Measured> {
    interrupt::install();
    let location = locate(config)?;
    let dirty = checkout::is_dirty(&location.repo);
    // Dropped on every way out of this function (errors and Ctrl-C included): the folder is removed.
    let base_checkout = BaseCheckout::create(&location.repo, location.base)?;
    let base_tree = Tree {
        label: "base",
        config_dir: base_checkout.root().join(&location.config_dir),
        target_redirect: base_build_cache(&location)
            .map(|to| TargetRedirect { from: base_checkout.root().join("target"), to }),
    };
    let head_tree = head_tree(config);
    let suites: Vec<_> = used_suites(config).collect();
    let rounds = config.baseline.rounds;
    let mut settings = settings.clone();
    settings.env_remove.extend(PER_TREE_ENV.iter().map(|s| s.to_string()));
    let mut progress = Progress::new(u64::from(rounds) * 2 * suites.len() as u64, quiet);
    let results = run_rounds(&suites, &base_tree, &head_tree, rounds, config.gate.seed, &settings, &mut progress);
    progress.finish();
    let results = results?;

    let short = |oid: Oid| oid.to_string()[..10].to_string();
    let mut notes = Vec::new();
    if dirty {
        notes.push(format!(
            "The head is the working tree as it is, uncommitted changes included (on top of {}).",
            short(location.head)
        ));
    }
    for (suite, reason) in &results.base_failures {
        notes.push(format!(
            "Suite {suite:?} could not run on the base commit {}, so it is judged without a baseline: {}",
            short(location.base),
            reason.lines().next().unwrap_or_default()
        ));
    }
    Ok(Measured {
        head: results.head,
        base: Some(results.base),
        baseline: BaselineInfo {
            source: "rerun".into(),
            description: format!(
                "merge-base {} of HEAD and {}, re-run with the head in {rounds} interleaved rounds",
                short(location.base),
                location.git_ref
            ),
        },
        git: GitInfo {
            base_commit: Some(location.base.to_string()),
            head_commit: Some(location.head.to_string()),
            head_dirty: dirty,
        },
        notes,
    })
}
