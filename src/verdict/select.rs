//! Which series a KPI judges: `bench` and `metric` globs, `where` tag globs,
//! and how matches form comparisons (one per benchmark id, or one pooled
//! comparison per KPI when the KPI names a `metric` of tagged series — or one
//! pooled comparison per value of the `per` tags, e.g. per route).

use std::collections::BTreeMap;

use globset::{Glob, GlobMatcher};

use crate::config::Kpi;
use crate::model::{is_resource_metric, Benchmark};

/// One comparison's series on each side.
#[derive(Debug)]
pub struct Selection<'a> {
    pub label: String,
    pub head: Vec<&'a Benchmark>,
    pub base: Vec<&'a Benchmark>,
}

struct Filter {
    bench: Option<GlobMatcher>,
    metric: Option<GlobMatcher>,
    tags: Vec<(String, GlobMatcher)>,
}

impl Filter {
    fn new(kpi: &Kpi) -> Result<Filter, String> {
        let tags = kpi
            .tag_filters
            .iter()
            .map(|(key, pattern)| Ok((key.clone(), glob(pattern)?)))
            .collect::<Result<_, String>>()?;
        Ok(Filter {
            bench: kpi.bench.as_deref().map(glob).transpose()?,
            metric: kpi.metric.as_deref().map(glob).transpose()?,
            tags,
        })
    }

    /// Whether `bench` is a series of the KPI. The resource series of a command's runs
    /// (`cpu-time`, `max-rss`) are judged only by a KPI whose `metric` names them.
    fn matches(&self, bench: &Benchmark) -> bool {
        let metric = match &self.metric {
            Some(glob) => glob.is_match(&bench.metric),
            None => !is_resource_metric(&bench.metric),
        };
        self.bench.as_ref().is_none_or(|g| g.is_match(&bench.id))
            && metric
            && self.tags.iter().all(|(key, g)| bench.tags.get(key).is_some_and(|value| g.is_match(value)))
    }
}

fn glob(pattern: &str) -> Result<GlobMatcher, String> {
    Glob::new(pattern).map(|g| g.compile_matcher()).map_err(|e| format!("invalid glob {pattern:?}: {e}"))
}

/// The ids among `ids` that a KPI judging benchmark by benchmark (no `metric`) selects by its `bench` glob.
pub fn matching_ids<'i>(kpi: &Kpi, ids: impl IntoIterator<Item = &'i String>) -> Vec<String> {
    let Ok(filter) = Filter::new(kpi) else { return Vec::new() };
    if kpi.metric.is_some() {
        return Vec::new();
    }
    ids.into_iter().filter(|id| filter.bench.as_ref().is_none_or(|g| g.is_match(id.as_str()))).cloned().collect()
}

/// Whether anything in `head` is a series of the KPI.
pub fn matches_any(kpi: &Kpi, head: &[Benchmark]) -> bool {
    Filter::new(kpi).is_ok_and(|filter| head.iter().any(|b| filter.matches(b)))
}

/// The comparisons of a KPI. Errors (exit 2) when nothing in the head matches.
pub fn select<'a>(
    kpi: &Kpi,
    head: &'a [Benchmark],
    base: Option<&'a [Benchmark]>,
) -> Result<Vec<Selection<'a>>, String> {
    let filter = Filter::new(kpi).map_err(|e| format!("KPI {:?}: {e}", kpi.name))?;
    let head_matches: Vec<&Benchmark> = head.iter().filter(|b| filter.matches(b)).collect();
    if head_matches.is_empty() {
        return Err(no_match_message(kpi, head));
    }
    let base_matches: Vec<&Benchmark> = base.unwrap_or(&[]).iter().filter(|b| filter.matches(b)).collect();
    if kpi.metric.is_some() && !kpi.per.is_empty() {
        return Ok(per_tag_values(kpi, &head_matches, &base_matches));
    }
    if kpi.metric.is_some() {
        return Ok(vec![Selection { label: pooled_label(kpi), head: head_matches, base: base_matches }]);
    }
    let mut selections: Vec<Selection> = Vec::new();
    for bench in head_matches {
        match selections.iter_mut().find(|s| s.label == bench.id) {
            Some(existing) => existing.head.push(bench),
            None => selections.push(Selection {
                label: bench.id.clone(),
                head: vec![bench],
                base: base_matches.iter().copied().filter(|b| b.id == bench.id && b.metric == bench.metric).collect(),
            }),
        }
    }
    Ok(selections)
}

