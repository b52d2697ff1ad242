//! The rows of the registry: every built-in format, and the starter KPIs
//! they share. Each row says what `perfgate init` starts a suite of the
//! format with, and why.

use super::{Detection, Format, FormatSpec, Registry, StarterBudget, StarterKpi, StarterSeries};
use crate::input::detect::{self, harness_rules as harness, load_tool_rules as load_tool, Sniffed};
use crate::input::*;

/// `bench = "*"`, a relative budget on the minimum: raw samples exist.
pub(super) const MIN_REGRESSION: StarterKpi = StarterKpi {
    series: StarterSeries::EveryBench,
    statistic: "min",
    tag_filter: None,
    budget: StarterBudget::Regression {
        percent: "3%",
        why: "on a shared machine noise only adds time: the minimum is the steadiest statistic",
    },
};

/// `bench = "*"`, a relative budget on the mean: the tool reports summaries only.
const MEAN_REGRESSION: StarterKpi = StarterKpi {
    statistic: "mean",
    budget: StarterBudget::Regression { percent: "5%", why: "the tool reports this statistic without raw samples" },
    ..MIN_REGRESSION
};

/// `metric = METRIC`, an absolute bound on the 99th percentile.
const fn latency_p99(metric: &'static str) -> StarterKpi {
    StarterKpi {
        series: StarterSeries::Metric(metric),
        statistic: "p99",
        tag_filter: None,
        budget: StarterBudget::LatencyBound,
    }
}

const fn content(looks_for: &'static str, matches: fn(&Sniffed) -> bool) -> Detection {
    Detection::Content { looks_for, matches }
}

/// The registry.
impl Format {
    /// `format = "auto"`: recognize the format from the content.
    pub const AUTO: Format = Format {
        spec: &FormatSpec {
            name: "auto",
            extensions: &[],
            description: "Recognize the format from the content.",
            detection: Detection::Named,
            load: |path, options| Registry::builtin().load(Format::AUTO, path, options),
            takes_value_unit: true,
            ..FormatSpec::DEFAULT
        },
    };

