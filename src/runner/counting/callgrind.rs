//! Reading Callgrind's dumps. A criterion benchmark runs in criterion's
//! profile mode under `--dump-before` and `--dump-after` on the `Bencher::iter*`
//! methods criterion keeps out of line: every call of them gets a dump of its
//! own (its `desc: Trigger:` line says `--dump-after`), holding the routine's
//! loop, `iters` iterations of it, and `iter`'s constant clock reads. Profile
//! mode's warm-up calls the routine with 1, 2, 4, ... iterations, so the
//! count per iteration is the growth from the second-last call to the last
//! over the iterations added: the constant drops out, the figure does not
//! depend on how many calls the second of warm-up held, and integer counts
//! give it exactly (the largest calls also weigh most in a timed run).
//!
//! With `--cache-sim=yes` the dumps also carry cache misses, and the estimated
//! cycles are L1 hits + 5 × LL hits + 35 × RAM accesses, as iai and gungraun
//! define them.

use std::path::{Path, PathBuf};

/// What one dump counted, by Callgrind's events (zero for events it did not collect).
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

    /// The events of several processes (a command and its children) together.
    pub fn add(&mut self, other: &Events) {
        self.instructions += other.instructions;
        self.reads += other.reads;
        self.writes += other.writes;
        self.l1_misses += other.l1_misses;
        self.ll_misses += other.ll_misses;
        self.cache_sim |= other.cache_sim;
    }
}

/// The counts of one benchmark's routine, per iteration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerIteration {
    pub instructions: f64,
    pub estimated_cycles: Option<f64>,
    /// The largest relative gap between a call's count and the line through them all: 0 when the
    /// routine does the same work every iteration.
    pub spread: f64,
}

/// One dump: its events, and whether it was written on leaving a function (`--dump-after`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dump {
    pub events: Events,
    pub after_call: bool,
}

/// A dump's text: its `events:` line names the events, `totals:` (or `summary:`) counts them.
pub fn dump(text: &str) -> Result<Dump, String> {
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
    let events = Events {
        instructions: count("Ir"),
        reads: count("Dr"),
        writes: count("Dw"),
        l1_misses: count("I1mr") + count("D1mr") + count("D1mw"),
        ll_misses: count("ILmr") + count("DLmr") + count("DLmw"),
        cache_sim: names.contains(&"I1mr"),
    };
    let after_call = line("desc: Trigger:").is_some_and(|trigger| trigger.starts_with("--dump-after"));
    Ok(Dump { events, after_call })
}

/// The dump files `PREFIX.N` in `folder`, in the order Callgrind wrote them, and `PREFIX` itself
/// (written at exit) last when it exists.
pub fn dump_files(folder: &Path, prefix: &str) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let mut numbered: Vec<(u64, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let number = match name.strip_prefix(prefix)? {
                "" => u64::MAX,
                rest => rest.strip_prefix('.')?.parse().ok()?,
            };
            Some((number, entry.path()))
        })
        .collect();
    numbered.sort();
    Ok(numbered.into_iter().map(|(_, path)| path).collect())
}

/// A last call of at least this many instructions holds enough of the routine: its count per
/// iteration is then the growth over thousands of iterations for routines of a few hundred
/// instructions, and over the most iterations criterion's warm-up would reach for heavier ones.
pub const ENOUGH_INSTRUCTIONS: f64 = 1e7;
/// ... as long as there are at least this many calls (the last of 8 iterations).
pub const ENOUGH_CALLS: usize = 4;

/// The dumps of a profile-mode run that is still going, read as Callgrind completes them (a
/// dump is complete once a later one exists), so that the run can stop once its calls suffice:
/// criterion's warm-up always lasts a second, under Valgrind often two, where a tenth holds
/// the same count per iteration.
pub struct Progress {
    folder: PathBuf,
    prefix: String,
    dumps: Vec<Dump>,
}

impl Progress {
    pub fn new(folder: &Path, prefix: &str) -> Progress {
        Progress { folder: folder.to_path_buf(), prefix: prefix.to_string(), dumps: Vec::new() }
    }

