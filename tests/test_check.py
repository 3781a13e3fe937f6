"""The independent checker: for every hard rule, a roster that keeps it and one that breaks it.

Rosters are written as CSV text and read with `read_roster`, exactly as
`covplan verify` reads a manager's hand-made file, so these tests also pin
down what a hand-made roster is judged against.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from string import Template

import pendulum
import pytest

from coverage.check import Violation, check_roster
from coverage.config import Config
from coverage.roster import Assignment, Roster, read_roster

BASE = Template("""\
plan: {start: $start, days: $days, timezone: America/New_York}
channels:
  chat: {kind: realtime, aht_seconds: 360, service_level: {percent: 80, within_seconds: 60}}
  email: {kind: backlog, aht_seconds: 360, respond_within_hours: 4}
forecast: {file: forecast.csv}
sites:
  nyc:
    timezone: America/New_York$holidays
    shifts:
      early: {start: "07:00", hours: 8}
      day: {start: "09:00", hours: 8}
      late: {start: "14:00", hours: 8}
      dawn: {start: "00:00", hours: 4}
      dusk: {start: "16:00", hours: 4}
      night: {start: "22:00", hours: 12}
      long: {start: "09:00", hours: 9, unpaid_break_minutes: 60}
  dub:
    timezone: Europe/Dublin
    shifts:
      day: {start: "09:00", hours: 8}
  mnl:
    timezone: Asia/Manila
    shifts:
      day: {start: "09:00", hours: 8}
contracts:
  full_time: {hours_per_week: {min: $min_hours, max: $max_hours}, max_days_per_week: $max_days}
  flex: {hours_per_week: {min: 0, max: 40}, max_days_per_week: 5}
rules: {min_rest_hours: $min_rest, max_consecutive_days: 6$weekends}
agents:
  - {id: ana, site: nyc, contract: full_time, skills: [chat]$ana}
  - {id: ben, site: nyc, contract: flex, skills: [chat, email]}
  - {id: cruz, site: mnl, contract: flex, skills: [chat]}
