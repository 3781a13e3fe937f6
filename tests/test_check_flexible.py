"""The independent checker on flexible shifts and split shifts: a roster that keeps each rule, one that breaks it.

A flexible template gives a range of starts and of lengths; each row of a
roster gives its own times (start_local, end_local), as a manager writing
one by hand would. Split shifts are up to `max_shifts_per_day` shifts of
one local date, `min_gap_hours` apart. Every roster here is written as CSV
text and read with `read_roster`, as `covplan verify` reads it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from string import Template

import pytest

from coverage.check import Violation, check_roster
from coverage.cli import main
from coverage.config import Config
from coverage.errors import InputError
from coverage.roster import read_roster

BASE = Template("""\
plan: {start: $start, days: 14, timezone: America/New_York, interval_minutes: $interval}
channels:
  chat: {kind: realtime, aht_seconds: 360, service_level: {percent: 80, within_seconds: 60}}
forecast: {file: forecast.csv}
sites:
  nyc:
    timezone: America/New_York
    shifts:
      flex: {start: "08:00-14:00", hours: 2-8}
      evening: {start: "16:00-22:00", hours: 2-8}
      day: {start: "09:00", hours: 8}
      dawn: {start: "00:00", hours: 4}
      dusk: {start: "16:00", hours: 4}
  mnl:
    timezone: Asia/Manila
    shifts:
      flex: {start: "08:00-20:00", hours: 2-8}
contracts:
  c: {hours_per_week: {min: 0, max: $max_hours}, max_days_per_week: $max_days}
rules: {min_rest_hours: 11, max_consecutive_days: 7, max_shifts_per_day: $per_day, min_gap_hours: $gap$rules}
agents:
  - {id: ana, site: nyc, contract: c, skills: [chat]$ana}
  - {id: cruz, site: mnl, contract: c, skills: [chat]}
