//! `perfgate run`: collect every suite's results into one normalized results file.

use anyhow::Result;

use super::{load_config, run_settings, write_atomically, Outcome};
use crate::cli::GlobalArgs;
use crate::runner::collect;

pub fn run(global: &GlobalArgs) -> Result<Outcome> {
    let config = load_config(global)?;
    let settings = run_settings(global);
    let mut results = std::collections::BTreeMap::new();
    for suite in &config.suites {
        results.insert(suite.name.clone(), collect::read_suite(&config, suite, &settings)?);
    }
    let set = collect::result_set(results);
    let json = serde_json::to_string_pretty(&set)? + "\n";
    match &global.output {
        Some(path) => {
            write_atomically(path, &json)?;
            if !global.quiet {
                let count: usize = set.suites.iter().map(|s| s.benchmarks.len()).sum();
                eprintln!("perfgate: wrote {count} benchmarks of {} suites to {}", set.suites.len(), path.display());
            }
        }
        None => print!("{json}"),
    }
    Ok(Outcome::Done)
}
