//! The `fields` table of a `[[suite]]` that reads request logs: which columns
//! hold the route, method, status, latency, timestamp, counters and tags;
//! which statuses count as errors (the suite's `error-status` patterns, or
//! k6's 200–399 rule); how timestamps are written.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Counter columns a request log may have (`fields.counters`).
pub const MAX_COUNTERS: usize = 8;
/// Extra tag columns a request log may have (`fields.tags`).
pub const MAX_TAGS: usize = 8;

/// Field/column names of the generic row formats (latency CSV and NDJSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct FieldMap {
    pub route: String,
    pub method: String,
    pub status: String,
    pub latency: String,
    /// Unit of the latency column: `ns`, `us`, `ms` or `s`.
    pub latency_unit: String,
    /// Timestamp column, for throughput over the log's window; by default a
    /// column named `timestamp` is used when there is one.
    pub timestamp: Option<String>,
    /// How timestamps are written: `auto` (epoch numbers by size, RFC 3339 text), `s`, `ms`, `us` or `ns`.
    pub timestamp_unit: String,
    /// Numeric columns recorded per request as metrics of their own (`db_queries`), per route and method.
    pub counters: Vec<String>,
    /// More columns that tag every series (`["region", "scenario"]`), for `where` and `per`.
    pub tags: Vec<String>,
    /// Statuses that count as errors (`["5xx", "429"]`); default: anything outside 200–399.
    pub error_status: Option<Vec<String>>,
    /// A `true`/`false` success column that decides errors instead of the status.
    pub success: Option<String>,
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            route: "route".into(),
            method: "method".into(),
            status: "status".into(),
            latency: "latency_ms".into(),
            latency_unit: "ms".into(),
            timestamp: None,
            timestamp_unit: "auto".into(),
            counters: Vec::new(),
            tags: Vec::new(),
            error_status: None,
            success: None,
        }
    }
}

impl FieldMap {
    /// Checks what can be checked before reading any input (the budget file's errors).
    pub fn validate(&self) -> Result<(), String> {
        TimestampUnit::parse(&self.timestamp_unit)?;
        self.error_statuses()?;
        if self.counters.len() > MAX_COUNTERS {
            return Err(format!("`counters` lists {}, at most {} are supported", self.counters.len(), MAX_COUNTERS));
        }
        if self.tags.len() > MAX_TAGS {
            let most = MAX_TAGS;
            return Err(format!("`tags` lists {}, at most {most} are supported", self.tags.len()));
        }
        let taken = [&self.route, &self.method, &self.status, &self.latency];
        let reserved = ["route", "method", "status"];
        let columns: Vec<&String> = self.counters.iter().chain(&self.tags).collect();
        for (i, column) in columns.iter().enumerate() {
            if taken.contains(column) || columns[..i].contains(column) || reserved.contains(&column.as_str()) {
                return Err(format!(
                    "`counters`/`tags`: {column:?} is listed twice or is already the route, method, status or latency field"
                ));
            }
        }
        Ok(())
    }

    /// The `error-status` patterns (default rule when absent).
    pub fn error_statuses(&self) -> Result<ErrorStatuses, String> {
        self.error_status.as_deref().map_or(Ok(ErrorStatuses::default()), ErrorStatuses::parse)
    }
}

/// Which statuses count as errors.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ErrorStatuses {
    /// `None`: k6's convention, anything outside 200–399.
    patterns: Option<Vec<StatusPattern>>,
}

/// `503`, `5xx`, `4x9` (digits with `x` wildcards), or any other exact text (`ERR`).
#[derive(Debug, Clone, PartialEq)]
enum StatusPattern {
    Digits(Vec<Option<u8>>),
    Text(String),
}