$history""")

DEFAULTS = {
    "start": "2026-12-07",
    "interval": 60,
    "max_hours": 60,
    "max_days": 7,
    "ana": "",
    "per_day": 1,
    "gap": 1,
    "rules": "",
    "history": "",
}
SPLIT = {"per_day": 2, "gap": 3}  # two shifts a day, at least 3 h apart
HEADER = "agent,shift,date,start_local,end_local"

D = date.fromisoformat
Check = Callable[..., list[Violation]]


def row(agent: str, shift: str, day: str, start: str = "", end: str = "") -> str:
    """A roster row; `start`/`end` are local clock times on `day` ("08:00"), or a full local "YYYY-MM-DDTHH:MM"."""

    def stamp(clock: str) -> str:
        return clock if not clock or "T" in clock else f"{day}T{clock}"

    return f"{agent},{shift},{day},{stamp(start)},{stamp(end)}"


def rows(*lines: str) -> str:
    return "\n".join((HEADER, *lines))


@pytest.fixture
def config_of(make_config: Callable[..., Config]) -> Callable[..., Config]:
    def build(**changes: object) -> Config:
        return make_config(BASE.substitute({**DEFAULTS, **changes}))

    return build


@pytest.fixture
def check(config_of: Callable[..., Config], tmp_path: Path) -> Check:
    def run(text: str, **changes: object) -> list[Violation]:
        config = config_of(**changes)
        path = tmp_path / "roster.csv"
        path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
        return check_roster(read_roster(path, config), config)

    return run


def found(violations: list[Violation]) -> list[tuple[str, str, date | None]]:
    return [(v.rule, v.agent, v.day) for v in violations]


# --------------------------------------------------------------------------- times: start and length inside the ranges


def test_flexible_times_kept_at_both_ends_of_each_range(check: Check) -> None:
    roster = rows(
        row("ana", "flex", "2026-12-08", "08:00", "10:00"),  # earliest start, shortest length
        row("ana", "flex", "2026-12-09", "14:00", "22:00"),  # latest start, longest length
        row("ana", "flex", "2026-12-11", "11:00", "16:00"),
    )
    assert check(roster) == []


@pytest.mark.parametrize(("start", "end"), [("07:00", "11:00"), ("15:00", "19:00")])
def test_flexible_start_outside_the_range(check: Check, start: str, end: str) -> None:
    [v] = check(rows(row("ana", "flex", "2026-12-08", start, end)))
    assert found([v]) == [("times", "ana", D("2026-12-08"))]
    assert v.message == (
        f"ana: shift 'flex' on 2026-12-08 starts 2026-12-08 {start} America/New_York, "
        "outside the template's starts 08:00-14:00 on 2026-12-08"
    )
    assert v.line == 2


def test_flexible_start_off_the_grid(check: Check) -> None:
    [v] = check(rows(row("ana", "flex", "2026-12-08", "08:30", "10:30")))
    assert found([v]) == [("times", "ana", D("2026-12-08"))]
    assert "starts 2026-12-08 08:30 America/New_York, off the plan's 60-minute grid" in v.message


def test_flexible_start_on_a_30_minute_grid_is_kept(check: Check) -> None:
    assert check(rows(row("ana", "flex", "2026-12-08", "08:30", "10:30")), interval=30) == []


@pytest.mark.parametrize(("end", "length"), [("17:00", "9.0"), ("09:00", "1.0")])
def test_flexible_length_outside_the_range(check: Check, end: str, length: str) -> None:
    [v] = check(rows(row("ana", "flex", "2026-12-08", "08:00", end)))
    assert found([v]) == [("times", "ana", D("2026-12-08"))]
    assert v.message == f"ana: shift 'flex' on 2026-12-08 lasts {length} h, but the template lasts 2 to 8 h"


def test_flexible_length_off_the_grid(check: Check) -> None:
    [v] = check(rows(row("ana", "flex", "2026-12-08", "08:00", "10:30")))
    assert "lasts 2.5 h, not a whole number of the plan's 60-minute intervals" in v.message


def test_flexible_start_range_follows_the_site_clock_across_daylight_saving(check: Check) -> None:
    """New York falls back on 2026-11-01: 08:00 is 12:00Z before and 13:00Z after, so 12:00Z on 11-02 is 07:00, too early."""
    roster = """\
        agent,shift,date,start_utc,end_utc
        ana,flex,2026-10-30,2026-10-30T12:00:00+00:00,2026-10-30T16:00:00+00:00
        ana,flex,2026-11-02,2026-11-02T12:00:00+00:00,2026-11-02T16:00:00+00:00
        ana,flex,2026-11-03,2026-11-03T13:00:00+00:00,2026-11-03T17:00:00+00:00
    """
    [v] = check(roster, start="2026-10-26")
    assert found([v]) == [("times", "ana", D("2026-11-02"))]
    assert "starts 2026-11-02 07:00 America/New_York, outside the template's starts 08:00-14:00" in v.message


def test_listed_template_times_judged_as_before(check: Check) -> None:
    assert check(rows(row("ana", "day", "2026-12-08"))) == []
    [v] = check(rows(row("ana", "day", "2026-12-08", "10:00", "18:00")))
    assert "starts 2026-12-08 10:00 America/New_York, but the template starts 2026-12-08 09:00 America/New_York" in v.message


# --------------------------------------------------------------------------- shifts per day and the gap of split shifts


def test_one_shift_a_day_by_default_for_flexible_shifts(check: Check) -> None:
    [v] = check(rows(row("ana", "flex", "2026-12-08", "08:00", "10:00"), row("ana", "evening", "2026-12-08", "18:00", "20:00")))
    assert found([v]) == [("max_shifts_per_day", "ana", D("2026-12-08"))]
    assert v.message == "ana: has two shifts on 2026-12-08 ('flex' and 'evening'; at most one per day)"
    assert v.line == 3


def test_split_day_kept_at_exactly_the_gap(check: Check) -> None:
    """10:00 → 13:00 is the 3 h gap; min_rest_hours (11) is for rest between days, not inside a split day."""
    roster = rows(row("ana", "flex", "2026-12-08", "08:00", "10:00"), row("ana", "flex", "2026-12-08", "13:00", "15:00"))
    assert check(roster, **SPLIT) == []


def test_split_day_of_listed_templates_kept(check: Check) -> None:
    assert check(rows(row("ana", "dawn", "2026-12-08"), row("ana", "dusk", "2026-12-08")), **SPLIT) == []


def test_split_gap_broken(check: Check) -> None:
    roster = rows(row("ana", "flex", "2026-12-08", "08:00", "10:00"), row("ana", "flex", "2026-12-08", "12:00", "14:00"))
    [v] = check(roster, **SPLIT)
    assert found([v]) == [("min_gap", "ana", D("2026-12-08"))]
    assert v.message == (
        "ana: has only 2.0 h between 'flex' ending 2026-12-08 10:00 America/New_York and 'flex' starting 12:00 "
        "on 2026-12-08 (split shifts at least 3 h apart)"
    )
    assert v.line == 3


def test_split_gap_of_listed_templates_broken(check: Check) -> None:
    """dawn 00:00–04:00 and dusk 16:00–20:00 are 12 h apart: too close for a 13 h gap."""
    [v] = check(rows(row("ana", "dawn", "2026-12-08"), row("ana", "dusk", "2026-12-08")), per_day=2, gap=13)
    assert found([v]) == [("min_gap", "ana", D("2026-12-08"))]
    assert "(split shifts at least 13 h apart)" in v.message


def test_a_third_shift_broken(check: Check) -> None:
    roster = rows(
        row("ana", "flex", "2026-12-08", "08:00", "10:00"),
        row("ana", "flex", "2026-12-08", "13:00", "15:00"),
        row("ana", "evening", "2026-12-08", "18:00", "20:00"),
    )
    [v] = check(roster, **SPLIT)
    assert found([v]) == [("max_shifts_per_day", "ana", D("2026-12-08"))]
    assert v.message == "ana: has three shifts on 2026-12-08 ('flex', 'flex' and 'evening'; at most 2 per day)"
    assert v.line == 4


def test_three_shifts_kept_when_three_are_allowed(check: Check) -> None:
    roster = rows(
        row("ana", "flex", "2026-12-08", "08:00", "10:00"),
        row("ana", "flex", "2026-12-08", "13:00", "15:00"),
        row("ana", "evening", "2026-12-08", "18:00", "20:00"),
    )
    assert check(roster, per_day=3, gap=3) == []


def test_split_shifts_that_overlap_are_one_overlap(check: Check) -> None:
    roster = rows(row("ana", "flex", "2026-12-08", "08:00", "12:00"), row("ana", "flex", "2026-12-08", "11:00", "13:00"))
    assert found(check(roster, **SPLIT)) == [("overlap", "ana", D("2026-12-08"))]


def test_limits_per_agent_override_the_rules(check: Check) -> None:
    """The rules allow split days; an agent's own max_shifts_per_day: 1 takes them back."""
    roster = rows(row("ana", "flex", "2026-12-08", "08:00", "10:00"), row("ana", "flex", "2026-12-08", "13:00", "15:00"))
    assert found(check(roster, ana=", max_shifts_per_day: 1", **SPLIT)) == [("max_shifts_per_day", "ana", D("2026-12-08"))]
    assert found(check(roster, ana=", min_gap_hours: 4", **SPLIT)) == [("min_gap", "ana", D("2026-12-08"))]


