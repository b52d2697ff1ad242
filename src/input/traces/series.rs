//! Requests into series (see [`super`] for their names and tags). A count
//! series whose requests all made the same number of calls is marked
//! deterministic, so a change of it is judged exactly; counts that vary from
//! request to request (a cache, pagination) are judged like any sample.

use std::collections::{BTreeMap, HashMap};

use super::assemble::Request;
use crate::input::rows::recorder::Recorder;
use crate::input::rows::{tagged_series, Tags, ERRORS_METRIC};
use crate::model::{Benchmark, Unit};

pub const DURATION_METRIC: &str = "duration";
pub const DB_CALLS_METRIC: &str = "db_calls";
pub const EXTERNAL_CALLS_METRIC: &str = "external_calls";
pub const SPANS_METRIC: &str = "spans";
pub const DB_TIME_METRIC: &str = "db_time";

/// (route, method, status, service) of a request's `duration`.
type DurationKey = (String, Option<String>, Option<String>, u32);
/// (route, method, service) of its other series.
type RequestKey = (String, Option<String>, u32);

#[derive(Default)]
struct PerRoute {
    requests: u64,
    failed: u64,
    db_calls: Counts,
    external_calls: Counts,
    spans: Counts,
    /// Database time per `db` value; requests without such a call are added as zeros at the end.
    db_time: BTreeMap<String, Recorder>,
}

/// Small counts, and whether they were all equal.
#[derive(Default)]
struct Counts {
    values: Recorder,
    range: Option<(u32, u32)>,
}

impl Counts {
    fn record(&mut self, count: u32) {
        self.values.record(f64::from(count));
        self.range = Some(self.range.map_or((count, count), |(lo, hi)| (lo.min(count), hi.max(count))));
    }

    fn into_series(self, metric: &str, tags: Tags) -> Benchmark {
        let all_equal = self.range.is_some_and(|(lo, hi)| lo == hi);
        let mut bench = tagged_series(self.values, metric, Unit::Count, tags);
        bench.deterministic = all_equal;
        bench
    }
}

/// The series of every request seen, by their tags.
#[derive(Default)]
pub struct RequestSeries {
    durations: HashMap<DurationKey, Recorder>,
    routes: HashMap<RequestKey, PerRoute>,
    /// The first start and last end of any request, ns.
    window: Option<(u64, u64)>,
    pub requests: u64,
}

impl RequestSeries {
    pub fn add(&mut self, request: Request) {
        let Some(attributes) = request.span.request.as_deref() else { return };
        self.requests += 1;
        let (start, end) = (request.span.start_ns, request.span.end_ns);
        self.window = Some(self.window.map_or((start, end), |(lo, hi)| (lo.min(start), hi.max(end))));
        let service = request.span.service;
        let duration_key = (attributes.route.clone(), attributes.method.clone(), attributes.status.clone(), service);
        self.durations.entry(duration_key).or_default().record(request.span.duration_ns() as f64);
        let route = self.routes.entry((attributes.route.clone(), attributes.method.clone(), service)).or_default();
        route.requests += 1;
        route.failed += u64::from(request.failed());
        route.db_calls.record(request.db_calls);
        route.external_calls.record(request.external_calls);
        route.spans.record(request.spans);
        for (db, time) in request.db_time {
            route.db_time.entry(db).or_default().record(time as f64);
        }
    }

