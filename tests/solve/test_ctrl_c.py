"""Ctrl-C is heard wherever a user waits: the run ends soon after, with the best roster it had, and says it was interrupted.

The searches hear it through `runner.run_search` (CP-SAT stops, its best
solution kept). These are the waits around them: the greedy's seconds of
Python in the stages, the completions that price a roster (the greedy's
counts, a site's start, a polished or refined roster), each of which used to
swallow the Ctrl-C and let the run go on searching. A real SIGINT where the
wait is Python; a completion stopped as `runner.try_fill_hint` reports one
(`Completion.interrupted`) where it is CP-SAT's.
"""

from __future__ import annotations

import os
import signal
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import QUIET
from ortools.sat.python import cp_model
from test_backlog import two_agents
from test_staged import DAY_SHIFTS, STAGED, TWO_SITES

import coverage.solve.first_counts as first_counts
import coverage.solve.runner as runner
import coverage.solve.staged as staged
from coverage.check import check_roster
from coverage.demand import requirements
from coverage.roster import Roster
from coverage.solve import SolveOptions, search, solve
from coverage.solve.polish import Refined
from coverage.solve.runner import Completion, Search
from coverage.solve.staged import SiteTask, Turn, assign_site, in_turn, shifts_of, staged_start
from coverage.time import shift_instances


def ctrl_c() -> None:
    """What the user's Ctrl-C does: SIGINT to this process, heard by the main thread's handler."""
    os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_in_the_repair_of_the_aimed_schedules_ends_it_at_once_and_keeps_the_first_roster(make_config, monkeypatch) -> None:
    """The second round's schedules (greedy aimed at the searched headcounts, then `repair`): seconds of Python on
    big teams. Ctrl-C in the first agent's repair ends it there — one agent of two repaired, not the two of each
    round — and the stages end with the first roster, a1 and b1 covering Mon-Wed between them."""
    config = make_config(TWO_SITES, DAY_SHIFTS)
    real, repaired = first_counts._repair_agent, []

    def pressed_in_the_first(*args, **kwargs):
        repaired.append(1)
        if len(repaired) == 1:
            ctrl_c()
        return real(*args, **kwargs)

    monkeypatch.setattr(first_counts, "_repair_agent", pressed_in_the_first)
    start = staged_start(config, requirements(config), STAGED.params)
    assert (start.interrupted, len(repaired)) == (True, 1)
    assert sorted(a.day.day for a in start.roster.assignments) == [7, 8, 9] and check_roster(start.roster, config) == []


def test_the_greedy_stopped_schedules_nobody(make_config) -> None:
    """`stopped` true from the start: no week is scheduled, no shift repaired (the caller throws such schedules away)."""
    from coverage.solve.aggregate import headcount_model

    config = make_config(TWO_SITES, DAY_SHIFTS)
    model = headcount_model(config, requirements(config))
    greedy = first_counts.greedy_counts(model)
    targets = {(option.instance, option.channel): count for option, count in greedy.counts.items()}
    assert greedy.counts and first_counts.towards_headcounts(model, targets, frozenset())  # unstopped, they schedule
    assert first_counts.greedy_counts(model, stopped=lambda: True).counts == {}
    assert first_counts.towards_headcounts(model, targets, frozenset(), stopped=lambda: True) == frozenset()


