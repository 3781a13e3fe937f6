"""Independent re-verification of every hard rule on a roster.

The solver promises that its rosters satisfy the hard rules; this module does
not take its word for it. It recomputes everything from the Roster and the
Config alone (no ortools, nothing from coverage.solve), so a bug in the model
shows up as a violation here, and a roster a manager wrote by hand gets the
same scrutiny as ours (`covplan verify`).

Each rule is one short function; `check_roster` runs them all and returns
the violations sorted by agent and day, an empty list meaning "clean".
A violation's `day` is the site-local date of the offending shift; for the
weekly rules it is the Monday of the week (weeks run Monday to Sunday).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cached_property

from coverage.availability import AgentAvailability, availability_by_agent
from coverage.boundary import AgentBoundary, agent_boundaries
from coverage.config.schema import Agent, Config, EffectiveRules, ShiftTemplate
from coverage.roster import Assignment, Roster, paid_minutes, read_history
from coverage.time import (
    clock_range_utc,
    default_break_start,
    hours_in_local_window,
    period_grid,
    template_reaches,
    to_local,
    week_monday,
)

TOLERANCE = 1e-6  # hours; paid hours are sums of fractions such as 7.5


@dataclass(frozen=True)
class Violation:
    """One broken hard rule, worded for the manager who has to fix it."""

    rule: str  # short id, e.g. "min_rest", "leave"
    agent: str
    day: date | None
    message: str  # starts with the agent id, so it reads on its own
    line: int | None = None  # roster.csv line of the offending row, when known
    file: str = "roster.csv"  # the roster file the line refers to

    def __str__(self) -> str:
        """`FILE:LINE: agent ID: what is wrong (the limit)` — the contract's one-line shape."""
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        detail = self.message.removeprefix(f"{self.agent}: ")
        return f"{where}: agent {self.agent}: {detail}"


@dataclass(frozen=True)
class _Context:
    """What every check needs from the config, computed once per roster, not once per agent."""

    config: Config
    period_start: datetime  # UTC; a shift belongs to the period its start falls in
    period_end: datetime
    period_days: dict[str, frozenset[date]]  # per site: dates a shift of the site starts in the period
    holidays: dict[str, frozenset[date]]  # per site
    history: dict[str, AgentBoundary] | None = None  # the previous roster's shifts per agent, when given
    availability: dict[str, AgentAvailability] | None = None  # agents who give availability ranges


@dataclass(frozen=True)
class _AgentShifts:
    """One agent's rules and shifts (sorted by start) — the unit the per-agent rules look at."""

    agent: Agent
    rules: EffectiveRules
    timezone: str
    shifts: tuple[Assignment, ...]
    leave: frozenset[date]
    holidays: frozenset[date]  # the site's public holidays, empty for agents who work them
    boundary: AgentBoundary | None = None  # the previous roster's shifts; None when not given
    first_day: date | None = None  # the site's first period date

    @property
    def history(self) -> tuple[Assignment, ...] | None:
        return None if self.boundary is None else self.boundary.shifts

    @cached_property
    def boundary_history(self) -> tuple[Assignment, ...]:
        """Previous-roster shifts in the weeks of the period (the week it starts in): they count toward those weeks' limits."""
        if self.boundary is None or self.first_day is None:
            return ()
        return self.boundary.since(week_monday(self.first_day))

    @cached_property
    def with_history(self) -> tuple[Assignment, ...]:
        """This roster's shifts preceded by the previous roster's last two weeks: rules that look back see them."""
        if self.boundary is None or self.first_day is None:
            return self.shifts
        return self.boundary.since(self.first_day - timedelta(days=14)) + self.shifts

    @cached_property
    def taken_shifts(self) -> tuple[Assignment, ...]:
        """The previous roster's shifts on period dates (they start before the period, on a local date inside it)."""
        if self.boundary is None or self.first_day is None:
            return ()
        return self.boundary.since(self.first_day)

    def is_previous(self, shift: Assignment) -> bool:
        """Whether a shift is the previous roster's (judged there, only named here)."""
        return any(shift is taken for taken in self.taken_shifts)

    @property
    def id(self) -> str:
        return self.agent.id

    @cached_property
    def days_off(self) -> frozenset[date]:
        """Dates the agent may not work, and which lower their weekly minimum."""
        return self.leave | self.holidays

    @cached_property
    def weeks(self) -> dict[date, list[Assignment]]:
        """Shifts grouped by the Monday of their site-local date (weeks run Monday to Sunday)."""
        weeks: dict[date, list[Assignment]] = {}
        for shift in sorted(self.boundary_history + self.shifts, key=lambda s: (s.day, s.start_utc)):
            weeks.setdefault(week_monday(shift.day), []).append(shift)
        return weeks


