#!/usr/bin/env python3
"""Split the run noise of interleaved A/A rounds into what base and head share
in a round and what each side gets on its own.

Input: a directory laid out as DATA/r<round>/<side>/<benchmark id>/sample.json
(criterion's raw samples of one run), as `record.sh` writes it. Output: one
CSV row per benchmark and statistic (to stdout) and a summary (to stderr).

Per benchmark and statistic s (median or min of criterion's per-iteration
times), y[r, side] = ln s. With d_r = y[r, B] - y[r, A] and
m_r = (y[r, A] + y[r, B]) / 2:
  var(d) / 2      = side^2 + sampling^2
  var(m)          = round^2 + (side^2 + sampling^2) / 2
sampling^2 is the variance of ln s within one run, from a bootstrap of that
run's samples, averaged over runs. Negative variance estimates become 0.

The same runs seen as separate runs (a stored baseline): each run's mean
deviation over all benchmarks is its common shift, the rest of a benchmark's
deviation its own run shift (less its sampling error).
"""
import json
import pathlib
import sys

import numpy as np

rng = np.random.default_rng(7)
STATISTICS = {"median": np.median, "min": np.min}


def per_iteration(path):
    sample = json.loads(path.read_text())
    return np.array(sample["times"]) / np.array(sample["iters"])


def bootstrap_var(values, statistic, resamples=400):
    draws = rng.choice(values, size=(resamples, len(values)), replace=True)
    return np.var(np.log(statistic(draws, axis=1)), ddof=1)


def main(data):
    complete = [r for r in data.glob("r*") if (r / "A").is_dir() and (r / "B").is_dir()]
    rounds = sorted(complete, key=lambda p: int(p.name[1:]))
    ids = sorted(str(p.parent.relative_to(rounds[0] / "A")) for p in (rounds[0] / "A").rglob("sample.json"))
    print("benchmark,statistic,rounds,per_sample_cv,sampling_sd,side_sd,round_sd,whole_run_spread,order_effect")
    summary = {name: [] for name in STATISTICS}
    by_run = {name: [] for name in STATISTICS}
    for bench in ids:
        runs = {(r.name, side): per_iteration(r / side / bench / "sample.json") for r in rounds for side in "AB"}
        cv = np.median([np.median(np.abs(x - np.median(x))) * 1.4826 / np.median(x) for x in runs.values()])
        for name, statistic in STATISTICS.items():
            y = np.array([[np.log(statistic(runs[(r.name, side)])) for side in "AB"] for r in rounds])
            d = y[:, 1] - y[:, 0]
            m = y.mean(axis=1)
            sampling2 = np.mean([bootstrap_var(x, statistic) for x in runs.values()])
            side2 = max(np.var(d, ddof=1) / 2 - sampling2, 0.0)
            round2 = max(np.var(m, ddof=1) - np.var(d, ddof=1) / 4, 0.0)
            # Rounds alternate A-B and B-A: the mean of (second - first) is an order effect.
            second_minus_first = np.array([d[i] if i % 2 == 0 else -d[i] for i in range(len(d))]).mean()
            spread = np.exp(y.max() - y.min()) - 1
            row = (np.sqrt(sampling2), np.sqrt(side2), np.sqrt(round2), spread, second_minus_first)
            summary[name].append(row)
            by_run[name].append((y.flatten(), sampling2))
            print(f"{bench},{name},{len(rounds)},{cv:.4f}," + ",".join(f"{v:.4f}" for v in row))
    for name, columns in by_run.items():
        deviations = np.array([y - y.mean() for y, _ in columns]).T  # runs x benchmarks
        common = deviations.mean(axis=1)
        residual = deviations - common[:, None]
        sampling2 = np.mean([s2 for _, s2 in columns])
        own = np.sqrt(max(np.var(residual, ddof=1) - sampling2, 0.0))
        print(f"{name:6} separate runs: common shift sd {np.std(common, ddof=1):.4f}, "
              f"per-benchmark run shift sd {own:.4f}", file=sys.stderr)
    for name, rows in summary.items():
        rows = np.array(rows)
        for column, label in enumerate(["sampling sd", "per-side sd", "round sd", "whole-run max/min - 1", "order effect"]):
            values = rows[:, column]
            print(f"{name:6} {label:22} median {np.median(values):7.4f}  max {values.max():7.4f}", file=sys.stderr)


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