/// One pooled selection per combination of the `per` tags' values, sorted by
/// label; series without one of the tags are not judged by such a KPI.
fn per_tag_values<'a>(kpi: &Kpi, head: &[&'a Benchmark], base: &[&'a Benchmark]) -> Vec<Selection<'a>> {
    let values_of = |bench: &Benchmark| -> Option<Vec<(String, String)>> {
        kpi.per.iter().map(|tag| bench.tags.get(tag).map(|value| (tag.clone(), value.clone()))).collect()
    };
    let mut groups: BTreeMap<String, Selection<'a>> = BTreeMap::new();
    for (bench, is_head) in head.iter().map(|b| (*b, true)).chain(base.iter().map(|b| (*b, false))) {
        let Some(values) = values_of(bench) else { continue };
        let mut tags: BTreeMap<String, String> = kpi.tag_filters.clone();
        tags.extend(values);
        let pairs: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let label = format!("{}{{{}}}", kpi.metric.clone().unwrap_or_default(), pairs.join(","));
        if !is_head && !groups.contains_key(&label) {
            continue; // a value only the baseline has is not judged
        }
        let selection =
            groups.entry(label.clone()).or_insert_with(|| Selection { label, head: Vec::new(), base: Vec::new() });
        if is_head {
            selection.head.push(bench);
        } else {
            selection.base.push(bench);
        }
    }
    groups.into_values().collect()
}

fn pooled_label(kpi: &Kpi) -> String {
    let metric = kpi.metric.clone().unwrap_or_default();
    if kpi.tag_filters.is_empty() {
        return metric;
    }
    let filters: Vec<String> = kpi.tag_filters.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{metric}{{{}}}", filters.join(","))
}

fn no_match_message(kpi: &Kpi, head: &[Benchmark]) -> String {
    let mut what = Vec::new();
    if let Some(bench) = &kpi.bench {
        what.push(format!("bench = {bench:?}"));
    }
    if let Some(metric) = &kpi.metric {
        what.push(format!("metric = {metric:?}"));
    }
    for (key, value) in &kpi.tag_filters {
        what.push(format!("{key} = {value:?}"));
    }
    let mut known: Vec<&str> = head.iter().map(|b| b.id.as_str()).collect();
    known.dedup();
    let shown = known.iter().take(8).copied().collect::<Vec<_>>().join(", ");
    let more = if known.len() > 8 { format!(" and {} more", known.len() - 8) } else { String::new() };
    let resources = kpi.metric.as_deref().filter(|m| is_resource_metric(m)).map(|metric| {
        format!(" ({metric} is measured of each run of a suite's `command`: this suite's results were read, not run)")
    });
    format!(
        "KPI {:?} ({}) matches nothing in suite {:?}; it has: {shown}{more}{}",
        kpi.name,
        if what.is_empty() { "all".to_string() } else { what.join(", ") },
        kpi.suite,
        resources.unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Statistic;
    use crate::model::Unit;

    fn kpi(bench: Option<&str>, metric: Option<&str>, tags: &[(&str, &str)]) -> Kpi {
        Kpi {
            name: "k".into(),
            suite: "s".into(),
            bench: bench.map(String::from),
            metric: metric.map(String::from),
            tag_filters: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>(),
            per: Vec::new(),
            statistic: Statistic::Median,
            max: None,
            min: None,
            max_regression: None,
            max_drift: None,
            min_ratio: None,
            level: crate::config::Level::Error,
            primary: false,
            direction: None,
            line: 1,
        }
    }

    fn series(id: &str, metric: &str, tags: &[(&str, &str)]) -> Benchmark {
        let mut bench = Benchmark::with_samples(id, metric, Unit::Ns, vec![1.0]);
        bench.tags = tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        bench
    }

    #[test]
    fn bench_globs_give_one_comparison_per_id() {
        let head = vec![series("parse/a", "time", &[]), series("parse/b", "time", &[]), series("emit", "time", &[])];
        let base = vec![series("parse/a", "time", &[])];
        let selections = select(&kpi(Some("parse/*"), None, &[]), &head, Some(&base)).unwrap();
        let labels: Vec<&str> = selections.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["parse/a", "parse/b"]);
        assert_eq!(selections[0].base.len(), 1);
        assert!(selections[1].base.is_empty());
    }

    #[test]
    fn a_metric_pools_the_tagged_series_that_match() {
        let head = vec![
            series("a", "latency", &[("method", "GET"), ("route", "/api/users")]),
            series("b", "latency", &[("method", "GET"), ("route", "/api/orders/{id}")]),
            series("c", "latency", &[("method", "POST"), ("route", "/api/orders")]),
            series("d", "latency", &[("method", "GET"), ("route", "/health")]),
            series("e", "errors", &[("method", "GET"), ("route", "/api/users")]),
        ];
        let selections =
            select(&kpi(None, Some("latency"), &[("method", "GET"), ("route", "/api/*")]), &head, None).unwrap();
        assert_eq!(selections.len(), 1);
        let ids: Vec<&str> = selections[0].head.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(selections[0].label, "latency{method=GET,route=/api/*}");
    }

    #[test]
    fn per_route_gives_one_pooled_comparison_per_route_value() {
        let head = vec![
            series("a", "latency", &[("method", "GET"), ("route", "/users"), ("status", "200")]),
            series("b", "latency", &[("method", "GET"), ("route", "/users"), ("status", "500")]),
            series("c", "latency", &[("method", "GET"), ("route", "/orders"), ("status", "200")]),
            series("d", "latency", &[("method", "POST"), ("route", "/orders"), ("status", "200")]),
        ];
        let base = vec![
            series("a", "latency", &[("method", "GET"), ("route", "/users"), ("status", "200")]),
            series("x", "latency", &[("method", "GET"), ("route", "/gone"), ("status", "200")]),
        ];
        let mut per_route = kpi(None, Some("latency"), &[("method", "GET")]);
        per_route.per = vec!["route".into()];
        let selections = select(&per_route, &head, Some(&base)).unwrap();
        let labels: Vec<&str> = selections.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["latency{method=GET,route=/orders}", "latency{method=GET,route=/users}"]);
        let users: Vec<&str> = selections[1].head.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(users, ["a", "b"], "statuses of a route are pooled");
        assert_eq!(selections[1].base.len(), 1);
        assert!(selections[0].base.is_empty(), "no baseline for /orders");
    }

    #[test]
    fn nothing_matching_is_an_error_listing_what_exists() {
        let head = vec![series("parse/a", "time", &[])];
        let error = select(&kpi(Some("emit/*"), None, &[]), &head, None).unwrap_err();
        assert!(error.contains("matches nothing in suite \"s\""), "{error}");
        assert!(error.contains("parse/a"), "{error}");
    }
}
