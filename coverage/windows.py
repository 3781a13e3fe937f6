"""Gap windows and daily ratios: the gaps told the way a manager repeats them.

gaps.csv answers "how bad is Saturday 01:00 in total?"; this module answers
"which stretches of time have nobody (or too few) on duty, do they come back
every week, and if not, why did they open?" — "Mon–Fri 17:00–20:00
America/New_York, every week, chat and email", "Fri 25 Dec 09:00–17:00
America/New_York, once (public holiday at nyc: Christmas Day)" — and "how well
is each day covered?".

Definitions
-----------
* An *uncovered run* is a maximal stretch of consecutive UTC intervals of the
  clock in which some channel is uncovered (:meth:`Coverage.clock_uncovered`:
  a realtime channel with nobody on duty, a backlog channel whose arrivals
  miss their deadline), counted once however many channels are short; the
  run names the channels short in it. An *understaffed run* is the same for
  one channel with ``scheduled < required`` (uncovered intervals are short too).
* Runs of one view and kind that start on the same local weekday and clock
  time and end on the same local clock time (the same number of days later)
  are one weekly *pattern*. ``possible`` counts the local dates with that
  weekday on which the start lies inside the rota period: a pattern seen on
  all of them happens "every week", on some "N of M weeks" (the dates it
  missed are named), on one "once".
* Recurring patterns with the same clock hours and channels, seen in the
  same weeks, on several weekdays are one *window*: "Mon–Fri 17:00–20:00"
  (a pattern that missed a week names it: "not in the week of Mon 21 Dec";
  weekdays that missed different weeks stay apart). A one-off stays
  alone, with its date and, where the data can tell, its *cause*: the
  period's first or last day (the run touches the grid's start or end), a
  public holiday at a site whose shifts would reach the hours and whose
  agents with the skill do not work holidays, or agents on leave who are on
  duty at those hours in a week before or after.
* Weekend and overnight hours of a window are judged per interval in the
  view's local time, exactly as in gaps.csv and summary.json; the uncovered
  windows of a view partition its clock-uncovered intervals, so their
  weekend and overnight hours sum to summary.json's ``views.ZONE`` figures.
* The daily coverage ratio of a local date is Σ min(scheduled, required) /
  Σ required over the intervals starting on that date (1 when nothing is
  required); a backlog channel's is the share of the contacts arriving that
  date answered in time (InTime), as summary.json's ``coverage_ratio``
  counts that channel's work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from coverage.config.schema import WEEKDAYS, Config
from coverage.csvcells import number_cell
from coverage.gaps import BacklogOutcome, Coverage, LocalSlot
from coverage.gaps import local_slots as gaps_local_slots
from coverage.outputs import write_csv_atomic
from coverage.roster import Roster
from coverage.time import Grid, local_to_utc, template_reaches, to_local

Kind = Literal["uncovered", "understaffed"]
KINDS: tuple[Kind, ...] = ("uncovered", "understaffed")
MISSED_SHOWN = 3  # dates a weekly pattern missed, named before "and N more"
HOLIDAYS_SHOWN = 2  # holidays named as the cause of one window
WINDOWS_COLUMNS = (
    "view",
    "channel",
    "kind",
    "window",
    "weekday",
    "start",
    "end",
    "days_later",
    "occurrences",
    "possible",
    "total_hours",
    "weekend_hours",
    "overnight_hours",
    "short_agent_hours",
    "first_start_utc",
    "description",
    "channels",
    "weekdays",
    "recurrence",
    "cause",
)
DAILY_COLUMNS = (
    "view",
    "channel",
    "date",
    "weekday",
    "weekend",
    "required_agent_hours",
    "scheduled_agent_hours",
    "met_agent_hours",
    "coverage_ratio",
    "uncovered_hours",
    "understaffed_agent_hours",
)
TOTALS_COLUMNS = (
    "view",
    "channel",
    "uncovered_hours",
    "weekend_uncovered_hours",
    "overnight_uncovered_hours",
    "understaffed_agent_hours",
    "weekend_understaffed_agent_hours",
    "overnight_understaffed_agent_hours",
)


def local_slots(coverage: Coverage, zone: str, config: Config) -> list[LocalSlot]:
    """Each interval's local start in `zone`, with the weekend and overnight flags gaps.csv uses."""
    return gaps_local_slots(coverage.grid, zone, config)