ShiftCheck = Callable[[Assignment, _AgentShifts, _Context], Iterator[Violation]]
AgentCheck = Callable[[_AgentShifts, _Context], Iterator[Violation]]


def check_roster(roster: Roster, config: Config) -> list[Violation]:
    """Every hard-rule violation in `roster`, sorted by agent then day; empty means clean."""
    return Checker(config).check(roster)


class Checker:
    """Checks many rosters against one config, deriving the config's facts only once."""

    def __init__(self, config: Config):
        self.context = _context(config)

    def check(self, roster: Roster) -> list[Violation]:
        return _check(roster, self.context)


def _check(roster: Roster, context: _Context) -> list[Violation]:
    config = context.config
    found: list[Violation] = []
    by_agent = _group_by_agent(roster)
    for agent_id in sorted(set(by_agent) - {agent.id for agent in config.agents}):
        found.extend(_unknown_agent(shift, config) for shift in by_agent[agent_id])
    for agent in config.agents:
        view = _agent_shifts(agent, by_agent.get(agent.id, []), context)
        for shift in view.shifts:
            for shift_check in SHIFT_CHECKS:
                found.extend(shift_check(shift, view, context))
        for agent_check in AGENT_CHECKS:
            found.extend(agent_check(view, context))
        found.extend(_check_mentors(agent, by_agent, context))
    file = str(roster.source) if roster.source is not None else "roster.csv"
    found = [replace(v, file=file) for v in found]
    return sorted(found, key=lambda v: (v.agent, v.day or date.min, v.line or 0, v.rule, v.message))


def _group_by_agent(roster: Roster) -> dict[str, list[Assignment]]:
    """Each agent's shifts by start, in one pass: rosters of thousands of agents stay linear."""
    by_agent: dict[str, list[Assignment]] = {}
    for shift in sorted(roster.assignments, key=lambda a: a.start_utc):
        by_agent.setdefault(shift.agent, []).append(shift)
    return by_agent


def _agent_shifts(agent: Agent, shifts: list[Assignment], context: _Context) -> _AgentShifts:
    config = context.config
    holidays = frozenset() if agent.works_holidays else context.holidays[agent.site]
    return _AgentShifts(
        agent=agent,
        rules=config.rules_for(agent),
        timezone=config.sites[agent.site].timezone,
        shifts=tuple(shifts),
        leave=frozenset(agent.leave_days()),
        holidays=holidays,
        boundary=None if context.history is None else context.history[agent.id],
        first_day=min(context.period_days[agent.site], default=None),
    )


def _context(config: Config) -> _Context:
    grid = period_grid(config.plan)
    days: dict[str, set[date]] = {site: set() for site in config.sites}
    for reach in template_reaches(config):  # dates on which a shift of the site can start in the period
        days[reach.site].add(reach.day)
    period_days = {site: frozenset(found) for site, found in days.items()}
    return _Context(
        config=config,
        period_start=grid.start,
        period_end=grid.end,
        period_days=period_days,
        holidays={site: frozenset(config.holidays_at(site)) for site in config.sites},
        history=agent_boundaries(read_history(config), ((a.id, min(period_days[a.site], default=None)) for a in config.agents)),
        availability=availability_by_agent(config),
    )


# --------------------------------------------------------------------------- wording


def _violation(rule: str, agent: str, day: date | None, detail: str, line: int | None = None) -> Violation:
    return Violation(rule=rule, agent=agent, day=day, message=f"{agent}: {detail}", line=line)


def _local(instant: datetime, timezone: str) -> str:
    """An instant as the site's wall clock reads it: managers think in local time."""
    return f"{to_local(instant, timezone):%Y-%m-%d %H:%M} {timezone}"


def _hours(value: float) -> str:
    """A measured amount of hours: one decimal at least ("9.0 h"), two when needed ("7.25 h")."""
    return f"{value:.1f}" if abs(value * 10 - round(value * 10)) < TOLERANCE else f"{value:.2f}"


