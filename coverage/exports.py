"""Exports managers live in: a coloured roster workbook, one calendar per agent — and reading the workbook back.

* ``roster.xlsx`` — sheet ``Roster``: agents × site-local dates, each cell the
  shift code (``early``, or ``early chat`` for agents with several skills;
  a flexible shift adds its local times, ``support 08:00-12:00``),
  coloured by shift; leave and public holidays marked; per-agent totals at the
  right. Sheet ``Shifts``: the colour key. One sheet per view zone: coverage
  per interval on that zone's wall clock, short and uncovered cells coloured.
  Every text cell is stored as a string, never a formula (names are pasted
  from other systems, and ``=HYPERLINK(...)`` must not become a live link).
* ``calendars/AGENT.ics`` — one iCalendar file per agent with shifts: each
  shift an event in the site's time zone (``DTSTART;TZID=...`` plus the
  zone's VTIMEZONE), so calendar apps show the right hour on both sides of a
  daylight-saving change.
* :func:`read_roster_xlsx` reads a ``Roster`` grid like ours (made by us or
  edited by hand) into a :class:`coverage.roster.Roster`; mistakes are
  reported per cell, ``roster.xlsx:Roster!B7: shift: ...``.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.escape import unescape as ooxml_unescape
from openpyxl.worksheet.worksheet import Worksheet

from coverage.config.schema import WEEKDAYS, Config
from coverage.errors import InputError, Problem
from coverage.gaps import Coverage
from coverage.outputs import repack_zip, write_bytes_atomic, written_at
from coverage.roster import Assignment, Roster, assignment_from_row
from coverage.time import local_to_utc, on_duty_spans, to_local
from coverage.windows import local_slots
from coverage.workload import agent_loads

ROSTER_SHEET = "Roster"
OFF_WORDS = {"", "-", "off", "leave", "holiday"}  # cells that are not shifts (unless a site names a shift so)
# Okabe-Ito colours lightened towards white, so black shift codes stay readable on them.
SHIFT_FILLS = ("F5CF7F", "AAD9F4", "7FCEB9", "F7F1A1", "7FB8D8", "EAAE7F", "E5BCD3")
LEAVE_FILL = "D9D9D9"
SHORT_FILL = "F6C89F"
UNCOVERED_FILL = "D55E00"
HEADER_FILL = "E8E8E8"
TOTAL_COLUMNS = ("shifts", "paid hours", "nights", "weekends")


def _fill(colour: str) -> PatternFill:
    return PatternFill(start_color=colour, end_color=colour, fill_type="solid")


# --------------------------------------------------------------------------- xlsx: writing


def roster_dates(roster: Roster, config: Config) -> list[date]:
    """The grid's columns: the plan's dates, widened to any site-local date a shift starts on."""
    first = min([config.plan.start, *(a.day for a in roster.assignments)])
    last = max([config.plan.end - timedelta(days=1), *(a.day for a in roster.assignments)])
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def shift_code(assignment: Assignment, config: Config) -> str:
    """What a grid cell says: the shift name, plus the channel when the agent has a choice of channels.

    A flexible shift adds its own local times (`support 08:00-12:00`): its
    template has a range of starts and lengths, so the name alone does not
    say when it is worked, and the workbook must read back to the same roster.
    """
    try:
        skills = config.agent(assignment.agent).skills
    except KeyError:
        skills = [assignment.channel]
    code = (
        assignment.shift if len(skills) == 1 and skills[0] == assignment.channel else f"{assignment.shift} {assignment.channel}"
    )
    site = config.sites.get(assignment.site)
    template = site.shifts.get(assignment.shift) if site else None
    if site is None or template is None or not template.flexible:
        return code
    start, end = (to_local(t, site.timezone).format("HH:mm") for t in (assignment.start_utc, assignment.end_utc))
    return f"{code} {start}-{end}"


def shift_fills(config: Config) -> dict[str, str]:
    """A fill colour per shift name (the same name gets the same colour at every site)."""
    names = list(dict.fromkeys(name for site in config.sites.values() for name in site.shifts))
    return {name: SHIFT_FILLS[k % len(SHIFT_FILLS)] for k, name in enumerate(names)}


def _roster_sheet(sheet: Worksheet, roster: Roster, config: Config) -> None:
    dates = roster_dates(roster, config)
    fills = shift_fills(config)
    bold = Font(bold=True)
    header = ["agent", "name", "site", *dates, *TOTAL_COLUMNS]
    sheet.append(header)
    for column, value in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.font = bold
        cell.fill = _fill(HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", text_rotation=90 if isinstance(value, date) else 0)
        if isinstance(value, date):
            cell.number_format = "ddd dd mmm"
            if WEEKDAYS[value.weekday()] in config.weekend:
                cell.font = Font(bold=True, color="A0401A")
    column_of = {day: 4 + k for k, day in enumerate(dates)}
    known = {agent.id for agent in config.agents}
    extra = sorted({a.agent for a in roster.assignments} - known)
    loads = {load.agent: load for load in agent_loads(roster, config)}
    for row, agent_id in enumerate([agent.id for agent in config.agents] + extra, start=2):
        agent = config.agent(agent_id) if agent_id in known else None
        sheet.cell(row=row, column=1, value=ooxml_text(agent_id)).font = bold
        sheet.cell(row=row, column=2, value=ooxml_text(agent.name or agent.id) if agent else "")
        sheet.cell(row=row, column=3, value=ooxml_text(agent.site) if agent else "")
        if agent is not None:
            away = {day: "leave" for day in agent.leave_days()}
            if not agent.works_holidays:
                away.update({day: "holiday" for day in config.holidays_at(agent.site) if day not in away})
            for day, word in away.items():
                if day in column_of:
                    cell = sheet.cell(row=row, column=column_of[day], value=word)
                    cell.fill = _fill(LEAVE_FILL)
                    cell.font = Font(italic=True, color="555555")
        by_day: dict[date, list[Assignment]] = {}
        for shift in roster.for_agent(agent_id):
            by_day.setdefault(shift.day, []).append(shift)
        for day, shifts in by_day.items():
            cell = sheet.cell(row=row, column=column_of[day], value=ooxml_text(", ".join(shift_code(s, config) for s in shifts)))
            cell.fill = _fill(fills.get(shifts[0].shift, LEAVE_FILL))
            cell.font = Font(italic=False, color="000000")
        load = loads.get(agent_id)
        if load is not None:
            totals = (load.shifts, load.paid_hours, load.nights, load.weekends)
            for k, value in enumerate(totals):
                sheet.cell(row=row, column=4 + len(dates) + k, value=value)
    sheet.freeze_panes = "D2"
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["C"].width = 10
    for k in range(len(dates)):
        sheet.column_dimensions[get_column_letter(4 + k)].width = 9
    sheet.row_dimensions[1].height = 62


def _key_sheet(sheet: Worksheet, config: Config) -> None:
    """The colour key, and what each code means in local time."""
    fills = shift_fills(config)
    sheet.append(["site", "shift", "starts (site-local)", "hours", "unpaid break (minutes)", "time zone"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for site_name, site in config.sites.items():
        for name, template in site.shifts.items():
            sheet.append(
                [
                    ooxml_text(site_name),
                    ooxml_text(name),
                    template.start,
                    template.length_text if template.flexible else template.hours,
                    template.unpaid_break_minutes,
                    ooxml_text(site.timezone),
                ]
            )
            sheet.cell(row=sheet.max_row, column=2).fill = _fill(fills[name])
    sheet.append([])
    sheet.append(["", "leave", "leave or a public holiday the agent does not work"])
    sheet.cell(row=sheet.max_row, column=2).fill = _fill(LEAVE_FILL)
    sheet.append(["", "early chat", "shift, then channel: written when the agent has several skills"])
    if any(template.flexible for site in config.sites.values() for template in site.shifts.values()):
        sheet.append(["", "support 08:00-12:00", "a flexible shift, then its own site-local times"])
    for column, width in zip("ABCDEF", (12, 14, 20, 8, 22, 22)):
        sheet.column_dimensions[column].width = width


def view_sheet_name(zone: str, taken: set[str]) -> str:
    """An Excel-safe sheet name for a view (no '/', at most 31 characters, unique)."""
    base = zone.replace("/", " ")[-31:]
    name, k = base, 2
    while name in taken:
        name = f"{base[: 31 - len(str(k)) - 1]}~{k}"
        k += 1
    taken.add(name)
    return name


def _view_sheet(sheet: Worksheet, coverage: Coverage, config: Config, zone: str) -> None:
    """Coverage per interval on one view's wall clock: required, scheduled and short per channel."""
    channels = coverage.channels
    sheet.append([f"Coverage by interval in {zone} (local time); short = required − scheduled; red = nobody on duty"])
    sheet["A1"].font = Font(bold=True)
    header = ["local start", "weekday", "weekend", "overnight", "UTC start"]
    for channel in channels:
        header += [ooxml_text(f"{channel} {what}") for what in ("required", "scheduled", "short")]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = _fill(HEADER_FILL)
    required = {c: coverage.required_of(c) for c in channels}
    scheduled = {c: coverage.scheduled_of(c) for c in channels}
    short = {c: coverage.gap(c) for c in channels}  # a Σ weight's gap without float dust (0.33, not 0.32999…)
    for k, (start, slot) in enumerate(zip(coverage.grid.starts, local_slots(coverage, zone, config))):
        values: list[Any] = [
            slot.local.replace(tzinfo=None),
            WEEKDAYS[slot.local.weekday()],
            slot.weekend,
            slot.overnight,
            start.replace(tzinfo=None),
        ]
        for channel in channels:
            need, have = required[channel][k], scheduled[channel][k]
            values += [need, have, short[channel][k]]
        sheet.append(values)
        row = sheet.max_row
        sheet.cell(row=row, column=1).number_format = "yyyy-mm-dd hh:mm"
        sheet.cell(row=row, column=5).number_format = "yyyy-mm-dd hh:mm"
        for j, channel in enumerate(channels):
            need, have = required[channel][k], scheduled[channel][k]
            if have < need:
                cell = sheet.cell(row=row, column=8 + 3 * j)
                cell.fill = _fill(UNCOVERED_FILL if have == 0 else SHORT_FILL)
                if have == 0:
                    cell.font = Font(bold=True, color="FFFFFF")
    sheet.freeze_panes = "B3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(header))}{sheet.max_row}"
    sheet.column_dimensions["A"].width = 17
    sheet.column_dimensions["E"].width = 17
    for j in range(len(header) - 5):
        sheet.column_dimensions[get_column_letter(6 + j)].width = 11


