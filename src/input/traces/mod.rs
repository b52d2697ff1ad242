//! Requests from distributed traces (OpenTelemetry's OTLP JSON, Jaeger's
//! JSON): the trace readers turn each span into a [`Span`], the
//! [`assemble::Assembler`] gathers the spans of each trace as they stream by
//! (children before or after their root, in other lines or files) and closes
//! a trace once the input has moved well past its last span, and each closed
//! trace yields its requests to [`series::RequestSeries`].
//!
//! **What a request is.** A span of kind SERVER whose parent is absent,
//! remote, or of another service: one service's handling of one request. Its
//! descendants are the spans below it down to the next request (a call into
//! another service that is traced as that service's own request).
//!
//! **Its tags**: `route` (`http.route`, else the span's name), `method`
//! (`http.request.method`, else `http.method`), `status`
//! (`http.response.status_code`, else `http.status_code`) and `service` (the
//! resource's `service.name`).
//!
//! **Its series**: `duration` (end − start, ns) per route, method, status and
//! service; and per route, method and service: `errors` (span status ERROR,
//! or an HTTP status of 500 or more, as 0/1 flags), `db_calls` (descendants
//! with `db.system.name` or `db.system`), `external_calls` (descendants of
//! kind CLIENT that are not database calls), `spans` (the request's spans,
//! its own included) and `db_time` per `db` (the database calls'
//! `db.operation.name`, else `db.operation`, else their system), summed per
//! request, with 0 for requests that made no such call.

pub mod assemble;
pub mod series;

use std::path::Path;

use crate::input::{InputError, InputOptions};
use crate::model::Benchmark;

/// What a span is, by OpenTelemetry's `SpanKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

impl Kind {
    /// OTLP's enum values (`SPAN_KIND_INTERNAL` = 1, ...); anything else is unspecified.
    pub fn from_otlp(value: i64) -> Kind {
        match value {
            1 => Kind::Internal,
            2 => Kind::Server,
            3 => Kind::Client,
            4 => Kind::Producer,
            5 => Kind::Consumer,
            _ => Kind::Unspecified,
        }
    }

    /// OTLP's names (`SPAN_KIND_SERVER`, also without the prefix) and Jaeger's `span.kind` tag values.
    pub fn from_name(name: &str) -> Kind {
        let name = name.strip_prefix("SPAN_KIND_").unwrap_or(name);
        match name.to_ascii_lowercase().as_str() {
            "internal" => Kind::Internal,
            "server" => Kind::Server,
            "client" => Kind::Client,
            "producer" => Kind::Producer,
            "consumer" => Kind::Consumer,
            _ => Kind::Unspecified,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Unspecified => "unspecified",
            Kind::Internal => "internal",
            Kind::Server => "server",
            Kind::Client => "client",
            Kind::Producer => "producer",
            Kind::Consumer => "consumer",
        }
    }
}

/// What a SERVER span says about its request (the tags of its series).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestAttributes {
    pub route: String,
    pub method: Option<String>,
    pub status: Option<String>,
}

/// One span, as much of it as requests need.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub trace: u128,
    pub id: u64,
    pub parent: Option<u64>,
    /// The parent is in another process (OTLP's span flags say so).
    pub parent_remote: bool,
    pub kind: Kind,
    pub start_ns: u64,
    pub end_ns: u64,
    /// Index of the span's service in the reader's list of service names.
    pub service: u32,
    /// Its status is ERROR.
    pub error: bool,
    /// The HTTP status code it records, if any.
    pub http_status: Option<u16>,
    /// A database call: what its `db_time` series is tagged with.
    pub db: Option<String>,
    /// SERVER spans only.
    pub request: Option<Box<RequestAttributes>>,
}

impl Span {
    pub fn duration_ns(&self) -> u64 {
        self.end_ns.saturating_sub(self.start_ns)
    }
}

