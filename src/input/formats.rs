//! The format registry: one row per input format, holding everything the rest
//! of perfgate needs to know about it — its name (for the budget file, the
//! command line and messages), what it is, how to recognize it, how to load
//! it, where its tool writes by default, and the KPI `perfgate init` starts a
//! suite of it with.
//!
//! Adding a format is an adapter module with a `load(&Path, &InputOptions)`
//! function, one row here (a constant and its place in [`Format::BUILTIN`]),
//! its fixtures under `tests/fixtures/<name>/` and its README row; the tests
//! over the registry check the rest (detection of every fixture, `init`'s KPI
//! accepted by `check`, the README table).

use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use serde::{Serialize, Serializer};

use super::detect::{self, harness_rules as harness, load_tool_rules as load_tool, Sniffed};
use super::*;
use crate::model::Benchmark;

/// Reads one input of a format into benchmarks.
pub type Loader = fn(&Path, &InputOptions) -> Result<Vec<Benchmark>, InputError>;

/// How a format is recognized when a suite says `format = "auto"`.
#[derive(Clone, Copy)]
pub enum Detection {
    /// Never guessed: only a suite that names the format reads it.
    Named,
    /// A rule on a file's first bytes; `looks_for` is shown when nothing matches.
    Content { looks_for: &'static str, matches: fn(&Sniffed) -> bool },
    /// A rule on a folder.
    Folder { looks_for: &'static str, matches: fn(&Path) -> bool },
}

/// Which series the starter KPI judges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StarterSeries {
    /// `bench = "*"`: every benchmark on its own.
    EveryBench,
    /// `bench = "NAME"`: one benchmark.
    Bench(&'static str),
    /// `metric = "NAME"`: the series of a metric, pooled over their tags.
    Metric(&'static str),
}

/// The budget of the starter KPI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StarterBudget {
    /// `max = "1s"`: an absolute bound on a latency, to be set to the service-level objective.
    LatencyBound,
    /// `max-regression = PERCENT`, and why that statistic and size suit the format.
    Regression { percent: &'static str, why: &'static str },
}

/// The KPI `perfgate init` writes for a suite of this format: a statistic
/// every input of the format has, and a budget `check` can judge it by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StarterKpi {
    pub series: StarterSeries,
    pub statistic: &'static str,
    /// `where = { KEY = "VALUE" }`, when the format mixes series the KPI should not judge.
    pub tag_filter: Option<(&'static str, &'static str)>,
    pub budget: StarterBudget,
}

/// One row of the registry.
pub struct FormatSpec {
    /// The name `format = "..."` and `--input-format` take, and messages show.
    pub name: &'static str,
    /// Other names accepted for it.
    pub aliases: &'static [&'static str],
    /// The file extensions it is saved under (what `perfgate init` opens to look for results).
    pub extensions: &'static [&'static str],
    /// What it is, for `--help` and the README.
    pub description: &'static str,
    pub detection: Detection,
    pub load: Loader,
    /// Where the tool writes its results when a suite names no `input`.
    pub default_input: Option<&'static str>,
    /// Whether its values carry no unit, so that a suite's `unit` says it.
    pub takes_value_unit: bool,
    pub starter: StarterKpi,
}

/// An input format: a row of the registry.
#[derive(Clone, Copy)]
pub struct Format {
    spec: &'static FormatSpec,
}

impl Format {
    /// The format of a registry row.
    pub const fn new(spec: &'static FormatSpec) -> Format {
        Format { spec }
    }

    pub fn spec(self) -> &'static FormatSpec {
        self.spec
    }

    pub fn name(self) -> &'static str {
        self.spec.name
    }

    /// Where the tool writes its results when a suite names no `input`.
    pub fn default_input(self) -> Option<&'static str> {
        self.spec.default_input
    }

    /// The format a suite names, or what is wrong with the name.
    pub fn of_suite(suite: &Suite) -> Result<Format, String> {
        Registry::builtin().named(&suite.format.name).ok_or_else(|| unknown_format(Registry::builtin(), suite))
    }
}

