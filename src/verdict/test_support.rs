//! Helpers for the decision tests: a budget file with one suite `s` and the
//! given KPIs, and the inputs of that suite.

use std::collections::BTreeMap;
use std::path::Path;

use super::Inputs;
use crate::config::Config;
use crate::model::Benchmark;

/// A budget file with `[baseline] source = "file"`, one suite `s` and `kpis`.
pub fn config(kpis: &str) -> Config {
    let text = format!("[baseline]\nsource = \"file\"\n[[suite]]\nname = \"s\"\n{kpis}");
    Config::parse(&text, Path::new("perf-budget.toml")).unwrap()
}

/// Suite `s`'s results on the head and, when given, on the baseline.
pub fn inputs(base: Option<Vec<Benchmark>>, head: Vec<Benchmark>) -> Inputs {
    Inputs {
        head: BTreeMap::from([("s".to_string(), head)]),
        base: base.map(|b| BTreeMap::from([("s".to_string(), b)])),
        ..Inputs::default()
    }
}
