"""Hard rules: each function adds one rule for one agent, labelled in plain words.

The labels are what a manager reads when no roster exists, so they name the
agent, the dates and the limit, never a variable. The rules are a part built
from (model, data, variables): they read the variables (coverage.solve.variables)
and state each rule through the rule book (coverage.solve.rulebook); they
write nothing another part reads back.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, TypeVar

from ortools.sat.python import cp_model
from scipy.spatial import ConvexHull, QhullError

from coverage.roster import Assignment, paid_minutes
from coverage.solve.data import ModelData
from coverage.solve.rulebook import RuleBook
from coverage.solve.variables import AgentVars, FlexVars, LinearExpr, Variables
from coverage.time import ShiftInstance, slot_start, week_monday

Shift = TypeVar("Shift")
# (a day, a later day) -> a shift of the first day -> the later day's shifts it may not be worked with
Conflicts = dict[tuple[date, date], dict[ShiftInstance, set[ShiftInstance]]]


@dataclass(frozen=True)
class Constraints:
    """The hard rules of the roster model, from (model, data, variables): every agent's, agent by agent, in a fixed order."""

    model: cp_model.CpModel
    data: ModelData
    variables: Variables
    rules: RuleBook

    def add(self) -> None:
        for av in self.variables.agents.values():
            add_hard_rules(self, av)

    def require(
        self, constraint: cp_model.BoundedLinearExpression | bool, label: str, only_if: cp_model.IntVar | None = None
    ) -> None:
        self.rules.require(constraint, label, only_if)


def add_hard_rules(c: Constraints, av: AgentVars) -> None:
    days = av.worked_days()
    runs = (
        (_runs_automaton,)
        if runs_as_automaton(c, av)
        else (_max_consecutive_days, _min_consecutive_days_off, _working_day_caps, _min_consecutive_days)
    )
    for rule in (
        _min_rest,
        _forbidden_successions,
        *runs,
        _max_shifts_per_period,
        _days_per_week,
        _hours_per_week,
        _hours_per_period,
        _weekends,
        _nights,
        _mentors,
        _flexible_rest,
        _flexible_successions,
    ):
        rule(c, av, days)


def _day(days: dict[date, LinearExpr], d: date) -> LinearExpr:
    return days.get(d, 0)


