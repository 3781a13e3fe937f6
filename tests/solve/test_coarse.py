"""Coarse to fine for flexible templates: the listed stand-in, its roster as the flexible model's hint, the search from there.

December: New York is UTC−5, so 10:00 local is 15:00Z. The plan's grid is
60 minutes, so the stand-in steps two hours (coverage.solve.coarse.STEP_MINUTES).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from helpers import build_config, config_data, hourly

from coverage.check import check_roster
from coverage.config import Config
from coverage.config.schema import ShiftTemplate
from coverage.demand import requirements
from coverage.solve import SolveParams, coarse, solve
from coverage.solve.coarse import coarse_start, stand_in, stand_in_shifts
from coverage.solve.data import ModelData, ModelInputs
from coverage.solve.model import build_model
from coverage.solve.staged import complete_hint, hint_roster

FLEX = {"start": "06:00-14:00", "hours": "2-8"}
MONDAY_TEN_TO_FOUR = hourly("2026-12-07T15:00:00", 6)  # 10:00-16:00 New York: one agent each hour
PARAMS = SolveParams(time_limit_seconds=5, seed=1, workers=2, deterministic=True)


def _config(tmp_path: Path, rows: list, day: dict[str, str] = FLEX, **changes: Any) -> Config:
    data = config_data()
    data["sites"]["nyc"]["shifts"] = {"day": day, "early": {"start": "06:00", "hours": 4}}
    data["agents"].append({"id": "a2", "site": "nyc", "contract": "full_time", "skills": ["chat"]})
    data.update(changes)
    return build_config(tmp_path, data, rows)


def test_the_stand_in_lists_starts_and_lengths_every_two_hours_both_ends_kept() -> None:
    even = stand_in_shifts("day", ShiftTemplate(start="06:00-16:00", hours="2-8"))
    assert len(even) == 6 * 4  # starts 06, 08, 10, 12, 14, 16 × 2, 4, 6, 8 h
    assert (even["day.0600.120"].start, even["day.0600.120"].hours) == ("06:00", 2)
    assert (even["day.1600.480"].start, even["day.1600.480"].hours) == ("16:00", 8)
    odd = stand_in_shifts("late", ShiftTemplate(start="19:00-22:30", hours="2-5"))
    assert list(odd) == [f"late.{s}.{m}" for s in ("1900", "2100", "2230") for m in (120, 240, 300)]
    assert not any(t.flexible for t in odd.values())


def test_the_stand_in_translates_allowed_shifts_and_declines_a_rule_naming_a_flexible_template(tmp_path: Path) -> None:
    config = _config(tmp_path, MONDAY_TEN_TO_FOUR)
    config = config.model_copy(update={"agents": [config.agents[0].model_copy(update={"shifts": ["day"]}), config.agents[1]]})
    coarse = stand_in(config, ModelInputs())
    assert coarse is not None
    assert sorted(coarse.config.sites["nyc"].shifts) == sorted(
        ["early", *stand_in_shifts("day", config.sites["nyc"].shifts["day"])]
    )
    allowed = coarse.config.agents[0].shifts  # a1 may work `day` only: its 5 starts × 4 lengths
    assert len(allowed) == 5 * 4 and "early" not in allowed
    assert coarse.config.agents[1].shifts is None
    covered = _config(tmp_path, MONDAY_TEN_TO_FOUR, cover=[{"site": "nyc", "shift": "day", "count": 1}])
    assert stand_in(covered, ModelInputs()) is None  # the stand-in has no `day` to count
    listed = _config(tmp_path, MONDAY_TEN_TO_FOUR, day={"start": "10:00", "hours": 6})
    assert stand_in(listed, ModelInputs()) is None  # nothing flexible


def test_the_stand_in_roster_is_the_flexible_models_hint_exactly(tmp_path: Path) -> None:
    config = _config(tmp_path, MONDAY_TEN_TO_FOUR)
    needs = requirements(config)
    start = coarse_start(config, needs, ModelInputs(), PARAMS)
    assert start is not None and start.roster is not None
    ((run,),) = [start.roster.assignments]  # the stand-in's 10:00 start for 6 h covers the need exactly
    assert (run.shift, f"{run.start_utc:%d %H:%M}", f"{run.end_utc:%d %H:%M}") == ("day", "07 15:00", "07 21:00")
    assert check_roster(start.roster, config) == []
    flexible = build_model(ModelData.of(config, needs))
    hint_roster(flexible, start.roster)
    completed = complete_hint(flexible)
    assert completed is not None
    assert flexible.roster_from(completed.boolean_value) == start.roster
    assert flexible.exact_objective(completed.value) == 0


def test_solve_starts_from_the_stand_in_and_refines_to_the_half_hour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 10:00-15:00 need: the stand-in's lengths are 2, 4, 6 and 8 h; the flexible search then fits the 5 h run exactly.

    Without the constructed start (coverage.solve.first_runs), as where it declines.
    """
    monkeypatch.setattr(coarse, "CONSTRUCTED", False)
    data = config_data()
    data["plan"]["interval_minutes"] = 30
    data["forecast"]["interval_minutes"] = 60
    data["sites"]["nyc"]["shifts"] = {"day": FLEX}
    config = build_config(tmp_path, data, hourly("2026-12-07T15:00:00", 5))
    said = io.StringIO()
    result = solve(config, requirements(config), ModelInputs(), SolveParams(time_limit_seconds=10, workers=2, progress=said))
    assert "coarse start: 20 listed stand-ins" in said.getvalue()  # starts 06-14 every 2 h × 2, 4, 6, 8 h
    assert result.roster is not None and check_roster(result.roster, config) == []
    assert [(f"{a.start_utc:%H:%M}", f"{a.end_utc:%H:%M}") for a in result.roster.assignments] == [("15:00", "20:00")]
    assert result.objective == 0


