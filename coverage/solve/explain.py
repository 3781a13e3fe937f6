"""Why no roster exists: a small set of rules that cannot all hold, in plain words.

Every hard rule of every agent is switched on by its own assumption literal.
CP-SAT returns a set of assumptions that together are infeasible; we then
drop the ones that are not needed (deletion filter), so the manager reads
two or three rules, not forty. Each search goes through the runner
(coverage.solve.runner) with explain's own settings: one worker, the time left.
"""

from __future__ import annotations

import time as wallclock
from typing import Any

from ortools.sat.python import cp_model

from coverage.config.schema import Config
from coverage.demand import Requirements
from coverage.roster import Roster
from coverage.solve.data import ModelData
from coverage.solve.model import BuiltModel, build_model
from coverage.solve.runner import SolveParams, run_search

MAX_CORE_TO_MINIMISE = 40


def conflicting_rules(
    config: Config, requirements: Requirements, time_limit_seconds: float = 30.0, history: Roster | None = None
) -> list[str]:
    """Labels of a minimal (or, past the time limit, small) set of conflicting rules."""
    rm = build_model(ModelData.of(config, requirements, history=history, explain=True), objective=False)
    labels = {var.index: label for label, var in rm.guards.items()}
    deadline = wallclock.monotonic() + time_limit_seconds
    core = _core(rm, list(rm.guards.values()), deadline)
    if core is None:
        return ["the rules conflict, but the search for which ones ran out of time"]
    if len(core) <= MAX_CORE_TO_MINIMISE:
        core = _minimise(rm, core, deadline)
    return sorted(labels[var.index] for var in core)


def _core(rm: BuiltModel, assumptions: list[cp_model.IntVar], deadline: float) -> list[cp_model.IntVar] | None:
    """Assumptions that CP-SAT found jointly infeasible, or None if it could not tell in time."""
    rm.model.clear_assumptions()
    rm.model.add_assumptions(assumptions)
    seconds = max(deadline - wallclock.monotonic(), 0.5)

    def settings(parameters: Any) -> None:
        parameters.num_workers = 1  # assumption cores come from the single-thread search
        parameters.max_time_in_seconds = seconds

    code, solver, _ = run_search(rm.model, SolveParams(time_limit_seconds=seconds, workers=1), settings=settings)
    if code != cp_model.INFEASIBLE:
        return None
    wanted = set(solver.sufficient_assumptions_for_infeasibility())
    return [var for var in assumptions if var.index in wanted]


def _minimise(rm: BuiltModel, core: list[cp_model.IntVar], deadline: float) -> list[cp_model.IntVar]:
    """Deletion filter: drop each rule whose removal leaves the rest still infeasible."""
    needed = list(core)
    for var in list(core):
        if wallclock.monotonic() > deadline or len(needed) <= 1:
            break
        trial = [v for v in needed if v is not var]
        smaller = _core(rm, trial, deadline)
        if smaller is not None:
            needed = smaller
    return needed
