//! `perfgate explain` on the example API data: where the time goes.

use super::*;

#[test]
fn explain_by_route_ranks_routes_by_total_time() {
    let (code, stdout, _) = outcome(perfgate().args(["explain", "--by", "route", "examples/api/head.csv"]));
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
}

#[test]
fn explain_against_a_baseline_marks_the_regressed_route_only() {
    let (code, stdout, _) = outcome(perfgate().args([
        "explain",
        "--format",
        "markdown",
        "--base",
        "examples/api/base.csv",
        "examples/api/head.csv",
    ]));
    assert_eq!(code, 0);
    let regressed: Vec<&str> = stdout.lines().filter(|line| line.contains('▲')).collect();
    assert_eq!(regressed.len(), 1, "{stdout}");
    assert!(regressed[0].starts_with("| /api/orders/{id} |"), "{stdout}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn explain_json_has_the_documented_shape() {
    let (code, stdout, _) =
        outcome(perfgate().args(["explain", "--format", "json", "--by", "route,method", "examples/api/head.csv"]));
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((json["schema"].as_u64(), json["unit"].as_str()), (Some(1), Some("ms")));
    assert_eq!(json["by"], serde_json::json!(["route", "method"]));
    let groups = json["groups"].as_array().unwrap();
    for key in ["key", "count", "p50", "p95", "p99", "total", "share", "cumulative_share"] {
        assert!(groups.iter().all(|g| !g[key].is_null()), "{key}");
    }
    let totals: Vec<f64> = groups.iter().map(|g| g["total"].as_f64().unwrap()).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "ranked by total: {totals:?}");
    let counts: u64 = groups.iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(counts, 20_000);
}

#[test]
fn explain_gzip_input_matches_plain_and_empty_input_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read("examples/api/head.csv").unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, &plain).unwrap();
    let gz = dir.path().join("head.csv.gz");
    std::fs::write(&gz, encoder.finish().unwrap()).unwrap();
    let run = |path: &std::path::Path| {
        outcome(perfgate().args(["explain", "--format", "json", "--input-format", "latency-csv"]).arg(path))
    };
    let (code, from_gzip, stderr) = run(&gz);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(from_gzip, run(std::path::Path::new("examples/api/head.csv")).1);
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let (code, _, stderr) = run(&empty);
    assert_eq!(code, 2);
    assert!(stderr.contains("empty.csv") && stderr.contains("empty"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_explain_quietly() {
    // 5 000 routes: far more output than a pipe buffers, so perfgate writes after `head` has gone.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("many-routes.csv");
    let rows: String = (0..5000).map(|i| format!("/r{i},{}\n", i % 17)).collect();
    std::fs::write(&log, format!("route,latency_ms\n{rows}")).unwrap();
    let binary = assert_cmd::cargo::cargo_bin("perfgate");
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{binary:?} explain --by route {log:?} | head -c 10 >/dev/null"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");
}
