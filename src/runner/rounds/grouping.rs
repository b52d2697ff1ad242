//! How a suite's benchmarks are grouped into runs. A suite whose run of one
//! side is short runs whole: base, head, head, base, each a run of every
//! benchmark still undecided. A suite whose run is long — benchmarks that set
//! their own measurement times in code, or a command run as written — runs in
//! chunks of a few benchmarks, each chunk A B B A before the next, so that the
//! two sides of a pair are seconds apart rather than minutes: what loads the
//! machine for a while hits both sides of the pairs it spans.
//!
//! Which of the two is known from a probe: the first run of a suite measures
//! its first few benchmarks only, and their time per benchmark says how long
//! a whole run would be. Long and short are measured against the time budget:
//! a whole run may take a fifteenth of it (a minute of the default 15), a
//! chunk's run aims at a sixtieth (15 s), so the budget always holds many
//! pairs of runs.

use std::collections::BTreeSet;
use std::time::Duration;

/// Benchmarks the first run of a suite measures, to tell how long its runs are.
pub const PROBE_BENCHMARKS: usize = 3;

/// How long runs may be, from the time budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// A suite whose run of one side would take longer than this (seconds) runs in chunks.
    pub longest_whole_run: f64,
    /// Seconds a chunk's run of one side aims at.
    pub chunk_seconds: f64,
}

impl Limits {
    /// A fifteenth of the budget for a whole run (at most a minute), a sixtieth for a chunk (at most 15 s).
    pub fn of_budget(budget: Duration) -> Limits {
        let seconds = budget.as_secs_f64();
        Limits { longest_whole_run: (seconds / 15.0).min(60.0), chunk_seconds: (seconds / 60.0).min(15.0) }
    }
}

/// How a suite's benchmarks run.
#[derive(Debug, Clone, PartialEq)]
pub enum Grouping {
    /// Not known yet: its first run is a probe.
    Undecided,
    /// Every undecided benchmark in one run per side.
    Whole,
    /// Chunks of benchmarks, each A B B A; `per_benchmark` seconds of one side's run each.
    Chunked { per_benchmark: f64 },
}

/// The grouping of a suite of `benchmarks`, whose probe took `per_benchmark` seconds a benchmark.
pub fn after_probe(per_benchmark: f64, benchmarks: usize, limits: Limits) -> Grouping {
    if per_benchmark * benchmarks as f64 > limits.longest_whole_run {
        Grouping::Chunked { per_benchmark }
    } else {
        Grouping::Whole
    }
}

/// The probe: the first benchmarks of the listing, or None when a probe tells nothing (a suite
/// short enough to have only a few).
pub fn probe(listed: &[String]) -> Option<BTreeSet<String>> {
    (listed.len() > PROBE_BENCHMARKS).then(|| listed[..PROBE_BENCHMARKS].iter().cloned().collect())
}

/// `names` (in listing order) cut into chunks whose run of one side takes about the limits'
/// chunk seconds at `per_benchmark` seconds each, one benchmark at least.
pub fn chunks(names: &[String], per_benchmark: f64, limits: Limits) -> Vec<BTreeSet<String>> {
    let size = if per_benchmark > 0.0 {
        (limits.chunk_seconds / per_benchmark).floor().max(1.0) as usize
    } else {
        names.len()
    };
    names.chunks(size.max(1)).map(|chunk| chunk.iter().cloned().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("b{i:02}")).collect()
    }

    const DEFAULT: Limits = Limits { longest_whole_run: 60.0, chunk_seconds: 15.0 };

    #[test]
    fn the_limits_are_shares_of_the_budget_up_to_a_minute_and_fifteen_seconds() {
        assert_eq!(Limits::of_budget(Duration::from_secs(900)), DEFAULT);
        assert_eq!(Limits::of_budget(Duration::from_secs(3600)), DEFAULT);
        assert_eq!(Limits::of_budget(Duration::from_secs(30)), Limits { longest_whole_run: 2.0, chunk_seconds: 0.5 });
    }

    #[test]
    fn short_runs_stay_whole_and_long_ones_are_chunked() {
        // 63 benchmarks in 0.5 s runs: 31.5 s a side, one run.
        assert_eq!(after_probe(0.5, 63, DEFAULT), Grouping::Whole);
        // 88 benchmarks whose groups set 3 s of measuring and 0.5 s of warm-up.
        assert_eq!(after_probe(3.7, 88, DEFAULT), Grouping::Chunked { per_benchmark: 3.7 });
        assert_eq!(after_probe(3.7, 16, DEFAULT), Grouping::Whole, "59 s a side");
    }

    #[test]
    fn chunks_take_about_fifteen_seconds_a_side_in_listing_order() {
        let chunked = chunks(&names(10), 3.7, DEFAULT);
        assert_eq!(chunked.len(), 3, "4, 4 and 2 benchmarks: {chunked:?}");
        assert_eq!(chunked[0], ["b00", "b01", "b02", "b03"].map(String::from).into());
        assert_eq!(chunks(&names(5), 40.0, DEFAULT).len(), 5, "a benchmark longer than a chunk runs alone");
        assert_eq!(chunks(&names(5), 0.0, DEFAULT).len(), 1);
        assert_eq!(probe(&names(10)), Some(["b00", "b01", "b02"].map(String::from).into()));
        assert_eq!(probe(&names(3)), None);
    }
}
