"""The staged solve's site stage one site after another, then the sites as tasks of a local Dask cluster: the speed-up, in one run.

    python benchmarks/sites.py                                   # 1,000 agents, 6 sites, 4 weeks, 120 s
    python benchmarks/sites.py --agents 60 --sites 3 --days 7 --time-limit 10 --workers 2   # the smoke test's size

Both runs go through `coverage.solve.staged.staged_start`, the path `plan`
takes on a big team: the headcounts, then each site's assignment. The first
run gives the sites to the search in turn (2 CP-SAT threads each, what `plan`
does on 2 cores); the second hands them to a `LocalCluster` of `--workers`
processes with one thread each, through the same executor seam `covplan
sweep --cluster` uses (`SitePool`). Each site's line says when it ended;
the last line is JSON: the site stage's seconds both ways, the ratio, each
site's end, the staged cost both ways and the machine's load.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coverage.config import load_config  # noqa: E402
from coverage.demand import requirements  # noqa: E402
from coverage.solve import SolveParams  # noqa: E402
from coverage.solve.staged import SitePool, staged_start  # noqa: E402
from coverage.synthetic import write_team  # noqa: E402

LINE = re.compile(r"^\s*(?P<what>headcounts|site \S+):.*, (?P<seconds>[\d.]+)s$")


class StampedLines(io.StringIO):
    """The stage lines with the moment each was written: the lines print tenths of a second, and a 60-agent site stage
    can end within one tenth of the headcounts, which would read as a stage of 0 s."""

    def __init__(self) -> None:
        super().__init__()
        self.stamps: list[tuple[float, str]] = []

    def write(self, text: str) -> int:
        now = time.perf_counter()
        self.stamps.extend((now, line) for line in text.splitlines() if line.strip())
        return super().write(text)


def timed_stages(config: Any, needs: Any, params: SolveParams, pool: SitePool | None) -> dict[str, Any]:
    """One staged start: when the headcounts and each site ended (seconds from the start), and the staged roster's cost."""
    lines = StampedLines()
    started = time.perf_counter()
    start = staged_start(
        config, needs, SolveParams(params.time_limit_seconds, params.seed, params.workers, progress=lines), pool=pool
    )
    ends = {m["what"]: round(at - started, 3) for at, line in lines.stamps if (m := LINE.match(line))}
    headcounts = ends.pop("headcounts", None)
    last = max(ends.values(), default=None)
    return {
        "headcounts_end": headcounts,
        "site_ends": ends,
        "site_stage_seconds": None if last is None or headcounts is None else round(last - headcounts, 3),
        "roster": start.roster is not None,
        "bound": start.bound,
        "seconds": round(time.perf_counter() - started, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=6)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--time-limit", type=float, default=120.0, help="the whole solve's; the stages take their shares of it")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes (one thread each)")
    args = parser.parse_args(argv)
    from dask.distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(write_team(Path(tmp), args.agents, args.sites, date(2026, 3, 2), args.days))
        needs = requirements(config)
        params = SolveParams(time_limit_seconds=args.time_limit, seed=1, workers=2)
        load = [round(os.getloadavg()[0], 2)]
        in_turn = timed_stages(config, needs, params, None)
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True) as cluster, Client(cluster) as client:
            pool = SitePool(client.get_executor(pure=False), at_once=args.workers, threads=1)
            side_by_side = timed_stages(config, needs, params, pool)
        load.append(round(os.getloadavg()[0], 2))
    a, b = in_turn["site_stage_seconds"], side_by_side["site_stage_seconds"]
    ratio = None if not a or not b else round(a / b, 2)
    print(f"site stage: in turn {a} s, {args.workers} Dask workers {b} s: ×{ratio}", file=sys.stderr)
    print(
        json.dumps(
            {
                "benchmark": "sites",
                "agents": args.agents,
                "sites": args.sites,
                "days": args.days,
                "time_limit": args.time_limit,
                "dask_workers": args.workers,
                "in_turn": in_turn,
                "cluster": side_by_side,
                "speedup": ratio,
                "cores": os.cpu_count(),
                "load": load,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
