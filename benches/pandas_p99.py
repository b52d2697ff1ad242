"""Per-route p99 of a latency CSV with pandas, for the side-by-side figures in
the README: `python3 benches/pandas_p99.py FILE`. Not a test."""
import sys
import time

import pandas as pd

start = time.perf_counter()
frame = pd.read_csv(sys.argv[1], usecols=["method", "route", "status", "latency_ms"])
p99 = frame.groupby(["route", "method", "status"])["latency_ms"].quantile(0.99)
elapsed = time.perf_counter() - start
print(f"pandas: {len(frame)} rows, {len(p99)} groups, {elapsed:.2f} s", file=sys.stderr)
print(p99.to_csv())