""")

DEFAULTS = {
    "start": "2026-12-07",  # a Monday
    "days": 7,
    "holidays": "",
    "min_hours": 0,
    "max_hours": 40,
    "max_days": 5,
    "min_rest": 11,
    "weekends": "",
    "ana": "",
}

Check = Callable[..., list[Violation]]


@pytest.fixture
def check(make_config: Callable[..., Config], tmp_path: Path) -> Check:
    """Check CSV roster text against BASE with some placeholders changed.

    The header `agent,shift,date` is added when the text does not start with one.
    """

    def run(rows: str, **changes: object) -> list[Violation]:
        config = make_config(BASE.substitute({**DEFAULTS, **changes}))
        text = textwrap.dedent(rows).strip()
        if not text.startswith("agent"):
            text = "agent,shift,date\n" + text
        path = tmp_path / "roster.csv"
        path.write_text(text + "\n", encoding="utf-8")
        return check_roster(read_roster(path, config), config)

    return run


def found(violations: list[Violation]) -> list[tuple[str, str, date | None]]:
    """(rule, agent, day) of each violation: what the tests pin down exactly."""
    return [(v.rule, v.agent, v.day) for v in violations]


def days(agent: str, shift: str, *dates: str) -> str:
    return "\n".join(f"{agent},{shift},{d}" for d in dates)


D = date.fromisoformat


# --------------------------------------------------------------------------- basics


def test_empty_roster_is_clean(check: Check) -> None:
    assert check("agent,shift,date") == []


def test_violation_reads_as_one_line_with_file_and_line(check: Check) -> None:
    [v] = check("ana,day,2026-12-08\nana,day,2026-12-14")
    assert str(v).endswith(f"roster.csv:3: agent ana: {v.message.removeprefix('ana: ')}")
    assert v.message.startswith("ana: ")
    assert v.line == 3
    no_line = Violation("leave", "ana", None, "ana: shift on leave")
    assert str(no_line) == "roster.csv: agent ana: shift on leave"


def test_violations_sorted_by_agent_then_day(check: Check) -> None:
    rows = "cruz,day,2026-12-07\nana,day,2026-12-14\nana,day,2026-12-06"
    assert found(check(rows)) == [
        ("period", "ana", D("2026-12-06")),
        ("period", "ana", D("2026-12-14")),
        ("period", "cruz", D("2026-12-07")),
    ]


def test_unknown_agent_in_hand_built_roster(make_config: Callable[..., Config]) -> None:
    config = make_config(BASE.substitute(DEFAULTS))
    start = pendulum.datetime(2026, 12, 8, 14, tz="UTC")
    roster = Roster((Assignment("zed", "nyc", "chat", "day", D("2026-12-08"), start, start.add(hours=8)),))
    [v] = check_roster(roster, config)
    assert (v.rule, v.agent, v.line) == ("unknown_agent", "zed", None)
    assert str(v).startswith("roster.csv: agent zed: ")


# --------------------------------------------------------------------------- rule 1: site, skill, shift


def test_site_kept(check: Check) -> None:
    assert check("agent,site,shift,date\nana,nyc,day,2026-12-08") == []


def test_site_broken(check: Check) -> None:
    [v] = check("agent,site,shift,date\nana,dub,day,2026-12-08")
    assert found([v]) == [("site", "ana", D("2026-12-08"))]
    assert "'dub'" in v.message and "'nyc'" in v.message


def test_skill_kept(check: Check) -> None:
    assert check("agent,channel,shift,date\nben,email,day,2026-12-08") == []


def test_skill_broken(check: Check) -> None:
    [v] = check("agent,channel,shift,date\nana,email,day,2026-12-08")
    assert found([v]) == [("skill", "ana", D("2026-12-08"))]
    assert "'email'" in v.message


def test_allowed_shift_kept(check: Check) -> None:
    assert check("ana,day,2026-12-08", ana=", shifts: [day]") == []


def test_allowed_shift_broken(check: Check) -> None:
    [v] = check("ana,late,2026-12-08", ana=", shifts: [day]")
    assert found([v]) == [("shift", "ana", D("2026-12-08"))]
    assert "allowed shifts (day)" in v.message


# --------------------------------------------------------------------------- rule 2: times


def test_times_kept_with_every_column_written_out(check: Check) -> None:
    rows = """\
        agent,site,channel,shift,date,start_local,end_local,start_utc,end_utc
        ana,nyc,chat,day,2026-12-08,2026-12-08T09:00:00-05:00,2026-12-08T17:00:00-05:00,2026-12-08T14:00:00+00:00,2026-12-08T22:00:00+00:00
    """
    assert check(rows) == []


def test_times_broken_start(check: Check) -> None:
    [v] = check("agent,shift,date,start_local\nana,day,2026-12-08,2026-12-08T10:00")
    assert found([v]) == [("times", "ana", D("2026-12-08"))]
    assert "starts 2026-12-08 10:00 America/New_York" in v.message
    assert "template starts 2026-12-08 09:00 America/New_York" in v.message


def test_times_broken_length(check: Check) -> None:
    [v] = check("agent,shift,date,end_local\nana,day,2026-12-08,2026-12-08T18:00")
    assert found([v]) == [("times", "ana", D("2026-12-08"))]
    assert "lasts 9.0 h" in v.message and "template lasts 8 h" in v.message


# --------------------------------------------------------------------------- rule 3: period


def test_period_kept_on_first_and_last_day(check: Check) -> None:
    assert check(days("ana", "day", "2026-12-07", "2026-12-13")) == []


def test_period_broken(check: Check) -> None:
    [v] = check("ana,day,2026-12-14")
    assert found([v]) == [("period", "ana", D("2026-12-14"))]
    assert "outside the rota period 2026-12-07 to 2026-12-13" in v.message


def test_period_goes_by_start_instant_not_date(check: Check) -> None:
    """Manila is 13 h ahead of New York: 09:00 there on 2026-12-07 is still 2026-12-06 in the plan's zone."""
    assert check("cruz,day,2026-12-14") == []  # 20:00 New York on 2026-12-13: inside
    [v] = check("cruz,day,2026-12-07")
    assert found([v]) == [("period", "cruz", D("2026-12-07"))]
    assert "starts 2026-12-07 09:00 Asia/Manila" in v.message


# --------------------------------------------------------------------------- rule 4: one per day, no overlap


def test_one_per_day_kept(check: Check) -> None:
    assert check("ana,dawn,2026-12-08\nana,dusk,2026-12-09") == []


def test_one_per_day_broken(check: Check) -> None:
    # 00:00–04:00 and 16:00–20:00 the same date: 12 h rest, so only the one-per-day rule breaks.
    [v] = check("ana,dawn,2026-12-08\nana,dusk,2026-12-08")
    assert found([v]) == [("max_shifts_per_day", "ana", D("2026-12-08"))]
    assert v.line == 3


def test_overlap_kept(check: Check) -> None:
    assert check("ana,night,2026-12-08\nana,night,2026-12-10") == []


