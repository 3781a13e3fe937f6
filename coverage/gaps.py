"""Gaps: how many agents are on duty in each interval, against how many are needed.

Computed from the roster and the config alone — never from solver internals —
so the same report serves a roster we built and one a manager wrote by hand.

Counting rules
--------------
* An agent counts in a UTC interval only when on duty for the *whole*
  interval, and only for the channel of the assignment. The unpaid break is
  taken out (:func:`coverage.time.on_duty_spans`).
* ``gap = max(required - scheduled, 0)``; an interval is *uncovered* for a
  channel when ``required > 0`` and ``scheduled == 0``.

Views
-----
Each view zone sees every UTC interval on its own wall clock: the interval goes
to the local weekday and hour *its start* falls in (in Asia/Kolkata a 60-minute
UTC interval starts at hh:30 local and belongs to hour hh). Weekend and
overnight are judged the same way, in the view's local time:

* weekend: the local weekday of the interval start is in ``config.weekend``;
* overnight: the local clock time of the interval start lies in
  ``[overnight.start, overnight.end)``, wrapping past midnight when
  ``start > end`` (22:00–06:00). A window with ``start == end`` is empty.
  The ``overnight`` flag of a ``gaps.csv`` row tests the hour's start
  ``hh:00``; the totals in ``summary.json`` test each interval's start. The two
  agree for whole-hour windows; for a window such as 22:30–06:00 the row
  for hour 22 is not flagged, while its 22:30 and 22:45 intervals (15-minute
  grid) count as overnight in the summary.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coverage.config import WEEKDAYS, Config
from coverage.outputs import write_csv_atomic, write_json_atomic
from coverage.roster import Roster
from coverage.time import Grid, duty_slots, to_local

if TYPE_CHECKING:
    from coverage.demand import Requirements

COVERAGE_COLUMNS = ("interval_start_utc", "channel", "required", "scheduled", "gap")
GAPS_COLUMNS = (
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
SUMMARY_KEYS = (
    "status",
    "objective",
    "best_bound",
    "wall_seconds",
    "coverage_ratio",
    "uncovered_hours",
    "understaffed_agent_hours",
    "views",
)


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class Coverage:
    """Agents required and on duty, per UTC interval of `grid`, per channel."""

    grid: Grid
    required: dict[str, list[int]]
    scheduled: dict[str, list[int]]

    @property
    def channels(self) -> list[str]:
        return list(self.required) + [c for c in self.scheduled if c not in self.required]

    def required_of(self, channel: str) -> list[int]:
        return self.required.get(channel) or [0] * self.grid.count

    def scheduled_of(self, channel: str) -> list[int]:
        return self.scheduled.get(channel) or [0] * self.grid.count

    def gap(self, channel: str) -> list[int]:
        """Agents missing per interval: max(required - scheduled, 0)."""
        return [max(r - s, 0) for r, s in zip(self.required_of(channel), self.scheduled_of(channel))]


def coverage_of(roster: Roster, requirements: Requirements, config: Config) -> Coverage:
    """Count, per interval and channel, the agents on duty for the whole interval."""
    grid = requirements.grid
    channels = list(requirements.required)
    channels += [c for c in config.channels if c not in channels]
    channels += sorted({a.channel for a in roster.assignments} - set(channels))
    scheduled = {channel: [0] * grid.count for channel in channels}
    for a in roster.assignments:
        template = config.sites[a.site].shifts[a.shift]
        counts = scheduled[a.channel]
        for slot in duty_slots(grid, a.start_utc, a.end_utc, template.unpaid_break_minutes):
            counts[slot] += 1
    required = {channel: list(requirements.required.get(channel) or [0] * grid.count) for channel in channels}
    for channel, values in required.items():
        if len(values) != grid.count:
            raise ValueError(f"requirements for {channel} have {len(values)} intervals, the grid has {grid.count}")
    return Coverage(grid=grid, required=required, scheduled=scheduled)


# --------------------------------------------------------------------------- views


def _clock_minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def in_window(minute_of_day: int, start: str, end: str) -> bool:
    """Whether a local clock time (minutes after midnight) lies in [start, end), wrapping midnight."""
    lo, hi = _clock_minutes(start), _clock_minutes(end)
    if lo < hi:
        return lo <= minute_of_day < hi
    if lo > hi:
        return minute_of_day >= lo or minute_of_day < hi
    return False


def is_overnight_hour(hour: int, config: Config) -> bool:
    """The `overnight` flag of a gaps row: the hour's start hh:00 lies in the overnight window."""
    return in_window(hour * 60, config.overnight.start, config.overnight.end)


@dataclass(frozen=True)
class _Placement:
    """Where one UTC interval falls on a view's wall clock."""

    weekday: int  # 0 = Mon .. 6 = Sun
    hour: int
    weekend: bool
    overnight: bool


