//! Adapter for Prometheus text-format histograms: a `/metrics` scrape (or an
//! OpenMetrics one) saved to a file. Each histogram series becomes one
//! benchmark holding the tool's cumulative buckets — never values made up
//! from them: statistics of buckets are intervals between bucket bounds
//! (`src/stats/buckets.rs`).
//!
//! - **Histograms**: the families declared `# TYPE name histogram`, and in
//!   scrapes without `# TYPE` lines every `name_bucket` with an `le` label.
//!   One series per label set: `name_bucket{le="0.1",route="/x"} 12`
//!   (cumulative), `name_sum`, `name_count`. The metric is `name`, the id
//!   `name{route=/x,...}` and every label but `le` a tag, so `where` and
//!   `per = "route"` work. Summary statistics: `count` (the `+Inf` bucket),
//!   `sum`, and `mean` = `_sum / _count`.
//! - **Units** follow Prometheus' naming convention: `_seconds` → durations
//!   (bounds and sum in ns), `_bytes` → bytes, anything else a plain count.
//! - **Other metric types** (counters, gauges, summaries, untyped) are left
//!   out: a counter's value since process start, or a summary's sliding-window
//!   quantiles, is no distribution of this run. `_created` samples and
//!   OpenMetrics exemplars are ignored too.
//!
//! Errors name the line: a sample that does not parse, an `le` that is not a
//! number, a bucket given twice, cumulative counts that decrease, a series
//! without its `le="+Inf"` bucket.

mod exposition;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use exposition::{parse_line, Line, Sample};

use crate::input::rows::{series_id, Tags};
use crate::input::text::{numbered_lines, read_lossy};
use crate::input::InputOptions;
use crate::input::{InputError, Location};
use crate::model::buckets::{self, BucketCount};
use crate::model::{Benchmark, Unit};

/// The samples of one histogram series, with the lines they came from.
#[derive(Default)]
struct Series {
    /// `(le, cumulative, line)` in file order.
    buckets: Vec<(f64, f64, u64)>,
    sum: Option<f64>,
    count: Option<f64>,
    first_line: u64,
}

/// What a sample of a histogram family is.
enum Part {
    Bucket,
    Sum,
    Count,
}

/// Load one scrape.
pub fn load(path: &Path, _options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
    let text = read_lossy(path)?;
    let mut types: HashMap<&str, &str> = HashMap::new();
    let mut samples: Vec<(u64, Sample)> = Vec::new();
    for (line_number, line) in numbered_lines(&text) {
        match parse_line(line).map_err(|message| InputError::new(path, Location::Line(line_number), message))? {
            Line::Ignored => {}
            Line::End => break,
            Line::Type { name, kind } => {
                types.insert(name, kind);
            }
            // Only histogram parts are kept: a scrape's other metrics may be many.
            Line::Sample(sample) if split_part(sample.name).is_some() => samples.push((line_number, sample)),
            Line::Sample(_) => {}
        }
    }
    let with_le_buckets: HashSet<&str> = samples
        .iter()
        .filter(|(_, s)| le_of(s).is_some())
        .filter_map(|(_, s)| s.name.strip_suffix("_bucket"))
        .collect();
    let is_histogram = |family: &str| match types.get(family) {
        Some(kind) => *kind == "histogram",
        None => with_le_buckets.contains(family),
    };

    let mut series: BTreeMap<(String, Tags), Series> = BTreeMap::new();
    for (line_number, sample) in &samples {
        let Some((family, part)) = split_part(sample.name) else { continue };
        if !is_histogram(family) {
            continue;
        }
        let at = |message: String| InputError::new(path, Location::Line(*line_number), message);
        let tags: Tags =
            sample.labels.iter().filter(|(name, _)| *name != "le").map(|(n, v)| (n.to_string(), v.clone())).collect();
        let entry = series.entry((family.to_string(), tags)).or_default();
        if entry.first_line == 0 {
            entry.first_line = *line_number;
        }
        match part {
            Part::Bucket => {
                let le = le_of(sample)
                    .ok_or_else(|| at(format!("{} has no `le` label; expected one on every bucket", sample.name)))?;
                let le = parse_le(le).map_err(at)?;
                entry.buckets.push((le, sample.value, *line_number));
            }
            Part::Sum => entry.sum = Some(sample.value),
            Part::Count => entry.count = Some(sample.value),
        }
    }
    if series.is_empty() {
        return Err(InputError::whole(
            path,
            "expected Prometheus histograms (`# TYPE name histogram`, `name_bucket{le=\"...\"}` lines); found none",
        ));
    }
    series.into_iter().map(|((family, tags), series)| benchmark(path, family, tags, series)).collect()
}

