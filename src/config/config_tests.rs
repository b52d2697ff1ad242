//! Budget-file parsing: the spec's example, strictness, locations and hints.

use std::path::Path;

use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("perf-budget.toml"))
}

const SPEC_EXAMPLE: &str = r#"
[gate]
level = "error"
override-label = "perf-accepted"
confidence = 0.95
fdr = 0.05

[baseline]
source = "rerun"
ref = "origin/main"
rounds = 10

[[suite]]
name = "micro"
command = "cargo bench --bench parse -- --noplot"
format = "criterion"
input = "target/criterion"

[[suite]]
name = "api"
format = "k6"
input = "load/k6-out.json"

[[kpi]]
name = "parsing does not regress"
suite = "micro"
bench = "parse/*"
statistic = "median"
max-regression = "3%"

[[kpi]]
name = "GET requests p99 under 1s"
primary = true
suite = "api"
metric = "http_req_duration"
where = { method = "GET", route = "/api/*" }
statistic = "p99"
max = "1s"
max-regression = "5%"

[[kpi]]
name = "error rate"
suite = "api"
metric = "http_req_failed"
statistic = "rate"
max = 0.01
level = "warn"
"#;

#[test]
fn the_spec_example_parses() {
    let config = parse(SPEC_EXAMPLE).unwrap();
    assert_eq!(config.gate.override_label.as_deref(), Some("perf-accepted"));
    assert_eq!(config.baseline.git_ref.as_deref(), Some("origin/main"));
    assert_eq!(config.suites.len(), 2);
    assert_eq!(config.suites[0].format.name, "criterion");
    assert_eq!(config.kpis.len(), 3);
    let p99 = &config.kpis[1];
    assert!(p99.primary);
    assert_eq!(p99.statistic, Statistic::Quantile(0.99));
    assert_eq!(p99.max, Some(Quantity::Duration(1e9)));
    assert_eq!(p99.max_regression, Some(Percent(0.05)));
    assert_eq!(p99.tag_filters.get("route").map(String::as_str), Some("/api/*"));
    assert_eq!(p99.line, 31);
    assert_eq!(config.kpis[2].level, Level::Warn);
    assert_eq!(config.kpis[0].level, Level::Error);
    assert_eq!(config.kpis[2].max, Some(Quantity::Number(0.01)));
}

#[test]
fn defaults_apply_to_an_empty_file() {
    let config = parse("").unwrap();
    assert_eq!(config.gate, Gate::default());
    assert_eq!(config.baseline.source, BaselineSource::Rerun);
    assert_eq!(config.baseline.rounds, DEFAULT_ROUNDS);
    assert_eq!(config.baseline.min_rounds, DEFAULT_MIN_ROUNDS);
    assert_eq!(config.baseline.time_budget(), std::time::Duration::from_secs(900));
    assert!(config.baseline.confirm, "failures against a stored baseline are re-run before they stand");
}

#[test]
fn the_time_budget_is_a_duration_and_rounds_need_a_first_look() {
    let config = parse("[baseline]\ntime-budget = \"1.5h\"\nmin-rounds = 4\n").unwrap();
    assert_eq!(config.baseline.time_budget(), std::time::Duration::from_secs(5400));
    let error = parse("[baseline]\ntime-budget = \"15\"\n").unwrap_err();
    assert!(error.message.contains("time-budget = 15 is not a duration"), "{error}");
    assert!(error.message.contains("time-budget = \"15min\""), "{error}");
    let error = parse("[baseline]\nmin-rounds = 1\n").unwrap_err();
    assert!(error.message.contains("min-rounds must be at least 2"), "{error}");
    let text = "[[suite]]\nname = \"a\"\nround-options = \"--x 'open\"\n";
    assert!(parse(text).unwrap_err().message.contains("round-options"));
}

#[test]
fn unknown_keys_are_located_and_get_a_hint() {
    let text = "[[suite]]\nname = \"a\"\n\n[[kpi]]\nname = \"k\"\nsuite = \"a\"\nstatistic = \"median\"\nmax-regresion = \"3%\"\n";
    let error = parse(text).unwrap_err();
    assert_eq!((error.line, error.column), (8, 1), "{error}");
    assert!(error.message.contains("unknown field `max-regresion`"), "{error}");
    assert_eq!(error.hint.as_deref(), Some("did you mean `max-regression`?"));
    assert!(error.to_string().starts_with("perf-budget.toml:8:1: unknown field"));
}

#[test]
fn bad_units_are_located() {
    let text = "[[suite]]\nname = \"a\"\n[[kpi]]\nname = \"k\"\nsuite = \"a\"\nstatistic = \"p99\"\nmax = \"1.5mss\"\n";
    let error = parse(text).unwrap_err();
    assert_eq!(error.line, 7, "{error}");
    assert!(error.message.contains("unknown unit \"mss\""), "{error}");
}

