//! Bucketed series through the whole decision: absolute budgets that pass,
//! fail or cannot tell, a p99 above the largest bucket bound, bounding
//! relative intervals, means, pooling, and the report's JSON.

use crate::model::buckets::BucketCount;
use crate::model::{Benchmark, Unit};
use crate::verdict::test_support::{config, inputs};
use crate::verdict::{evaluate, Comparison, Report, Verdict};

/// Bucket bounds in seconds (the last is `+Inf`).
const BOUNDS: [f64; 9] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, f64::INFINITY];
/// 1000 requests, p99 in (1 s, 2.5 s]: interpolated 1 + 1.5 * 5 / 13 s.
const ORDERS: [u64; 9] = [100, 400, 800, 950, 985, 998, 1000, 1000, 1000];
/// 50 requests, 5 of them above 10 s: the p99 lies in the +Inf bucket.
const REPORTS: [u64; 9] = [0, 0, 0, 0, 5, 20, 35, 45, 50];

/// A series of `http_request_duration_seconds` for `route` with cumulative `counts` at [`BOUNDS`].
fn scrape(route: &str, counts: [u64; 9], sum_seconds: f64) -> Benchmark {
    let metric = "http_request_duration_seconds";
    let mut bench = Benchmark::with_samples(format!("{metric}{{route={route}}}"), metric, Unit::Ns, Vec::new());
    bench.tags.insert("route".into(), route.into());
    let ns = |le: f64| if le.is_finite() { le * 1e9 } else { le };
    bench.buckets =
        Some(BOUNDS.iter().zip(counts).map(|(&le, cumulative)| BucketCount { le: ns(le), cumulative }).collect());
    let count = counts[8] as f64;
    bench.summary = [("count", count), ("sum", sum_seconds * 1e9), ("mean", sum_seconds * 1e9 / count)]
        .iter()
        .map(|(key, value)| (key.to_string(), *value))
        .collect();
    bench
}

fn kpi(route: &str, statistic: &str, budget: &str) -> String {
    format!(
        "[[kpi]]\nname = \"k\"\nsuite = \"s\"\nmetric = \"http_request_duration_seconds\"\n\
         where = {{ route = \"{route}\" }}\nstatistic = \"{statistic}\"\n{budget}\n"
    )
}

fn judged(kpi: &str, base: Option<Vec<Benchmark>>, head: Vec<Benchmark>) -> Comparison {
    let report = evaluate(&config(kpi), &inputs(base, head)).unwrap();
    report.kpis[0].comparisons[0].clone()
}

fn absolute(route: &str, max: &str) -> Comparison {
    let head = vec![scrape("/orders", ORDERS, 287.4), scrape("/reports", REPORTS, 331.5)];
    judged(&kpi(route, "p99", &format!("max = \"{max}\"")), None, head)
}

#[test]
fn an_absolute_p99_is_judged_on_its_bucket() {
    let within = absolute("/orders", "3s");
    assert_eq!(within.verdict, Verdict::Pass);
    assert_eq!(within.head_ci, Some([0.5e9, 2.5e9]), "order-statistic ranks reach one bucket down");
    assert!((within.head.unwrap() - (1.0 + 1.5 * 5.0 / 13.0) * 1e9).abs() < 1.0, "Prometheus' interpolation");
    assert_eq!(within.n_head, 1000);
    let beyond = absolute("/orders", "400ms");
    assert_eq!(beyond.verdict, Verdict::Fail);
    assert!(beyond.reason.to_string().contains("p99 interval [500 ms, 2.5 s] lies beyond"), "{}", beyond.reason);
    assert_eq!(absolute("/orders", "2s").verdict, Verdict::Inconclusive);
}

#[test]
fn a_p99_in_the_inf_bucket_is_indeterminate_and_never_invented() {
    let undecided = absolute("/reports", "20s");
    assert_eq!(undecided.verdict, Verdict::Inconclusive);
    assert_eq!(undecided.head, None);
    assert_eq!(undecided.head_ci, Some([10e9, f64::INFINITY]));
    assert!(
        undecided
            .reason
            .to_string()
            .contains("p99 lies above the largest bucket bound 10 s: indeterminate against ≤ 20 s"),
        "{}",
        undecided.reason
    );
    // Above 10 s is certainly above 1 s.
    let beyond = absolute("/reports", "1s");
    assert_eq!(beyond.verdict, Verdict::Fail);
    assert!(
        beyond.reason.to_string().contains("lies above the largest bucket bound 10 s, so beyond ≤ 1 s"),
        "{}",
        beyond.reason
    );
}

