"""Big teams in stages: the headcount model is a true relaxation, and the staged solve keeps the optimum."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from conftest import TINY
from test_optimality import TINY_INSTANCES, brute_force_optimum, tiny
from test_solve import QUIET, hourly, objective_from_roster

from coverage.check import Checker
from coverage.demand import requirements
from coverage.solve import solve
from coverage.solve.aggregate import groups_of, headcount_model
from coverage.solve.runner import run_search
from coverage.solve.staged import STAGED_FROM_AGENTS, wanted

STAGED = replace(QUIET, staged=True)
THREE_DAYS = TINY.replace("days: 7", "days: 3").replace("max_consecutive_days: 6", "max_consecutive_days: 2")
# 09:00-17:00 New York is 14:00-22:00 UTC in December: one agent needed through each shift, Mon-Wed.
DAY_SHIFTS = hourly("2026-12-07T14:00:00", 8) + hourly("2026-12-08T14:00:00", 8) + hourly("2026-12-09T14:00:00", 8)


def headcount_optimum(config, needs) -> tuple[str, float]:
    model = headcount_model(config, needs)
    code, solver, _ = run_search(model.model, QUIET.params)
    return solver.status_name(code), solver.objective_value


def test_headcounts_keep_the_consecutive_day_limit(make_config) -> None:
    """One agent, three needed days, at most two in a row: one day stays open, 8 h x (400 + 100) = 4,000.

    The headcount model knows it without naming the agent: any 3-day window
    holds at most 2 x (group size) working days.
    """
    config = make_config(THREE_DAYS, DAY_SHIFTS)
    needs = requirements(config)
    assert headcount_optimum(config, needs) == ("OPTIMAL", 4000)
    shown = io.StringIO()
    result = solve(config, needs, replace(STAGED, progress=shown))
    assert (result.status, result.objective) == ("OPTIMAL", 4000)
    assert Checker(config).check(result.roster) == []
    lines = shown.getvalue().splitlines()
    assert lines[0].startswith("  headcounts: 1 groups, cost at least 4,000 (proven)")
    assert lines[1].startswith("  site nyc: agents assigned, 0 shift(s) off the headcounts")


def test_headcounts_keep_the_rest_between_late_and_early(make_config) -> None:
    """Late Mon (14:00-22:00 NY) then early Tue (06:00): 8 h rest < 11 h, so one agent covers only one.

    Need: Mon late and Tue early, 8 h each; one of them stays open: 4,000.
    """
    text = TINY.replace("days: 7", "days: 2").replace(
        'day: {start: "09:00", hours: 8}', 'early: {start: "06:00", hours: 8}\n      late: {start: "14:00", hours: 8}'
    )
    config = make_config(text, hourly("2026-12-07T19:00:00", 8) + hourly("2026-12-08T11:00:00", 8))
    needs = requirements(config)
    assert headcount_optimum(config, needs) == ("OPTIMAL", 4000)


@pytest.mark.parametrize("agent_keys, rules", TINY_INSTANCES)
def test_staged_solve_reaches_the_enumerated_optimum(make_config, agent_keys: str, rules: str) -> None:
    """The headcount bound is at most the true optimum, and the staged search still ends at it."""
    config = tiny(make_config, agent_keys, rules)
    needs = requirements(config)
    best, _ = brute_force_optimum(config, needs)
    status, bound = headcount_optimum(config, needs)
    assert status == "OPTIMAL" and bound <= best
    result = solve(config, needs, STAGED)
    assert (result.status, result.objective) == ("OPTIMAL", best)
    assert objective_from_roster(config, needs, result) == best


def test_agents_with_the_same_site_and_skills_form_one_group(make_config) -> None:
    text = TINY.replace(
        "skills: [chat]}", "skills: [chat]}\n  - {id: a2, site: nyc, contract: full_time, skills: [chat]}"
    )
    config = make_config(text)
    from coverage.solve.scope import agent_scopes
    from coverage.time import shift_instances

    groups = groups_of(agent_scopes(config, shift_instances(config)))
    assert [(g.key, len(g.scopes)) for g in groups] == [("nyc/chat", 2)]
    assert set(groups[0].available.values()) == {2}  # both free for each of the 7 day shifts


def test_stages_are_for_big_multi_site_teams(make_config) -> None:
    config = make_config()
    assert not wanted(config, None)  # one agent, one site
    assert wanted(config, True)
    assert not wanted(config, False)
    assert STAGED_FROM_AGENTS == 60


def test_the_staged_roster_stands_when_the_full_search_finds_nothing(make_config, monkeypatch) -> None:
    """On a very big team the full model may not even finish presolve in the time left: the staged roster is kept, priced exactly."""
    from coverage.solve import search

    real = search.run_search

    def no_time_left(model, options, progress=None, **kwargs):
        if progress is None:  # the stages' own searches
            return real(model, options, progress, **kwargs)
        return search.cp_model.UNKNOWN, search.cp_model.CpSolver(), False

    monkeypatch.setattr(search, "run_search", no_time_left)
    config = make_config(THREE_DAYS, DAY_SHIFTS)
    result = solve(config, requirements(config), STAGED)
    assert (result.status, result.objective, result.best_bound) == ("FEASIBLE", 4000, 4000)
    assert len(result.roster.assignments) == 2 and Checker(config).check(result.roster) == []