def test_overlap_broken(check: Check) -> None:
    # 22:00 + 12 h ends 10:00 the next day, when the 07:00 shift has begun.
    [v] = check("ana,night,2026-12-08\nana,early,2026-12-09")
    assert found([v]) == [("overlap", "ana", D("2026-12-09"))]
    assert "ending 2026-12-09 10:00 America/New_York" in v.message


# --------------------------------------------------------------------------- rule 5: leave, holidays


def test_leave_kept(check: Check) -> None:
    assert check("ana,day,2026-12-10", ana=", leave: [2026-12-09]") == []


def test_leave_broken(check: Check) -> None:
    [v] = check("ana,day,2026-12-09", ana=", leave: [{from: 2026-12-09, to: 2026-12-10}]")
    assert found([v]) == [("leave", "ana", D("2026-12-09"))]


CHRISTMAS = {"start": "2026-12-21", "holidays": "\n    holidays: US"}


def test_holiday_kept_by_agent_who_works_holidays(check: Check) -> None:
    assert check("ana,day,2026-12-25", ana=", works_holidays: true", **CHRISTMAS) == []


def test_holiday_broken(check: Check) -> None:
    [v] = check("ana,day,2026-12-25", **CHRISTMAS)
    assert found([v]) == [("holiday", "ana", D("2026-12-25"))]
    assert "public holiday at site nyc" in v.message


# --------------------------------------------------------------------------- rule 6: minimum rest


def test_min_rest_kept_at_exactly_the_minimum(check: Check) -> None:
    assert check("ana,late,2026-12-08\nana,day,2026-12-09") == []  # 22:00 → 09:00 = 11 h


def test_min_rest_broken(check: Check) -> None:
    [v] = check("ana,late,2026-12-08\nana,early,2026-12-09")
    assert found([v]) == [("min_rest", "ana", D("2026-12-09"))]
    assert v.message == (
        "ana: only 9.0 h rest between the shift ending 2026-12-08 22:00 America/New_York "
        "and the one starting 2026-12-09 07:00 America/New_York (minimum 11 h)"
    )
    assert v.line == 3


FALL_BACK = {"start": "2026-10-26", "min_rest": 12}  # clocks go back 02:00 → 01:00 on Sun 2026-11-01


def test_min_rest_counts_the_extra_hour_of_the_fall_back_night(check: Check) -> None:
    """22:00 EDT → 09:00 EST reads as 11 h on the wall clock but is 12 h of real rest."""
    assert check("ana,late,2026-10-31\nana,day,2026-11-01", **FALL_BACK) == []


def test_min_rest_broken_across_the_fall_back_night(check: Check) -> None:
    [v] = check("ana,late,2026-10-31\nana,early,2026-11-01", **FALL_BACK)
    assert found([v]) == [("min_rest", "ana", D("2026-11-01"))]
    assert "only 10.0 h rest" in v.message  # 22:00 EDT → 07:00 EST: the wall clock would say 9 h
    assert "starting 2026-11-01 07:00 America/New_York" in v.message


def test_min_rest_broken_across_the_spring_forward_night(check: Check) -> None:
    """22:00 EST → 09:00 EDT reads as 11 h on the wall clock but is only 10 h of real rest."""
    [v] = check("ana,late,2026-03-07\nana,day,2026-03-08", start="2026-03-02")
    assert found([v]) == [("min_rest", "ana", D("2026-03-08"))]
    assert "only 10.0 h rest" in v.message and "(minimum 11 h)" in v.message


# --------------------------------------------------------------------------- rule 7: consecutive days


def test_consecutive_days_kept(check: Check) -> None:
    dates = [f"2026-12-{d}" for d in range(10, 16)]  # Thu–Tue: 6 days, 4 + 2 per week
    assert check(days("ana", "day", *dates), days=14) == []


def test_consecutive_days_broken(check: Check) -> None:
    dates = [f"2026-12-{d}" for d in range(10, 17)]  # Thu–Wed: 7 days, 4 + 3 per week
    [v] = check(days("ana", "day", *dates), days=14)
    assert found([v]) == [("max_consecutive_days", "ana", D("2026-12-16"))]
    assert "7 consecutive days from 2026-12-10 to 2026-12-16 (maximum 6)" in v.message
    assert v.line == 8


# --------------------------------------------------------------------------- rule 8: days per week


def test_days_per_week_kept(check: Check) -> None:
    dates = [f"2026-12-{d:02d}" for d in range(7, 12)]
    assert check(days("ana", "day", *dates), max_hours=60) == []


