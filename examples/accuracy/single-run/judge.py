"""Single-run A/A checks on the recorded runs: base and head each one criterion run, median, file baseline.

    python3 judge.py PERFGATE RUNS [CALIBRATION]

RUNS is record.sh's OUT; CALIBRATION a file of `perfgate calibrate --record` on the lab crate
(with `short-rounds = false`, so that it measures runs like the recorded ones).
"""
import json, os, subprocess, sys, tempfile, collections
perfgate = sys.argv[1]
runs = os.path.realpath(sys.argv[2])
CAL = os.path.realpath(sys.argv[3]) if len(sys.argv) > 3 else None
benches = ["sum_vec", "adler", "fib", "sort", "parse", "count"]
def check(base, head, per_bench):
    with tempfile.TemporaryDirectory() as d:
        text = (f'[gate]\ncalibration = "{CAL}"\n\n' if CAL else '') + f'[baseline]\nsource = "file"\nconfirm = false\n\n[[suite]]\nname = "lab"\nformat = "criterion"\ninput = "{runs}/{head}/target/criterion"\nbaseline = "{runs}/{base}/target/criterion"\n'
        kpis = benches if per_bench else ["*"]
        for b in kpis:
            text += f'\n[[kpi]]\nname = "{b}"\nsuite = "lab"\nbench = "{b}"\nstatistic = "median"\nmax-regression = "3%"\n'
        open(f"{d}/perf-budget.toml", "w").write(text)
        out = subprocess.run([perfgate, "check", "--config", f"{d}/perf-budget.toml", "--format", "json"], capture_output=True, text=True)
        report = json.loads(out.stdout)
        return out.returncode, [(c["bench"], c["verdict"], c["change"], c.get("disturbed"), c["reason"]) for k in report["kpis"] for c in k["comparisons"]]
ids = sorted({n.split("-")[1] for n in os.listdir(runs) if n.startswith("busy-")})
for per_bench in (False, True):
    label = "one KPI per benchmark (run-noise prior)" if per_bench else "one KPI over the suite (suite-relative noise)"
    counts = collections.Counter(); failing = []
    pairs = [(f"quiet-{i}", f"busy-{i}") for i in ids] + [(f"busy-{i}", f"quiet-{j}") for i, j in zip(ids, ids[1:] + ids[:1])] + [(f"quiet-{i}", f"quiet-{j}") for i, j in zip(ids, ids[1:] + ids[:1])]
    for base, head in pairs:
        code, comps = check(base, head, per_bench)
        kind = ("quiet→busy" if head.startswith("busy") else "busy→quiet" if base.startswith("busy") else "quiet→quiet")
        counts[(kind, "checks")] += 1
        if code == 1:
            counts[(kind, "failed checks")] += 1
            failing.append((base, head, [c for c in comps if c[1] == "fail"]))
        for c in comps:
            counts[(kind, c[1])] += 1
            if c[3]: counts[(kind, f"disturbed {c[3]}")] += 1
    print(label)
    for k in sorted(counts): print("  ", k, counts[k])
    for f in failing: print("   FAILED", f)
    slow = [(f"quiet-{i}", f"slow-{i}") for i in ids if os.path.exists(f"{runs}/slow-{i}")]
    caught = collections.Counter()
    for base, head in slow:
        code, comps = check(base, head, per_bench)
        caught["checks failing"] += code == 1
        for c in comps: caught[c[1]] += 1
    print("   10 % slower head (quiet):", dict(caught), "of", len(slow), "checks x 6 benchmarks")