def test_ctrl_c_while_the_greedy_counts_are_completed_ends_the_stages(make_config, monkeypatch) -> None:
    """Ctrl-C in the completion of the greedy's counts (`first_counts.try_start`): no headcount search, no site
    search after it; the stages end interrupted with no roster, and so does the run's result say."""
    config = make_config(TWO_SITES, DAY_SHIFTS)
    real, completions = runner.run_search, []

    def pressed_in_the_first_completion(model, params, progress=None, **kwargs):
        completions.append(1)
        if len(completions) == 1:
            return Search(cp_model.UNKNOWN, cp_model.CpSolver(), True)
        return real(model, params, progress, **kwargs)

    monkeypatch.setattr(runner, "run_search", pressed_in_the_first_completion)  # what try_fill_hint runs
    monkeypatch.setattr(staged, "run_search", lambda *args, **kwargs: pytest.fail("a stage searched after Ctrl-C"))
    start = staged_start(config, requirements(config), STAGED.params)
    assert (start.interrupted, start.roster, completions) == (True, None, [1])
    monkeypatch.undo()
    monkeypatch.setattr(first_counts, "try_fill_hint", lambda model, seconds, **_: Completion(None, False, interrupted=True))
    result = solve(config, requirements(config), STAGED)
    assert result.interrupted
    assert result.roster is None or check_roster(result.roster, config) == []


def site_task(config, start: Roster) -> tuple[SiteTask, list[int]]:
    """The task of the site whose agent works most of `start` (one agent a day Mon-Wed between a1 and b1), aimed at
    that agent's days, starting from `start`'s shifts; and those days."""
    busiest = max(("a1", "b1"), key=lambda agent: sum(a.agent == agent for a in start.assignments))
    mine = [a for a in start.assignments if a.agent == busiest]
    instances = {(s.site, s.shift, s.day): s for s in shift_instances(config)}
    headcounts = {(instances[(a.site, a.shift, a.day)], a.channel): 1 for a in mine}
    task = SiteTask(config, requirements(config), mine[0].site, headcounts, QUIET.params, start=shifts_of(start))
    return task, sorted(a.day.day for a in mine)


def test_ctrl_c_while_a_sites_start_is_completed_keeps_what_was_completed_and_searches_no_further(
    make_config, monkeypatch
) -> None:
    """A site's start completed when Ctrl-C came: that assignment (its agent's days of the first roster), interrupted,
    no search. Stopped before any value: no assignment, interrupted — not a search of the site's whole share."""
    config = make_config(TWO_SITES, DAY_SHIFTS)
    first = staged_start(config, requirements(config), STAGED.params).roster
    task, days = site_task(config, first)
    monkeypatch.setattr(staged, "run_search", lambda *args, **kwargs: pytest.fail("the site searched after Ctrl-C"))
    real = staged.try_fill_hint
    monkeypatch.setattr(
        staged, "try_fill_hint", lambda model, seconds, **kw: replace(real(model, seconds, **kw), interrupted=True)
    )
    kept = assign_site(task)
    assert (kept.interrupted, kept.missed, sorted(a.day.day for a in kept.roster.assignments)) == (True, 0, days)
    monkeypatch.setattr(staged, "try_fill_hint", lambda model, seconds, **_: Completion(None, False, interrupted=True))
    nothing = assign_site(task)
    assert (nothing.interrupted, nothing.roster) == (True, None)


def test_ctrl_c_while_a_sites_model_is_built_ends_the_sites_in_turn(make_config, monkeypatch) -> None:
    """Sites in turn run here, in the main process: Ctrl-C during nyc's model build (seconds of Python on big sites)
    ends the stage there — nyc not completed nor searched, bos not begun — instead of a KeyboardInterrupt that
    would throw the first roster away."""
    config = make_config(TWO_SITES, DAY_SHIFTS)
    real, built = staged.site_model, []

    def pressed_while_built(task):
        built.append(task.site)
        model = real(task)
        ctrl_c()
        return model

    monkeypatch.setattr(staged, "site_model", pressed_while_built)
    monkeypatch.setattr(staged, "try_fill_hint", lambda *args, **kwargs: pytest.fail("completed after Ctrl-C"))
    monkeypatch.setattr(staged, "run_search", lambda *args, **kwargs: pytest.fail("searched after Ctrl-C"))
    task = SiteTask(config, requirements(config), "", {}, QUIET.params)
    found: dict = {}
    turn = Turn(staged.wallclock.perf_counter() + 10.0, 10.0, 0, 2, {})
    assert in_turn(task, ["nyc", "bos"], found, turn, lambda line: None, None) is True
    assert (built, found) == (["nyc"], {})


