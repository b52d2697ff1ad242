//! Budget-file errors: `file:line:column: message`, with a hint that says how to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem in `perf-budget.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl std::error::Error for ConfigError {}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl ConfigError {
    pub fn unreadable(path: &Path, error: &std::io::Error) -> Self {
        ConfigError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: format!("cannot read the budget file: {error}"),
            hint: Some("pass --config PATH, or run `perfgate init` to write a starter perf-budget.toml".into()),
        }
    }

    /// An error at a byte offset of `text`.
    pub fn at(path: &Path, text: &str, offset: usize, message: String) -> Self {
        let (line, column) = line_column(text, offset);
        ConfigError { path: path.to_path_buf(), line, column, message, hint: None }
    }

    /// Translate a TOML/serde error, adding a "did you mean" hint for unknown keys and values.
    pub fn from_toml(path: &Path, text: &str, error: &toml::de::Error) -> Self {
        let offset = error.span().map(|span| span.start).unwrap_or(0);
        let message = error.message().trim().to_string();
        let mut result = Self::at(path, text, offset, message.clone());
        result.hint = did_you_mean(&message).or_else(|| what_to_write(&message));
        result
    }
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |rest| rest.chars().count()) + 1;
    (line, column)
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" (and "unknown variant"), the closest expected name.
fn did_you_mean(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `").or_else(|| message.strip_prefix("unknown variant `"))?;
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match closest(unknown, &candidates) {
        Some(close) => Some(format!("did you mean `{close}`?")),
        None if !candidates.is_empty() => Some(format!("expected one of: {}", candidates.join(", "))),
        None => None,
    }
}

/// For a required key left out, what to write.
fn what_to_write(message: &str) -> Option<String> {
    let key = message.strip_prefix("missing field `")?.strip_suffix('`')?;
    let hint = match key {
        "statistic" => {
            "every KPI says which statistic it judges: `statistic = \"min\"` (or \"median\") for microbenchmarks, \
             `\"p99\"` for latencies, `\"rate\"` for error rates, `\"throughput\"` for requests per second"
        }
        "name" => "give it a `name = \"...\"`",
        "suite" => "say which [[suite]] the KPI judges: `suite = \"...\"`",
        _ => return None,
    };
    Some(hint.to_string())
}

/// The candidate most similar to `word`, when it is similar enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), *candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 8), (2, 3));
    }

    #[test]
    fn a_missing_statistic_says_what_to_write() {
        let text = "[[suite]]\nname = \"s\"\n\n[[kpi]]\nname = \"k\"\nsuite = \"s\"\nmax = \"1s\"\n";
        let error = crate::config::Config::parse(text, std::path::Path::new("perf-budget.toml")).unwrap_err();
        assert!(error.message.contains("missing field `statistic`"), "{error}");
        let hint = error.hint.unwrap_or_default();
        assert!(hint.contains("statistic = \"min\"") && hint.contains("`\"p99\"` for latencies"), "{hint}");
    }

    #[test]
    fn typos_get_the_closest_key() {
        let message = "unknown field `max-regresion`, expected one of `name`, `max`, `max-regression`, `min-ratio`";
        assert_eq!(did_you_mean(message).as_deref(), Some("did you mean `max-regression`?"));
        let unrelated = "unknown field `zzz`, expected `name` or `max`";
        assert_eq!(did_you_mean(unrelated).as_deref(), Some("expected one of: name, max"));
    }
}