def _min_rest(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    """Two shifts closer than the minimum rest (real elapsed time) cannot both be worked.

    Plain timestamps, computed once: on 60 agents x 10 templates x 28 days the
    pairwise scan is the model's hot loop.
    """
    hours = av.scope.rules.min_rest_hours
    rest = hours * 3600
    label = f"agent {av.scope.id}: at least {hours:g} h rest between shifts"
    ordered = sorted(av.worked, key=lambda s: s.start_utc)
    starts = [s.start_utc.timestamp() for s in ordered]
    ends = [s.end_utc.timestamp() for s in ordered]
    for before in av.scope.history or []:
        free_from = before.end_utc.timestamp() + rest
        for k, s in enumerate(ordered):
            if starts[k] >= free_from:
                break
            if starts[k] >= before.start_utc.timestamp():
                c.require(
                    av.work(s) == 0,
                    f"agent {av.scope.id}: at least {hours:g} h rest after the previous roster's shift ending {before.end_utc:%Y-%m-%d %H:%M} UTC",
                )
    conflicts: Conflicts = defaultdict(lambda: defaultdict(set))
    for i, first in enumerate(ordered):
        free_from = ends[i] + rest
        for j in range(i + 1, len(ordered)):
            if starts[j] >= free_from:
                break  # later occurrences start later still
            if ordered[j].day != first.day:
                conflicts[(first.day, ordered[j].day)][first].add(ordered[j])
    _require_exclusive(c, av, conflicts, lambda before, after: label)


def _forbidden_successions(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    pairs = set(av.scope.rules.forbidden_successions)
    if not pairs:
        return
    by_day: dict[date, list[ShiftInstance]] = defaultdict(list)
    for s in av.worked:
        by_day[s.day].append(s)
    for before in av.scope.history or []:  # the previous roster's last day, followed by this period's first
        for then in by_day.get(before.day + timedelta(days=1), []):
            if (before.shift, then.shift) in pairs:
                c.require(
                    av.work(then) == 0,
                    f"agent {av.scope.id}: no {before.shift} shift (the previous roster's, on {before.day}) followed by {then.shift} the next day",
                )
    conflicts: Conflicts = defaultdict(lambda: defaultdict(set))
    for d, today in by_day.items():
        for first in today:
            for then in by_day.get(d + timedelta(days=1), []):
                if (first.shift, then.shift) in pairs:
                    conflicts[(d, then.day)][first].add(then)

    def label(before: tuple[ShiftInstance, ...], after: tuple[ShiftInstance, ...]) -> str:
        first, then = (" or ".join(dict.fromkeys(s.shift for s in side)) for side in (before, after))
        return f"agent {av.scope.id}: no {first} shift followed by {then} the next day"

    _require_exclusive(c, av, conflicts, label)


def _require_exclusive(
    c: Constraints,
    av: AgentVars,
    conflicts: Conflicts,
    label: Callable[[tuple[ShiftInstance, ...], tuple[ShiftInstance, ...]], str],
) -> None:
    """Shifts of two days that may not both be worked, stated per group rather than per pair.

    An agent works at most one shift a day (Variables._link_days, never
    switched off, not even in explain mode), so when every shift of S (one
    day) conflicts with every shift of T (a later day), "a shift of S" and
    "a shift of T" exclude each other: sum(S) + sum(T) <= 1. Each group
    implies its pairs and, one shift a day given, the pairs imply the group,
    so no roster is lost; but the LP is tighter (a night at 0.5 beside an
    early and a late at 0.5 each the next day satisfies every pair, not the
    group). Measured on the Curtois instances (README, "Search and speed",
    seventh round).
    """
    if av.scope.rules.max_shifts_per_day > 1:  # two shifts of one day may both be worked: only pairs exclude each other
        for _, on_day in sorted(conflicts.items(), key=lambda item: item[0]):
            for first, later in on_day.items():
                for then in sorted(later, key=lambda s: (s.start_utc, s.shift)):
                    c.require(av.work(first) + av.work(then) <= 1, label((first,), (then,)))
        return
    for _, on_day in sorted(conflicts.items(), key=lambda item: item[0]):
        for before, after in exclusive_groups(on_day, key=lambda s: (s.day, s.start_utc, s.shift)):
            c.require(sum(av.work(s) for s in before + after) <= 1, label(before, after))


def exclusive_groups(
    conflicts: Mapping[Shift, Set[Shift]], key: Callable[[Shift], Any]
) -> list[tuple[tuple[Shift, ...], tuple[Shift, ...]]]:
    """Cover a conflict relation between two days' shifts with groups (S, T), every S x T pair conflicting.

    One group per first-day shift s: T the shifts s conflicts with, S every
    first-day shift that conflicts with all of T (s included), so each
    conflicting pair lies in its first shift's group and no pair outside
    the relation in any group. `key` orders shifts, and so the groups, the
    same way on every run (sets iterate in hash order).
    """

    def ordered(items: Iterable[Shift]) -> tuple[Shift, ...]:
        return tuple(sorted(items, key=key))

    groups = {(ordered(s for s, t in conflicts.items() if later <= t), ordered(later)) for later in conflicts.values() if later}
    return sorted(groups, key=lambda group: [key(s) for s in group[0] + group[1]])


def _max_consecutive_days(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    limit = av.scope.rules.max_consecutive_days
    label = f"agent {av.scope.id}: at most {limit} working days in a row (counting the previous roster)"
    worked_before = av.scope.history_days
    first = av.scope.site_days[0] if av.scope.site_days else None
    starts = list(av.scope.site_days)
    if first is not None and worked_before:
        starts = [first - timedelta(days=k) for k in range(limit, 0, -1)] + starts
    for start in starts:
        window = [start + timedelta(days=k) for k in range(limit + 1)]
        terms = [days[d] for d in window if d in days]
        carried = sum(1 for d in window if d in worked_before and d not in days)
        if terms and len(terms) + carried > limit:
            c.require(sum(terms) + carried <= limit, label)


def _min_consecutive_days_off(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    """A run of days off between two working days lasts at least k days.

    With runs_at_period_edges "exempt" (the default) runs touching the first
    or last day of the period are not judged: their other end lies in a rota
    we do not see. "enforced" treats the days outside the period as worked.
    """
    k = av.scope.rules.min_consecutive_days_off
    if k > 1:
        label = f"agent {av.scope.id}: days off come at least {k} in a row"
        _min_runs(c, av, days, k, label, off=True)


def _working_day_caps(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    """Caps on working days over windows, implied by the run rules and the days the agent cannot work.

    With runs of at most m working days and rests of at least k, any m + k
    consecutive days hold at most m working days; a fixed day off in the
    middle of a stretch costs a whole rest, so the period as a whole may hold
    fewer working days than the hours allow. Integer rosters already obey
    both; CP-SAT's linear relaxation does not (it lets every day be
    m/(m+1) worked), and its bound is what these lift. They name no rule of
    their own, so they stay out of the explanations: in explain mode, where
    any rule may be switched off, they are not added at all.
    """
    rules = av.scope.rules
    most, rest, least = rules.max_consecutive_days, rules.min_consecutive_days_off, rules.min_consecutive_days
    if c.data.explain or (rest <= 1 and least <= 1) or not av.scope.site_days:
        return
    calendar = _calendar(av)
    length = len(calendar)
    spans = {most + rest, length} if rest > 1 else {length}
    for span in sorted(spans):
        for start in range(length - span + 1):
            window = calendar[start : start + span]
            terms = [days[d] for d in window if d in days]
            cap = most_working_days(tuple(d in days for d in window), most, rest, least)
            if cap < len(terms):
                c.model.add(sum(terms) <= cap)


@cache  # windows repeat: every agent with the same days open gets the same caps
def most_working_days(open_days: tuple[bool, ...], most: int, rest: int, least: int) -> int:
    """The most working days a row of days can hold under the run rules (runs at either end not judged).

    Runs of work last at most `most` days; a rest between two working days
    lasts at least `rest`, and a run of work between two rests at least
    `least`. A run touching either end of the row may continue beyond it, so
    only its upper limit applies: the cap holds for any window of a longer period.
    A dynamic programme over (kind of the current run, its length, whether it
    touches the start): a few states per day.
    """
    best: dict[tuple[int, int, bool], int] = {}
    for i, can_work in enumerate(open_days):
        following: dict[tuple[int, int, bool], int] = {}
        if i == 0:
            _keep(following, (0, 1, True), 0)
            if can_work:
                _keep(following, (1, 1, True), 1)
        for (kind, run, at_start), worked in best.items():
            if kind == 0:
                _keep(following, (0, min(run + 1, rest), at_start), worked)  # the rest goes on
                if can_work and (at_start or run >= rest):
                    _keep(following, (1, 1, False), worked + 1)  # work starts again after a long enough rest
            else:
                if can_work and run < most:
                    _keep(following, (1, run + 1, at_start), worked + 1)
                if at_start or run >= least:
                    _keep(following, (0, 1, False), worked)  # the run of work ends
        best = following
    return max(best.values(), default=0)


def _keep(states: dict[tuple[int, int, bool], int], state: tuple[int, int, bool], worked: int) -> None:
    if states.get(state, -1) < worked:
        states[state] = worked


def _min_consecutive_days(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    """A run of working days lasts at least k days (edges as for days off, outside counted as off)."""
    k = av.scope.rules.min_consecutive_days
    if k > 1:
        label = f"agent {av.scope.id}: working days come at least {k} in a row"
        _min_runs(c, av, days, k, label, off=False)


def _min_runs(c: Constraints, av: AgentVars, days: dict[date, LinearExpr], k: int, label: str, *, off: bool) -> None:
    """Every run of `off` (or working) days that starts on some day lasts at least k days.

    A run starts on d when d−1 is of the other kind; then d..d+k−1 are all of
    this kind: in 0/1 terms, state(d) − state(d−1) ≤ state(d+j) for j < k,
    where state is "off" or "worked".
    """
    period = av.scope.site_days
    inside = set(period)
    enforced = av.scope.rules.runs_at_period_edges == "enforced"
    outside_state = 0  # outside the period: worked when judging days off, off when judging work: "not this kind"

    worked_before = av.scope.history_days

    def state(d: date) -> LinearExpr | int | None:
        if d not in inside and av.scope.known_before(d):
            was_worked = int(d in worked_before)
            return 1 - was_worked if off else was_worked
        if d not in inside:
            return outside_state if enforced else None
        worked = _day(days, d)
        return 1 - worked if off else worked

    if not period:
        return
    first = period[0]
    carried_over = (
        [first - timedelta(days=j) for j in range(k - 1, 0, -1)] if av.scope.known_before(first - timedelta(days=1)) else []
    )
    for d in carried_over + period:
        before = state(d - timedelta(days=1))
        if before is None:
            continue
        if d < first and not _run_reaches(state, d, first):
            continue  # a run of the previous roster that ended there: judged with that roster
        today = state(d)
        assert today is not None, "d lies in the period or among the known days just before it"
        for j in range(1, k):
            later = state(d + timedelta(days=j))
            if later is None:
                break
            if d + timedelta(days=j) >= first:
                c.require(today - before <= later, label)


def _run_reaches(state: Callable[[date], LinearExpr | int | None], start: date, first: date) -> bool:
    """Whether a run that begins on `start` (before the period) lasts, in the previous roster, up to the period's first day.

    Such a run ends in this period, or just before it because of what this
    period works on its first day: its minimum length is judged here, as the checker does.
    """
    if state(start) == 0 or state(start - timedelta(days=1)) == 1:
        return False  # no run of this kind begins on `start`
    return all(state(start + timedelta(days=j)) == 1 for j in range((first - start).days))


def _max_shifts_per_period(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    for shift, limit in av.scope.rules.max_shifts_per_period.items():
        found = [s for s in av.worked if s.shift == shift]
        runs = [f for f in av.flexible if f.shift == shift]
        if len(found) + len(runs) * av.scope.rules.max_shifts_per_day > limit:
            c.require(
                sum(av.work(s) for s in found) + sum(f.count for f in runs) <= limit,
                f"agent {av.scope.id}: at most {limit} {shift} shifts in the period",
            )


def _days_per_week(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    limit = av.scope.rules.max_days_per_week
    by_week: dict[date, list[LinearExpr]] = defaultdict(list)
    for d, expr in days.items():
        by_week[week_monday(d)].append(expr)
    for monday, terms in by_week.items():
        carried = _history_days(av, monday, counted=days)
        if len(terms) + carried > limit:
            c.require(sum(terms) + carried <= limit, f"agent {av.scope.id}: at most {limit} working days in the week of {monday}")


def _history_in_week(av: AgentVars, monday: date) -> tuple[Assignment, ...]:
    """The previous roster's shifts in the week of `monday` (only the week the period starts in has any)."""
    return () if av.scope.boundary is None else av.scope.boundary.in_week(monday)


def _history_days(av: AgentVars, monday: date, counted: Mapping[date, LinearExpr] | None = None) -> int:
    """Days of that week the previous roster worked, less those already in `counted` (days taken in this period)."""
    return len({a.day for a in _history_in_week(av, monday) if counted is None or a.day not in counted})


def _history_minutes(c: Constraints, av: AgentVars, monday: date) -> int:
    return sum(paid_minutes(a, c.data.config) for a in _history_in_week(av, monday))


def _paid_minutes(av: AgentVars, instances: list[ShiftInstance], runs: Iterable[FlexVars] = ()) -> LinearExpr:
    """Paid minutes of the listed occurrences and the flexible runs (their length) worked."""
    return sum(s.paid_minutes * av.work(s) for s in instances) + sum(f.minutes() for f in runs)


def _hours_per_week(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    rules = av.scope.rules
    most = math.floor(rules.hours_per_week.max * 60 + 1e-9)
    weeks = av.weeks()
    runs = av.flexible_weeks()
    full_weeks = av.scope.full_weeks()
    for monday in sorted(weeks.keys() | runs.keys()):
        c.require(
            _paid_minutes(av, weeks.get(monday, []), runs.get(monday, [])) + _history_minutes(c, av, monday) <= most,
            f"agent {av.scope.id}: at most {rules.hours_per_week.max:g} paid hours in the week of {monday}",
        )
    for monday in full_weeks:
        need = av.scope.weekly_minimum_minutes(monday)
        if need > 0:
            c.require(
                _paid_minutes(av, weeks.get(monday, []), runs.get(monday, [])) + _history_minutes(c, av, monday) >= need,
                f"agent {av.scope.id}: at least {need / 60:g} paid hours in the week of {monday} "
                f"(hours_per_week.min {rules.hours_per_week.min:g}, less leave and holidays)",
                only_if=c.variables.hired.get(av.scope.id),
            )
    for monday, instances in weeks.items():
        carried = _history_minutes(c, av, monday)
        need = av.scope.weekly_minimum_minutes(monday) if monday in full_weeks else 0
        _two_length_hull(c, av, instances, need - carried, most - carried, rules.max_days_per_week - _history_days(av, monday))


def _hours_per_period(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    period = av.scope.rules.hours_per_period
    if period is None:
        return
    total = _paid_minutes(av, av.worked, av.flexible)
    most = math.floor(period.max * 60 + 1e-9)
    c.require(total <= most, f"agent {av.scope.id}: at most {period.max:g} paid hours in the period")
    need = av.scope.period_minimum_minutes()
    if need > 0:
        c.require(
            total >= need,
            f"agent {av.scope.id}: at least {need / 60:g} paid hours in the period (hours_per_period.min {period.min:g}, less leave and holidays)",
            only_if=c.variables.hired.get(av.scope.id),
        )
    if days and not c.data.explain:
        rules = av.scope.rules
        can_work = tuple(d in days for d in _calendar(av))
        most_days = most_working_days(
            can_work, rules.max_consecutive_days, rules.min_consecutive_days_off, rules.min_consecutive_days
        )
        _two_length_hull(c, av, av.worked, need, most, most_days)


def _two_length_hull(c: Constraints, av: AgentVars, instances: list[ShiftInstance], least: int, most: int, day_cap: int) -> None:
    """The integer hull of (short shifts, long shifts) worked, where an agent's shifts come in two paid lengths.

    Teams that mix 8- and 10-hour shifts meet paid-hour limits that only
    whole shifts can fill: 38-40 hours in five days is five 8-hour shifts,
    an 8 and three 10s, or four 10s, nothing between. CP-SAT's LP reads the
    limits as two lines and works 3.8 ten-hour shifts; the hull's edges (here
    shorts + longs >= 4 and 3 shorts + 4 longs >= 15) are what it misses. On
    Curtois 9 (8- and 10-hour shifts, hours per period) they lift the bound
    at 10 s from 181 to 406 (optimum 439), and the search reached the optimum
    in eight of ten 60 s runs (README, "The roster model"). `day_cap`: the
    most working days the other rules allow. Like the working-day caps the
    edges name no rule of their own and stay out of explain mode; a
    candidate's hold only if hired.
    """
    if c.data.explain or av.flexible or av.scope.rules.max_shifts_per_day > 1:
        return  # flexible runs have any length, and split days break "one shift a day": the hull below assumes neither
    by_length: dict[int, list[ShiftInstance]] = defaultdict(list)
    for s in instances:
        by_length[s.paid_minutes].append(s)
    if len(by_length) != 2:
        return
    (short, short_shifts), (long, long_shifts) = sorted(by_length.items())
    limits = av.scope.rules.max_shifts_per_period
    open_days = len({s.day for s in instances})
    edges = count_hull(
        (short, long),
        (max(least, 0), most),
        _most_shifts(short_shifts, limits),
        _most_shifts(long_shifts, limits),
        min(open_days, day_cap),
        open_days,
    )
    short_count = sum(av.work(s) for s in short_shifts)
    long_count = sum(av.work(s) for s in long_shifts)
    hired = c.variables.hired.get(av.scope.id)
    for a, b, bound in edges:
        added = c.model.add(a * short_count + b * long_count >= bound)
        if hired is not None:
            added.only_enforce_if(hired)


def _most_shifts(instances: list[ShiftInstance], limits: Mapping[str, int]) -> int:
    """At most one shift a day, and no more of each template than its period limit allows."""
    most = len({s.day for s in instances})
    templates = {s.shift for s in instances}
    if templates <= limits.keys():
        most = min(most, sum(limits[t] for t in templates))
    return most


@cache  # agents of one contract share their budgets
def count_hull(
    lengths: tuple[int, int], minutes: tuple[int, int], most_short: int, most_long: int, most_days: int, open_days: int
) -> tuple[tuple[int, int, int], ...]:
    """Edges (a, b, c), each meaning a * shorts + b * longs >= c, of the integer points a budget allows.

    Allowed: shorts and longs worked, none negative, paid minutes within
    `minutes`, at most `most_short` / `most_long` of each and `most_days` in
    all. Those points are the integers of a convex polygon, so their hull
    admits no other integer point: its edges remove only fractional rosters.
    Edges the LP already holds — its own polygon (the same limits,
    `open_days` in all) lies on their allowed side — are left out, so a
    budget that whole shifts fill exactly adds nothing. The hull lies inside
    that polygon, so an edge holds it only where the polygon touches the
    edge's line along both corners, which puts them on one of its limits'
    lines: an exact test in integers. (It replaced a linear program per
    edge, which gave the same edges on 3,000 random budgets and took 0.8 s
    of the 3.3 s build of the 150-staff, 12-week instance, every staff
    member's budget being its own.)
    """
    (short, long), (least, most) = lengths, minutes
    points: list[tuple[int, int]] = []
    for shorts in range(min(most_short, most_days) + 1):
        fewest = max(0, -((short * shorts - least) // long))  # ceil((least - short * shorts) / long)
        most_longs = min(most_long, most_days - shorts, (most - short * shorts) // long)
        if fewest <= most_longs:
            points += [(shorts, fewest), (shorts, most_longs)]
    hull = _convex_hull(points)
    if len(hull) < 3:  # a point, a segment or nothing: the limits say all there is
        return ()
    # The LP's own limits as lines g * shorts + h * longs <= k: its polygon's sides lie on them.
    lp_lines = (
        (-1, 0, 0),
        (0, -1, 0),
        (1, 0, most_short),
        (0, 1, most_long),
        (1, 1, open_days),
        (short, long, most),
        (-short, -long, -least),
    )
    edges = []
    for (x1, y1), (x2, y2) in zip(hull, hull[1:] + hull[:1]):
        a, b = y1 - y2, x2 - x1  # the hull runs anticlockwise: allowed points lie to the left of each edge
        divisor = math.gcd(a, b)
        a, b = a // divisor, b // divisor
        if not any(g * x1 + h * y1 == k and g * x2 + h * y2 == k for g, h, k in lp_lines):
            edges.append((a, b, a * x1 + b * y1))
    return tuple(edges)


def _convex_hull(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Corners of the points' convex hull, anticlockwise from the lowest of the leftmost; fewer than 3 when flat."""
    distinct = sorted(set(points))
    if len(distinct) < 3:
        return []
    try:
        corners = [distinct[i] for i in ConvexHull(distinct).vertices]
    except QhullError:  # all on one line
        return []
    first = corners.index(min(corners))
    return corners[first:] + corners[:first]


def _upper(expr: LinearExpr) -> int:
    """The largest value a night flag can take: a split day's count variable's domain, else 1 (a literal)."""
    return int(max(expr.proto.domain)) if isinstance(expr, cp_model.IntVar) else 1  # (the proto list reads [-1] wrong)


def _weekends(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    limit = av.scope.rules.max_weekends_per_period
    flags = c.variables.weekend_flags(av.scope.id)
    if limit is not None and len(flags) > limit:
        c.require(sum(flags.values()) <= limit, f"agent {av.scope.id}: at most {limit} weekends worked in the period")


def _nights(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    """Night shifts per week and period: listed occurrences judged once, flexible runs by their duty hours in the night window."""
    rules = av.scope.rules
    if rules.max_nights_per_week is None and rules.max_nights_per_period is None:
        return
    # (date, nights counted, the most it can be): a listed occurrence 1, a flexible template-day its flag's upper bound
    nights: list[tuple[date, LinearExpr, int]] = [(s.day, av.work(s), 1) for s in av.worked if s in av.scope.nights]
    nights += [(f.day, flag, _upper(flag)) for f, flag in c.variables.night_flags(av.scope.id).items()]
    if rules.max_nights_per_week is not None:
        by_week: dict[date, list[tuple[LinearExpr, int]]] = defaultdict(list)
        for d, night, top in nights:
            by_week[week_monday(d)].append((night, top))
        for monday, week in by_week.items():
            carried = sum(1 for a in av.scope.history_nights if week_monday(a.day) == monday)
            found = [night for night, _ in week]
            if sum(top for _, top in week) + carried > rules.max_nights_per_week:
                c.require(
                    sum(found) + carried <= rules.max_nights_per_week,
                    f"agent {av.scope.id}: at most {rules.max_nights_per_week} night shifts in the week of {monday} (counting the previous roster)",
                )
    if rules.max_nights_per_period is not None and sum(top for _, _, top in nights) > rules.max_nights_per_period:
        c.require(
            sum(night for _, night, _ in nights) <= rules.max_nights_per_period,
            f"agent {av.scope.id}: at most {rules.max_nights_per_period} night shifts in the period",
        )


def _mentors(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    """An onboarding agent works a shift only while one of their mentors is on duty over all its hours."""
    pairs = c.data.mentor_shifts.get(av.scope.id)
    if pairs is None:
        return
    label = f"agent {av.scope.id}: one of their mentors ({', '.join(av.scope.agent.mentors)}) on duty over each of their shifts"
    agents = c.variables.agents
    mentors = [agents[m] for m in av.scope.agent.mentors if m in agents]
    for s, beside in pairs.items():
        if s in av.by_instance:
            flexible = [_beside_run(c, s.start_utc, s.end_utc, g) for m in mentors for g in m.flexible]
            c.require(av.work(s) <= sum(agents[m].work(t) for m, t in beside) + sum(p for p in flexible if p is not None), label)
    for f in av.flexible:
        _mentor_over_run(c, f, mentors, label)


def _beside_run(c: Constraints, start: datetime, end: datetime, g: FlexVars) -> LinearExpr | None:
    """A literal that is 1 only when the mentor's run `g` is on duty over all of [start, end); None when it cannot be."""
    grid = c.data.grid
    first = math.floor((start.timestamp() - grid.start.timestamp()) / (grid.minutes * 60))
    last = math.ceil((end.timestamp() - grid.start.timestamp()) / (grid.minutes * 60)) - 1
    if any(k not in g.duty for k in range(first, last + 1)):
        return None
    beside = c.model.new_bool_var(f"beside[{g.day},{g.shift},{first}]")
    for k in range(first, last + 1):
        c.model.add_implication(beside, g.duty[k])
    return beside


def _mentor_over_run(c: Constraints, f: FlexVars, mentors: list[AgentVars], label: str) -> None:
    """An onboarding agent's flexible template-day lies inside one mentor shift: a listed occurrence or a mentor's run.

    One choice per mentor shift that could stand beside it (`p`): the day's
    runs are worked only if one is chosen, and a chosen one is on duty in
    every slot they are. On a split day that is stricter than the checker,
    which lets each run have its own mentor shift (never the other way round:
    every roster kept here passes `verify`).
    """
    grid = c.data.grid
    chosen: list[LinearExpr] = []
    for m in mentors:
        for t in m.worked:
            covered = {k for k in f.duty if t.start_utc <= slot_start(grid, k) and slot_start(grid, k + 1) <= t.end_utc}
            if covered:
                p = c.model.new_bool_var(f"beside[{f.day},{f.shift},{m.scope.id},{t.shift}]")
                c.model.add_implication(p, _as_literal(c, m.work(t)))
                for k in set(f.duty) - covered:
                    c.model.add_bool_or([p.Not(), f.duty[k].Not()])
                chosen.append(p)
        for g in m.flexible:
            shared = set(f.duty) & set(g.duty)
            if shared:
                p = c.model.new_bool_var(f"beside[{f.day},{f.shift},{m.scope.id},{g.day},{g.shift}]")
                for k in f.duty:
                    if k in g.duty:
                        c.model.add(f.duty[k] + p - 1 <= g.duty[k])
                    else:
                        c.model.add_bool_or([p.Not(), f.duty[k].Not()])
                chosen.append(p)
    c.require(f.on <= sum(chosen), label)


def _as_literal(c: Constraints, expr: LinearExpr) -> cp_model.IntVar:
    """A 0/1 sum of a few literals (an occurrence on any channel) as one literal."""
    if isinstance(expr, cp_model.IntVar):
        return expr
    flag = c.model.new_bool_var("")
    c.model.add(flag == expr)
    return flag


def _flexible_rest(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    """Minimum rest (real time) between a flexible run and any shift of another date, and after the previous roster.

    Runs are contiguous duty slots, so two runs are too close exactly when
    some duty slot of one lies within the rest of some duty slot of the
    other: a clause per such pair of slots. A listed occurrence too close to
    a duty slot excludes it the same way.
    """
    if not av.flexible:
        return
    hours = av.scope.rules.min_rest_hours
    rest = hours * 3600
    label = f"agent {av.scope.id}: at least {hours:g} h rest between shifts"
    grid = c.data.grid
    reach = math.ceil(rest / (grid.minutes * 60) - 1e-9)
    for before in av.scope.history or []:
        for f in av.flexible:
            for k, begin in f.starts.items():
                at = slot_start(grid, k).timestamp()
                if before.start_utc.timestamp() <= at < before.end_utc.timestamp() + rest:
                    c.require(
                        begin == 0,
                        f"agent {av.scope.id}: at least {hours:g} h rest after the previous roster's shift ending {before.end_utc:%Y-%m-%d %H:%M} UTC",
                    )
    for i, f in enumerate(av.flexible):
        for g in av.flexible[i + 1 :]:
            if g.day == f.day:
                continue  # one date: split shifts keep their own gap (Variables._split_days)
            for k, on_duty in f.duty.items():
                for j in range(k - reach, k + reach + 1):
                    if j in g.duty:
                        c.require(on_duty + g.duty[j] <= 1, label)
        first = slot_start(grid, min(f.duty)).timestamp()
        last = slot_start(grid, max(f.duty)).timestamp() + grid.minutes * 60
        for s in av.worked:  # a listed shift of another date within the rest of the template-day's reach, either side
            if s.day == f.day or s.end_utc.timestamp() + rest <= first or last + rest <= s.start_utc.timestamp():
                continue
            for k, on_duty in f.duty.items():
                at = slot_start(grid, k).timestamp()
                if s.start_utc.timestamp() < at + grid.minutes * 60 + rest and at < s.end_utc.timestamp() + rest:
                    c.require(av.work(s) + on_duty <= 1, label)


def _flexible_successions(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    """Forbidden successions by template name where one side is a flexible template-day (listed pairs: `_forbidden_successions`)."""
    pairs = set(av.scope.rules.forbidden_successions)
    if not pairs or not av.flexible:
        return
    units: dict[date, list[tuple[str, LinearExpr, bool]]] = defaultdict(list)  # day -> (template, worked, flexible)
    for s in av.worked:
        units[s.day].append((s.shift, av.work(s), False))
    for f in av.flexible:
        units[f.day].append((f.shift, f.on, True))
    for before in av.scope.history or []:
        for shift, worked, flexible in units.get(before.day + timedelta(days=1), []):
            if flexible and (before.shift, shift) in pairs:
                c.require(
                    worked == 0,
                    f"agent {av.scope.id}: no {before.shift} shift (the previous roster's, on {before.day}) followed by {shift} the next day",
                )
    for d, today in sorted(units.items()):
        for first, worked, flexible in today:
            for then, later, later_flexible in units.get(d + timedelta(days=1), []):
                if (flexible or later_flexible) and (first, then) in pairs:
                    c.require(worked + later <= 1, f"agent {av.scope.id}: no {first} shift followed by {then} the next day")


def runs_as_automaton(c: Constraints, av: AgentVars) -> bool:
    """True when this agent's run rules go into one automaton (`exact_runs`) instead of the windows and caps.

    Only for plain solves with runs at the period's edges exempt and no
    previous roster: the automaton starts fresh on the first day. Explain
    mode keeps the labelled windows, which name the rule that conflicts.
    """
    rules = av.scope.rules
    return (
        c.data.exact_runs
        and not c.data.explain
        and av.scope.history is None
        and bool(av.scope.site_days)
        and rules.runs_at_period_edges == "exempt"
        and (rules.min_consecutive_days > 1 or rules.min_consecutive_days_off > 1)
    )


def _runs_automaton(c: Constraints, av: AgentVars, days: dict[date, LinearExpr]) -> None:
    """Runs of work and rest as one automaton over the agent's "works that day" literals.

    CP-SAT expands it into a literal per state and day, and the LP of that
    expansion is the exact hull of the run sequences one agent can work,
    where the windows' LP also admits fractional rows that no mix of
    allowed rows gives (around fixed days off, at the edges). On Curtois 5 it
    closes the bound's gap (915-975 -> 1,093-1,143; optimum 1,143), but its
    extra literals slow CP-SAT's neighbourhoods on bigger models, so it is
    an option (`ModelInputs.exact_runs`), not the default (README, "Search
    and speed"; benchmarks/notes/curtois-qu.md, item 10). Days the agent
    cannot work read as a constant "off".
    """
    rules = av.scope.rules
    transitions, finals = run_automaton(rules.max_consecutive_days, rules.min_consecutive_days_off, rules.min_consecutive_days)
    off = c.model.new_constant(0)
    c.model.add_automaton([days.get(d, off) for d in _calendar(av)], 0, finals, transitions)


def _calendar(av: AgentVars) -> list[date]:
    """Every date from the agent's first day at the site to the last, days they cannot work included."""
    first, last = av.scope.site_days[0], av.scope.site_days[-1]
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@cache
def run_automaton(most: int, rest: int, least: int) -> tuple[list[tuple[int, int, int]], list[int]]:
    """Transitions (state, 1 worked / 0 off, next state) and final states of the run rules, from state 0 before the first day.

    A state is (kind of the current run, its length capped where the rules
    stop caring, whether it began on the first day); a run that began on the
    first day, or reaches the last, is exempt from its minimum, as in
    `most_working_days`. Every state is final: the last run is exempt.
    """
    numbers: dict[tuple[int, int, bool], int] = {}

    def state(kind: int, run: int, from_start: bool) -> int:
        from_start = from_start and run < (rest if kind == 0 else least)  # a run past its minimum no longer needs the exemption
        return numbers.setdefault((kind, run, from_start), len(numbers) + 1)

    transitions = {(0, 0, state(0, 1, True)), (0, 1, state(1, 1, True))}
    for from_start in (True, False):
        for run in range(1, rest + 1):
            here = state(0, run, from_start)
            transitions.add((here, 0, state(0, min(run + 1, rest), from_start)))
            if from_start or run >= rest:
                transitions.add((here, 1, state(1, 1, False)))
        for run in range(1, most + 1):
            here = state(1, run, from_start)
            if run < most:
                transitions.add((here, 1, state(1, run + 1, from_start)))
            if from_start or run >= least:
                transitions.add((here, 0, state(0, 1, False)))
    return sorted(transitions), sorted(numbers.values())