# --------------------------------------------------------------------------- rules between days, hours, nights, counts


def test_min_rest_still_holds_between_days(check: Check) -> None:
    roster = rows(row("ana", "flex", "2026-12-08", "14:00", "22:00"), row("ana", "flex", "2026-12-09", "08:00", "10:00"))
    [v] = check(roster, **SPLIT)
    assert found([v]) == [("min_rest", "ana", D("2026-12-09"))]
    assert "only 10.0 h rest" in v.message and "(minimum 11 h)" in v.message


def test_min_rest_counts_from_the_last_shift_of_a_split_day(check: Check) -> None:
    """08:00–10:00 and 16:00–20:00 on Tuesday, 08:00 Wednesday: 12 h from the second, kept; 18:00–22:00: 10 h, broken."""
    kept = rows(
        row("ana", "flex", "2026-12-08", "08:00", "10:00"),
        row("ana", "evening", "2026-12-08", "16:00", "20:00"),
        row("ana", "flex", "2026-12-09", "08:00", "10:00"),
    )
    assert check(kept, **SPLIT) == []
    broken = kept.replace("2026-12-08T16:00,2026-12-08T20:00", "2026-12-08T18:00,2026-12-08T22:00")
    assert found(check(broken, **SPLIT)) == [("min_rest", "ana", D("2026-12-09"))]