def test_ctrl_c_while_a_sites_start_is_hinted_ends_the_sites_in_turn(make_config, monkeypatch) -> None:
    """Ctrl-C while nyc's start is set as hints (Python, outside any search): nyc keeps its completed start, and the
    stage ends there, bos not begun. (nyc's result did not say interrupted, and bos was built and searched.)"""
    config = make_config(TWO_SITES, DAY_SHIFTS)
    first = staged_start(config, requirements(config), STAGED.params).roster
    task, days = site_task(config, first)
    real_hint, real_model, built = staged.hint_shifts, staged.site_model, []

    def pressed_while_hinted(rm, chosen):
        real_hint(rm, chosen)
        ctrl_c()

    def recorded(task):
        built.append(task.site)
        return real_model(task)

    monkeypatch.setattr(staged, "hint_shifts", pressed_while_hinted)
    monkeypatch.setattr(staged, "site_model", recorded)
    monkeypatch.setattr(staged, "run_search", lambda *args, **kwargs: pytest.fail("searched after Ctrl-C"))
    found: dict = {}
    turn = Turn(staged.wallclock.perf_counter() + 10.0, 10.0, 0, 2, {})
    other = "bos" if task.site == "nyc" else "nyc"
    assert in_turn(replace(task, site=""), [task.site, other], found, turn, lambda line: None, None) is True
    assert built == [task.site] and sorted(a.day.day for a in found[task.site].roster.assignments) == days


def first_search_then(monkeypatch, *, stopped_with_roster: bool) -> list[float]:
    """The polish path's first search: CP-SAT's real one, reported FEASIBLE (stopped with a roster in its window when
    asked), after which every search fails the test; returns the first roster's exact cost once known."""
    real, costs = search.run_search, []

    def first_only(model, params, progress=None, **kwargs):
        if costs:
            pytest.fail("searched again after Ctrl-C")
        ended = real(model, params, progress, **kwargs)
        assert ended.found and progress.latest is not None
        costs.append(progress.latest)
        progress.stopped_with_roster = stopped_with_roster
        return Search(cp_model.FEASIBLE, ended.solver, False)

    monkeypatch.setattr(search, "run_search", first_only)
    return costs


OPTIONS = SolveOptions(time_limit_seconds=8, workers=2, seed=1, progress=None)


def test_ctrl_c_while_the_polished_roster_is_priced_ends_the_run_with_the_first_searchs_roster(
    tmp_path: Path, monkeypatch
) -> None:
    """ann and bob, chat and email (test_backlog): the first search stops with its roster to have its channels
    polished; Ctrl-C while the polished roster is priced ends the run with the first search's roster at its exact
    cost — no second search for the rest of the limit."""
    config = two_agents(tmp_path)
    costs = first_search_then(monkeypatch, stopped_with_roster=True)
    monkeypatch.setattr(staged, "try_complete_hint", lambda rm, seconds=30.0, **kwargs: Completion(None, False, True))
    result = solve(config, requirements(config), OPTIONS)
    assert (result.interrupted, result.objective) == (True, costs[0])
    assert check_roster(result.roster, config) == []


def test_ctrl_c_while_the_refined_roster_is_priced_keeps_the_searchs_roster_and_says_so(tmp_path: Path, monkeypatch) -> None:
    """The search ended with its roster; the incumbent polish holds a cheaper one (said to cost -1 here), priced through the
    model before it may be the result. Ctrl-C there: the search's own roster, and the result says interrupted."""
    config = two_agents(tmp_path)
    costs = first_search_then(monkeypatch, stopped_with_roster=False)

    class Cheaper:
        best = Refined(Roster(()), -1.0)

        def offer(self, solution: list[int], objective: float) -> None: ...

        def work(self, final: bool = False) -> float | None:
            return None

    monkeypatch.setattr(search, "_incumbent_polish", lambda *args: Cheaper())
    monkeypatch.setattr(staged, "try_complete_hint", lambda rm, seconds=30.0, **kwargs: Completion(None, False, True))
    result = solve(config, requirements(config), OPTIONS)
    assert (result.interrupted, result.objective) == (True, costs[0])
    assert check_roster(result.roster, config) == []


