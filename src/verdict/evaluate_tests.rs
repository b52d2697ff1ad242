//! The decision code end to end on synthetic suites: A/A false alarms, power,
//! absolute budgets, missing baselines, exact metrics and budget/unit mismatches.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use statrs::distribution::Normal;

use super::*;
use crate::model::{Benchmark, Unit};
use crate::verdict::test_support::{config, inputs};
use crate::verdict::{CheckVerdict, Distribution, Verdict};

/// Log-normal per-iteration times around `center` ns with the given per-sample CV.
fn run_of(rng: &mut Pcg64, id: &str, center: f64, cv: f64, samples: usize) -> Benchmark {
    let noise = Normal::new(0.0, cv).unwrap();
    let values = (0..samples).map(|_| center * rng.sample(noise).exp()).collect();
    Benchmark::with_samples(id, "time", Unit::Ns, values)
}

/// One simulated pair of runs of a suite on a shared machine: every benchmark of a run
/// shares a common shift (sd 2 %) and has its own run shift (sd 1 %); 30 samples of CV `cv`.
fn simulated_suite(seed: u64, benchmarks: usize, cv: f64, slower: &[(usize, f64)]) -> (Vec<Benchmark>, Vec<Benchmark>) {
    let mut rng = Pcg64::seed_from_u64(seed);
    let shift = Normal::new(0.0, 1.0).unwrap();
    let side = |factor_of: &dyn Fn(usize) -> f64, rng: &mut Pcg64| {
        let common = (0.02 * rng.sample(shift)).exp();
        (0..benchmarks)
            .map(|i| {
                let own = (0.01 * rng.sample(shift)).exp();
                let center = 1000.0 * (1.0 + i as f64) * common * own * factor_of(i);
                run_of(rng, &format!("bench/{i:03}"), center, cv, 30)
            })
            .collect::<Vec<_>>()
    };
    let base = side(&|_| 1.0, &mut rng);
    let head = side(&|i| slower.iter().find(|(j, _)| *j == i).map_or(1.0, |(_, f)| *f), &mut rng);
    (base, head)
}

const SUITE_KPI: &str = "[[kpi]]\nname = \"no regression\"\nsuite = \"s\"\nbench = \"*\"\nstatistic = \"median\"\nmax-regression = \"3%\"\n";

#[test]
fn a_a_suites_of_100_benchmarks_almost_never_fail() {
    let config = config(SUITE_KPI);
    let failed_checks = (0..100)
        .filter(|seed| {
            let (base, head) = simulated_suite(*seed, 100, 0.05, &[]);
            evaluate(&config, &inputs(Some(base), head)).unwrap().verdict == CheckVerdict::Fail
        })
        .count();
    assert!(failed_checks <= 1, "{failed_checks} of 100 A/A checks failed");
}

#[test]
fn a_benchmark_made_10_percent_slower_is_caught_and_named() {
    let config = config(SUITE_KPI);
    let mut caught = 0;
    for seed in 0..100 {
        let (base, head) = simulated_suite(1000 + seed, 20, 0.03, &[(12, 1.10)]);
        let report = evaluate(&config, &inputs(Some(base), head)).unwrap();
        let failed: Vec<&str> = report.kpis[0]
            .comparisons
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .map(|c| c.bench.as_str())
            .collect();
        assert!(failed.iter().all(|b| *b == "bench/012"), "seed {seed}: wrongly failed {failed:?}");
        caught += usize::from(failed == ["bench/012"]);
    }
    assert!(caught >= 90, "caught {caught} of 100");
}

#[test]
fn a_suite_wide_shift_is_reported_not_blamed_on_every_benchmark() {
    let config = config(SUITE_KPI);
    let (base, mut head) = simulated_suite(7, 40, 0.05, &[]);
    for bench in &mut head {
        bench.samples.iter_mut().for_each(|v| *v *= 1.08);
    }
    let report = evaluate(&config, &inputs(Some(base), head)).unwrap();
    assert!(report.kpis[0].comparisons.iter().all(|c| c.verdict != Verdict::Fail));
    assert_eq!(report.kpis[0].verdict, Verdict::Inconclusive);
    assert_eq!(report.verdict, CheckVerdict::Warn);
    assert!(report.notes.iter().any(|n| n.contains("moved +")), "{:?}", report.notes);
}

#[test]
fn without_a_baseline_relative_budgets_say_so_and_absolute_ones_are_judged() {
    let config = config(
        "[[kpi]]\nname = \"fast\"\nsuite = \"s\"\nstatistic = \"p99\"\nmax = \"1ms\"\nmax-regression = \"5%\"\n",
    );
    let mut rng = Pcg64::seed_from_u64(3);
    let head = vec![run_of(&mut rng, "api", 200_000.0, 0.3, 2000)];
    let report = evaluate(&config, &inputs(None, head)).unwrap();
    let comparison = &report.kpis[0].comparisons[0];
    assert_eq!(comparison.verdict, Verdict::NoBaseline);
    assert!(comparison.head_ci.is_some());
    assert_eq!(report.verdict, CheckVerdict::Warn);
    assert!(report.notes[0].contains("No baseline"));
}

