"""Coverage and gaps on tiny rosters whose numbers can be counted by hand.

The base case (conftest TINY): one week from Mon 2026-12-07 in New York, a
60-minute grid, one chat agent required every hour, one agent on the 09:00-17:00
day shift Monday to Friday. Per week: 168 required hours, 40 scheduled,
128 uncovered; 48 of them on the weekend and 7 nights × 8 h = 56 overnight.
"""

from __future__ import annotations

import csv
import json
import math
from datetime import date, timedelta
from typing import Any

from helpers import TINY, config_data

from coverage.config import Config
from coverage.demand import Requirements
from coverage.gaps import (
    COVERAGE_COLUMNS,
    GAPS_COLUMNS,
    SUMMARY_KEYS,
    Coverage,
    GapRow,
    coverage_of,
    gap_rows,
    in_window,
    summary,
    terminal_summary,
    worst_cells,
    write_coverage_csv,
    write_gaps_csv,
    write_summary,
)
from coverage.results import ClockHours
from coverage.roster import Assignment, Roster, read_roster
from coverage.time import local_to_utc, period_grid

MONDAY = date(2026, 12, 7)
NY = "America/New_York"
LONDON = "Europe/London"
KOLKATA = "Asia/Kolkata"


def requirements(config: Config, per_channel: dict[str, int | list[int]] | None = None) -> Requirements:
    """Requirements built by hand: a constant number per interval, or a full list."""
    grid = period_grid(config.plan)
    per_channel = per_channel if per_channel is not None else {"chat": 1}
    required = {
        channel: list(value) if isinstance(value, list) else [value] * grid.count for channel, value in per_channel.items()
    }
    volume = {channel: [0.0] * grid.count for channel in required}
    return Requirements(grid=grid, volume=volume, required=required)


def shift(
    config: Config, day: date, name: str = "day", *, agent: str = "a1", channel: str = "chat", site: str = "nyc"
) -> Assignment:
    template = config.sites[site].shifts[name]
    start = local_to_utc(day, template.start, config.sites[site].timezone)
    return Assignment(agent, site, channel, name, day, start, start.add(minutes=template.minutes))


def weekdays(config: Config, name: str = "day", **kwargs) -> Roster:
    return Roster(tuple(shift(config, MONDAY + timedelta(days=k), name, **kwargs) for k in range(5)))


def rows_of(rows: list[GapRow], view: str, channel: str = "chat") -> dict[tuple[str, int], GapRow]:
    return {(r.weekday, r.hour): r for r in rows if r.view == view and r.channel == channel}


def total(rows, field: str, **match) -> float:
    return sum(getattr(r, field) for r in rows if all(getattr(r, k) == v for k, v in match.items()))


def with_views(*zones: str) -> dict[str, Any]:
    data = config_data()
    data["views"] = list(zones)
    return data


def with_shifts(shifts: str, interval: int = 60) -> str:
    text = TINY.replace('      day: {start: "09:00", hours: 8}\n', shifts)
    return text.replace("interval_minutes: 60", f"interval_minutes: {interval}")


# --------------------------------------------------------------------------- coverage


def test_one_agent_nine_to_five_counts_forty_hours(make_config):
    config = make_config()
    cov = coverage_of(weekdays(config), requirements(config), config)
    assert cov.grid.count == 168
    assert sum(cov.required["chat"]) == 168
    assert sum(cov.scheduled["chat"]) == 40
    assert sum(cov.gap("chat")) == 128
    # Monday 09:00 New York is 14:00 UTC: slot 9 from the period start (05:00 UTC).
    assert cov.grid.starts[9].isoformat() == "2026-12-07T14:00:00+00:00"
    assert cov.scheduled["chat"][8:18] == [0, 1, 1, 1, 1, 1, 1, 1, 1, 0]
    assert cov.scheduled["chat"][5 * 24 + 9] == 0  # Saturday 09:00


