//! Content rules for the HTTP load generators' own reports (wrk, oha),
//! HdrHistogram interval logs and Prometheus scrapes: each looks for lines or
//! keys only that tool writes.

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

/// The interval log legend, or an interval line `[Tag=NAME,]start,length,max,HIST...`
/// (every V2 histogram's base64 starts with `HIST`).
pub(super) fn is_hlog(sniffed: &Sniffed) -> bool {
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
pub(super) fn is_prometheus(sniffed: &Sniffed) -> bool {
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
