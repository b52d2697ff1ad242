//! `perfgate record`: store results as the baseline of a commit in git notes.

use anyhow::{bail, Result};

use super::{load_config, run_settings, Outcome};
use crate::baseline::notes;
use crate::cli::{GlobalArgs, RecordArgs};
use crate::input::read_result_set;
use crate::runner::checkout;
use crate::runner::collect;

pub fn run(args: &RecordArgs, global: &GlobalArgs) -> Result<Outcome> {
    let config = load_config(global)?;
    let folder = config.folder();
    let repo = checkout::open_repository(folder)?;
    let commit = match &args.commit {
        Some(rev) => checkout::resolve_commit(&repo, rev)?,
        None => checkout::head_commit(&repo)?,
    };
    let results = match &args.results {
        Some(path) => read_result_set(path)?,
        None => {
            if checkout::is_dirty(&repo) && !args.allow_dirty {
                bail!(
                    "the working tree has uncommitted changes, so results measured now would not be those of {}; \
                     commit or stash them, or pass --allow-dirty",
                    &commit.to_string()[..10]
                );
            }
            let settings = run_settings(global);
            let mut suites = std::collections::BTreeMap::new();
            for suite in &config.suites {
                suites.insert(suite.name.clone(), collect::read_suite(&config, suite, &settings)?);
            }
            collect::result_set(suites)
        }
    };
    let recorded: Vec<String> = results.suites.iter().map(|s| s.name.clone()).collect();
    let merged = notes::record(&repo, commit, results)?;
    if !global.quiet {
        let all: Vec<&str> = merged.suites.iter().map(|s| s.name.as_str()).collect();
        eprintln!(
            "perfgate: recorded {} for {} in {} (stored suites: {}); share with `git push origin {}`",
            recorded.join(", "),
            &commit.to_string()[..10],
            notes::NOTES_REF,
            all.join(", "),
            notes::NOTES_REF
        );
    }
    Ok(Outcome::Done)
}
