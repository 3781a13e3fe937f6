"""Review of the week-by-week sweep (branch `rolling`): what a swept run's result says about the run.

The instance is test_week_sweep's Curtois-format one: five weeks, four
employees, three wanted on shift D each day (100 a missing one). With the
sweep asked for, CP-SAT's search stops at its first roster, the sweep takes
it down window by window, and CP-SAT searches again from the swept roster.
"""

from __future__ import annotations

from pathlib import Path

from ortools.sat.python import cp_model
from test_week_sweep import swept_run

from coverage.solve import search
from coverage.solve.runner import Search


def test_the_timeline_never_goes_back_to_the_first_roster_after_the_sweep(tmp_path: Path, monkeypatch) -> None:
    """Once the sweep has a cheaper roster, no later point of the timeline shows a dearer one.

    On `rolling` the last search's first bound is recorded with the first
    search's objective (Progress._objective, never told of the sweep): the
    timeline goes 1,530 -> ... -> 0 (the sweep) -> 1,530 -> 0, so
    `SolveResult.at` and the progress line report the first roster's cost
    after the run held a cheaper one.
    """
    result, swept = swept_run(tmp_path, monkeypatch)
    costs = [objective for _, objective, _ in result.timeline if objective is not None]
    assert costs[-1] == result.objective
    rises = [(before, after) for before, after in zip(costs, costs[1:]) if after > before]
    assert rises == [], f"the timeline's objective rises: {rises} (sweep ended at {swept.objective})"


def test_a_last_search_stopped_before_its_first_roster_keeps_the_runs_timeline(tmp_path: Path, monkeypatch) -> None:
    """Ctrl-C during the last search's presolve (seen on cl-12w-150, 1 s into it): the swept roster is the result,
    interrupted, and the timeline still holds the run's rosters (the first and the sweep's).

    Simulated here: the last search returns UNKNOWN, interrupted, before any
    roster. On `rolling` the result's timeline is empty (`replace(fallback,
    ...)` keeps the fallback's own, never set), so `at(t)` is (None, None)
    for every t of a run that had rosters.
    """
    real = search.run_search
    calls: list[int] = []

    def interrupted_last(model, params, progress=None, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            return real(model, params, progress, **kwargs)
        return Search(cp_model.UNKNOWN, cp_model.CpSolver(), True)

    monkeypatch.setattr(search, "run_search", interrupted_last)
    result, swept = swept_run(tmp_path, monkeypatch)
    assert len(calls) == 2
    assert (result.interrupted, result.objective) == (True, swept.objective)
    assert result.timeline, "the run had rosters, its timeline is empty"
    assert result.at(result.wall_seconds)[0] == swept.objective