def test_days_per_week_broken(check: Check) -> None:
    dates = [f"2026-12-{d:02d}" for d in range(7, 13)]
    [v] = check(days("ana", "day", *dates), max_hours=60)
    assert found([v]) == [("days_per_week", "ana", D("2026-12-07"))]
    assert "works 6 days in the week of Monday 2026-12-07 (maximum 5)" in v.message
    assert v.line == 7  # the sixth day's row


# --------------------------------------------------------------------------- rule 9: hours per week


def test_max_hours_counts_paid_time_only(check: Check) -> None:
    """Five 9 h shifts with a 1 h unpaid break are 40 paid hours: within a 40 h maximum."""
    dates = [f"2026-12-{d:02d}" for d in range(7, 12)]
    assert check(days("ana", "long", *dates)) == []


def test_max_hours_broken(check: Check) -> None:
    dates = [f"2026-12-{d:02d}" for d in range(7, 11)]
    [v] = check(days("ana", "long", *dates), max_hours=30)
    assert found([v]) == [("max_hours_per_week", "ana", D("2026-12-07"))]
    assert "works 32.0 paid hours in the week of Monday 2026-12-07 (maximum 30 h)" in v.message


FULL_WEEK = {"min_hours": 40, "max_hours": 40}
FOUR_DAYS = days("ana", "day", "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10")


def test_min_hours_kept(check: Check) -> None:
    assert check(FOUR_DAYS + "\nana,day,2026-12-11", **FULL_WEEK) == []


def test_min_hours_broken(check: Check) -> None:
    [v] = check(FOUR_DAYS, **FULL_WEEK)
    assert found([v]) == [("min_hours_per_week", "ana", D("2026-12-07"))]
    assert "works only 32.0 paid hours in the week of Monday 2026-12-07 (minimum 40 h)" in v.message
    assert v.line is None


def test_min_hours_lowered_by_a_leave_day(check: Check) -> None:
    """One leave day takes 40 / 5 = 8 h off the minimum, so four days are enough."""
    assert check(FOUR_DAYS, ana=", leave: [2026-12-11]", **FULL_WEEK) == []


def test_min_hours_lowered_by_a_leave_day_still_broken(check: Check) -> None:
    three = days("ana", "day", "2026-12-07", "2026-12-08", "2026-12-09")
    [v] = check(three, ana=", leave: [2026-12-11]", **FULL_WEEK)
    assert found([v]) == [("min_hours_per_week", "ana", D("2026-12-07"))]
    assert "only 24.0 paid hours" in v.message and "(minimum 32 h)" in v.message


def test_min_hours_lowered_by_a_public_holiday(check: Check) -> None:
    """Christmas (Friday) takes a day's share off the minimum for an agent who does not work holidays."""
    before_christmas = days("ana", "day", "2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24")
    assert check(before_christmas, **CHRISTMAS, **FULL_WEEK) == []
    [v] = check(before_christmas, ana=", works_holidays: true", **CHRISTMAS, **FULL_WEEK)
    assert found([v]) == [("min_hours_per_week", "ana", D("2026-12-21"))]
    assert "(minimum 40 h)" in v.message


def test_min_hours_applies_to_an_agent_with_no_shifts(check: Check) -> None:
    assert found(check("cruz,day,2026-12-08", **FULL_WEEK)) == [("min_hours_per_week", "ana", D("2026-12-07"))]


def test_min_hours_not_judged_in_a_partial_week(check: Check) -> None:
    """A period from Wednesday to Tuesday holds no whole Monday–Sunday week."""
    assert check("agent,shift,date", start="2026-12-09", **FULL_WEEK) == []


# --------------------------------------------------------------------------- rule 10: weekends


LIMIT_ONE_WEEKEND = {"days": 14, "weekends": ", max_weekends_per_period: 1"}


def test_weekends_kept_when_both_days_are_the_same_weekend(check: Check) -> None:
    assert check(days("ana", "day", "2026-12-12", "2026-12-13"), **LIMIT_ONE_WEEKEND) == []


def test_weekends_broken(check: Check) -> None:
    [v] = check(days("ana", "day", "2026-12-12", "2026-12-20"), **LIMIT_ONE_WEEKEND)
    assert found([v]) == [("max_weekends", "ana", D("2026-12-20"))]
    assert "works 2 weekends in the period (maximum 1)" in v.message


def test_weekends_unlimited_by_default(check: Check) -> None:
    assert check(days("ana", "day", "2026-12-12", "2026-12-20"), days=14) == []
