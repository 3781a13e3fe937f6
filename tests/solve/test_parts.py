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