# OOXML's own escape (ST_Xstring, ECMA-376 22.9.2.19): _xHHHH_ for a character XML 1.0 cannot carry, and for
# CR, which XML parsers turn into LF; the "_" of a literal _xHHHH_ is written _x005F_ so it is not decoded.
_OOXML_ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")


def ooxml_text(text: str) -> str:
    """`text` as a cell's stored string: Excel shows exactly `text`, and no control character stops the save.

    Applied where text from the config enters a cell: openpyxl refuses a
    control character when the value is assigned (IllegalCharacterError).
    """
    return _OOXML_ESCAPED.sub(lambda found: f"_x{ord(found.group()):04X}_", text)


def _cells_as_text(book: Workbook) -> None:
    """Store every text cell of `book` as a string, never a formula.

    openpyxl turns any string starting with '=' into a formula, so an agent
    named =HYPERLINK(...) would become a live link in every manager's copy.
    We write no formulas at all (the totals are numbers we computed), so the
    rule is simply: text is text. Done once over the finished workbook, so a
    sheet added later cannot forget it.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"


def write_roster_xlsx(roster: Roster, coverage: Coverage, config: Config, path: Path) -> Path:
    """roster.xlsx: the shift grid, its colour key, and a coverage sheet per view zone (written atomically)."""
    book = Workbook()
    grid = book.active
    assert isinstance(grid, Worksheet), "a new workbook opens on its one worksheet"
    grid.title = ROSTER_SHEET
    _roster_sheet(grid, roster, config)
    _key_sheet(book.create_sheet("Shifts"), config)
    taken = {ROSTER_SHEET, "Shifts"}
    for zone in config.view_zones:
        _view_sheet(book.create_sheet(view_sheet_name(zone, taken)), coverage, config, zone)
    _cells_as_text(book)
    stamp = written_at()
    book.properties.created = book.properties.modified = stamp.replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps the save time into docProps/core.xml whatever we set: put ours back.
    moment = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    fix = {"docProps/core.xml": lambda xml: re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + moment + rb"\g<2>", xml)}
    return write_bytes_atomic(Path(path), repack_zip(buffer.getvalue(), stamp, fix))


# --------------------------------------------------------------------------- xlsx: reading


def cell_text(value: Any) -> str:
    """A cell's text as Excel shows it: OOXML's _xHHHH_ escapes decoded (openpyxl leaves them as stored)."""
    return ooxml_unescape(value) if isinstance(value, str) else str(value)


def _cell_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _header(sheet: Worksheet, file: str) -> tuple[int, int, dict[int, date]]:
    """(header row, agent column, {column: date}) of a roster grid; the header is the first row naming 'agent'."""
    for row in sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, 20)):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip().lower() == "agent":
                dates = {c.column: d for c in row if (d := _cell_date(c.value)) is not None and c.column is not None}
                if not dates:
                    raise InputError(
                        [
                            Problem(
                                file,
                                f"{sheet.title}!{cell.row}",
                                "header",
                                "no date columns (expected dates such as 2026-12-07 beside 'agent')",
                            )
                        ]
                    )
                return cell.row, cell.column, dates
    raise InputError(
        [
            Problem(
                file,
                f"{sheet.title}!A1",
                "header",
                "no 'agent' column in the first 20 rows (expected a grid like the Roster sheet of roster.xlsx)",
            )
        ]
    )


def read_roster_xlsx(path: str | Path, config: Config) -> Roster:
    """Read a roster grid (sheet ``Roster``, else the first sheet): one row per agent, one column per date.

    A cell holds a shift name, ``shift channel`` for agents with several
    skills, several of those separated by commas, or nothing / ``off`` /
    ``leave`` / ``holiday`` / ``-``. Columns that are not dates (name, site,
    totals) are ignored. Structural problems are listed all at once, each as
    ``FILE:Sheet!CELL: field: what is wrong``; broken rules are left to `verify`.
    """
    file = Path(path)
    try:
        book = load_workbook(file, data_only=True, read_only=False)
    except FileNotFoundError:
        raise InputError([Problem(file, None, "", "file not found")]) from None
    except Exception as exc:  # openpyxl raises several unrelated types for a file that is not a workbook
        raise InputError(
            [Problem(file, None, "", f"not an .xlsx workbook ({type(exc).__name__}); save it as Excel .xlsx")]
        ) from None
    sheet = book[ROSTER_SHEET] if ROSTER_SHEET in book.sheetnames else book.worksheets[0]
    header_row, agent_column, dates = _header(sheet, str(file))
    problems: list[Problem] = []
    assignments: list[Assignment] = []
    for row in sheet.iter_rows(min_row=header_row + 1):
        by_column = {cell.column: cell for cell in row}
        agent_cell = by_column.get(agent_column)
        agent_id = cell_text(agent_cell.value).strip() if agent_cell is not None and agent_cell.value is not None else ""
        if not agent_id:
            continue
        for column, day in dates.items():
            cell = by_column.get(column)
            if cell is None or cell.value is None:
                continue
            for entry in cell_text(cell.value).split(","):
                try:
                    found = _entry(entry, agent_id, day, config, cell.row)
                except ValueError as exc:
                    field, _, what = str(exc).partition(": ")
                    problems.append(Problem(file, f"{sheet.title}!{cell.coordinate}", field, what))
                    continue
                if found is not None:
                    assignments.append(found)
    if problems:
        raise InputError(problems)
    return Roster(tuple(assignments), source=file)


SPAN = re.compile(r"(\d{1,2}:\d{2})-(\d{1,2}:\d{2})")  # a flexible shift's local times in a cell, e.g. 08:00-12:00


def _entry(text: str, agent_id: str, day: date, config: Config, line: int) -> Assignment | None:
    """One 'shift [channel] [HH:MM-HH:MM]' entry of a cell; None for a day off."""
    words = text.split()
    if not words:
        return None
    span = SPAN.fullmatch(words[-1]) if len(words) > 1 else None
    times = _span_times(span, day) if span else {}
    if span:
        words = words[:-1]
    try:
        shifts = config.sites[config.agent(agent_id).site].shifts
    except KeyError:
        shifts = {}
    if len(words) == 1 and words[0].lower() in OFF_WORDS and words[0] not in shifts:
        return None
    if len(words) > 2:
        raise ValueError(
            f"shift: {text.strip()!r} has {len(words)} words (expected 'shift' or 'shift channel', e.g. 'early chat')"
        )
    template = shifts.get(words[0])
    if template is not None and template.flexible and not span:
        zone = config.sites[config.agent(agent_id).site].timezone
        shortest = local_to_utc(day, template.earliest_start, zone).add(minutes=template.min_minutes)
        raise ValueError(
            f"shift: {words[0]!r} is flexible (starts {template.start}, lasts {template.length_text} h), so the cell gives "
            f"its local times (expected e.g. '{words[0]} {template.earliest_start}-{to_local(shortest, zone).format('HH:mm')}')"
        )
    row = {"agent": agent_id, "shift": words[0], "date": day.isoformat(), "channel": words[1] if len(words) == 2 else ""}
    return assignment_from_row({**row, **times}, config, line)


def _span_times(span: re.Match[str], day: date) -> dict[str, str]:
    """A cell's `08:00-12:00` as the row's local start and end; an end at or before the start is the next day's."""
    start, end = span.group(1).zfill(5), span.group(2).zfill(5)
    end_day = day + timedelta(days=1) if end <= start else day
    return {"start_local": f"{day.isoformat()}T{start}", "end_local": f"{end_day.isoformat()}T{end}"}