def _short(coverage: Coverage, channel: str, kind: Kind) -> list[bool]:
    if kind == "uncovered":
        return coverage.uncovered(channel)
    return [have < need for need, have in zip(coverage.required_of(channel), coverage.scheduled_of(channel))]


def runs(flags: list[bool]) -> list[tuple[int, int]]:
    """Maximal stretches of True as [first, stop) slot ranges."""
    found: list[tuple[int, int]] = []
    first = None
    for k, flag in enumerate([*flags, False]):
        if flag and first is None:
            first = k
        elif not flag and first is not None:
            found.append((first, k))
            first = None
    return found


def weekday_ranges(days: Iterable[int]) -> str:
    """{0..4} -> "Mon–Fri"; {0, 2} -> "Mon, Wed"; Monday first."""
    spans: list[list[int]] = []
    for day in sorted(set(days)):
        if spans and spans[-1][-1] == day - 1:
            spans[-1].append(day)
        else:
            spans.append([day])
    return ", ".join(WEEKDAYS[s[0]] if len(s) == 1 else f"{WEEKDAYS[s[0]]}–{WEEKDAYS[s[-1]]}" for s in spans)


def in_words(names: Sequence[str]) -> str:
    """["chat", "email", "phone"] -> "chat, email and phone"."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# --------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class GapWindow:
    """Local clock hours with nobody (or too few) on duty: a weekly pattern on one or more weekdays, or a one-off."""

    view: str
    channels: tuple[str, ...]  # short in the window (uncovered: any of them; understaffed: the one channel)
    kind: Kind
    weekdays: tuple[int, ...]  # local weekdays of the starts, 0 = Mon
    start: str  # local clock "HH:MM"
    end: str  # local clock "HH:MM"; "24:00" for a window ending at the next midnight
    days_later: int  # local days between start and end (0: same day)
    occurrences: int  # over all its weekdays
    possible: int  # local dates of those weekdays whose start time lies in the period
    total_hours: float  # summed over occurrences
    weekend_hours: float
    overnight_hours: float
    short_agent_hours: float  # Σ (required − scheduled) × interval length over the window, its channels summed
    starts_utc: tuple[datetime, ...]
    local_dates: tuple[date, ...]
    cause: str = ""  # a one-off: why it opened; a pattern that missed weeks: which dates it missed
    channel_counts: tuple[int, ...] = field(default=())  # occurrences each channel was short in (default: all)

    @property
    def channel(self) -> str:
        """The channels as a spreadsheet filters them: "chat", "chat,email"."""
        return ",".join(self.channels)

    @property
    def weekday(self) -> str:
        """Local weekday of the (first) start, Mon..Sun."""
        return WEEKDAYS[self.weekdays[0]]

    @property
    def weeks(self) -> int:
        """Weeks (of each of its weekdays) the window happened in."""
        return self.occurrences // len(self.weekdays)

    @property
    def weeks_possible(self) -> int:
        return self.possible // len(self.weekdays)

    @property
    def hours_each(self) -> float:
        return self.total_hours / self.occurrences

    @property
    def once(self) -> bool:
        return self.occurrences == 1

    @property
    def recurrence(self) -> str:
        """ "every week", "3 of 4 weeks" or "once"."""
        if self.once:
            return "once"
        if self.weeks >= self.weeks_possible:
            return "every week"
        return f"{self.weeks} of {self.weeks_possible} weeks"

    @property
    def how_often(self) -> str:
        """The recurrence with its cause: "once (public holiday at nyc: Christmas Day)"."""
        return f"{self.recurrence} ({self.cause})" if self.cause else self.recurrence

    @property
    def channel_words(self) -> str:
        """ "chat and email"; a channel short on fewer occurrences says on how many: "chat and email (3 of 20)"."""
        counts = self.channel_counts or (self.occurrences,) * len(self.channels)
        return in_words(
            [c if n >= self.occurrences else f"{c} ({n} of {self.occurrences})" for c, n in zip(self.channels, counts)]
        )

    @property
    def when(self) -> str:
        """Local span: "Mon–Fri 17:00–20:00", "Fri 17:00–Mon 09:00", "Mon–Thu 17:00–09:00 next day", or dated when once."""
        if self.once:
            return self._dated()
        days = weekday_ranges(self.weekdays)
        if self.days_later == 0 or (self.days_later == 1 and self.end == "24:00"):
            return f"{days} {self.start}–{self.end}"
        if len(self.weekdays) == 1:
            return f"{days} {self.start}–{WEEKDAYS[(self.weekdays[0] + self.days_later) % 7]} {self.end}"
        later = "next day" if self.days_later == 1 else f"{self.days_later} days later"
        return f"{days} {self.start}–{self.end} {later}"

    def _dated(self) -> str:
        first = self.local_dates[0]
        start_day = f"{WEEKDAYS[first.weekday()]} {first:%d %b}"
        if self.days_later == 0 or (self.days_later == 1 and self.end == "24:00"):
            return f"{start_day} {self.start}–{self.end}"
        end_date = first + timedelta(days=self.days_later)
        return f"{start_day} {self.start}–{WEEKDAYS[end_date.weekday()]} {end_date:%d %b} {self.end}"

    def describe(self) -> str:
        """One line a manager can paste: "Mon–Fri 17:00–20:00 America/New_York, every week, chat and email"."""
        text = f"{self.when} {self.view}, {self.how_often}, {self.channel_words}"
        if self.kind == "understaffed":
            text += f": short {self.short_agent_hours:g} agent-hours"
        return text

    def to_json(self) -> dict[str, Any]:
        """The window as windows.csv has it: one key per column, numbers as numbers, the description in words."""
        return dict(
            zip(
                WINDOWS_COLUMNS,
                (
                    self.view,
                    self.channel,
                    self.kind,
                    self.when,
                    self.weekday,
                    self.start,
                    self.end,
                    self.days_later,
                    self.occurrences,
                    self.possible,
                    self.total_hours,
                    self.weekend_hours,
                    self.overnight_hours,
                    self.short_agent_hours,
                    self.starts_utc[0].isoformat(),
                    self.describe(),
                    self.channel_words,
                    weekday_ranges(self.weekdays),
                    self.recurrence,
                    self.cause,
                ),
                strict=True,
            )
        )


def _clock(local: datetime) -> str:
    return f"{local.hour:02d}:{local.minute:02d}"


def _possible_dates(weekday: int, clock: str, grid: Grid, zone: str) -> list[date]:
    """Local dates with `weekday` whose `clock` start falls inside the period."""
    day = to_local(grid.start, zone).date() - timedelta(days=1)
    last = to_local(grid.end, zone).date()
    found: list[date] = []
    while day <= last:
        if day.weekday() == weekday and grid.start <= local_to_utc(day, clock, zone) < grid.end:
            found.append(day)
        day += timedelta(days=1)
    return found


@dataclass(frozen=True)
class _Run:
    """One stretch of time short: [first, stop) slots, the channels short in it, its local shape."""

    first: int
    stop: int
    channels: tuple[str, ...]
    weekday: int
    start: str
    end: str
    days_later: int


def _series(coverage: Coverage, kind: Kind) -> list[tuple[list[bool], list[str]]]:
    """The flags runs are cut from, each with the channels it speaks for: the clock (uncovered), or each channel."""
    if kind == "uncovered":
        return [(coverage.clock_uncovered(), coverage.channels)]
    return [(_short(coverage, channel, kind), [channel]) for channel in coverage.channels]


def _runs_of(coverage: Coverage, kind: Kind, slots: list[LocalSlot], zone: str) -> list[_Run]:
    grid = coverage.grid
    short = {channel: _short(coverage, channel, kind) for channel in coverage.channels}
    found = []
    for flags, channels in _series(coverage, kind):
        for first, stop in runs(flags):
            begin = slots[first].local
            end = to_local(grid.starts[stop - 1].add(minutes=grid.minutes), zone)
            days = end.date().toordinal() - begin.date().toordinal()  # calendar days from the run's local start to its end
            named = tuple(c for c in channels if any(short[c][first:stop]))
            stop_clock = "24:00" if days == 1 and _clock(end) == "00:00" else _clock(end)
            found.append(_Run(first, stop, named, begin.weekday(), _clock(begin), stop_clock, days))
    return found


def gap_windows(
    coverage: Coverage, config: Config, kinds: Iterable[Kind] = KINDS, roster: Roster | None = None
) -> list[GapWindow]:
    """Every window per view and kind: views in config order, within each the worst first.

    Worst means most hours without anyone (uncovered) or most agent-hours
    short (understaffed); ties go to weekend, then overnight windows.
    Leave is named as a cause of a one-off only when `roster` is given (it
    tells who is usually on duty then).
    """
    causes = _Causes.of(config, coverage.grid, roster)
    found: list[GapWindow] = []
    for zone in config.view_zones:
        slots = local_slots(coverage, zone, config)
        for kind in kinds:
            found.extend(_windows_of(coverage, kind, zone, slots, causes))
    order = {zone: k for k, zone in enumerate(config.view_zones)}
    return sorted(found, key=lambda w: _severity(w, order))


def _windows_of(coverage: Coverage, kind: Kind, zone: str, slots: list[LocalSlot], causes: _Causes) -> list[GapWindow]:
    """One view and kind: runs grouped into weekly patterns; patterns with the same hours, channels and weeks merged across weekdays."""
    by_shape = _shapes(_runs_of(coverage, kind, slots, zone), coverage.grid.count)
    found: list[GapWindow] = []
    merged: dict[tuple, list[tuple[int, list[_Run], list[date]]]] = defaultdict(list)
    for (weekday, start, end, days), found_runs in by_shape.items():
        dates = _possible_dates(weekday, start, coverage.grid, zone)
        if len(found_runs) == 1:
            run = found_runs[0]
            found.append(_window(coverage, kind, zone, slots, [run], [weekday], len(dates), causes.one_off(run)))
            continue
        channels = tuple(c for c in coverage.channels if any(c in r.channels for r in found_runs))
        seen = {slots[r.first].local.date() for r in found_runs}
        weeks = tuple(k for k, d in enumerate(dates) if d in seen)  # which of its possible weeks it happened in
        merged[(start, end, days, channels, weeks, len(dates))].append((weekday, found_runs, dates))
    for (*_, weeks, possible), members in merged.items():
        members.sort(key=lambda member: member[0])
        spans = sorted((r for _, rs, _ in members for r in rs), key=lambda r: r.first)
        missed = [d for k, d in enumerate(members[0][2]) if k not in weeks]
        notes = [_missed(missed, len(members) > 1)] if missed else []
        if spans[-1].stop == coverage.grid.count and (spans[-1].end, spans[-1].days_later) != (spans[0].end, spans[0].days_later):
            notes.append("the last cut short by the period's end")
        found.append(
            _window(coverage, kind, zone, slots, spans, [w for w, _, _ in members], possible * len(members), "; ".join(notes))
        )
    return found


def _shapes(found: list[_Run], count: int) -> dict[tuple[int, str, str, int], list[_Run]]:
    """Runs grouped by local shape (weekday, start, end, days later).

    A run cut short by the period's end joins the pattern that starts on the
    same weekday and clock time, when there is one: it is that pattern's last
    occurrence, not a hole of its own.
    """
    by_shape: dict[tuple[int, str, str, int], list[_Run]] = defaultdict(list)
    cut = [r for r in found if r.stop == count and r.first > 0]
    for run in found:
        if run not in cut:
            by_shape[(run.weekday, run.start, run.end, run.days_later)].append(run)
    for run in cut:
        same = [key for key in by_shape if key[:2] == (run.weekday, run.start) and key[3] >= run.days_later]
        by_shape[same[0] if same else (run.weekday, run.start, run.end, run.days_later)].append(run)
    return by_shape


def _missed(dates: list[date], weeks: bool) -> str:
    """The dates (of the first weekday) a weekly pattern did not happen on: it was covered then, or shaped otherwise.

    "not on Thu 24 Dec"; for a pattern on several weekdays, which miss the same weeks, "not in the week of Mon 21 Dec".
    """
    shown = ", ".join(f"{WEEKDAYS[d.weekday()]} {d:%d %b}" for d in sorted(dates)[:MISSED_SHOWN])
    more = f" and {len(dates) - MISSED_SHOWN} more" if len(dates) > MISSED_SHOWN else ""
    return f"not in the week{'s' if len(dates) > 1 else ''} of {shown}{more}" if weeks else f"not on {shown}{more}"


def _window(
    coverage: Coverage,
    kind: Kind,
    zone: str,
    slots: list[LocalSlot],
    spans: list[_Run],
    weekdays: list[int],
    possible: int,
    cause: str,
) -> GapWindow:
    length = coverage.grid.hours_per_interval
    cells = [k for r in spans for k in range(r.first, r.stop)]
    channels = tuple(c for c in coverage.channels if any(c in r.channels for r in spans))
    gaps = {c: coverage.gap(c) for c in channels}
    first = spans[0]
    return GapWindow(
        view=zone,
        channels=channels,
        kind=kind,
        weekdays=tuple(weekdays),
        start=first.start,
        end=first.end,
        days_later=first.days_later,
        occurrences=len(spans),
        possible=possible,
        total_hours=round(len(cells) * length, 6),
        weekend_hours=round(sum(slots[k].weekend for k in cells) * length, 6),
        overnight_hours=round(sum(slots[k].overnight for k in cells) * length, 6),
        short_agent_hours=round(sum(gaps[c][k] for c in channels for k in cells) * length, 6),
        starts_utc=tuple(coverage.grid.starts[r.first] for r in spans),
        local_dates=tuple(slots[r.first].local.date() for r in spans),
        cause=cause,
        channel_counts=tuple(sum(c in r.channels for r in spans) for c in channels),
    )


def _severity(window: GapWindow, order: dict[str, int]) -> tuple:
    weight = window.total_hours if window.kind == "uncovered" else window.short_agent_hours
    return (
        KINDS.index(window.kind),
        order.get(window.view, len(order)),
        -weight,
        -window.weekend_hours,
        -window.overnight_hours,
        window.channels,
        window.starts_utc[0],
    )


@dataclass(frozen=True)
class _Causes:
    """What the config and roster say about a one-off: the period's edges, public holidays, leave."""

    grid: Grid
    shifts: dict[tuple[str, date], list[range]]  # (site, site-local date) -> the slots each template's shifts may span
    holidays: dict[str, dict[date, str]]  # site -> holiday names
    holiday_skills: dict[str, frozenset[str]]  # site -> skills of its agents who do not work public holidays
    leavers: list[tuple[str, str, frozenset[str], frozenset[date], frozenset[int]]]  # agent, site, skills, leave, slots on duty
    week: int  # slots in seven days

    @classmethod
    def of(cls, config: Config, grid: Grid, roster: Roster | None) -> _Causes:
        shifts: dict[tuple[str, date], list[range]] = defaultdict(list)
        for s in template_reaches(config):  # a flexible template: every slot a run of the template-day can reach
            shifts[(s.site, s.day)].append(grid.covered(s.start_utc, s.end_utc))
        on_duty: dict[str, set[int]] = defaultdict(set)
        for a in roster.assignments if roster is not None else ():
            on_duty[a.agent].update(grid.covered(a.start_utc, a.end_utc))
        holidays = {site: config.holiday_names(site) for site in config.sites}
        holiday_skills: dict[str, set[str]] = defaultdict(set)
        for agent in config.agents:
            if not agent.works_holidays:
                holiday_skills[agent.site].update(agent.skills)
        leavers = [
            (agent.id, agent.site, frozenset(agent.skills), frozenset(agent.leave_days()), frozenset(on_duty[agent.id]))
            for agent in config.agents
            if on_duty.get(agent.id) and agent.leave_days()
        ]
        return cls(
            grid,
            dict(shifts),
            holidays,
            {site: frozenset(v) for site, v in holiday_skills.items()},
            leavers,
            7 * 24 * 60 // grid.minutes,
        )

    def one_off(self, run: _Run) -> str:
        """Why a one-off opened, as far as the data can tell ("" when it cannot)."""
        parts = []
        if run.first == 0:
            parts.append("the period's first day")
        if run.stop == self.grid.count:
            parts.append("the period's last day")
        holidays = self._holidays(run)
        if holidays:
            parts.append(holidays)
        leave = self._leave(run)
        if leave:
            parts.append(f"{in_words(leave)} on leave")
        return "; ".join(parts)

    def _reaches(self, site: str, day: date, run: _Run) -> bool:
        """Whether a shift of `site` starting on its local `day` spans part of the run."""
        return any(slots.start < run.stop and run.first < slots.stop for slots in self.shifts.get((site, day), ()))

    def _holidays(self, run: _Run) -> str:
        """ "public holiday at dublin and toronto: Christmas Day", for holidays that kept skilled agents off these hours."""
        found: dict[str, tuple[date, set[str]]] = {}
        for site, on_days in self.holidays.items():
            off = self.holiday_skills.get(site, frozenset()) & set(run.channels)
            for day, name in on_days.items():
                if off and self._reaches(site, day, run):
                    first, kept_at = found.get(name, (day, set()))
                    found[name] = (min(first, day), kept_at | {site})
        if not found:
            return ""
        names = sorted(found, key=lambda name: (found[name][0], name))
        sites = sorted(set().union(*(s for _, s in found.values())))
        more = f" and {len(names) - HOLIDAYS_SHOWN} more" if len(names) > HOLIDAYS_SHOWN else ""
        noun = "public holiday" if len(names) == 1 else "public holidays"
        return f"{noun} at {in_words(sites)}: {', '.join(names[:HOLIDAYS_SHOWN])}{more}"

    def _leave(self, run: _Run) -> list[str]:
        """Agents with the skill on leave on a day whose shifts reach the run, and on duty then a week before or after."""
        found = []
        for agent, site, skills, leave, duty in self.leavers:
            if not skills & set(run.channels) or not any(self._reaches(site, day, run) for day in leave):
                continue
            if any(k + shift in duty for k in range(run.first, run.stop) for shift in (-self.week, self.week)):
                found.append(agent)
        return found


