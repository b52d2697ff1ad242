//! `perfgate baseline list|show`: what git notes hold.

use anyhow::{Context, Result};

use super::{load_config, Outcome};
use crate::baseline::notes;
use crate::cli::{BaselineCommand, GlobalArgs};
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
    }
}

fn list(repo: &git2::Repository, global: &GlobalArgs) -> Result<Outcome> {
    let commits = notes::list(repo)?;
    if global.format == OutputFormat::Json {
        let rows: Vec<serde_json::Value> = commits
            .iter()
            .map(|commit| {
                let suites = notes::read(repo, *commit).ok().flatten().map(|s| s.suites).unwrap_or_default();
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
        let suites = match notes::read(repo, commit) {
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
    let commit = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| anyhow::anyhow!("cannot resolve {rev:?}: {}", e.message()))?
        .id();
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