def _limit(value: float) -> str:
    """A configured limit as the manager wrote it ("11", "25.6")."""
    return f"{round(value, 2):g}"


def _describe(shift: Assignment) -> str:
    return f"shift {shift.shift!r} on {shift.day}"


def _template(shift: Assignment, config: Config) -> ShiftTemplate | None:
    """The shift's template, None for a site or shift the config lacks (a hand-built roster; reported by other rules)."""
    site = config.sites.get(shift.site)
    return site.shifts.get(shift.shift) if site else None


def _paid_hours(shift: Assignment, config: Config) -> float:
    """Contract hours count paid time only: a listed template's length less its unpaid break, a flexible shift's own length."""
    if _template(shift, config) is None:
        return _elapsed_hours(shift.start_utc, shift.end_utc)
    return paid_minutes(shift, config) / 60


def _elapsed_hours(start: datetime, end: datetime) -> float:
    """Real hours between two aware instants (plain timestamps: pendulum's Interval is slow in bulk)."""
    return (end.timestamp() - start.timestamp()) / 3600


def _unknown_agent(shift: Assignment, config: Config) -> Violation:
    known = ", ".join(agent.id for agent in config.agents)
    return _violation(
        "unknown_agent", shift.agent, shift.day, f"is not an agent in {config.source.name} (expected one of: {known})", shift.line
    )


# --------------------------------------------------------------------------- rules on one shift