def worst_windows(
    windows: Iterable[GapWindow], *, view: str | None = None, kind: Kind = "uncovered", count: int = 5
) -> list[GapWindow]:
    """The `count` worst windows of one kind in one view: `view`, or the first view's (windows come in view order)."""
    chosen = [w for w in windows if w.kind == kind]
    if not chosen:
        return []
    view = view if view is not None else chosen[0].view
    return [w for w in chosen if w.view == view][:count]


def write_windows_csv(windows: Iterable[GapWindow], path: Path) -> Path:
    """windows.csv: one row per gap window, views in config order, worst first within each kind and view."""
    rows = ([number_cell(cell) if isinstance(cell, float) else cell for cell in w.to_json().values()] for w in windows)
    return write_csv_atomic(Path(path), WINDOWS_COLUMNS, rows)


# --------------------------------------------------------------------------- recurrence per weekday and hour


@dataclass(frozen=True)
class CellRecurrence:
    """One local weekday-hour cell of a view: in how many of its weeks some interval of it was uncovered."""

    weeks: int  # local dates of this weekday on which some interval of the hour was uncovered
    possible: int  # local dates of this weekday with an interval of the hour in the period

    @property
    def share(self) -> float:
        return self.weeks / self.possible if self.possible else 0.0

    @property
    def one_off(self) -> bool:
        """Uncovered in exactly one week: a holiday, the period's edge, leave — not a weekly hole."""
        return self.weeks == 1