#[test]
fn absolute_p99_fails_only_when_its_interval_is_above_the_budget() {
    let mut rng = Pcg64::seed_from_u64(11);
    let head = vec![run_of(&mut rng, "api", 500e6, 0.25, 5000)];
    let p99 = crate::stats::statistic(&head[0].samples, crate::stats::Estimator::Quantile(0.99)).unwrap();
    let judge = |max_ms: f64| {
        let config =
            config(&format!("[[kpi]]\nname = \"p99\"\nsuite = \"s\"\nstatistic = \"p99\"\nmax = \"{max_ms}ms\"\n"));
        let report = evaluate(&config, &inputs(None, head.clone())).unwrap();
        let comparison = report.kpis[0].comparisons[0].clone();
        (comparison.verdict, comparison.head_ci.unwrap())
    };
    let p99_ms = p99 / 1e6;
    let (verdict, [lo, hi]) = judge(p99_ms * 0.9);
    assert_eq!(verdict, Verdict::Fail);
    assert!(lo > p99_ms * 0.9 * 1e6 && lo <= p99 && hi >= p99);
    assert_eq!(judge(p99_ms * 1.1).0, Verdict::Pass);
    assert_eq!(judge(p99_ms).0, Verdict::Inconclusive);
}

#[test]
fn deterministic_counts_are_compared_exactly() {
    let config = config("[[kpi]]\nname = \"queries\"\nsuite = \"s\"\nstatistic = \"mean\"\nmax-regression = \"0%\"\n");
    let count = |value: f64| {
        let mut bench = Benchmark::with_samples("db_queries", "queries", Unit::Count, vec![value]);
        bench.deterministic = true;
        bench
    };
    let judged = |base: f64, head: f64| {
        let report = evaluate(&config, &inputs(Some(vec![count(base)]), vec![count(head)])).unwrap();
        report.kpis[0].comparisons[0].clone()
    };
    let worse = judged(10.0, 11.0);
    assert_eq!(worse.verdict, Verdict::Fail);
    assert_eq!(worse.method_words(), "exact");
    assert_eq!(worse.ci, Some([0.10000000000000009, 0.10000000000000009]));
    assert_eq!(judged(10.0, 10.0).verdict, Verdict::Pass);
    assert_eq!(judged(10.0, 9.0).verdict, Verdict::Improved);
}

/// Counted runs (`measure = "instructions"`), one sample per run, every statistic the count.
fn counted(id: &str, runs: &[f64]) -> Benchmark {
    let mut bench = Benchmark::with_samples(id, "instructions", Unit::Count, runs.to_vec());
    (bench.deterministic, bench.counted) = (true, true);
    bench
}

#[test]
fn counted_runs_are_decided_within_their_spread() {
    let judged = |statistic: &str, base: &[f64], head: &[f64]| {
        let kpi = format!(
            "[[kpi]]\nname = \"instructions\"\nsuite = \"s\"\nmetric = \"instructions\"\n\
             statistic = \"{statistic}\"\nmax-regression = \"1%\"\n"
        );
        let (base, head) = (vec![counted("parse", base)], vec![counted("parse", head)]);
        evaluate(&config(&kpi), &inputs(Some(base), head)).unwrap().kpis[0].comparisons[0].clone()
    };
    // Comment-only: the same counts, decided (pass), whatever the statistic.
    for statistic in ["mean", "median", "min", "p99"] {
        let same = judged(statistic, &[1_000_000.0, 1_000_000.0], &[1_000_000.0, 1_000_040.0]);
        assert_eq!(same.verdict, Verdict::Pass, "{statistic}");
        assert_eq!(same.method_words(), "counted, 2 runs a side");
        assert_eq!(same.head, Some(1_000_020.0));
    }
    // 2 % more instructions: fails, with the change itself.
    let slower = judged("mean", &[1_000_000.0, 1_000_000.0], &[1_020_000.0, 1_020_000.0]);
    assert_eq!(slower.verdict, Verdict::Fail);
    let [low, high] = slower.ci.unwrap();
    assert!(low > 0.0197 && high < 0.0203, "{low} {high}");
    // Runs that scatter by more than the budget leave it open.
    let scattered = judged("mean", &[1_000_000.0, 1_012_000.0], &[1_005_000.0, 1_006_000.0]);
    assert_eq!(scattered.verdict, Verdict::Inconclusive);
}

