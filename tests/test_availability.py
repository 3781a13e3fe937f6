"""Availability ranges: the model keeps to them, `verify` rejects a shift that breaks one, the costs are the documented ones.

Instances are one week (Mon 2026-12-07 .. Sun 2026-12-13) in New York with the
day shift 09:00-17:00 (14:00-22:00Z); Dublin is on UTC in December.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from helpers import QUIET, TINY, nine_to_five_new_york, solved, violations, week_config, worked_days
from openpyxl import Workbook

from coverage.availability import agent_availability
from coverage.config import Span
from coverage.demand import requirements
from coverage.errors import InputError
from coverage.solve import WEIGHT_SHORT_AGENT, WEIGHT_UNCOVERED, solve
from coverage.time import local_span_utc, shift_instances


def with_agent(text: str, extra: str) -> str:
    return text.replace("skills: [chat]}", f"skills: [chat], {extra}}}")


def test_unavailable_ranges_keep_shifts_away_on_the_agents_own_clock(make_config, tmp_path) -> None:
    # Dublin 20:00-23:00 is 20:00-23:00Z: it overlaps the day shift (14:00-22:00Z) on Mon and Wed;
    # Tue 22:00-23:00 only touches the shift's end, which is no overlap.
    extra = 'timezone: Europe/Dublin, availability: {unavailable: ["Mon,Wed 20:00-23:00", "Tue 22:00-23:00"]}'
    config = week_config(make_config, with_agent(TINY, extra), nine_to_five_new_york(range(7, 12)))
    _, result = solved(config)
    assert worked_days(result) == [8, 10, 11]
    assert result.objective == 2 * 8 * (WEIGHT_UNCOVERED + WEIGHT_SHORT_AGENT)
    assert violations(config, tmp_path, "a1,day,2026-12-07\n") == ["unavailable"]
    assert violations(config, tmp_path, "a1,day,2026-12-08\n") == []


def test_verify_says_which_range_a_shift_touches(make_config, tmp_path) -> None:
    from coverage.check import check_roster
    from coverage.roster import read_roster

    config = make_config(with_agent(TINY, 'availability: {unavailable: ["2026-12-09 16:30-24:00"]}'))
    (tmp_path / "hand.csv").write_text("agent,shift,date\na1,day,2026-12-09\n")
    found = [str(v) for v in check_roster(read_roster(tmp_path / "hand.csv", config), config)]
    assert found == [
        f"{tmp_path / 'hand.csv'}:2: agent a1: shift 'day' on 2026-12-09 (2026-12-09 09:00 America/New_York to 17:00) "
        "touches the agent's range unavailable 2026-12-09 16:30-24:00 (America/New_York)"
    ]


def test_a_range_is_the_same_wall_clock_on_both_sides_of_a_clock_change() -> None:
    # Dublin springs forward on Sun 2027-03-28: Mon 09:00-17:00 is 09-17Z before, 08-16Z after.
    before = local_span_utc(date(2027, 3, 22), "09:00", "17:00", "Europe/Dublin")
    after = local_span_utc(date(2027, 3, 29), "09:00", "17:00", "Europe/Dublin")
    assert [t.hour for t in before] == [9, 17] and [t.hour for t in after] == [8, 16]
    # A night range over the change: Sat 22:00 (22:00Z) to Sun 06:00 (05:00Z) lasts 7 real hours.
    night = local_span_utc(date(2027, 3, 27), "22:00", "06:00", "Europe/Dublin")
    assert (night[1] - night[0]).total_seconds() == 7 * 3600
    whole = local_span_utc(date(2027, 3, 28), "00:00", "24:00", "Europe/Dublin")
    assert (whole[1] - whole[0]).total_seconds() == 23 * 3600


def test_unavailable_ranges_over_a_clock_change(make_config) -> None:
    text = TINY.replace("start: 2026-12-07", "start: 2027-03-22").replace("days: 7", "days: 14")
    config = make_config(with_agent(text, 'timezone: Europe/Dublin, availability: {unavailable: ["Mon 17:00-18:00"]}'))
    ranges = agent_availability(config, config.agents[0])

    def utc(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2027, 3, day, hour, minute, tzinfo=UTC)

    assert ranges.blocked_by(utc(22, 16, 30), utc(22, 17, 30)) is not None  # 16:30-17:30 Dublin (UTC+0)
    assert ranges.blocked_by(utc(29, 15, 30), utc(29, 16, 30)) is not None  # 16:30-17:30 Dublin (UTC+1)
    assert ranges.blocked_by(utc(29, 17, 0), utc(29, 18, 0)) is None  # 18:00-19:00 Dublin: after the range
    assert ranges.blocked_by(utc(22, 17, 0), utc(22, 18, 0)) is not None  # the same UTC hour a week before is 17:00-18:00 Dublin
    assert ranges.blocked_by(utc(22, 18, 0), utc(22, 19, 0)) is None


def test_avoid_and_preferred_cost_per_hour(make_config) -> None:
    # No demand; 8 h a week must be worked: one shift. early 06:00-14:00 has 3 h in the avoid range
    # (30) and 4 h outside the preferred one (8); day 09:00-17:00 has 1 h outside it on a weekday (2) and
    # 8 h on a weekend day (16). Best: a weekday day shift, 8 overstaffed hours + 2.
    text = TINY.replace(
        'day: {start: "09:00", hours: 8}', 'day: {start: "09:00", hours: 8}\n      early: {start: "06:00", hours: 8}'
    )
    text = text.replace("{min: 0, max: 40}", "{min: 8, max: 40}")
    text = with_agent(text, 'availability: {avoid: ["Mon-Sun 06:00-09:00"], preferred: ["Mon-Fri 10:00-18:00"]}')
    config = make_config(text)
    ranges = agent_availability(config, config.agents[0])
    monday = {s.shift: s for s in shift_instances(config) if s.day == date(2026, 12, 7)}
    assert ranges.cost(monday["early"].start_utc, monday["early"].end_utc, config.weights) == 30 + 8
    assert ranges.cost(monday["day"].start_utc, monday["day"].end_utc, config.weights) == 2
    _, result = solved(config)
    assert [a.shift for a in result.roster.assignments] == ["day"]
    assert result.roster.assignments[0].day.weekday() < 5
    assert result.objective == 8 + 2


def test_half_hours_round_per_shift(make_config) -> None:
    # 30 minutes in an avoid range at 10 an hour cost 5; overlapping ranges count once.
    config = make_config(with_agent(TINY, 'availability: {avoid: ["Mon 16:30-17:30", "Mon 16:45-17:00"]}'))
    ranges = agent_availability(config, config.agents[0])
    start = datetime(2026, 12, 7, 14, tzinfo=UTC)
    assert ranges.cost(start, start.replace(hour=22), config.weights) == 5


def test_an_unavailable_range_is_named_when_no_roster_exists(make_config) -> None:
    text = TINY.replace("{min: 0, max: 40}", "{min: 40, max: 40}")
    text = with_agent(text, 'days_off: [Sat, Sun], availability: {unavailable: ["Tue 12:00-13:00"]}')
    config = make_config(text)
    result = solve(config, requirements(config), QUIET)
    assert result.status == "INFEASIBLE"
    assert result.reasons == [
        "agent a1: at least 40 paid hours in the week of 2026-12-07 (hours_per_week.min 40, less leave and holidays)",
        "agent a1: unavailable Tue 12:00-13:00 (America/New_York) on 2026-12-08",
        "fixed days off for agent a1: Sat, Sun",
    ]


def test_the_compact_form(make_config) -> None:
    config = make_config(with_agent(TINY, 'availability: {avoid: ["Fri-Mon", "2026-12-24 13:00-24:00", "tue 22:00-06:00"]}'))
    spans = config.agents[0].availability["avoid"]
    assert spans == [
        Span(days=("Fri", "Sat", "Sun", "Mon")),
        Span(date=date(2026, 12, 24), start="13:00"),
        Span(days=("Tue",), start="22:00", end="06:00"),
    ]
    assert [str(s) for s in spans] == ["Fri,Sat,Sun,Mon", "2026-12-24 13:00-24:00", "Tue 22:00-06:00"]


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ('"Mon-Fry 09:00-17:00"', "'Mon-Fry' is not a weekday"),
        ('"Mon 09:00-09:00"', "is empty"),
        ('"Mon 9-17"', "is not a time range"),
        ('"Mon 09:00-25:00"', "is not a time of day"),
    ],
)
def test_a_bad_range_names_its_line_and_place(make_config, written: str, says: str) -> None:
    text = TINY.replace("skills: [chat]}", "skills: [chat],\n     availability: {preferred: [" + written + "]}}")
    with pytest.raises(InputError) as caught:
        make_config(text)
    [problem] = caught.value.problems
    assert (problem.line, problem.where) == (32, "agents[0].availability.preferred[0]")
    assert says in problem.what


SHEET = """\
agent,day,from,to,level
a1,Mon-Fri,09:00,17:00,preferred
a1,2026-12-24,,,unavailable
"""


def test_the_sheet_form_adds_to_the_yaml(make_config, tmp_path) -> None:
    (tmp_path / "availability.csv").write_text(SHEET)
    text = with_agent(TINY, 'availability: {preferred: ["Sat 10:00-12:00"]}') + "availability_file: availability.csv\n"
    agent = make_config(text).agents[0]
    assert agent.availability == {
        "preferred": [
            Span(days=("Sat",), start="10:00", end="12:00"),
            Span(days=("Mon", "Tue", "Wed", "Thu", "Fri"), start="09:00", end="17:00"),
        ],
        "unavailable": [Span(date=date(2026, 12, 24))],
    }


def test_a_sheet_exported_from_google_sheets_or_excel_reads_as_typed(make_config, tmp_path) -> None:
    """A byte-order mark, CRLF lines, capitalised headers and levels, full day names, and times as sheets export them."""
    (tmp_path / "availability.csv").write_bytes(
        b"\xef\xbb\xbfAgent,Day,From,To,Level\r\n"
        b"a1,Monday-Friday,9:00:00 AM,5:30:00 PM,Preferred\r\n"
        b"a1,Sat,07:00:00,12:00:00 AM,Avoid\r\n"
        b"a1,Sun,6 pm,24:00:00,unavailable\r\n"
    )
    agent = make_config(TINY + "availability_file: availability.csv\n").agents[0]
    assert agent.availability == {
        "preferred": [Span(days=("Mon", "Tue", "Wed", "Thu", "Fri"), start="09:00", end="17:30")],
        "avoid": [Span(days=("Sat",), start="07:00", end="00:00")],  # ends at midnight: Saturday 07:00 to 24:00
        "unavailable": [Span(days=("Sun",), start="18:00", end="24:00")],
    }


def test_a_sheet_s_local_dates_and_odd_seconds_are_refused_with_the_fix(make_config, tmp_path) -> None:
    (tmp_path / "availability.csv").write_text(
        "agent,day,from,to,level\na1,3/26/2027,,,unavailable\na1,Mon,09:00:30,17:00,avoid\n"
    )
    with pytest.raises(InputError) as caught:
        make_config(TINY + "availability_file: availability.csv\n")
    first, second = caught.value.problems
    assert (first.line, first.where) == (2, "day")
    assert "a date is written year-month-day, 2026-12-24" in first.what
    assert (second.line, second.where) == (3, "from")
    assert "'Mon 09:00:30-17:00' is not a time range" in second.what


def test_the_availability_sheet_of_a_workbook_gives_its_cells(make_config, tmp_path) -> None:
    """A workbook's date and time cells; its sheet "Availability", so one workbook can hold the team and its availability."""
    book = Workbook()
    book.active.title = "Team"
    sheet = book.create_sheet("Availability")
    sheet.append(["agent", "day", "from", "to", "level"])
    sheet.append(["a1", datetime(2026, 12, 24), None, None, "unavailable"])
    sheet.append(["a1", "Mon-Fri", time(9, 0), time(17, 0), "preferred"])
    sheet.append(["a1", "Mon", time(9, 0), None, "avoid"])
    book.save(tmp_path / "people.xlsx")
    with pytest.raises(InputError) as caught:
        make_config(TINY + "availability_file: people.xlsx\n")
    [problem] = caught.value.problems
    assert str(problem).endswith(
        "people.xlsx:Availability!A4: to: give both from and to, or neither for the whole day (expected e.g. 09:00 and 17:00)"
    )
    sheet.delete_rows(4)
    book.save(tmp_path / "people.xlsx")
    agent = make_config(TINY + "availability_file: people.xlsx\n").agents[0]
    assert agent.availability == {
        "preferred": [Span(days=("Mon", "Tue", "Wed", "Thu", "Fri"), start="09:00", end="17:00")],
        "unavailable": [Span(date=date(2026, 12, 24))],
    }


