//! The import graph of `src/`, checked: run `cargo test --test layers`.
//!
//! perfgate is a pipeline, and each top-level module is a stage of it. A
//! module may use the modules of earlier stages only, so the budget file
//! never depends on the adapters, nothing below the reports depends on them,
//! and a change to a late stage cannot break an early one. Inside `verdict`
//! (the stage with the most parts) no two submodules may depend on each other
//! in a cycle. Test code is held to the same rules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The stages, earliest first. `testing` (throw-away git repositories for tests)
/// uses no other module.
const STAGES: &[&str] = &[
    "testing", "model", "stats", "config", "input", "runner", "verdict", "baseline", "report", "explain", "github",
    "cli", "commands",
];

/// Modules whose submodules must not form a cycle.
const ACYCLIC: &[&str] = &["verdict", "input", "config", "model", "stats", "runner", "report"];

fn sources() -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<PathBuf> = walk(&src);
    files.sort();
    files
}

fn walk(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// `src/verdict/evaluate.rs` → `["verdict", "evaluate"]`; `src/cli.rs` → `["cli"]`.
fn module_path(file: &Path) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let relative = file.strip_prefix(&src).unwrap().with_extension("");
    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect()
}

/// Code lines, without comments (a doc line may name a later stage).
fn code(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// Every `prefix` + identifier in `text`: the identifiers.
fn names_after<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.match_indices(prefix)
        .filter(|(at, _)| !text[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        .map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            &rest[..rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len())]
        })
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn no_module_uses_a_module_of_a_later_stage() {
    let stage = |name: &str| STAGES.iter().position(|s| *s == name);
    let mut violations = Vec::new();
    for file in sources() {
        let path = module_path(&file);
        let Some(own) = stage(&path[0]) else { continue };
        for used in names_after(&code(&file), "crate::") {
            if let Some(other) = stage(used) {
                if other > own {
                    violations.push(format!(
                        "{} uses crate::{used} ({} comes after {})",
                        file.display(),
                        used,
                        path[0]
                    ));
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn every_top_level_module_has_a_stage() {
    let top: BTreeSet<String> = sources()
        .iter()
        .map(|file| module_path(file)[0].clone())
        .filter(|name| name != "lib" && name != "main")
        .collect();
    let missing: Vec<&String> = top.iter().filter(|name| !STAGES.contains(&name.as_str())).collect();
    assert!(missing.is_empty(), "modules without a stage: {missing:?}");
}

/// The submodule a file belongs to: `verdict/evaluate_tests.rs` to `evaluate`;
/// `None` for the module's own `mod.rs` (its face, which names every submodule).
fn submodule(path: &[String]) -> Option<String> {
    let name = path.get(1)?;
    (name != "mod").then(|| name.strip_suffix("_tests").unwrap_or(name).to_string())
}

#[test]
fn submodules_do_not_depend_on_each_other_in_a_cycle() {
    for module in ACYCLIC {
        let files: Vec<PathBuf> = sources().into_iter().filter(|f| module_path(f)[0] == *module).collect();
        let parts: BTreeSet<String> = files.iter().filter_map(|f| submodule(&module_path(f))).collect();
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in &files {
            let path = module_path(file);
            let Some(from) = submodule(&path) else { continue };
            let text = code(file);
            let mut used: Vec<&str> = names_after(&text, &format!("crate::{module}::"));
            if path.len() == 2 {
                used.extend(names_after(&text, "super::"));
            }
            let targets = used.into_iter().filter(|name| parts.contains(*name) && **name != from);
            edges.entry(from.clone()).or_default().extend(targets.map(str::to_string));
        }
        if let Some(cycle) = find_cycle(&edges) {
            panic!("src/{module}: submodules depend on each other in a cycle: {}", cycle.join(" -> "));
        }
    }
}

/// A cycle of the graph, as the nodes along it, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

/// One convention for unit-test files: tests too long to sit inline in a
/// `mod tests { ... }` live in `NAME_tests.rs` beside the code, included from
/// that code with `#[path = "NAME_tests.rs"]`.
#[test]
fn unit_test_files_sit_beside_their_code_and_are_included_by_path() {
    let files = sources();
    let mut problems = Vec::new();
    for file in &files {
        let text = code(file);
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let declares_test_file = line.trim_start().starts_with("mod ") && line.trim_end().ends_with("tests;");
            if declares_test_file && !lines[..i].last().is_some_and(|l| l.trim_start().starts_with("#[path = \"")) {
                problems.push(format!("{}: `{}` without #[path]", file.display(), line.trim()));
            }
        }
    }
    for test_file in files.iter().filter(|f| f.file_stem().is_some_and(|s| s.to_string_lossy().ends_with("_tests"))) {
        let name = test_file.file_name().unwrap().to_string_lossy();
        let included = files
            .iter()
            .filter(|f| f.parent() == test_file.parent())
            .any(|f| code(f).contains(&format!("#[path = \"{name}\"]")));
        if !included {
            problems.push(format!("{}: not included with #[path] from beside it", test_file.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The files that turn typed data into words, and read their own words back.
const WORDS: &[&str] = &["src/verdict/reasons.rs", "src/verdict/method.rs", "src/report/"];

/// The string methods that take apart words, or compare them (`as_str()` then a literal).
const TAKING_APART: &[&str] = &[
    "starts_with(",
    "ends_with(",
    "split(",
    "split_once(",
    "contains(",
    "find(",
    "strip_prefix(",
    "strip_suffix(",
    "as_str(",
];

/// The fields that hold words a renderer made.
const WORDED_FIELDS: &[&str] = &[".method", ".source", ".description", ".reason", ".judged", "method_words()"];

/// The production code of `file` (before its test module), without comments.
fn production_code(file: &Path) -> String {
    let text = code(file);
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// The field and string method of a line that takes apart (or compares) worded data, if it does.
fn words_taken_apart(line: &str) -> Option<(&'static str, &'static str)> {
    WORDED_FIELDS.iter().find_map(|field| {
        let at = line.find(field)?;
        // `.reason.to_string().contains(`, `.source.as_str()`, ...: within the same expression.
        let expression = line[at + field.len()..].split([' ', ',', ';', '{', '|']).next().unwrap_or("");
        TAKING_APART.iter().find(|method| expression.contains(*method)).map(|method| (*field, *method))
    })
}

/// Stages hand each other typed data (enums, object ids, numbers): no stage takes apart a
/// comparison's method, a baseline's source or description, or a reason in words. Only the
/// modules that make those words may read them.
#[test]
fn no_stage_reads_back_the_words_of_another() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for file in sources() {
        let relative = file.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let is_test_file = file.file_stem().is_some_and(|s| s.to_string_lossy().ends_with("_tests"));
        if is_test_file || WORDS.iter().any(|words| relative.starts_with(words)) {
            continue;
        }
        for (number, line) in production_code(&file).lines().enumerate() {
            if let Some((field, method)) = words_taken_apart(line) {
                problems.push(format!("{relative}:{}: `{method}` on `{field}`: {}", number + 1, line.trim()));
            }
        }
    }
    assert!(problems.is_empty(), "words taken apart outside the modules that make them:\n{}", problems.join("\n"));
}

/// The check above sees the forms the stages once used, and lets typed uses through.
#[test]
fn the_words_check_sees_a_stage_reading_words_back() {
    for old in [
        "let paired = comparison.method.starts_with(\"paired\");",
        "let stored = matches!(report.baseline.source.as_str(), \"notes\" | \"file\");",
        "measured.baseline.description.split(\" of HEAD\").next().unwrap_or(\"the base commit\"),",
        "if let Some(at) = said.reason.find(HELD_BACK) {",
    ] {
        assert!(words_taken_apart(old).is_some(), "{old}");
    }
    for typed in [
        "let paired = comparison.method.is_some_and(|method| method.is_paired());",
        "let stored = report.baseline.source.is_stored();",
    ] {
        assert_eq!(words_taken_apart(typed), None, "{typed}");
    }
}
