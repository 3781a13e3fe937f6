"""On tiny instances, enumerate every roster and confirm the solver finds the true optimum.

Feasibility of each enumerated roster is judged by the independent checker,
its cost by the roster-only objective of helpers.objective_from_roster — neither shares code
with the model, so agreement means the model is right, not just consistent.
"""

from __future__ import annotations

import pytest
from enumeration import TINY_INSTANCES, brute_force_optimum, tiny
from helpers import QUIET, solved

from coverage.demand import requirements


@pytest.mark.parametrize("agent_keys, rules", TINY_INSTANCES)
def test_solver_objective_equals_the_enumerated_optimum(make_config, agent_keys: str, rules: str) -> None:
    config = tiny(make_config, agent_keys, rules)
    needs = requirements(config)
    best, feasible = brute_force_optimum(config, needs)
    _, result = solved(config, QUIET)
    assert result.status == "OPTIMAL"
    assert result.objective == best
    assert feasible > 100  # the rules leave real choice, so the enumeration means something
