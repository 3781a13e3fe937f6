"""The team from a spreadsheet: `agents_file: team.csv` (or `.xlsx`), one row per agent.

Managers keep their team in a sheet, not in YAML. Each row becomes the same
dict an entry of the YAML `agents:` list gives before validation, so the
rules, defaults and checks are the ones the YAML list has; only the places
errors point to differ: ``team.csv:7: skills: …`` (the line and the column's
header as written) or ``team.xlsx:Team!E7: skills: …`` (the cell).

Columns (headers matched without regard to case, spaces, ``_`` or ``-``;
only ``id``, ``site``, ``contract`` and ``skills`` are required):

=================  ===================================================
id                 unique agent id
name               display name
site, contract     names defined in the configuration
skills             channels, separated by ``,`` or ``;``
days off           fixed weekly days off: ``Sat, Sun`` (``Saturday`` works)
leave              dates and ranges: ``2026-12-24; 2026-12-28 to 2026-12-31``
                   (``..`` for ``to`` too); date cells of a workbook work
shifts             allowed shift templates (empty: all of the site's)
works holidays     yes / no
employment start,  dates the agent joins or leaves inside the period
employment end
weight,            `workload` targets: share of a full person, own target,
target hours,      hours over (+) or under (−) target so far
balance hours
=================  ===================================================

Every problem of the sheet is reported at once, with its row and column.

`availability_file: availability.csv` is the other sheet managers fill in:
rows ``agent,day,from,to,level`` that join each agent's `availability`
(coverage.availability says what they mean), read here the same way; and
`workload.balance_file`, the previous plan's ``workload.csv``, gives each
agent's hours over or under target so far (coverage.targets).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from coverage.config.checks import agent_references
from coverage.config.problems import explain_error
from coverage.config.schema import AVAILABILITY_LEVELS, WEEKDAYS, Agent, Span, SpanText
from coverage.csvcells import from_csv_cell
from coverage.errors import InputError, Problem
from coverage.inputs import MAX_CSV_BYTES, other_separator, read_text

COLUMNS = {  # normalised header -> agent key
    "id": "id",
    "agent": "id",
    "agent id": "id",
    "name": "name",
    "site": "site",
    "contract": "contract",
    "skills": "skills",
    "channels": "skills",
    "days off": "days_off",
    "leave": "leave",
    "shifts": "shifts",
    "allowed shifts": "shifts",
    "works holidays": "works_holidays",
    "employment start": "employment_start",
    "employment end": "employment_end",
    "weight": "weight",
    "target hours": "target_hours",
    "balance hours": "balance_hours",
}
REQUIRED = ("id", "site", "contract", "skills")
KNOWN = "id, name, site, contract, skills, days off, leave, shifts, works holidays, employment start, employment end, weight, target hours, balance hours"
LISTS = ("skills", "days_off", "shifts")
SHEET_NAMES = ("Team", "Agents")  # the sheet read from a workbook; else its first sheet
AVAILABILITY_SHEETS = ("Availability",)  # so one workbook can hold the team and its availability
_SPLIT = re.compile(r"[;,\n]")
_RANGE = re.compile(r"\s+to\s+|\s*\.\.\s*|\s+[–—-]\s+")
_AGENT = TypeAdapter(Agent)
_SPAN = TypeAdapter(SpanText)
AVAILABILITY_COLUMNS = ("agent", "day", "from", "to", "level")


@dataclass(frozen=True)
class SheetRow:
    """One agent as the YAML list would give it, and where each of its values sits in the sheet."""

    data: dict[str, Any]
    row: int | str  # line of a CSV, or the first cell of a workbook row
    cells: dict[str, tuple[int | str, str]]  # agent key -> (line or cell, header as written)
    headers: dict[str, str]  # agent key -> header as written, for columns whose cell is empty here

    def at(self, key: str) -> tuple[int | str, str]:
        return self.cells.get(key, (self.row, self.headers.get(key, key)))


def load_team(file: Path, parsed: dict[str, Any], taken: set[str]) -> tuple[list[Agent], list[Problem]]:
    """Validated agents of the sheet and every problem in it (cells, references, duplicate ids, also against `taken`)."""
    rows, problems = read_team_sheet(file)
    agents: list[Agent] = []
    seen: dict[str, int | str] = {}
    channels = {name.casefold(): name for name in parsed.get("channels") or {}}
    for row in rows:
        if isinstance(row.data.get("skills"), list):  # channels match without regard to case, as in forecasts
            row.data["skills"] = [channels.get(skill.casefold(), skill) for skill in row.data["skills"]]
        agent = _validate(row, file, problems)
        identity = str(row.data.get("id", ""))
        line, column = row.at("id")
        if identity in taken:
            problems.append(
                Problem(
                    file, line, column, f"agent id {identity!r} is also in the configuration's agents list (expected unique ids)"
                )
            )
        elif identity in seen:
            problems.append(
                Problem(
                    file, line, column, f"duplicate agent id {identity!r} (also {_place(seen[identity])}; expected unique ids)"
                )
            )
        if identity:
            seen.setdefault(identity, line)
        # references are checked on a row that fails validation too, so one run lists every mistake
        agent_references(agent or _references_only(row.data), (), parsed, _reporter(row, file, problems))
        if agent is not None:
            agents.append(agent)
    if not rows and not problems:
        problems.append(Problem(file, None, "", "no agents (expected a header row, then one row per agent)"))
    return agents, problems


def _validate(row: SheetRow, file: Path, problems: list[Problem]) -> Agent | None:
    try:
        return _AGENT.validate_python(row.data)
    except ValidationError as exc:
        found: dict[tuple[Any, ...], str] = {}
        for error in exc.errors(include_url=False):
            place = tuple(error["loc"][:2]) if error["loc"][:1] == ("leave",) else tuple(error["loc"][:1])
            what = _explain(error, row)
            if place not in found or error["type"] == "value_error":  # a leave entry fails both union branches: say it once
                found[place] = what
        for place, what in found.items():
            line, column = row.at(str(place[0]) if place else "")
            problems.append(Problem(file, line, column, what))
    return None


def _explain(error: ErrorDetails, row: SheetRow) -> str:
    key = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "missing":
        return (
            "empty cell (expected a value)"
            if key in row.headers
            else f"no column {key} (expected one, see the team sheet columns in docs/configuration.md)"
        )
    if key == "leave" and error["type"] != "value_error" and isinstance(error.get("input"), str):
        return f"{error['input']!r} is not a date or a range (expected e.g. 2026-12-24 or 2026-12-28 to 2026-12-31)"
    return explain_error(error)


def _references_only(data: dict[str, Any]) -> Agent:
    """An unvalidated agent carrying just the names checked against the configuration (site, contract, skills, shifts)."""

    def names(value: Any) -> list[str]:
        return [str(item) for item in value] if isinstance(value, list) else []

    return Agent.model_construct(
        id=str(data.get("id", "")),
        site=str(data.get("site", "")),
        contract=str(data.get("contract", "")),
        skills=names(data.get("skills")),
        shifts=names(data.get("shifts")) or None,
    )


def _reporter(row: SheetRow, file: Path, problems: list[Problem]) -> Callable[[tuple[Any, ...], str], None]:
    def report(path: tuple[Any, ...], what: str) -> None:
        line, column = row.at(str(path[0]) if path else "")
        problems.append(Problem(file, line, column, what))

    return report


# --------------------------------------------------------------------------- the availability sheet


def load_availability(file: Path, agents: list[Agent]) -> tuple[list[Agent], list[Problem]]:
    """The agents with the sheet's ranges joined to their own, and every problem of the sheet (line or cell, and column)."""
    header, body = _sheet_rows(file, AVAILABILITY_SHEETS)
    names = {_normal(name): k for k, (_, name) in enumerate(header)}
    separator = other_separator([str(name) for _, name in header], AVAILABILITY_COLUMNS)
    if separator is not None:
        return agents, [Problem(file, 1, "header", separator)]
    missing = [name for name in AVAILABILITY_COLUMNS if name not in names]
    if missing:
        return agents, [Problem(file, 1, "header", f"missing column(s) {', '.join(missing)} (expected agent,day,from,to,level)")]
    known = {agent.id for agent in agents}
    added: dict[str, dict[str, list[Span]]] = {}
    problems: list[Problem] = []
    for line, cells in body:
        values = {
            name: _availability_cell(name, cells[names[name]][1]) if names[name] < len(cells) else ""
            for name in AVAILABILITY_COLUMNS
        }
        if not any(values.values()):
            continue

        def report(column: str, what: str, line: int | str = line) -> None:
            problems.append(Problem(file, line, column, what))

        found = _availability_row(values, known, report)
        if found is not None:
            agent, level, span = found
            added.setdefault(agent, {}).setdefault(level, []).append(span)
    return [_with_ranges(agent, added.get(agent.id, {})) for agent in agents], problems