def cell_recurrence(coverage: Coverage, config: Config, zone: str, channel: str | None = None) -> list[list[CellRecurrence]]:
    """7 weekdays (Mon..Sun) × 24 local hours of `zone`: the weeks each cell was uncovered (any channel, or `channel`)."""
    flags = coverage.clock_uncovered() if channel is None else coverage.uncovered(channel)
    present: list[list[set[date]]] = [[set() for _ in range(24)] for _ in WEEKDAYS]
    short: list[list[set[date]]] = [[set() for _ in range(24)] for _ in WEEKDAYS]
    for slot, flag in zip(local_slots(coverage, zone, config), flags):
        present[slot.weekday][slot.hour].add(slot.local.date())
        if flag:
            short[slot.weekday][slot.hour].add(slot.local.date())
    return [[CellRecurrence(len(short[d][h]), len(present[d][h])) for h in range(24)] for d in range(7)]


# --------------------------------------------------------------------------- days and totals


@dataclass(frozen=True)
class DayRow:
    """Coverage of one local date in one view, for one channel."""

    view: str
    channel: str
    date: date
    weekend: bool
    required_agent_hours: float
    scheduled_agent_hours: float
    met_agent_hours: float
    uncovered_hours: float
    understaffed_agent_hours: float
    in_time: InTime | None = None  # a backlog channel: its contacts due and late, arriving on this date

    @property
    def coverage_ratio(self) -> float:
        return _coverage_ratio(self.met_agent_hours, self.required_agent_hours, self.in_time)