    /// Read the dumps completed since the last look: whether the calls now suffice.
    pub fn enough(&mut self) -> bool {
        let Ok(files) = dump_files(&self.folder, &self.prefix) else { return false };
        let numbered: Vec<&PathBuf> = files.iter().filter(|path| !path.ends_with(&self.prefix)).collect();
        let complete = numbered.len().saturating_sub(1);
        for path in numbered.iter().take(complete).skip(self.dumps.len()) {
            match std::fs::read_to_string(path).map_err(|e| e.to_string()).and_then(|text| dump(&text)) {
                Ok(dump) => self.dumps.push(dump),
                Err(_) => return false,
            }
        }
        self.first_enough().is_some()
    }

    /// The index of the dump after the first call with which the calls suffice.
    fn first_enough(&self) -> Option<usize> {
        let mut calls = 0;
        self.dumps.iter().position(|dump| {
            calls += usize::from(dump.after_call);
            dump.after_call && calls >= ENOUGH_CALLS && dump.events.instructions >= ENOUGH_INSTRUCTIONS
        })
    }

    /// The complete dumps up to the first call with which the calls suffice (all of them if none
    /// does): the same calls however late the run was stopped after it.
    pub fn into_dumps(mut self) -> Vec<Dump> {
        if let Some(last) = self.first_enough() {
            self.dumps.truncate(last + 1);
        }
        self.dumps
    }
}

/// Read every dump in `folder` written under `prefix`, in order.
pub fn read_dumps(folder: &Path, prefix: &str) -> Result<Vec<Dump>, String> {
    dump_files(folder, prefix)?
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            dump(&text).map_err(|e| format!("{}: {e}", path.display()))
        })
        .collect()
}

/// The counts per iteration from a profile-mode run's dumps: the calls (the `--dump-after`
/// dumps), call `k` of `2^k` iterations.
pub fn per_iteration(dumps: &[Dump]) -> Result<PerIteration, String> {
    let calls: Vec<Events> = dumps.iter().filter(|d| d.after_call).map(|d| d.events).collect();
    if calls.is_empty() {
        return Err(
            "no call of criterion's Bencher::iter was counted (is this a criterion 0.4 or 0.5 benchmark?)".to_string()
        );
    }
    let iters: Vec<f64> = (0..calls.len()).map(|k| 2f64.powi(k as i32)).collect();
    let counts: Vec<f64> = calls.iter().map(|e| e.instructions).collect();
    let instructions = slope(&counts);
    if !(instructions.is_finite() && instructions > 0.0) {
        return Err(format!("the calls' counts do not grow with their iterations ({counts:?})"));
    }
    let cycles: Option<Vec<f64>> = calls.iter().map(Events::estimated_cycles).collect();
    let estimated_cycles = cycles.map(|cycles| slope(&cycles));
    let n = counts.len() as f64;
    let intercept = counts.iter().sum::<f64>() / n - instructions * iters.iter().sum::<f64>() / n;
    let spread = iters
        .iter()
        .zip(&counts)
        .map(|(iters, count)| (count - intercept - instructions * iters).abs() / (instructions * iters))
        .fold(0.0, f64::max);
    Ok(PerIteration { instructions, estimated_cycles, spread })
}

