"""What judging email by its deadline costs the search: the queue model against the old smoothed requirement.

    python benchmarks/backlog.py --config configs/example.yaml --time-limit 60 --reference 300 --seeds 1,2,3
    python benchmarks/backlog.py --agents 100 --sites 6 --time-limit 60 --reference 300 --seeds 1,2,3

Until issue 23 a backlog channel (email) was a per-interval requirement:
each interval's work spread evenly up to its deadline (the "pace"), staffed
like chat. Now it is a first-come-first-served queue priced by the work it
leaves late (coverage.queue). The two models price different things, so
"equal quality" is each model's own: the time each takes to come within 1, 2
and 5 % of the best roster any of its runs found (a long reference run per
model, seed 1, sets it together with the runs themselves), read off each
run's timeline of exact costs. Both models run on the same team, seeds and
workers, taking turns (queue first for odd seeds, smoothed first for even
ones) so machine load falls on both alike. The old model is rebuilt exactly:
the pace as the requirement, no queue.

"Equal quality" in one currency is the manager's: what a roster costs
when its email is judged by its deadline. Every roster the smoothed run
held is priced in the queue model (its shifts fixed, the queue completed),
and the queue run is timed to the best of them — the answer the old model
gave — against the time the smoothed run took to find it.

Last line: one JSON object with every run and, per quality level, the ratio
queue / smoothed of the time to reach it (median and worst over the seeds;
a run that never reached it counts its whole time limit), and the same
ratio in the queue's currency (`one_currency`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import switch  # noqa: E402

from coverage.config import load_config  # noqa: E402
from coverage.demand import Requirements, requirements  # noqa: E402
from coverage.roster import Roster  # noqa: E402
from coverage.solve import BuiltModel, SolveParams, build_model, runner, search, solve, staged  # noqa: E402
from coverage.solve.data import ModelData  # noqa: E402
from coverage.synthetic import write_team  # noqa: E402


def smoothed(needs: Requirements) -> Requirements:
    """The model before issue 23: each backlog channel's pace as its per-interval requirement, no queue."""
    required = {
        channel: list(needs.backlog[channel].pace) if channel in needs.backlog else values
        for channel, values in needs.required.items()
    }
    return replace(needs, required=required, backlog={})


Seen = list[tuple[float, list[int]]]  # (perf_counter when reported, every variable's value): the rosters a run held


@contextmanager
def rosters_held(seen: Seen, built: list[BuiltModel]) -> Iterator[None]:
    """For one run: each roster CP-SAT reports that is no dearer than the run's best so far, and the model it solves.

    The pipeline keeps only each roster's cost on its timeline; pricing the
    smoothed model's rosters in the queue's currency needs the rosters
    themselves, so the benchmark listens in on the progress callback and the
    model build for the length of one run (the product has no use for either).
    """
    report, build = runner.Progress.on_solution_callback, search.build_model
    # The best so far per model, told apart by its variable count: a staged team's site models and a flexible team's
    # coarse one report on this callback too, on their own scale, which would otherwise hide the whole model's rosters.
    best: dict[int, float] = {}

    def listen(progress: runner.Progress) -> None:
        values = progress.response_proto.solution
        # No dearer than the best so far: a neighbourhood's step reports rosters the run may not take.
        if progress.objective_value <= best.get(len(values), math.inf):
            best[len(values)] = progress.objective_value
            seen.append((time.perf_counter(), list(values)))
        report(progress)

    def keep(data: ModelData, *, objective: bool = True) -> BuiltModel:
        built.append(build(data, objective=objective))
        return built[-1]

    runner.Progress.on_solution_callback, search.build_model = listen, keep  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        runner.Progress.on_solution_callback, search.build_model = report, build  # type: ignore[method-assign]


def _reader(values: list[int]) -> Any:
    """A solution's values read as a solver's value(var): what BuiltModel.roster_from asks for."""
    return lambda var: values[var.index]


def priced_in_queue(queue: BuiltModel, held: BuiltModel, seen: Seen, started: float) -> list[tuple[float, int]]:
    """(seconds into the run, cost in the queue model) of each roster the run held."""
    timeline = []
    size = len(held.model.proto.variables)
    for at, values in seen:
        if len(values) != size:  # another model's solution (none on these teams): not a roster of this one
            continue
        cost = price(queue, held.roster_from(_reader(values)))
        if cost is not None:
            timeline.append((round(at - started, 2), cost))
    return timeline


def price(queue: BuiltModel, roster: Roster) -> int | None:
    """A roster's cost in the queue model: its shifts fixed, the queue's waiting and late work completed (None: refused)."""
    queue.model.clear_hints()
    staged.hint_roster(queue, roster)
    solver = staged.complete_hint(queue, 30.0)
    return None if solver is None else queue.exact_objective(solver.value)


def one_run(
    config: Any,
    needs: Requirements,
    model: str,
    seed: int,
    limit: float,
    workers: int,
    neighbourhoods: bool | None = None,
    queue: BuiltModel | None = None,
) -> dict[str, Any]:
    """One run of a model; a smoothed run's rosters also priced in `queue` (the queue model of the same team), if given."""
    chosen = needs if model == "queue" else smoothed(needs)
    load = os.getloadavg()[0]
    seen: Seen = []
    built: list[BuiltModel] = []
    listen = queue is not None and model == "smoothed"
    started = time.perf_counter()
    with rosters_held(seen, built) if listen else nullcontext():
        result = solve(
            config,
            chosen,
            params=SolveParams(time_limit_seconds=limit, workers=workers, seed=seed, neighbourhoods=neighbourhoods),
        )
    seconds = time.perf_counter() - started
    in_queue = priced_in_queue(queue, built[0], seen, started) if queue is not None and built else []
    return {
        "model": model,
        "seed": seed,
        "time_limit": limit,
        "status": result.status,
        "objective": result.objective,
        "bound": result.best_bound,
        "gap": None if result.gap is None else round(result.gap, 4),
        "first_roster_seconds": None if result.first_solution_seconds is None else round(result.first_solution_seconds, 2),
        "seconds": round(seconds, 2),
        "load": round(load, 2),
        "timeline": [(round(t, 2), value) for t, value, _ in result.timeline if value is not None]
        + [(round(result.wall_seconds, 2), result.objective)],
        "in_queue": in_queue,
        "in_queue_best": min((cost for _, cost in in_queue), default=None),
    }