@dataclass(frozen=True)
class InTime:
    """A backlog channel's contacts due and answered late: its ratio is the share answered in time.

    It requires no agents in any interval (its work may wait for its
    deadline), so the agent-hours ratio of a realtime channel would read
    "all met" however late its contacts are; summary.json's
    `coverage_ratio` counts it this way too.
    """

    due: float
    late: float

    @property
    def share(self) -> float:
        return round(1 - self.late / self.due, 4) if self.due else 1.0

    @classmethod
    def of(cls, outcome: BacklogOutcome, slots: Iterable[int]) -> InTime:
        """The contacts arriving in `slots`, to a tenth as BacklogOutcome's totals (the queue's resolution); hand-made
        outcomes without `due_by_arrival` count every arrival as due."""
        due = outcome.due_by_arrival or outcome.arrived
        chosen = list(slots)
        return cls(round(sum(due[k] for k in chosen), 1), round(sum(outcome.late_by_arrival[k] for k in chosen), 1))


def _coverage_ratio(met_agent_hours: float, required_agent_hours: float, in_time: InTime | None) -> float:
    """Σ min(scheduled, required) / Σ required (1 when nothing is required); a backlog channel's share answered in time."""
    if in_time is not None:
        return in_time.share
    return round(met_agent_hours / required_agent_hours, 4) if required_agent_hours else 1.0


