//! Content rules for the HTTP load generators' own reports (wrk, oha):
//! each looks for lines or keys only that tool writes.

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