def test_a_flexible_plan_with_the_coarse_phase_is_deterministic(tmp_path: Path) -> None:
    config = _config(tmp_path, MONDAY_TEN_TO_FOUR + hourly("2026-12-08T13:00:00", 9) + hourly("2026-12-09T11:00:00", 4))
    needs = requirements(config)
    first = solve(config, needs, ModelInputs(), PARAMS)
    second = solve(config, needs, ModelInputs(), PARAMS)
    assert first.roster is not None and check_roster(first.roster, config) == []
    assert first.roster == second.roster and first.objective == second.objective


def test_a_bound_below_zero_is_shown_as_zero() -> None:
    """Every roster costs at least 0 (costs and spreads, never rewards): a presolve-free search's -81 is no bound to show."""
    from coverage.solve.search import SolveResult

    result = SolveResult("FEASIBLE", None, 12.0, -81.0, 1.0, timeline=[(0.5, 40.0, -81.0), (0.9, 12.0, 3.0)])
    assert result.best_bound == 0.0 and result.gap == 1.0
    assert [bound for _, _, bound in result.timeline] == [0.0, 3.0]


def test_a_deterministic_flexible_start_is_priced_however_slow_the_machine(tmp_path: Path, monkeypatch) -> None:
    """The flexible start's roster (one agent 10:00-16:00 on Monday: the need exactly, cost 0) is priced in a
    deterministic run by CP-SAT's work, so a machine whose wall-clock limits buy a billionth of the work
    (helpers.completions_on_a_slow_machine) still starts from it. With its 30 s wall-clock limit the pricing ran out
    there and the run started from the search's own first roster, another roster on another machine."""
    from helpers import completions_on_a_slow_machine

    from coverage.solve import search

    config = _config(tmp_path, MONDAY_TEN_TO_FOUR)
    needs = requirements(config)
    completions_on_a_slow_machine(monkeypatch)
    rm = build_model(ModelData.of(config, needs))
    start, priced = search._flexible_start(config, needs, ModelInputs(), PARAMS, rm, 0.0)
    assert start is not None and priced is not None and priced.objective == 0
    assert priced.roster is not None and check_roster(priced.roster, config) == []