impl ErrorStatuses {
    /// Patterns from the budget file: `["5xx", "429"]`. An empty list is an error.
    pub fn parse(patterns: &[String]) -> Result<Self, String> {
        if patterns.is_empty() {
            return Err(
                "`error-status` is empty: list the statuses that count as errors, e.g. [\"5xx\", \"429\"]".into()
            );
        }
        let parsed = patterns
            .iter()
            .map(|text| {
                let text = text.trim();
                if text.is_empty() {
                    return Err("`error-status` holds an empty pattern".to_string());
                }
                let digits = text.bytes().all(|b| b.is_ascii_digit() || b == b'x' || b == b'X');
                Ok(if digits {
                    StatusPattern::Digits(
                        text.bytes().map(|b| b.is_ascii_digit().then_some(b)).collect::<Vec<Option<u8>>>(),
                    )
                } else {
                    StatusPattern::Text(text.to_string())
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(ErrorStatuses { patterns: Some(parsed) })
    }

    /// Whether a request with this status (raw field bytes; `None` when the
    /// log has no status for it) failed. With patterns, a missing, empty or
    /// non-numeric status that no pattern names is still an error: no
    /// response is a failure whatever the list says.
    #[inline]
    pub fn is_error(&self, status: Option<&[u8]>) -> bool {
        let Some(patterns) = &self.patterns else { return status_bytes_are_failure(status) };
        let status = status.map(<[u8]>::trim_ascii).unwrap_or_default();
        let numeric = !status.is_empty() && status.iter().all(u8::is_ascii_digit);
        patterns.iter().any(|pattern| pattern.matches(status)) || !numeric
    }
}

impl StatusPattern {
    fn matches(&self, status: &[u8]) -> bool {
        match self {
            StatusPattern::Digits(digits) => {
                digits.len() == status.len()
                    && digits
                        .iter()
                        .zip(status)
                        .all(|(want, got)| got.is_ascii_digit() && want.is_none_or(|w| w == *got))
            }
            StatusPattern::Text(text) => text.as_bytes() == status,
        }
    }
}

/// How the timestamp column is written.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum TimestampUnit {
    /// Epoch numbers by magnitude (seconds, ms, µs or ns since 1970), RFC 3339 text.
    #[default]
    Auto,
    /// Numbers in this many nanoseconds per unit (`s`, `ms`, `us`, `ns`), from any origin.
    Scaled(f64),
}

impl TimestampUnit {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "auto" => Ok(TimestampUnit::Auto),
            unit => crate::model::units::nanoseconds_per(unit)
                .map(TimestampUnit::Scaled)
                .ok_or_else(|| format!("unknown `timestamp-unit` {unit:?}: expected auto, s, ms, us or ns")),
        }
    }
}

impl fmt::Display for TimestampUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimestampUnit::Auto => f.write_str("auto"),
            TimestampUnit::Scaled(nanos) => write!(f, "{nanos} ns per unit"),
        }
    }
}

/// k6's convention (`http_req_failed`): a request succeeded when its status is
/// 200..=399; anything else, including a missing or non-numeric status such as
/// `ERR`, is a failure.
pub fn status_is_failure(status: Option<&str>) -> bool {
    status_bytes_are_failure(status.map(str::as_bytes))
}

/// [`status_is_failure`] on the raw bytes of a field (the per-row hot path).
pub fn status_bytes_are_failure(status: Option<&[u8]>) -> bool {
    let Some(digits) = status.map(<[u8]>::trim_ascii) else { return true };
    if digits.is_empty() || digits.len() > 5 || !digits.iter().all(u8::is_ascii_digit) {
        return true;
    }
    let code = digits.iter().fold(0u32, |code, digit| code * 10 + u32::from(digit - b'0'));
    !(200..=399).contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statuses(patterns: &[&str]) -> ErrorStatuses {
        ErrorStatuses::parse(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn error_status_patterns_match_digits_wildcards_and_text() {
        let server_errors = statuses(&["5xx", "429"]);
        for (status, error) in [("500", true), ("503", true), ("429", true), ("404", false), ("200", false)] {
            assert_eq!(server_errors.is_error(Some(status.as_bytes())), error, "{status}");
        }
        assert!(server_errors.is_error(Some(b"ERR")) && server_errors.is_error(Some(b"")), "no response is an error");
        assert!(server_errors.is_error(None));
        assert!(!server_errors.is_error(Some(b"5000")), "lengths must agree");
        let default = ErrorStatuses::default();
        assert!(default.is_error(Some(b"404")) && !default.is_error(Some(b"302")));
        assert!(statuses(&["4XX"]).is_error(Some(b"418")));
        assert!(ErrorStatuses::parse(&[]).unwrap_err().contains("empty"));
        assert!(ErrorStatuses::parse(&[" ".into()]).is_err());
    }
}