def test_ctrl_c_while_the_polish_roster_is_completed_for_our_neighbourhoods_hands_nothing_over(
    tmp_path: Path, monkeypatch
) -> None:
    """Before our neighbourhoods take over a stalled search, the incumbent polish's cheaper roster is completed as
    their start (`_cheapest_solve`); Ctrl-C there leaves the search's solution as it is and says so, so the run
    ends instead of handing over for the time left."""
    from coverage.solve.data import ModelData
    from coverage.solve.model import build_model

    config = two_agents(tmp_path)
    rm = build_model(ModelData.of(config, requirements(config)))
    ended = runner.run_search(rm.model, QUIET.params)
    monkeypatch.setattr(staged, "try_complete_hint", lambda rm, seconds=30.0, **kwargs: Completion(None, False, True))

    class Cheaper:
        best = Refined(Roster(()), -1.0)

    assert search._cheapest_solve(rm, ended.solver, Cheaper(), 5.0) == (ended.solver, True)


def test_ctrl_c_while_the_constructed_flexible_roster_is_priced_runs_no_stand_in_search(tmp_path: Path, monkeypatch) -> None:
    """A flexible template (06:00-14:00 starts, 2-8 h), one agent wanted 10:00-15:00 New York: the constructed roster
    is priced through the model first; Ctrl-C there ends the run (a last second's search from its hint), where it
    used to go on to the stand-in's search of a share of the limit, and the result says interrupted."""
    from helpers import build_config, config_data, hourly

    from coverage.solve import SolveParams, coarse
    from coverage.solve.data import ModelInputs

    data = config_data()
    data["plan"]["interval_minutes"] = 30
    data["forecast"]["interval_minutes"] = 60
    data["sites"]["nyc"]["shifts"] = {"day": {"start": "06:00-14:00", "hours": "2-8"}}
    config = build_config(tmp_path, data, hourly("2026-12-07T15:00:00", 5))
    monkeypatch.setattr(staged, "try_complete_hint", lambda rm, seconds=30.0, **kwargs: Completion(None, False, True))
    monkeypatch.setattr(coarse, "coarse_start", lambda *args: pytest.fail("the stand-in searched after Ctrl-C"))
    limits: list[float] = []
    real = search.run_search
    monkeypatch.setattr(
        search,
        "run_search",
        lambda model, params, *a, **k: limits.append(params.time_limit_seconds) or real(model, params, *a, **k),
    )
    result = solve(config, requirements(config), ModelInputs(), SolveParams(time_limit_seconds=10, workers=2))
    assert (result.interrupted, limits) == (True, [1.0])
    assert result.roster is None or check_roster(result.roster, config) == []


def test_ctrl_c_while_the_kept_roster_is_completed_ends_the_run_without_a_search(tmp_path: Path, monkeypatch) -> None:
    """`--keep`: the kept roster is completed through the model before anything is searched; Ctrl-C there ends the run
    (no roster had a value yet: none, and it says interrupted) instead of searching for the rest of the limit."""
    config = two_agents(tmp_path)
    kept = solve(config, requirements(config), replace(OPTIONS, time_limit_seconds=2)).roster
    monkeypatch.setattr(staged, "try_complete_hint", lambda rm, seconds=30.0, **kwargs: Completion(None, False, True))
    monkeypatch.setattr(search, "run_search", lambda *args, **kwargs: pytest.fail("searched after Ctrl-C"))
    result = solve(config, requirements(config), replace(OPTIONS, keep=kept))
    assert (result.interrupted, result.roster, result.reasons) == (
        True,
        None,
        ["the search was interrupted before any roster was found"],
    )
