"""Peer: a straightforward CP-SAT model of the Curtois & Qu benchmark, as OR-Tools' shift-scheduling example writes it.

    python benchmarks/peer_cpsat.py PATH/InstanceN.txt --time-limit 60 --workers 2

Written in the style of OR-Tools' `examples/python/shift_scheduling_sat.py`:
one Boolean per employee, shift (0 = off) and day with exactly one true per
day, forbidden patterns as clauses ("negated bounded spans") for runs shorter
than the minimum, sliding-window sums for the maximum, integer slack variables
for cover, and CP-SAT's default portfolio. It is a baseline: no scope, rules
layer or explanations. Runs touching the horizon's ends are exempt from the
minimum-run rules, as in `coverage.read_curtois`. The score printed is the
independent evaluator's. Last line: the same JSON fields as benchmarks/curtois.py.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import finish_row, peer_arguments  # noqa: E402

from coverage.read_curtois import Instance, evaluate, read_instance  # noqa: E402


class FirstSolution(cp_model.CpSolverSolutionCallback):
    """When the first roster came, and each improvement after it (for --milestones)."""

    def __init__(self, started: float):
        super().__init__()
        self.started = started
        self.first: float | None = None
        self.found: list[tuple[float, float]] = []

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self.started
        if self.first is None:
            self.first = elapsed
        self.found.append((elapsed, self.objective_value))

    def milestone(self, seconds: float) -> dict[str, Any]:
        reached = [objective for at, objective in self.found if at <= seconds]
        return {
            "time_limit": seconds,
            "objective": round(reached[-1]) if reached else None,
            "bound": None,
            "first_feasible_seconds": round(self.first, 2) if self.first is not None and self.first <= seconds else None,
        }


def forbid_short_runs(model: cp_model.CpModel, days: list[Any], shortest: int) -> None:
    """No run of true literals shorter than `shortest` with both ends inside the horizon."""
    n = len(days)
    for length in range(1, shortest):
        for start in range(1, n - length):  # exempt: runs touching day 0 or day n-1 are not judged
            span = [days[start - 1], *[~days[start + k] for k in range(length)], days[start + length]]
            model.add_bool_or(span)


def build(inst: Instance) -> tuple[cp_model.CpModel, dict[tuple[int, int, int], Any], list[str]]:
    shifts = ["-", *inst.shifts]  # index 0 is a day off
    n, staff = inst.horizon, inst.staff
    model = cp_model.CpModel()
    work = {
        (e, s, d): model.new_bool_var(f"w{e}_{s}_{d}") for e in range(len(staff)) for s in range(len(shifts)) for d in range(n)
    }
    objective: list[Any] = []
    for e, person in enumerate(staff):
        for d in range(n):
            model.add_exactly_one(work[e, s, d] for s in range(len(shifts)))
        for d in inst.days_off.get(person.id, ()):
            if 0 <= d < n:
                model.add(work[e, 0, d] == 1)
        for s in range(1, len(shifts)):
            limit = person.max_shifts.get(shifts[s], n)
            model.add(sum(work[e, s, d] for d in range(n)) <= limit)
            for after in inst.shifts[shifts[s]].cannot_follow:
                t = shifts.index(after)
                for d in range(n - 1):
                    model.add_bool_or([~work[e, s, d], ~work[e, t, d + 1]])
        minutes = sum(inst.shifts[shifts[s]].minutes * work[e, s, d] for s in range(1, len(shifts)) for d in range(n))
        model.add_linear_constraint(minutes, person.min_minutes, person.max_minutes)
        on = [~work[e, 0, d] for d in range(n)]
        off = [work[e, 0, d] for d in range(n)]
        for d in range(n - person.max_consecutive):
            model.add(sum(on[d : d + person.max_consecutive + 1]) <= person.max_consecutive)
        forbid_short_runs(model, on, person.min_consecutive)
        forbid_short_runs(model, off, person.min_days_off)
        weekends = []
        for w in range(n // 7):
            flag = model.new_bool_var(f"we{e}_{w}")
            model.add_max_equality(flag, [on[7 * w + 5], on[7 * w + 6]])
            weekends.append(flag)
        model.add(sum(weekends) <= person.max_weekends)
    index = {p.id: e for e, p in enumerate(staff)}
    for q in inst.on_requests:
        objective.append(q.weight * (1 - work[index[q.staff], shifts.index(q.shift), q.day]))
    for q in inst.off_requests:
        objective.append(q.weight * work[index[q.staff], shifts.index(q.shift), q.day])
    for c in inst.cover:
        s = shifts.index(c.shift)
        working = sum(work[e, s, c.day] for e in range(len(staff)))
        under = model.new_int_var(0, c.requirement, f"under{c.day}_{s}")
        over = model.new_int_var(0, len(staff), f"over{c.day}_{s}")
        model.add(working + under - over == c.requirement)
        objective.append(c.under * under + c.over * over)
    model.minimize(sum(objective))
    return model, work, shifts


def main(argv: list[str] | None = None) -> int:
    args = peer_arguments(__doc__.splitlines()[0], argv)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    inst = read_instance(args.instance)
    model, work, shifts = build(inst)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = args.time_limit
    solver.parameters.num_workers = args.workers
    solver.parameters.random_seed = args.seed
    callback = FirstSolution(started)
    code = solver.solve(model, callback)
    seconds = time.perf_counter() - started
    row: dict[str, Any] = {
        "instance": inst.name,
        "objective": None,
        "bound": solver.best_objective_bound,
        "seconds": round(seconds, 2),
        "first_feasible_seconds": None,
        "status": solver.status_name(code),
    }
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        grid = {
            (p.id, d): shifts[s] for (e, s, d), var in work.items() if s and solver.boolean_value(var) for p in [inst.staff[e]]
        }
        evaluation = evaluate(inst, grid)
        row.update(
            objective=evaluation.objective,
            solver_objective=solver.objective_value,
            violations=len(evaluation.violations),
            first_feasible_seconds=round(callback.first or seconds, 2),
        )
    finish_row(row, model="peer_cpsat", time_limit=args.time_limit, workers=args.workers, load_before=load_before)
    row["milestones"] = [callback.milestone(mark) for mark in args.milestones if mark < args.time_limit]
    print(json.dumps(row))
    return 3 if row.get("violations") else 0


if __name__ == "__main__":
    sys.exit(main())
