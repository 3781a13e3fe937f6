"""Curtois & Qu shift scheduling benchmark: read an instance into our own config, and score rosters.

The benchmark (schedulingbenchmarks.org, instances 1-24) is how we measure the
roster model against published optima. The reader builds the same data a
manager's YAML would give (`cover`, per-agent `requests`, rule overrides,
`weights`) and validates it into a `coverage.config.Config`, so what is
measured is the planner users run — not a separate model written for the
benchmark. The evaluator recomputes the benchmark's objective and hard rules
from a roster in plain Python, sharing nothing with the solver, so a model bug
cannot hide behind a matching score.

Minimum runs (working days, days off) that touch the first or last day of the
horizon are not judged (`runs_at_period_edges: exempt`): that convention
reproduces the published optimum of instance 1 (607; "enforced" gives 807),
and the bounds we prove on instances 2-12 stay at or below the best-known values.

Format (one `SECTION_*` per block, comma-separated, `#` comments, day 0 a
Monday): see /work/shared/benchmarks/curtois/README.md or the published
description. Minute totals become hours (minutes / 60); when a total is beyond
168 h every duration is divided by the greatest common divisor of the shift
lengths, which keeps the rule exact because all totals are then whole
multiples of the unit (written when `hours_per_period` stopped at 168 h; it now
accepts a year, and the scaling keeps the model's numbers small).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from coverage.config.schema import Config
from coverage.errors import InputError, Problem
from coverage.roster import Roster

SITE = "ward"
CHANNEL = "work"
DEFAULT_START = date(2024, 1, 1)  # a Monday, as day 0 of every instance
MAX_PERIOD_HOURS = 168.0  # totals above this are scaled (see the module docstring)


@dataclass(frozen=True)
class ShiftType:
    id: str
    minutes: int
    cannot_follow: tuple[str, ...]  # shift ids that may not be worked the day after this one


@dataclass(frozen=True)
class Staff:
    id: str
    max_shifts: dict[str, int]  # per shift type; 0 = never works it
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class Request:
    staff: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class CoverRow:
    day: int
    shift: str
    requirement: int
    under: int
    over: int


@dataclass
class Instance:
    """One benchmark instance, as written in the file."""

    name: str
    horizon: int
    shifts: dict[str, ShiftType]
    staff: list[Staff]
    days_off: dict[str, set[int]] = field(default_factory=dict)
    on_requests: list[Request] = field(default_factory=list)
    off_requests: list[Request] = field(default_factory=list)
    cover: list[CoverRow] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


def _sections(text: str) -> dict[str, list[tuple[int, list[str]]]]:
    """SECTION name -> (line number, comma-separated fields) of each data line."""
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
        elif line.startswith("#"):
            continue
        elif line.startswith("SECTION_"):
            current = line
            sections[current] = []
        elif current is not None:
            sections[current].append((number, [part.strip() for part in line.split(",")]))
    return sections


class _Reader:
    """Collects every malformed line instead of stopping at the first."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []

    def fail(self, line: int | None, where: str, what: str) -> None:
        self.problems.append(Problem(self.path, line, where, what))

    def integer(self, line: int, where: str, text: str) -> int:
        try:
            return int(text)
        except ValueError:
            self.fail(line, where, f"{text!r} is not a whole number")
            return 0


