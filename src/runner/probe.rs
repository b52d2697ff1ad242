//! Whether a suite's benchmarks take perfgate's short-round options, found
//! before any check: one benchmark of each benchmark group runs briefly, and
//! a group whose benchmark measures far longer than asked sets its own times
//! in code (criterion's `BenchmarkGroup::measurement_time` wins over the
//! command line). `perfgate doctor` reports such groups.

use std::collections::BTreeMap;

use anyhow::Result;

use super::harness::{Harness, RoundLength, Steering};
use super::rounds::ignored_round_options;
use super::suite::{collect_suite, list_benchmarks, RunSettings, Steer, Tree};
use crate::config::Suite;

/// Seconds per benchmark the probe asks for (a quarter of it warming up).
const PROBE_SECONDS: f64 = 0.2;
/// Groups probed at most (one benchmark each), to bound the probe's time.
const MOST_GROUPS: usize = 24;

/// A benchmark group that ignored the round options.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoringGroup {
    /// The group (the benchmark ids' first part).
    pub group: String,
    /// Its benchmarks in the listing.
    pub benchmarks: usize,
    /// Seconds of measuring asked for, and what the probed benchmark measured.
    pub asked: f64,
    pub measured: f64,
}

/// What probing a suite found.
pub struct Probed {
    /// Groups probed, and how many benchmarks they hold in all.
    pub groups: usize,
    pub benchmarks: usize,
    pub ignoring: Vec<IgnoringGroup>,
}

/// Probe `suite` on `tree`: None when its harness says afterwards how long it measured only for
/// criterion, so other harnesses are not probed.
pub fn probe_round_options(
    suite: &Suite,
    tree: &Tree,
    settings: &RunSettings,
    harness: Harness,
) -> Result<Option<Probed>> {
    if harness != Harness::Criterion || !suite.short_rounds || suite.round_options.is_some() {
        return Ok(None);
    }
    let Some(names) = list_benchmarks(suite, tree, settings, harness)? else { return Ok(None) };
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in names {
        groups.entry(name.split('/').next().unwrap_or(&name).to_string()).or_default().push(name);
    }
    let probed: BTreeMap<&String, &String> =
        groups.iter().take(MOST_GROUPS).filter_map(|(group, names)| Some((group, names.first()?))).collect();
    let steering = Steering {
        length: Some(RoundLength { seconds: PROBE_SECONDS, runs: 1 }),
        own_options: Vec::new(),
        only: Some(probed.values().map(|name| (*name).clone()).collect()),
    };
    let words = suite.command.as_deref().and_then(|c| shell_words::split(c).ok()).unwrap_or_default();
    let asked = harness.asked_measuring(&harness.steer(&words, &steering).words).unwrap_or(PROBE_SECONDS);
    let results = collect_suite(suite, tree, settings, Some(Steer { harness, steering: &steering }))?;
    let mut ignoring = Vec::new();
    for (group, name) in &probed {
        let measured = results.iter().find(|b| harness.name_of(b) == **name).and_then(|b| b.measured_seconds);
        if let Some(measured) = measured.filter(|m| ignored_round_options(asked, *m)) {
            ignoring.push(IgnoringGroup { group: (*group).clone(), benchmarks: groups[*group].len(), asked, measured });
        }
    }
    let benchmarks = probed.keys().map(|group| groups[*group].len()).sum();
    Ok(Some(Probed { groups: probed.len(), benchmarks, ignoring }))
}