QUALITY = (0.01, 0.02, 0.05)
HIDDEN = ("timeline", "in_queue")  # long lists: read by the ratios, not written out


def time_to(run: dict[str, Any], target: float | None) -> float:
    """When the run's roster first cost at most `target` (its time limit if never, or if its model found no roster at all)."""
    if target is None:
        return run["time_limit"]
    return next((t for t, value in run["timeline"] if value is not None and value <= target), run["time_limit"])


def best_costs(runs: list[dict[str, Any]]) -> dict[str, float | None]:
    """Each model's cheapest roster over all its runs (None: none of its runs found one)."""
    return {
        model: min((r["objective"] for r in runs if r["model"] == model and r["objective"] is not None), default=None)
        for model in ("queue", "smoothed")
    }


def _within(best: float | None, q: float) -> float | None:
    return None if best is None else best * (1 + q)


def ratios(runs: list[dict[str, Any]], best: dict[str, float | None], seeds: list[int]) -> dict[str, list[float]]:
    """Per quality level and seed, the queue model's time to come within it of its best over the smoothed model's."""
    found: dict[str, list[float]] = {}
    for q in QUALITY:
        found[f"{q:.0%}"] = []
        for seed in seeds:
            times = {
                r["model"]: time_to(r, _within(best[r["model"]], q))
                for r in runs
                if r["seed"] == seed and r["time_limit"] == runs[0]["time_limit"]
            }
            found[f"{q:.0%}"].append(round(times["queue"] / max(times["smoothed"], 0.01), 2))
    return found


def one_currency(runs: list[dict[str, Any]], seeds: list[int]) -> list[dict[str, Any]]:
    """Per seed, equal quality in the queue's currency: the queue run's time to the smoothed run's best roster, priced.

    The level is the cheapest roster (priced in the queue model) the smoothed
    run held; its time is when the smoothed run found it; the queue run's is
    when its own roster first cost no more (its whole limit if never).
    """
    found = []
    limit = runs[0]["time_limit"]
    for seed in seeds:
        pair = {r["model"]: r for r in runs if r["seed"] == seed and r["time_limit"] == limit}
        held = pair["smoothed"]["in_queue"]
        if not held:
            continue  # the smoothed run held no roster: no level to reach
        level = min(cost for _, cost in held)
        smoothed_at = next(at for at, cost in held if cost == level)
        queue_at = time_to(pair["queue"], level)
        found.append(
            {
                "seed": seed,
                "level": level,
                "smoothed_seconds": smoothed_at,
                "queue_seconds": queue_at,
                "ratio": round(queue_at / max(smoothed_at, 0.01), 2),
            }
        )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path)
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--sites", type=int, default=6)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument(
        "--reference", type=float, default=300.0, help="a longer run per model that sets its best roster (0: none)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=lambda s: [int(k) for k in s.split(",")], default=[1, 2, 3])
    parser.add_argument("--models", default="queue,smoothed", help="which models to run (comma-separated)")
    parser.add_argument(
        "--neighbourhoods",
        choices=("on", "off"),
        help="our own neighbourhoods after CP-SAT's search (default: the solver's choice)",
    )
    args = parser.parse_args(argv)
    lns = switch(args.neighbourhoods)
    models = tuple(m for m in ("queue", "smoothed") if m in args.models.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        path = args.config or write_team(Path(tmp), args.agents, args.sites, date(2026, 3, 2), args.days)
        config = load_config(path)
        needs = requirements(config)
        queue = build_model(ModelData.of(config, needs)) if needs.backlog else None  # prices the smoothed runs' rosters
        runs = []
        for seed in args.seeds:
            for model in models if seed % 2 else models[::-1]:
                runs.append(one_run(config, needs, model, seed, args.time_limit, args.workers, lns, queue))
                print(json.dumps({k: v for k, v in runs[-1].items() if k not in HIDDEN}), file=sys.stderr, flush=True)
        references = (
            [one_run(config, needs, model, 1, args.reference, args.workers, lns, queue) for model in models]
            if args.reference
            else []
        )
    best = best_costs(runs + references)
    found = ratios(runs, best, args.seeds) if len(models) == 2 else {}  # one model alone (--models queue): no ratio
    same = one_currency(runs, args.seeds) if len(models) == 2 else []
    label = args.config.name if args.config else f"{args.agents} agents, {args.sites} sites"
    print(
        json.dumps(
            {
                "stage": "backlog",
                "label": label,
                "time_limit": args.time_limit,
                "reference": args.reference,
                "workers": args.workers,
                "best": best,
                "runs": [
                    {k: v for k, v in r.items() if k not in HIDDEN}
                    | {"to_quality": {f"{q:.0%}": time_to(r, _within(best[r["model"]], q)) for q in QUALITY}}
                    for r in runs + references
                ],
                "ratios": found,
                "ratio_median": {q: statistics.median(v) for q, v in found.items()},
                "ratio_worst": {q: max(v) for q, v in found.items()},
                "one_currency": same,
                "one_currency_median": statistics.median(s["ratio"] for s in same) if same else None,
                "one_currency_worst": max((s["ratio"] for s in same), default=None),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