/// The count per iteration of calls of 1, 2, 4, ... iterations: the last call's count less the
/// one before, over the iterations it added (as many as that call had); one call alone: its count
/// (a routine whose first iteration already filled the warm-up second, so that the constant is
/// negligible).
fn slope(counts: &[f64]) -> f64 {
    match counts {
        [.., before, last] => (last - before) / 2f64.powi(counts.len() as i32 - 2),
        [only] => *only,
        [] => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<Dump> {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/callgrind").join(name);
        read_dumps(&folder, "callgrind.out").unwrap()
    }

    /// `sum(n)` is 7 + 5·n instructions and `Bencher::iter`'s loop 7 more per call (README of the
    /// fixtures): the count matches the hand count exactly.
    #[test]
    fn the_count_per_iteration_is_the_hand_count() {
        let counted = per_iteration(&fixture("sum-2000")).unwrap();
        assert_eq!(counted.instructions, 10_014.0, "{counted:?}");
        assert_eq!(counted.spread, 0.0);
        assert_eq!(counted.estimated_cycles, None);
        let counted = per_iteration(&fixture("sum-1000-cache-sim")).unwrap();
        assert_eq!(counted.instructions, 5_014.0, "{counted:?}");
    }

    /// Any number of the warm-up's calls gives the same count: it does not depend on how many
    /// iterations ran. One call alone carries `iter`'s constant (282 instructions) with it.
    #[test]
    fn the_count_does_not_depend_on_the_iterations() {
        let dumps = fixture("sum-2000");
        let calls = dumps.iter().filter(|d| d.after_call).count();
        assert!(calls >= 10, "{calls} calls");
        for kept in 2..=calls {
            let last = dumps.iter().enumerate().filter(|(_, d)| d.after_call).nth(kept - 1).unwrap().0;
            let counted = per_iteration(&dumps[..=last]).unwrap();
            assert_eq!(counted.instructions, 10_014.0, "the first {kept} calls");
        }
        let first = dumps.iter().position(|d| d.after_call).unwrap();
        assert_eq!(per_iteration(&dumps[..=first]).unwrap().instructions, 10_014.0 + 282.0);
    }

    /// With the cache simulation (fixed caches) the routine's loop hits L1 on every access, so its
    /// estimated cycles are its accesses: 5014 instructions, 1003 data reads (`sum`'s 1000 loads
    /// of its stack slot, the loop's two `black_box` loads, `ret`) and 1003 writes (1000 stores,
    /// two `black_box` stores, `call`): 7020 by hand.
    #[test]
    fn estimated_cycles_from_the_cache_simulation() {
        let dumps = fixture("sum-1000-cache-sim");
        assert!(dumps.iter().all(|d| d.events.cache_sim));
        let cycles = per_iteration(&dumps).unwrap().estimated_cycles.unwrap();
        assert!((cycles / 7020.0 - 1.0).abs() < 0.001, "{cycles}");
        let missing =
            Events { instructions: 100.0, reads: 50.0, writes: 50.0, l1_misses: 10.0, ll_misses: 2.0, cache_sim: true };
        // 190 L1 hits, 8 LL hits, 2 from RAM.
        assert_eq!(missing.estimated_cycles(), Some(190.0 + 5.0 * 8.0 + 35.0 * 2.0));
    }

    /// The fixture's dumps appear one by one, as a running Callgrind writes them: the run holds
    /// enough at the first call of 10 million instructions, once the dump after it exists, and
    /// the count from the dumps so far is the whole run's.
    #[test]
    fn a_run_holds_enough_at_its_first_large_call_once_callgrind_has_moved_on() {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/callgrind/sum-2000");
        let folder = tempfile::tempdir().unwrap();
        let mut progress = Progress::new(folder.path(), "callgrind.out");
        let files = dump_files(&source, "callgrind.out").unwrap();
        let mut enough_at = None;
        for (written, file) in files.iter().enumerate() {
            std::fs::copy(file, folder.path().join(file.file_name().unwrap())).unwrap();
            if progress.enough() {
                enough_at = Some(written);
                break;
            }
        }
        let enough_at = enough_at.expect("the fixture's calls reach 10 million instructions");
        let dumps = progress.into_dumps();
        assert_eq!(dumps.len(), enough_at, "every dump but the one being written");
        // Read late, with every dump there: the same calls.
        let mut late = Progress::new(&source, "callgrind.out");
        assert!(late.enough());
        assert_eq!(late.into_dumps(), dumps);
        let calls: Vec<f64> = dumps.iter().filter(|d| d.after_call).map(|d| d.events.instructions).collect();
        assert!(calls[calls.len() - 1] >= ENOUGH_INSTRUCTIONS && calls[calls.len() - 2] < ENOUGH_INSTRUCTIONS);
        assert_eq!(per_iteration(&dumps).unwrap().instructions, 10_014.0);
    }

    #[test]
    fn dumps_that_are_not_callgrinds_are_errors() {
        assert!(dump("nothing here").unwrap_err().contains("events:"));
        assert!(dump("events: Ir\n").unwrap_err().contains("totals:"));
        assert!(dump("events: Ir\ntotals: many\n").unwrap_err().contains("\"many\""));
        let between = Dump { events: Events { instructions: 1.0, ..Events::default() }, after_call: false };
        assert!(per_iteration(&[between]).unwrap_err().contains("Bencher::iter"));
    }
}
