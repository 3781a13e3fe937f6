"""The rolling start's later passes (issue 24): while a pass of the windows gains, they go round again, shifted by
half a window, instead of handing the roster back to CP-SAT.

The instance is test_week_sweep's one employee over a fortnight (one D shift
wanted a day, 100 a missing one, runs of five at most): from the roster that
works nothing (1,400), the first pass (days 0-7, then 7-13) reaches 200, the
optimum; the second pass (shifted by three days: 0-3, 3-10, 10-13) can gain
nothing more, so there is no third.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

from ortools.sat.python import cp_model
from test_week_sweep import config_of, nothing_worked, swept_run

from coverage.check import check_roster
from coverage.demand import requirements
from coverage.solve import neighbourhoods, search
from coverage.solve.data import ModelData
from coverage.solve.model import build_model
from coverage.solve.neighbourhoods import roll_forward, rolling_windows
from coverage.solve.runner import Progress, SolveParams

MONDAY = date(2026, 3, 2)
FORTNIGHT = tuple(MONDAY + timedelta(days=k) for k in range(14))


def test_shifted_windows_straddle_the_first_passes_edges() -> None:
    """A week (7 days) plus a day's overlap each; shifted by three: the first three days (+1), then weeks from day 3."""
    windows = [sorted(w) for w in rolling_windows(FORTNIGHT, agents=1, offset=3)]
    assert windows == [list(FORTNIGHT[0:4]), list(FORTNIGHT[3:11]), list(FORTNIGHT[10:14])]
    assert rolling_windows(FORTNIGHT, agents=1, offset=7) == rolling_windows(FORTNIGHT, agents=1)


def test_a_pass_that_gained_earns_another_and_one_that_did_not_ends_them(tmp_path: Path) -> None:
    config = config_of(tmp_path, days=14, staff=1, wanted=1)
    built = build_model(ModelData.of(config, requirements(config)))
    swept = roll_forward(built, nothing_worked(built), 60, Progress(None, time.perf_counter(), 60), workers=1, again_for=60)
    assert (swept.passes, swept.windows, swept.objective) == (2, 2 + 3, 200)
    assert check_roster(swept.roster, config) == []


def test_no_time_after_the_first_pass_means_one_pass(tmp_path: Path) -> None:
    config = config_of(tmp_path, days=14, staff=1, wanted=1)
    built = build_model(ModelData.of(config, requirements(config)))
    swept = roll_forward(built, nothing_worked(built), 60, Progress(None, time.perf_counter(), 60), workers=1)
    assert (swept.passes, swept.windows, swept.objective) == (1, 2, 200)


def test_another_pass_needs_a_gain_of_one_percent_and_time_for_its_windows() -> None:
    days, agents = FORTNIGHT, 1  # two windows: a pass needs 2 x MIN_WINDOW_SECONDS = 1 s
    assert neighbourhoods._another_pass(1_000, 990, 1.0, days, agents)  # 1 %
    assert not neighbourhoods._another_pass(1_000, 991, 60.0, days, agents)  # 0.9 %
    assert not neighbourhoods._another_pass(1_000, 500, 0.9, days, agents)  # no time for two windows


def test_windows_to_the_limit_return_their_roster_without_another_search(tmp_path: Path, monkeypatch) -> None:
    """With less than LAST_SEARCH_LEAST left after the windows, their roster is the run's result: no last search.

    Five weeks, four employees, three wanted a day (test_week_sweep's `swept_run`): CP-SAT's search stops at its
    first roster, the windows take it down, and the run returns the windows' roster as it stands.
    """
    monkeypatch.setattr(search, "LAST_SEARCH_LEAST", 1e9)
    searches: list[float] = []
    real = search.run_search

    def counted(model, params, progress=None, **kwargs):
        searches.append(params.time_limit_seconds)
        return real(model, params, progress, **kwargs)

    monkeypatch.setattr(search, "run_search", counted)
    result, swept = swept_run(tmp_path, monkeypatch)  # the roster checked there
    assert len(searches) == 1  # CP-SAT's search to its first roster only
    assert (result.status, result.objective, result.interrupted) == ("FEASIBLE", swept.objective, False)
    assert result.at(result.wall_seconds)[0] == swept.objective
    assert result.best_bound is not None and 0 <= result.best_bound <= result.objective  # the first search's


def test_the_search_from_the_swept_roster_keeps_the_users_settings_without_presolve() -> None:
    """The model was presolved by the first search already: the last one starts from the hint at once."""
    parameters = cp_model.CpSolver().parameters
    search._hinted_search(SolveParams(time_limit_seconds=5, seed=3, workers=2))(parameters)
    assert (parameters.cp_model_presolve, parameters.random_seed, parameters.max_time_in_seconds) == (False, 3, 5)
    assert list(parameters.subsolvers) == ["max_lp_sym"]  # the portfolio below 8 workers (runner.configure_search)
