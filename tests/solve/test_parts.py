"""The solver's parts and their seams: variables only read, the model's inputs apart from the search's controls, the older names."""

from __future__ import annotations

import pytest
from helpers import QUIET, TINY, nine_to_five_new_york

from coverage.demand import requirements
from coverage.solve import ModelInputs, RosterModel, SolveOptions, SolveParams, solve
from coverage.solve.data import ModelData
from coverage.solve.model import build_model

WEEK = nine_to_five_new_york(range(7, 14))
TWO = TINY.replace("skills: [chat]}", "skills: [chat]}\n  - {id: a2, site: nyc, contract: full_time, skills: [chat]}").replace(
    "max_consecutive_days: 6", "max_consecutive_days: 6\n  max_weekends_per_period: 1"
)


def test_the_older_roster_model_call_builds_the_same_model(make_config) -> None:
    config = make_config(TWO, WEEK)
    needs = requirements(config)
    for explain in (False, True):
        old = RosterModel(config, needs, explain=explain).build(objective=not explain)
        new = build_model(ModelData.of(config, needs, explain=explain), objective=not explain)
        assert str(old.model.proto) == str(new.model.proto)
        assert list(old.guards) == list(new.guards)


def test_variables_are_read_only_and_a_weekend_flag_is_made_once(make_config) -> None:
    """The weekend rule and the fairness term read the same flags; nothing outside Variables writes into it."""
    config = make_config(TWO, WEEK)
    built = build_model(ModelData.of(config, requirements(config)))
    variables = built.variables
    count = len(built.model.proto.variables)
    flags = variables.weekend_flags("a1")
    assert variables.weekend_flags("a1") is flags and len(built.model.proto.variables) == count
    assert [flag.name for flag in flags.values()] == ["weekend[a1,2026-12-07]"]
    option = next(iter(variables.choices))
    with pytest.raises(TypeError):
        variables.choices[option] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        variables.agents["a1"].by_day[option.instance.day] = 0  # type: ignore[index]


def test_solve_options_are_the_inputs_and_the_params_in_one() -> None:
    options = SolveOptions(
        time_limit_seconds=7, seed=3, workers=2, progress=None, deterministic=True, explain=False, staged=True, exact_runs=True
    )
    assert options.params == SolveParams(time_limit_seconds=7, seed=3, workers=2, deterministic=True, progress=None)
    assert options.inputs == ModelInputs(explain=False, staged=True, exact_runs=True)
    assert SolveParams().progress is None and SolveOptions().progress is not None  # the older default shows progress


def test_solve_takes_either_call_and_not_both(make_config, capsys) -> None:
    config = make_config(TINY, WEEK)
    needs = requirements(config)
    older = solve(config, needs, QUIET)
    newer = solve(config, needs, ModelInputs(), QUIET.params)
    assert (older.status, older.objective, older.roster) == (newer.status, newer.objective, newer.roster)
    with pytest.raises(TypeError):
        solve(config, needs, QUIET, QUIET.params)
    silent = solve(config, needs, params=SolveParams(time_limit_seconds=5, workers=2))
    assert silent.status == "OPTIMAL" and capsys.readouterr().err == ""


THREE_DAYS = TINY.replace("days: 7", "days: 3").replace("max_consecutive_days: 6", "max_consecutive_days: 2")


def test_a_rosters_cost_by_term_and_the_neighbourhoods_incumbent_are_read_through_their_own_seams(make_config) -> None:
    """a1 alone, one agent wanted 09:00-17:00 New York Mon-Wed, two days in a row at most: one day's 8 hours stay open.

    Each open hour costs its `uncovered` term 400 and its `short` term 100
    (the objective's own figures, `Objective.term_costs`), 4,000 in all, the
    roster's exact cost; the neighbourhoods' incumbent, started from that
    solution, is read as its cost, values and team (the rolling start's seam).
    """
    from collections import Counter

    from coverage.solve.neighbourhoods import NeighbourhoodSearch
    from coverage.solve.runner import run_search

    config = make_config(THREE_DAYS, nine_to_five_new_york(range(7, 10)))
    built = build_model(ModelData.of(config, requirements(config)))
    ended = run_search(built.model, QUIET.params)
    costs = [(str(term).split("[")[0], cost) for term, cost in built.objective.term_costs(ended.solver.value) if cost]
    assert Counter(costs) == Counter({("uncovered", 400): 8, ("short", 100): 8})
    assert sum(cost for _, cost in costs) == built.exact_objective(ended.solver.value) == 4000
    search = NeighbourhoodSearch.of(built, seconds=5)
    assert (search.cost, search.values) == (float("inf"), None)
    values = list(ended.solver.response_proto.solution)
    search.start_from(values, 4000)
    assert (search.cost, search.values, search.best) == (4000, values, None)  # CP-SAT's roster: not ours to report
    assert ([d.day for d in search.team.days], search.team.agents) == ([7, 8, 9], ("a1",))
