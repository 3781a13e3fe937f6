"""What each agent may work, as plain data — the part of the model that needs no solver.

Availability is decided here once (site, allowed templates, leave, holidays,
fixed days off, employment dates, `unavailable` ranges), with the reason each excluded occurrence
is excluded, so that an infeasible plan can be explained in the manager's
words rather than in constraint indices.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from coverage.availability import AgentAvailability, agent_availability
from coverage.boundary import AgentBoundary, agent_boundaries
from coverage.config.schema import WEEKDAYS, Agent, Config, EffectiveRules, NightShift
from coverage.roster import Assignment, Roster
from coverage.time import (
    FlexWindow,
    Grid,
    ShiftInstance,
    flexible_windows,
    hours_in_local_window,
    period_grid,
    slot_start,
    week_monday,
)


@dataclass
class AgentScope:
    """One agent's rules, the occurrences they may work, and why others are excluded."""

    agent: Agent
    rules: EffectiveRules
    site_days: list[date]
    available: list[ShiftInstance]
    blocked: dict[ShiftInstance, str] = field(default_factory=dict)  # occurrence -> reason label
    nights: set[ShiftInstance] = field(default_factory=set)
    days_off: set[date] = field(default_factory=set)  # leave, holidays not worked, outside employment
    boundary: AgentBoundary | None = None  # the previous roster's shifts of this agent; None: no history given
    history_nights: list[Assignment] = field(default_factory=list)  # the previous roster's night shifts
    availability: AgentAvailability | None = None  # the agent's ranges in UTC; None: the agent gives none
    flexible: list[FlexWindow] = field(default_factory=list)  # flexible template-days the agent may work
    flexible_blocked: dict[FlexWindow, str] = field(default_factory=dict)  # template-day -> reason label
    closed_slots: dict[FlexWindow, dict[int, str]] = field(
        default_factory=dict
    )  # open template-day -> slot -> `unavailable` words

    @property
    def history(self) -> list[Assignment] | None:
        """The previous roster's shifts of this agent, by start; None when no history is given."""
        return None if self.boundary is None else list(self.boundary.shifts)

    @property
    def history_days(self) -> frozenset[date]:
        """Local dates the previous roster worked, the new period's first day or two included (see coverage.boundary)."""
        return frozenset() if self.boundary is None else self.boundary.worked_days

    def known_before(self, day: date) -> bool:
        """True when `day` precedes the period and the previous roster tells what happened on it."""
        return self.history is not None and bool(self.site_days) and day < self.site_days[0]

    @property
    def id(self) -> str:
        return self.agent.id

    def full_weeks(self) -> list[date]:
        """Mondays of weeks wholly inside the period (at this site) and the agent's employment.

        With a previous roster, days before the period are known, so the
        week the period starts in is judged whole.
        """
        present = set(self.site_days)
        if self.history is not None and self.site_days:
            first = self.site_days[0]
            present |= {first - timedelta(days=k) for k in range(1, 7)}
        mondays = sorted({week_monday(d) for d in self.site_days})
        return [
            m
            for m in mondays
            if all((m + timedelta(days=k)) in present and self.agent.employed_on(m + timedelta(days=k)) for k in range(7))
        ]

    def weekly_minimum_minutes(self, monday: date) -> int:
        """Contract minimum for one full week, lowered for each day of leave or public holiday.

        Each such day credits min / max_days_per_week hours: a 32 h, 5-day
        contract with one day of leave must still work 25.6 h that week.
        """
        minimum = self.rules.hours_per_week.min
        if minimum <= 0:
            return 0
        off = sum(1 for k in range(7) if monday + timedelta(days=k) in self.days_off)
        per_day = minimum / max(self.rules.max_days_per_week, 1)
        return max(0, math.ceil((minimum - off * per_day) * 60 - 1e-6))

    def period_minimum_minutes(self) -> int:
        """hours_per_period.min, lowered like the weekly minimum for each day not available."""
        period = self.rules.hours_per_period
        if period is None or period.min <= 0:
            return 0
        per_day = self.rules.hours_per_week.min / max(self.rules.max_days_per_week, 1)
        off = sum(1 for d in self.site_days if d in self.days_off)
        return max(0, math.ceil((period.min - off * per_day) * 60 - 1e-6))


def site_days(instances: list[ShiftInstance], windows: list[FlexWindow] | tuple[FlexWindow, ...] = ()) -> dict[str, list[date]]:
    """Per site, the local dates a shift (listed or flexible) can start on in the period."""
    days: dict[str, set[date]] = defaultdict(set)
    for s in instances:
        days[s.site].add(s.day)
    for w in windows:
        days[w.site].add(w.day)
    return {site: sorted(found) for site, found in days.items()}


def agent_scopes(
    config: Config,
    instances: list[ShiftInstance],
    history: Roster | None = None,
    windows: list[FlexWindow] | None = None,
) -> list[AgentScope]:
    windows = flexible_windows(config) if windows is None else windows
    days_by_site = site_days(instances, windows)
    night_cache: dict[ShiftInstance, bool] = {}
    first_days = ((agent.id, next(iter(days_by_site.get(agent.site, [])), None)) for agent in config.agents)
    boundaries = agent_boundaries(history, first_days) or {}
    scopes = [
        _scope(config, agent, instances, days_by_site.get(agent.site, []), night_cache, boundaries.get(agent.id))
        for agent in config.agents
    ]
    if windows:
        grid = period_grid(config.plan)
        for scope in scopes:
            _flexible_scope(config, scope, windows, grid)
    return scopes


