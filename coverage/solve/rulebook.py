"""Hard rules, each under a label in plain words; in explain mode each label is an assumption that can be switched off.

Every hard rule of the roster model goes through `RuleBook.require`: the
variables' own blocked occurrences (coverage.solve.variables) and each
agent's rules (coverage.solve.rules). In explain mode a rule holds only while
its label's assumption literal does (`guards`), so CP-SAT can name a set of
labels that cannot all hold (coverage.solve.explain).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ortools.sat.python import cp_model


class RuleBook:
    """The labelled hard rules of one model, and in explain mode the assumption literal of each label."""

    def __init__(self, model: cp_model.CpModel, explain: bool):
        self._model = model
        self.explain = explain
        self._guards: dict[str, cp_model.IntVar] = {}

    @property
    def guards(self) -> Mapping[str, cp_model.IntVar]:
        """Label -> its assumption literal (explain mode only; empty otherwise), in the order the rules were stated."""
        return MappingProxyType(self._guards)

    def require(
        self, constraint: cp_model.BoundedLinearExpression | bool, label: str, only_if: cp_model.IntVar | None = None
    ) -> None:
        """Add a hard rule; in explain mode it only holds while its label's assumption does.

        `only_if` limits it to when a literal holds (a candidate's minimum hours bind only if hired).
        """
        if only_if is not None and not isinstance(constraint, bool):
            added = self._model.add(constraint)
            added.only_enforce_if([only_if, self.guard(label)] if self.explain else only_if)
            return
        if isinstance(constraint, bool):
            if not constraint and not self.explain:
                self._model.add_bool_or([])  # a rule that can never hold: infeasible
            if not constraint and self.explain:
                self._model.add_bool_or([self.guard(label).Not()])
            return
        added = self._model.add(constraint)
        if self.explain:
            added.only_enforce_if(self.guard(label))

    def guard(self, label: str) -> cp_model.IntVar:
        """The label's assumption literal, made the first time the label is used."""
        if label not in self._guards:
            self._guards[label] = self._model.new_bool_var(f"rule[{len(self._guards)}]")
        return self._guards[label]
