"""Solve: the CP-SAT roster model — the only package that imports OR-Tools.

Decision: for each agent and each shift occurrence they may work, whether
they work it and on which of their channels. The parts, each built from
(model, data, the parts before it) and never importing the parts or callers
after it:

- `data`: the model's inputs as plain data (`ModelInputs`, `Target`,
  `Hiring`, `ModelData`); `scope` decides what each agent may work (no solver);
- `variables`: choices, break choices, day, hiring and weekend literals —
  made once, only read after;
- `rulebook`: every hard rule under a label (in explain mode, an assumption);
- `rules`: each agent's hard rules; `objective`: the soft terms;
- `model`: composes those into one CP-SAT model (`build_model`);
- `aggregate`: the headcount relaxation, composed the same way;
- `runner`: the one place a search runs (`SolveParams`, progress, Ctrl-C);
- `explain`: the rules that conflict when no roster exists;
- `staged`: headcounts, then each site, as a start for the full model;
- `search`: `solve`, the direct model or the stages first, and its result.
"""

import sys
import types

from coverage.solve.data import Hiring, ModelInputs, Target, describe_target
from coverage.solve.model import BuiltModel, RosterModel, build_model
from coverage.solve.objective import (
    WEIGHT_CHANGE,
    WEIGHT_FAIRNESS,
    WEIGHT_OVER_AGENT,
    WEIGHT_REQUEST,
    WEIGHT_SHORT_AGENT,
    WEIGHT_UNCOVERED,
)
from coverage.solve.runner import SitePool, SolveParams, configure_search, search_threads
from coverage.solve.search import SolveOptions, SolveResult, solve

__all__ = [
    "WEIGHT_CHANGE",
    "WEIGHT_FAIRNESS",
    "WEIGHT_OVER_AGENT",
    "WEIGHT_REQUEST",
    "WEIGHT_SHORT_AGENT",
    "WEIGHT_UNCOVERED",
    "BuiltModel",
    "Hiring",
    "ModelInputs",
    "RosterModel",
    "SitePool",
    "SolveOptions",
    "SolveParams",
    "SolveResult",
    "Target",
    "build_model",
    "configure_search",
    "search_threads",
    "describe_target",
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
