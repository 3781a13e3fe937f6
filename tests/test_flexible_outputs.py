"""Everything that reads a roster, on flexible and split shifts: workbook, calendars, workload, HTML report, gaps.

A flexible template has no single start or length, so these readers take
each shift's own times; a split day has two shifts of one date.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from openpyxl import Workbook, load_workbook

from coverage.cli import main
from coverage.config import Config
from coverage.demand import requirements
from coverage.errors import InputError
from coverage.exports import read_roster_xlsx, shift_code, write_calendars, write_roster_xlsx
from coverage.gaps import coverage_of
from coverage.roster import Roster, read_roster, roster_changes, write_changes
from coverage.workload import agent_loads

CONFIG = """\
plan: {start: 2026-12-07, days: 7, timezone: America/New_York, interval_minutes: 60}
channels:
  chat: {kind: realtime, aht_seconds: 360, service_level: {percent: 80, within_seconds: 60}}
  email: {kind: backlog, aht_seconds: 360, respond_within_hours: 4}
forecast: {file: forecast.csv}
sites:
  nyc:
    timezone: America/New_York
    shifts:
      flex: {start: "08:00-14:00", hours: 2-8}
      day: {start: "09:00", hours: 8}
contracts:
  c: {hours_per_week: {min: 0, max: 60}, max_days_per_week: 7}
rules: {min_rest_hours: 11, max_consecutive_days: 7, max_shifts_per_day: 2, min_gap_hours: 3}
agents:
  - {id: ana, site: nyc, contract: c, skills: [chat], preferred_hours: 4}
  - {id: ben, site: nyc, contract: c, skills: [chat, email]}
