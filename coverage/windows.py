"""Gap windows and daily ratios: the gaps told the way a manager repeats them.

gaps.csv answers "how bad is Saturday 01:00 in total?"; this module answers
"which stretches of time have nobody (or too few) on duty, and do they come
back every week?" — "Sat 01:00–07:00 Asia/Manila, all 4 weekends, chat" — and
"how well is each day covered?".

Definitions
-----------
* A *run* is a maximal stretch of consecutive UTC intervals of one channel
  that are uncovered (``required > 0`` and ``scheduled == 0``) or, for the
  understaffed kind, short (``scheduled < required``; uncovered intervals are
  short too).
* A *window* groups the runs of one view, channel and kind that start on the
  same local weekday and clock time and end on the same local clock time
  (same number of days later): the recurring pattern. ``possible`` counts the
  local dates with that weekday on which the window's start lies inside the
  rota period, so "3 of 4 Saturdays" means one Saturday was covered.
* Weekend and overnight hours of a window are judged per interval in the
  view's local time, exactly as in gaps.csv and summary.json.
* The daily coverage ratio of a local date is Σ min(scheduled, required) /
  Σ required over the intervals starting on that date (1 when nothing is
  required), the same formula as summary.json's ``coverage_ratio``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

from coverage.config import WEEKDAYS, Config
from coverage.gaps import Coverage, LocalSlot, _number  # _number: one number format for every CSV we write
from coverage.gaps import local_slots as gaps_local_slots
from coverage.outputs import write_csv_atomic
from coverage.time import local_to_utc, to_local

Kind = Literal["uncovered", "understaffed"]
KINDS: tuple[Kind, ...] = ("uncovered", "understaffed")
DAY_NAMES = {"Mon": "Monday", "Tue": "Tuesday", "Wed": "Wednesday", "Thu": "Thursday", "Fri": "Friday", "Sat": "Saturday", "Sun": "Sunday"}
WINDOWS_COLUMNS = (
    "view", "channel", "kind", "window", "weekday", "start", "end", "days_later", "occurrences", "possible",
    "total_hours", "weekend_hours", "overnight_hours", "short_agent_hours", "first_start_utc", "description",
)
DAILY_COLUMNS = (
    "view", "channel", "date", "weekday", "weekend", "required_agent_hours", "scheduled_agent_hours",
    "met_agent_hours", "coverage_ratio", "uncovered_hours", "understaffed_agent_hours",
)
TOTALS_COLUMNS = (
    "view", "channel", "uncovered_hours", "weekend_uncovered_hours", "overnight_uncovered_hours",
    "understaffed_agent_hours", "weekend_understaffed_agent_hours", "overnight_understaffed_agent_hours",
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


# --------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class GapWindow:
    """A recurring (or one-off) stretch of local time with nobody, or too few, on duty."""

    view: str
    channel: str
    kind: Kind
    weekday: str  # local weekday of the start (Mon..Sun)
    start: str  # local clock "HH:MM"
    end: str  # local clock "HH:MM"; "24:00" for a window ending at the next midnight
    days_later: int  # local days between start and end (0: same day)
    occurrences: int
    possible: int  # local dates with this weekday whose start time lies in the period
    total_hours: float  # summed over occurrences
    weekend_hours: float
    overnight_hours: float
    short_agent_hours: float  # Σ (required − scheduled) × interval length over the window
    starts_utc: tuple[datetime, ...]
    local_dates: tuple[date, ...]
    weekend_noun: bool  # True: counted in "weekends" rather than "Saturdays"

    @property
    def hours_each(self) -> float:
        return self.total_hours / self.occurrences

    @property
    def when(self) -> str:
        """Local span: "Sat 01:00–07:00", "Fri 22:00–Sat 06:00", or with a date when it happened once."""
        first = self.local_dates[0]
        start_day = f"{self.weekday} {first:%d %b}" if self.occurrences == 1 else self.weekday
        if self.days_later == 0 or (self.days_later == 1 and self.end == "24:00"):
            return f"{start_day} {self.start}–{self.end}"
        end_date = first + timedelta(days=self.days_later)
        end_day = WEEKDAYS[end_date.weekday()] + (f" {end_date:%d %b}" if self.occurrences == 1 else "")
        return f"{start_day} {self.start}–{end_day} {self.end}"

    @property
    def how_often(self) -> str:
        """"all 4 weekends", "3 of 4 Mondays", "once"."""
        if self.occurrences == 1:
            return "once"
        noun = "weekends" if self.weekend_noun else DAY_NAMES[self.weekday] + "s"
        if self.occurrences >= self.possible:
            return f"all {self.occurrences} {noun}"
        return f"{self.occurrences} of {self.possible} {noun}"

    def describe(self) -> str:
        """One line a manager can paste: "Sat 01:00–07:00 Asia/Manila, all 4 weekends, chat"."""
        text = f"{self.when} {self.view}, {self.how_often}, {self.channel}"
        if self.kind == "understaffed":
            text += f": short {self.short_agent_hours:g} agent-hours"
        return text


def _clock(local: datetime) -> str:
    return f"{local.hour:02d}:{local.minute:02d}"


def _possible(weekday: int, clock: str, coverage: Coverage, zone: str) -> int:
    """Local dates with `weekday` whose `clock` start falls inside the period."""
    grid = coverage.grid
    first = to_local(grid.start, zone).date() - timedelta(days=1)
    last = to_local(grid.end, zone).date()
    count = 0
    day = first
    while day <= last:
        if day.weekday() == weekday and grid.start <= local_to_utc(day, clock, zone) < grid.end:
            count += 1
        day += timedelta(days=1)
    return count


def gap_windows(coverage: Coverage, config: Config, kinds: Iterable[Kind] = KINDS) -> list[GapWindow]:
    """Every recurring window per view, channel and kind, worst first.

    Worst means most hours without anyone (uncovered) or most agent-hours
    short (understaffed); ties go to weekend, then overnight windows.
    """
    grid = coverage.grid
    length = grid.hours_per_interval
    found: list[GapWindow] = []
    for zone in config.view_zones:
        slots = local_slots(coverage, zone, config)
        for channel in coverage.channels:
            gap = coverage.gap(channel)
            for kind in kinds:
                groups: dict[tuple[int, str, str, int], list[tuple[int, int]]] = {}
                for first, stop in runs(_short(coverage, channel, kind)):
                    begin = slots[first].local
                    end = to_local(grid.starts[stop - 1].add(minutes=grid.minutes), zone)
                    days = (end.date() - begin.date()).days
                    key = (begin.weekday(), _clock(begin), "24:00" if days == 1 and _clock(end) == "00:00" else _clock(end), days)
                    groups.setdefault(key, []).append((first, stop))
                for (weekday, start, end, days), spans in groups.items():
                    cells = [k for first, stop in spans for k in range(first, stop)]
                    hours = len(cells) * length
                    weekend_hours = sum(slots[k].weekend for k in cells) * length
                    found.append(
                        GapWindow(
                            view=zone, channel=channel, kind=kind, weekday=WEEKDAYS[weekday], start=start, end=end,
                            days_later=days, occurrences=len(spans), possible=_possible(weekday, start, coverage, zone),
                            total_hours=round(hours, 6),
                            weekend_hours=round(weekend_hours, 6),
                            overnight_hours=round(sum(slots[k].overnight for k in cells) * length, 6),
                            short_agent_hours=round(sum(gap[k] for k in cells) * length, 6),
                            starts_utc=tuple(grid.starts[first] for first, _ in spans),
                            local_dates=tuple(slots[first].local.date() for first, _ in spans),
                            weekend_noun=slots[spans[0][0]].weekend or (hours / len(spans) >= 24 and weekend_hours > 0),
                        )
                    )
    return sorted(found, key=_severity)


def _severity(window: GapWindow) -> tuple:
    weight = window.total_hours if window.kind == "uncovered" else window.short_agent_hours
    return (
        KINDS.index(window.kind), -weight, -window.weekend_hours, -window.overnight_hours,
        window.view, window.channel, window.starts_utc[0],
    )


def worst_windows(windows: Iterable[GapWindow], *, view: str | None = None, kind: Kind = "uncovered", count: int = 5) -> list[GapWindow]:
    """The `count` worst windows of one kind, in one view (the first one seen when not named)."""
    chosen = [w for w in windows if w.kind == kind]
    if not chosen:
        return []
    view = view if view is not None else chosen[0].view
    return [w for w in chosen if w.view == view][:count]


def write_windows_csv(windows: Iterable[GapWindow], path: Path) -> Path:
    """windows.csv: one row per gap window, worst first within each kind."""
    rows = (
        (
            w.view, w.channel, w.kind, w.when, w.weekday, w.start, w.end, w.days_later, w.occurrences, w.possible,
            _number(w.total_hours), _number(w.weekend_hours), _number(w.overnight_hours), _number(w.short_agent_hours),
            w.starts_utc[0].isoformat(), w.describe(),
        )
        for w in windows
    )
    return write_csv_atomic(Path(path), WINDOWS_COLUMNS, rows)


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

    @property
    def coverage_ratio(self) -> float:
        return round(self.met_agent_hours / self.required_agent_hours, 4) if self.required_agent_hours else 1.0


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
            for day, (need, have, met, nobody, short) in cells.items():
                rows.append(
                    DayRow(
                        zone, channel, day, WEEKDAYS[day.weekday()] in weekend,
                        round(need, 6), round(have, 6), round(met, 6), round(nobody, 6), round(short, 6),
                    )
                )
    return rows


def write_daily_csv(rows: Iterable[DayRow], path: Path) -> Path:
    """daily.csv: coverage ratio and gap hours per view, channel and local date."""
    lines = (
        (
            r.view, r.channel, r.date.isoformat(), WEEKDAYS[r.date.weekday()], "true" if r.weekend else "false",
            _number(r.required_agent_hours), _number(r.scheduled_agent_hours), _number(r.met_agent_hours),
            _number(r.coverage_ratio), _number(r.uncovered_hours), _number(r.understaffed_agent_hours),
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

    @property
    def coverage_ratio(self) -> float:
        return round(self.met_agent_hours / self.required_agent_hours, 4) if self.required_agent_hours else 1.0


def channel_totals(coverage: Coverage) -> list[ChannelTotals]:
    """Per channel, the figures behind summary.json (which rounds them) and the report's first table."""
    length = coverage.grid.hours_per_interval
    found = []
    for channel in coverage.channels:
        need, have = coverage.required_of(channel), coverage.scheduled_of(channel)
        found.append(
            ChannelTotals(
                channel,
                round(sum(need) * length, 6),
                round(sum(have) * length, 6),
                round(sum(min(r, s) for r, s in zip(need, have)) * length, 6),
                round(sum(_short(coverage, channel, "uncovered")) * length, 6),
                round(sum(coverage.gap(channel)) * length, 6),
            )
        )
    return found
