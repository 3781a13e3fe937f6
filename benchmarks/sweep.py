"""A what-if sweep's plans one after another in this process, then on a local 2-worker Dask cluster: the speed-up, in one run.

    python benchmarks/sweep.py                       # the 12 scenarios of configs/nine-to-five-scenarios.yaml, 10 s each
    python benchmarks/sweep.py --count 3 --time-limit 1 --days 7     # the smoke test's size

Each scenario is the same task `covplan sweep` sends (coverage.sweep.plan_task):
its config and requirements go to the worker, which builds and searches its
own CP-SAT model with one thread, deterministically — so both runs find the
same rosters, which the script checks. What is timed is the planning (search,
coverage, summary); the cluster's start is timed apart, and writing each
scenario's report (in the sweep's own process either way) is left out. The
last line is JSON: both times, the ratio, the per-scenario seconds, the
machine's cores and load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from coverage.executor import run_tasks
from coverage.scenarios import load_scenarios
from coverage.solve import SolveParams
from coverage.sweep import plan_task

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "nine-to-five.yaml")
    parser.add_argument("--scenarios", type=Path, default=ROOT / "configs" / "nine-to-five-scenarios.yaml")
    parser.add_argument("--count", type=int, default=12, help="the first N scenarios (baseline included)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="deterministic seconds per scenario")
    parser.add_argument("--days", type=int, help="shorten the rota period (the smoke test: 7)")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers of the local cluster, one thread each")
    args = parser.parse_args(argv)

    config = _shortened(args.config, args.days) if args.days else args.config
    plans = load_scenarios(config, args.scenarios)[: args.count]
    params = SolveParams(time_limit_seconds=args.time_limit, workers=1, deterministic=True)
    jobs = [(p, params) for p in plans]
    load_before = os.getloadavg()[0]

    started = time.perf_counter()
    alone = [plan_task(job) for job in jobs]
    sequential = time.perf_counter() - started

    from distributed import Client, LocalCluster

    started = time.perf_counter()
    with (
        LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        cluster_start = time.perf_counter() - started
        started = time.perf_counter()
        batch = run_tasks(client.get_executor(pure=False), plan_task, jobs)
        on_cluster = time.perf_counter() - started
    swept = [answer for answer in batch.results if answer is not None]

    same = all(_assignments(a[0]) == _assignments(b[0]) for a, b in zip(alone, swept)) and len(swept) == len(alone)
    print(f"{'scenario':<22} {'alone s':>8} {'cluster s':>9} {'uncovered':>9}")
    for plan, (mine, seconds), (_, remote_seconds) in zip(plans, alone, swept):
        uncovered = mine.summary.views[plan.config.view_zones[0]].uncovered_hours if mine.summary else None
        print(f"{plan.name:<22} {seconds:>8.2f} {remote_seconds:>9.2f} {uncovered!s:>9}")
    print(
        f"sequential {sequential:.1f} s, cluster of {args.workers} {on_cluster:.1f} s (+{cluster_start:.1f} s to start): "
        f"×{sequential / on_cluster:.2f}; same rosters: {same}"
    )
    row = {
        "benchmark": "sweep",
        "config": str(args.config.name),
        "scenarios": len(plans),
        "time_limit": args.time_limit,
        "days": args.days,
        "dask_workers": args.workers,
        "sequential_seconds": round(sequential, 4),
        "cluster_seconds": round(on_cluster, 4),
        "cluster_start_seconds": round(cluster_start, 2),
        "speedup": round(sequential / on_cluster, 3),
        "same_rosters": same,
        "per_scenario": {p.name: [a[1], b[1]] for p, a, b in zip(plans, alone, swept)},
        "cores": os.cpu_count(),
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    print(json.dumps(row))
    return 0 if same else 1


def _assignments(result) -> set[tuple]:
    return {(a.agent, a.shift, a.day, a.channel) for a in result.roster.assignments} if result.roster else set()


def _shortened(config: Path, days: int) -> Path:
    """A copy of the config over `days` days, beside a copy of its forecast (the smoke test's small case)."""
    import re

    folder = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    text = re.sub(r"(?m)^(\s*days:)\s*\d+", rf"\1 {days}", config.read_text(encoding="utf-8"), count=1)
    for line in text.splitlines():
        match = re.match(r"\s*file:\s*(\S+)", line)
        if match:
            (folder / match[1]).write_bytes((config.parent / match[1]).read_bytes())
    copy = folder / config.name
    copy.write_text(text, encoding="utf-8")
    return copy


if __name__ == "__main__":
    sys.exit(main())
