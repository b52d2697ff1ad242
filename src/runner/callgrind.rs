//! Instructions per iteration of one criterion benchmark, from a run of its
//! bench binary under Callgrind with `--dump-before` on criterion's
//! `Bencher::iter` (which criterion keeps out of line): each dump holds what
//! ran since the previous call of `iter`, that is one call of the routine's
//! loop, `iters` iterations of it, plus criterion's constant code between
//! calls. criterion's `sample.json` gives the iterations of the measured calls,
//! the last of the run. The count per iteration is the slope of the dumps'
//! counts over those iterations, so criterion's constant costs drop out and the
//! figure does not depend on how many iterations ran; with equal iterations
//! (criterion's flat sampling) it is their mean over the iterations.
//!
//! With `--cache-sim=yes` the dumps also carry cache misses, and the estimated
//! cycles are L1 hits + 5 × LL hits + 35 × RAM accesses, as iai and gungraun
//! define them.
//!
//! Not yet called by a check: the counting suites (`measure = "instructions"`)
//! build on it.

use std::path::{Path, PathBuf};

/// What one measured call cost, by Callgrind's events (zero for events it did not collect).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Events {
    pub instructions: f64,
    /// Data reads and writes.
    pub reads: f64,
    pub writes: f64,
    /// Misses of the first-level caches (instruction, data read, data write).
    pub l1_misses: f64,
    /// Misses of the last-level cache (instruction, data read, data write).
    pub ll_misses: f64,
    /// Whether the cache simulation ran (the miss events exist).
    pub cache_sim: bool,
}

impl Events {
    /// L1 hits + 5 × LL hits + 35 × RAM accesses; None without the cache simulation.
    pub fn estimated_cycles(&self) -> Option<f64> {
        self.cache_sim.then(|| {
            let accesses = self.instructions + self.reads + self.writes;
            let l1_hits = accesses - self.l1_misses;
            let ll_hits = self.l1_misses - self.ll_misses;
            l1_hits + 5.0 * ll_hits + 35.0 * self.ll_misses
        })
    }
}

/// The counts of one benchmark's routine, per iteration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerIteration {
    pub instructions: f64,
    pub estimated_cycles: Option<f64>,
    /// The largest relative gap between a measured call's count and the line through them all:
    /// 0 when the routine does the same work every iteration.
    pub spread: f64,
}

/// The events of one dump's text: its `events:` line names them, `totals:` (or `summary:`) counts them.
pub fn events(text: &str) -> Result<Events, String> {
    let line = |key: &str| text.lines().find_map(|l| l.strip_prefix(key)).map(str::trim);
    let names: Vec<&str> = line("events:").ok_or("no `events:` line")?.split_whitespace().collect();
    let counts = line("totals:").or_else(|| line("summary:")).ok_or("no `totals:` or `summary:` line")?;
    let mut values = Vec::new();
    for word in counts.split_whitespace() {
        values.push(word.parse::<f64>().map_err(|_| format!("expected a count, found {word:?}"))?);
    }
    // Callgrind leaves out trailing zero counts.
    let count =
        |name: &str| names.iter().position(|n| *n == name).map_or(0.0, |i| values.get(i).copied().unwrap_or(0.0));
    Ok(Events {
        instructions: count("Ir"),
        reads: count("Dr"),
        writes: count("Dw"),
        l1_misses: count("I1mr") + count("D1mr") + count("D1mw"),
        ll_misses: count("ILmr") + count("DLmr") + count("DLmw"),
        cache_sim: names.contains(&"I1mr"),
    })
}

/// The numbered dumps `PREFIX.N` in `folder`, in call order.
pub fn numbered_dumps(folder: &Path, prefix: &str) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let mut numbered: Vec<(u64, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let number = name.strip_prefix(prefix)?.strip_prefix('.')?.parse().ok()?;
            Some((number, entry.path()))
        })
        .collect();
    numbered.sort();
    Ok(numbered.into_iter().map(|(_, path)| path).collect())
}

/// The counts per iteration from the dumps of a run (in call order) and the iterations of its
/// measured calls (`sample.json`'s `iters`). The dump before measured call `j + 1` holds call `j`,
/// so the last `iters.len() - 1` numbered dumps hold the first measured calls but the last.
pub fn per_iteration(dumps: &[Events], iters: &[f64]) -> Result<PerIteration, String> {
    let calls = iters.len().saturating_sub(1);
    if calls < 2 || dumps.len() < calls {
        return Err(format!(
            "{} dumps for {} measured calls: expected a dump before each call of criterion's Bencher::iter",
            dumps.len(),
            iters.len()
        ));
    }
    let measured = &dumps[dumps.len() - calls..];
    let iters = &iters[..calls];
    let instructions = slope(iters, &measured.iter().map(|e| e.instructions).collect::<Vec<_>>());
    if !(instructions.is_finite() && instructions > 0.0) {
        return Err(format!("the measured calls' counts do not grow with their iterations ({instructions})"));
    }
    let cycles: Option<Vec<f64>> = measured.iter().map(Events::estimated_cycles).collect();
    let estimated_cycles = cycles.map(|cycles| slope(iters, &cycles));
    let counts: Vec<f64> = measured.iter().map(|e| e.instructions).collect();
    let n = calls as f64;
    let intercept = counts.iter().sum::<f64>() / n - instructions * iters.iter().sum::<f64>() / n;
    let spread = iters
        .iter()
        .zip(&counts)
        .map(|(iters, count)| (count - intercept - instructions * iters).abs() / (instructions * iters))
        .fold(0.0, f64::max);
    Ok(PerIteration { instructions, estimated_cycles, spread })
}

