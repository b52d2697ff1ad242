//! The published tables: each section runs its simulations and renders markdown.

use super::judge::Judge;
use super::measure::{measure, minimum_detectable_change, Effort, Scenario, Tally, MDE_SEARCH_LIMIT};
use super::noise::{Noise, Shape};
use super::peers::Peer;
use super::simulate::Design;
use super::table::{detectable, percent, Table};

/// perfgate's default: 10 interleaved rounds; criterion's default sample size in each.
pub const PAIRED: Design = Design::Paired { rounds: 10, per_round: 100 };
/// The stored-baseline case: one run of 30 samples per side.
pub const UNPAIRED: Design = Design::Unpaired { samples: 30 };
/// The budget of the headline tables (the default in `perfgate init`'s budget file).
pub const BUDGET: f64 = 0.03;
/// Benchmarks in the suites of the power and MDE measurements (one of them changes).
pub const POWER_SUITE: usize = 20;
/// Power the minimum detectable change is defined by.
pub const MDE_POWER: f64 = 0.9;

/// Repetitions of each measurement.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub aa_reps: usize,
    pub power_reps: usize,
    pub mde_reps: usize,
    pub shape_reps: usize,
}

impl Size {
    pub const FULL: Size = Size { aa_reps: 1000, power_reps: 1000, mde_reps: 200, shape_reps: 500 };
    pub const QUICK: Size = Size { aa_reps: 100, power_reps: 200, mde_reps: 100, shape_reps: 100 };
}

/// The noise each design is simulated with in the headline (the targets).
pub fn default_noise(design: Design) -> Noise {
    match design {
        Design::Paired { .. } => Noise::shared_runner(0.03),
        Design::Unpaired { .. } => Noise::separate_runs(0.03),
    }
}

/// Every rule, perfgate first.
pub fn all_judges(budget: f64) -> Vec<Judge> {
    std::iter::once(Judge::perfgate("median", budget)).chain(Peer::ALL.into_iter().map(Judge::Peer)).collect()
}

fn effort(reps: usize, seed: u64, threads: usize) -> Effort {
    Effort { reps, seed, threads }
}

/// Headline: every rule on the same data, per design.
pub fn headline(design: Design, size: Size, seed: u64, threads: usize) -> String {
    let noise = default_noise(design);
    let judges = all_judges(BUDGET);
    let suite_sizes = [1, 10, 50, 500];
    let aa: Vec<Vec<Tally>> = suite_sizes
        .iter()
        .map(|&benchmarks| {
            let scenario = Scenario { design, noise, benchmarks };
            measure(&scenario, 0.0, effort(size.aa_reps, seed, threads), &judges)
        })
        .collect();
    let power_scenario = Scenario { design, noise, benchmarks: POWER_SUITE };
    let power_effort = effort(size.power_reps, seed + 1, threads);
    let within_budget = measure(&power_scenario, BUDGET * 2.0 / 3.0, power_effort, &judges);
    let twice_budget = measure(&power_scenario, BUDGET * 2.0, power_effort, &judges);
    let mut table = Table::new([
        "rule".to_string(),
        "A/A any fail, 1 bench".into(),
        "10".into(),
        "50".into(),
        "500".into(),
        format!("flags +{:.0} % (within budget)", BUDGET * 200.0 / 3.0),
        format!("power at +{:.0} % (2x budget)", BUDGET * 200.0),
        format!("MDE ({:.0} % power)", MDE_POWER * 100.0),
    ]);
    for (j, judge) in judges.iter().enumerate() {
        let mde =
            minimum_detectable_change(&power_scenario, judge, effort(size.mde_reps, seed + 2, threads), MDE_POWER);
        let mut row = vec![judge.name()];
        row.extend(aa.iter().map(|tallies| percent(tallies[j].any_flag_rate())));
        row.push(percent(within_budget[j].caught_rate()));
        row.push(percent(twice_budget[j].caught_rate()));
        row.push(if within_budget[j].caught_rate().is_some() {
            detectable(mde, MDE_SEARCH_LIMIT)
        } else {
            "n/a".into()
        });
        table.row(row);
    }
    format!(
        "### {} (per-sample CV {:.0} %, {})\n\n{}\n",
        design.describe(),
        noise.sample_cv * 100.0,
        describe_run_noise(&noise),
        table.render()
    )
}

