"""The generator's time, side by side in one run: the cooldown filter vectorised (what
the generator uses) against the same rule touch by touch (the spec), each run on the
same dataset, alternated, medians printed with their ratio; the tables are checked
equal. `--only-vectorised` times just the generator as shipped (size L: the loop would
take too long).

    .venv/bin/python scripts/bench_generator.py --users 50000 --days 365 --runs 3
    .venv/bin/python scripts/bench_generator.py --users 1000000 --days 1095 --runs 1 \
        --only-vectorised
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from activity_metrics import generator
from activity_metrics.generator import GeneratorConfig, cooldown_one_by_one, generate


def timed_generate(config: GeneratorConfig, one_by_one: bool) -> tuple[float, dict]:
    vectorised = generator._outside_cooldown
    if one_by_one:
        generator._outside_cooldown = cooldown_one_by_one
    try:
        started = time.perf_counter()
        tables = generate(config)
        return time.perf_counter() - started, tables
    finally:
        generator._outside_cooldown = vectorised


def touches(tables: dict) -> tuple[np.ndarray, np.ndarray]:
    log = tables["activity_touches"]
    return log["user_id"][0], log["touched_at"][0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only-vectorised", action="store_true")
    args = parser.parse_args()
    config = GeneratorConfig(users=args.users, days=args.days, seed=args.seed)
    kinds = ["vectorised"] if args.only_vectorised else ["vectorised", "one by one"]
    seconds: dict[str, list[float]] = {kind: [] for kind in kinds}
    for run in range(args.runs):
        results = {}
        for kind in kinds if run % 2 == 0 else kinds[::-1]:
            elapsed, tables = timed_generate(config, kind == "one by one")
            seconds[kind].append(elapsed)
            results[kind] = touches(tables)
            rows = sum(len(next(iter(t.values()))[0]) for t in tables.values())
            print(f"  run {run + 1} {kind}: {elapsed:.1f} s ({rows:,} rows)", flush=True)
        if len(results) == 2:
            (u1, t1), (u2, t2) = results.values()
            if not (np.array_equal(u1, u2) and np.array_equal(t1, t2)):
                print("the two filters wrote different touch logs")
                return 1
    medians = {kind: statistics.median(values) for kind, values in seconds.items()}
    print(f"\n{args.users:,} users x {args.days} days, medians of {args.runs}:")
    for kind, median in medians.items():
        print(f"  {kind:<11} {median:8.1f} s")
    if len(medians) == 2:
        print(f"  one by one / vectorised: {medians['one by one'] / medians['vectorised']:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