/// What a span's attributes say of it for requests, in the current semantic conventions or the
/// older ones (`http.method`, `http.status_code`, `db.system`, `db.operation`); `attribute` reads
/// one as text.
pub struct Meaning {
    pub http_status: Option<u16>,
    pub db: Option<String>,
    pub request: Option<Box<RequestAttributes>>,
}

impl Meaning {
    pub fn of(kind: Kind, name: &str, attribute: impl Fn(&str) -> Option<String>) -> Meaning {
        let status = attribute("http.response.status_code").or_else(|| attribute("http.status_code"));
        let db = match (attribute("db.system.name"), attribute("db.system")) {
            (None, None) => None,
            (system, old_system) => {
                attribute("db.operation.name").or_else(|| attribute("db.operation")).or(system).or(old_system)
            }
        };
        let request = (kind == Kind::Server).then(|| {
            Box::new(RequestAttributes {
                route: attribute("http.route").unwrap_or_else(|| name.to_string()),
                method: attribute("http.request.method").or_else(|| attribute("http.method")),
                status: status.clone(),
            })
        });
        Meaning { http_status: status.and_then(|status| status.parse().ok()), db, request }
    }
}

/// The services of an input by name, each span carrying its index.
#[derive(Debug, Default)]
pub struct Services(Vec<String>);

impl Services {
    pub fn index(&mut self, name: String) -> u32 {
        let index = match self.0.iter().position(|known| *known == name) {
            Some(index) => index,
            None => {
                self.0.push(name);
                self.0.len() - 1
            }
        };
        index as u32
    }

    /// The names, by index.
    pub fn into_names(self) -> Vec<String> {
        self.0
    }
}

/// The series of the requests an input held, or what it held when there is none.
pub fn into_benchmarks(
    path: &Path,
    options: &InputOptions,
    seen: &assemble::Tally,
    series: series::RequestSeries,
    services: &Services,
) -> Result<Vec<Benchmark>, InputError> {
    if options.verbose && (seen.late > 0 || seen.outside_requests > 0) {
        eprintln!(
            "perfgate: {}: {} span(s) under no request ({} arrived after their trace had been closed); at most {} \
             traces were open at once",
            path.display(),
            seen.outside_requests,
            seen.late,
            seen.most_open
        );
    }
    if series.requests == 0 {
        let mut kinds: Vec<(Kind, u64)> = seen.kinds.iter().map(|(kind, count)| (*kind, *count)).collect();
        kinds.sort();
        let found: Vec<String> = kinds.iter().map(|(kind, count)| format!("{count} {}", kind.name())).collect();
        let found = if found.is_empty() { "no spans at all".to_string() } else { found.join(", ") };
        return Err(InputError::whole(
            path,
            format!(
                "no requests: a request is a span of kind SERVER whose parent is absent, remote or of another \
                 service, and the spans found are {found}"
            ),
        ));
    }
    Ok(series.into_benchmarks(&services.0))
}

/// A trace or span id in hex: 32 or 16 hex digits (leading zeros may be left out).
pub fn parse_hex_id(text: &str, digits: usize) -> Result<u128, String> {
    if text.is_empty() || text.len() > digits || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("expected an id of {digits} hex digits, found {text:?}"));
    }
    u128::from_str_radix(text, 16).map_err(|e| format!("{text:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_number_and_by_name() {
        assert_eq!(Kind::from_otlp(2), Kind::Server);
        assert_eq!(Kind::from_otlp(9), Kind::Unspecified);
        assert_eq!(Kind::from_name("SPAN_KIND_CLIENT"), Kind::Client);
        assert_eq!(Kind::from_name("server"), Kind::Server);
    }

    #[test]
    fn ids_are_hex_of_at_most_their_length() {
        assert_eq!(parse_hex_id("00000000000000ff", 16), Ok(255));
        assert_eq!(parse_hex_id("ff", 16), Ok(255));
        assert!(parse_hex_id("xyz", 16).unwrap_err().contains("16 hex digits"));
        assert!(parse_hex_id(&"a".repeat(17), 16).is_err());
        assert!(parse_hex_id("", 32).is_err());
    }
}