    pub const CRITERION: Format = Format {
        spec: &FormatSpec {
            name: "criterion",
            extensions: &[],
            description: "A criterion `target/criterion` folder (or one benchmark's folder).",
            detection: Detection::Folder {
                looks_for: "a criterion folder (**/new/benchmark.json)",
                matches: detect::is_criterion_folder,
            },
            load: criterion::load,
            default_input: Some("target/criterion"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const PERFGATE: Format = Format {
        spec: &FormatSpec {
            name: "perfgate",
            extensions: &["json"],
            description: "perfgate's own normalized results JSON (what `perfgate run` writes).",
            detection: content("perfgate results JSON ({\"schema\", \"suites\"})", detect::is_perfgate),
            load: load_normalized,
            ..FormatSpec::DEFAULT
        },
    };

    pub const HYPERFINE: Format = Format {
        spec: &FormatSpec {
            name: "hyperfine",
            extensions: &["json"],
            description: "hyperfine `--export-json`.",
            detection: content("hyperfine JSON ({\"results\": [{\"command\", ...}]})", detect::is_hyperfine),
            load: hyperfine::load,
            ..FormatSpec::DEFAULT
        },
    };

    pub const K6_SUMMARY: Format = Format {
        spec: &FormatSpec {
            name: "k6-summary",
            extensions: &["json"],
            description: "k6 `--summary-export` or `handleSummary` JSON.",
            detection: content("k6 summary JSON ({\"metrics\": {...}})", detect::is_k6_summary),
            load: k6_summary::load,
            // Summary exports carry p(95) unless --summary-trend-stats adds p(99); their
            // tagged sub-metrics are summaries too, which do not pool: judge the whole run's trend.
            starter: StarterKpi {
                series: StarterSeries::Bench("http_req_duration"),
                statistic: "p95",
                ..latency_p99("http_req_duration")
            },
            ..FormatSpec::DEFAULT
        },
    };

    pub const BMF: Format = Format {
        spec: &FormatSpec {
            name: "bmf",
            extensions: &["json"],
            description: "Bencher Metric Format JSON.",
            detection: content("Bencher Metric Format JSON ({bench: {measure: {\"value\"}}})", detect::is_bmf),
            load: bmf::load,
            starter: MEAN_REGRESSION,
            ..FormatSpec::DEFAULT
        },
    };

    pub const K6: Format = Format {
        spec: &FormatSpec {
            name: "k6",
            extensions: &["json", "ndjson", "jsonl", "gz"],
            description: "k6 `--out json` NDJSON.",
            detection: content(
                "k6 --out json lines ({\"type\": \"Metric\"|\"Point\", \"metric\"})",
                detect::is_k6_ndjson,
            ),
            load: k6::load,
            starter: latency_p99("http_req_duration"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const LATENCY_NDJSON: Format = Format {
        spec: &FormatSpec {
            name: "latency-ndjson",
            extensions: &["ndjson", "jsonl", "json", "gz"],
            description: "Generic per-request latency NDJSON.",
            detection: content("latency NDJSON (route and latency_ms fields)", detect::is_latency_ndjson),
            load: latency::load_ndjson,
            starter: latency_p99("latency"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const OTLP_JSON: Format = Format {
        spec: &FormatSpec {
            name: "otlp-json",
            extensions: &["json", "jsonl", "gz"],
            description:
                "OpenTelemetry traces as OTLP JSON (the Collector's file exporter): requests from server spans.",
            detection: content("OTLP JSON traces ({\"resourceSpans\": [...]})", detect::is_otlp_json),
            load: otlp_json::load,
            starter: latency_p99("duration"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const JAEGER_JSON: Format = Format {
        spec: &FormatSpec {
            name: "jaeger-json",
            extensions: &["json", "gz"],
            description: "Jaeger's JSON traces (`/api/traces`, the UI's download): requests from server spans.",
            detection: content("Jaeger JSON traces ({\"data\": [{\"traceID\", \"spans\"}]})", detect::is_jaeger_json),
            load: jaeger_json::load,
            starter: latency_p99("duration"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const JMETER: Format = Format {
        spec: &FormatSpec {
            name: "jmeter",
            extensions: &["jtl", "csv"],
            description: "JMeter JTL CSV.",
            detection: content("JMeter JTL CSV (timeStamp, elapsed, label columns)", detect::is_jmeter),
            load: jmeter::load,
            starter: latency_p99("latency"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const LATENCY_CSV: Format = Format {
        spec: &FormatSpec {
            name: "latency-csv",
            extensions: &["csv", "gz"],
            description: "Generic per-request latency CSV.",
            detection: content("latency CSV (route and latency_ms columns)", detect::is_latency_csv),
            load: latency::load_csv,
            starter: latency_p99("latency"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const BENCHER: Format = Format {
        spec: &FormatSpec {
            name: "bencher",
            extensions: &["txt"],
            description: "libtest / criterion `--output-format bencher` text.",
            detection: content("bencher text (`test NAME ... bench: N ns/iter` lines)", detect::is_bencher),
            load: bencher::load,
            starter: StarterKpi {
                statistic: "median",
                budget: StarterBudget::Regression {
                    percent: "5%",
                    why: "libtest and criterion print a median; no raw samples",
                },
                ..MIN_REGRESSION
            },
            ..FormatSpec::DEFAULT
        },
    };

    pub const GOOGLE_BENCHMARK: Format = Format {
        spec: &FormatSpec {
            name: "google-benchmark",
            extensions: &["json"],
            description: "Google Benchmark JSON (`--benchmark_format=json`).",
            detection: content(
                "Google Benchmark JSON ({\"context\", \"benchmarks\": [{\"run_type\", \"real_time\"}]})",
                harness::is_google_benchmark,
            ),
            load: google_benchmark::load,
            starter: MEAN_REGRESSION,
            ..FormatSpec::DEFAULT
        },
    };

    pub const PYTEST_BENCHMARK: Format = Format {
        spec: &FormatSpec {
            name: "pytest-benchmark",
            extensions: &["json"],
            description: "pytest-benchmark `--benchmark-json` (or a saved `.benchmarks/` file).",
            detection: content(
                "pytest-benchmark JSON ({\"benchmarks\": [{\"fullname\", \"stats\"}]})",
                harness::is_pytest_benchmark,
            ),
            load: pytest_benchmark::load,
            ..FormatSpec::DEFAULT
        },
    };

    pub const BENCHMARK_DOTNET: Format = Format {
        spec: &FormatSpec {
            name: "benchmark-dotnet",
            extensions: &["json"],
            description: "BenchmarkDotNet JSON export (full or brief).",
            detection: content(
                "BenchmarkDotNet JSON ({\"HostEnvironmentInfo\", \"Benchmarks\"})",
                harness::is_benchmark_dotnet,
            ),
            load: benchmark_dotnet::load,
            ..FormatSpec::DEFAULT
        },
    };

    pub const JMH: Format = Format {
        spec: &FormatSpec {
            name: "jmh",
            extensions: &["json"],
            description: "JMH `-rf json` results.",
            detection: content("JMH JSON ([{\"benchmark\", \"mode\", \"primaryMetric\"}])", harness::is_jmh),
            load: jmh::load,
            starter: MEAN_REGRESSION,
            ..FormatSpec::DEFAULT
        },
    };

    pub const GO_BENCH: Format = Format {
        spec: &FormatSpec {
            name: "go-bench",
            extensions: &["txt"],
            description: "`go test -bench` text.",
            detection: content("go test -bench text (`BenchmarkName-8  1000  12.5 ns/op` lines)", harness::is_go_bench),
            load: go_bench::load,
            ..FormatSpec::DEFAULT
        },
    };

    pub const CATCH2: Format = Format {
        spec: &FormatSpec {
            name: "catch2",
            extensions: &["txt", "xml"],
            description: "Catch2 benchmark results: console reporter text or `-r xml`.",
            detection: content(
                "Catch2 results (a `benchmark name  samples  iterations` table, or <Catch> XML)",
                harness::is_catch2,
            ),
            load: catch2::load,
            starter: MEAN_REGRESSION,
            ..FormatSpec::DEFAULT
        },
    };

    pub const IAI_CALLGRIND: Format = Format {
        spec: &FormatSpec {
            name: "iai-callgrind",
            aliases: &["gungraun"],
            extensions: &["txt"],
            description: "gungraun / iai-callgrind text output (Valgrind event counts).",
            detection: content(
                "gungraun/iai-callgrind text (indented `Instructions: N|M` lines)",
                harness::is_iai_callgrind,
            ),
            load: iai_callgrind::load,
            // Cache events of a few hits jump by 50 % on any change: judge instructions only.
            starter: StarterKpi {
                tag_filter: Some(("event", "Instructions")),
                budget: StarterBudget::Regression {
                    percent: "1%",
                    why: "instruction counts are exact: a small budget is safe",
                },
                ..MIN_REGRESSION
            },
            ..FormatSpec::DEFAULT
        },
    };

    pub const BENCHMARK_JS: Format = Format {
        spec: &FormatSpec {
            name: "benchmark-js",
            extensions: &["txt"],
            description: "benchmark.js `String(event.target)` lines.",
            detection: content(
                "benchmark.js text (`NAME x 1,234 ops/sec ±1.5% (60 runs sampled)` lines)",
                harness::is_benchmark_js,
            ),
            load: benchmark_js::load,
            starter: MEAN_REGRESSION,
            ..FormatSpec::DEFAULT
        },
    };

    pub const WRK: Format = Format {
        spec: &FormatSpec {
            name: "wrk",
            extensions: &["txt"],
            description: "`wrk --latency` (or wrk2) text output.",
            detection: content(
                "wrk --latency text (`Running 2s test @ URL`, then `Requests/sec:` or `Latency Distribution`)",
                load_tool::is_wrk,
            ),
            load: wrk::load,
            starter: latency_p99("latency"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const OHA: Format = Format {
        spec: &FormatSpec {
            name: "oha",
            extensions: &["json"],
            description: "oha JSON (`--output-format json`, `-j` in older versions).",
            detection: content("oha JSON ({\"summary\": {\"successRate\", \"requestsPerSec\"}})", load_tool::is_oha),
            load: oha::load,
            starter: latency_p99("latency"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const HLOG: Format = Format {
        spec: &FormatSpec {
            name: "hlog",
            extensions: &["hlog"],
            description: "HdrHistogram interval log (`.hlog`, HistogramLogWriter); values in the suite's `unit`.",
            detection: content(
                "HdrHistogram interval log (`[Tag=NAME,]start,length,max,HIST...` lines)",
                load_tool::is_hlog,
            ),
            load: hlog::load,
            takes_value_unit: true,
            starter: latency_p99("latency"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const PROMETHEUS: Format = Format {
        spec: &FormatSpec {
            name: "prometheus",
            extensions: &["prom", "txt"],
            description: "Prometheus text-format histograms (a saved `/metrics` scrape).",
            detection: content(
                "Prometheus histograms (`# TYPE name histogram`, `name_bucket{le=\"0.1\"} N` lines)",
                load_tool::is_prometheus,
            ),
            load: prometheus::load,
            // Histograms of seconds, bytes and counts alike: a relative budget fits each.
            starter: StarterKpi {
                statistic: "p99",
                budget: StarterBudget::Regression {
                    percent: "5%",
                    why: "histograms differ in unit (seconds, bytes, counts): a relative budget fits each",
                },
                ..MIN_REGRESSION
            },
            ..FormatSpec::DEFAULT
        },
    };

    pub const K6_CSV: Format = Format {
        spec: &FormatSpec {
            name: "k6-csv",
            extensions: &["csv", "gz"],
            description: "k6 `--out csv` (plain or gzipped).",
            detection: content("k6 --out csv (metric_name, timestamp, metric_value columns)", load_tool::is_k6_csv),
            load: k6_csv::load,
            starter: latency_p99("http_req_duration"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const LOCUST_CSV: Format = Format {
        spec: &FormatSpec {
            name: "locust-csv",
            extensions: &["csv"],
            description: "Locust `--csv PREFIX` statistics (`PREFIX_stats.csv`).",
            detection: content(
                "Locust _stats.csv (Type, Name, Request Count, Failure Count, Requests/s columns)",
                load_tool::is_locust_csv,
            ),
            load: locust_csv::load,
            // Locust's per-route rows are summaries, which do not pool: judge its Aggregated row.
            starter: StarterKpi { series: StarterSeries::Bench("latency"), ..latency_p99("latency") },
            ..FormatSpec::DEFAULT
        },
    };

    pub const LOCUST_JSON: Format = Format {
        spec: &FormatSpec {
            name: "locust-json",
            extensions: &["json"],
            description: "Locust `--json` (or `--json-file`) statistics with response-time histograms.",
            detection: content(
                "Locust --json ([{\"name\", \"num_requests\", \"response_times\"}])",
                load_tool::is_locust_json,
            ),
            load: locust_json::load,
            starter: latency_p99("latency"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const VEGETA: Format = Format {
        spec: &FormatSpec {
            name: "vegeta",
            extensions: &["json"],
            description: "vegeta `report -type=json`.",
            detection: content(
                "vegeta report -type=json ({\"latencies\": {\"50th\", ...}, \"success\"})",
                load_tool::is_vegeta,
            ),
            load: vegeta::load,
            starter: latency_p99("latency"),
            ..FormatSpec::DEFAULT
        },
    };

    pub const VEGETA_CSV: Format = Format {
        spec: &FormatSpec {
            name: "vegeta-csv",
            extensions: &["csv"],
            description: "vegeta `encode --to csv` results (no header row).",
            detection: content(
                "vegeta encode --to csv (headerless rows: ns timestamp, code, latency, ..., attack, seq)",
                load_tool::is_vegeta_csv,
            ),
            load: vegeta_csv::load,
            starter: latency_p99("latency"),
            ..FormatSpec::DEFAULT
        },
    };

    /// Every built-in format, in the order detection tries them and messages list them.
    pub const BUILTIN: &'static [Format] = &[
        Format::CRITERION,
        Format::PERFGATE,
        Format::HYPERFINE,
        Format::K6_SUMMARY,
        Format::BMF,
        Format::K6,
        Format::LATENCY_NDJSON,
        Format::OTLP_JSON,
        Format::JAEGER_JSON,
        Format::JMETER,
        Format::LATENCY_CSV,
        Format::BENCHER,
        Format::GOOGLE_BENCHMARK,
        Format::PYTEST_BENCHMARK,
        Format::BENCHMARK_DOTNET,
        Format::JMH,
        Format::GO_BENCH,
        Format::CATCH2,
        Format::IAI_CALLGRIND,
        Format::BENCHMARK_JS,
        Format::WRK,
        Format::OHA,
        Format::HLOG,
        Format::PROMETHEUS,
        Format::K6_CSV,
        Format::LOCUST_CSV,
        Format::LOCUST_JSON,
        Format::VEGETA,
        Format::VEGETA_CSV,
    ];
}
