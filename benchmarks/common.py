"""What the bench scripts share: the published Curtois optima, the peers' arguments and JSON row, a previous period written by hand."""

from __future__ import annotations

import argparse
import os
import resource
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from coverage.config import Config

# Proven optima (lower bound = upper bound) of instances 1-12, from the benchmark's published table.
BEST_KNOWN = {
    "Instance1": 607,
    "Instance2": 828,
    "Instance3": 1001,
    "Instance4": 1716,
    "Instance5": 1143,
    "Instance6": 1950,
    "Instance7": 1056,
    "Instance8": 1300,
    "Instance9": 439,
    "Instance10": 4631,
    "Instance11": 3443,
    "Instance12": 4040,
}


def finish_row(row: dict[str, Any], *, model: str, time_limit: float, workers: int, load_before: float) -> dict[str, Any]:
    """Add the best-known value, the gap to it, the run's settings and the load average before and after."""
    best = BEST_KNOWN.get(row["instance"])
    row["best_known"] = best
    if best is not None and row.get("objective") is not None:
        row["gap_to_best_known"] = round((row["objective"] - best) / best, 4)
    row.update(time_limit=time_limit, workers=workers, model=model, load=[round(load_before, 2), round(os.getloadavg()[0], 2)])
    return row


def add_search_switches(parser: argparse.ArgumentParser) -> None:
    """`--neighbourhoods on|off` and `--rolling-start on|off`: our search's optional parts, as every benchmark of ours names them."""
    parser.add_argument(
        "--neighbourhoods",
        choices=("on", "off"),
        help="our own neighbourhoods after CP-SAT's search (default: the solver's choice)",
    )
    parser.add_argument(
        "--rolling-start",
        choices=("on", "off"),
        help="the rolling start: each week re-solved in turn from CP-SAT's first roster (default: the solver's choice)",
    )


def switch(choice: str | None) -> bool | None:
    """A switch's `on|off` as its SolveParams field (None: not given, the solver decides)."""
    return None if choice is None else choice == "on"


def peer_arguments(description: str, argv: list[str] | None = None) -> argparse.Namespace:
    """The peers' command line, the same as ours so one run compares like with like."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("instance", type=Path)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--milestones",
        type=lambda s: [float(p) for p in s.split(",") if p],
        default=[],
        metavar="S,S",
        help="also report the objective reached S seconds into the run",
    )
    return parser.parse_args(argv)


def hand_roster(config: Config, path: Path, first: date, days: int) -> Path:
    """A previous period's roster written by hand: runs that end on its last days, so rest, runs and weekends carry over.

    Agent k: every third one works its last 6 days (day shift), one in three
    Monday to Friday of the last week (early), the rest its last 4 days (late,
    ending Sunday evening: too close to a Monday early).
    """
    lines = ["agent,shift,date,channel"]
    last = first + timedelta(days=days - 1)
    for k, agent in enumerate(config.agents):
        if k % 3 == 0:
            dates, shift = [last - timedelta(days=j) for j in range(6)], "day"
        elif k % 3 == 1:
            dates, shift = [last - timedelta(days=j) for j in range(2, 7)], "early"
        else:
            dates, shift = [last - timedelta(days=j) for j in range(4)], "late"
        lines += [f"{agent.id},{shift},{d},{agent.skills[0]}" for d in sorted(dates)]
    path.write_text("\n".join(lines) + "\n")
    return path


def others_cpu() -> tuple[float, float, float]:
    """Wall clock, CPU seconds the whole machine has spent busy, and CPU seconds of our finished children.

    Two readings around a run give what *other* processes took meanwhile
    (busy − ours): the load average cannot, since our own run (2 workers,
    4 threads) lifts it as much as a stranger does.
    """
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    busy = (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.monotonic(), busy, children.ru_utime + children.ru_stime


def others_cores(before: tuple[float, float, float], after: tuple[float, float, float]) -> float:
    """Cores' worth of CPU that processes other than ours used between two `others_cpu` readings."""
    wall = max(after[0] - before[0], 1e-9)
    return max(0.0, (after[1] - before[1]) - (after[2] - before[2])) / wall