def daily_rows(coverage: Coverage, config: Config) -> list[DayRow]:
    """One row per view, channel and local date that has an interval of the period."""
    length = coverage.grid.hours_per_interval
    weekend = set(config.weekend)
    rows: list[DayRow] = []
    for zone in config.view_zones:
        dates = [slot.local.date() for slot in local_slots(coverage, zone, config)]
        for channel in coverage.channels:
            cells: dict[date, list[float]] = {}
            flags = coverage.uncovered(channel)
            for day, need, have, nobody in zip(dates, coverage.required_of(channel), coverage.scheduled_of(channel), flags):
                cell = cells.setdefault(day, [0.0] * 5)
                cell[0] += need * length
                cell[1] += have * length
                cell[2] += min(need, have) * length
                cell[3] += length if nobody else 0
                cell[4] += max(need - have, 0) * length
            outcome = coverage.backlog.get(channel)
            for day, (need_hours, have_hours, met, uncovered, short) in cells.items():
                in_time = None if outcome is None else InTime.of(outcome, (k for k, d in enumerate(dates) if d == day))
                rows.append(
                    DayRow(
                        zone,
                        channel,
                        day,
                        WEEKDAYS[day.weekday()] in weekend,
                        round(need_hours, 6),
                        round(have_hours, 6),
                        round(met, 6),
                        round(uncovered, 6),
                        round(short, 6),
                        in_time,
                    )
                )
    return rows


