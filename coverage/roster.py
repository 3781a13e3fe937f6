"""The roster: who works which shift, on which channel, when — in UTC and local time.

A roster is plain data. The solver produces one, a manager may write one by
hand; the checker and the gap report read either through the same CSV format
(`roster.csv` in the contract).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import pendulum

from coverage.config.schema import Config
from coverage.csvcells import from_csv_cell
from coverage.errors import InputError, Problem
from coverage.inputs import MAX_CSV_BYTES, other_separator, read_text
from coverage.outputs import write_csv_atomic
from coverage.time import default_break_start, local_to_utc, parse_timestamp, period_grid, to_local

COLUMNS = ("agent", "site", "channel", "shift", "date", "start_local", "end_local", "start_utc", "end_utc")
BREAK_COLUMNS = ("break_start_local", "break_start_utc")  # ours, after the contract's columns; empty without a break
ALL_COLUMNS = COLUMNS + BREAK_COLUMNS
REQUIRED_COLUMNS = ("agent", "shift", "date")


@dataclass(frozen=True)
class Assignment:
    """One worked shift."""

    agent: str
    site: str
    channel: str
    shift: str
    day: date
    start_utc: pendulum.DateTime
    end_utc: pendulum.DateTime
    line: int | None = None  # where it came from, when read from a file
    break_start_utc: pendulum.DateTime | None = None  # None: the template's default (mid-shift) break

    @property
    def hours(self) -> float:
        return (self.end_utc - self.start_utc).total_seconds() / 3600


def paid_minutes(assignment: Assignment, config: Config) -> int:
    """Paid minutes of a worked shift: a listed template's (its unpaid break taken out), or a flexible shift's own length."""
    template = config.sites[assignment.site].shifts[assignment.shift]
    if template.flexible:  # plain timestamps: pendulum's Interval is slow when a big roster is summed
        return round((assignment.end_utc.timestamp() - assignment.start_utc.timestamp()) / 60)
    return template.paid_minutes


@dataclass(frozen=True)
class Roster:
    assignments: tuple[Assignment, ...]
    source: Path | None = None

    def for_agent(self, agent: str) -> list[Assignment]:
        return sorted((a for a in self.assignments if a.agent == agent), key=lambda a: a.start_utc)

    def __len__(self) -> int:
        return len(self.assignments)


def sort_key(assignment: Assignment) -> tuple:
    return (assignment.start_utc, assignment.site, assignment.agent)


def write_roster(roster: Roster, config: Config, path: Path) -> Path:
    """Write the contract's roster.csv: one row per worked shift, ISO times with offsets."""
    rows = []
    for a in sorted(roster.assignments, key=sort_key):
        zone = config.sites[a.site].timezone
        rows.append(
            (
                a.agent,
                a.site,
                a.channel,
                a.shift,
                a.day.isoformat(),
                to_local(a.start_utc, zone).isoformat(),
                to_local(a.end_utc, zone).isoformat(),
                a.start_utc.isoformat(),
                a.end_utc.isoformat(),
                *_break_cells(a, config, zone),
            )
        )
    return write_csv_atomic(path, ALL_COLUMNS, rows)


def break_start(a: Assignment, config: Config) -> pendulum.DateTime | None:
    """When this shift's unpaid break starts: as rostered, else the template's default; None without a break."""
    minutes = config.sites[a.site].shifts[a.shift].unpaid_break_minutes
    if minutes <= 0:
        return None
    return a.break_start_utc or default_break_start(a.start_utc, a.end_utc, minutes)


def _break_cells(a: Assignment, config: Config, zone: str) -> tuple[str, str]:
    begin = break_start(a, config)
    return ("", "") if begin is None else (to_local(begin, zone).isoformat(), begin.isoformat())


@dataclass(frozen=True)
class RosterChanges:
    """What a re-plan changed against a kept roster: shifts removed and added, moved to another channel, retimed.

    The same agent, date and template is the same shift — the unit the model
    prices a change on. Worked on another channel it is a channel move (the
    agent's hours unchanged, only the queue they answer); a flexible shift
    kept at other times is retimed (no change in the model's eyes, but the
    agent must hear of it). On a split day the day's runs of one template
    pair up in order of start; runs left over are removed or added.
    """

    removed: tuple[Assignment, ...]
    added: tuple[Assignment, ...]
    moved: tuple[tuple[Assignment, Assignment], ...]  # (kept, now): same agent, date and shift, another channel
    retimed: tuple[tuple[Assignment, Assignment], ...] = ()  # (kept, now): same agent, date and shift, other times

    def __len__(self) -> int:
        """The rows of changes.csv: a shift both moved and retimed is one row."""
        return len(self.removed) + len(self.added) + len(self.moved) + len(self.only_retimed)

    @property
    def only_retimed(self) -> tuple[tuple[Assignment, Assignment], ...]:
        return tuple((kept, now) for kept, now in self.retimed if kept.channel == now.channel)


