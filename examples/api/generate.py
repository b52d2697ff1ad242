#!/usr/bin/env python3
"""Example latency exports of an API load test, for perfgate's README.

Regenerate (deterministic, standard library only):

    python3 examples/api/generate.py

writes examples/api/base.csv and examples/api/head.csv: 20 000 requests each,
columns timestamp (epoch ms), method, route, status, latency_ms. Latencies are
log-normal with a slow tail; about 0.3 % of requests fail (5xx, or ERR for a
connection error). In head, GET /api/orders/{id} regressed: its p99 is above
1 s while every other route is unchanged and stays below 1 s.
"""

import csv
import math
import random
from pathlib import Path

ROWS = 20_000
START_MS = 1_718_000_000_000
ERROR_RATE = 0.003
HERE = Path(__file__).resolve().parent

# method, route, share of traffic, median ms, log-sd, tail share, tail factor
BASE_ROUTES = [
    ("GET", "/api/users", 0.40, 42.0, 0.45, 0.010, 3.0),
    ("GET", "/api/orders/{id}", 0.30, 75.0, 0.50, 0.010, 3.0),
    ("POST", "/api/orders", 0.15, 130.0, 0.40, 0.010, 2.5),
    ("GET", "/health", 0.15, 2.0, 0.30, 0.005, 4.0),
]
# The regression: an N+1 query makes order lookups slower and their tail much longer.
HEAD_ROUTES = [
    (m, r, share, 190.0, 0.70, 0.03, 4.0) if r == "/api/orders/{id}" else (m, r, share, med, sd, tail, factor)
    for (m, r, share, med, sd, tail, factor) in BASE_ROUTES
]


def latency_ms(rng, median, sd, tail_share, tail_factor):
    value = rng.lognormvariate(math.log(median), sd)
    if rng.random() < tail_share:
        value *= tail_factor * rng.uniform(0.8, 1.5)
    return value


def status_of(rng, method):
    if rng.random() < ERROR_RATE:
        return rng.choice(["500", "502", "503", "503", "ERR"])
    return "201" if method == "POST" else "200"


def write_export(path, routes, seed):
    rng = random.Random(seed)
    weights = [share for (_, _, share, *_rest) in routes]
    latencies = {}
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["timestamp", "method", "route", "status", "latency_ms"])
        timestamp = START_MS
        for _ in range(ROWS):
            method, route, _share, median, sd, tail, factor = rng.choices(routes, weights)[0]
            status = status_of(rng, method)
            value = latency_ms(rng, median, sd, tail, factor)
            if status == "ERR":
                value = rng.uniform(5_000, 10_000)  # client-side timeout
            elif status != "200" and status != "201":
                value = rng.uniform(1.0, 20.0)  # fast failure from the gateway
            timestamp += rng.randint(1, 6)
            writer.writerow([timestamp, method, route, status, f"{value:.3f}"])
            latencies.setdefault(f"{method} {route}", []).append(value)
    return latencies


def p99(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]


def main():
    for name, routes, seed in [("base", BASE_ROUTES, 20240601), ("head", HEAD_ROUTES, 20240602)]:
        latencies = write_export(HERE / f"{name}.csv", routes, seed)
        summary = ", ".join(f"{route} p99={p99(v):.0f}ms" for route, v in sorted(latencies.items()))
        print(f"{name}.csv: {summary}")


if __name__ == "__main__":
    main()
