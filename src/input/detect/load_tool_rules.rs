//! Content rules for the HTTP load generators' own outputs (wrk, oha, k6
//! CSV, Locust): each looks for lines, keys or columns only that tool writes.

use super::json_prefix::Node;
use super::Sniffed;

/// wrk's `Running 2s test @ URL` header and its `Requests/sec:` or
/// `Latency Distribution` lines.
pub(super) fn is_wrk(sniffed: &Sniffed) -> bool {
    let mut lines = sniffed.text.lines().map(str::trim);
    let header = lines.any(|line| line.starts_with("Running ") && line.contains(" test @ "));
    header && lines.any(|line| line.starts_with("Requests/sec:") || line.starts_with("Latency Distribution"))
}

/// `{"summary": {"successRate", "requestsPerSec", ...}, "latencyPercentiles"?: {...}}`.
pub(super) fn is_oha(sniffed: &Sniffed) -> bool {
    let summary = sniffed.json_key("summary");
    summary.is_some_and(|s| s.get("successRate").is_some() || s.get("requestsPerSec").is_some())
}

/// k6's CSV header: `metric_name,timestamp,metric_value,<tags>,extra_tags[,metadata]`.
pub(super) fn is_k6_csv(sniffed: &Sniffed) -> bool {
    sniffed.has_header_columns(&["metric_name", "timestamp", "metric_value"])
}

/// Locust's `_stats.csv` header (the `_stats_history.csv` header has `Total Request Count` instead).
pub(super) fn is_locust_csv(sniffed: &Sniffed) -> bool {
    sniffed.has_header_columns(&["Type", "Name", "Request Count", "Failure Count", "Requests/s"])
}

/// `[{"name", "method", ..., "num_requests", ..., "response_times": {...}}]`.
pub(super) fn is_locust_json(sniffed: &Sniffed) -> bool {
    let first = sniffed.json.as_ref().and_then(Node::items).and_then(<[Node]>::first);
    first.is_some_and(|entry| entry.get("name").is_some() && entry.get("num_requests").is_some())
}