#[test]
fn a_relative_budget_needs_a_percent() {
    let text =
        "[[suite]]\nname = \"a\"\n[[kpi]]\nname = \"k\"\nsuite = \"a\"\nstatistic = \"p99\"\nmax-regression = 3\n";
    let error = parse(text).unwrap_err();
    assert_eq!(error.line, 7, "{error}");
    assert!(error.message.contains("expected a non-negative percent"), "{error}");
}

#[test]
fn a_kpi_naming_a_missing_suite_is_an_error_with_a_hint() {
    let text = "[[suite]]\nname = \"micro\"\n[[kpi]]\nname = \"k\"\nsuite = \"mikro\"\nstatistic = \"median\"\nmax-regression = \"3%\"\n";
    let error = parse(text).unwrap_err();
    assert_eq!((error.line, error.column), (5, 9), "{error}");
    assert!(error.message.contains("names suite \"mikro\""), "{error}");
    assert_eq!(error.hint.as_deref(), Some("did you mean \"micro\"?"));
}

#[test]
fn a_kpi_without_budget_is_an_error() {
    let text = "[[suite]]\nname = \"a\"\n[[kpi]]\nname = \"k\"\nsuite = \"a\"\nstatistic = \"median\"\n";
    let error = parse(text).unwrap_err();
    assert!(error.message.contains("has no budget"), "{error}");
    assert_eq!(error.line, 3);
}

#[test]
fn unknown_enum_values_get_a_hint() {
    let error = parse("[baseline]\nsource = \"rerunn\"\n").unwrap_err();
    assert_eq!(error.line, 2, "{error}");
    assert_eq!(error.hint.as_deref(), Some("did you mean `rerun`?"));
}

#[test]
fn duplicate_suites_and_bad_gate_values_are_rejected() {
    assert!(parse("[[suite]]\nname = \"a\"\n[[suite]]\nname = \"a\"\n").unwrap_err().message.contains("defined twice"));
    assert!(parse("[gate]\nconfidence = 1.5\n").unwrap_err().message.contains("confidence"));
    assert!(parse("[gate]\nfdr = 0\n").unwrap_err().message.contains("fdr"));
}

#[test]
fn relative_paths_resolve_against_the_budget_file() {
    let config = Config::parse("", Path::new("/repo/sub/perf-budget.toml")).unwrap();
    assert_eq!(config.resolve(Path::new("data/x.json")), Path::new("/repo/sub/data/x.json"));
    assert_eq!(config.resolve(Path::new("/abs/x.json")), Path::new("/abs/x.json"));
}

#[test]
fn hlog_value_units_are_checked_with_a_hint() {
    let suite =
        |format: &str, unit: &str| format!("[[suite]]\nname = \"load\"\nformat = \"{format}\"\nunit = \"{unit}\"\n");
    assert_eq!(parse(&suite("hlog", "us")).unwrap().suites[0].unit.as_deref(), Some("us"));
    assert!(parse(&suite("auto", "ms")).is_ok(), "auto may find an hlog");
    assert_eq!(parse("[[suite]]\nname = \"load\"\n").unwrap().suites[0].unit, None);

    let error = parse(&suite("hlog", "minutes")).unwrap_err();
    assert_eq!(error.line, 1, "{error}");
    assert!(error.message.contains("unit = \"minutes\" is not a unit of hlog values"), "{error}");
    assert_eq!(error.hint.as_deref(), Some("use one of ns, us, ms, s, min, h (the unit the recorder used)"));
}

#[test]
fn measure_names_its_values_and_cache_sim_needs_counting() {
    let text = "[[suite]]\nname = \"a\"\ncommand = \"cargo bench\"\nmeasure = \"cycles\"\n";
    let error = parse(text).unwrap_err();
    assert_eq!((error.line, error.column), (4, 11), "{error}");
    assert!(error.message.contains("expected `time` or `instructions`"), "{error}");
    let text = "[[suite]]\nname = \"a\"\ncommand = \"cargo bench\"\ncache-sim = true\n";
    assert!(parse(text).unwrap_err().message.contains("needs measure = \"instructions\""));
    let text = "[[suite]]\nname = \"a\"\ncommand = \"cargo bench\"\n\nmeasure = \"instructions\"\ncache-sim = true\n";
    let suite = &parse(text).unwrap().suites[0];
    assert!(suite.counts() && suite.cache_sim);
    assert_eq!((suite.measure.line, suite.measure.column), (5, 11));
    assert!(!parse("[[suite]]\nname = \"a\"\n").unwrap().suites[0].counts());
}