def test_every_mistake_of_the_sheet_is_reported_with_its_line(make_config, tmp_path) -> None:
    (tmp_path / "availability.csv").write_text(
        "Agent,Day,From,To,Level\nzz,Mon,09:00,17:00,preferred\na1,Mon,09:00,,avoid\na1,Moon,,,avoid\na1,Mon,,,maybe\n=cmd,Mon,,,avoid\n"
    )
    with pytest.raises(InputError) as caught:
        make_config(TINY + "availability_file: availability.csv\n")
    assert [(p.line, p.where, p.what[:40]) for p in caught.value.problems] == [
        (2, "agent", "unknown agent 'zz' (expected an id of th"),
        (3, "to", "give both from and to, or neither for th"),
        (4, "day", "'Moon': 'Moon' is not a weekday, a range"),
        (5, "level", "'maybe' is not a level (expected one of:"),
        (6, "agent", "unknown agent '=cmd' (expected an id of "),
    ]
    assert all(str(p).startswith(f"{tmp_path / 'availability.csv'}:") for p in caught.value.problems)


def test_a_missing_sheet_or_column(make_config, tmp_path) -> None:
    with pytest.raises(InputError, match="availability_file: file 'nope.csv' not found"):
        make_config(TINY + "availability_file: nope.csv\n")
    (tmp_path / "a.csv").write_text("agent,day,level\n")
    with pytest.raises(InputError, match=r"a.csv:1: header: missing column\(s\) from, to"):
        make_config(TINY + "availability_file: a.csv\n")