#[test]
fn min_ratio_judges_throughput_gains() {
    let config = config("[[kpi]]\nname = \"2x writes\"\nsuite = \"s\"\nstatistic = \"throughput\"\nmin-ratio = 2.0\n");
    let mut rng = Pcg64::seed_from_u64(5);
    let with_throughput = |mut bench: Benchmark| {
        bench.throughput = Some(crate::model::Throughput::Elements(100.0));
        bench
    };
    let base = vec![with_throughput(run_of(&mut rng, "write", 10_000.0, 0.03, 50))];
    let doubled = vec![with_throughput(run_of(&mut rng, "write", 4_000.0, 0.03, 50))];
    let same = vec![with_throughput(run_of(&mut rng, "write", 10_000.0, 0.03, 50))];
    let report = evaluate(&config, &inputs(Some(base.clone()), doubled)).unwrap();
    assert_eq!(report.kpis[0].verdict, Verdict::Pass, "{:#?}", report.kpis[0].comparisons);
    assert_eq!(report.kpis[0].comparisons[0].unit, Unit::PerSecond);
    let report = evaluate(&config, &inputs(Some(base), same)).unwrap();
    assert_eq!(report.kpis[0].verdict, Verdict::Fail);
}

#[test]
fn a_budget_in_the_wrong_unit_is_an_error_naming_the_kpi_line() {
    let config = config("[[kpi]]\nname = \"size\"\nsuite = \"s\"\nstatistic = \"mean\"\nmax = \"2MiB\"\n");
    let mut rng = Pcg64::seed_from_u64(1);
    let error = evaluate(&config, &inputs(None, vec![run_of(&mut rng, "x", 10.0, 0.1, 10)])).unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("perf-budget.toml:5: KPI \"size\": max = 2 MiB"), "{text}");
}

#[test]
fn summary_only_inputs_are_compared_as_single_values_with_the_run_noise_prior() {
    let config = config("[[kpi]]\nname = \"k\"\nsuite = \"s\"\nstatistic = \"median\"\nmax-regression = \"5%\"\n");
    let single = |value: f64| {
        let mut bench = Benchmark::with_samples("x", "time", Unit::Ns, Vec::new());
        bench.summary.insert("median".into(), value);
        bench
    };
    let judged = |head: f64| {
        let report = evaluate(&config, &inputs(Some(vec![single(100.0)]), vec![single(head)])).unwrap();
        report.kpis[0].comparisons[0].clone()
    };
    let much_slower = judged(130.0);
    assert_eq!(much_slower.verdict, Verdict::Fail);
    assert_eq!(much_slower.method_words(), "single-value");
    // 6 % slower is within the noise a single run per side cannot exclude.
    assert_eq!(judged(106.0).verdict, Verdict::Inconclusive);
    assert_eq!(judged(100.0).verdict, Verdict::Pass);
}

#[test]
fn warn_level_failures_do_not_fail_the_check() {
    let config =
        config("[[kpi]]\nname = \"k\"\nsuite = \"s\"\nstatistic = \"mean\"\nmax = \"1us\"\nlevel = \"warn\"\n");
    let mut rng = Pcg64::seed_from_u64(2);
    let report = evaluate(&config, &inputs(None, vec![run_of(&mut rng, "x", 10_000.0, 0.01, 30)])).unwrap();
    assert_eq!(report.kpis[0].verdict, Verdict::Fail);
    assert_eq!(report.verdict, CheckVerdict::Warn);
}

#[test]
#[ignore]
fn diagnose_power() {
    let config = config(SUITE_KPI);
    for seed in 0..30 {
        let (base, head) = simulated_suite(1000 + seed, 20, 0.03, &[(12, 1.10)]);
        let report = evaluate(&config, &inputs(Some(base), head)).unwrap();
        let c = report.kpis[0].comparisons.iter().find(|c| c.bench == "bench/012").unwrap();
        let n = report.kpis[0].run_noise.as_ref().unwrap();
        println!(
            "{seed} {:?} change {:.4} ci {:?} p {:.2e} q {:.3} common {:.4} between {:.4}",
            c.verdict,
            c.change.unwrap(),
            c.ci.unwrap(),
            c.p_value.unwrap(),
            c.q_value.unwrap(),
            n.common_shift,
            n.between_sd
        );
    }
}

#[test]
fn comparisons_carry_both_sides_quantiles_for_pictures() {
    let config = config(SUITE_KPI);
    let values = |from: f64| (0..=100).map(|i| from + i as f64).collect::<Vec<f64>>();
    let base = vec![Benchmark::with_samples("b", "time", Unit::Ns, values(1000.0))];
    let head = vec![Benchmark::with_samples("b", "time", Unit::Ns, values(1100.0))];
    let report = evaluate(&config, &inputs(Some(base), head.clone())).unwrap();
    let distribution = report.kpis[0].comparisons[0].distribution.clone().unwrap();
    assert_eq!(distribution.base.len(), Distribution::LEVELS);
    assert_eq!((distribution.base[0], distribution.base[10], distribution.base[20]), (1000.0, 1050.0, 1100.0));
    assert_eq!((distribution.head[1], distribution.head[20]), (1105.0, 1200.0));
    let without_baseline = evaluate(&config, &inputs(None, head)).unwrap();
    let distribution = without_baseline.kpis[0].comparisons[0].distribution.clone().unwrap();
    assert!(distribution.base.is_empty() && distribution.head.len() == Distribution::LEVELS);
}