/// `name_bucket` → (`name`, bucket), likewise `_sum` and `_count`.
fn split_part(name: &str) -> Option<(&str, Part)> {
    [("_bucket", Part::Bucket), ("_sum", Part::Sum), ("_count", Part::Count)].into_iter().find_map(|(suffix, part)| {
        name.strip_suffix(suffix).filter(|family| !family.is_empty()).map(|family| (family, part))
    })
}

fn le_of<'a>(sample: &'a Sample) -> Option<&'a str> {
    sample.labels.iter().find(|(name, _)| *name == "le").map(|(_, value)| value.as_str())
}

/// `0.25`, `1e-05`, `+Inf`.
fn parse_le(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(le) if le == f64::INFINITY || (le.is_finite() && le >= 0.0) => Ok(le),
        _ => Err(format!("expected le=\"+Inf\" or a non-negative number, found le={text:?}")),
    }
}

/// The unit a metric's name says, and the factor to it: `_seconds` → ns, `_bytes`, else a count.
fn unit_of(family: &str) -> (Unit, f64) {
    if family.ends_with("_seconds") {
        (Unit::Ns, 1e9)
    } else if family.ends_with("_bytes") {
        (Unit::Bytes, 1.0)
    } else {
        (Unit::Count, 1.0)
    }
}

fn benchmark(path: &Path, family: String, tags: Tags, mut series: Series) -> Result<Benchmark, InputError> {
    let id = series_id(&family, &tags);
    let at =
        |line: u64, message: String| InputError::new(path, Location::Line(line), format!("histogram {id}: {message}"));
    if series.buckets.is_empty() {
        return Err(at(series.first_line, "has _sum or _count but no _bucket lines".into()));
    }
    series.buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    if let Some(pair) = series.buckets.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(at(pair[1].2, format!("the bucket le={} is given twice (also on line {})", pair[1].0, pair[0].2)));
    }
    let (unit, factor) = unit_of(&family);
    let mut counted = Vec::with_capacity(series.buckets.len());
    for &(le, cumulative, line) in &series.buckets {
        let cumulative = whole_count(cumulative)
            .ok_or_else(|| at(line, format!("expected a whole, non-negative count, found {cumulative}")))?;
        let le = if le.is_finite() { le * factor } else { le };
        counted.push(BucketCount { le, cumulative });
    }
    if counted.last().is_some_and(|b| b.le.is_finite()) {
        return Err(at(series.first_line, "has no le=\"+Inf\" bucket; the exposition format requires one".into()));
    }
    if let Err(message) = buckets::validate(&counted) {
        let line = counted
            .windows(2)
            .position(|pair| pair[1].cumulative < pair[0].cumulative)
            .map_or(series.first_line, |i| series.buckets[i + 1].2);
        return Err(at(line, message));
    }
    let mut bench = Benchmark::with_samples(id.clone(), family, unit, Vec::new());
    let total = buckets::total(&counted);
    bench.summary.insert("count".into(), total as f64);
    if let Some(sum) = series.sum {
        if !(sum.is_finite() && sum >= 0.0) {
            return Err(at(series.first_line, format!("expected a finite, non-negative _sum, found {sum}")));
        }
        bench.summary.insert("sum".into(), sum * factor);
        let count = series.count.filter(|count| *count > 0.0).unwrap_or(total as f64);
        if count > 0.0 {
            bench.summary.insert("mean".into(), sum * factor / count);
        }
    }
    bench.tags = tags;
    bench.buckets = Some(counted);
    Ok(bench)
}

fn whole_count(value: f64) -> Option<u64> {
    (value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value < u64::MAX as f64).then_some(value as u64)
}

#[cfg(test)]
#[path = "prometheus_tests.rs"]
mod tests;
