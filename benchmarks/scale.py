"""Time to first roster, time to within 1 % of the bound, and peak memory for one team.

    python benchmarks/scale.py --agents 100 --sites 6 --days 28 --interval 60 --time-limit 60
    python benchmarks/scale.py --config configs/example.yaml --time-limit 30

Without --config a synthetic team is generated (coverage.synthetic.write_team:
N agents over K sites in different zones, chat + email forecasts with a weekly
shape) into a temporary directory. The team goes through the same public API
as `covplan plan`: load_config, requirements, solve. Run one team per process:
peak memory (ru_maxrss) is the whole process's. The time to within 1 % is read
from the solver's progress line, which is printed at most every 2 s, so it is
accurate to about 2 s. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from curtois import with_parameters  # noqa: E402

from coverage.config import load_config  # noqa: E402
from coverage.demand import requirements  # noqa: E402
from coverage.solve import ModelInputs, SolveParams, solve  # noqa: E402
from coverage.synthetic import write_team  # noqa: E402

PROGRESS = re.compile(r"^\s*([\d.]+)s\s+objective\s+([\d,.-]+)\s+bound\s+([\d,.-]+|-inf)\s+gap\s+([\d.]+)%")


class ProgressLog(io.TextIOBase):
    """Receives the solver's progress lines and remembers when the gap first reached 1 %."""

    def __init__(self) -> None:
        self.within_1pct: float | None = None
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        for line in text.splitlines():
            match = PROGRESS.match(line)
            if match:
                self.lines.append(line.strip())
                if self.within_1pct is None and float(match.group(4)) <= 1.0:
                    self.within_1pct = float(match.group(1))
        return len(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path)
    parser.add_argument("--label")
    parser.add_argument("--agents", type=int, default=25)
    parser.add_argument("--sites", type=int, default=3)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--interval", type=int, default=60, choices=(60, 30, 15))
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 3, 2), help="a Monday")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="extra CP-SAT parameter (repeatable)")
    args = parser.parse_args(argv)
    with_parameters(args.param)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = args.config or write_team(Path(tmp), args.agents, args.sites, args.start, args.days, args.interval)
        started = time.perf_counter()
        config = load_config(path)
        req = requirements(config)
        demand_seconds = time.perf_counter() - started
        log = ProgressLog()
        result = solve(
            config,
            req,
            ModelInputs(explain=False),
            SolveParams(time_limit_seconds=args.time_limit, workers=args.workers, seed=args.seed, progress=log),
        )
    total = time.perf_counter() - started
    within = log.within_1pct
    if within is None and result.gap is not None and result.gap <= 0.01:
        within = result.wall_seconds  # reached at the end, between two progress lines
    row: dict[str, Any] = {
        "label": args.label or f"{len(config.agents)} agents, {len(config.sites)} sites",
        "agents": len(config.agents),
        "sites": len(config.sites),
        "days": config.plan.days,
        "interval": config.plan.interval_minutes,
        "time_limit": args.time_limit,
        "workers": args.workers,
        "status": result.status,
        "objective": result.objective,
        "bound": result.best_bound,
        "gap": None if result.gap is None else round(result.gap, 4),
        "first_roster_seconds": None
        if result.first_solution_seconds is None
        else round(demand_seconds + result.first_solution_seconds, 2),
        "within_1pct_seconds": None if within is None else round(demand_seconds + within, 2),
        "seconds": round(total, 2),
        "demand_seconds": round(demand_seconds, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