"""

ROSTER = """\
agent,channel,shift,date,start_local,end_local
ana,chat,flex,2026-12-07,2026-12-07T08:00,2026-12-07T12:00
ana,chat,flex,2026-12-07,2026-12-07T15:00,2026-12-07T17:00
ana,chat,flex,2026-12-08,2026-12-08T10:00,2026-12-08T17:00
ana,chat,day,2026-12-09,,
ben,email,flex,2026-12-08,2026-12-08T14:00,2026-12-08T22:00
"""
STAMP = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def flexible(make_config: Callable[..., Config], tmp_path: Path) -> tuple[Config, Roster]:
    config = make_config(CONFIG)
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    return config, read_roster(path, config)


def key(roster: Roster) -> list[tuple]:
    return sorted((a.agent, a.channel, a.shift, a.day, a.start_utc, a.end_utc) for a in roster.assignments)


def test_workbook_cells_give_a_flexible_shifts_times_and_read_back(flexible: tuple[Config, Roster], tmp_path: Path) -> None:
    config, roster = flexible
    ana_first, ana_second, _, ana_day, ben = roster.assignments
    assert shift_code(ana_first, config) == "flex 08:00-12:00"
    assert shift_code(ana_day, config) == "day"
    assert shift_code(ben, config) == "flex email 14:00-22:00"
    path = write_roster_xlsx(roster, coverage_of(roster, requirements(config), config), config, tmp_path / "roster.xlsx")
    book = load_workbook(path)
    grid = book["Roster"]
    assert grid["D2"].value == "flex 08:00-12:00, flex 15:00-17:00"  # a split day: both shifts in one cell
    assert [grid.cell(row=2, column=c).value for c in range(11, 15)] == [4, 21, 0, 0]  # shifts, paid hours (4 + 2 + 7 + 8)
    key_rows = [[c.value for c in row] for row in book["Shifts"].iter_rows(min_row=2, max_row=3)]
    assert key_rows == [
        ["nyc", "flex", "08:00-14:00", "2-8", 0, "America/New_York"],
        ["nyc", "day", "09:00", 8, 0, "America/New_York"],
    ]
    assert key(read_roster_xlsx(path, config)) == key(roster)


def test_a_hand_made_workbook_cell_needs_a_flexible_shifts_times(flexible: tuple[Config, Roster], tmp_path: Path) -> None:
    config, _ = flexible
    book = Workbook()
    book.active.title = "Roster"
    book.active.append(["agent", "name", "site", "2026-12-08", "2026-12-09"])
    book.active.append(["ana", "", "nyc", "flex", "flex 22:00-02:00"])
    path = tmp_path / "rota.xlsx"
    book.save(path)
    with pytest.raises(InputError) as error:
        read_roster_xlsx(path, config)
    [problem] = error.value.problems
    assert str(problem) == (
        f"{path}:Roster!D2: shift: 'flex' is flexible (starts 08:00-14:00, lasts 2-8 h), so the cell gives its local "
        "times (expected e.g. 'flex 08:00-10:00')"
    )
    book.active["D2"] = "flex 8:00-12:00"
    book.save(path)
    first, overnight = read_roster_xlsx(path, config).assignments
    assert (first.start_utc.isoformat(), first.hours) == ("2026-12-08T13:00:00+00:00", 4.0)
    assert (overnight.start_utc.isoformat(), overnight.hours) == ("2026-12-10T03:00:00+00:00", 4.0)  # ends the next day


def test_calendar_events_of_a_split_day_have_their_own_times_and_uids(flexible: tuple[Config, Roster], tmp_path: Path) -> None:
    config, roster = flexible
    paths = write_calendars(roster, config, tmp_path / "calendars", stamp=STAMP)
    events = list(icalendar.Calendar.from_ical(paths[0].read_bytes()).walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == [
        "ana-2026-12-07-flex@covplan",
        "ana-2026-12-07-flex-2@covplan",
        "ana-2026-12-08-flex@covplan",
        "ana-2026-12-09-day@covplan",
    ]
    assert [e.decoded("dtstart").astimezone(UTC).hour for e in events[:2]] == [13, 20]
    assert str(events[1]["description"]) == "ana: flex 15:00 for 2 h at nyc, channel chat."


def test_workload_counts_a_flexible_shifts_own_length_and_its_distance_from_the_preferred_one(
    flexible: tuple[Config, Roster],
) -> None:
    config, roster = flexible
    ana, ben = agent_loads(roster, config)
    assert (ana.shifts, ana.paid_hours, ben.paid_hours) == (4, 21.0, 8.0)
    assert ana.length_away_hours == 5.0  # |4-4| + |2-4| + |7-4|; the listed 'day' is not a flexible shift
    assert ben.length_away_hours is None  # no preferred_hours


def test_gaps_report_on_a_flexible_roster(make_config: Callable[..., Config], tmp_path: Path) -> None:
    """`covplan gaps` on a hand-made flexible roster: every output written, the agents table with the preferred-length column."""
    make_config(CONFIG, [("2026-12-07T13:00:00+00:00", "chat", 5.0), ("2026-12-07T14:00:00+00:00", "chat", 5.0)])
    (tmp_path / "roster.csv").write_text(ROSTER)
    out = tmp_path / "out"
    assert main(["gaps", str(tmp_path / "plan.yaml"), str(tmp_path / "roster.csv"), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["roster"]["paid_hours"] == 29.0
    html = (out / "report.html").read_text()
    assert '<th class="">h from preferred length</th>' in html
    assert '<td class="">5</td></tr>' in html  # ana's row ends with her 5 hours
    assert {p.name for p in (out / "calendars").iterdir()} == {"ana.ics", "ben.ics"}


def test_changes_keep_both_runs_of_a_split_day_and_name_a_retimed_shift(flexible: tuple[Config, Roster], tmp_path: Path) -> None:
    """Re-planned: ana's second Monday run 15:00-17:00 is dropped, her Tuesday shift moves to 11:00-18:00,
    ben's Tuesday shift goes to chat. Both of Monday's runs are compared (not collapsed into one key):
    one removed, one kept; Tuesday's retiming and ben's channel move each give one row with the old values."""
    config, kept = flexible
    replanned = ROSTER.replace("ana,chat,flex,2026-12-07,2026-12-07T15:00,2026-12-07T17:00\n", "")
    replanned = replanned.replace("2026-12-08T10:00,2026-12-08T17:00", "2026-12-08T11:00,2026-12-08T18:00")
    replanned = replanned.replace("ben,email,flex", "ben,chat,flex")
    path = tmp_path / "new.csv"
    path.write_text(replanned)
    changes = roster_changes(kept, read_roster(path, config))
    assert [(a.agent, str(a.day)) for a in changes.removed] == [("ana", "2026-12-07")]
    assert changes.removed[0].start_utc.hour == 20  # 15:00 in New York: the second run, not the first
    assert (changes.added, len(changes.moved), len(changes.retimed), len(changes)) == ((), 1, 1, 3)
    rows = (write_changes(changes, tmp_path / "changes.csv", config)).read_text().splitlines()
    assert rows[0] == "change,agent,date,shift,channel,from_channel,start_local,end_local,from_start_local,from_end_local"
    assert rows[1:] == [
        "removed,ana,2026-12-07,flex,chat,,2026-12-07T15:00:00-05:00,2026-12-07T17:00:00-05:00,,",
        "channel,ben,2026-12-08,flex,chat,email,2026-12-08T14:00:00-05:00,2026-12-08T22:00:00-05:00,,",
        "times,ana,2026-12-08,flex,chat,,2026-12-08T11:00:00-05:00,2026-12-08T18:00:00-05:00,"
        "2026-12-08T10:00:00-05:00,2026-12-08T17:00:00-05:00",
    ]