fn describe_run_noise(noise: &Noise) -> String {
    let mut parts = Vec::new();
    if noise.round_shift > 0.0 {
        parts.push(format!("round shifts {:.0} % hitting both sides", noise.round_shift * 100.0));
    }
    if noise.side_shift > 0.0 {
        parts.push(format!("per-side round shifts {:.1} %", noise.side_shift * 100.0));
    }
    if noise.common_run_shift > 0.0 {
        parts.push(format!("common run shift {:.0} %", noise.common_run_shift * 100.0));
    }
    if noise.bench_run_shift > 0.0 {
        parts.push(format!("per-benchmark run shift {:.0} %", noise.bench_run_shift * 100.0));
    }
    parts.join(", ")
}

/// perfgate's power and inconclusive share by budget and true change; the peers' flag rate by change; coverage.
pub fn power_grid(design: Design, size: Size, seed: u64, threads: usize) -> String {
    let noise = default_noise(design);
    let scenario = Scenario { design, noise, benchmarks: POWER_SUITE };
    let budgets = [0.01, 0.03, 0.05];
    let changes = [0.01, 0.02, 0.05, 0.10];
    let mut judges: Vec<Judge> = budgets.iter().map(|&b| Judge::perfgate("median", b)).collect();
    judges.extend(Peer::ALL.into_iter().map(Judge::Peer));
    let by_change: Vec<Vec<Tally>> =
        changes.iter().map(|&c| measure(&scenario, c, effort(size.power_reps, seed + 3, threads), &judges)).collect();
    let mut header = vec!["rule".to_string()];
    header.extend(changes.iter().map(|c| format!("+{:.0} %: caught (inconclusive)", c * 100.0)));
    header.push("interval coverage".into());
    let mut table = Table::new(header);
    for (j, judge) in judges.iter().enumerate() {
        let mut row = vec![judge.name()];
        for tallies in &by_change {
            let tally = &tallies[j];
            row.push(match judge {
                Judge::Perfgate { .. } => {
                    format!("{} ({})", percent(tally.caught_rate()), percent(tally.inconclusive_rate()))
                }
                Judge::Peer(_) => percent(tally.caught_rate()),
            });
        }
        let mut total = Tally::default();
        by_change.iter().for_each(|tallies| total.merge(&tallies[j]));
        row.push(percent(total.coverage()));
        table.row(row);
    }
    format!(
        "### Power, {} ({} benchmarks, one changed; {} checks per cell)\n\n{}\n",
        design.describe(),
        POWER_SUITE,
        size.power_reps,
        table.render()
    )
}

/// Every noise shape: perfgate's false alarms, power, coverage, next to the peers'.
pub fn shapes(design: Design, size: Size, seed: u64, threads: usize) -> String {
    let judges = all_judges(BUDGET);
    let mut header = vec![
        "noise shape".to_string(),
        "perfgate A/A (50 bench)".into(),
        format!("perfgate power +{:.0} %", BUDGET * 200.0),
        "perfgate inconclusive".into(),
        "perfgate coverage".into(),
    ];
    header.extend(Peer::ALL.iter().map(|p| format!("{}: A/A / power", p.short_name())));
    let mut table = Table::new(header);
    for shape in Shape::ALL {
        let noise = default_noise(design).with_shape(shape);
        let aa = measure(
            &Scenario { design, noise, benchmarks: 50 },
            0.0,
            effort(size.shape_reps, seed + 4, threads),
            &judges,
        );
        let power = measure(
            &Scenario { design, noise, benchmarks: POWER_SUITE },
            BUDGET * 2.0,
            effort(size.shape_reps, seed + 5, threads),
            &judges,
        );
        let mut coverage = aa[0].clone();
        coverage.merge(&power[0]);
        let mut row = vec![
            shape.name().to_string(),
            percent(aa[0].any_flag_rate()),
            percent(power[0].caught_rate()),
            percent(power[0].inconclusive_rate()),
            percent(coverage.coverage()),
        ];
        row.extend(
            (1..judges.len())
                .map(|j| format!("{} / {}", percent(aa[j].any_flag_rate()), percent(power[j].caught_rate()))),
        );
        table.row(row);
    }
    format!("### Noise shapes, {} ({} checks per cell)\n\n{}\n", design.describe(), size.shape_reps, table.render())
}