impl PartialEq for Format {
    fn eq(&self, other: &Self) -> bool {
        self.spec.name == other.spec.name
    }
}

impl Eq for Format {}

impl std::hash::Hash for Format {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.spec.name.hash(state);
    }
}

impl fmt::Debug for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Format({})", self.spec.name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.spec.name)
    }
}

impl Serialize for Format {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.spec.name)
    }
}

/// `--input-format`: `auto` and every registered format, with their descriptions.
impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        static CHOICES: LazyLock<Vec<Format>> =
            LazyLock::new(|| std::iter::once(Format::AUTO).chain(Format::BUILTIN.iter().copied()).collect());
        &CHOICES
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let value = clap::builder::PossibleValue::new(self.spec.name).help(self.spec.description);
        Some(self.spec.aliases.iter().fold(value, |value, alias| value.alias(*alias)))
    }
}

/// A set of formats to detect and load from: the built-in ones, or more for a test.
#[derive(Debug, Clone)]
pub struct Registry {
    formats: Vec<Format>,
}

static BUILTIN: LazyLock<Registry> = LazyLock::new(|| Registry { formats: Format::BUILTIN.to_vec() });

impl Registry {
    /// Every format perfgate reads.
    pub fn builtin() -> &'static Registry {
        &BUILTIN
    }

    /// This registry and one more format.
    pub fn with(&self, format: Format) -> Registry {
        let mut formats = self.formats.clone();
        formats.push(format);
        Registry { formats }
    }

    /// The formats, in the order detection tries them and messages list them.
    pub fn formats(&self) -> &[Format] {
        &self.formats
    }

    /// The format called `name` (or one of its aliases), `auto` included.
    pub fn named(&self, name: &str) -> Option<Format> {
        std::iter::once(Format::AUTO)
            .chain(self.formats.iter().copied())
            .find(|format| format.spec.name == name || format.spec.aliases.contains(&name))
    }

    /// The format of the file or folder at `path`: exactly one rule must match.
    pub fn detect(&self, path: &Path) -> Result<Format, InputError> {
        if path.is_dir() {
            return self.detect_folder(path);
        }
        let text = detect::read_prefix(path)?;
        let sniffed = Sniffed::new(&text);
        let matching: Vec<&str> = self
            .formats
            .iter()
            .filter(|format| matches!(format.spec.detection, Detection::Content { matches, .. } if matches(&sniffed)))
            .map(|format| format.name())
            .collect();
        match matching.as_slice() {
            [name] => Ok(self.named(name).expect("a registered format")),
            [] => Err(InputError::whole(path, detect::unrecognized_message(&self.looked_for(), &sniffed))),
            several => Err(InputError::whole(path, detect::ambiguous_message(several))),
        }
    }

    fn detect_folder(&self, path: &Path) -> Result<Format, InputError> {
        let folder_rule = |format: &Format| match format.spec.detection {
            Detection::Folder { looks_for, matches } => Some((*format, looks_for, matches(path))),
            _ => None,
        };
        let rules: Vec<(Format, &str, bool)> = self.formats.iter().filter_map(folder_rule).collect();
        if let Some((format, _, _)) = rules.iter().find(|(_, _, matched)| *matched) {
            return Ok(*format);
        }
        let looked_for: Vec<&str> = rules.iter().map(|(_, looks_for, _)| *looks_for).collect();
        Err(InputError::whole(path, detect::unrecognized_folder_message(&looked_for)))
    }

    /// What every rule looks for, in the registry's order.
    fn looked_for(&self) -> Vec<&'static str> {
        self.formats
            .iter()
            .filter_map(|format| match format.spec.detection {
                Detection::Content { looks_for, .. } | Detection::Folder { looks_for, .. } => Some(looks_for),
                Detection::Named => None,
            })
            .collect()
    }

    /// Load one input (detecting its format for `auto`) and check what the adapter made of it:
    /// at least one benchmark, each with finite, non-negative values.
    pub fn load(&self, format: Format, path: &Path, options: &InputOptions) -> Result<Vec<Benchmark>, InputError> {
        let format = if format == Format::AUTO { self.detect(path)? } else { format };
        let benchmarks = (format.spec.load)(path, options)?;
        if benchmarks.is_empty() {
            return Err(InputError::whole(path, format!("no benchmarks found in this {format} input")));
        }
        for bench in &benchmarks {
            validate_benchmark(path, None, bench)?;
        }
        Ok(benchmarks)
    }
}