def _placements(grid: Grid, zone: str, config: Config) -> list[_Placement]:
    weekend = set(config.weekend)
    found = []
    for start in grid.starts:
        local = to_local(start, zone)
        weekday = local.weekday()
        found.append(
            _Placement(
                weekday=weekday,
                hour=local.hour,
                weekend=WEEKDAYS[weekday] in weekend,
                overnight=in_window(local.hour * 60 + local.minute, config.overnight.start, config.overnight.end),
            )
        )
    return found


@dataclass(frozen=True)
class GapRow:
    """One row of gaps.csv: totals over the period for one local weekday and hour in one view."""

    view: str
    channel: str
    weekday: str
    hour: int
    required_agent_hours: float
    scheduled_agent_hours: float
    uncovered_hours: float
    understaffed_agent_hours: float
    weekend: bool
    overnight: bool


def gap_rows(coverage: Coverage, config: Config) -> list[GapRow]:
    """All 7 × 24 (weekday, local hour) cells per view zone and channel, zeros included."""
    grid = coverage.grid
    length = grid.hours_per_interval
    weekend = set(config.weekend)
    rows: list[GapRow] = []
    for zone in config.view_zones:
        places = _placements(grid, zone, config)
        for channel in coverage.channels:
            required = coverage.required_of(channel)
            scheduled = coverage.scheduled_of(channel)
            cells = [[0.0, 0.0, 0.0, 0.0] for _ in range(7 * 24)]
            for place, need, have in zip(places, required, scheduled):
                cell = cells[place.weekday * 24 + place.hour]
                cell[0] += need * length
                cell[1] += have * length
                if need > 0 and have == 0:
                    cell[2] += length
                cell[3] += max(need - have, 0) * length
            for weekday in range(7):
                for hour in range(24):
                    need, have, uncovered, short = cells[weekday * 24 + hour]
                    rows.append(
                        GapRow(
                            view=zone,
                            channel=channel,
                            weekday=WEEKDAYS[weekday],
                            hour=hour,
                            required_agent_hours=round(need, 6),
                            scheduled_agent_hours=round(have, 6),
                            uncovered_hours=round(uncovered, 6),
                            understaffed_agent_hours=round(short, 6),
                            weekend=WEEKDAYS[weekday] in weekend,
                            overnight=is_overnight_hour(hour, config),
                        )
                    )
    return rows


# --------------------------------------------------------------------------- summary


def _finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: report them as null."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def summary(
    coverage: Coverage,
    config: Config,
    *,
    status: str,
    objective: float | None,
    best_bound: float | None,
    wall_seconds: float | None,
) -> dict[str, Any]:
    """The contract's summary.json payload (hours rounded to 2 decimals, the ratio to 4)."""
    grid = coverage.grid
    length = grid.hours_per_interval
    total_required = 0
    total_met = 0
    uncovered_hours: dict[str, float] = {}
    understaffed: dict[str, float] = {}
    uncovered_count = [0] * grid.count  # channels uncovered per interval
    for channel in coverage.channels:
        required = coverage.required_of(channel)
        scheduled = coverage.scheduled_of(channel)
        total_required += sum(required)
        total_met += sum(min(s, r) for r, s in zip(required, scheduled))
        uncovered = 0
        for k, (r, s) in enumerate(zip(required, scheduled)):
            if r > 0 and s == 0:
                uncovered += 1
                uncovered_count[k] += 1
        uncovered_hours[channel] = round(uncovered * length, 2)
        understaffed[channel] = round(sum(coverage.gap(channel)) * length, 2)
    views: dict[str, dict[str, float]] = {}
    for zone in config.view_zones:
        places = _placements(grid, zone, config)
        weekend = sum(n for n, p in zip(uncovered_count, places) if p.weekend) * length
        overnight = sum(n for n, p in zip(uncovered_count, places) if p.overnight) * length
        views[zone] = {
            "weekend_uncovered_hours": round(weekend, 2),
            "overnight_uncovered_hours": round(overnight, 2),
        }
    ratio = round(total_met / total_required, 4) if total_required else 1.0
    return {
        "status": status,
        "objective": _finite(objective),
        "best_bound": _finite(best_bound),
        "wall_seconds": None if _finite(wall_seconds) is None else round(float(wall_seconds), 3),
        "coverage_ratio": ratio,
        "uncovered_hours": uncovered_hours,
        "understaffed_agent_hours": understaffed,
        "views": views,
    }


# --------------------------------------------------------------------------- writers


def _number(value: float) -> str:
    """Hours as a spreadsheet reads them: 40, 0.25, 12.5 (no float noise)."""
    value = round(float(value), 4)
    return str(int(value)) if value == int(value) else repr(value)


