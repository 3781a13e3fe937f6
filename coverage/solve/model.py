"""The roster model, composed from its parts: variables, then rules, then the objective.

One boolean per (agent, shift occurrence, channel). `build_model` makes the
parts in a fixed order, each from (model, data, the parts before it), as
PyJobShop builds its OR-Tools model:

- `Variables` (coverage.solve.variables): choices, break choices, day and
  hiring literals, weekend flags — made once, only read after;
- `Constraints` (coverage.solve.rules): every agent's hard rules, stated
  through the `RuleBook` (coverage.solve.rulebook), which in explain mode
  puts each rule behind an assumption literal, so an infeasible plan can be
  traced back to a few rules named in plain words;
- `Objective` (coverage.solve.objective): the soft terms, each with its
  exact value as a function of the roster.

No part imports the ones built after it, nor this module. `RosterModel` is
the old entry point (`RosterModel(config, requirements, ...).build()`), kept
for callers outside the package.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from coverage.config.schema import Config
from coverage.demand import Requirements
from coverage.roster import Roster
from coverage.solve.data import Hiring, ModelData, Target
from coverage.solve.objective import Objective
from coverage.solve.rulebook import RuleBook
from coverage.solve.rules import Constraints
from coverage.solve.variables import Value, Variables

__all__ = ["BuiltModel", "Hiring", "RosterModel", "Target", "build_model"]


@dataclass(frozen=True)
class BuiltModel:
    """One CP-SAT roster model and its parts; the rules are all stated, the objective holds the terms added so far."""

    model: cp_model.CpModel
    data: ModelData
    variables: Variables
    rules: RuleBook
    objective: Objective

    @property
    def guards(self) -> Mapping[str, cp_model.IntVar]:
        """Explain mode: each hard rule's label -> its assumption literal."""
        return self.rules.guards

    def roster_from(self, value: Callable[[cp_model.IntVar], int]) -> Roster:
        return self.variables.roster(value)

    def exact_objective(self, value: Value) -> int:
        return self.objective.exact(value)


def build_model(data: ModelData, *, objective: bool = True) -> BuiltModel:
    """Variables, then every agent's rules, then (unless `objective` is False) every objective term and the minimization.

    Without the objective the parts are ready for a caller's own terms
    (`built.objective.minimize(...)`, then `built.objective.set()`), as the
    staged site models add theirs; the explain model has none.
    """
    model = cp_model.CpModel()
    rules = RuleBook(model, data.explain)
    variables = Variables(model, data, rules)
    Constraints(model, data, variables, rules).add()
    terms = Objective(model, data, variables)
    if objective:
        terms.add_all()
        terms.set()
    return BuiltModel(model, data, variables, rules, terms)


class RosterModel:
    """Compatibility: the roster model as it was called before it was split into parts.

    `RosterModel(config, requirements, explain=..., history=..., hiring=...,
    exact_runs=...).build(objective=...)` returns the `BuiltModel` (its
    `.model`, `.variables`, `.guards`, `.roster_from`, `.exact_objective`).
    New code calls `build_model(ModelData.of(...))`.
    """

    def __init__(
        self,
        config: Config,
        requirements: Requirements,
        *,
        explain: bool = False,
        history: Roster | None = None,
        hiring: Hiring | None = None,
        exact_runs: bool = False,
    ):
        self.data = ModelData.of(config, requirements, history=history, hiring=hiring, explain=explain, exact_runs=exact_runs)

    def build(self, *, objective: bool = True) -> BuiltModel:
        return build_model(self.data, objective=objective)