    /// Every series, sorted by id; `services` names the services by index.
    pub fn into_benchmarks(self, services: &[String]) -> Vec<Benchmark> {
        let service_name = |index: u32| services.get(index as usize).cloned().unwrap_or_default();
        let tags = |route: String, method: Option<String>, status: Option<String>, service: u32| -> Tags {
            let mut tags = Tags::new();
            tags.insert("route".into(), route);
            tags.extend(method.map(|method| ("method".to_string(), method)));
            tags.extend(status.map(|status| ("status".to_string(), status)));
            let service = service_name(service);
            if !service.is_empty() {
                tags.insert("service".into(), service);
            }
            tags
        };
        let mut benchmarks = Vec::new();
        for ((route, method, status, service), values) in self.durations {
            benchmarks.push(tagged_series(values, DURATION_METRIC, Unit::Ns, tags(route, method, status, service)));
        }
        for ((route, method, service), per_route) in self.routes {
            let request_tags = tags(route, method, None, service);
            let flags = Recorder::flags(per_route.requests, per_route.failed);
            benchmarks.push(tagged_series(flags, ERRORS_METRIC, Unit::Ratio, request_tags.clone()));
            benchmarks.push(per_route.db_calls.into_series(DB_CALLS_METRIC, request_tags.clone()));
            benchmarks.push(per_route.external_calls.into_series(EXTERNAL_CALLS_METRIC, request_tags.clone()));
            benchmarks.push(per_route.spans.into_series(SPANS_METRIC, request_tags.clone()));
            for (db, mut times) in per_route.db_time {
                for _ in times.count()..per_route.requests {
                    times.record(0.0);
                }
                let mut db_tags = request_tags.clone();
                db_tags.insert("db".into(), db);
                benchmarks.push(tagged_series(times, DB_TIME_METRIC, Unit::Ns, db_tags));
            }
        }
        let window_seconds = self.window.map(|(start, end)| end.saturating_sub(start) as f64 / 1e9);
        for bench in &mut benchmarks {
            bench.window_seconds = window_seconds;
        }
        benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
        benchmarks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::traces::{Kind, RequestAttributes, Span};

    fn request(route: &str, db_calls: u32, status: u16, db_time: &[(&str, u64)]) -> Request {
        let span = Span {
            trace: 1,
            id: 1,
            parent: None,
            parent_remote: false,
            kind: Kind::Server,
            start_ns: 1_000,
            end_ns: 5_000,
            service: 0,
            error: false,
            http_status: Some(status),
            db: None,
            request: Some(Box::new(RequestAttributes {
                route: route.into(),
                method: Some("GET".into()),
                status: Some(status.to_string()),
            })),
        };
        let db_time = db_time.iter().map(|(db, ns)| (db.to_string(), *ns)).collect();
        Request { span, db_calls, external_calls: 0, spans: 1 + db_calls, db_time }
    }

    fn series<'b>(benchmarks: &'b [Benchmark], id: &str) -> &'b Benchmark {
        benchmarks.iter().find(|b| b.id == id).unwrap_or_else(|| panic!("no {id}"))
    }

    #[test]
    fn requests_become_tagged_series_with_zeros_for_requests_without_a_db_call() {
        let mut all = RequestSeries::default();
        all.add(request("/orders", 3, 200, &[("SELECT", 300)]));
        all.add(request("/orders", 3, 503, &[("SELECT", 100)]));
        all.add(request("/users", 0, 200, &[]));
        all.add(request("/users", 1, 200, &[("SELECT", 50)]));
        let benchmarks = all.into_benchmarks(&["shop".to_string()]);
        let orders = series(&benchmarks, "db_calls{method=GET,route=/orders,service=shop}");
        assert!(orders.deterministic && orders.samples == [3.0, 3.0]);
        let users = series(&benchmarks, "db_calls{method=GET,route=/users,service=shop}");
        assert!(!users.deterministic);
        let errors = series(&benchmarks, "errors{method=GET,route=/orders,service=shop}");
        assert_eq!((errors.unit.clone(), errors.samples.clone()), (Unit::Ratio, vec![0.0, 1.0]));
        let time = series(&benchmarks, "db_time{db=SELECT,method=GET,route=/users,service=shop}");
        assert_eq!(time.samples, [50.0, 0.0], "the request without a query counts 0");
        let failed = series(&benchmarks, "duration{method=GET,route=/orders,service=shop,status=503}");
        assert_eq!((failed.unit.clone(), failed.samples.clone()), (Unit::Ns, vec![4_000.0]));
        assert!(benchmarks.iter().all(|b| b.window_seconds == Some(4e-6)));
    }
}