def _by_shift(roster: Roster) -> dict[tuple[str, date, str], list[Assignment]]:
    """A roster's shifts by agent, date and template, each day's runs in order of start."""
    shifts: dict[tuple[str, date, str], list[Assignment]] = {}
    for a in sorted(roster.assignments, key=lambda a: a.start_utc):
        shifts.setdefault((a.agent, a.day, a.shift), []).append(a)
    return shifts


def roster_changes(before: Roster, after: Roster) -> RosterChanges:
    """Shifts removed from and added to `before`, shifts kept on another channel, and kept shifts at other times."""
    old, new = _by_shift(before), _by_shift(after)
    removed: list[Assignment] = []
    added: list[Assignment] = []
    moved: list[tuple[Assignment, Assignment]] = []
    retimed: list[tuple[Assignment, Assignment]] = []
    for key in old.keys() | new.keys():
        was, now = old.get(key, []), new.get(key, [])
        removed += was[len(now) :]
        added += now[len(was) :]
        for kept, worked in zip(was, now, strict=False):
            if (kept.start_utc, kept.end_utc) != (worked.start_utc, worked.end_utc):
                retimed.append((kept, worked))
            if kept.channel != worked.channel:
                moved.append((kept, worked))
    return RosterChanges(
        removed=tuple(sorted(removed, key=sort_key)),
        added=tuple(sorted(added, key=sort_key)),
        moved=tuple(sorted(moved, key=lambda pair: sort_key(pair[1]))),
        retimed=tuple(sorted(retimed, key=lambda pair: sort_key(pair[1]))),
    )


CHANGES_COLUMNS = ("change", "agent", "date", "shift", "channel", "from_channel")
CHANGES_TIME_COLUMNS = ("start_local", "end_local", "from_start_local", "from_end_local")  # ours, after the documented ones


def write_changes(changes: RosterChanges, path: Path, config: Config) -> Path:
    """changes.csv: one row per removed, added, channel-moved or retimed shift, with its local times.

    `from_channel` is filled for a channel move, `from_start_local` and
    `from_end_local` for a retimed shift (a flexible shift kept at other times).
    """

    def row(change: str, a: Assignment, was: Assignment | None = None) -> tuple[str, ...]:
        zone = config.sites[a.site].timezone
        times = (to_local(a.start_utc, zone).isoformat(), to_local(a.end_utc, zone).isoformat())
        moved_from = was.channel if was is not None and was.channel != a.channel else ""
        retimed_from = ("", "")
        if was is not None and (was.start_utc, was.end_utc) != (a.start_utc, a.end_utc):
            retimed_from = (to_local(was.start_utc, zone).isoformat(), to_local(was.end_utc, zone).isoformat())
        return (change, a.agent, a.day.isoformat(), a.shift, a.channel, moved_from, *times, *retimed_from)

    rows = [row("removed", a) for a in changes.removed]
    rows += [row("added", a) for a in changes.added]
    rows += [row("channel", now, kept) for kept, now in changes.moved]
    rows += [row("times", now, kept) for kept, now in changes.only_retimed]
    return write_csv_atomic(path, CHANGES_COLUMNS + CHANGES_TIME_COLUMNS, rows)


def read_roster(path: str | Path, config: Config, *, skip_unknown_agents: bool = False, channels: bool = True) -> Roster:
    """Read a roster CSV made by us or by hand.

    Only `agent`, `shift` and `date` are required: `site` defaults to the
    agent's site, `channel` to the agent's only skill, and the times to the
    template's times on that date — except for a flexible template, whose
    start and end each row must give (the template has a range of each).
    Structural problems (unknown agents or shifts, unreadable dates, a
    flexible row without its times) are input errors; broken *rules* are left for
    the checker to report. An unknown agent is one line however many rows
    name them (a roster from before someone left names them on every row of
    theirs). Cells are unescaped as `write_roster` escaped them
    (`coverage.csvcells`), so ids read back exactly as in the config.
    `channels=False`: no reader of these shifts asks their channel (the
    previous period's, `history:`), so an agent of several skills may leave
    it empty (their shifts' channel is then "").
    """
    team, _ = _read_rows(Path(path), config, "skip" if skip_unknown_agents else "refuse", channels=channels)
    return team