/// The least-squares slope of `y` over `x`; with all `x` equal (flat sampling), the mean of `y / x`.
fn slope(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mean_x, mean_y) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let var: f64 = x.iter().map(|x| (x - mean_x).powi(2)).sum();
    if var == 0.0 {
        return x.iter().zip(y).map(|(x, y)| y / x).sum::<f64>() / n;
    }
    x.iter().zip(y).map(|(x, y)| (x - mean_x) * (y - mean_y)).sum::<f64>() / var
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/callgrind").join(name)
    }

    fn run(name: &str) -> (Vec<Events>, Vec<f64>) {
        let folder = fixture(name);
        let dumps = numbered_dumps(&folder, "callgrind.out").unwrap();
        let events = dumps.iter().map(|p| events(&std::fs::read_to_string(p).unwrap()).unwrap()).collect();
        let sample: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(folder.join("sample.json")).unwrap()).unwrap();
        let iters = sample["iters"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        (events, iters)
    }

    /// `sum(n)` is 7 + 5·n instructions and `Bencher::iter`'s loop 7 more per call (README of the
    /// fixtures): the count matches the hand count exactly, whatever the iterations.
    #[test]
    fn the_count_per_iteration_is_the_hand_count() {
        let (events, iters) = run("sum-2000");
        let counted = per_iteration(&events, &iters).unwrap();
        assert_eq!(counted.instructions, 10_014.0, "{counted:?}");
        assert_eq!(counted.spread, 0.0);
        assert_eq!(counted.estimated_cycles, None);
        let (events, iters) = run("sum-1000-cache-sim");
        let counted = per_iteration(&events, &iters).unwrap();
        assert_eq!(counted.instructions, 5_014.0, "{counted:?}");
    }

    /// Any subset of the measured calls gives the same count: it does not depend on how many
    /// iterations ran.
    #[test]
    fn the_count_does_not_depend_on_the_iterations() {
        let (events, iters) = run("sum-2000");
        for keep in 3..iters.len() {
            let dropped = iters.len() - keep;
            let counted = per_iteration(&events[..events.len() - dropped], &iters[..keep]).unwrap();
            assert_eq!(counted.instructions, 10_014.0, "the first {keep} calls");
        }
        // Flat sampling: the same call repeated.
        let flat = vec![Events { instructions: 300.0 + 10_014.0 * 50.0, ..Events::default() }; 5];
        let counted = per_iteration(&flat, &[50.0; 6]).unwrap();
        assert!((counted.instructions / 10_014.0 - 1.0).abs() < 0.001, "{counted:?}");
    }

    /// With the cache simulation (fixed caches) the routine's loop hits L1 on every access, so its
    /// estimated cycles are its accesses: 5014 instructions, 1003 data reads (`sum`'s 1000 loads
    /// of its stack slot, the loop's two `black_box` loads, `ret`) and 1003 writes (1000 stores,
    /// two `black_box` stores, `call`): 7020 by hand.
    #[test]
    fn estimated_cycles_from_the_cache_simulation() {
        let (events, iters) = run("sum-1000-cache-sim");
        assert!(events.iter().all(|e| e.cache_sim));
        let cycles = per_iteration(&events, &iters).unwrap().estimated_cycles.unwrap();
        assert!((cycles / 7020.0 - 1.0).abs() < 0.001, "{cycles}");
        let missing =
            Events { instructions: 100.0, reads: 50.0, writes: 50.0, l1_misses: 10.0, ll_misses: 2.0, cache_sim: true };
        // 190 L1 hits, 8 LL hits, 2 from RAM.
        assert_eq!(missing.estimated_cycles(), Some(190.0 + 5.0 * 8.0 + 35.0 * 2.0));
    }

    #[test]
    fn dumps_that_are_not_callgrinds_are_errors() {
        assert!(events("nothing here").unwrap_err().contains("events:"));
        assert!(events("events: Ir\n").unwrap_err().contains("totals:"));
        assert!(events("events: Ir\ntotals: many\n").unwrap_err().contains("\"many\""));
        let one = Events { instructions: 1.0, ..Events::default() };
        assert!(per_iteration(&[one], &[1.0, 2.0, 3.0]).unwrap_err().contains("Bencher::iter"));
    }
}