def write_coverage_csv(coverage: Coverage, path: Path) -> Path:
    """coverage.csv: one row per UTC interval and channel."""
    rows = []
    gaps = {channel: coverage.gap(channel) for channel in coverage.channels}
    for k, start in enumerate(coverage.grid.starts):
        stamp = start.isoformat()
        for channel in coverage.channels:
            rows.append(
                (stamp, channel, coverage.required_of(channel)[k], coverage.scheduled_of(channel)[k], gaps[channel][k])
            )
    return write_csv_atomic(Path(path), COVERAGE_COLUMNS, rows)


def write_gaps_csv(rows: Iterable[GapRow], path: Path) -> Path:
    """gaps.csv: totals by view, channel, local weekday and hour; booleans as true/false."""
    lines = (
        (
            row.view,
            row.channel,
            row.weekday,
            row.hour,
            _number(row.required_agent_hours),
            _number(row.scheduled_agent_hours),
            _number(row.uncovered_hours),
            _number(row.understaffed_agent_hours),
            "true" if row.weekend else "false",
            "true" if row.overnight else "false",
        )
        for row in rows
    )
    return write_csv_atomic(Path(path), GAPS_COLUMNS, lines)


def write_summary(payload: dict[str, Any], path: Path) -> Path:
    return write_json_atomic(Path(path), payload)


# --------------------------------------------------------------------------- terminal


def worst_cells(rows: Iterable[GapRow], count: int = 5) -> list[tuple[str, str, int, float, float]]:
    """The `count` weekday-hour cells of the first view with the most understaffed agent-hours.

    Only the first view is ranked: the same UTC hour seen from every view
    would otherwise fill the list with one hour several times. Ties go to
    weekend, then overnight cells, which managers ask about first.
    Returns (view, weekday, hour, understaffed_agent_hours, uncovered_hours)
    tuples; cells with no understaffing are left out.
    """
    rows = list(rows)
    if not rows:
        return []
    view = rows[0].view
    totals: dict[tuple[str, int], list[float]] = {}
    flags: dict[tuple[str, int], tuple[bool, bool]] = {}
    for row in rows:
        if row.view != view:
            continue
        cell = totals.setdefault((row.weekday, row.hour), [0.0, 0.0])
        cell[0] += row.understaffed_agent_hours
        cell[1] += row.uncovered_hours
        flags[(row.weekday, row.hour)] = (row.weekend, row.overnight)
    ranked = sorted(
        (key for key, value in totals.items() if value[0] > 0),
        key=lambda key: (-totals[key][0], not flags[key][0], not flags[key][1], WEEKDAYS.index(key[0]), key[1]),
    )
    return [(view, day, hour, totals[(day, hour)][0], totals[(day, hour)][1]) for day, hour in ranked[:count]]


def _hours(value: float) -> str:
    return f"{value:.2f}"


def terminal_summary(payload: dict[str, Any], rows: list[GapRow]) -> str:
    """A short plain-text block for the terminal (no colours, at most 25 lines)."""
    lines = []
    head = f"status: {payload.get('status')}"
    if payload.get("objective") is not None:
        head += f"   objective: {payload['objective']:g}"
    if payload.get("best_bound") is not None:
        head += f"   best bound: {payload['best_bound']:g}"
    if payload.get("wall_seconds") is not None:
        head += f"   time: {payload['wall_seconds']:.1f} s"
    lines.append(head)
    ratio = payload["coverage_ratio"]
    lines.append(f"coverage ratio: {ratio:.4f} ({ratio * 100:.1f}% of required agent-hours met)")
    uncovered = payload.get("uncovered_hours", {})
    short = payload.get("understaffed_agent_hours", {})
    lines.append("uncovered hours: " + (", ".join(f"{c} {_hours(v)}" for c, v in uncovered.items()) or "none"))
    lines.append("understaffed agent-hours: " + (", ".join(f"{c} {_hours(v)}" for c, v in short.items()) or "none"))
    views = list(payload.get("views", {}).items())
    shown = views[:10]
    if shown:
        lines.append("uncovered hours by view (local time):")
        width = max(len(zone) for zone, _ in shown)
        for zone, figures in shown:
            lines.append(
                f"  {zone:<{width}}  weekend {_hours(figures['weekend_uncovered_hours']):>8}"
                f"   overnight {_hours(figures['overnight_uncovered_hours']):>8}"
            )
        if len(views) > len(shown):
            lines.append(f"  ... and {len(views) - len(shown)} more views (see summary.json)")
    worst = worst_cells(rows)
    if worst:
        lines.append(f"worst hours in {worst[0][0]} (understaffed agent-hours, all channels):")
        width = max(len(view) for view, *_ in worst)
        for view, day, hour, short_hours, uncovered_hours in worst:
            lines.append(
                f"  {view:<{width}}  {day} {hour:02d}:00  {_hours(short_hours):>8} agent-h"
                f"   uncovered {_hours(uncovered_hours)} h"
            )
    else:
        lines.append("no understaffed hours")
    return "\n".join(lines)