def _check_site(shift: Assignment, view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 1: agents work at their own site (its templates, holidays and clock)."""
    if shift.site != view.agent.site:
        yield _violation(
            "site",
            view.id,
            shift.day,
            f"{_describe(shift)} is at site {shift.site!r}, but the agent belongs to site {view.agent.site!r}",
            shift.line,
        )


def _check_skill(shift: Assignment, view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 1: agents only serve channels they are skilled for."""
    if shift.channel not in view.agent.skills:
        skills = ", ".join(view.agent.skills)
        yield _violation(
            "skill",
            view.id,
            shift.day,
            f"{_describe(shift)} is on channel {shift.channel!r}, which the agent has no skill for (skills: {skills})",
            shift.line,
        )


def _check_allowed_shift(shift: Assignment, view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 1: only the agent's allowed templates (a wrong site is already reported by _check_site)."""
    allowed = context.config.allowed_shifts(view.agent)
    if shift.site == view.agent.site and shift.shift not in allowed:
        yield _violation(
            "shift",
            view.id,
            shift.day,
            f"{_describe(shift)} is not one of the agent's allowed shifts ({', '.join(allowed)})",
            shift.line,
        )


def _check_times(shift: Assignment, view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 2: times match the template, so coverage and hours agree with what the shift name says.

    A listed template has one start and one length. A flexible one has a
    range of each: the start is one of the range's clock times on the plan's
    grid (each laid on the shift's local date, so a DST change moves it in
    UTC) and begins a UTC grid slot, and the length is a whole number of grid
    intervals inside the range.
    """
    site = context.config.sites.get(shift.site)
    template = site.shifts.get(shift.shift) if site else None
    if site is None or template is None:
        return
    step = context.config.plan.interval_minutes
    problems = [
        *_start_problems(shift, template, site.timezone, step, context.period_start),
        *_length_problems(_elapsed_hours(shift.start_utc, shift.end_utc), template, step),
    ]
    if problems:
        yield _violation("times", view.id, shift.day, f"{_describe(shift)} {' and '.join(problems)}", shift.line)


def _start_problems(shift: Assignment, template: ShiftTemplate, timezone: str, step: int, origin: datetime) -> list[str]:
    """A listed shift starts at its template's time; a flexible one at a clock time of its range that begins a grid slot.

    Both grids count: the range's clock times every `step` minutes (the site's
    wall clock), and the UTC slots from `origin` (coverage is counted in whole
    slots, so a zone half an hour off a 60-minute grid has no flexible start).
    """
    starts = clock_range_utc(shift.day, template.earliest_start, template.latest_start, step, timezone)  # earliest first
    on_slot = (shift.start_utc.timestamp() - origin.timestamp()) % (step * 60) == 0
    if shift.start_utc in starts and (on_slot or not template.flexible):
        return []
    started = f"starts {_local(shift.start_utc, timezone)}"
    if not template.flexible:
        return [f"{started}, but the template starts {_local(starts[0], timezone)}"]
    if not starts[0] <= shift.start_utc <= starts[-1]:
        return [f"{started}, outside the template's starts {template.start} on {shift.day}"]
    return [f"{started}, off the plan's {step}-minute grid (the template starts {template.start} on the grid)"]


def _length_problems(length: float, template: ShiftTemplate, step: int) -> list[str]:
    if not template.flexible:
        if abs(length - template.minutes / 60) > TOLERANCE:
            return [f"lasts {_hours(length)} h, but the template lasts {_limit(template.minutes / 60)} h"]
        return []
    shortest, longest = template.min_minutes / 60, template.max_minutes / 60
    if not shortest - TOLERANCE <= length <= longest + TOLERANCE:
        return [f"lasts {_hours(length)} h, but the template lasts {_limit(shortest)} to {_limit(longest)} h"]
    intervals = length * 60 / step
    if abs(intervals - round(intervals)) > TOLERANCE:
        return [f"lasts {_hours(length)} h, not a whole number of the plan's {step}-minute intervals"]
    return []


def _check_break(shift: Assignment, view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """A rostered break lies in the template's break window (or at its standard mid-shift place)."""
    template = _template(shift, context.config)
    if template is None or shift.break_start_utc is None:
        return
    offset = _elapsed_hours(shift.start_utc, shift.break_start_utc)
    window = template.break_window
    if template.unpaid_break_minutes <= 0:
        problem = "has a break, but its template has no unpaid break"
    elif window is not None and not window.earliest - TOLERANCE <= offset <= window.latest + TOLERANCE:
        problem = f"has its break {_hours(offset)} h after the start (window {_limit(window.earliest)}–{_limit(window.latest)} h)"
    elif window is None and shift.break_start_utc != default_break_start(
        shift.start_utc, shift.end_utc, template.unpaid_break_minutes
    ):
        problem = (
            f"has its break {_hours(offset)} h after the start, but the template has no break window (the break sits mid-shift)"
        )
    else:
        return
    yield _violation("break", view.id, shift.day, f"{_describe(shift)} {problem}", shift.line)


def _check_period(shift: Assignment, view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 3: a shift belongs to the period its start falls in; others belong to another roster."""
    plan = context.config.plan
    if not context.period_start <= shift.start_utc < context.period_end:
        last = plan.end - timedelta(days=1)
        yield _violation(
            "period",
            view.id,
            shift.day,
            f"{_describe(shift)} starts {_local(shift.start_utc, view.timezone)}, outside the rota period "
            f"{plan.start} to {last} ({plan.timezone})",
            shift.line,
        )


def _check_leave(shift: Assignment, view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 5: no shift on a leave day."""
    if shift.day in view.leave:
        yield _violation("leave", view.id, shift.day, f"{_describe(shift)} falls on a leave day", shift.line)


def _check_holiday(shift: Assignment, view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 5: no shift on the site's public holidays unless the agent works holidays."""
    if shift.day in view.holidays:
        yield _violation(
            "holiday",
            view.id,
            shift.day,
            f"{_describe(shift)} falls on a public holiday at site {view.agent.site} (the agent does not work holidays)",
            shift.line,
        )


def _check_unavailable(shift: Assignment, view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """No shift touches one of the agent's `unavailable` ranges (on the agent's own clock)."""
    ranges = (context.availability or {}).get(view.id)
    if ranges is None:
        return
    touched = ranges.blocked_by(shift.start_utc, shift.end_utc)
    if touched:
        yield _violation(
            "unavailable",
            view.id,
            shift.day,
            f"{_describe(shift)} ({_local(shift.start_utc, ranges.zone)} to {to_local(shift.end_utc, ranges.zone):%H:%M}) "
            f"touches the agent's range {touched}",
            shift.line,
        )


def _check_fixed_day_off(shift: Assignment, view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Fixed weekly days off (e.g. every Sunday) are never worked."""
    weekday = shift.day.strftime("%a")
    if weekday in view.agent.days_off:
        yield _violation(
            "fixed_day_off", view.id, shift.day, f"{_describe(shift)} falls on a fixed day off ({weekday})", shift.line
        )


def _check_employment(shift: Assignment, view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Agents who join or leave inside the period work only while employed."""
    agent = view.agent
    if not agent.employed_on(shift.day):
        span = f"{agent.employment_start or '...'} to {agent.employment_end or '...'}"
        yield _violation(
            "employment", view.id, shift.day, f"{_describe(shift)} is outside the agent's employment ({span})", shift.line
        )


SHIFT_CHECKS: tuple[ShiftCheck, ...] = (
    _check_site,
    _check_skill,
    _check_allowed_shift,
    _check_times,
    _check_period,
    _check_leave,
    _check_holiday,
    _check_fixed_day_off,
    _check_employment,
    _check_break,
    _check_unavailable,
)


# --------------------------------------------------------------------------- rules on an agent's shifts


def _check_shifts_per_day(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 4: at most max_shifts_per_day shifts per site-local date, the previous roster's on this period's dates included.

    One line for each shift beyond the limit, on that shift's row.
    """
    limit = view.rules.max_shifts_per_day
    for day, shifts in _shifts_by_day(view).items():
        for k in range(limit, len(shifts)):
            shift = shifts[k]
            if not view.is_previous(shift):
                named = _names([_previous_or_not(s, view) for s in shifts[: k + 1]])
                most = "at most one per day" if limit == 1 else f"at most {limit} per day"
                yield _violation(
                    "max_shifts_per_day", view.id, day, f"has {_count(k + 1)} shifts on {day} ({named}; {most})", shift.line
                )


def _check_split_gap(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Split shifts: two shifts of one local date lie at least min_gap_hours apart, end of one to start of the next.

    Only pairs the daily limit allows are judged (a shift too many is one
    fault, said by _check_shifts_per_day), and overlapping ones are left to
    _check_overlap.
    """
    minimum = view.rules.min_gap_hours
    for day, shifts in _shifts_by_day(view).items():
        allowed = shifts[: view.rules.max_shifts_per_day]
        for previous, shift in zip(allowed, allowed[1:]):
            gap = _elapsed_hours(previous.end_utc, shift.start_utc)
            if not view.is_previous(shift) and 0 <= gap < minimum - TOLERANCE:
                yield _violation(
                    "min_gap",
                    view.id,
                    day,
                    f"has only {_hours(gap)} h between {_previous_or_not(previous, view)} ending "
                    f"{_local(previous.end_utc, view.timezone)} and {_previous_or_not(shift, view)} starting "
                    f"{to_local(shift.start_utc, view.timezone):%H:%M} on {day} (split shifts at least {_limit(minimum)} h apart)",
                    shift.line,
                )


def _shifts_by_day(view: _AgentShifts) -> dict[date, list[Assignment]]:
    """Shifts per local date by start, the previous roster's on period dates first (they start before the period)."""
    by_day: dict[date, list[Assignment]] = {}
    for shift in view.taken_shifts + view.shifts:
        by_day.setdefault(shift.day, []).append(shift)
    return by_day


def _previous_or_not(shift: Assignment, view: _AgentShifts) -> str:
    return f"{shift.shift!r} in the previous roster" if view.is_previous(shift) else f"{shift.shift!r}"


def _names(names: list[str]) -> str:
    """'a' and 'b'; 'a', 'b' and 'c'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _count(n: int) -> str:
    return {2: "two", 3: "three", 4: "four", 5: "five"}.get(n, str(n))


def _check_overlap(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 4: nobody works two shifts at once (compared with the latest-ending earlier shift, the previous roster's too)."""
    latest: Assignment | None = None
    earlier = len(view.with_history) - len(view.shifts)  # the previous roster's shifts come first: judged by its own check
    for k, shift in enumerate(view.with_history):
        if latest is not None and shift.start_utc < latest.end_utc and k >= earlier:
            yield _violation(
                "overlap",
                view.id,
                shift.day,
                f"{_describe(shift)} starting {_local(shift.start_utc, view.timezone)} overlaps "
                f"{_describe(latest)} ending {_local(latest.end_utc, view.timezone)}",
                shift.line,
            )
        if latest is None or shift.end_utc > latest.end_utc:
            latest = shift


def _check_min_rest(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 6: rest between days in real elapsed hours (UTC), so a DST night counts what the agent actually gets.

    Two shifts of one local date are a split day, held to min_gap_hours
    instead (_check_split_gap); overlapping pairs are left to _check_overlap:
    one fault, one line.
    """
    minimum = view.rules.min_rest_hours
    shifts = view.with_history
    for previous, shift in zip(shifts, shifts[1:]):
        rest = _elapsed_hours(previous.end_utc, shift.start_utc)
        if previous.day != shift.day and 0 <= rest < minimum - TOLERANCE:
            yield _violation(
                "min_rest",
                view.id,
                shift.day,
                f"only {_hours(rest)} h rest between the shift ending {_local(previous.end_utc, view.timezone)} "
                f"and the one starting {_local(shift.start_utc, view.timezone)} (minimum {_limit(minimum)} h)",
                shift.line,
            )


def _check_consecutive_days(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 7: no run longer than max_consecutive_days; reported once per run, on the first day too many."""
    limit = view.rules.max_consecutive_days
    by_day: dict[date, Assignment] = {}
    for shift in view.with_history:  # a run may have begun in the previous roster
        by_day.setdefault(shift.day, shift)
    days = sorted(by_day)
    run_start = 0
    for k, day in enumerate(days):
        if k and days[k - 1] != day - timedelta(days=1):
            run_start = k
        if k - run_start == limit and (view.first_day is None or day >= view.first_day):
            end = _run_end(days, k)
            yield _violation(
                "max_consecutive_days",
                view.id,
                day,
                f"works {(end - days[run_start]).days + 1} consecutive days from {days[run_start]} to {end} (maximum {limit})",
                by_day[day].line,
            )


def _run_end(days: list[date], k: int) -> date:
    while k + 1 < len(days) and days[k + 1] == days[k] + timedelta(days=1):
        k += 1
    return days[k]


def _first_shift_per_day(view: _AgentShifts) -> dict[date, Assignment]:
    first: dict[date, Assignment] = {}
    for shift in view.shifts:
        first.setdefault(shift.day, shift)
    return first


def _check_days_per_week(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 8: at most max_days_per_week shift days in each Monday–Sunday week."""
    limit = view.rules.max_days_per_week
    for monday, shifts in view.weeks.items():
        days = sorted({s.day for s in shifts})
        if len(days) > limit:
            tipping = next(s for s in shifts if s.day == days[limit])
            yield _violation(
                "days_per_week",
                view.id,
                monday,
                f"works {len(days)} days in the week of Monday {monday} (maximum {limit})",
                tipping.line,
            )


def _check_max_hours(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 9: paid hours per week stay within the contract's maximum."""
    limit = view.rules.hours_per_week.max
    for monday, shifts in view.weeks.items():
        total = 0.0
        tipping: Assignment | None = None
        for shift in shifts:
            total += _paid_hours(shift, context.config)
            if tipping is None and total > limit + TOLERANCE:
                tipping = shift
        if tipping is not None:
            yield _violation(
                "max_hours_per_week",
                view.id,
                monday,
                f"works {_hours(total)} paid hours in the week of Monday {monday} (maximum {_limit(limit)} h)",
                tipping.line,
            )


def _check_min_hours(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 9: the weekly minimum, only in whole weeks inside the period, lowered for days off.

    A partial week cannot be judged against a weekly figure, and an agent on
    leave (or off for a holiday) owes a day's share of the minimum less.
    """
    known = set(context.period_days[view.agent.site])
    if view.history is not None and view.first_day is not None:  # the previous roster tells the days before
        known |= {view.first_day - timedelta(days=k) for k in range(1, 7)}
    for monday in _full_weeks(frozenset(known)):
        if not all(view.agent.employed_on(monday + timedelta(days=k)) for k in range(7)):
            continue
        required = _weekly_minimum(view, monday)
        worked = sum(_paid_hours(s, context.config) for s in view.weeks.get(monday, ()))
        if worked < required - TOLERANCE:
            yield _violation(
                "min_hours_per_week",
                view.id,
                monday,
                f"works only {_hours(worked)} paid hours in the week of Monday {monday} (minimum {_limit(required)} h)",
            )


def _full_weeks(period_days: frozenset[date]) -> list[date]:
    """Mondays of the weeks whose seven dates are all period dates of the site."""
    mondays = sorted({week_monday(day) for day in period_days})
    return [m for m in mondays if all(m + timedelta(days=k) in period_days for k in range(7))]


def _weekly_minimum(view: _AgentShifts, monday: date) -> float:
    """The contract minimum less min/max_days_per_week for each leave or holiday day, floored at 0."""
    rules = view.rules
    if rules.max_days_per_week == 0:
        return 0.0
    missed = sum(1 for k in range(7) if monday + timedelta(days=k) in view.days_off)
    per_day = rules.hours_per_week.min / rules.max_days_per_week
    return max(rules.hours_per_week.min - missed * per_day, 0.0)


def _check_weekends(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Rule 10: a weekend counts once however many of its days are worked; too many is a violation."""
    limit = view.rules.max_weekends_per_period
    if limit is None:
        return
    weekend = context.config.weekend_days
    worked: list[date] = []
    for monday, shifts in view.weeks.items():
        weekend_shifts = [s for s in shifts if s.day.isoweekday() in weekend]
        if not weekend_shifts:
            continue
        worked.append(monday)
        if len(worked) == limit + 1:
            first = weekend_shifts[0]
            yield _violation(
                "max_weekends",
                view.id,
                first.day,
                f"works {_count_weekends(view, weekend)} weekends in the period (maximum {limit}); "
                f"the weekend of {first.day} is one too many",
                first.line,
            )


def _count_weekends(view: _AgentShifts, weekend: set[int]) -> int:
    return len({week_monday(s.day) for s in view.shifts if s.day.isoweekday() in weekend})


def _check_min_days_off(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Runs of days off between two working days last at least min_consecutive_days_off.

    A run touching the first or last period date is judged only when
    runs_at_period_edges is "enforced" (the days outside then count as worked).
    """
    need = view.rules.min_consecutive_days_off
    worked = set(_first_shift_per_day(view))
    for start, end in _runs(view, context, worked, of_work=False):
        length = (end - start).days + 1
        if length < need:
            yield _violation(
                "min_days_off",
                view.id,
                start,
                f"has only {length} day(s) off from {start} to {end} (days off come at least {need} in a row)",
            )


def _check_min_working_run(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Runs of working days last at least min_consecutive_days (edges as for days off)."""
    need = view.rules.min_consecutive_days
    by_day = _first_shift_per_day(view)
    for start, end in _runs(view, context, set(by_day), of_work=True):
        length = (end - start).days + 1
        if length < need:
            yield _violation(
                "min_consecutive_days",
                view.id,
                start,
                f"works only {length} day(s) in a row from {start} to {end} (at least {need})",
                by_day[start].line if start in by_day else None,
            )


def _runs(view: _AgentShifts, context: _Context, worked: set[date], *, of_work: bool) -> list[tuple[date, date]]:
    """Maximal runs of worked (or of free) period dates, edge runs only when enforced."""
    days = sorted(context.period_days[view.agent.site])
    if not days:
        return []
    if view.history is not None:  # the days before the period are known from the previous roster
        worked = worked | {a.day for a in view.history}
        days = [days[0] - timedelta(days=k) for k in range(14, 0, -1)] + days
    enforced = view.rules.runs_at_period_edges == "enforced"
    runs: list[tuple[date, date]] = []
    start: date | None = None
    for day in days:
        if (day in worked) == of_work:
            start = start or day
            continue
        if start is not None:
            runs.append((start, day - timedelta(days=1)))
        start = None
    if start is not None:
        runs.append((start, days[-1]))
    if view.first_day is not None:  # a run of the previous roster that ended before the period's first day is its own
        runs = [
            (a, b) for a, b in runs if b >= view.first_day - timedelta(days=1)
        ]  # (ending the day before: this period ended it)
    if enforced:
        return runs
    return [(a, b) for a, b in runs if a != days[0] and b != days[-1]]


def _check_max_shifts(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """max_shifts_per_period: at most N shifts of a template in the period."""
    for shift, limit in view.rules.max_shifts_per_period.items():
        those = [s for s in view.shifts if s.shift == shift]
        if len(those) > limit:
            yield _violation(
                "max_shifts",
                view.id,
                those[limit].day,
                f"works {len(those)} {shift!r} shifts in the period (maximum {limit})",
                those[limit].line,
            )


def _check_successions(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """Forbidden successions: shift A on one day followed by shift B the next day (A may be the previous roster's).

    On split days every shift counts: any A of one day with any B of the next
    is the succession (one line per B, naming the first such A).
    """
    forbidden = {tuple(pair) for pair in view.rules.forbidden_successions}
    if not forbidden:
        return
    by_day: dict[date, list[Assignment]] = {}
    for worked in view.with_history:
        by_day.setdefault(worked.day, []).append(worked)
    for following in view.shifts:
        earlier = by_day.get(following.day - timedelta(days=1), [])
        before = next((s for s in earlier if (s.shift, following.shift) in forbidden), None)
        if before is not None:
            yield _violation(
                "succession",
                view.id,
                following.day,
                f"{_describe(before)} is followed by {_describe(following)}, a forbidden succession",
                following.line,
            )


def _is_night(shift: Assignment, view: _AgentShifts, context: _Context) -> bool:
    night = context.config.night_shift
    hours = hours_in_local_window(shift.start_utc, shift.end_utc, view.timezone, night.start, night.end)
    return hours >= night.min_hours - TOLERANCE


def _check_nights(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """At most max_nights_per_week night shifts a week and max_nights_per_period in the period."""
    rules = view.rules
    nights = [s for s in view.shifts if _is_night(s, view, context)]
    if rules.max_nights_per_week is not None:
        for monday, shifts in view.weeks.items():  # the week the period starts in counts the previous roster's nights
            those = [s for s in shifts if _is_night(s, view, context)]
            if len(those) > rules.max_nights_per_week:
                yield _violation(
                    "nights_per_week",
                    view.id,
                    monday,
                    f"works {len(those)} night shifts in the week of Monday {monday} (maximum {rules.max_nights_per_week})",
                    those[rules.max_nights_per_week].line,
                )
    if rules.max_nights_per_period is not None and len(nights) > rules.max_nights_per_period:
        tipping = nights[rules.max_nights_per_period]
        yield _violation(
            "nights_per_period",
            view.id,
            tipping.day,
            f"works {len(nights)} night shifts in the period (maximum {rules.max_nights_per_period})",
            tipping.line,
        )


def _check_period_hours(view: _AgentShifts, context: _Context) -> Iterator[Violation]:
    """hours_per_period: the maximum always; the minimum lowered by a day's share per day away."""
    period = view.rules.hours_per_period
    if period is None:
        return
    worked = sum(_paid_hours(s, context.config) for s in view.shifts)
    if worked > period.max + TOLERANCE:
        yield _violation(
            "max_hours_per_period",
            view.id,
            None,
            f"works {_hours(worked)} paid hours in the period (maximum {_limit(period.max)} h)",
        )
    days = context.period_days[view.agent.site]
    away = sum(1 for d in days if d in view.days_off or not view.agent.employed_on(d))
    per_day = view.rules.hours_per_week.min / view.rules.max_days_per_week if view.rules.max_days_per_week else 0.0
    required = max(period.min - away * per_day, 0.0)
    if worked < required - TOLERANCE:
        yield _violation(
            "min_hours_per_period",
            view.id,
            None,
            f"works only {_hours(worked)} paid hours in the period (minimum {_limit(required)} h)",
        )


def _check_mentors(agent: Agent, by_agent: dict[str, list[Assignment]], context: _Context) -> Iterator[Violation]:
    """Pairing: each shift of an onboarding agent has one of their mentors on duty from its start to its end (one mentor's shift)."""
    if not agent.mentors:
        return
    beside = [shift for mentor in agent.mentors for shift in by_agent.get(mentor, [])]
    zone = context.config.sites[agent.site].timezone
    for shift in by_agent.get(agent.id, []):
        if not any(m.start_utc <= shift.start_utc and m.end_utc >= shift.end_utc for m in beside):
            yield _violation(
                "mentor",
                agent.id,
                shift.day,
                f"{_describe(shift)} ({_local(shift.start_utc, zone)} to {to_local(shift.end_utc, zone):%H:%M}) has none of the agent's "
                f"mentors ({', '.join(agent.mentors)}) on duty over all its hours",
                shift.line,
            )


AGENT_CHECKS: tuple[AgentCheck, ...] = (
    _check_shifts_per_day,
    _check_split_gap,
    _check_overlap,
    _check_min_rest,
    _check_consecutive_days,
    _check_days_per_week,
    _check_max_hours,
    _check_min_hours,
    _check_weekends,
    _check_min_days_off,
    _check_min_working_run,
    _check_max_shifts,
    _check_successions,
    _check_nights,
    _check_period_hours,
)
