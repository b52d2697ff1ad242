#!/usr/bin/env python3
"""Residual spread of instruction counts: every benchmark of a criterion bench binary counted
REPS times under Callgrind (ASLR off unless --aslr), per-iteration instructions as the least-squares slope of the
per-call dumps over sample.json's iterations (an implementation independent of perfgate's)."""
import glob, json, os, re, subprocess, sys

# spread.py BIN REPS OUT [--aslr]: counts.json and one line per benchmark (counts, spread) on stdout.
binary, reps, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
COUNT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "count.sh")
ASLR = "--aslr" in sys.argv[4:]
names = [l[:-len(": bench")] for l in subprocess.run([binary, "--bench", "--list"], capture_output=True, text=True).stdout.splitlines() if l.endswith(": bench")]

def per_iteration(folder):
    dumps = sorted(glob.glob(f"{folder}/callgrind.out.*"), key=lambda p: int(p.rsplit(".", 1)[1]))
    counts = [int(re.search(r"^totals: (\d+)", open(p).read(), re.M).group(1)) for p in dumps]
    sample = glob.glob(f"{folder}/criterion/**/new/sample.json", recursive=True)[0]
    iters = json.load(open(sample))["iters"][:-1]
    ys = counts[-len(iters):]
    n = len(iters); mx = sum(iters) / n; my = sum(ys) / n
    var = sum((x - mx) ** 2 for x in iters)
    if var == 0:
        return sum(y / x for x, y in zip(iters, ys)) / n
    return sum((x - mx) * (y - my) for x, y in zip(iters, ys)) / var

results = {}
for rep in range(reps):
    for name in names:
        folder = f"{out}/{rep}/{re.sub('[^A-Za-z0-9]+', '_', name)}"
        subprocess.run([COUNT, binary, re.escape(name), folder], check=False, env={**os.environ, "ASLR": "on" if ASLR else "off"})
        try:
            results.setdefault(name, []).append(per_iteration(folder))
        except Exception as e:
            results.setdefault(name, []).append(None)
            print(f"{name}: {e}", file=sys.stderr)
    json.dump(results, open(f"{out}/counts.json", "w"), indent=1)
for name, counts in results.items():
    ok = [c for c in counts if c]
    spread = (max(ok) - min(ok)) / min(ok) if len(ok) > 1 else float("nan")
    print(f"{name}\t{' '.join(f'{c:.1f}' for c in ok)}\t{spread*100:.4f}%")