/// Why a suite's format name is not one: the names there are, and the closest.
fn unknown_format(registry: &Registry, suite: &Suite) -> String {
    let names: Vec<&str> =
        std::iter::once(Format::AUTO).chain(registry.formats.iter().copied()).map(Format::name).collect();
    let hint = match crate::config::closest_word(&suite.format.name, &names) {
        Some(close) => format!("did you mean {close:?}? "),
        None => String::new(),
    };
    format!("suite {:?}: unknown format {:?}; {hint}formats: {}", suite.name, suite.format.name, names.join(", "))
}

/// `bench = "*"`, a relative budget on the minimum: raw samples exist.
const MIN_REGRESSION: StarterKpi = StarterKpi {
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
            aliases: &[],
            extensions: &[],
            description: "Recognize the format from the content.",
            detection: Detection::Named,
            load: |path, options| Registry::builtin().load(Format::AUTO, path, options),
            default_input: None,
            takes_value_unit: true,
            starter: MIN_REGRESSION,
        },
    };

    pub const CRITERION: Format = Format {
        spec: &FormatSpec {
            name: "criterion",
            aliases: &[],
            extensions: &[],
            description: "A criterion `target/criterion` folder (or one benchmark's folder).",
            detection: Detection::Folder {
                looks_for: "a criterion folder (**/new/benchmark.json)",
                matches: detect::is_criterion_folder,
            },
            load: criterion::load,
            default_input: Some("target/criterion"),
            takes_value_unit: false,
            starter: MIN_REGRESSION,
        },
    };

    pub const PERFGATE: Format = Format {
        spec: &FormatSpec {
            name: "perfgate",
            aliases: &[],
            extensions: &["json"],
            description: "perfgate's own normalized results JSON (what `perfgate run` writes).",
            detection: content("perfgate results JSON ({\"schema\", \"suites\"})", detect::is_perfgate),
            load: load_normalized,
            default_input: None,
            takes_value_unit: false,
            starter: MIN_REGRESSION,
        },
    };

    pub const HYPERFINE: Format = Format {
        spec: &FormatSpec {
            name: "hyperfine",
            aliases: &[],
            extensions: &["json"],
            description: "hyperfine `--export-json`.",
            detection: content("hyperfine JSON ({\"results\": [{\"command\", ...}]})", detect::is_hyperfine),
            load: hyperfine::load,
            default_input: None,
            takes_value_unit: false,
            starter: MIN_REGRESSION,
        },
    };

    pub const K6_SUMMARY: Format = Format {
        spec: &FormatSpec {
            name: "k6-summary",
            aliases: &[],
            extensions: &["json"],
            description: "k6 `--summary-export` or `handleSummary` JSON.",
            detection: content("k6 summary JSON ({\"metrics\": {...}})", detect::is_k6_summary),
            load: k6_summary::load,
            default_input: None,
            takes_value_unit: false,
            // Summary exports carry p(95) unless --summary-trend-stats adds p(99); their
            // tagged sub-metrics are summaries too, which do not pool: judge the whole run's trend.
            starter: StarterKpi {
                series: StarterSeries::Bench("http_req_duration"),
                statistic: "p95",
                ..latency_p99("http_req_duration")
            },
        },
    };

    pub const BMF: Format = Format {
        spec: &FormatSpec {
            name: "bmf",
            aliases: &[],
            extensions: &["json"],
            description: "Bencher Metric Format JSON.",
            detection: content("Bencher Metric Format JSON ({bench: {measure: {\"value\"}}})", detect::is_bmf),
            load: bmf::load,
            default_input: None,
            takes_value_unit: false,
            starter: MEAN_REGRESSION,
        },
    };

    pub const K6: Format = Format {
        spec: &FormatSpec {
            name: "k6",
            aliases: &[],
            extensions: &["json", "ndjson", "jsonl", "gz"],
            description: "k6 `--out json` NDJSON.",
            detection: content(
                "k6 --out json lines ({\"type\": \"Metric\"|\"Point\", \"metric\"})",
                detect::is_k6_ndjson,
            ),
            load: k6::load,
            default_input: None,
            takes_value_unit: false,
            starter: latency_p99("http_req_duration"),
        },
    };

    pub const LATENCY_NDJSON: Format = Format {
        spec: &FormatSpec {
            name: "latency-ndjson",
            aliases: &[],
            extensions: &["ndjson", "jsonl", "json", "gz"],
            description: "Generic per-request latency NDJSON.",
            detection: content("latency NDJSON (route and latency_ms fields)", detect::is_latency_ndjson),
            load: latency::load_ndjson,
            default_input: None,
            takes_value_unit: false,
            starter: latency_p99("latency"),
        },
    };

    pub const JMETER: Format = Format {
        spec: &FormatSpec {
            name: "jmeter",
            aliases: &[],
            extensions: &["jtl", "csv"],
            description: "JMeter JTL CSV.",
            detection: content("JMeter JTL CSV (timeStamp, elapsed, label columns)", detect::is_jmeter),
            load: jmeter::load,
            default_input: None,
            takes_value_unit: false,
            starter: latency_p99("latency"),
        },
    };

    pub const LATENCY_CSV: Format = Format {
        spec: &FormatSpec {
            name: "latency-csv",
            aliases: &[],
            extensions: &["csv", "gz"],
            description: "Generic per-request latency CSV.",
            detection: content("latency CSV (route and latency_ms columns)", detect::is_latency_csv),
            load: latency::load_csv,
            default_input: None,
            takes_value_unit: false,
            starter: latency_p99("latency"),
        },
    };

    pub const BENCHER: Format = Format {
        spec: &FormatSpec {
            name: "bencher",
            aliases: &[],
            extensions: &["txt"],
            description: "libtest / criterion `--output-format bencher` text.",
            detection: content("bencher text (`test NAME ... bench: N ns/iter` lines)", detect::is_bencher),
            load: bencher::load,
            default_input: None,
            takes_value_unit: false,
            starter: StarterKpi {
                statistic: "median",
                budget: StarterBudget::Regression {
                    percent: "5%",
                    why: "libtest and criterion print a median; no raw samples",
                },
                ..MIN_REGRESSION
            },
        },
    };

    pub const GOOGLE_BENCHMARK: Format = Format {
        spec: &FormatSpec {
            name: "google-benchmark",
            aliases: &[],
            extensions: &["json"],
            description: "Google Benchmark JSON (`--benchmark_format=json`).",
            detection: content(
                "Google Benchmark JSON ({\"context\", \"benchmarks\": [{\"run_type\", \"real_time\"}]})",
                harness::is_google_benchmark,
            ),
            load: google_benchmark::load,
            default_input: None,
            takes_value_unit: false,
            starter: MEAN_REGRESSION,
        },
    };

    pub const PYTEST_BENCHMARK: Format = Format {
        spec: &FormatSpec {
            name: "pytest-benchmark",
            aliases: &[],
            extensions: &["json"],
            description: "pytest-benchmark `--benchmark-json` (or a saved `.benchmarks/` file).",
            detection: content(
                "pytest-benchmark JSON ({\"benchmarks\": [{\"fullname\", \"stats\"}]})",
                harness::is_pytest_benchmark,
            ),
            load: pytest_benchmark::load,
            default_input: None,
            takes_value_unit: false,
            starter: MIN_REGRESSION,
        },
    };

    pub const BENCHMARK_DOTNET: Format = Format {
        spec: &FormatSpec {
            name: "benchmark-dotnet",
            aliases: &[],
            extensions: &["json"],
            description: "BenchmarkDotNet JSON export (full or brief).",
            detection: content(
                "BenchmarkDotNet JSON ({\"HostEnvironmentInfo\", \"Benchmarks\"})",
                harness::is_benchmark_dotnet,
            ),
            load: benchmark_dotnet::load,
            default_input: None,
            takes_value_unit: false,
            starter: MIN_REGRESSION,
        },
    };

    pub const JMH: Format = Format {
        spec: &FormatSpec {
            name: "jmh",
            aliases: &[],
            extensions: &["json"],
            description: "JMH `-rf json` results.",
            detection: content("JMH JSON ([{\"benchmark\", \"mode\", \"primaryMetric\"}])", harness::is_jmh),
            load: jmh::load,
            default_input: None,
            takes_value_unit: false,
            starter: MEAN_REGRESSION,
        },
    };

    pub const GO_BENCH: Format = Format {
        spec: &FormatSpec {
            name: "go-bench",
            aliases: &[],
            extensions: &["txt"],
            description: "`go test -bench` text.",
            detection: content("go test -bench text (`BenchmarkName-8  1000  12.5 ns/op` lines)", harness::is_go_bench),
            load: go_bench::load,
            default_input: None,
            takes_value_unit: false,
            starter: MIN_REGRESSION,
        },
    };

    pub const CATCH2: Format = Format {
        spec: &FormatSpec {
            name: "catch2",
            aliases: &[],
            extensions: &["txt", "xml"],
            description: "Catch2 benchmark results: console reporter text or `-r xml`.",
            detection: content(
                "Catch2 results (a `benchmark name  samples  iterations` table, or <Catch> XML)",
                harness::is_catch2,
            ),
            load: catch2::load,
            default_input: None,
            takes_value_unit: false,
            starter: MEAN_REGRESSION,
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
            default_input: None,
            takes_value_unit: false,
            // Cache events of a few hits jump by 50 % on any change: judge instructions only.
            starter: StarterKpi {
                tag_filter: Some(("event", "Instructions")),
                budget: StarterBudget::Regression {
                    percent: "1%",
                    why: "instruction counts are exact: a small budget is safe",
                },
                ..MIN_REGRESSION
            },
        },
    };

    pub const BENCHMARK_JS: Format = Format {
        spec: &FormatSpec {
            name: "benchmark-js",
            aliases: &[],
            extensions: &["txt"],
            description: "benchmark.js `String(event.target)` lines.",
            detection: content(
                "benchmark.js text (`NAME x 1,234 ops/sec ±1.5% (60 runs sampled)` lines)",
                harness::is_benchmark_js,
            ),
            load: benchmark_js::load,
            default_input: None,
            takes_value_unit: false,
            starter: MEAN_REGRESSION,
        },
    };

    pub const WRK: Format = Format {
        spec: &FormatSpec {
            name: "wrk",
            aliases: &[],
            extensions: &["txt"],
            description: "`wrk --latency` (or wrk2) text output.",
            detection: content(
                "wrk --latency text (`Running 2s test @ URL`, then `Requests/sec:` or `Latency Distribution`)",
                load_tool::is_wrk,
            ),
            load: wrk::load,
            default_input: None,
            takes_value_unit: false,
            starter: latency_p99("latency"),
        },
    };

    pub const OHA: Format = Format {
        spec: &FormatSpec {
            name: "oha",
            aliases: &[],
            extensions: &["json"],
            description: "oha JSON (`--output-format json`, `-j` in older versions).",
            detection: content("oha JSON ({\"summary\": {\"successRate\", \"requestsPerSec\"}})", load_tool::is_oha),
            load: oha::load,
            default_input: None,
            takes_value_unit: false,
            starter: latency_p99("latency"),
        },
    };

    pub const HLOG: Format = Format {
        spec: &FormatSpec {
            name: "hlog",
            aliases: &[],
            extensions: &["hlog"],
            description: "HdrHistogram interval log (`.hlog`, HistogramLogWriter); values in the suite's `unit`.",
            detection: content(
                "HdrHistogram interval log (`[Tag=NAME,]start,length,max,HIST...` lines)",
                load_tool::is_hlog,
            ),
            load: hlog::load,
            default_input: None,
            takes_value_unit: true,
            starter: latency_p99("latency"),
        },
    };

    pub const PROMETHEUS: Format = Format {
        spec: &FormatSpec {
            name: "prometheus",
            aliases: &[],
            extensions: &["prom", "txt"],
            description: "Prometheus text-format histograms (a saved `/metrics` scrape).",
            detection: content(
                "Prometheus histograms (`# TYPE name histogram`, `name_bucket{le=\"0.1\"} N` lines)",
                load_tool::is_prometheus,
            ),
            load: prometheus::load,
            default_input: None,
            takes_value_unit: false,
            // Histograms of seconds, bytes and counts alike: a relative budget fits each.
            starter: StarterKpi {
                statistic: "p99",
                budget: StarterBudget::Regression {
                    percent: "5%",
                    why: "histograms differ in unit (seconds, bytes, counts): a relative budget fits each",
                },
                ..MIN_REGRESSION
            },
        },
    };

    pub const K6_CSV: Format = Format {
        spec: &FormatSpec {
            name: "k6-csv",
            aliases: &[],
            extensions: &["csv", "gz"],
            description: "k6 `--out csv` (plain or gzipped).",
            detection: content("k6 --out csv (metric_name, timestamp, metric_value columns)", load_tool::is_k6_csv),
            load: k6_csv::load,
            default_input: None,
            takes_value_unit: false,
            starter: latency_p99("http_req_duration"),
        },
    };

    pub const LOCUST_CSV: Format = Format {
        spec: &FormatSpec {
            name: "locust-csv",
            aliases: &[],
            extensions: &["csv"],
            description: "Locust `--csv PREFIX` statistics (`PREFIX_stats.csv`).",
            detection: content(
                "Locust _stats.csv (Type, Name, Request Count, Failure Count, Requests/s columns)",
                load_tool::is_locust_csv,
            ),
            load: locust_csv::load,
            default_input: None,
            takes_value_unit: false,
            // Locust's per-route rows are summaries, which do not pool: judge its Aggregated row.
            starter: StarterKpi { series: StarterSeries::Bench("latency"), ..latency_p99("latency") },
        },
    };

    pub const LOCUST_JSON: Format = Format {
        spec: &FormatSpec {
            name: "locust-json",
            aliases: &[],
            extensions: &["json"],
            description: "Locust `--json` (or `--json-file`) statistics with response-time histograms.",
            detection: content(
                "Locust --json ([{\"name\", \"num_requests\", \"response_times\"}])",
                load_tool::is_locust_json,
            ),
            load: locust_json::load,
            default_input: None,
            takes_value_unit: false,
            starter: latency_p99("latency"),
        },
    };

    pub const VEGETA: Format = Format {
        spec: &FormatSpec {
            name: "vegeta",
            aliases: &[],
            extensions: &["json"],
            description: "vegeta `report -type=json`.",
            detection: content(
                "vegeta report -type=json ({\"latencies\": {\"50th\", ...}, \"success\"})",
                load_tool::is_vegeta,
            ),
            load: vegeta::load,
            default_input: None,
            takes_value_unit: false,
            starter: latency_p99("latency"),
        },
    };

    pub const VEGETA_CSV: Format = Format {
        spec: &FormatSpec {
            name: "vegeta-csv",
            aliases: &[],
            extensions: &["csv"],
            description: "vegeta `encode --to csv` results (no header row).",
            detection: content(
                "vegeta encode --to csv (headerless rows: ns timestamp, code, latency, ..., attack, seq)",
                load_tool::is_vegeta_csv,
            ),
            load: vegeta_csv::load,
            default_input: None,
            takes_value_unit: false,
            starter: latency_p99("latency"),
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

#[cfg(test)]
#[path = "formats_tests.rs"]
mod tests;