@dataclass(frozen=True)
class KeptRoster:
    """A roster to re-plan against (`plan --keep`): the current team's shifts, and those of agents who have left.

    A manager re-plans exactly when someone leaves, so the kept roster may
    name agents the config no longer has. The model keeps only `team`; the
    changes are counted against `whole`, so the leavers' shifts are listed as
    removed instead of being dropped without a word.
    """

    team: Roster
    left: Roster

    @property
    def whole(self) -> Roster:
        return Roster(self.team.assignments + self.left.assignments, source=self.team.source)

    @property
    def leavers(self) -> dict[str, int]:
        """Each agent who has left, with the number of their shifts (in the roster's order)."""
        counts: dict[str, int] = {}
        for a in self.left.assignments:
            counts[a.agent] = counts.get(a.agent, 0) + 1
        return counts


def read_kept_roster(path: str | Path, config: Config) -> KeptRoster:
    """The roster `plan --keep` re-plans against: rows of agents the config lacks are read as leavers' shifts.

    A leaver's row is located without their entry in `agents`: its `site`
    column, or else the one site with the row's template; its channel as
    written (empty when the row gives none).
    """
    team, left = _read_rows(Path(path), config, "left")
    return KeptRoster(team, left)


def _read_rows(
    file: Path, config: Config, unknown: Literal["refuse", "skip", "left"], *, channels: bool = True
) -> tuple[Roster, Roster]:
    """The roster's rows as the config's agents' shifts, and (`unknown="left"`) the shifts of agents it lacks."""
    text = read_text(file, MAX_CSV_BYTES, "UTF-8 CSV")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = _header(file, reader.fieldnames)
        reader.fieldnames = header
        problems: list[Problem] = []
        assignments: list[Assignment] = []
        left: list[Assignment] = []
        strangers: dict[str, list[int]] = {}  # unknown agent -> the lines naming them
        ids = config.agent_ids  # once: a set built per row costs rows x agents
        for row in reader:
            number = reader.line_num  # the file's line, even after blank lines or quoted line breaks
            if None in row:
                problems.append(Problem(file, number, "row", f"more fields than the header has ({len(header)})"))
                continue
            row = {name: None if value is None else from_csv_cell(value) for name, value in row.items()}
            agent = (row.get("agent") or "").strip()
            known = agent in ids
            if not known and unknown == "skip":
                continue  # a previous roster may name agents who have since left
            if not known and unknown == "refuse":
                strangers.setdefault(agent, []).append(number)
                continue
            try:
                (assignments if known else left).append(
                    assignment_from_row(row, config, number, channel=channels) if known else _leavers_shift(row, config, number)
                )
            except ValueError as exc:
                field, _, what = str(exc).partition(": ")
                problems.append(Problem(file, number, field, what))
            except OverflowError:
                problems.append(Problem(file, number, "date", "date or time out of range (expected one near the rota period)"))
    except csv.Error as exc:
        raise InputError([Problem(file, reader.reader.line_num or 1, "row", f"not readable as CSV: {exc}")]) from None
    problems += [_stranger(file, config, agent, lines) for agent, lines in strangers.items()]
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line if isinstance(p.line, int) else 0))
    return Roster(tuple(assignments), source=file), Roster(tuple(left), source=file)


def _stranger(file: Path, config: Config, agent: str, lines: list[int]) -> Problem:
    """One line per unknown agent, at their first row: an old roster names a leaver on every row of theirs."""
    expected = f"expected an id from agents in {config.source.name}"
    if len(lines) == 1:
        return Problem(file, lines[0], "agent", f"unknown agent {agent!r} ({expected})")
    return Problem(
        file,
        lines[0],
        "agent",
        f"unknown agent {agent!r} on this row and {len(lines) - 1} more ({expected}; if {agent} has left the team, "
        "re-plan with `covplan plan --keep` this roster: it lists their shifts as removed)",
    )


def read_history(config: Config) -> Roster | None:
    """The previous period's roster (`history:`), its shifts that start before this period.

    Rest, runs of days, weekly limits and weekends carry across the boundary,
    so the model and the checker both need to see how the last period ended.
    None of them reads a previous shift's channel (coverage/boundary.py holds
    days, times and templates only), so an export without it is read as it is.
    """
    if config.history is None:
        return None
    previous = read_roster(config.history_path, config, skip_unknown_agents=True, channels=False)
    start = period_grid(config.plan).start
    return Roster(tuple(a for a in previous.assignments if a.start_utc < start), source=previous.source)


def _header(file: Path, fieldnames: Sequence[str] | None) -> list[str]:
    """Column names; missing, unknown or repeated columns stop the read (the rows would be misread)."""
    header = [name.strip() for name in fieldnames or []]
    separator = other_separator(header, COLUMNS)
    if separator is not None:
        raise InputError([Problem(file, 1, "header", separator)])
    expected = f"expected {','.join(COLUMNS)}"
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InputError([Problem(file, 1, "header", f"missing column(s) {', '.join(missing)} ({expected})")])
    unknown = [name or "(empty)" for name in header if name not in ALL_COLUMNS]
    if unknown:
        raise InputError([Problem(file, 1, "header", f"unknown column(s) {', '.join(unknown)} ({expected})")])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputError([Problem(file, 1, "header", f"repeated column(s) {', '.join(repeated)} ({expected} once each)")])
    return header