def _availability_row(
    values: dict[str, str], known: set[str], report: Callable[[str, str], None]
) -> tuple[str, str, Span] | None:
    """One row as (agent, level, range), or None after reporting what is wrong with it."""
    ok = True
    if values["agent"] not in known:
        report("agent", f"unknown agent {values['agent']!r} (expected an id of the configuration's agents)")
        ok = False
    level = values["level"].casefold()
    if level not in AVAILABILITY_LEVELS:
        report("level", f"{values['level']!r} is not a level (expected one of: {', '.join(AVAILABILITY_LEVELS)})")
        ok = False
    if bool(values["from"]) != bool(values["to"]):
        report(
            "from" if not values["from"] else "to",
            "give both from and to, or neither for the whole day (expected e.g. 09:00 and 17:00)",
        )
        return None
    text = values["day"] + (f" {values['from']}-{values['to']}" if values["from"] else "")
    try:
        span = _SPAN.validate_python(text)
    except ValidationError as exc:
        report("day" if not values["from"] else "from", explain_error(exc.errors(include_url=False)[0]))
        return None
    return (values["agent"], level, span) if ok else None


def _availability_cell(column: str, value: Any) -> str:
    """A cell as the YAML form writes it: a workbook's date and time cells, and a sheet's exported times, as 2027-03-26 and 09:00.

    Google Sheets exports a time cell as shown (`9:00:00 AM` in a US locale,
    `09:00:00` in most others), Excel's CSV as `9:00` or `09:00:00`, and a
    workbook holds a time or a date itself. A time with seconds other than
    :00 or text that is no time is left as written, for validation to refuse
    with the line and column.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.time() if column in ("from", "to") else value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M") if value.second == 0 and value.microsecond == 0 else str(value)
    text = str(value).strip()
    return _clock_text(text) if column in ("from", "to") else text


_EXPORTED_CLOCKS = ("%H:%M:%S", "%I:%M %p", "%I:%M:%S %p", "%I %p")  # 17:30:00, 5:30 PM, 5:30:00 PM, 5 PM


def _clock_text(text: str) -> str:
    """`9:00:00 AM`, `17:30:00` or `5 pm` as `09:00`, `17:30`, `17:00`; anything else (`24:00`, `9:00`, a typo) unchanged."""
    for form in _EXPORTED_CLOCKS:
        try:
            clock = datetime.strptime(text.upper(), form).time()
        except ValueError:
            continue
        if clock.second == 0:
            return clock.strftime("%H:%M")
    return "24:00" if text == "24:00:00" else text


def _with_ranges(agent: Agent, added: dict[str, list[Span]]) -> Agent:
    if not added:
        return agent
    merged = {
        level: [*agent.availability.get(level, []), *added.get(level, [])]
        for level in AVAILABILITY_LEVELS
        if agent.availability.get(level) or added.get(level)
    }
    return agent.model_copy(update={"availability": merged})


BALANCE_COLUMN = "balance_after"  # of the workload.csv a plan writes (coverage.targets)


def load_balances(file: Path, known: set[str]) -> tuple[dict[str, float], list[Problem]]:
    """`agent -> balance_after` from a previous plan's workload.csv (or a sheet with those two columns), and its problems.

    Agents who have since left are skipped, as a previous roster's are.
    """
    text = read_text(file, MAX_CSV_BYTES, "UTF-8 CSV")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in ("agent", BALANCE_COLUMN) if name not in header]
    if missing:
        return {}, [
            Problem(
                file,
                1,
                "header",
                f"missing column(s) {', '.join(missing)} (expected the workload.csv a plan wrote: agent,...,{BALANCE_COLUMN})",
            )
        ]
    reader.fieldnames = header
    found: dict[str, float] = {}
    problems: list[Problem] = []
    try:
        for row in reader:
            agent, value = from_csv_cell((row.get("agent") or "").strip()), (row.get(BALANCE_COLUMN) or "").strip()
            if agent not in known:
                continue
            try:
                hours = float(value)
            except ValueError:
                problems.append(
                    Problem(file, reader.line_num, BALANCE_COLUMN, f"{value!r} is not a number of hours (expected e.g. -3.5)")
                )
                continue
            if not abs(hours) <= 24 * 366:  # also refuses nan and inf
                problems.append(
                    Problem(
                        file,
                        reader.line_num,
                        BALANCE_COLUMN,
                        f"{value!r} is not a balance of hours (expected at most a year's hours either way)",
                    )
                )
                continue
            found[agent] = hours
    except csv.Error as exc:
        problems.append(Problem(file, reader.line_num or 1, "row", f"not readable as CSV: {exc}"))
    return found, problems


# --------------------------------------------------------------------------- reading the sheet


def read_team_sheet(file: Path) -> tuple[list[SheetRow], list[Problem]]:
    """The sheet's rows as agent dicts (not yet validated), and the problems of its header and cells."""
    header, body = _sheet_rows(file, SHEET_NAMES)
    keys, problems = _header(header, file)
    headers = {key: header[k][1].strip() for k, key in keys.items()}
    rows: list[SheetRow] = []
    for row, cells in body:
        data: dict[str, Any] = {}
        where: dict[str, tuple[int | str, str]] = {}
        for k, (location, value) in enumerate(cells):
            key = keys.get(k)
            if key is None or value is None or (isinstance(value, str) and not value.strip()):
                continue
            where[key] = (location, header[k][1].strip())
            data[key] = _value(key, value)
        if data:
            rows.append(SheetRow(data, row, where, headers))
    return rows, problems