#[test]
fn relative_budgets_use_the_bounding_interval_without_a_p_value() {
    let budget = kpi("/orders", "p99", "max-regression = \"5%\"");
    let base = || Some(vec![scrape("/orders", ORDERS, 287.4)]);
    // The same buckets: the ratio is only known to lie in [0.5 / 2.5, 2.5 / 0.5].
    let same = judged(&budget, base(), vec![scrape("/orders", ORDERS, 280.0)]);
    assert_eq!(same.verdict, Verdict::Inconclusive);
    assert_eq!((same.method_words().as_str(), same.p_value, same.q_value), ("bucket bounds", None, None));
    let [lo, hi] = same.ci.unwrap();
    assert!(lo < -0.79 && hi > 3.9, "{lo} {hi}");
    assert!(same.settle.as_deref().unwrap().contains("too coarse"), "{:?}", same.settle);
    // Everything moved to (5 s, 10 s]: at least twice the baseline's p99, whatever the noise.
    let slower = judged(&budget, base(), vec![scrape("/orders", [0, 0, 0, 0, 0, 0, 5, 1000, 1000], 7000.0)]);
    assert_eq!(slower.verdict, Verdict::Fail);
    assert!(slower.ci.unwrap()[0] > 0.9, "{:?}", slower.ci);
    let faster =
        judged(&budget, base(), vec![scrape("/orders", [900, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000], 40.0)]);
    assert_eq!(faster.verdict, Verdict::Improved);
    let above = judged(&budget, base(), vec![scrape("/orders", REPORTS, 331.5)]);
    assert_eq!(above.verdict, Verdict::Inconclusive);
    assert!(
        above.reason.to_string().contains("head's p99 lies above its largest bucket bound 10 s"),
        "{}",
        above.reason
    );
}

#[test]
fn the_mean_is_sum_over_count_and_series_pool_by_their_bounds() {
    let head = vec![scrape("/orders", ORDERS, 287.4)];
    let mean = judged(&kpi("/orders", "mean", "max = \"300ms\""), None, head.clone());
    assert_eq!((mean.verdict, mean.head), (Verdict::Pass, Some(287.4e6)));
    assert_eq!(judged(&kpi("/orders", "mean", "max = \"250ms\""), None, head).verdict, Verdict::Fail);

    let pooled = judged(
        &kpi("/*", "count", "max = 2000"),
        None,
        vec![scrape("/orders", ORDERS, 287.4), scrape("/reports", REPORTS, 331.5)],
    );
    assert_eq!(pooled.head, Some(1050.0));
    let mut other_bounds = scrape("/reports", REPORTS, 331.5);
    other_bounds.buckets.as_mut().unwrap()[0].le = 0.01e9;
    let error = evaluate(
        &config(&kpi("/*", "p99", "max = \"1s\"")),
        &inputs(None, vec![scrape("/orders", ORDERS, 1.0), other_bounds]),
    )
    .unwrap_err();
    assert!(error.message.contains("bucket bounds differ"), "{error}");
    let error =
        evaluate(&config(&kpi("/orders", "rate", "max = 0.01")), &inputs(None, vec![scrape("/orders", ORDERS, 1.0)]))
            .unwrap_err();
    assert!(error.message.contains("holds bucket counts"), "{error}");
}

#[test]
fn an_indeterminate_head_and_unbounded_intervals_survive_the_json_report() {
    let report = evaluate(
        &config(&kpi("/reports", "p99", "max = \"20s\"")),
        &inputs(None, vec![scrape("/reports", REPORTS, 331.5)]),
    )
    .unwrap();
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains(r#""head":null"#) && json.contains(r#""head_ci":[10000000000.0,null]"#), "{json}");
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
}