def read_instance(path: str | Path) -> Instance:
    """Parse an instance file; raise InputError listing every malformed line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([Problem(path, None, "", f"cannot read the instance ({exc.strerror})")]) from None
    sections = _sections(text)
    r = _Reader(path)
    for name in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF"):
        if not sections.get(name):
            r.fail(None, name, "section is missing or empty")
    if r.problems:
        raise InputError(r.problems)
    line, fields = sections["SECTION_HORIZON"][0]
    horizon = r.integer(line, "SECTION_HORIZON", fields[0])
    shifts = {s.id: s for s in (_shift(r, line, f) for line, f in sections["SECTION_SHIFTS"])}
    instance = Instance(path.stem, horizon, shifts, [_staff(r, line, f) for line, f in sections["SECTION_STAFF"]])
    for line, f in sections.get("SECTION_DAYS_OFF", []):
        instance.days_off.setdefault(f[0], set()).update(r.integer(line, "SECTION_DAYS_OFF", d) for d in f[1:] if d)
    for key, target in (
        ("SECTION_SHIFT_ON_REQUESTS", instance.on_requests),
        ("SECTION_SHIFT_OFF_REQUESTS", instance.off_requests),
    ):
        for line, f in sections.get(key, []):
            if len(f) < 4:
                r.fail(line, key, "expected: employee, day, shift, weight")
                continue
            target.append(Request(f[0], r.integer(line, key, f[1]), f[2], r.integer(line, key, f[3])))
    for line, f in sections.get("SECTION_COVER", []):
        if len(f) < 5:
            r.fail(line, "SECTION_COVER", "expected: day, shift, requirement, weight under, weight over")
            continue
        day, need, under, over = (r.integer(line, "SECTION_COVER", f[k]) for k in (0, 2, 3, 4))
        instance.cover.append(CoverRow(day, f[1], need, under, over))
    _cross_check(r, instance)
    if r.problems:
        raise InputError(r.problems)
    return instance


def _shift(r: _Reader, line: int, f: list[str]) -> ShiftType:
    if len(f) < 2:
        r.fail(line, "SECTION_SHIFTS", "expected: id, length in minutes, ids|that|cannot|follow")
        return ShiftType(f[0], 0, ())
    follow = tuple(s for s in (f[2].split("|") if len(f) > 2 else []) if s)
    return ShiftType(f[0], r.integer(line, "SECTION_SHIFTS", f[1]), follow)


def _staff(r: _Reader, line: int, f: list[str]) -> Staff:
    if len(f) < 8:
        r.fail(
            line,
            "SECTION_STAFF",
            "expected 8 fields: id, S=max|..., max minutes, min minutes, max run, min run, min days off, max weekends",
        )
        return Staff(f[0], {}, 0, 0, 1, 1, 1, 0)
    maxima: dict[str, int] = {}
    for part in (p for p in f[1].split("|") if p):
        shift, _, count = part.partition("=")
        maxima[shift] = r.integer(line, "SECTION_STAFF", count)
    numbers = [r.integer(line, "SECTION_STAFF", v) for v in f[2:8]]
    return Staff(f[0], maxima, *numbers)


def _cross_check(r: _Reader, instance: Instance) -> None:
    staff = {s.id for s in instance.staff}
    for s in instance.shifts.values():
        if not 0 < s.minutes <= 16 * 60:
            r.fail(None, f"SECTION_SHIFTS.{s.id}", f"length {s.minutes} min (expected 1..960: shift templates are at most 16 h)")
    for request in instance.on_requests + instance.off_requests:
        if request.staff not in staff or request.shift not in instance.shifts or not 0 <= request.day < instance.horizon:
            r.fail(None, "SECTION_SHIFT_*_REQUESTS", f"request {request} names an unknown employee, shift or day")
    for row in instance.cover:
        if row.shift not in instance.shifts or not 0 <= row.day < instance.horizon:
            r.fail(None, "SECTION_COVER", f"row {row} names an unknown shift or day")


# --------------------------------------------------------------------------- to our config


def time_unit(instance: Instance) -> int:
    """Minutes of the benchmark that become one minute of our config (1 unless totals exceed 168 h)."""
    largest = max((s.max_minutes for s in instance.staff), default=0)
    if largest <= MAX_PERIOD_HOURS * 60:
        return 1
    return math.gcd(*(s.minutes for s in instance.shifts.values()))


def config_data(instance: Instance, *, start: date = DEFAULT_START, edges: str = "exempt") -> dict[str, Any]:
    """The plan as YAML-shaped data: what a manager would write to state this instance."""
    unit = time_unit(instance)
    hours = {s.id: s.minutes / unit / 60 for s in instance.shifts.values()}
    forbidden = [[s.id, after] for s in instance.shifts.values() for after in s.cannot_follow]
    day = [start + timedelta(days=k) for k in range(instance.horizon)]
    requests: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for kind, items in (("on", instance.on_requests), ("off", instance.off_requests)):
        for q in items:
            requests[q.staff].append({kind: q.shift, "date": day[q.day], "weight": q.weight})
    return {
        "plan": {"start": start, "days": instance.horizon, "timezone": "UTC", "interval_minutes": 60},
        "channels": {CHANNEL: {"kind": "backlog", "aht_seconds": 60, "respond_within_hours": 24}},
        "sites": {SITE: {"timezone": "UTC", "shifts": {sid: {"start": "00:00", "hours": h} for sid, h in hours.items()}}},
        "contracts": {"staff": {"hours_per_week": {"min": 0, "max": 168}, "max_days_per_week": 7}},
        "rules": {"min_rest_hours": 0, "forbidden_successions": forbidden, "runs_at_period_edges": edges},
        "weights": {"uncovered": 0, "understaffed": 0, "overstaffed": 0, "fairness": 0, "request": 1},
        "cover": [
            {
                "site": SITE,
                "shift": c.shift,
                "count": c.requirement,
                "date": day[c.day],
                "under_weight": c.under,
                "over_weight": c.over,
            }
            for c in instance.cover
        ],
        "agents": [_agent(instance, s, day, unit, requests[s.id]) for s in instance.staff],
    }


def _agent(instance: Instance, s: Staff, day: list[date], unit: int, requests: list[dict[str, Any]]) -> dict[str, Any]:
    allowed = [sid for sid in instance.shifts if s.max_shifts.get(sid, instance.horizon) > 0]
    caps = {sid: n for sid, n in s.max_shifts.items() if 0 < n < instance.horizon}
    agent: dict[str, Any] = {
        "id": s.id,
        "site": SITE,
        "contract": "staff",
        "skills": [CHANNEL],
        "shifts": allowed,
        "leave": [day[d] for d in sorted(instance.days_off.get(s.id, ())) if 0 <= d < instance.horizon],
        "requests": requests,
        "hours_per_period": {"min": s.min_minutes / unit / 60, "max": s.max_minutes / unit / 60},
        "max_consecutive_days": s.max_consecutive,
        "min_consecutive_days": s.min_consecutive,
        "min_consecutive_days_off": s.min_days_off,
        "max_weekends_per_period": s.max_weekends,
    }
    if caps:
        agent["max_shifts_per_period"] = caps
    return agent


def to_config(instance: Instance, *, start: date = DEFAULT_START, edges: str = "exempt") -> Config:
    """Validate the instance's data into a Config, exactly as a YAML file with that content would be."""
    from pydantic import ValidationError

    try:
        return Config.model_validate({**config_data(instance, start=start, edges=edges), "source": Path(f"{instance.name}.yaml")})
    except ValidationError as exc:
        problems = [
            Problem(instance.name, None, ".".join(map(str, e["loc"])), str(e["msg"])) for e in exc.errors(include_url=False)
        ]
        raise InputError(problems) from None


