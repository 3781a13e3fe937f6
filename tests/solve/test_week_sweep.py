"""The week-by-week sweep (coverage.solve.neighbourhoods.roll_forward): each window of days re-solved, the rest of the roster fixed.

The instance, in Curtois & Qu's format (coverage.read_curtois): one employee,
E0, fourteen days from a Monday, one 8-hour day shift D wanted on every day
(100 for each day uncovered), at most five days in a row, weekends unlimited.
Fourteen days with no run longer than five need two days off at least, so
the best roster works twelve days and costs 2 × 100 = 200. Starting from the
roster in which E0 works nothing (1,400), the sweep's first window (days 0-7,
days 8-13 fixed off) works seven of its eight days (one day off splits the
eight into runs of five or fewer); the second window (days 7-13, days 0-6
fixed) then leaves exactly one more day off, whichever day the first chose:
200, the optimum, in two windows.
"""

from __future__ import annotations

import math
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from coverage.check import check_roster
from coverage.config import Config
from coverage.demand import requirements
from coverage.read_curtois import read_instance, to_config
from coverage.solve import ModelInputs, SolveParams, SolveResult, neighbourhoods, solve
from coverage.solve.data import ModelData
from coverage.solve.model import BuiltModel, build_model
from coverage.solve.neighbourhoods import roll_forward, rolling_wanted, rolling_windows, window_days
from coverage.solve.runner import Progress, hint_all, try_fill_hint


def curtois_text(days: int, staff: int, wanted: int) -> str:
    """`staff` employees, `days` days, `wanted` of them on shift D every day (100 a missing one, 1 a surplus one)."""
    people = "\n".join(f"E{k},D={days},{days * 480},0,5,1,1,{days}" for k in range(staff))
    cover = "\n".join(f"{day},D,{wanted},100,1" for day in range(days))
    return (
        f"SECTION_HORIZON\n{days}\n\nSECTION_SHIFTS\nD,480,\n\nSECTION_STAFF\n{people}\n\n"
        f"SECTION_DAYS_OFF\n\nSECTION_SHIFT_ON_REQUESTS\n\nSECTION_SHIFT_OFF_REQUESTS\n\nSECTION_COVER\n{cover}\n"
    )


def config_of(tmp_path: Path, days: int, staff: int, wanted: int) -> Config:
    path = tmp_path / "instance.txt"
    path.write_text(curtois_text(days, staff, wanted))
    return to_config(read_instance(path))


def nothing_worked(built: BuiltModel) -> cp_model.CpSolver:
    """A solve of the model whose roster works no shift at all: the roster the sweep starts from."""
    model = built.model.clone()
    for var in built.variables.choices.values():
        model.add(model.get_int_var_from_proto_index(var.index) == 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver


def test_two_windows_take_an_empty_roster_to_the_optimum(tmp_path: Path) -> None:
    config = config_of(tmp_path, days=14, staff=1, wanted=1)
    built = build_model(ModelData.of(config, requirements(config)))
    start = nothing_worked(built)
    assert built.exact_objective(start.value) == 1_400  # fourteen days uncovered
    swept = roll_forward(built, start, seconds=60, progress=Progress(None, time.perf_counter(), 60), workers=1)
    assert (swept.windows, swept.interrupted, swept.objective) == (2, False, 200)
    assert len(swept.roster.assignments) == 12
    assert check_roster(swept.roster, config) == []
    whole = built.model.clone()  # the swept values, every one fixed, are a solution of the whole model, priced the same
    hint_all(whole, swept.values)
    completion = try_fill_hint(whole, 30)
    assert completion.solver is not None and built.exact_objective(completion.solver.value) == 200


def test_windows_are_a_week_and_a_day_for_small_teams_and_narrower_for_big_ones() -> None:
    monday = date(2026, 3, 2)
    days = tuple(monday + timedelta(days=k) for k in range(14))
    assert [sorted(w) for w in rolling_windows(days, agents=1)] == [list(days[0:8]), list(days[7:14])]
    assert (window_days(20), window_days(80), window_days(150), window_days(1_000)) == (7, 7, 4, 2)


def test_on_by_default_past_four_weeks_on_big_rosters_never_in_deterministic_runs() -> None:
    assert not rolling_wanted(SolveParams(), 28, 1_000) and rolling_wanted(SolveParams(), 29, 140)
    assert not rolling_wanted(SolveParams(), 56, 40)  # cl-8w-40: 2,240 (agent, day) pairs
    assert rolling_wanted(SolveParams(), 63, 60)  # a 9-week, 60-staff roster: 3,780
    assert rolling_wanted(SolveParams(), 70, 80)  # cl-10w-80: 5,600
    assert not rolling_wanted(SolveParams(rolling_start=False), 84, 150) and rolling_wanted(
        SolveParams(rolling_start=True), 14, 1
    )
    assert not rolling_wanted(SolveParams(deterministic=True, rolling_start=True), 84, 150)


def swept_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[SolveResult, neighbourhoods.Swept]:
    """Five weeks, four employees, three wanted a day, the rolling start asked for (too small a roster for the
    default): the run's result, checked, and the rolling start's own outcome (it ran once)."""
    config = config_of(tmp_path, days=35, staff=4, wanted=3)
    swept: list[neighbourhoods.Swept] = []
    real = neighbourhoods.roll_forward

    def spy(*args, **kwargs):
        swept.append(real(*args, **kwargs))
        return swept[-1]

    monkeypatch.setattr(neighbourhoods, "roll_forward", spy)
    settings = SolveParams(time_limit_seconds=8, workers=2, rolling_start=True)
    result = solve(config, requirements(config), ModelInputs(explain=False), settings)
    assert len(swept) == 1
    assert result.roster is not None and check_roster(result.roster, config) == []
    return result, swept[0]


def test_a_five_week_run_sweeps_in_windows_of_a_week(tmp_path: Path, monkeypatch) -> None:
    """It re-solves five windows of a week, and the run's roster costs no more than the rolling start's.

    One pass only (no gain earns another): later passes are test_rolling_passes'.
    """
    monkeypatch.setattr(neighbourhoods, "REPASS_GAIN", math.inf)
    result, swept = swept_run(tmp_path, monkeypatch)
    assert swept.windows == 5  # 35 days in windows of seven
    assert result.objective is not None and result.objective <= swept.objective


def test_a_first_roster_too_late_for_a_sweep_does_not_stop_the_search(tmp_path: Path, monkeypatch) -> None:
    """With no time for a sweep after any first roster (it must end by 0 % of the limit), the first search is the
    run's search: no sweep, and the roster it returns is the optimum (200 on the one-employee fortnight)."""
    config = config_of(tmp_path, days=14, staff=1, wanted=1)
    monkeypatch.setattr(neighbourhoods, "SWEEP_ENDS_BY", 0.0)
    monkeypatch.setattr(neighbourhoods, "roll_forward", lambda *args, **kwargs: pytest.fail("swept"))
    result = solve(
        config,
        requirements(config),
        ModelInputs(explain=False),
        SolveParams(time_limit_seconds=20, workers=2, rolling_start=True),
    )
    assert result.status == "OPTIMAL" and result.objective == 200
    assert result.roster is not None and check_roster(result.roster, config) == []
