"""roster.xlsx (written, and read back by `gaps`) and the per-agent iCalendar files."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from openpyxl import Workbook, load_workbook
from twosites import MONDAY, TWO_SITES, hand_requirements, shift, two_site_roster

from coverage.cli import main
from coverage.errors import InputError
from coverage.exports import (
    agent_calendar,
    read_roster_xlsx,
    roster_dates,
    shift_code,
    view_sheet_name,
    write_calendars,
    write_roster_xlsx,
)
from coverage.gaps import coverage_of, write_coverage_csv
from coverage.roster import Roster

STAMP = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def week(make_config):
    config = make_config(TWO_SITES)
    roster = two_site_roster(config)
    return config, roster, coverage_of(roster, hand_requirements(config), config)


def key(roster: Roster) -> list[tuple]:
    return sorted((a.agent, a.site, a.channel, a.shift, a.day, a.start_utc, a.end_utc) for a in roster.assignments)


# --------------------------------------------------------------------------- xlsx


def test_roster_grid(week, tmp_path):
    config, roster, coverage = week
    path = write_roster_xlsx(roster, coverage, config, tmp_path / "roster.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Roster", "Shifts", "America New_York", "Asia Manila"]
    sheet = book["Roster"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["agent", "name", "site"]
    assert [d.date() for d in header[3:10]] == [MONDAY + timedelta(days=k) for k in range(7)]
    assert header[10:] == ["shifts", "paid hours", "nights", "weekends"]
    a1 = [c.value for c in sheet[2]]
    assert a1[:3] == ["a1", "Ana Abel", "nyc"]
    assert a1[3:10] == ["day"] * 5 + [None, None]  # single skill: just the shift
    assert a1[10:] == [5, 40, 0, 0]
    m1 = [c.value for c in sheet[3]]
    # Several skills: shift then channel. The leave day (Mon 14 Dec) lies outside this one-week grid.
    assert m1[3:10] == [None, "morning chat", "morning chat", "morning email", "morning email", None, None]
    assert m1[10:] == [4, 32, 0, 0]  # 9 h less the unpaid hour, four times
    assert sheet["E2"].fill.start_color.rgb.endswith("F5CF7F")  # 'day' has the first shift colour
    assert sheet.freeze_panes == "D2"
    key_sheet = [[c.value for c in row] for row in book["Shifts"].iter_rows(min_row=2, max_row=3)]
    assert key_sheet == [["nyc", "day", "09:00", 8, 0, "America/New_York"], ["manila", "morning", "08:00", 9, 60, "Asia/Manila"]]


def test_view_sheets_are_coverage_csv_on_the_local_clock(week, tmp_path):
    config, roster, coverage = week
    book = load_workbook(write_roster_xlsx(roster, coverage, config, tmp_path / "roster.xlsx"))
    with write_coverage_csv(coverage, tmp_path / "coverage.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    sheet = book["Asia Manila"]
    header = [c.value for c in sheet[2]]
    assert header == [
        "local start",
        "weekday",
        "weekend",
        "overnight",
        "UTC start",
        "chat required",
        "chat scheduled",
        "chat short",
        "email required",
        "email scheduled",
        "email short",
    ]
    lines = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert len(lines) == coverage.grid.count == 168
    for k, line in enumerate(lines):
        for j, channel in enumerate(("chat", "email")):
            row = rows[2 * k + j]
            assert row["channel"] == channel
            assert datetime.fromisoformat(row["interval_start_utc"]).replace(tzinfo=None) == line[4]
            assert line[5 + 3 * j : 8 + 3 * j] == [int(row["required"]), int(row["scheduled"]), int(row["gap"])]
    # First interval: Mon 05:00Z = Mon 13:00 Manila; nobody on chat, so the short cell is filled red.
    assert lines[0][:5] == [datetime(2026, 12, 7, 13, 0), "Mon", False, False, datetime(2026, 12, 7, 5, 0)]
    assert sheet["H3"].value == 1 and sheet["H3"].fill.start_color.rgb.endswith("D55E00")
    assert sheet.auto_filter.ref == "A2:K170"


def test_view_sheet_names_are_excel_safe():
    taken: set[str] = set()
    assert view_sheet_name("America/Argentina/Buenos_Aires", taken) == "America Argentina Buenos_Aires"
    assert view_sheet_name("America/Argentina/Buenos_Aires", taken) == "America Argentina Buenos_Aire~2"
    assert all(len(name) <= 31 and "/" not in name for name in taken)


def test_grid_widens_to_shifts_dated_outside_the_plan(week):
    config, roster, _ = week
    early = shift(config, "m1", "manila", "morning", MONDAY - timedelta(days=1), "chat")
    dates = roster_dates(Roster((*roster.assignments, early)), config)
    assert (dates[0], dates[-1], len(dates)) == (MONDAY - timedelta(days=1), MONDAY + timedelta(days=6), 8)


def test_xlsx_round_trip(week, tmp_path):
    config, roster, coverage = week
    path = write_roster_xlsx(roster, coverage, config, tmp_path / "roster.xlsx")
    back = read_roster_xlsx(path, config)
    assert key(back) == key(roster)
    assert back.source == path
    assert shift_code(roster.assignments[0], config) == "day"
    assert shift_code(roster.assignments[5], config) == "morning chat"


def hand_made(tmp_path: Path, rows: list[list], name: str = "rota.xlsx", sheet: str = "Roster") -> Path:
    book = Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_hand_made_grid_with_text_dates_notes_and_days_off(week, tmp_path):
    config, _, _ = week
    path = hand_made(
        tmp_path,
        [
            ["December rota"],  # a title above the grid
            ["agent", "note", "2026-12-07", date(2026, 12, 8), "2026-12-09", "total"],
            ["a1", "new starter", "day", "off", " DAY ".lower().strip(), 2],
            ["m1", "", "leave", "morning email", "-", None],
            [None, "a blank line"],
        ],
    )
    roster = read_roster_xlsx(path, config)
    assert sorted((a.agent, a.day.isoformat(), a.shift, a.channel) for a in roster.assignments) == [
        ("a1", "2026-12-07", "day", "chat"),
        ("a1", "2026-12-09", "day", "chat"),
        ("m1", "2026-12-08", "morning", "email"),
    ]
    assert roster.assignments[0].start_utc.isoformat() == "2026-12-07T14:00:00+00:00"


def test_two_shifts_in_one_cell_are_both_read(week, tmp_path):
    config, _, _ = week
    path = hand_made(tmp_path, [["agent", "2026-12-08"], ["m1", "morning chat, morning email"]])
    assert sorted(a.channel for a in read_roster_xlsx(path, config).assignments) == ["chat", "email"]


def test_mistakes_are_reported_by_cell(week, tmp_path):
    config, _, _ = week
    path = hand_made(
        tmp_path,
        [
            ["agent", "name", "2026-12-07", "2026-12-08"],
            ["a1", "Ana", "dya", "day"],
            ["zed", "Zed", "day", None],
            ["m1", "Mia", "morning", "morning phone"],
            ["a1", "Ana", "day chat now", None],
        ],
    )
    with pytest.raises(InputError) as caught:
        read_roster_xlsx(path, config)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:Roster!C2: shift: site nyc has no shift 'dya' (expected one of: day)",
        f"{path}:Roster!C3: agent: unknown agent 'zed' (expected an id from agents in plan.yaml)",
        f"{path}:Roster!C4: channel: empty, and agent m1 has several skills (expected one of: chat, email)",
        f"{path}:Roster!C5: shift: 'day chat now' has 3 words (expected 'shift' or 'shift channel', e.g. 'early chat')",
    ]
    # An unknown channel is not a structural mistake: the checker reports it as a broken rule.
    assert "morning phone" not in str(caught.value)


def test_a_file_that_is_not_a_roster_grid(week, tmp_path):
    config, _, _ = week
    fake = tmp_path / "fake.xlsx"
    fake.write_text("agent,shift,date\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"fake.xlsx:\?: \(document\): not an .xlsx workbook"):
        read_roster_xlsx(fake, config)
    with pytest.raises(InputError, match=r"rota.xlsx:Other!A1: header: no 'agent' column"):
        read_roster_xlsx(hand_made(tmp_path, [["who", "2026-12-07"]], sheet="Other"), config)
    with pytest.raises(InputError, match=r"rota.xlsx:Roster!1: header: no date columns"):
        read_roster_xlsx(hand_made(tmp_path, [["agent", "name"]]), config)
    with pytest.raises(InputError, match="file not found"):
        read_roster_xlsx(tmp_path / "missing.xlsx", config)


def test_gaps_command_reads_an_xlsx_roster(make_config, tmp_path, capsys):
    config = make_config(TWO_SITES)
    roster = two_site_roster(config)
    grid_file = write_roster_xlsx(roster, coverage_of(roster, hand_requirements(config), config), config, tmp_path / "in.xlsx")
    out = tmp_path / "out"
    assert main(["gaps", str(config.source), str(grid_file), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "status: GIVEN" in printed and "no understaffed hours" in printed  # the fixture's forecast is empty
    with (out / "coverage.csv").open(encoding="utf-8") as stream:
        scheduled = sum(int(row["scheduled"]) for row in csv.DictReader(stream))
    assert scheduled == 40 + 32  # a1's 5 × 8 h and m1's 4 × 8 h on duty
    assert (out / "roster.xlsx").is_file()
    # A grid with a typo: exit 2, one located line, no traceback.
    bad = hand_made(tmp_path, [["agent", "2026-12-07"], ["a1", "dya"]], name="bad.xlsx")
    assert main(["gaps", str(config.source), str(bad), "--out", str(tmp_path / "bad")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"{bad}:Roster!B2: shift: site nyc has no shift 'dya' (expected one of: day)"


def test_gaps_never_replaces_the_workbook_it_reads(make_config, tmp_path, capsys):
    config = make_config(TWO_SITES)
    out = tmp_path / "out"
    out.mkdir()
    own = hand_made(out, [["agent", "2026-12-07"], ["a1", "day"]], name="roster.xlsx")
    before = own.read_bytes()
    assert main(["gaps", str(config.source), str(own), "--out", str(out)]) == 0
    assert own.read_bytes() == before
    assert (out / "report.html").is_file()


# --------------------------------------------------------------------------- iCalendar

DUBLIN_NY = """\
plan:
  start: 2026-10-19
  days: 21
  timezone: Europe/Dublin