def _header(header: list[tuple[int | str, str]], file: Path) -> tuple[dict[int, str], list[Problem]]:
    """Column position -> agent key; unknown, repeated and missing columns are problems."""
    keys: dict[int, str] = {}
    problems: list[Problem] = []
    for k, (location, name) in enumerate(header):
        if not name.strip():
            continue
        key = COLUMNS.get(_normal(name))
        if key is None:
            problems.append(Problem(file, location, "header", f"unknown column {name.strip()!r} (expected any of: {KNOWN})"))
        elif key in keys.values():
            problems.append(
                Problem(file, location, "header", f"column {name.strip()!r} repeats {key} (expected each column once)")
            )
        else:
            keys[k] = key
    missing = [key for key in REQUIRED if key not in keys.values()]
    if missing:
        problems.append(
            Problem(
                file,
                header[0][0] if header else 1,
                "header",
                f"missing column(s) {', '.join(missing)} (expected at least id, site, contract, skills)",
            )
        )
    return keys, problems


def _normal(name: str) -> str:
    return " ".join(name.strip().casefold().replace("_", " ").replace("-", " ").split())


def _value(key: str, value: Any) -> Any:
    """A cell as the YAML list would have it: lists split, weekdays as Mon..Sun, leave as dates and {from, to}."""
    if isinstance(value, datetime):
        value = value.date()
    if key == "leave":
        return _leave(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if key in LISTS:
        items = [item.strip() for item in _SPLIT.split(text) if item.strip()]
        return [_weekday(item) for item in items] if key == "days_off" else items
    return text


def _weekday(text: str) -> str:
    """``saturday`` and ``SAT`` are ``Sat``; anything else is left for validation to refuse."""
    folded = text.casefold()
    for day, full in zip(WEEKDAYS, _DAY_NAMES):
        if folded in (day.casefold(), full):
            return day
    return text


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _leave(value: Any) -> list[Any]:
    if isinstance(value, date):
        return [value.isoformat()]
    entries: list[Any] = []
    for item in _SPLIT.split(str(value)):
        item = item.strip()
        if not item:
            continue
        parts = _RANGE.split(item, maxsplit=1)
        entries.append({"from": parts[0].strip(), "to": parts[1].strip()} if len(parts) == 2 else item)
    return entries


def _sheet_rows(
    file: Path, sheets: tuple[str, ...]
) -> tuple[list[tuple[int | str, str]], Iterator[tuple[int | str, list[tuple[int | str, Any]]]]]:
    """The header and rows of a CSV file or of a workbook's sheet (the first of `sheets` it has, else its first), each cell with where it is."""
    return _workbook_rows(file, sheets) if file.suffix.lower() == ".xlsx" else _csv_rows(file)


def _csv_rows(file: Path) -> tuple[list[tuple[int | str, str]], Iterator[tuple[int | str, list[tuple[int | str, Any]]]]]:
    reader = csv.reader(io.StringIO(read_text(file, MAX_CSV_BYTES, save_as="UTF-8 CSV"), newline=""))
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise InputError([Problem(file, 1, "header", f"not readable as CSV: {exc}")]) from None

    def body() -> Iterator[tuple[int | str, list[tuple[int | str, Any]]]]:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError([Problem(file, reader.line_num, "row", f"not readable as CSV: {exc}")]) from None
            line = reader.line_num
            yield line, [(line, from_csv_cell(cell)) for cell in cells]

    return [(1, from_csv_cell(name)) for name in header], body()


def _workbook_rows(
    file: Path, sheets: tuple[str, ...]
) -> tuple[list[tuple[int | str, str]], Iterator[tuple[int | str, list[tuple[int | str, Any]]]]]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError([Problem(file, None, "", "file not found")]) from None
    except Exception as exc:  # openpyxl raises several unrelated types for a file that is not a workbook
        raise InputError(
            [Problem(file, None, "", f"not an .xlsx workbook ({type(exc).__name__}); save it as Excel .xlsx")]
        ) from None
    sheet = next((book[name] for name in sheets if name in book.sheetnames), book.worksheets[0])
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, ())

    def cell(row: int, column: int) -> str:
        return f"{sheet.title}!{get_column_letter(column + 1)}{row}"

    header: list[tuple[int | str, str]] = [(cell(1, k), "" if value is None else str(value)) for k, value in enumerate(first)]

    def body() -> Iterator[tuple[int | str, list[tuple[int | str, Any]]]]:
        for number, values in enumerate(rows, start=2):
            yield cell(number, 0), [(cell(number, k), value) for k, value in enumerate(values)]

    return header, body()


def _place(location: int | str) -> str:
    return f"line {location}" if isinstance(location, int) else location
