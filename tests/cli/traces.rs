//! KPIs from OpenTelemetry traces, on traces the SDK wrote (tests/fixtures/otlp-json): an A/A
//! pair from two seeds passes, one more query on GET /orders fails that route's DB-calls budget
//! only, exactly, and a 40 % slower GET /search fails its p99 KPI only; `explain` ranks the
//! routes by their total time.

use super::*;

const BUDGET: &str = r#"[baseline]
source = "file"

[[suite]]
name = "shop"
format = "otlp-json"
input = "head.json.gz"
baseline = "base.json.gz"

[[kpi]]
name = "DB calls per request"
suite = "shop"
metric = "db_calls"
per = "route,method"
statistic = "mean"
max-regression = "10%"

"#;

/// One p99 KPI per route: a KPI over all five routes would estimate its run-to-run noise from
/// their spread, and five comparisons of which one moved 40 % cannot tell noise from change.
const ROUTES: [(&str, &str); 5] =
    [("GET", "/orders"), ("GET", "/orders/{id}"), ("POST", "/orders"), ("GET", "/search"), ("GET", "/users/{id}")];

fn budget_text() -> String {
    let mut text = BUDGET.to_string();
    for (method, route) in ROUTES {
        // `where` takes globs, in which braces are alternatives: `[{]` matches a brace.
        let pattern = route.replace('{', "[{]").replace('}', "[}]");
        text.push_str(&format!(
            "\n[[kpi]]\nname = \"{method} {route} p99\"\nsuite = \"shop\"\nmetric = \"duration\"\n\
             where = {{ method = \"{method}\", route = \"{pattern}\" }}\nstatistic = \"p99\"\nmax-regression = \"20%\"\n"
        ));
    }
    text
}

/// `check` of `head` against the base fixture.
fn check(head: &str) -> (i32, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("otlp-json/base.json.gz"), dir.path().join("base.json.gz")).unwrap();
    std::fs::copy(fixture(&format!("otlp-json/{head}")), dir.path().join("head.json.gz")).unwrap();
    let config = budget(dir.path(), &budget_text());
    json_report(perfgate().arg("check").arg("--config").arg(&config))
}

#[test]
fn an_aa_pair_from_two_seeds_passes() {
    let (code, report) = check("aa.json.gz");
    assert_eq!(code, 0, "{report:#}");
    assert!(failing_comparisons(&report).is_empty(), "{report:#}");
    let judged = verdicts(&report);
    assert_eq!(judged.len(), 10, "five routes' DB calls, five p99s: {judged:?}");
}

#[test]
fn one_more_query_on_get_orders_fails_that_route_only_and_exactly() {
    let (code, report) = check("orders-extra-query.json.gz");
    assert_eq!(code, 1, "{report:#}");
    let failing: Vec<(String, String)> = failing_comparisons(&report).into_iter().collect();
    assert_eq!(
        failing,
        [("DB calls per request".to_string(), "db_calls{method=GET,route=/orders}".to_string())],
        "{report:#}"
    );
    let orders = report["kpis"][0]["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["bench"] == "db_calls{method=GET,route=/orders}")
        .unwrap();
    let change = orders["change"].as_f64().unwrap();
    assert!((change - 1.0 / 3.0).abs() < 1e-9, "3 → 4 queries: {orders:#}");
    assert_eq!(orders["ci"][0], orders["ci"][1], "exact: {orders:#}");
    // Said which was used: exact where every request made as many queries, a two-sample interval
    // where a cache makes them vary.
    assert_eq!(orders["method"], "exact", "{orders:#}");
    let users = report["kpis"][0]["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["bench"] == "db_calls{method=GET,route=/users/{id}}")
        .unwrap();
    assert!(users["method"].as_str().is_some_and(|m| m != "exact" && !m.is_empty()), "{users:#}");
}

#[test]
fn a_forty_percent_slower_search_fails_its_p99_only() {
    let (code, report) = check("search-slower.json.gz");
    assert_eq!(code, 1, "{report:#}");
    let failing: Vec<(String, String)> = failing_comparisons(&report).into_iter().collect();
    assert_eq!(failing, [("GET /search p99".to_string(), "duration{method=GET,route=/search}".to_string())]);
}

#[test]
fn explain_ranks_the_routes_of_traces_by_total_time() {
    let (code, stdout, stderr) = outcome(
        perfgate().args(["explain", "--format", "json", "--by", "route"]).arg(fixture("otlp-json/base.json.gz")),
    );
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let groups = json["groups"].as_array().unwrap();
    let totals: Vec<f64> = groups.iter().map(|g| g["total"].as_f64().unwrap()).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "ranked by total: {totals:?}");
    let counts: u64 = groups.iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(counts, 3000);
    // GET /search: 603 requests of about 120 ms, the most time of any route.
    assert_eq!(groups[0]["key"]["route"], "/search", "{json:#}");
}