def test_roster_read_from_csv_gives_the_same_coverage(make_config, tmp_path):
    config = make_config()
    lines = ["agent,shift,date"] + [f"a1,day,{MONDAY + timedelta(days=k)}" for k in range(5)]
    (tmp_path / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    roster = read_roster(tmp_path / "roster.csv", config)
    from_csv = coverage_of(roster, requirements(config), config)
    by_hand = coverage_of(weekdays(config), requirements(config), config)
    assert from_csv.scheduled == by_hand.scheduled


def test_unpaid_break_takes_out_the_middle_hour(make_config):
    config = make_config(with_shifts('      long: {start: "09:00", hours: 9, unpaid_break_minutes: 60}\n'))
    cov = coverage_of(Roster((shift(config, MONDAY, "long"),)), requirements(config), config)
    # 09:00-18:00 local with the break at +4:00: on duty 09-13 and 14-18.
    on = [k for k, n in enumerate(cov.scheduled["chat"]) if n]
    assert on == [9, 10, 11, 12, 14, 15, 16, 17]
    assert cov.gap("chat")[13] == 1


def test_half_hour_break_on_an_hourly_grid_loses_the_broken_hours(make_config):
    # 09:00-17:30 with 30 min unpaid at 13:00: on duty 09:00-13:00 and 13:30-17:30.
    config = make_config(with_shifts('      mid: {start: "09:00", hours: 8.5, unpaid_break_minutes: 30}\n'))
    cov = coverage_of(Roster((shift(config, MONDAY, "mid"),)), requirements(config), config)
    assert [k for k, n in enumerate(cov.scheduled["chat"]) if n] == [9, 10, 11, 12, 14, 15, 16]


def test_fifteen_minute_grid_counts_partial_hours(make_config):
    config = make_config(with_shifts('      mid: {start: "09:00", hours: 8.5, unpaid_break_minutes: 30}\n', interval=15))
    cov = coverage_of(Roster((shift(config, MONDAY, "mid"),)), requirements(config), config)
    assert cov.grid.count == 7 * 24 * 4
    on = [k for k, n in enumerate(cov.scheduled["chat"]) if n]
    assert on == list(range(36, 52)) + list(range(54, 70))  # 09:00-13:00 and 13:30-17:30
    rows = rows_of(gap_rows(cov, config), NY)
    assert rows[("Mon", 13)].scheduled_agent_hours == 0.5
    assert rows[("Mon", 13)].uncovered_hours == 0.5
    assert rows[("Mon", 17)].scheduled_agent_hours == 0.5
    assert rows[("Mon", 12)].scheduled_agent_hours == 1.0
    assert total(rows.values(), "required_agent_hours") == 168
    assert total(rows.values(), "scheduled_agent_hours") == 8


def test_fifteen_minute_grid_full_week_matches_hourly_totals(make_config):
    config = make_config(TINY.replace("interval_minutes: 60", "interval_minutes: 15"))
    cov = coverage_of(weekdays(config), requirements(config), config)
    digest = summary(cov, config, status="GIVEN", objective=None, best_bound=None, wall_seconds=None)
    assert digest.uncovered_hours == {"chat": 128.0}
    assert headline(digest.views[NY]) == (128.0, 48.0, 56.0)
    assert digest.coverage_ratio == round(40 / 168, 4)


def test_agent_counts_only_for_the_assignment_channel(make_config):
    config = make_config(
        TINY.replace(
            "    service_level: {percent: 80, within_seconds: 60}\n",
            "    service_level: {percent: 80, within_seconds: 60}\n"
            "  email: {kind: backlog, aht_seconds: 300, respond_within_hours: 4}\n",
        )
    )
    roster = Roster((shift(config, MONDAY, channel="email"),))
    cov = coverage_of(roster, requirements(config, {"chat": 1, "email": 1}), config)
    assert sum(cov.scheduled["chat"]) == 0
    assert sum(cov.scheduled["email"]) == 8
    assert cov.channels == ["chat", "email"]


def test_shift_running_past_the_period_counts_only_inside_it(make_config):
    config = make_config(with_shifts('      night: {start: "22:00", hours: 8}\n'))
    sunday = MONDAY + timedelta(days=6)
    cov = coverage_of(Roster((shift(config, sunday, "night"),)), requirements(config), config)
    assert [k for k, n in enumerate(cov.scheduled["chat"]) if n] == [166, 167]  # Sun 22:00 and 23:00


def test_gap_is_never_negative(make_config):
    config = make_config()
    roster = Roster(weekdays(config).assignments + weekdays(config, agent="a2").assignments)
    cov = coverage_of(roster, requirements(config), config)
    assert cov.scheduled["chat"][9] == 2
    assert cov.gap("chat")[9] == 0
    assert min(cov.gap("chat")) == 0


# --------------------------------------------------------------------------- gap rows


def test_gap_rows_in_new_york(make_config):
    config = make_config()
    rows = gap_rows(coverage_of(weekdays(config), requirements(config), config), config)
    assert len(rows) == 7 * 24
    assert total(rows, "required_agent_hours") == 168
    assert total(rows, "scheduled_agent_hours") == 40
    assert total(rows, "uncovered_hours") == 128
    assert total(rows, "understaffed_agent_hours") == 128
    assert total(rows, "uncovered_hours", weekend=True) == 48
    assert total(rows, "uncovered_hours", overnight=True) == 56
    cells = rows_of(rows, NY)
    assert cells[("Mon", 9)].scheduled_agent_hours == 1
    assert cells[("Mon", 8)].uncovered_hours == 1
    assert cells[("Fri", 16)].scheduled_agent_hours == 1
    assert cells[("Fri", 17)].scheduled_agent_hours == 0
    assert cells[("Sat", 12)].weekend and not cells[("Fri", 12)].weekend
    assert [h for h in range(24) if cells[("Mon", h)].overnight] == [0, 1, 2, 3, 4, 5, 22, 23]


def test_every_cell_exists_even_with_nothing_required(make_config):
    config = make_config(with_views(NY, LONDON))
    rows = gap_rows(coverage_of(Roster(()), requirements(config, {"chat": 0}), config), config)
    assert len(rows) == 2 * 7 * 24
    assert {(r.view, r.weekday, r.hour) for r in rows} == {
        (v, d, h) for v in (NY, LONDON) for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") for h in range(24)
    }
    assert total(rows, "required_agent_hours") == 0


def test_london_view_shifts_the_hours(make_config):
    config = make_config(with_views(NY, LONDON))
    rows = gap_rows(coverage_of(weekdays(config), requirements(config), config), config)
    london = rows_of(rows, LONDON)
    # 09:00 in New York is 14:00 in London in December; 17:00 NY is 22:00 London.
    assert london[("Mon", 14)].scheduled_agent_hours == 1
    assert london[("Mon", 21)].scheduled_agent_hours == 1
    assert london[("Mon", 9)].scheduled_agent_hours == 0
    assert london[("Mon", 22)].scheduled_agent_hours == 0
    assert london[("Mon", 22)].overnight and london[("Mon", 22)].uncovered_hours == 1
    assert total(london.values(), "scheduled_agent_hours") == 40
    assert total(london.values(), "uncovered_hours", weekend=True) == 48
    assert total(london.values(), "uncovered_hours", overnight=True) == 56


def test_half_hour_offset_view_places_intervals_in_the_hour_they_start(make_config):
    config = make_config(with_views(KOLKATA))
    rows = rows_of(gap_rows(coverage_of(weekdays(config), requirements(config), config), config), KOLKATA)
    # 14:00 UTC is 19:30 IST: Monday's shift fills the intervals starting 19:30 .. 02:30.
    assert rows[("Mon", 18)].scheduled_agent_hours == 0
    assert rows[("Mon", 19)].scheduled_agent_hours == 1
    assert rows[("Tue", 2)].scheduled_agent_hours == 1
    assert rows[("Tue", 3)].scheduled_agent_hours == 0
    # Friday's shift reaches into Saturday: 00:30, 01:30, 02:30 are covered.
    assert total(rows.values(), "uncovered_hours", weekend=True) == 45
    digest = summary(
        coverage_of(weekdays(config), requirements(config), config),
        config,
        status="GIVEN",
        objective=None,
        best_bound=None,
        wall_seconds=None,
    )
    # 7 nights × 8 intervals starting 22:30 .. 05:30, of which 5 a night on Mon..Fri are covered.
    assert headline(digest.views[KOLKATA])[1:] == (45.0, 31.0)


def test_daylight_saving_week_has_one_hour_less(make_config):
    # US clocks spring forward on Sun 2027-03-14: 02:00 New York does not exist that day.
    config = make_config(TINY.replace("start: 2026-12-07", "start: 2027-03-08"))
    rows = rows_of(gap_rows(coverage_of(Roster(()), requirements(config), config), config), NY)
    assert period_grid(config.plan).count == 167
    assert rows[("Sun", 2)].required_agent_hours == 0
    assert rows[("Sun", 3)].required_agent_hours == 1
    assert total(rows.values(), "required_agent_hours") == 167


def test_overnight_window_rules():
    assert in_window(22 * 60, "22:00", "06:00")
    assert in_window(5 * 60 + 59, "22:00", "06:00")
    assert not in_window(6 * 60, "22:00", "06:00")
    assert not in_window(21 * 60 + 59, "22:00", "06:00")
    assert in_window(1 * 60, "00:00", "07:00") and not in_window(7 * 60, "00:00", "07:00")
    assert not in_window(12 * 60, "08:00", "08:00")  # start == end: an empty window


def test_overnight_window_with_minutes(make_config):
    config = make_config(
        TINY.replace('overnight: {start: "22:00", end: "06:00"}', 'overnight: {start: "22:30", end: "06:00"}').replace(
            "interval_minutes: 60", "interval_minutes: 15"
        )
    )
    cov = coverage_of(Roster(()), requirements(config), config)
    rows = rows_of(gap_rows(cov, config), NY)
    # The row flag tests hh:00, so hour 22 is not flagged; hour 23 is.
    assert not rows[("Mon", 22)].overnight and rows[("Mon", 23)].overnight
    # The summary tests each interval's start: 22:30 and 22:45 count. 7.5 h a night.
    digest = summary(cov, config, status="GIVEN", objective=None, best_bound=None, wall_seconds=None)
    assert digest.views[NY].overnight_uncovered_hours == 7 * 7.5


def test_custom_weekend(make_config):
    config = make_config(TINY.replace("weekend: [Sat, Sun]", "weekend: [Fri, Sat]"))
    rows = gap_rows(coverage_of(weekdays(config), requirements(config), config), config)
    assert {r.weekday for r in rows if r.weekend} == {"Fri", "Sat"}
    assert total(rows, "uncovered_hours", weekend=True) == 16 + 24


# --------------------------------------------------------------------------- summary


def headline(view: ClockHours) -> tuple[float, float, float]:
    """A view's clock hours: uncovered in all, at weekends, overnight."""
    return view.uncovered_hours, view.weekend_uncovered_hours, view.overnight_uncovered_hours


def test_summary_of_the_nine_to_five_week(make_config):
    config = make_config(with_views(NY, LONDON))
    cov = coverage_of(weekdays(config), requirements(config), config)
    digest = summary(cov, config, status="OPTIMAL", objective=128.0, best_bound=128.0, wall_seconds=0.4567)
    assert tuple(digest.to_json()) == SUMMARY_KEYS
    assert digest.status == "OPTIMAL"
    assert digest.objective == 128.0 and digest.best_bound == 128.0
    assert digest.coverage_ratio == 0.2381  # 40 / 168
    assert digest.uncovered_hours == {"chat": 128.0}
    assert digest.understaffed_agent_hours == {"chat": 128.0}
    clock = {"uncovered_hours": 128.0, "weekend_uncovered_hours": 48.0, "overnight_uncovered_hours": 56.0}
    assert digest.views[NY].to_json() == {
        **clock,
        "weekend_hours": 48.0,
        "overnight_hours": 56.0,
        "per_week": clock,
        "channels": {"chat": clock},
    }
    # London sees the same UTC hours five hours later: 14:00-22:00 on weekdays, nobody from 22:00 to 14:00.
    assert headline(digest.views[LONDON]) == (128.0, 48.0, 56.0)
    assert digest.views[LONDON].weekend_hours == 48.0 and digest.backlog == {}


def test_coverage_ratio_counts_min_of_scheduled_and_required(make_config):
    config = make_config()
    need = [0] * 168
    for k in range(9, 17):
        need[k] = 2  # Monday 09-17: two agents needed, one there
    need[100] = 1  # one more hour nobody covers
    roster = Roster((shift(config, MONDAY), shift(config, MONDAY + timedelta(days=1))))  # Tuesday is overstaffing
    cov = coverage_of(roster, requirements(config, {"chat": need}), config)
    digest = summary(cov, config, status="FEASIBLE", objective=None, best_bound=None, wall_seconds=None)
    assert digest.coverage_ratio == round(8 / 17, 4)
    assert digest.uncovered_hours == {"chat": 1.0}
    assert digest.understaffed_agent_hours == {"chat": 9.0}


def test_coverage_ratio_is_one_when_nothing_is_required(make_config):
    config = make_config()
    cov = coverage_of(weekdays(config), requirements(config, {"chat": 0}), config)
    digest = summary(cov, config, status="GIVEN", objective=None, best_bound=None, wall_seconds=None)
    assert digest.coverage_ratio == 1.0
    assert digest.uncovered_hours == {"chat": 0.0}


def test_summary_turns_non_finite_numbers_into_null(make_config):
    config = make_config()
    cov = coverage_of(Roster(()), requirements(config), config)
    digest = summary(cov, config, status="UNKNOWN", objective=math.inf, best_bound=math.nan, wall_seconds=None)
    assert digest.objective is None and digest.best_bound is None and digest.wall_seconds is None
    json.dumps(digest.to_json(), allow_nan=False)


def test_two_channels_short_in_the_same_hour_count_once(make_config):
    """Chat has nobody outside weekdays 09:00-17:00, email (needing one agent, hand-made requirements) nobody at all:
    168 clock hours uncovered in the week, not 128 + 168, and never more weekend or night hours than exist."""
    config = make_config(
        TINY.replace(
            "    service_level: {percent: 80, within_seconds: 60}\n",
            "    service_level: {percent: 80, within_seconds: 60}\n"
            "  email: {kind: realtime, aht_seconds: 300, service_level: {percent: 80, within_seconds: 60}}\n",
        )
    )
    cov = coverage_of(weekdays(config), requirements(config, {"chat": 1, "email": 1}), config)
    digest = summary(cov, config, status="GIVEN", objective=None, best_bound=None, wall_seconds=None)
    assert digest.uncovered_hours == {"chat": 128.0, "email": 168.0}
    view = digest.views[NY]
    assert headline(view) == (168.0, 48.0, 56.0) and (view.weekend_hours, view.overnight_hours) == (48.0, 56.0)
    assert headline(view.channels["chat"]) == (128.0, 48.0, 56.0) and headline(view.channels["email"]) == (168.0, 48.0, 56.0)
    assert digest.coverage_ratio == round(40 / 336, 4)


# --------------------------------------------------------------------------- files and terminal


def test_coverage_csv(make_config, tmp_path):
    config = make_config()
    cov = coverage_of(weekdays(config), requirements(config), config)
    path = write_coverage_csv(cov, tmp_path / "coverage.csv")
    with path.open(newline="") as handle:
        table = list(csv.reader(handle))
    # the contract's columns come first; predicted-service columns (issue 3) follow them
    assert tuple(table[0][:5]) == COVERAGE_COLUMNS == ("interval_start_utc", "channel", "required", "scheduled", "gap")
    assert len(table) == 1 + 168
    assert table[1][:5] == ["2026-12-07T05:00:00+00:00", "chat", "1", "0", "1"]
    assert table[1 + 9][:5] == ["2026-12-07T14:00:00+00:00", "chat", "1", "1", "0"]


def test_gaps_csv(make_config, tmp_path):
    config = make_config(TINY.replace("interval_minutes: 60", "interval_minutes: 15"))
    rows = gap_rows(coverage_of(weekdays(config), requirements(config), config), config)
    path = write_gaps_csv(rows, tmp_path / "gaps.csv")
    with path.open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert (
        tuple(table[0])
        == GAPS_COLUMNS
        == (
            "view",
            "channel",
            "weekday",
            "hour",
            "required_agent_hours",
            "scheduled_agent_hours",
            "uncovered_hours",
            "understaffed_agent_hours",
            "weekend",
            "overnight",
        )
    )
    assert len(table) == 168
    first = table[0]
    assert (first["view"], first["channel"], first["weekday"], first["hour"]) == (NY, "chat", "Mon", "0")
    assert first["required_agent_hours"] == "1" and first["overnight"] == "true" and first["weekend"] == "false"
    saturday = next(r for r in table if r["weekday"] == "Sat" and r["hour"] == "12")
    assert saturday["weekend"] == "true" and saturday["overnight"] == "false"
    assert saturday["uncovered_hours"] == "1"
    assert sum(float(r["scheduled_agent_hours"]) for r in table) == 40


def test_gaps_csv_writes_fractions_without_float_noise(tmp_path):
    row = GapRow(NY, "chat", "Mon", 0, 0.1 + 0.2, 0.25, 0.0, 0.05, False, True)
    path = write_gaps_csv([row], tmp_path / "gaps.csv")
    assert path.read_text().splitlines()[1] == f"{NY},chat,Mon,0,0.3,0.25,0,0.05,false,true"


def test_summary_json(make_config, tmp_path):
    config = make_config()
    cov = coverage_of(weekdays(config), requirements(config), config)
    digest = summary(cov, config, status="OPTIMAL", objective=1.5, best_bound=1.0, wall_seconds=2.0)
    path = write_summary(digest, tmp_path / "summary.json")
    assert json.loads(path.read_text()) == digest.to_json()
    assert list(json.loads(path.read_text())) == list(SUMMARY_KEYS)
    assert not list(tmp_path.glob(".*tmp"))  # written atomically, no temporary left behind


def test_terminal_summary(make_config):
    config = make_config(with_views(NY, LONDON))
    cov = coverage_of(weekdays(config), requirements(config), config)
    rows = gap_rows(cov, config)
    digest = summary(cov, config, status="OPTIMAL", objective=128.0, best_bound=128.0, wall_seconds=1.25)
    text = terminal_summary(digest, rows)
    lines = text.splitlines()
    assert len(lines) <= 25
    assert "\x1b" not in text
    assert lines[0].startswith("status: OPTIMAL")
    assert "0.2381" in text
    assert "chat 128.00" in text
    assert any(LONDON in line and "48.00" in line and "56.00" in line for line in lines)
    worst = [line for line in lines[lines.index(next(text for text in lines if text.startswith("worst"))) + 1 :]]
    assert len(worst) == 5


def test_terminal_summary_stays_short_with_many_views(make_config):
    zones = [
        "America/New_York",
        "Europe/London",
        "Asia/Manila",
        "Asia/Tokyo",
        "Europe/Dublin",
        "Europe/Berlin",
        "Asia/Kolkata",
        "Australia/Sydney",
        "America/Los_Angeles",
        "America/Sao_Paulo",
        "Africa/Lagos",
        "Pacific/Auckland",
    ]
    config = make_config(with_views(*zones))
    cov = coverage_of(weekdays(config), requirements(config), config)
    digest = summary(cov, config, status="GIVEN", objective=None, best_bound=None, wall_seconds=None)
    text = terminal_summary(digest, gap_rows(cov, config))
    assert len(text.splitlines()) <= 25
    assert "2 more views" in text


def test_worst_cells_sum_channels_and_rank(make_config):
    rows = [
        GapRow(NY, "chat", "Sat", 3, 2, 0, 1, 2, True, True),
        GapRow(NY, "email", "Sat", 3, 2, 0, 1, 2, True, True),
        GapRow(NY, "chat", "Mon", 9, 3, 0, 1, 3, False, False),
        GapRow(NY, "chat", "Tue", 9, 1, 1, 0, 0, False, False),
    ]
    assert worst_cells(rows) == [(NY, "Sat", 3, 4, 2), (NY, "Mon", 9, 3, 1)]


def test_coverage_gap_uses_max_zero(make_config):
    config = make_config()
    grid = period_grid(config.plan)
    cov = Coverage(
        grid=grid, required={"chat": [2, 1, 0] + [0] * (grid.count - 3)}, scheduled={"chat": [1, 3, 0] + [0] * (grid.count - 3)}
    )
    assert cov.gap("chat")[:3] == [1, 0, 0]
