"""The email queue's units on a quarter-hour grid: an agent's interval of work counted whole, not rounded down.

One agent in New York answers email: 360 s a contact, shrinkage 0.1, a 15-minute grid, so one agent on duty
clears 900 / 360 × 0.9 = 2.25 emails an interval. Lateness is priced as an uncovered hour is (400 an agent-hour
of work an hour late): an email (6 minutes) late for one interval costs 400 × 0.1 × 0.25 = 10, so the old unit
was a tenth of an email and an agent's interval 22.5 of them — rounded to 22, 2.2 % short of what ann answers.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pendulum
import yaml

from coverage.check import check_roster
from coverage.config import Config, load_config
from coverage.demand import requirements
from coverage.gaps import coverage_of, summary
from coverage.queue import MOST_SCALE, BacklogQueue, whole_scale
from coverage.roster import Assignment, Roster
from coverage.solve import SolveOptions, solve

NY = "America/New_York"
QUIET = SolveOptions(time_limit_seconds=20, workers=2, seed=1, progress=None, deterministic=True)


def quarter_hour_team(tmp_path: Path, arrivals: dict[str, float], minutes: int = 15, shrinkage: float = 0.1) -> Config:
    """ann may work 07:00-15:00 Monday; `arrivals` maps New York times ("00:00") on Monday to emails in that interval.

    Deadline 4 h; nothing prices agents beyond the pace (`overstaffed: 0`), so the objective is the lateness alone.
    """
    data = {
        "plan": {"start": "2027-01-04", "days": 1, "timezone": NY, "interval_minutes": minutes},
        "views": [NY],
        "shrinkage": shrinkage,
        "weights": {"overstaffed": 0},
        "channels": {"email": {"kind": "backlog", "aht_seconds": 360, "respond_within_hours": 4}},
        "forecast": {"file": "forecast.csv", "timezone": NY, "interval_minutes": minutes},
        "sites": {"nyc": {"timezone": NY, "shifts": {"morning": {"start": "07:00", "hours": 8}}}},
        "contracts": {"c": {"hours_per_week": {"min": 0, "max": 56}, "max_days_per_week": 7}},
        "agents": [{"id": "ann", "site": "nyc", "contract": "c", "skills": ["email"]}],
    }
    rows = "".join(f"2027-01-04T{t}:00,email,{v}\n" for t, v in arrivals.items())
    (tmp_path / "forecast.csv").write_text("start,channel,volume\n" + rows)
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return load_config(tmp_path / "plan.yaml")


# Episode A: 22.5 emails at 05:00, due by 09:00. ann answers 8 × 2.25 = 18 of them 07:00-09:00: 4.5 late, then
# 2.25 still late at 09:15 and none at 09:30. Episode B: 36 emails at 10:00, due by 14:00: 16 intervals × 2.25 = 36,
# every one in time. (With 2.2 an interval: A leaves 4.9 late, then 2.7 and 0.5; B leaves 0.8, which is half an
# email and more, so 10:00 counted as an uncovered quarter-hour.)
EPISODES = {"05:00": 22.5, "10:00": 36.0}


def ann_works(config: Config) -> Roster:
    start = pendulum.instance(datetime(2027, 1, 4, 12, tzinfo=ZoneInfo("UTC")))  # 07:00 New York
    return Roster((Assignment("ann", "nyc", "email", "morning", date(2027, 1, 4), start, start.add(hours=8)),))


def test_a_quarter_hour_agent_clears_two_and_a_quarter_emails_not_two_point_two(tmp_path: Path) -> None:
    config = quarter_hour_team(tmp_path, EPISODES)
    needs = requirements(config)
    queue = BacklogQueue.of(needs.backlog["email"], config.weights.late, needs.grid.hours_per_interval)
    assert (queue.scale, queue.units_per_contact, set(queue.per_agent)) == (2, 20.0, {45})  # 2.25 emails × 20, whole
    cov = coverage_of(ann_works(config), needs, config)
    email = cov.backlog["email"]
    assert [k for k, late in enumerate(email.late_by_arrival) if late] == [20]  # 05:00 (20 quarter-hours into Monday)
    assert email.late_by_arrival[20] == 4.5 and sum(email.late_by_arrival) == 4.5
    # past their deadline at 09:00, 09:15 and 09:30 (ends of intervals 35-37): 4.5 + 2.25 + 0 = 6.75 email-quarter-hours,
    # 1.6875 h
    assert [(k, v) for k, v in enumerate(email.late_now) if v] == [(35, 4.5), (36, 2.2)]  # to a tenth: 2.25 → 2.2
    digest = summary(cov, config, status="GIVEN", objective=None, best_bound=None, wall_seconds=None)
    figures = digest.backlog["email"]
    assert (figures.contacts_due, figures.late, figures.contact_hours_late) == (58.5, 4.5, 1.7)  # old: 58.5, 5.7, 2.2
    assert digest.uncovered_hours == {"email": 0.25}  # 05:00 only (old: 0.5, 10:00's 0.8 late too)


def test_the_model_prices_the_quarter_hour_queue_in_whole_agent_intervals(tmp_path: Path) -> None:
    """The model runs the same queue: 4.5 emails late at 09:00 (90 of the finer units, 45 steps of the price) and
    2.25 at 09:15 (45 units, 22.5 steps, rounded up to 23): 68, against the fluid 6.75 × 10 = 67.5 (old: 81 for 05:00
    and 8 for 10:00's 0.8 late, 89)."""
    config = quarter_hour_team(tmp_path, EPISODES)
    result = solve(config, requirements(config), QUIET)
    assert result.roster is not None and check_roster(result.roster, config) == []
    assert [(a.agent, a.shift) for a in result.roster.assignments] == [("ann", "morning")]
    assert (result.status, result.objective) == ("OPTIMAL", 68)


def test_an_hour_grid_keeps_its_units() -> None:
    """400 × 1² × 0.8 = 320 a head: whole already, so 60-minute figures stay as they were (scale 1)."""
    assert whole_scale([320.0, 320.0]) == 1
    assert whole_scale([400 * 0.25**2 * 0.9]) == 2  # 22.5
    assert whole_scale([400 * 0.25**2 * 0.85]) == 4  # 21.25
    assert whole_scale([400 * (10 / 60) ** 2 * 0.87]) == 3  # a 10-minute grid: 400 / 36 × 0.87 = 9.666… = 29 / 3
    assert whole_scale([22.5, 21.25]) == 4  # every interval's capacity whole at once (two weekdays' shrinkage)


def test_a_capacity_no_scale_makes_whole_is_kept_within_a_thousandth() -> None:
    """A site-weighted shrinkage can be any number: 25 × (1 − 0.1234567) = 21.9135825 is whole at no scale up to
    MOST_SCALE, so the first scale that leaves under 0.1 % of a head's work is taken (10: 219.135825, 0.136 off,
    0.06 %; 1 to 9 leave 0.11 % to 0.39 %)."""
    value = 25 * (1 - 0.1234567)
    scale = whole_scale([value])
    assert scale == 10 and abs(value * scale - round(value * scale)) <= 1e-3 * value * scale
    assert 1 < scale < MOST_SCALE