/// perfgate's minimum detectable change at the headline budget, by noise level and sample count.
pub fn mde_by_noise(size: Size, seed: u64, threads: usize) -> String {
    let designs = [
        Design::Paired { rounds: 10, per_round: 10 },
        Design::Paired { rounds: 10, per_round: 100 },
        Design::Paired { rounds: 20, per_round: 10 },
        Design::Unpaired { samples: 10 },
        Design::Unpaired { samples: 30 },
        Design::Unpaired { samples: 100 },
    ];
    let mut header = vec!["per-sample CV".to_string()];
    header.extend(designs.iter().map(|d| d.describe()));
    let mut table = Table::new(header);
    let judge = Judge::perfgate("median", BUDGET);
    for cv in [0.01, 0.03, 0.05, 0.10] {
        let mut row = vec![format!("{:.0} %", cv * 100.0)];
        for &design in &designs {
            let noise = Noise { sample_cv: cv, ..default_noise(design) };
            let scenario = Scenario { design, noise, benchmarks: POWER_SUITE };
            let mde = minimum_detectable_change(&scenario, &judge, effort(size.mde_reps, seed + 6, threads), MDE_POWER);
            row.push(detectable(mde, MDE_SEARCH_LIMIT));
        }
        table.row(row);
    }
    format!(
        "### perfgate's minimum detectable regression ({:.0} % power, budget {:.0} %; run noise as in the headline)\n\n{}\n",
        MDE_POWER * 100.0,
        BUDGET * 100.0,
        table.render()
    )
}

/// The targets, measured on perfgate alone, each with its verdict.
pub fn targets(size: Size, seed: u64, threads: usize) -> String {
    let judge = [Judge::perfgate("median", BUDGET)];
    let run = |design: Design, noise: Noise, benchmarks: usize, change: f64, reps: usize| {
        measure(&Scenario { design, noise, benchmarks }, change, effort(reps, seed + 7, threads), &judge).remove(0)
    };
    let shared = Noise::shared_runner(0.03);
    let separate = Noise::separate_runs(0.03);
    let aa_paired = run(PAIRED, shared, 500, 0.0, size.aa_reps);
    let power_paired = run(PAIRED, shared, POWER_SUITE, 2.0 * BUDGET, size.power_reps);
    let aa_unpaired = run(UNPAIRED, separate, 20, 0.0, size.aa_reps);
    let power_unpaired = run(UNPAIRED, separate, 20, 0.10, size.power_reps);
    let coverage = |tallies: &[&Tally]| {
        let mut total = Tally::default();
        tallies.iter().for_each(|t| total.merge(t));
        total.coverage()
    };
    let coverage_paired = coverage(&[&aa_paired, &power_paired]);
    let coverage_unpaired = coverage(&[&aa_unpaired, &power_unpaired]);
    let mut table = Table::new(["target", "measured", "met"]);
    let mut check = |target: &str, measured: Option<f64>, met: fn(f64) -> bool| {
        let verdict = if measured.is_some_and(met) { "yes" } else { "**no**" };
        table.row(vec![target.to_string(), percent(measured), verdict.to_string()]);
    };
    check(
        "A/A, 500 benchmarks, paired (CV 3 %, round shifts 2 %): checks with any fail <= 1 %",
        aa_paired.any_flag_rate(),
        |r| r <= 0.01,
    );
    check("power at +6 % under a 3 % budget, paired: >= 90 %", power_paired.caught_rate(), |r| r >= 0.90);
    check("interval coverage, paired: 95 % +- 2", coverage_paired, |c| (0.93..=0.97).contains(&c));
    check(
        "A/A, unpaired common-mode case (20 x 30 samples): checks with any fail <= 1 %",
        aa_unpaired.any_flag_rate(),
        |r| r <= 0.01,
    );
    check(
        "one benchmark +10 % under 3 %, unpaired common-mode case: caught >= 90 %",
        power_unpaired.caught_rate(),
        |r| r >= 0.90,
    );
    check("interval coverage, unpaired: 95 % +- 2", coverage_unpaired, |c| (0.93..=0.97).contains(&c));
    format!("### Targets of issue 6 (perfgate, median, default settings)\n\n{}\n", table.render())
}