def test_paid_hours_of_flexible_shifts_are_their_lengths(check: Check) -> None:
    """Two split days of 3 h + 5 h and one 8 h day: 24 paid hours, within 24, over 23."""
    roster = rows(
        row("ana", "flex", "2026-12-08", "08:00", "11:00"),
        row("ana", "evening", "2026-12-08", "16:00", "21:00"),
        row("ana", "flex", "2026-12-09", "08:00", "11:00"),
        row("ana", "evening", "2026-12-09", "16:00", "21:00"),
        row("ana", "flex", "2026-12-10", "10:00", "18:00"),
    )
    assert check(roster, max_hours=24, **SPLIT) == []
    [v] = check(roster, max_hours=23, **SPLIT)
    assert found([v]) == [("max_hours_per_week", "ana", D("2026-12-07"))]
    assert "works 24.0 paid hours in the week of Monday 2026-12-07 (maximum 23 h)" in v.message


def test_a_split_day_is_one_day_of_the_week(check: Check) -> None:
    """Two shifts on each of five days are five days worked: kept at 5 days a week, broken at 4."""
    lines = []
    for day in range(7, 12):
        lines += [
            row("ana", "flex", f"2026-12-{day:02d}", "08:00", "10:00"),
            row("ana", "flex", f"2026-12-{day:02d}", "13:00", "15:00"),
        ]
    assert check(rows(*lines), max_days=5, **SPLIT) == []
    [v] = check(rows(*lines), max_days=4, **SPLIT)
    assert found([v]) == [("days_per_week", "ana", D("2026-12-07"))]
    assert "works 5 days in the week of Monday 2026-12-07 (maximum 4)" in v.message
    assert v.line == 10  # the fifth day's first row


def test_a_split_weekend_day_is_one_weekend(check: Check) -> None:
    weekend = [
        row("ana", "flex", "2026-12-12", "08:00", "10:00"),
        row("ana", "flex", "2026-12-12", "13:00", "15:00"),
        row("ana", "flex", "2026-12-13", "08:00", "10:00"),
    ]
    limit = {"rules": ", max_weekends_per_period: 1", **SPLIT}
    assert check(rows(*weekend), **limit) == []
    [v] = check(rows(*weekend, row("ana", "flex", "2026-12-19", "08:00", "10:00")), **limit)
    assert found([v]) == [("max_weekends", "ana", D("2026-12-19"))]
    assert "works 2 weekends in the period (maximum 1)" in v.message


NIGHTS = {"rules": ", max_nights_per_week: 1"}  # a night: 3 h or more inside 22:00–06:00 (the default night_shift)


def test_nights_judged_by_the_shifts_own_hours(check: Check) -> None:
    """20:00–23:00 has 1 h of night, 21:00–02:00 has 4 h: one night a week, kept."""
    roster = rows(
        row("ana", "evening", "2026-12-08", "20:00", "23:00"),
        row("ana", "evening", "2026-12-10", "21:00", "2026-12-11T02:00"),
    )
    assert check(roster, **NIGHTS) == []


def test_nights_broken_by_two_long_evenings(check: Check) -> None:
    roster = rows(
        row("ana", "evening", "2026-12-08", "22:00", "2026-12-09T06:00"),
        row("ana", "evening", "2026-12-10", "21:00", "2026-12-11T02:00"),
    )
    [v] = check(roster, **NIGHTS)
    assert found([v]) == [("nights_per_week", "ana", D("2026-12-07"))]
    assert "works 2 night shifts in the week of Monday 2026-12-07 (maximum 1)" in v.message


def test_max_shifts_per_period_counts_each_shift_of_a_split_day(check: Check) -> None:
    roster = rows(
        row("ana", "flex", "2026-12-08", "08:00", "10:00"),
        row("ana", "flex", "2026-12-08", "13:00", "15:00"),
        row("ana", "flex", "2026-12-10", "08:00", "10:00"),
    )
    assert check(roster, **SPLIT, rules=", max_shifts_per_period: {flex: 3}") == []
    [v] = check(roster, **SPLIT, rules=", max_shifts_per_period: {flex: 2}")
    assert found([v]) == [("max_shifts", "ana", D("2026-12-10"))]
    assert "works 3 'flex' shifts in the period (maximum 2)" in v.message