def write_daily_csv(rows: Iterable[DayRow], path: Path) -> Path:
    """daily.csv: coverage ratio and gap hours per view, channel and local date."""
    lines = (
        (
            r.view,
            r.channel,
            r.date.isoformat(),
            WEEKDAYS[r.date.weekday()],
            "true" if r.weekend else "false",
            number_cell(r.required_agent_hours),
            number_cell(r.scheduled_agent_hours),
            number_cell(r.met_agent_hours),
            number_cell(r.coverage_ratio),
            number_cell(r.uncovered_hours),
            number_cell(r.understaffed_agent_hours),
        )
        for r in rows
    )
    return write_csv_atomic(Path(path), DAILY_COLUMNS, lines)


@dataclass(frozen=True)
class ViewTotals:
    """Uncovered hours and understaffed agent-hours of one channel in one view: all, weekend, overnight."""

    view: str
    channel: str
    uncovered_hours: float
    weekend_uncovered_hours: float
    overnight_uncovered_hours: float
    understaffed_agent_hours: float
    weekend_understaffed_agent_hours: float
    overnight_understaffed_agent_hours: float


def view_totals(coverage: Coverage, config: Config) -> list[ViewTotals]:
    """Weekend and overnight totals per view and channel (summed over channels they give summary.json's views)."""
    length = coverage.grid.hours_per_interval
    totals: list[ViewTotals] = []
    for zone in config.view_zones:
        slots = local_slots(coverage, zone, config)
        for channel in coverage.channels:
            sums = [0.0] * 6  # uncovered: all, weekend, overnight; then understaffed likewise
            for nobody, short, slot in zip(_short(coverage, channel, "uncovered"), coverage.gap(channel), slots):
                for k, inside in enumerate((True, slot.weekend, slot.overnight)):
                    if inside:
                        sums[k] += nobody * length
                        sums[3 + k] += short * length
            totals.append(ViewTotals(zone, channel, *(round(value, 6) for value in sums)))
    return totals