def _flexible_scope(config: Config, scope: AgentScope, windows: list[FlexWindow], grid: Grid) -> None:
    """The flexible template-days the agent may work, and the slots of each their `unavailable` ranges close.

    Leave, holidays, fixed days off, employment, the allowed `shifts` and a
    previous roster's shift on the date block the whole day, as for a listed
    shift; an `unavailable` range closes only the slots it touches, so a run
    may still start after it (a pick-up at 15:00 leaves the morning open).
    """
    agent = scope.agent
    reasons = _taken_reasons(agent, scope.boundary) | _day_reasons(config, agent, scope.site_days)
    allowed = set(config.allowed_shifts(agent))
    for w in windows:
        if w.site != agent.site:
            continue
        why = reasons.get(w.day) or (
            None if w.shift in allowed else f"agent {agent.id}: allowed shifts are only {', '.join(sorted(allowed))}"
        )
        closed = _closed_slots(scope, w, grid) if not why else {}
        if not why and all(k in closed for k in w.starts):
            why = f"agent {agent.id}: {closed[w.starts[0]]}"
        if why:
            scope.flexible_blocked[w] = why
            continue
        scope.flexible.append(w)
        if closed:
            scope.closed_slots[w] = closed


def _closed_slots(scope: AgentScope, window: FlexWindow, grid: Grid) -> dict[int, str]:
    """Slots of the window that touch one of the agent's `unavailable` ranges, with the range's words."""
    if scope.availability is None or not scope.availability.unavailable:
        return {}
    closed = {}
    for k in window.slots:
        begin = slot_start(grid, k)
        touched = scope.availability.blocked_by(begin, begin.add(minutes=grid.minutes))
        if touched:
            closed[k] = touched
    return closed


def _scope(
    config: Config,
    agent: Agent,
    instances: list[ShiftInstance],
    days: list[date],
    night_cache: dict[ShiftInstance, bool],
    boundary: AgentBoundary | None,
) -> AgentScope:
    scope = AgentScope(
        agent=agent,
        rules=config.rules_for(agent),
        site_days=days,
        available=[],
        boundary=boundary,
        availability=agent_availability(config, agent) if agent.availability else None,
    )
    reasons = _taken_reasons(agent, boundary) | _day_reasons(config, agent, days)
    scope.days_off = _credited_days(config, agent, days)
    allowed = set(config.allowed_shifts(agent))
    zone = config.sites[agent.site].timezone
    night = config.night_shift
    if boundary is not None:
        scope.history_nights = [a for a in boundary.shifts if is_night(a.start_utc, a.end_utc, zone, night)]
    for s in instances:
        if s.site != agent.site:
            continue
        if s not in night_cache:
            night_cache[s] = is_night(s.start_utc, s.end_utc, zone, night)
        if night_cache[s]:
            scope.nights.add(s)
        why = reasons.get(s.day) or (
            None if s.shift in allowed else f"agent {agent.id}: allowed shifts are only {', '.join(sorted(allowed))}"
        )
        if not why and scope.availability is not None:
            touched = scope.availability.blocked_by(s.start_utc, s.end_utc)
            why = f"agent {agent.id}: {touched}" if touched else None
        if why:
            scope.blocked[s] = why
        else:
            scope.available.append(s)
    return scope


def is_night(start: datetime, end: datetime, zone: str, night: NightShift) -> bool:
    """A night shift spends at least `night.min_hours` inside the night window, on the site's clock."""
    return hours_in_local_window(start, end, zone, night.start, night.end) >= night.min_hours - 1e-9


def _credited_days(config: Config, agent: Agent, days: list[date]) -> set[date]:
    """Days the agent is away (leave, holidays not worked, not yet or no longer employed).

    Contract minimums are lowered for these; fixed weekly days off are part of
    the normal week and lower nothing.
    """
    holidays = set() if agent.works_holidays else config.holidays_at(agent.site)
    leave = agent.leave_days()
    return {d for d in days if d in leave or d in holidays or not agent.employed_on(d)}


def _day_reasons(config: Config, agent: Agent, days: list[date]) -> dict[date, str]:
    """Why the agent cannot work on a date, in words, for every date they cannot."""
    leave = agent.leave_days()
    holidays = set() if agent.works_holidays else config.holidays_at(agent.site)
    fixed = set(agent.days_off)
    reasons: dict[date, str] = {}
    for d in days:
        if not agent.employed_on(d):
            reasons[d] = f"agent {agent.id}: employed only {agent.employment_start or '...'} to {agent.employment_end or '...'}"
        elif d in leave:
            reasons[d] = f"agent {agent.id}: leave on {_ranges(sorted(leave & set(days)))}"
        elif d in holidays:
            reasons[d] = (
                f"agent {agent.id}: public holidays at {agent.site} ({_ranges(sorted(holidays & set(days)))}) are not worked"
            )
        elif WEEKDAYS[d.weekday()] in fixed:
            reasons[d] = f"fixed days off for agent {agent.id}: {', '.join(agent.days_off)}"
    return reasons


def _taken_reasons(agent: Agent, boundary: AgentBoundary | None) -> dict[date, str]:
    """Days the previous roster already works: its shift starts before the period, on the period's local date."""
    if boundary is None:
        return {}
    return {
        d: f"agent {agent.id}: already works {a.shift} on {d} in the previous roster (one shift a day)"
        for d, a in boundary.taken_days.items()
    }


def _ranges(days: list[date]) -> str:
    """'12-24, 12-28..12-31': short date runs for messages."""
    runs: list[list[date]] = []
    for d in days:
        if runs and d - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(d)
        else:
            runs.append([d])
    return ", ".join(run[0].isoformat() if len(run) == 1 else f"{run[0].isoformat()}..{run[-1].isoformat()}" for run in runs)
