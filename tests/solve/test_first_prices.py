"""The construction's prices kept between asks (coverage.solve.first_prices, first_chains), hand-checked.

One agent in New York, December (UTC−5), the template `day` starting 06:00-14:00 local,
2-8 h, on a 60-minute grid. What is kept must be what recounting gives.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from helpers import build_config, config_data, hourly

from coverage.config import Config
from coverage.demand import requirements
from coverage.solve import first_chains, first_runs
from coverage.solve.data import ModelData
from coverage.solve.first_prices import AgentPlan, Need, Run, drop_run, take_run, target_row
from coverage.time import FlexWindow

FLEX = {"start": "06:00-14:00", "hours": "2-8"}


def _config(tmp_path: Path, agents: list[dict[str, object]], first: dict[str, object] | None = None) -> Config:
    data = config_data()
    data["sites"]["nyc"]["shifts"] = {"day": FLEX}
    data["agents"][0].update(first or {})
    data["agents"] += agents
    return build_config(tmp_path, data, hourly("2026-12-07T15:00:00", 3))


def _plans(data: ModelData) -> dict[str, AgentPlan]:
    return {s.id: AgentPlan(s, None, frozenset()) for s in data.scopes if s.flexible}


def _window(plan: AgentPlan, day: date) -> FlexWindow:
    return next(w for w in plan.scope.flexible if w.day == day)


def _slot(data: ModelData, utc: str) -> int:
    """The grid slot that begins at `utc`."""
    at = datetime.fromisoformat(utc).replace(tzinfo=UTC)
    return int((at - data.grid.start).total_seconds() // (60 * data.grid.minutes))


def test_a_week_s_minutes_follow_the_runs_taken_and_dropped(tmp_path: Path) -> None:
    """Mon 7 Dec 3 h and Wed 9 Dec 2 h in one week, Mon 14 Dec 4 h in the next: 300 and 240 minutes, 540 in all."""
    raw = config_data()
    raw["sites"]["nyc"]["shifts"] = {"day": FLEX}
    raw["plan"]["days"] = 14
    config = build_config(tmp_path, raw, hourly("2026-12-07T15:00:00", 3))
    data = ModelData.of(config, requirements(config))
    need, plan = Need.of(data), _plans(data)["a1"]
    runs: dict[date, Run] = {}
    for day, hours in ((date(2026, 12, 7), 3), (date(2026, 12, 9), 2), (date(2026, 12, 14), 4)):
        w = _window(plan, day)
        runs[day] = Run(w, w.first, hours * 60 // w.slot_minutes, "chat")
        take_run(data, need, plan, runs[day])
    assert (plan.week_minutes(date(2026, 12, 7)), plan.week_minutes(date(2026, 12, 14)), plan.worked_minutes()) == (300, 240, 540)
    drop_run(data, need, plan, runs[date(2026, 12, 9)])
    assert (plan.week_minutes(date(2026, 12, 7)), plan.worked_minutes(), sorted(plan.runs)) == (
        180,
        420,
        [date(2026, 12, 7), date(2026, 12, 14)],
    )


def test_a_target_row_prices_each_length_from_the_hours_worked() -> None:
    """9 h worked of a 10 h target (1 h away, 1 unit): a 2 h run ends 1 h over (1 − 1 = 0); 2.5 h ends 1.5 h over,
    rounded up to 2 (4 − 1 = 3, × weight 5 = 15); 3 h 2 h over (15). Linear: 0, 5, 5. Shared, so read-only."""
    squared = target_row(5, False, 540, 600, 4, 6, 30)
    assert squared.tolist() == [0.0, 15.0, 15.0]
    assert target_row(5, True, 540, 600, 4, 6, 30).tolist() == [0.0, 5.0, 5.0]
    assert target_row(5, False, 540, 600, 4, 6, 30) is squared
    with pytest.raises(ValueError, match="read-only"):
        squared[0] = 1.0


def test_a_chain_reaches_a_slot_only_through_agent_days_open_over_it(tmp_path: Path) -> None:
    """Monday: a1 unavailable from 13:00 local (18:00Z), a2 free only 09:00-11:00 local (14:00-16:00Z).

    Both have a window over 17:00Z (a start up to 14:00 local) but only a1 may work it; at 18:00Z neither;
    at 14:30Z both. (Listed in the order of the agent-days.)
    """
    config = _config(
        tmp_path,
        [
            {
                "id": "a2",
                "site": "nyc",
                "contract": "full_time",
                "skills": ["chat"],
                "availability": {"unavailable": ["Mon 00:00-09:00", "Mon 11:00-24:00"]},
            }
        ],
        first={"availability": {"unavailable": ["Mon 13:00-24:00"]}},
    )
    data = ModelData.of(config, requirements(config))
    plans = _plans(data)
    monday = date(2026, 12, 7)
    days = {(agent, monday): [_window(plan, monday)] for agent, plan in plans.items()}
    reaching = first_chains._reaching(plans, days)
    times = ("2026-12-07T14:30", "2026-12-07T17:00", "2026-12-07T18:00")
    on = {utc: [agent for agent, _ in reaching.get(_slot(data, utc), [])] for utc in times}
    assert on == {"2026-12-07T14:30": ["a1", "a2"], "2026-12-07T17:00": ["a1"], "2026-12-07T18:00": []}
    assert all(
        _window(plans[a], monday).first <= _slot(data, "2026-12-07T18:00") <= _window(plans[a], monday).last for a in plans
    )


def test_a_transfer_reaches_an_agent_day_only_where_one_of_its_slots_is_open(tmp_path: Path) -> None:
    """a1 unavailable Monday from 13:00 local (18:00Z): a run 18:00-20:00Z cannot pass to it, one 17:00-19:00Z can
    (17:00Z is open), one 16:00-17:00Z too; none at 03:00-05:00Z (closed, and past the window's last slot,
    02:00Z: its last start 14:00 local + 8 h)."""
    config = _config(tmp_path, [], first={"availability": {"unavailable": ["Mon 13:00-24:00"]}})
    data = ModelData.of(config, requirements(config))
    plan = _plans(data)["a1"]
    opened = first_runs._open_sum(plan, [_window(plan, date(2026, 12, 7))])
    runs = [("2026-12-07T18:00", "2026-12-07T20:00"), ("2026-12-07T17:00", "2026-12-07T19:00")]
    runs += [("2026-12-07T16:00", "2026-12-07T17:00"), ("2026-12-08T03:00", "2026-12-08T05:00")]
    assert [first_runs._open_in(opened, _slot(data, a), _slot(data, b)) for a, b in runs] == [False, True, True, False]