@dataclass(frozen=True)
class ChannelTotals:
    """A channel over the whole period: agent-hours required, scheduled and met, and the two kinds of gap."""

    channel: str
    required_agent_hours: float
    scheduled_agent_hours: float
    met_agent_hours: float
    uncovered_hours: float
    understaffed_agent_hours: float
    in_time: InTime | None = None  # a backlog channel: its contacts due and late (see InTime)

    @property
    def coverage_ratio(self) -> float:
        return _coverage_ratio(self.met_agent_hours, self.required_agent_hours, self.in_time)


def channel_totals(coverage: Coverage) -> list[ChannelTotals]:
    """Per channel, the figures behind summary.json (which rounds them) and the report's first table."""
    length = coverage.grid.hours_per_interval
    found = []
    for channel in coverage.channels:
        need, have = coverage.required_of(channel), coverage.scheduled_of(channel)
        outcome = coverage.backlog.get(channel)
        found.append(
            ChannelTotals(
                channel,
                round(sum(need) * length, 6),
                round(sum(have) * length, 6),
                round(sum(min(r, s) for r, s in zip(need, have)) * length, 6),
                round(sum(_short(coverage, channel, "uncovered")) * length, 6),
                round(sum(coverage.gap(channel)) * length, 6),
                None if outcome is None else InTime.of(outcome, range(coverage.grid.count)),
            )
        )
    return found