# --------------------------------------------------------------------------- iCalendar


def calendar_file_name(agent: str) -> str:
    return f"{agent}.ics"


def agent_name(agent_id: str, config: Config) -> str:
    """The name people know the agent by: `name` from the config, else the id (also for agents it no longer lists)."""
    try:
        return config.agent(agent_id).name or agent_id
    except KeyError:
        return agent_id


def _event(shift: Assignment, config: Config, stamp: datetime, nth: int = 1) -> icalendar.Event:
    """One shift; every text property is RFC 5545 TEXT, escaped by icalendar (`;`, `,`, `\\`, line breaks).

    `nth` counts the agent's shifts of this template on this date: a split
    day of one flexible template has two, and each event needs its own UID
    (the first keeps the plain one, so a calendar updates it in place).
    """
    site = config.sites[shift.site]
    template = site.shifts[shift.shift]
    start, end = to_local(shift.start_utc, site.timezone), to_local(shift.end_utc, site.timezone)
    event = icalendar.Event()
    repeat = f"-{nth}" if nth > 1 else ""
    event.add("uid", f"{shift.agent}-{shift.day.isoformat()}-{shift.shift}{repeat}@covplan")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"{shift.shift} shift · {shift.channel}")
    event.add("location", f"{shift.site} ({site.timezone})")
    event.add("categories", [shift.channel])
    local_start = to_local(shift.start_utc, site.timezone).format("HH:mm")
    detail = f"{agent_name(shift.agent, config)}: {shift.shift} {local_start} for {shift.hours:g} h at {shift.site}, channel {shift.channel}."
    spans = on_duty_spans(shift.start_utc, shift.end_utc, template.unpaid_break_minutes, shift.break_start_utc)
    if len(spans) == 2:
        pause_start, pause_end = to_local(spans[0][1], site.timezone), to_local(spans[1][0], site.timezone)
        detail += f" Unpaid break {pause_start:%H:%M}–{pause_end:%H:%M}."
    event.add("description", detail)
    return event


