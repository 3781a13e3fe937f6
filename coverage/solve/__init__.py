"""Solve: the CP-SAT roster model — the only package that imports OR-Tools.

Decision: for each agent and each shift occurrence they may work, whether
they work it and on which of their channels. `scope` decides what each agent
may work (no solver), `model` owns the variables, `rules` the hard rules,
`objective` the soft terms, `search` runs CP-SAT and `explain` names the
rules that conflict when no roster exists.
"""

import sys
import types

from coverage.solve.model import Hiring, RosterModel, Target
from coverage.solve.objective import (
    WEIGHT_CHANGE,
    WEIGHT_FAIRNESS,
    WEIGHT_OVER_AGENT,
    WEIGHT_REQUEST,
    WEIGHT_SHORT_AGENT,
    WEIGHT_UNCOVERED,
)
from coverage.solve.search import SolveOptions, SolveResult, configure_search, solve

__all__ = [
    "WEIGHT_CHANGE",
    "WEIGHT_FAIRNESS",
    "WEIGHT_OVER_AGENT",
    "WEIGHT_REQUEST",
    "WEIGHT_SHORT_AGENT",
    "WEIGHT_UNCOVERED",
    "Hiring",
    "RosterModel",
    "SolveOptions",
    "SolveResult",
    "Target",
    "configure_search",
    "solve",
]


class _CallableModule(types.ModuleType):
    """`coverage.solve(...)` calls the solver whether `coverage.solve` names this package or its function.

    Importing the package binds the name `solve` on `coverage` to the package
    itself, shadowing the public function of the same name; making the
    package callable keeps `coverage.solve(config, needs, options)` working in
    any import order.
    """

    def __call__(self, *args: object, **kwargs: object) -> SolveResult:
        return solve(*args, **kwargs)  # type: ignore[arg-type]


sys.modules[__name__].__class__ = _CallableModule