def test_succession_from_any_shift_of_a_split_day(check: Check) -> None:
    """Tuesday's second shift is an evening; an evening may not be followed by a flex the next day."""
    roster = rows(
        row("ana", "flex", "2026-12-08", "08:00", "10:00"),
        row("ana", "evening", "2026-12-08", "16:00", "18:00"),
        row("ana", "flex", "2026-12-09", "08:00", "10:00"),
    )
    assert check(roster, **SPLIT) == []
    [v] = check(roster, **SPLIT, rules=", forbidden_successions: [[evening, flex]]")
    assert found([v]) == [("succession", "ana", D("2026-12-09"))]
    assert "shift 'evening' on 2026-12-08 is followed by shift 'flex' on 2026-12-09, a forbidden succession" in v.message


# --------------------------------------------------------------------------- the previous roster's shifts (history)

# The period starts 2026-12-07 00:00 New York = 13:00 in Manila: a Manila shift at 08:00 that day
# belongs to the previous roster, yet its local date is this period's first.
PREVIOUS = "agent,shift,date,start_local,end_local\ncruz,flex,2026-12-07,2026-12-07T08:00,2026-12-07T10:00\n"


@pytest.fixture
def with_history(check: Check, tmp_path: Path) -> Check:
    (tmp_path / "previous.csv").write_text(PREVIOUS)
    return lambda text, **changes: check(text, history="history: previous.csv", **changes)


def test_a_split_day_across_the_boundary_kept(with_history: Check) -> None:
    assert with_history(rows(row("cruz", "flex", "2026-12-07", "13:00", "15:00")), **SPLIT) == []


def test_a_split_day_across_the_boundary_too_close(with_history: Check) -> None:
    [v] = with_history(rows(row("cruz", "flex", "2026-12-07", "13:00", "15:00")), per_day=2, gap=4)
    assert found([v]) == [("min_gap", "cruz", D("2026-12-07"))]
    assert "between 'flex' in the previous roster ending 2026-12-07 10:00 Asia/Manila and 'flex' starting 13:00" in v.message


def test_a_second_shift_on_a_day_the_previous_roster_works(with_history: Check) -> None:
    [v] = with_history(rows(row("cruz", "flex", "2026-12-07", "13:00", "15:00")))
    assert found([v]) == [("max_shifts_per_day", "cruz", D("2026-12-07"))]
    assert v.message == "cruz: has two shifts on 2026-12-07 ('flex' in the previous roster and 'flex'; at most one per day)"


# --------------------------------------------------------------------------- read_roster


def test_read_roster_needs_the_times_of_a_flexible_shift(config_of: Callable[..., Config], tmp_path: Path) -> None:
    config = config_of()
    path = tmp_path / "roster.csv"
    path.write_text(
        rows(row("ana", "day", "2026-12-08"), row("ana", "flex", "2026-12-09"), row("ana", "flex", "2026-12-10", "08:00"))
    )
    with pytest.raises(InputError) as error:
        read_roster(path, config)
    assert [str(p) for p in error.value.problems] == [
        f"{path}:3: start_local: empty, but shift 'flex' at site nyc is flexible (starts 08:00-14:00, lasts 2-8 h), "
        "so the row gives its own times (expected start_local or start_utc, and end_local or end_utc)",
        f"{path}:4: end_local: empty, but shift 'flex' at site nyc is flexible (starts 08:00-14:00, lasts 2-8 h), "
        "so the row gives its own times (expected start_local or start_utc, and end_local or end_utc)",
    ]


def test_read_roster_reads_a_flexible_shift_and_defaults_a_listed_one(config_of: Callable[..., Config], tmp_path: Path) -> None:
    config = config_of()
    path = tmp_path / "roster.csv"
    path.write_text(rows(row("ana", "day", "2026-12-08"), row("ana", "flex", "2026-12-09", "10:00", "13:00")))
    listed, flexible = read_roster(path, config).assignments
    assert (listed.start_utc.isoformat(), listed.hours) == ("2026-12-08T14:00:00+00:00", 8.0)
    assert (flexible.start_utc.isoformat(), flexible.hours) == ("2026-12-09T15:00:00+00:00", 3.0)