def agent_calendar(agent_id: str, roster: Roster, config: Config, stamp: datetime) -> icalendar.Calendar:
    """The agent's shifts as events in their site's zone, with that zone's VTIMEZONE."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//covplan//coverage planner//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # icalendar leaves an X- property it does not know unescaped (a line break in a name would end the line
    # and start a property of the name's choosing): say it is TEXT, as calendar apps read it.
    calendar.add("x-wr-calname", icalendar.vText(f"Shifts: {agent_name(agent_id, config)}"))
    seen: dict[tuple[date, str], int] = {}
    for shift in roster.for_agent(agent_id):
        nth = seen[(shift.day, shift.shift)] = seen.get((shift.day, shift.shift), 0) + 1
        calendar.add_component(_event(shift, config, stamp, nth))
    calendar.add_missing_timezones(
        first_date=config.plan.start - timedelta(days=366), last_date=config.plan.end + timedelta(days=366)
    )
    return calendar


def write_calendars(roster: Roster, config: Config, out_dir: Path, *, stamp: datetime | None = None) -> list[Path]:
    """calendars/AGENT.ics for every agent with at least one shift; `stamp` is DTSTAMP (default: now)."""
    stamp = stamp or written_at()  # RFC 5545: DTSTAMP in UTC
    agents = list(dict.fromkeys(a.agent for a in sorted(roster.assignments, key=lambda a: a.agent)))
    paths = []
    for agent_id in agents:
        data = agent_calendar(agent_id, roster, config, stamp).to_ical()
        paths.append(write_bytes_atomic(Path(out_dir) / calendar_file_name(agent_id), data))
    return paths
