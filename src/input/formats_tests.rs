use std::collections::BTreeSet;

use clap::ValueEnum;

use super::*;
use crate::config::Config;

fn every_name() -> Vec<&'static str> {
    Format::value_variants().iter().map(|format| format.name()).collect()
}

#[test]
fn names_and_aliases_are_unique_and_round_trip_through_the_command_line() {
    let mut seen = BTreeSet::new();
    for format in Format::value_variants() {
        for name in std::iter::once(format.name()).chain(format.spec().aliases.iter().copied()) {
            assert!(seen.insert(name), "{name} names two formats");
            assert_eq!(Format::from_str(name, false), Ok(*format), "{name}");
            assert_eq!(Registry::builtin().named(name), Some(*format), "{name}");
        }
    }
    assert_eq!(every_name()[0], "auto");
    assert_eq!(Registry::builtin().named("gungraun"), Some(Format::IAI_CALLGRIND));
    assert_eq!(Registry::builtin().named("widgets"), None);
}

#[test]
fn every_format_but_auto_is_recognizable_or_says_why_not() {
    for format in Registry::builtin().formats() {
        assert!(
            !matches!(format.spec().detection, Detection::Named),
            "{format} has no detection rule: `format = \"auto\"` would never find it"
        );
        assert!(!format.spec().description.is_empty() && format.spec().description.ends_with('.'), "{format}");
    }
}

/// The README's table of formats (first column) names exactly the registry's formats.
#[test]
fn the_readme_lists_every_format_of_the_registry() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let table =
        readme.split("| `format` | tool and command | what is read |").nth(1).expect("the README's format table");
    let listed: BTreeSet<&str> = table
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .filter_map(|line| line.trim_start_matches("| `").split('`').next())
        .collect();
    let registered: BTreeSet<&str> = every_name().into_iter().collect();
    assert_eq!(listed, registered, "README rows against the registry");
}

fn checked(text: &str) -> Result<Config, crate::config::ConfigError> {
    let config = Config::parse(text, Path::new("perf-budget.toml")).unwrap();
    check_config(&config).map(|()| config)
}

#[test]
fn a_budget_file_names_formats_there_are_with_a_hint_and_its_line() {
    let error =
        checked("[gate]\nlevel = \"warn\"\n\n[[suite]]\nname = \"micro\"\nformat = \"critrion\"\n").unwrap_err();
    assert_eq!((error.line, error.column), (6, 10), "{error}");
    assert!(error.message.contains("unknown format \"critrion\"; did you mean \"criterion\"?"), "{error}");
    assert!(error.message.contains("auto, criterion, perfgate"), "{error}");
    let config = checked("[[suite]]\nname = \"micro\"\nformat = \"gungraun\"\n").unwrap();
    assert_eq!(Format::of_suite(&config.suites[0]), Ok(Format::IAI_CALLGRIND));
    let omitted = checked("[[suite]]\nname = \"micro\"\n").unwrap();
    assert_eq!(Format::of_suite(&omitted.suites[0]), Ok(Format::AUTO));
}

#[test]
fn unit_applies_only_to_formats_whose_values_carry_none() {
    let suite =
        |format: &str, unit: &str| format!("[[suite]]\nname = \"load\"\nformat = \"{format}\"\nunit = \"{unit}\"\n");
    let config = checked(&suite("hlog", "us")).unwrap();
    assert_eq!(InputOptions::for_suite(&config.suites[0]).unit.as_deref(), Some("us"));
    assert!(checked(&suite("auto", "ms")).is_ok(), "auto may find an hlog");
    let plain = checked("[[suite]]\nname = \"load\"\n").unwrap();
    assert_eq!(InputOptions::for_suite(&plain.suites[0]).unit, None);
    let error = checked(&suite("k6", "ms")).unwrap_err();
    assert!(error.message.contains("applies to hlog inputs only, not k6"), "{error}");
    assert_eq!(error.hint.as_deref(), Some("remove `unit`; this format carries its own units"));
}

#[test]
fn loading_checks_every_adapters_output_in_one_place() {
    fn one_negative_sample(_: &Path, _: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
        Ok(vec![Benchmark::with_samples("a", "time", crate::model::Unit::Ns, vec![1.0, -2.0])])
    }
    fn nothing(_: &Path, _: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
        Ok(Vec::new())
    }
    static NEGATIVE: FormatSpec = FormatSpec { load: one_negative_sample, ..TEST_SPEC };
    static EMPTY: FormatSpec = FormatSpec { load: nothing, ..TEST_SPEC };
    let path = Path::new("results.txt");
    let error = Registry::builtin().load(Format::new(&NEGATIVE), path, &InputOptions::default()).unwrap_err();
    assert!(error.message.contains("benchmark \"a\": expected a finite, non-negative sample, found -2"), "{error}");
    let error = Registry::builtin().load(Format::new(&EMPTY), path, &InputOptions::default()).unwrap_err();
    assert_eq!(error.message, "no benchmarks found in this test input");
}

const TEST_SPEC: FormatSpec = FormatSpec {
    name: "test",
    aliases: &[],
    extensions: &[],
    description: "A format of this test.",
    detection: Detection::Named,
    load: |_, _| Ok(Vec::new()),
    default_input: None,
    takes_value_unit: false,
    starter: MIN_REGRESSION,
};