# --------------------------------------------------------------------------- evaluating


Grid = dict[tuple[str, int], str]  # (employee, day index) -> shift id


def grid_of(roster: Roster, *, start: date = DEFAULT_START) -> Grid:
    """The benchmark's view of a roster: which shift each employee works on each day."""
    return {(a.agent, (a.day - start).days): a.shift for a in roster.assignments}


@dataclass
class Evaluation:
    objective: int
    violations: list[str]  # hard rules broken, in words; empty for a feasible roster

    @property
    def feasible(self) -> bool:
        return not self.violations


def evaluate(instance: Instance, grid: Grid, *, edges: str = "exempt") -> Evaluation:
    """The benchmark objective of a roster and the hard rules it breaks (independent of the solver)."""
    objective = sum(q.weight for q in instance.on_requests if grid.get((q.staff, q.day)) != q.shift)
    objective += sum(q.weight for q in instance.off_requests if grid.get((q.staff, q.day)) == q.shift)
    for c in instance.cover:
        working = sum(1 for s in instance.staff if grid.get((s.id, c.day)) == c.shift)
        objective += c.under * max(c.requirement - working, 0) + c.over * max(working - c.requirement, 0)
    violations: list[str] = []
    ids = {s.id for s in instance.staff}
    for (who, d), shift in grid.items():
        if who not in ids or shift not in instance.shifts or not 0 <= d < instance.horizon:
            violations.append(f"{who} day {d}: unknown employee, shift or day ({shift})")
    for s in instance.staff:
        violations.extend(_staff_violations(instance, s, [grid.get((s.id, d)) for d in range(instance.horizon)], edges))
    return Evaluation(objective, violations)


def _staff_violations(instance: Instance, s: Staff, row: list[str | None], edges: str) -> list[str]:
    found: list[str] = []
    for d, (today, tomorrow) in enumerate(zip(row, row[1:])):
        if today and tomorrow and tomorrow in instance.shifts[today].cannot_follow:
            found.append(f"{s.id} day {d}: {today} followed by {tomorrow}")
    for shift, limit in s.max_shifts.items():
        if row.count(shift) > limit:
            found.append(f"{s.id}: {row.count(shift)} {shift} shifts (max {limit})")
    minutes = sum(instance.shifts[x].minutes for x in row if x in instance.shifts)
    if not s.min_minutes <= minutes <= s.max_minutes:
        found.append(f"{s.id}: {minutes} minutes (expected {s.min_minutes}..{s.max_minutes})")
    found.extend(
        f"{s.id} day {d}: works a day off" for d in sorted(instance.days_off.get(s.id, ())) if 0 <= d < len(row) and row[d]
    )
    weekends = weekends_worked(row)
    if weekends > s.max_weekends:
        found.append(f"{s.id}: {weekends} weekends (max {s.max_weekends})")
    for worked, length, first, last in _runs(row):
        touches = first == 0 or last == len(row) - 1
        if worked and length > s.max_consecutive:
            found.append(f"{s.id} days {first}-{last}: {length} days in a row (max {s.max_consecutive})")
        shortest = s.min_consecutive if worked else s.min_days_off
        if length < shortest and (edges == "enforced" or not touches):
            kind = "working days" if worked else "days off"
            found.append(f"{s.id} days {first}-{last}: {length} {kind} in a row (min {shortest})")
    return found


def weekends_worked(row: list[str | None]) -> int:
    """The benchmark's weekends: days 7w+5 and 7w+6 (day 0 a Monday), worked if either has a shift."""
    return sum(1 for w in range(len(row) // 7) if row[7 * w + 5] or row[7 * w + 6])


def _runs(row: list[str | None]) -> list[tuple[bool, int, int, int]]:
    """(worked?, length, first day, last day) of each maximal run of working days or days off."""
    runs: list[tuple[bool, int, int, int]] = []
    first = 0
    for d in range(1, len(row) + 1):
        if d == len(row) or bool(row[d]) != bool(row[first]):
            runs.append((bool(row[first]), d - first, first, d - 1))
            first = d
    return runs
