//! One line of the Prometheus text exposition format (also OpenMetrics
//! text): `# HELP`/`# TYPE` comments and samples
//! `name{label="value",...} value [timestamp] [# exemplar]`.

/// What a line holds.
#[derive(Debug, PartialEq)]
pub enum Line<'a> {
    /// Blank lines, `# HELP`, `# UNIT` and other comments.
    Ignored,
    /// `# TYPE name kind`.
    Type {
        name: &'a str,
        kind: &'a str,
    },
    /// OpenMetrics' `# EOF`: nothing after it is read.
    End,
    Sample(Sample<'a>),
}

/// `name{labels} value`; the timestamp and any exemplar are dropped.
#[derive(Debug, PartialEq)]
pub struct Sample<'a> {
    pub name: &'a str,
    pub labels: Vec<(&'a str, String)>,
    pub value: f64,
}

/// Parses one line (without its line break).
pub fn parse_line(line: &str) -> Result<Line<'_>, String> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(Line::Ignored);
    }
    if let Some(comment) = line.strip_prefix('#') {
        let mut words = comment.split_whitespace();
        return Ok(match (words.next(), words.next(), words.next()) {
            (Some("TYPE"), Some(name), Some(kind)) => Line::Type { name, kind },
            (Some("EOF"), None, None) => Line::End,
            _ => Line::Ignored,
        });
    }
    sample(line).map(Line::Sample)
}

fn sample(line: &str) -> Result<Sample<'_>, String> {
    let name_end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("expected a metric name (letters, digits, `_`, `:`) at the start of {line:?}"));
    }
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(inside) = rest.strip_prefix('{') {
        rest = label_set(inside, &mut labels)?;
    }
    if !rest.starts_with([' ', '\t']) {
        return Err(format!("expected a space and the value after {name}, found {rest:?}"));
    }
    // Drop an OpenMetrics exemplar (`# {trace_id="..."} 0.05`), then the optional timestamp.
    let rest = rest.split_once(" # ").map_or(rest, |(before, _)| before);
    let mut words = rest.split_whitespace();
    let value_text = words.next().ok_or_else(|| format!("expected a value after {name}"))?;
    let value = value_text
        .parse::<f64>()
        .map_err(|_| format!("expected a number as the value of {name}, found {value_text:?}"))?;
    if let Some(extra) = words.nth(1) {
        return Err(format!("expected at most a timestamp after the value of {name}, found {extra:?}"));
    }
    Ok(Sample { name, labels, value })
}

/// `a="x",b="y"}` (after the `{`): the labels, and what follows the `}`.
fn label_set<'a>(mut text: &'a str, labels: &mut Vec<(&'a str, String)>) -> Result<&'a str, String> {
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix('}') {
            return Ok(rest);
        }
        let name_end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(text.len());
        let name = &text[..name_end];
        let Some(quoted) = text[name_end..].trim_start().strip_prefix('=').map(str::trim_start) else {
            return Err(format!("expected `label=\"value\"` in the label set, found {text:?}"));
        };
        if name.is_empty() {
            return Err(format!("expected a label name before `=`, found {text:?}"));
        }
        let (value, rest) =
            quoted_value(quoted).ok_or_else(|| format!("expected a quoted value for label {name}"))??;
        labels.push((name, value));
        text = rest.trim_start();
        if let Some(rest) = text.strip_prefix(',') {
            text = rest;
        } else if !text.starts_with('}') {
            return Err(format!("expected `,` or `}}` after label {name}, found {text:?}"));
        }
    }
}

/// `"value with \" escapes" rest` → the unescaped value and the rest; `None` without an opening quote.
fn quoted_value(text: &str) -> Option<Result<(String, &str), String>> {
    let inner = text.strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = inner.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some(Ok((value, &inner[at + 1..]))),
            '\\' => match chars.next() {
                Some((_, '\\')) => value.push('\\'),
                Some((_, '"')) => value.push('"'),
                Some((_, 'n')) => value.push('\n'),
                other => {
                    let escape = other.map_or(String::new(), |(_, c)| c.to_string());
                    return Some(Err(format!("unknown escape \\{escape} in a label value (only \\\\, \\\" and \\n)")));
                }
            },
            c => value.push(c),
        }
    }
    Some(Err("a label value is missing its closing quote".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_of(line: &str) -> Sample<'_> {
        match parse_line(line).unwrap() {
            Line::Sample(sample) => sample,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn samples_with_labels_escapes_timestamps_and_exemplars() {
        let sample =
            sample_of(r#"http_request_duration_seconds_bucket{le="0.1",path="/a \"b\"\\c",} 42 1700000000000"#);
        assert_eq!(sample.name, "http_request_duration_seconds_bucket");
        assert_eq!(sample.labels, [("le", "0.1".to_string()), ("path", r#"/a "b"\c"#.to_string())]);
        assert_eq!(sample.value, 42.0);
        let sample = sample_of(r#"rpc_seconds_bucket{le="+Inf"} 1.7e+06 # {trace_id="abc"} 0.067 1.6e9"#);
        assert_eq!((sample.labels[0].1.as_str(), sample.value), ("+Inf", 1.7e6));
        assert_eq!(sample_of("up 1").labels, []);
        assert_eq!(sample_of("x{ a = \"1\" , b=\"2\" }\t+Inf").value, f64::INFINITY);
        assert!(sample_of("x NaN").value.is_nan());
    }

    #[test]
    fn comments_and_type_lines() {
        assert_eq!(
            parse_line("# TYPE rpc_seconds histogram").unwrap(),
            Line::Type { name: "rpc_seconds", kind: "histogram" }
        );
        assert_eq!(parse_line("# HELP rpc_seconds Time spent.").unwrap(), Line::Ignored);
        assert_eq!(parse_line("   ").unwrap(), Line::Ignored);
        assert_eq!(parse_line("# EOF").unwrap(), Line::End);
    }

    #[test]
    fn malformed_samples_say_what_was_expected() {
        let error = |line: &str| parse_line(line).unwrap_err();
        assert!(error("9lives 1").contains("expected a metric name"));
        assert!(error("x{le=0.1} 1").contains("quoted value for label le"));
        assert!(error("x{le=\"0.1\" 1").contains("expected `,` or `}`"));
        assert!(error("x{le=\"0.1} 1").contains("closing quote"));
        assert!(error("x{le=\"\\t\"} 1").contains("unknown escape \\t"));
        assert!(error("x{=\"1\"} 1").contains("label name"));
        assert!(error("x 1 2 3").contains("at most a timestamp"));
        assert!(error("x lots").contains("expected a number as the value of x"));
        assert!(error("x").contains("expected a space and the value"));
        assert!(error("x{a=\"1\"}2").contains("expected a space"));
    }
}
