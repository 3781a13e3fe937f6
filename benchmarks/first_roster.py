"""How soon the staged path has its first headcounts and its first roster, on the suite's teams.

    python benchmarks/first_roster.py headcounts team-1000-4w --time-limit 60 [--seed 1]   # each headcount solution: time, cost
    python benchmarks/first_roster.py stages team-1000-4w --time-limit 120 [--seed 1]      # a full solve, its stage lines and first roster

One JSON line on stdout per run (the load average before and after in it);
the stage lines go to stderr as `covplan plan` prints them. The suite's own
rows (`suite.py run`) measure the same first roster; this script shows where
the time before it goes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from suite import Team, by_name, team_config  # noqa: E402


def headcount_run(instance: Team, seed: int, time_limit: float, workers: int, greedy: bool) -> dict[str, Any]:
    """The headcount model alone, as the staged path searches it (`greedy`: from the greedy's counts); every solution on the way."""
    from ortools.sat.python import cp_model

    from coverage.config import load_config
    from coverage.demand import requirements
    from coverage.roster import read_history
    from coverage.solve import first_counts, staged
    from coverage.solve.aggregate import headcount_model
    from coverage.solve.runner import SolveParams

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(team_config(instance, Path(tmp)))
        needs = requirements(config)
        started = time.perf_counter()
        model = headcount_model(config, needs, history=read_history(config))
        built = time.perf_counter() - started
        greedy_cost = None
        if greedy:
            found = first_counts.start(model, first_counts.greedy_counts(model))
            greedy_cost = None if found is None else found.objective_value
        greedy_seconds = time.perf_counter() - started - built
        params = SolveParams(time_limit_seconds=time_limit, seed=seed, workers=workers)
        start_of_search = time.perf_counter()
        seen: list[tuple[float, float, float]] = []

        class Log(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                seen.append((round(time.perf_counter() - start_of_search, 2), self.objective_value, self.best_objective_bound))

        solver = cp_model.CpSolver()
        staged.headcount_search(solver.parameters, params)
        code = solver.solve(model.model, Log())
    return {
        "instance": instance.name,
        "seed": seed,
        "time_limit": time_limit,
        "build_seconds": round(built, 2),
        "greedy_seconds": round(greedy_seconds, 2) if greedy else None,
        "greedy_cost": greedy_cost,
        "status": solver.status_name(code),
        "bound": solver.best_objective_bound,
        "solutions": seen,
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def stages_run(instance: Team, seed: int, time_limit: float, workers: int) -> dict[str, Any]:
    """A full solve as `covplan plan` runs it, its stage lines on stderr; when the first roster came and how good the last is."""
    from coverage.config import load_config
    from coverage.demand import requirements
    from coverage.solve import ModelInputs, SolveParams, solve

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(team_config(instance, Path(tmp)))
        needs = requirements(config)
        result = solve(
            config,
            needs,
            ModelInputs(explain=False),
            SolveParams(time_limit_seconds=time_limit, seed=seed, workers=workers, progress=sys.stderr),
        )
    return {
        "instance": instance.name,
        "seed": seed,
        "time_limit": time_limit,
        "status": result.status,
        "first_roster_seconds": None if result.first_solution_seconds is None else round(result.first_solution_seconds, 2),
        "objective": result.objective,
        "bound": result.best_bound,
        "gap": None if result.gap is None else round(result.gap, 4),
        "seconds": round(result.wall_seconds, 2),
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("headcounts", "stages"))
    parser.add_argument("name")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--greedy", action="store_true", help="headcounts: search from the greedy's counts (first_counts)")
    args = parser.parse_args(argv)
    instance = by_name(args.name)
    if not isinstance(instance, Team):
        raise SystemExit(f"{args.name} is not a team")
    if args.what == "headcounts":
        row = headcount_run(instance, args.seed, args.time_limit, args.workers, args.greedy)
    else:
        row = stages_run(instance, args.seed, args.time_limit, args.workers)
    print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
