"""What judging email by its deadline costs the search: the queue model against the old smoothed requirement.

    python benchmarks/backlog.py --config configs/example.yaml --time-limit 30 --seeds 1,2,3
    python benchmarks/backlog.py --agents 100 --sites 6 --time-limit 60 --seeds 1,2,3

Until issue 23 a backlog channel (email) was a per-interval requirement:
each interval's work spread evenly up to its deadline (the "pace"), staffed
like chat. Now it is a first-come-first-served queue priced by the
contact-hours it runs late (coverage.queue). The two models price different
things, so "equal quality" is each model's own: the time each takes to come
within 1 % of its own bound, and its gap at the time limit. Both run on the
same team, seeds and workers, taking turns (queue first for odd seeds,
smoothed first for even ones) so machine load falls on both alike. The old
model is rebuilt exactly: the pace as the requirement, no queue.

Last line: one JSON object with every run and the median and worst of the
ratio queue / smoothed of the time to within 1 %.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import ProgressLog  # noqa: E402

from coverage.config import load_config  # noqa: E402
from coverage.demand import Requirements, requirements  # noqa: E402
from coverage.solve import SolveOptions, solve  # noqa: E402
from coverage.synthetic import write_team  # noqa: E402


def smoothed(needs: Requirements) -> Requirements:
    """The model before issue 23: each backlog channel's pace as its per-interval requirement, no queue."""
    required = {channel: list(needs.backlog[channel].pace) if channel in needs.backlog else values
                for channel, values in needs.required.items()}
    return replace(needs, required=required, backlog={})


def one_run(config: Any, needs: Requirements, model: str, seed: int, args: argparse.Namespace) -> dict[str, Any]:
    log = ProgressLog()
    chosen = needs if model == "queue" else smoothed(needs)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    result = solve(config, chosen, SolveOptions(time_limit_seconds=args.time_limit, workers=args.workers, seed=seed, progress=log))
    within = log.within_1pct
    if within is None and result.gap is not None and result.gap <= 0.01:
        within = result.wall_seconds
    return {"model": model, "seed": seed, "status": result.status, "objective": result.objective, "bound": result.best_bound,
            "gap": None if result.gap is None else round(result.gap, 4), "within_1pct_seconds": None if within is None else round(within, 2),
            "first_roster_seconds": None if result.first_solution_seconds is None else round(result.first_solution_seconds, 2),
            "seconds": round(time.perf_counter() - started, 2), "load": round(load, 2)}


def ratios(runs: list[dict[str, Any]], limit: float) -> list[float]:
    """Per seed, the queue model's time to within 1 % over the smoothed model's (the limit where one never got there)."""
    found = []
    for seed in sorted({r["seed"] for r in runs}):
        pair = {r["model"]: r["within_1pct_seconds"] or limit for r in runs if r["seed"] == seed}
        found.append(round(pair["queue"] / pair["smoothed"], 3))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path)
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--sites", type=int, default=6)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=lambda s: [int(k) for k in s.split(",")], default=[1, 2, 3])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.config or write_team(Path(tmp), args.agents, args.sites, date(2026, 3, 2), args.days)
        config = load_config(path)
        needs = requirements(config)
        runs = []
        for seed in args.seeds:
            for model in (("queue", "smoothed") if seed % 2 else ("smoothed", "queue")):
                runs.append(one_run(config, needs, model, seed, args))
                print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    found = ratios(runs, args.time_limit)
    label = args.config.name if args.config else f"{args.agents} agents, {args.sites} sites"
    print(json.dumps({"stage": "backlog", "label": label, "time_limit": args.time_limit, "workers": args.workers, "runs": runs,
                      "ratio_median": statistics.median(found), "ratio_worst": max(found), "ratios": found}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
