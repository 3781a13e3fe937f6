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
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

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


class AtSplit(cp_model.CpSolverSolutionCallback):
    """Keeps the latest solution found before `split` seconds, and the latest of all, each with its exact cost."""

    def __init__(self, built: BuiltModel, split: float):
        super().__init__()
        self.built, self.split, self.started = built, split, time.perf_counter()
        self.at_split: tuple[list[int], int] | None = None
        self.last: tuple[list[int], int] | None = None

    def on_solution_callback(self) -> None:
        self.last = (list(self.response_proto.solution), self.built.exact_objective(self.value))
        if time.perf_counter() - self.started < self.split:
            self.at_split = self.last


def one_pair(built: BuiltModel, split: float, limit: float, seed: int, workers: int) -> dict[str, Any]:
    load = os.getloadavg()[0]
    seen = AtSplit(built, split)
    solver = cp_model.CpSolver()
    configure_search(solver.parameters, SolveParams(time_limit_seconds=limit, workers=workers, seed=seed))
    solver.solve(built.model, seen)
    row: dict[str, Any] = {"seed": seed, "split": split, "limit": limit, "workers": workers, "load_before": round(load, 2)}
    if seen.at_split is None or seen.last is None:
        return row | {"error": f"no roster before {split:g} s"}
    ours = NeighbourhoodSearch(
        built.model, built.variables, built.exact_objective, built.roster_from, time.monotonic() + limit - split, seed, workers
    )
    ours.offer(*seen.at_split)
    while time.monotonic() < ours.deadline:
        ours.work()
        time.sleep(0.05)
    ours.work(final=True)
    steps = collections.Counter(f"{s.kind} {s.status} {'kept' if s.gain > 0 else 'not kept'}" for s in ours.steps)
    return row | {
        "cp_sat_at_split": seen.at_split[1],
        "cp_sat_at_limit": seen.last[1],
        "ours_at_limit": ours.best.objective if ours.best is not None else seen.at_split[1],
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
