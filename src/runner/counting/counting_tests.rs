use std::path::Path;

use super::*;

fn suite(toml: &str) -> Suite {
    let text = format!("[[suite]]\nname = \"s\"\nmeasure = \"instructions\"\n{toml}");
    Config::parse(&text, Path::new("perf-budget.toml")).unwrap().suites.remove(0)
}

#[test]
fn criterion_hyperfine_and_whole_commands_are_counted() {
    assert_eq!(
        counting_of(&suite("command = \"cargo bench --bench b\"\nformat = \"criterion\"")),
        Ok(Counting::Criterion)
    );
    assert_eq!(counting_of(&suite("command = \"cargo bench -- --noplot\"")), Ok(Counting::Criterion));
    let commands = counting_of(&suite("command = \"hyperfine -N -n small 'tool a' 'tool b'\"\nformat = \"hyperfine\""));
    let expected = vec![("small".to_string(), "tool a".to_string()), ("tool b".to_string(), "tool b".to_string())];
    assert_eq!(commands, Ok(Counting::Commands { commands: expected, no_shell: true }));
    assert_eq!(counting_of(&suite("command = \"./target/release/tool input.txt\"")), Ok(Counting::Process));
    assert_eq!(counting_of(&suite("command = \"make bench | tee out\"\nshell = true")), Ok(Counting::Process));
}

#[test]
fn other_harnesses_are_errors_naming_the_supported_ones() {
    for (toml, named) in [
        ("command = \"go test -bench . ./...\"\nformat = \"go-bench\"", "Go's runtime"),
        ("command = \"pytest --benchmark-json out.json\"\nformat = \"pytest-benchmark\"", "pytest-benchmark"),
        ("command = \"cargo bench\"\nformat = \"bencher\"", "libtest"),
        ("input = \"results.json\"\nformat = \"criterion\"", "has none"),
    ] {
        let error = counting_of(&suite(toml)).unwrap_err();
        assert!(error.contains(named), "{error}");
        if !toml.starts_with("input") {
            assert!(error.contains("supported: criterion"), "{error}");
        }
    }
    let text = "[[suite]]\nname = \"go\"\ncommand = \"go test -bench .\"\nformat = \"go-bench\"\n\nmeasure = \"instructions\"\n";
    let config = Config::parse(text, Path::new("perf-budget.toml")).unwrap();
    let error = check_config(&config).unwrap_err();
    assert_eq!((error.line, error.column), (6, 11), "{error}");
    assert!(error.to_string().starts_with("perf-budget.toml:6:11: suite \"go\""), "{error}");
}

fn valgrind() -> bool {
    let missing = missing_tools();
    if let Some(missing) = &missing {
        eprintln!("skipping: {missing}");
    }
    missing.is_none()
}

/// A head tree in a temporary folder (kept while the folder lives).
fn scratch_tree() -> (tempfile::TempDir, Tree) {
    let folder = tempfile::tempdir().unwrap();
    let tree = Tree { label: "head", config_dir: folder.path().to_path_buf(), target_redirect: None };
    (folder, tree)
}

/// A whole process under Callgrind: the same command counts the same (ASLR off, the same
/// environment), a command doing more counts more, and the cache simulation adds cycles.
#[test]
fn whole_commands_count_the_same_twice_and_more_work_counts_more() {
    if !valgrind() {
        return;
    }
    let (_folder, tree) = scratch_tree();
    let settings = RunSettings::default();
    let counted = |command: &str, cache_sim: bool| {
        let mut suite = suite(&format!("command = {command:?}\nshell = true"));
        suite.cache_sim = cache_sim;
        count_suite(&suite, &tree, &settings, None, 2).unwrap().benchmarks
    };
    let small = counted("i=0; while [ $i -lt 200 ]; do i=$((i+1)); done", false);
    assert_eq!(small.len(), 1);
    assert!(small[0].counted && small[0].metric == INSTRUCTIONS && small[0].id == "s");
    let [first, second] = small[0].samples[..] else { panic!("{small:?}") };
    assert!((second / first - 1.0).abs() < 1e-4, "{first} {second}");
    let large = counted("i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done", true);
    assert!(large[0].samples[0] > first * 1.5, "{large:?}");
    assert_eq!(large[1].metric, ESTIMATED_CYCLES);
    assert_eq!(large[1].id, "s (estimated-cycles)");
    assert!(large[1].samples[0] > large[0].samples[0]);
}

#[test]
fn a_command_that_crashes_under_valgrind_names_itself_and_valgrinds_last_lines() {
    if !valgrind() {
        return;
    }
    let (_folder, tree) = scratch_tree();
    let suite = suite("command = \"sh -c 'kill -SEGV $$'\"");
    let error = format!("{:#}", count_suite(&suite, &tree, &RunSettings::default(), None, 1).unwrap_err());
    assert!(error.contains("\"s\" failed under Valgrind"), "{error}");
    assert!(error.contains("=="), "Valgrind's own lines: {error}");
}
