"""Our neighbourhoods against CP-SAT's own search over the same seconds, from the same roster.

    python benchmarks/neighbourhoods.py configs/example.yaml --split 40 --limit 60 --seeds 1,2,3
    python benchmarks/neighbourhoods.py benchmarks/results/suite-instances/cl-10w-80.txt --split 40 --limit 60 --seeds 1

One CP-SAT search of the whole model (our search settings, coverage.solve.runner)
runs `--limit` seconds and records the roster it had at `--split`; then our
neighbourhoods (coverage.solve.neighbourhoods) start from that roster, alone,
for the same `--limit - --split` seconds. Both halves are priced exactly
(the roster's own cost). This isolates the question the hand-over asks —
given CP-SAT's roster at some point, who makes more of the time left — from
the rest of a run (first search, polish, stages), which end-to-end runs on a
loaded box bury in noise. A `.txt` path is a Curtois & Qu instance, anything
else a YAML config; the direct model is built either way (no stages).

One JSON line per seed: CP-SAT's cost at the split and at the limit, ours at
the limit, the steps by kind and outcome, and the load average before and after.
Costs are exact (the roster's own); CP-SAT's own objective beside them
(`cp_sat_objective_*`) may carry slack, so CP-SAT's later roster can cost
more than its earlier one (example team: 935,476 at 3.19 s, 1,124,290 at
3.25 s) while its own figure only falls. When no roster came by the split
(a loaded machine), CP-SAT's first is handed over, `handed_at` says when,
and ours gets the seconds CP-SAT had after it; when none came by the limit,
CP-SAT searches on to its first (`cp_sat_seconds`), and ours gets at least
MIN_OURS seconds: a row always compares the two from one roster.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ortools.sat.python import cp_model  # noqa: E402

from coverage.config import Config, load_config  # noqa: E402
from coverage.demand import requirements  # noqa: E402
from coverage.solve.data import ModelData  # noqa: E402
from coverage.solve.model import BuiltModel, build_model  # noqa: E402
from coverage.solve.neighbourhoods import NeighbourhoodSearch  # noqa: E402
from coverage.solve.runner import SolveParams, configure_search  # noqa: E402


def config_of(path: Path) -> Config:
    if path.suffix == ".txt":
        from coverage.read_curtois import read_instance, to_config

        return to_config(read_instance(path))
    return load_config(path)


PAST_LIMIT = 300.0  # seconds CP-SAT may search past --limit for its first roster, at most
MIN_OURS = 1.0  # seconds ours gets at least, when CP-SAT's first roster came at or past the limit


class Found(NamedTuple):
    """One of CP-SAT's solutions: every value, its exact cost, CP-SAT's own objective, and when it came."""

    values: list[int]
    cost: int
    objective: float
    seconds: float


class AtSplit(cp_model.CpSolverSolutionCallback):
    """Keeps the latest solution found before `split` seconds (the first one, when none came by then) and the latest
    of all; past `limit`, stops the search at its first solution (the caller stops it at the limit when it has one)."""

    def __init__(self, built: BuiltModel, split: float, limit: float):
        super().__init__()
        self.built, self.split, self.limit, self.started = built, split, limit, time.perf_counter()
        self.at_split: Found | None = None
        self.last: Found | None = None

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self.started
        self.last = Found(
            list(self.response_proto.solution), self.built.exact_objective(self.value), self.objective_value, elapsed
        )
        if elapsed < self.split or self.at_split is None:
            self.at_split = self.last
        if elapsed >= self.limit:
            self.stop_search()

    def stop_with_roster(self, solver: cp_model.CpSolver) -> None:
        """At the limit: the search stops if it has a roster; otherwise it goes on to its first (on_solution_callback)."""
        if self.last is not None:
            solver.stop_search()


def one_pair(built: BuiltModel, split: float, limit: float, seed: int, workers: int) -> dict[str, Any]:
    load = os.getloadavg()[0]
    seen = AtSplit(built, split, limit)
    solver = cp_model.CpSolver()
    configure_search(solver.parameters, SolveParams(time_limit_seconds=limit, workers=workers, seed=seed))
    solver.parameters.max_time_in_seconds = limit + PAST_LIMIT  # stopped at the limit below, once a roster is in hand
    at_limit = threading.Timer(limit, seen.stop_with_roster, args=(solver,))
    at_limit.start()
    solver.solve(built.model, seen)
    at_limit.cancel()
    cp_sat_seconds = time.perf_counter() - seen.started
    row: dict[str, Any] = {"seed": seed, "split": split, "limit": limit, "workers": workers, "load_before": round(load, 2)}
    if seen.at_split is None or seen.last is None:
        return row | {"error": f"no roster in {cp_sat_seconds:.0f} s"}
    handed = seen.at_split
    ours_seconds = max(limit - max(split, handed.seconds), MIN_OURS)  # the seconds CP-SAT had after the roster handed over
    ours = NeighbourhoodSearch(
        built.model, built.variables, built.exact_objective, built.roster_from, time.monotonic() + ours_seconds, seed, workers
    )
    ours.offer(handed.values, handed.cost)
    while time.monotonic() < ours.deadline:
        ours.work()
        time.sleep(0.05)
    ours.work(final=True)
    steps = collections.Counter(f"{s.kind} {s.status} {'kept' if s.gain > 0 else 'not kept'}" for s in ours.steps)
    return row | {
        "handed_at": round(handed.seconds, 2),
        "cp_sat_seconds": round(cp_sat_seconds, 2),
        "ours_seconds": round(ours_seconds, 2),
        "cp_sat_at_split": handed.cost,
        "cp_sat_at_limit": seen.last.cost,
        "cp_sat_objective_at_split": handed.objective,
        "cp_sat_objective_at_limit": seen.last.objective,
        "ours_at_limit": ours.best.objective if ours.best is not None else handed.cost,
        "steps": dict(steps),
        "load_after": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="a YAML config, or a Curtois & Qu instance (.txt)")
    parser.add_argument("--split", type=float, default=40.0, help="seconds of CP-SAT before the roster is handed over")
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--seeds", type=lambda s: [int(k) for k in s.split(",")], default=[1, 2, 3])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    config = config_of(args.path)
    needs = requirements(config)
    for seed in args.seeds:
        built = build_model(ModelData.of(config, needs))  # afresh per seed: nothing carried over
        row = one_pair(built, args.split, args.limit, seed, args.workers)
        print(json.dumps({"stage": "neighbourhoods", "instance": args.path.name} | row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