def assignment_from_row(row: Mapping[str, str | None], config: Config, line: int, *, channel: bool = True) -> Assignment:
    """One roster row (CSV or workbook) as a shift; ValueError("field: what is wrong") for the caller to locate.

    `channel=False`: an agent of several skills may leave the channel empty (no reader of the shift asks it).
    """

    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    agent_id = cell("agent")
    try:
        agent = config.agent(agent_id)
    except KeyError:
        raise ValueError(f"agent: unknown agent {agent_id!r} (expected an id from agents in {config.source.name})") from None
    if not channel and len(agent.skills) != 1:
        return _shift_from_row(row, config, line, agent.site, None)  # no reader asks: an empty channel stays empty
    return _shift_from_row(row, config, line, agent.site, agent.skills)


def _leavers_shift(row: Mapping[str, str | None], config: Config, line: int) -> Assignment:
    """A row of an agent the config no longer has: its site from the row, or the one site with its template.

    A row naming no agent at all is bad input, not a leaver's shift (it would be listed as removed from agent '').
    """
    if not (row.get("agent") or "").strip():
        raise ValueError(f"agent: empty (expected an id from agents in {config.source.name})")
    shift = (row.get("shift") or "").strip()
    offering = [name for name, site in config.sites.items() if shift in site.shifts]
    return _shift_from_row(row, config, line, offering[0] if len(offering) == 1 else None, None)


def _shift_from_row(
    row: Mapping[str, str | None], config: Config, line: int, home: str | None, skills: Sequence[str] | None
) -> Assignment:
    """The row's shift, `home` its site where the row names none; `skills` None: the channel as written, even empty
    (a leaver's, whose skills are unknown, or a history row's)."""

    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    agent_id = cell("agent")
    site_name = cell("site") or home
    if site_name is None:
        raise ValueError(
            f"site: empty, and agent {agent_id!r} is not in {config.source.name} (left the team?), so their site is unknown "
            f"(expected the row's site, one of: {', '.join(config.sites)})"
        )
    if site_name not in config.sites:
        raise ValueError(f"site: unknown site {site_name!r} (expected one of: {', '.join(config.sites)})")
    site = config.sites[site_name]
    shift = cell("shift")
    if shift not in site.shifts:
        raise ValueError(f"shift: site {site_name} has no shift {shift!r} (expected one of: {', '.join(site.shifts)})")
    try:
        day = date.fromisoformat(cell("date"))
    except ValueError:
        raise ValueError(f"date: {cell('date')!r} is not a date (expected YYYY-MM-DD)") from None
    if not config.plan.start - timedelta(days=366) <= day <= config.plan.end + timedelta(days=366):
        # A typo (2062 for 2026), not a shift: the checker's period rule is for near misses.
        raise ValueError(
            f"date: {day} is more than a year from the rota period (expected a date in or near {config.plan.start} to {config.plan.end - timedelta(days=1)})"
        )
    channel = cell("channel")
    if not channel and skills is not None:
        if len(skills) != 1:
            raise ValueError(f"channel: empty, and agent {agent_id} has several skills (expected one of: {', '.join(skills)})")
        channel = skills[0]
    template = site.shifts[shift]
    start = _instant(cell("start_utc"), "start_utc") or _instant(cell("start_local"), "start_local", site.timezone)
    end = _instant(cell("end_utc"), "end_utc") or _instant(cell("end_local"), "end_local", site.timezone)
    if template.flexible and (start is None or end is None):
        field = "start_local" if start is None else "end_local"
        raise ValueError(
            f"{field}: empty, but shift {shift!r} at site {site_name} is flexible (starts {template.start}, lasts "
            f"{template.length_text} h), so the row gives its own times (expected start_local or start_utc, "
            "and end_local or end_utc)"
        )
    start = start or local_to_utc(day, template.start, site.timezone)
    end = end or start.add(minutes=template.minutes)
    if end <= start:
        raise ValueError(f"end_utc: shift ends before it starts ({end.isoformat()} <= {start.isoformat()})")
    pause = _instant(cell("break_start_utc"), "break_start_utc") or _instant(
        cell("break_start_local"), "break_start_local", site.timezone
    )
    return Assignment(agent_id, site_name, channel, shift, day, start, end, line, break_start_utc=pause)


def _instant(text: str, field: str, zone: str = "UTC") -> pendulum.DateTime | None:
    if not text:
        return None
    try:
        return parse_timestamp(text, zone)
    except ValueError as exc:
        raise ValueError(f"{field}: {exc}") from None
