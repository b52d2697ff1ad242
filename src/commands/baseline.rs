//! `perfgate baseline list|show|merge|prune`: what git notes hold, merging
//! a fetched notes ref, and retention.

use anyhow::{Context, Result};

use super::{load_config, Outcome};
use crate::baseline::notes;
use crate::cli::{Age, BaselineCommand, GlobalArgs};
use crate::report::OutputFormat;
use crate::runner::checkout;

pub fn run(command: &BaselineCommand, global: &GlobalArgs) -> Result<Outcome> {
    let folder = match load_config(global) {
        Ok(config) => config.path.parent().map(|p| p.to_path_buf()).unwrap_or_default(),
        Err(_) => std::env::current_dir().context("cannot read the working directory")?,
    };
    let folder = if folder.as_os_str().is_empty() { std::path::PathBuf::from(".") } else { folder };
    let repo = checkout::open_repository(&folder)?;
    match command {
        BaselineCommand::List => list(&repo, global),
        BaselineCommand::Show { rev } => show(&repo, rev.as_deref().unwrap_or("HEAD"), global),
        BaselineCommand::Merge { from } => merge(&repo, from),
        BaselineCommand::Prune { keep, older_than, dry_run } => prune(&repo, *keep, *older_than, *dry_run),
    }
}

fn list(repo: &git2::Repository, global: &GlobalArgs) -> Result<Outcome> {
    // One read of the notes tree for all of them (a lookup per commit rescans it).
    let index = notes::NotesIndex::load(repo)?;
    let commits = index.newest_first(repo);
    if global.format == OutputFormat::Json {
        let rows: Vec<serde_json::Value> = commits
            .iter()
            .map(|commit| {
                let suites = index.read(repo, *commit).ok().flatten().map(|s| s.suites).unwrap_or_default();
                serde_json::json!({
                    "commit": commit.to_string(),
                    "suites": suites.iter().map(|s| serde_json::json!({"name": s.name, "benchmarks": s.benchmarks.len()})).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(Outcome::Done);
    }
    if commits.is_empty() {
        println!(
            "no baselines in {} (record one with `perfgate record`, or fetch them with `git fetch origin {}:{}`)",
            notes::NOTES_REF,
            notes::NOTES_REF,
            notes::NOTES_REF
        );
        return Ok(Outcome::Done);
    }
    for commit in commits {
        let summary = repo.find_commit(commit).ok().and_then(|c| c.summary().map(String::from)).unwrap_or_default();
        let suites = match index.read(repo, commit) {
            Ok(Some(set)) => {
                set.suites.iter().map(|s| format!("{} ({})", s.name, s.benchmarks.len())).collect::<Vec<_>>().join(", ")
            }
            Ok(None) => String::new(),
            Err(error) => format!("unreadable: {error}"),
        };
        println!("{}  {summary}\n            {suites}", &commit.to_string()[..10]);
    }
    Ok(Outcome::Done)
}

fn show(repo: &git2::Repository, rev: &str, global: &GlobalArgs) -> Result<Outcome> {
    let commit = checkout::resolve_commit(repo, rev)?;
    let Some(set) = notes::read(repo, commit)? else {
        anyhow::bail!("no results are stored for {} in {}", &commit.to_string()[..10], notes::NOTES_REF);
    };
    if global.format == OutputFormat::Json {
        println!("{}", serde_json::to_string_pretty(&set)?);
        return Ok(Outcome::Done);
    }
    println!("{} in {}:", &commit.to_string()[..10], notes::NOTES_REF);
    for suite in &set.suites {
        println!("  suite {}:", suite.name);
        for bench in &suite.benchmarks {
            let rounds = bench
                .rounds
                .as_ref()
                .map(|r| format!(", {} rounds", r.iter().collect::<std::collections::BTreeSet<_>>().len()))
                .unwrap_or_default();
            println!("    {} — {} samples ({}){rounds}", bench.id, bench.samples.len(), bench.unit.label());
        }
    }
    Ok(Outcome::Done)
}

fn merge(repo: &git2::Repository, from: &str) -> Result<Outcome> {
    let before = notes::NotesIndex::load(repo)?.notes_commit;
    let merged = notes::merge_into_notes_ref(repo, from)?;
    let recorded = notes::NotesIndex::at(repo, merged)?.notes.len();
    let what = if before == Some(merged) { "already contains" } else { "now contains" };
    println!("{} {what} {from} ({recorded} recorded commits)", notes::NOTES_REF);
    Ok(Outcome::Done)
}

fn now_seconds() -> i64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX)
}

fn prune(repo: &git2::Repository, keep: Option<u64>, older_than: Option<Age>, dry_run: bool) -> Result<Outcome> {
    let retention = match (keep, older_than) {
        (Some(keep), _) => notes::Retention::Newest(usize::try_from(keep).unwrap_or(usize::MAX)),
        (None, Some(age)) => notes::Retention::Since(now_seconds().saturating_sub(age.seconds)),
        (None, None) => anyhow::bail!("give --keep N or --older-than AGE"),
    };
    let pruned = notes::prune(repo, retention, dry_run)?;
    let undated = pruned.kept.iter().filter(|p| p.time.is_none()).count();
    let undated = if undated > 0 { format!(" ({undated} of commits not in this clone)") } else { String::new() };
    if dry_run {
        println!("would remove {} notes and keep {}{undated}:", pruned.removed.len(), pruned.kept.len());
        for point in &pruned.removed {
            let date = point.time.and_then(|t| chrono::DateTime::from_timestamp(t, 0)).map(|d| d.format("%Y-%m-%d"));
            let summary = repo.find_commit(point.commit).ok().and_then(|c| c.summary().map(String::from));
            println!(
                "  {}  {}  {}",
                &point.commit.to_string()[..10],
                date.map(|d| d.to_string()).unwrap_or_default(),
                summary.unwrap_or_default()
            );
        }
        return Ok(Outcome::Done);
    }
    println!("removed {} notes, kept {}{undated}", pruned.removed.len(), pruned.kept.len());
    if pruned.notes_commit.is_some() {
        println!("share it with: git push origin {}", notes::NOTES_REF);
    }
    Ok(Outcome::Done)
}
