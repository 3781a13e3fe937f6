"""Solve one Curtois & Qu instance with the planner's own model and score it with the independent evaluator.

    python benchmarks/curtois.py PATH/InstanceN.txt --time-limit 60 --workers 2

The instance goes through `coverage.read_curtois.to_config` (the same Config a
YAML file would give) and `coverage.solve.solve`, so this measures the model
users run. The last line printed is one JSON object: instance, objective (the
evaluator's), bound, seconds, first_feasible_seconds, plus status, best_known,
gap_to_best_known, violations and the load average at the start and the end.
With --milestones 10,60 it also gives where the same run stood after 10 and
60 s (objective as the search reported it, and the bound), so one 600 s run
yields the 10, 60 and 600 s figures.

`--param NAME=VALUE` sets a CP-SAT parameter after the planner's own choices
(by wrapping coverage.solve.runner.configure_search, which every search runs through), to measure alternatives
without touching the solver package.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_search_switches, finish_row, switch  # noqa: E402

from coverage.demand import requirements  # noqa: E402
from coverage.errors import InputError  # noqa: E402
from coverage.read_curtois import evaluate, grid_of, read_instance, to_config  # noqa: E402
from coverage.solve import ModelInputs, SolveParams, solve  # noqa: E402
from coverage.solve import runner as runner_module  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edges", choices=("exempt", "enforced"), default="exempt", help="min-run rules at the horizon's ends")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="extra CP-SAT parameter (repeatable)")
    parser.add_argument("--progress", action="store_true", help="show the solver's progress line on stderr")
    parser.add_argument("--exact-runs", action="store_true", help="run rules as automata (ModelInputs.exact_runs)")
    add_search_switches(parser)
    parser.add_argument(
        "--milestones",
        type=milestone_list,
        default=[],
        metavar="S,S",
        help="also report the objective and bound reached S seconds into the run (e.g. 10,60 in a 600 s run)",
    )
    return parser.parse_args(argv)


def milestone_list(text: str) -> list[float]:
    return [float(part) for part in text.split(",") if part]


def _value(text: str) -> Any:
    """'true' / '3' / '0.5' / 'name' -> a Python value for a protobuf field."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def with_parameters(overrides: list[str]) -> None:
    """Apply NAME=VALUE overrides after the planner's own search configuration."""
    if not overrides:
        return
    original = runner_module.configure_search

    def configure(parameters: Any, params: SolveParams) -> None:
        original(parameters, params)
        for item in overrides:
            name, _, text = item.partition("=")
            field = getattr(parameters, name)
            if hasattr(field, "append"):  # repeated field such as subsolvers: NAME=a,b replaces the list
                field.clear()
                field.extend(v for v in text.split(",") if v)
            else:
                setattr(parameters, name, _value(text))

    runner_module.configure_search = configure


def run(args: argparse.Namespace) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    instance = read_instance(args.instance)
    config = to_config(instance, edges=args.edges)
    with_parameters(args.param)
    params = SolveParams(
        time_limit_seconds=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        progress=sys.stderr if args.progress else None,
        neighbourhoods=switch(args.neighbourhoods),
        rolling_start=switch(args.rolling_start),
    )
    result = solve(config, requirements(config), ModelInputs(explain=False, exact_runs=args.exact_runs), params)
    seconds = time.perf_counter() - started
    row: dict[str, Any] = {
        "instance": instance.name,
        "objective": None,
        "bound": result.best_bound,
        "seconds": round(seconds, 2),
        "first_feasible_seconds": None,
        "status": result.status,
    }
    if result.roster is not None:
        evaluation = evaluate(instance, grid_of(result.roster), edges=args.edges)
        row["objective"] = evaluation.objective
        row["solver_objective"] = result.objective
        row["violations"] = len(evaluation.violations)
        row["first_feasible_seconds"] = round(result.first_solution_seconds or seconds, 2)
        if evaluation.objective != result.objective:
            print(f"MISMATCH: evaluator {evaluation.objective} != solver {result.objective}", file=sys.stderr)
    finish_row(row, model="coverage", time_limit=args.time_limit, workers=args.workers, load_before=load_before)
    if args.exact_runs:
        row["exact_runs"] = True
    if args.rolling_start is not None:
        row["rolling_start"] = args.rolling_start
    row["milestones"] = [
        milestone(result.at(mark), mark, result.first_solution_seconds) for mark in args.milestones if mark < args.time_limit
    ]
    return row


def milestone(reached: tuple[float | None, float | None], seconds: float, first: float | None) -> dict[str, Any]:
    """The run as it stood `seconds` in: the search's own objective (the evaluator sees only the final roster)."""
    objective, bound = reached
    return {
        "time_limit": seconds,
        "objective": None if objective is None else round(objective),
        "bound": bound,
        "first_feasible_seconds": round(first, 2) if first is not None and first <= seconds else None,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        row = run(args)
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(json.dumps(row))
    mismatch = row.get("solver_objective") is not None and row["solver_objective"] != row["objective"]
    return 3 if mismatch or row.get("violations") else 0


if __name__ == "__main__":
    sys.exit(main())
