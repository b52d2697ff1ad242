//! Workflow files of a step: outputs (`$GITHUB_OUTPUT`) and the job summary
//! (`$GITHUB_STEP_SUMMARY`). Both are appended to, as other tools of the step may write too.

use std::io::Write;
use std::path::Path;

use rand::Rng;

/// GitHub shows at most 1 MiB of summary per step.
pub const STEP_SUMMARY_LIMIT: usize = 1024 * 1024;

/// Append `name=value` outputs; multi-line values use a random heredoc delimiter.
pub fn write_outputs(path: &Path, outputs: &[(&str, &str)]) -> std::io::Result<()> {
    let text: String = outputs.iter().map(|(name, value)| output_entry(name, value, &random_delimiter)).collect();
    append(path, &text)
}

/// Append markdown to the job summary, cut so the step's summary stays under [`STEP_SUMMARY_LIMIT`].
pub fn append_step_summary(path: &Path, markdown: &str) -> std::io::Result<()> {
    let already = std::fs::metadata(path).map(|m| m.len() as usize).unwrap_or(0);
    append(path, &fit_summary(markdown, STEP_SUMMARY_LIMIT.saturating_sub(already)))
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(text.as_bytes())
}

fn output_entry(name: &str, value: &str, delimiter: &dyn Fn() -> String) -> String {
    if !value.contains(['\n', '\r']) {
        return format!("{name}={value}\n");
    }
    // A delimiter that occurs in the value would end it early and let the rest pose as outputs.
    let delimiter = std::iter::repeat_with(delimiter).find(|d| !value.contains(d.as_str())).expect("an endless supply");
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

fn random_delimiter() -> String {
    format!("perfgate_{:032x}", rand::thread_rng().gen::<u128>())
}

const CUT_NOTE: &str = "\n\n_perfgate: the rest was cut to stay under GitHub's 1 MiB step summary limit._\n";

/// `markdown` if it fits in `budget` bytes, else its longest prefix that fits with a note.
fn fit_summary(markdown: &str, budget: usize) -> String {
    if markdown.len() <= budget {
        return markdown.to_string();
    }
    let mut end = budget.saturating_sub(CUT_NOTE.len());
    while !markdown.is_char_boundary(end) {
        end -= 1;
    }
    if end == 0 {
        return String::new();
    }
    format!("{}{CUT_NOTE}", &markdown[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_values_are_plain_pairs() {
        assert_eq!(output_entry("verdict", "fail", &random_delimiter), "verdict=fail\n");
    }

    #[test]
    fn multi_line_values_use_a_delimiter_absent_from_the_value() {
        let mut candidates = vec!["EOF".to_string(), "X1".to_string()].into_iter();
        let next = std::cell::RefCell::new(move || candidates.next().unwrap());
        let entry = output_entry("summary", "a\nEOF\nb", &|| (next.borrow_mut())());
        assert_eq!(entry, "summary<<X1\na\nEOF\nb\nX1\n");
        let random = output_entry("summary", "a\nb", &random_delimiter);
        assert!(random.starts_with("summary<<perfgate_") && random.lines().count() == 4, "{random}");
    }

    #[test]
    fn outputs_and_summaries_append() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        std::fs::write(&path, "earlier=1\n").unwrap();
        write_outputs(&path, &[("verdict", "pass"), ("report", "/tmp/r.json")]).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "earlier=1\nverdict=pass\nreport=/tmp/r.json\n");
    }

    #[test]
    fn a_summary_is_cut_at_a_character_boundary_under_the_limit() {
        let markdown = "é".repeat(100);
        let cut = fit_summary(&markdown, 150);
        assert!(cut.len() <= 150 && cut.ends_with(CUT_NOTE) && cut.starts_with("éé"), "{cut}");
        assert_eq!(fit_summary("short", 150), "short");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        std::fs::write(&path, "x".repeat(STEP_SUMMARY_LIMIT - 10)).unwrap();
        append_step_summary(&path, &"y".repeat(1000)).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() as usize <= STEP_SUMMARY_LIMIT);
    }
}
