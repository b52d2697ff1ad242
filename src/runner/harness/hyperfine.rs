//! hyperfine: its commands are the positional words, named in order by
//! `-n`/`--command-name` (the name is the benchmark id). Short rounds:
//! `--runs N`. Only the undecided commands run again; with parameter scans
//! (`-P`, `-L`), `--reference`, or per-command `--prepare`/`--conclude`, the
//! commands cannot be told apart on the command line and all run.

use super::argv::{has_option, positionals, remove_at};
use super::RoundLength;

const VALUE_OPTIONS: &[&str] = &[
    "-w",
    "--warmup",
    "-m",
    "--min-runs",
    "-M",
    "--max-runs",
    "-r",
    "--runs",
    "-s",
    "--setup",
    "-p",
    "--prepare",
    "-c",
    "--cleanup",
    "--conclude",
    "-D",
    "--parameter-step-size",
    "-S",
    "--shell",
    "--style",
    "--sort",
    "-u",
    "--time-unit",
    "--export-asciidoc",
    "--export-csv",
    "--export-json",
    "--export-markdown",
    "--export-orgmode",
    "--output",
    "--input",
    "-n",
    "--command-name",
    "--min-benchmarking-time",
];
const NAME: &[&str] = &["-n", "--command-name"];
const UNSPLITTABLE: &[&str] = &["-P", "--parameter-scan", "-L", "--parameter-list", "--reference"];
const PER_COMMAND: &[&str] = &["-p", "--prepare", "--conclude"];

/// Each command's position and its name's position (`-n` value), in order.
fn commands(words: &[String]) -> Option<Vec<(usize, Option<usize>)>> {
    if has_option(words, UNSPLITTABLE) {
        return None;
    }
    if PER_COMMAND
        .iter()
        .any(|name| words.iter().filter(|w| w == name || w.starts_with(&format!("{name}="))).count() > 1)
    {
        return None;
    }
    let command_words = positionals(&words[1.min(words.len())..], VALUE_OPTIONS);
    let names: Vec<usize> = (1..words.len()).filter(|&i| NAME.contains(&words[i - 1].as_str()) && i >= 2).collect();
    Some(command_words.into_iter().enumerate().map(|(n, i)| (i + 1, names.get(n).copied())).collect())
}

/// The benchmark ids the command line gives: each command's name, else the command.
pub fn command_names(words: &[String]) -> Option<Vec<String>> {
    Some(named_commands(words)?.0.into_iter().map(|(id, _)| id).collect())
}

/// Each command with its benchmark id (its name, else the command itself), and whether hyperfine
/// runs them without a shell (`-N`, `--shell=none`); None when the command line does not tell them
/// apart (parameter scans).
pub fn named_commands(words: &[String]) -> Option<(Vec<(String, String)>, bool)> {
    let listed = commands(words)?;
    let named = listed.iter().map(|&(command, name)| (words[name.unwrap_or(command)].clone(), words[command].clone()));
    let no_shell = has_option(words, &["-N", "--shell=none"])
        || words.windows(2).any(|pair| matches!(pair[0].as_str(), "-S" | "--shell") && pair[1] == "none");
    Some((named.collect(), no_shell))
}

/// Keep only the commands whose id is among `names` (and their `-n` names).
pub fn filter(words: &mut Vec<String>, names: &[&str]) -> bool {
    let Some(listed) = commands(words) else { return false };
    let mut dropped = Vec::new();
    for (command, name) in listed {
        let id = &words[name.unwrap_or(command)];
        if !names.contains(&id.as_str()) {
            dropped.push(command);
            if let Some(name) = name {
                dropped.extend([name - 1, name]);
            }
        }
    }
    dropped.sort_unstable();
    remove_at(words, &dropped);
    true
}

pub fn round_options(words: &[String], length: RoundLength) -> Vec<String> {
    if has_option(words, &["-r", "--runs", "-m", "--min-runs", "-M", "--max-runs"]) {
        return Vec::new();
    }
    vec!["--runs".into(), length.runs.max(2).to_string()]
}
