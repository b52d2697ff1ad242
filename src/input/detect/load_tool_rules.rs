//! Content rules for the HTTP load generators' own outputs (wrk, oha, k6
//! CSV): each looks for lines, keys or columns only that tool writes.

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