forecast:
  file: forecast.csv
channels:
  chat:
    kind: realtime
    aht_seconds: 360
    service_level: {percent: 80, within_seconds: 60}
sites:
  dublin:
    timezone: Europe/Dublin
    shifts:
      day: {start: "09:00", hours: 8}
  nyc:
    timezone: America/New_York
    shifts:
      late: {start: "14:00", hours: 9, unpaid_break_minutes: 60}
contracts:
  full_time: {hours_per_week: {min: 0, max: 40}}
agents:
  - {id: d1, name: Dana Doyle, site: dublin, contract: full_time, skills: [chat]}
  - {id: n1, site: nyc, contract: full_time, skills: [chat]}
"""


def parsed_events(data: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return list(calendar.walk("VEVENT"))


def test_ics_round_trip_across_the_dublin_clock_change(make_config, tmp_path):
    config = make_config(DUBLIN_NY)
    # Dublin leaves summer time on Sun 25 Oct 2026: 09:00 is 08:00Z on Friday, 09:00Z on Monday.
    roster = Roster(
        (
            shift(config, "d1", "dublin", "day", date(2026, 10, 23), "chat"),
            shift(config, "d1", "dublin", "day", date(2026, 10, 26), "chat"),
        )
    )
    (path,) = write_calendars(roster, config, tmp_path / "calendars", stamp=STAMP)
    assert path == tmp_path / "calendars" / "d1.ics"
    data = path.read_bytes()
    assert b"DTSTART;TZID=Europe/Dublin:20261023T090000" in data
    assert b"DTSTART;TZID=Europe/Dublin:20261026T090000" in data
    assert b"BEGIN:VTIMEZONE" in data and b"TZID:Europe/Dublin" in data
    events = parsed_events(data)
    assert [e.decoded("dtstart").astimezone(UTC).isoformat() for e in events] == [
        "2026-10-23T08:00:00+00:00",
        "2026-10-26T09:00:00+00:00",
    ]
    assert [e.decoded("dtend").astimezone(UTC).isoformat() for e in events] == [
        "2026-10-23T16:00:00+00:00",
        "2026-10-26T17:00:00+00:00",
    ]
    assert str(events[0]["summary"]) == "day shift · chat"
    assert str(events[0]["uid"]) == "d1-2026-10-23-day@covplan"
    assert events[0].decoded("dtstamp") == STAMP


def test_ics_in_new_york_across_the_us_change_with_the_break(make_config, tmp_path):
    config = make_config(DUBLIN_NY)
    # New York leaves summer time on Sun 1 Nov: 14:00 is 18:00Z on Friday 30 Oct, 19:00Z on Monday 2 Nov.
    roster = Roster(
        (
            shift(config, "n1", "nyc", "late", date(2026, 10, 30), "chat"),
            shift(config, "n1", "nyc", "late", date(2026, 11, 2), "chat"),
        )
    )
    calendar = agent_calendar("n1", roster, config, STAMP)
    events = parsed_events(calendar.to_ical())
    assert [(e.decoded("dtstart").astimezone(UTC).hour, e.decoded("dtend").astimezone(UTC).hour) for e in events] == [
        (18, 3),
        (19, 4),
    ]
    assert [e.decoded("dtstart").tzinfo.key for e in events] == ["America/New_York"] * 2
    assert "Unpaid break 18:00–19:00." in str(events[0]["description"])  # +4:00 of a 9 h shift, local time
    assert str(calendar["x-wr-calname"]) == "Shifts: n1"


def test_one_calendar_per_agent_with_shifts(week, tmp_path):
    config, roster, _ = week
    paths = write_calendars(roster, config, tmp_path, stamp=STAMP)
    assert [p.name for p in paths] == ["a1.ics", "m1.ics"]
    assert len(parsed_events(paths[1].read_bytes())) == 4
    assert write_calendars(Roster(()), config, tmp_path / "none") == []


def test_verify_reads_the_xlsx_grid_gaps_reads(make_config, tmp_path, capsys):
    """A manager edits roster.xlsx, runs `gaps` on it, then `verify`: the same grid must be checked, not refused as
    a CSV that is "not UTF-8 text". a1 on day shifts Mon-Sat breaks max_days_per_week 5 and 40 h (6 x 8 = 48)."""
    config = make_config(TWO_SITES)
    days = [f"2026-12-{d:02d}" for d in range(7, 14)]
    clean = hand_made(tmp_path, [["agent", *days], ["a1", "day", "day", "day", "day", "day"]], name="clean.xlsx")
    assert main(["verify", str(config.source), str(clean)]) == 0
    assert capsys.readouterr().out.strip() == f"{clean}: ok — 5 shifts, every hard rule holds"
    six = hand_made(tmp_path, [["agent", *days], ["a1", "day", "day", "day", "day", "day", "day"]], name="six.xlsx")
    assert main(["verify", str(config.source), str(six)]) == 1
    printed = capsys.readouterr()
    assert printed.out.splitlines() == [
        f"{six}:2: agent a1: works 6 days in the week of Monday 2026-12-07 (maximum 5)",
        f"{six}:2: agent a1: works 48.0 paid hours in the week of Monday 2026-12-07 (maximum 40 h)",
    ]
    assert printed.err.strip() == f"{six}: 2 violation(s)"