# --------------------------------------------------------------------------- covplan verify, end to end


def _verify(tmp_path: Path, config_text: str, roster_text: str) -> int:
    (tmp_path / "plan.yaml").write_text(config_text)
    (tmp_path / "forecast.csv").write_text("start,channel,volume\n")
    (tmp_path / "roster.csv").write_text(roster_text + "\n")
    return main(["verify", str(tmp_path / "plan.yaml"), str(tmp_path / "roster.csv")])


GOOD_WEEK = [
    row("ana", "flex", "2026-12-07", "08:00", "12:00"),
    row("ana", "evening", "2026-12-07", "16:00", "20:00"),
    row("ana", "flex", "2026-12-08", "09:00", "17:00"),
    row("ana", "flex", "2026-12-09", "14:00", "16:00"),
    row("ana", "evening", "2026-12-09", "19:00", "22:00"),
]


def test_verify_accepts_a_good_flexible_roster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _verify(tmp_path, BASE.substitute({**DEFAULTS, **SPLIT}), rows(*GOOD_WEEK)) == 0
    assert "ok — 5 shifts, every hard rule holds" in capsys.readouterr().out


def test_verify_rejects_a_long_run_an_off_grid_start_a_third_shift_and_a_short_gap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = [
        row("ana", "flex", "2026-12-10", "10:00", "19:00"),  # 9 h
        row("ana", "flex", "2026-12-11", "08:30", "10:30"),  # off the 60-minute grid
        row("ana", "flex", "2026-12-14", "08:00", "10:00"),
        row("ana", "flex", "2026-12-14", "13:00", "15:00"),
        row("ana", "evening", "2026-12-14", "18:00", "20:00"),  # a third shift
        row("ana", "flex", "2026-12-15", "08:00", "10:00"),
        row("ana", "flex", "2026-12-15", "12:00", "14:00"),  # 2 h after the first
    ]
    assert _verify(tmp_path, BASE.substitute({**DEFAULTS, **SPLIT}), rows(*GOOD_WEEK, *bad)) == 1
    out = capsys.readouterr()
    roster = tmp_path / "roster.csv"
    assert out.out.splitlines() == [
        f"{roster}:7: agent ana: shift 'flex' on 2026-12-10 lasts 9.0 h, but the template lasts 2 to 8 h",
        f"{roster}:8: agent ana: shift 'flex' on 2026-12-11 starts 2026-12-11 08:30 America/New_York, off the plan's "
        "60-minute grid (the template starts 08:00-14:00 on the grid)",
        f"{roster}:11: agent ana: has three shifts on 2026-12-14 ('flex', 'flex' and 'evening'; at most 2 per day)",
        f"{roster}:13: agent ana: has only 2.0 h between 'flex' ending 2026-12-15 10:00 America/New_York and 'flex' "
        "starting 12:00 on 2026-12-15 (split shifts at least 3 h apart)",
    ]
    assert "4 violation(s)" in out.err


def test_flexible_start_must_begin_a_utc_slot_too(make_config: Callable[..., Config], tmp_path: Path) -> None:
    """Kolkata is UTC+05:30: its 08:00 is 02:30Z, half way through a slot of the 60-minute grid (kept on a 30-minute one)."""
    text = BASE.substitute(DEFAULTS).replace("  mnl:\n    timezone: Asia/Manila", "  mnl:\n    timezone: Asia/Kolkata")
    roster = rows(row("cruz", "flex", "2026-12-08", "08:00", "10:00"))
    (tmp_path / "roster.csv").write_text(roster + "\n")
    config = make_config(text)
    [v] = check_roster(read_roster(tmp_path / "roster.csv", config), config)
    assert found([v]) == [("times", "cruz", D("2026-12-08"))]
    assert "starts 2026-12-08 08:00 Asia/Kolkata, off the plan's 60-minute grid" in v.message
    config = make_config(text.replace("interval_minutes: 60", "interval_minutes: 30"))
    assert check_roster(read_roster(tmp_path / "roster.csv", config), config) == []
