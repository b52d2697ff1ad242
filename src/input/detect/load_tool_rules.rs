//! Content rules for the HTTP load generators' own outputs (wrk, oha, k6
//! CSV, Locust, vegeta), HdrHistogram interval logs and Prometheus scrapes:
//! each looks for lines, keys or columns only that tool writes.

use super::json_prefix::Node;
use super::Sniffed;

/// wrk's `Running 2s test @ URL` header and its `Requests/sec:` or
/// `Latency Distribution` lines.
pub fn is_wrk(sniffed: &Sniffed) -> bool {
    let mut lines = sniffed.text.lines().map(str::trim);
    let header = lines.any(|line| line.starts_with("Running ") && line.contains(" test @ "));
    header && lines.any(|line| line.starts_with("Requests/sec:") || line.starts_with("Latency Distribution"))
}

/// `{"summary": {"successRate", "requestsPerSec", ...}, "latencyPercentiles"?: {...}}`.
pub fn is_oha(sniffed: &Sniffed) -> bool {
    let summary = sniffed.json_key("summary");
    summary.is_some_and(|s| s.get("successRate").is_some() || s.get("requestsPerSec").is_some())
}

/// The interval log legend, or an interval line `[Tag=NAME,]start,length,max,HIST...`
/// (every V2 histogram's base64 starts with `HIST`).
pub fn is_hlog(sniffed: &Sniffed) -> bool {
    sniffed.text.lines().map(str::trim).any(|line| {
        if line.starts_with("\"StartTimestamp\",\"Interval_Length\"") {
            return true;
        }
        let line = line.strip_prefix("Tag=").and_then(|rest| rest.split_once(',')).map_or(line, |(_, rest)| rest);
        let fields: Vec<&str> = line.split(',').collect();
        matches!(fields.as_slice(), [start, length, max, histogram]
            if histogram.starts_with("HIST") && [start, length, max].iter().all(|f| f.parse::<f64>().is_ok()))
    })
}

/// A `# TYPE name histogram` line, or a sample `name_bucket{...le="..."...} N`.
pub fn is_prometheus(sniffed: &Sniffed) -> bool {
    sniffed.json.is_none()
        && sniffed.text.lines().map(str::trim).any(|line| {
            let mut words = line.split_whitespace();
            let typed =
                matches!((words.next(), words.next(), words.nth(1)), (Some("#"), Some("TYPE"), Some("histogram")));
            let bucket = line.split_once("_bucket{").is_some_and(|(name, labels)| {
                !name.is_empty()
                    && !name.contains(char::is_whitespace)
                    && (labels.starts_with("le=\"") || labels.contains(",le=\""))
            });
            typed || bucket
        })
}

/// k6's CSV header: `metric_name,timestamp,metric_value,<tags>,extra_tags[,metadata]`.
pub fn is_k6_csv(sniffed: &Sniffed) -> bool {
    sniffed.has_header_columns(&["metric_name", "timestamp", "metric_value"])
}

/// Locust's `_stats.csv` header (the `_stats_history.csv` header has `Total Request Count` instead).
pub fn is_locust_csv(sniffed: &Sniffed) -> bool {
    sniffed.has_header_columns(&["Type", "Name", "Request Count", "Failure Count", "Requests/s"])
}

/// `[{"name", "method", ..., "num_requests", ..., "response_times": {...}}]`.
pub fn is_locust_json(sniffed: &Sniffed) -> bool {
    let first = sniffed.json.as_ref().and_then(Node::items).and_then(<[Node]>::first);
    first.is_some_and(|entry| entry.get("name").is_some() && entry.get("num_requests").is_some())
}

/// `{"latencies": {"total", "mean", "50th", ...}, ..., "success", "status_codes"}`.
pub fn is_vegeta(sniffed: &Sniffed) -> bool {
    let latencies = sniffed.json_key("latencies").filter(|node| node.is_object());
    let shaped = latencies.is_some_and(|l| l.get("50th").is_some() || l.get("mean").is_some());
    shaped && ["success", "status_codes", "requests"].iter().any(|key| sniffed.json_key(key).is_some())
}

/// A headerless row of nine fields: ns timestamp, status code, latency, bytes out and in, ..., seq.
pub fn is_vegeta_csv(sniffed: &Sniffed) -> bool {
    let first_line = sniffed.text.lines().next().unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(first_line.as_bytes());
    let Some(Ok(row)) = reader.records().next() else { return false };
    let digits = |index: usize, lengths: std::ops::RangeInclusive<usize>| {
        row.get(index).is_some_and(|f| lengths.contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()))
    };
    row.len() == 9 && digits(0, 16..=20) && digits(1, 1..=3) && [2, 3, 4, 8].iter().all(|i| digits(*i, 1..=20))
}
