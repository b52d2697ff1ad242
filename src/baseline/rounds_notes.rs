//! What a reader of a re-run check must know about how its rounds went: a
//! command that could not be limited, a suite that ran in chunks, round
//! options a harness ignored, benchmarks the time budget left unmeasured.

use std::time::Duration;

use crate::model::units::{first_names, human_duration as human};
use crate::runner::rounds::{RoundResults, SuiteRounds};

/// Names listed in a note before "and N more".
const NAMES_SHOWN: usize = 4;

/// The notes of the rounds in `results`, within a time budget of `budget`.
pub fn notes(results: &RoundResults, budget: Duration) -> Vec<String> {
    let mut notes = Vec::new();
    for suite in &results.unfiltered {
        notes.push(format!(
            "Suite {suite:?}: its command cannot be limited to the undecided benchmarks, so every round ran all of them."
        ));
    }
    for (name, ran) in &results.suites {
        notes.extend(ignored_options(name, ran));
        if let Some(per_benchmark) = ran.chunked {
            notes.push(format!(
                "Suite {name:?} ran in chunks of benchmarks, each base, head, head, base before the next (one side's run \
                 took {per_benchmark:.1} s per benchmark, too long to run the whole suite between the two sides of a \
                 pair): the two runs of a pair are seconds apart."
            ));
        }
        if !ran.unmeasured.is_empty() {
            let measured: Vec<&str> =
                results.head.get(name).map_or_else(Vec::new, |b| b.iter().map(|b| b.id.as_str()).collect());
            let never = ran.unmeasured.iter().filter(|name| !measured.contains(&name.as_str())).count();
            let never = match never {
                0 => String::new(),
                n if n == ran.unmeasured.len() => ": none of them ran at all, so they are inconclusive".to_string(),
                n => format!("; {n} of them never ran at all and are inconclusive"),
            };
            notes.push(format!(
                "Suite {name:?}: the time budget of {} ran out in round {} before {} had their turn ({}){never}. \
                 Raise `[baseline] time-budget`, or split the suite over a CI matrix (`--shard`).",
                human(budget),
                ran.rounds.max(1),
                count_of(ran.unmeasured.len(), ran.unmeasured.len()),
                listed(&ran.unmeasured.iter().collect::<Vec<_>>())
            ));
        }
    }
    notes
}

/// A suite whose benchmarks measured far longer than the round options asked.
fn ignored_options(name: &str, ran: &SuiteRounds) -> Option<String> {
    let asked = ran.asked_seconds?;
    let longest = ran.ignored_options.values().copied().reduce(f64::max)?;
    Some(format!(
        "Suite {name:?}: {} ignored the round options — asked for {asked:.2} s of measuring, they measured up to \
         {longest:.1} s ({}). Their benchmark groups set their own times in code (criterion's \
         `BenchmarkGroup::measurement_time` and `warm_up_time` win over the command line), so every round of them \
         takes that long and fewer rounds fit: remove those settings from the groups (or make them depend on an \
         environment variable of your own), or raise `[baseline] time-budget`. `perfgate doctor` names the groups.",
        count_of(ran.ignored_options.len(), ran.ignored_options.len()),
        listed(&ran.ignored_options.keys().collect::<Vec<_>>())
    ))
}

fn listed(names: &[&String]) -> String {
    first_names(names, NAMES_SHOWN)
}

fn count_of(count: usize, total: usize) -> String {
    let noun = if count == 1 { "benchmark" } else { "benchmarks" };
    if count == total {
        format!("{count} {noun}")
    } else {
        format!("{count} of {total} {noun}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_options_are_said_with_the_fix() {
        let ran = SuiteRounds {
            asked_seconds: Some(0.3),
            ignored_options: [("encode/3".to_string(), 3.01), ("decode/3".to_string(), 2.9)].into(),
            ..SuiteRounds::default()
        };
        let note = ignored_options("criterion", &ran).unwrap();
        assert!(note.starts_with("Suite \"criterion\": 2 benchmarks ignored the round options — asked for 0.30 s of measuring, they measured up to 3.0 s (decode/3, encode/3)."), "{note}");
        assert!(note.contains("measurement_time") && note.contains("perfgate doctor"), "{note}");
        assert_eq!(ignored_options("criterion", &SuiteRounds::default()), None);
    }
}
