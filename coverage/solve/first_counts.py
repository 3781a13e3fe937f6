"""First headcounts by construction: each agent, week by week, takes the shifts where cover is still missing.

The headcount model (coverage.solve.aggregate) is solved to a proven bound,
but CP-SAT's bound worker finds no counts until its optimum and the
quick-restart worker's first counts are far off: on the generated 200-agent
team, 5.7e8 at 3 s against an optimum of 7,632 that came at 27 s
(benchmarks/notes/robust-search.md). Nothing downstream can start without
counts, so the first roster waited for them, or chased poor ones.

Here every agent of every group gets a schedule of its own, chosen greedily
against the requirement still uncovered and kept within the agent's own
share of every sum the headcount model states (one shift a day, weekly and
period limits and minimums, runs of days, rest between days, weekends).
A sum of schedules that each keep their share keeps every group sum, so the
counts are a solution of the headcount model, not only a guess; `start`
checks that with CP-SAT (every count fixed) and hands the search the
completed solution as its first. They are the counts of a roster that the
individual rules the headcounts do not state may still forbid: the site
stage, which states them all, makes that roster.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum

import numpy as np
from ortools.sat.python import cp_model

from coverage.config.schema import Config
from coverage.demand import Requirements
from coverage.solve.aggregate import (
    Group,
    HeadcountModel,
    free_occurrences,
    week_least_minutes,
    week_most_days,
    week_most_minutes,
    week_nights_left,
)
from coverage.solve.data import Option
from coverage.solve.runner import Completion, try_fill_hint
from coverage.solve.scope import AgentScope
from coverage.time import Grid, ShiftInstance, duty_slots, week_monday


@dataclass
class Residual:
    """Agents still wanted per channel and grid slot; each schedule taken off it in turn."""

    need: dict[str, np.ndarray]
    slots: dict[ShiftInstance, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(cls, requirements: Requirements) -> Residual:
        """Realtime channels by their requirement; a backlog channel by its pace (its work spread evenly up to the deadline)."""
        need = {}
        for channel, required in requirements.required.items():
            backlog = requirements.backlog.get(channel)
            need[channel] = np.array(backlog.pace if backlog is not None else required, dtype=np.int64)
        return cls(need)

    def duty(self, config: Config, grid: Grid, s: ShiftInstance) -> np.ndarray:
        if s not in self.slots:
            template = config.sites[s.site].shifts[s.shift]
            self.slots[s] = np.array(duty_slots(grid, s.start_utc, s.end_utc, template.unpaid_break_minutes), dtype=np.int64)
        return self.slots[s]

    def best(self, slots: np.ndarray, channels: tuple[str, ...]) -> tuple[tuple[int, int], str]:
        """How much the shift is wanted on its most wanted channel, and that channel (the first on ties).

        Wanted: the slots still short, then the residual summed over its
        slots (of two shifts nobody needs, the one least overstaffed already).
        """
        found = [
            ((int(np.count_nonzero(self.need[c][slots] > 0)), int(self.need[c][slots].sum())), c)
            for c in channels
            if c in self.need
        ]
        if not found:
            return (0, 0), channels[0]
        return max(found, key=lambda pair: pair[0])

    def take(self, slots: np.ndarray, channel: str) -> None:
        if channel in self.need:
            self.need[channel][slots] -= 1


@dataclass
class CountResidual(Residual):
    """Headcounts still unmet, each occurrence a slot of its own: the greedy then shares out counts, not the requirement."""

    index: dict[ShiftInstance, int] = field(default_factory=dict)

    @classmethod
    def of_counts(cls, targets: Mapping[tuple[ShiftInstance, str], int], occurrences: list[ShiftInstance]) -> CountResidual:
        index = {s: number for number, s in enumerate(occurrences)}
        need: dict[str, np.ndarray] = {}
        for (s, channel), count in targets.items():
            if s in index:
                need.setdefault(channel, np.zeros(len(occurrences), dtype=np.int64))[index[s]] = count
        return cls(need, index=index)

    def duty(self, config: Config, grid: Grid, s: ShiftInstance) -> np.ndarray:
        return np.array([self.index[s]], dtype=np.int64)

    def left(self, s: ShiftInstance, channel: str) -> int:
        """How many more agents the occurrence's headcount on the channel wants (negative: that many too many)."""
        return int(self.need[channel][self.index[s]]) if channel in self.need else 0

    def give_back(self, s: ShiftInstance, channel: str) -> None:
        if channel in self.need:
            self.need[channel][self.index[s]] += 1

    def take_one(self, s: ShiftInstance, channel: str) -> None:
        if channel in self.need:
            self.need[channel][self.index[s]] -= 1


@dataclass(frozen=True)
class WeekLimits:
    """One agent's share of a week's group sums (coverage.solve.aggregate), the previous roster's part taken off."""

    most_minutes: int
    most_days: int
    least_minutes: int
    nights: int | None  # None: no weekly night limit

    @classmethod
    def of(cls, config: Config, scope: AgentScope, monday: date) -> WeekLimits:
        nights = None if scope.rules.max_nights_per_week is None else week_nights_left(scope, monday)
        return cls(
            week_most_minutes(config, scope, monday),
            week_most_days(scope, monday),
            week_least_minutes(config, scope, monday),
            nights,
        )


@dataclass
class Schedule:
    """One agent's shifts so far, with the running totals each of its limits is checked against."""

    scope: AgentScope
    config: Config
    chosen: dict[date, ShiftInstance] = field(default_factory=dict)
    channels: dict[date, str] = field(default_factory=dict)  # the channel each chosen shift counts for
    week_minutes: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    week_days: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    week_nights: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    minutes: int = 0
    nights: int = 0
    per_shift: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    weekends: set[date] = field(default_factory=set)
    _limits: dict[date, WeekLimits] = field(default_factory=dict)

    def limits(self, monday: date) -> WeekLimits:
        """The agent's weekly limits (aggregate's terms), worked out once per week."""
        if monday not in self._limits:
            self._limits[monday] = WeekLimits.of(self.config, self.scope, monday)
        return self._limits[monday]

    def can_add(self, s: ShiftInstance, so_far: float = 1.0) -> bool:
        """Whether the agent may also work `s`, under its share of every sum the headcount model states.

        `so_far`: the part of the period's limits (weekends, nights, shifts
        of a template, hours) the weeks up to this one may use, so that the
        first weeks do not use up what the last ones need.
        """
        return (
            s.day not in self.chosen
            and self._rested(s)
            and self._within_week(s)
            and self._within_period(s, so_far)
            and self._run_allowed(s.day)
            and self._weekend_allowed(s.day, so_far)
        )

    def add(self, s: ShiftInstance, channel: str) -> None:
        monday = week_monday(s.day)
        self.chosen[s.day] = s
        self.channels[s.day] = channel
        self.week_minutes[monday] += s.paid_minutes
        self.week_days[monday] += 1
        self.minutes += s.paid_minutes
        self.per_shift[s.shift] += 1
        if s in self.scope.nights:
            self.week_nights[monday] += 1
            self.nights += 1
        if s.day.isoweekday() in self.config.weekend_days:
            self.weekends.add(monday)

    def remove(self, day: date) -> tuple[ShiftInstance, str]:
        """The day's shift taken out again (every running total undone); the shift and its channel."""
        s, channel = self.chosen.pop(day), self.channels.pop(day)
        monday = week_monday(day)
        self.week_minutes[monday] -= s.paid_minutes
        self.week_days[monday] -= 1
        self.minutes -= s.paid_minutes
        self.per_shift[s.shift] -= 1
        if s in self.scope.nights:
            self.week_nights[monday] -= 1
            self.nights -= 1
        weekend = self.config.weekend_days
        if not any(week_monday(d) == monday and d.isoweekday() in weekend for d in self.chosen):
            self.weekends.discard(monday)
        return s, channel

    def minimums_kept(self, monday: date) -> Callable[[], bool]:
        """Whether, later, the week's and the period's contract minimums are no further off than they are now."""
        was_short, had_minutes, least = self.short_of_minimum(monday), self.minutes, self.scope.period_minimum_minutes()

        def kept() -> bool:
            return self.short_of_minimum(monday) <= max(was_short, 0) and self.minutes >= min(least, had_minutes)

        return kept

    def _rested(self, s: ShiftInstance) -> bool:
        before, after = self.chosen.get(s.day - timedelta(days=1)), self.chosen.get(s.day + timedelta(days=1))
        return (before is None or not self._clash(before, s)) and (after is None or not self._clash(s, after))

    def _clash(self, earlier: ShiftInstance, later: ShiftInstance) -> bool:
        rules = self.scope.rules
        rest = rules.min_rest_hours * 3600
        too_soon = later.start_utc.timestamp() < earlier.end_utc.timestamp() + rest
        return too_soon or (earlier.shift, later.shift) in set(rules.forbidden_successions)

    def _within_week(self, s: ShiftInstance) -> bool:
        monday = week_monday(s.day)
        limits = self.limits(monday)
        if self.week_minutes[monday] + s.paid_minutes > limits.most_minutes or self.week_days[monday] + 1 > limits.most_days:
            return False
        return limits.nights is None or s not in self.scope.nights or self.week_nights[monday] + 1 <= limits.nights

    def _within_period(self, s: ShiftInstance, so_far: float) -> bool:
        rules = self.scope.rules
        hours = rules.hours_per_period
        if hours is not None and self.minutes + s.paid_minutes > _part(int(hours.max * 60 + 1e-9), so_far):
            return False
        most = rules.max_shifts_per_period.get(s.shift)
        if most is not None and self.per_shift[s.shift] + 1 > _part(most, so_far):
            return False
        nights = rules.max_nights_per_period
        return not (s in self.scope.nights and nights is not None and self.nights + 1 > _part(nights, so_far))

    def _run_allowed(self, day: date) -> bool:
        """The run of days in a row `day` would join, the previous roster's days included, stays within the limit."""
        worked = self.scope.history_days
        run = 1
        for step in (-1, 1):
            d = day + timedelta(days=step)
            while d in self.chosen or d in worked:
                run += 1
                d += timedelta(days=step)
        return run <= self.scope.rules.max_consecutive_days

    def _weekend_allowed(self, day: date, so_far: float) -> bool:
        quota = self.scope.rules.max_weekends_per_period
        if quota is None or day.isoweekday() not in self.config.weekend_days:
            return True
        return week_monday(day) in self.weekends or len(self.weekends) < _part(quota, so_far)

    def short_of_minimum(self, monday: date) -> int:
        return self.limits(monday).least_minutes - self.week_minutes[monday]


def _part(limit: int, so_far: float) -> int:
    """The part of a period limit the weeks so far may use (rounded up: a limit of 3 weekends over 4 weeks allows 1, 2, 3, 3)."""
    return min(limit, math.ceil(limit * so_far - 1e-9))


@dataclass(frozen=True)
class FirstCounts:
    """The greedy's headcounts (count per group, occurrence and channel), the candidates it hires, and the agents it left short."""

    counts: Mapping[Option, int]
    hired: frozenset[str]
    short: tuple[str, ...]  # agents below a weekly or period minimum: the counts then break the group's minimum
    shifts: frozenset[tuple[str, date, str, str]]  # the schedules: (agent, day, shift, channel), a guide for the sites


Stopped = Callable[[], bool]  # true once the user pressed Ctrl-C: the greedy and the repair end where they are


def never() -> bool:
    """The default `Stopped`: where no Ctrl-C is listened for (tests, benchmarks, a site task in another process)."""
    return False


def greedy_counts(headcounts: HeadcountModel, stopped: Stopped = never) -> FirstCounts:
    """Every agent's greedy schedule, week by week, summed into its group's counts.

    Week by week, so every agent has its say in every week before any agent
    takes the next (and who chooses first turns from week to week). In each
    week every agent first takes the hours its contract requires, on the
    shifts most wanted; then whatever more is worth it (the slots it covers
    cost more short than the slots beyond the need cost over), so that hours
    that must be worked anyway cover what they can before any are added.
    Candidates already hired are scheduled like agents; other candidates are
    not hired. Re-planning (`--keep`), every agent's kept shifts come
    before anything else, on their kept channel: every shift moved costs a
    change.

    `stopped`: once true (Ctrl-C, staged.py), the schedules end where they
    are, some weeks unscheduled: counts for a caller that throws them away,
    so that a big team's seconds of Python do not hold the user up.
    """
    data = headcounts.data
    hired = frozenset(data.hiring.hired) if data.hiring is not None else frozenset()
    members = _members(headcounts, hired)
    schedules = _greedy_schedules(headcounts, members, Residual.of(data.requirements), stopped)
    counts: dict[Option, int] = defaultdict(int)
    for group, scope in members:
        schedule = schedules[scope.id]
        for day, s in schedule.chosen.items():
            counts[Option(group.key, s, schedule.channels[day])] += 1
    short = tuple(scope.id for _, scope in members if _below_minimum(schedules[scope.id]))
    return FirstCounts(dict(counts), hired, short, _shifts(members, schedules))


def towards_headcounts(
    headcounts: HeadcountModel,
    targets: Mapping[tuple[ShiftInstance, str], int],
    hired: frozenset[str],
    stopped: Stopped = never,
) -> frozenset[tuple[str, date, str, str]]:
    """The same greedy schedules, aimed at searched headcounts instead of the requirement: a start for the sites' second round.

    Each occurrence is a "slot" of its own whose need is its headcount, so a
    shift is worth taking while its count is still short. The first roster
    the sites start from otherwise is aimed at the greedy's own counts, and a
    site of 450 agents could not search its way from there to the searched
    ones in its share (2,700 agents: 3,000-5,000 shifts off a site).
    `stopped`: as in `greedy_counts`, the greedy and the repair end where
    they are (6-13 s of Python on 2,700 agents would otherwise hold Ctrl-C up).
    """
    members = _members(headcounts, hired)
    occurrences = sorted(
        {s for _, scope in members for s in free_occurrences(scope)}, key=lambda s: (s.start_utc, s.site, s.shift)
    )
    residual = CountResidual.of_counts(targets, occurrences)
    schedules = _greedy_schedules(headcounts, members, residual, stopped)
    repair(members, schedules, residual, stopped)
    return _shifts(members, schedules)


REPAIR_ROUNDS = 2  # passes over the agents (2,700 agents: the first closes most of what moves, hand-overs and chains close)


def repair(members: list[Member], schedules: Mapping[str, Schedule], residual: CountResidual, stopped: Stopped = never) -> None:
    """Shifts moved off occurrences over their headcount onto ones short of it, agent by agent, each move within the
    agent's share of every sum (as the greedy keeps it) and its contract minimums.

    The greedy takes what is short as it goes, and later agents find the
    counts the earlier ones left: it ends some 100-300 shifts off each
    450-agent site, where the site's own search (22 s a site in a 300 s run)
    closed few. A move changes one agent's shift on one day (another
    occurrence or channel that day, or another free day of the same week),
    drops a shift nobody's headcount wants, or adds one on a free day; a
    shift the agent's minimum holds is traded for another agent's that the
    other may give up (`_hand_over`: on 2,700 agents 732 shifts off -> 57).
    Between agents it ends once `stopped` is true, every move so far whole.
    """
    free = {scope.id: _by_day(free_occurrences(scope)) for _, scope in members}
    for _ in range(REPAIR_ROUNDS):
        moved = 0
        for group, scope in members:
            if stopped():
                return
            moved += _repair_agent(schedules[scope.id], free[scope.id], group.skills, residual)
        moved += _hand_over_pass(members, schedules, free, residual, stopped)
        moved += _chain_pass(members, schedules, free, residual, stopped)
        if not moved:
            return


Working = dict[tuple[ShiftInstance, str], list[Schedule]]  # who works each occurrence on each channel


def _hand_over_pass(
    members: list[Member],
    schedules: Mapping[str, Schedule],
    free: Mapping[str, Mapping[date, list[ShiftInstance]]],
    residual: CountResidual,
    stopped: Stopped = never,
) -> int:
    """Shifts over their headcount that the agent's minimum holds, each traded for another agent's shift at its
    headcount that the other may give up (`_hand_over`); how many were (those made before `stopped`, when it was)."""
    working: Working = defaultdict(list)
    for schedule in schedules.values():
        for day, s in schedule.chosen.items():
            working[(s, schedule.channels[day])].append(schedule)
    made = 0
    for group, scope in members:
        if stopped():
            return made
        a = schedules[scope.id]
        for day in sorted(a.chosen):
            if day in a.chosen and residual.left(a.chosen[day], a.channels[day]) < 0:
                made += _hand_over(a, day, free[scope.id], group.skills, working, residual)
    return made


def _hand_over(
    a: Schedule,
    day: date,
    free: Mapping[date, list[ShiftInstance]],
    skills: tuple[str, ...],
    working: Working,
    residual: CountResidual,
) -> bool:
    """A works B's shift (that day or another of the week) instead of its own over the headcount, and B one shift
    fewer, B's minimums allowing: one agent over fewer, no count moved elsewhere.

    What the agent repair cannot do when every shift the agent may still
    take is at its headcount: the greedy gave the minimum hours of agents
    late in its order to shifts nobody wanted, while agents above their
    minimum hold shifts these agents could work.
    """
    a_kept = a.minimums_kept(week_monday(day))
    s1, c1 = a.remove(day)
    for other in _free_in_week(a, free, day):
        for s3, c3 in ((s3, c3) for s3 in free[other] for c3 in skills if residual.left(s3, c3) == 0):
            if not a.can_add(s3):
                continue
            for b in working.get((s3, c3), []):
                if b is not a and _trade(a, b, s3, c3, a_kept):
                    residual.give_back(s1, c1)
                    working[(s1, c1)].remove(a)
                    working[(s3, c3)].remove(b)
                    working[(s3, c3)].append(a)
                    return True
    a.add(s1, c1)
    return False


def _trade(a: Schedule, b: Schedule, s3: ShiftInstance, c3: str, a_kept: Callable[[], bool]) -> bool:
    """B gives `s3` to A when B's minimums allow and A's hold after (`a_kept`); undone otherwise."""
    b_kept = b.minimums_kept(week_monday(s3.day))
    b.remove(s3.day)
    if b_kept():
        a.add(s3, c3)
        if a_kept():
            return True
        a.remove(s3.day)
    b.add(s3, c3)
    return False


Node = tuple[ShiftInstance, str]  # an occurrence on a channel


@dataclass(frozen=True)
class DayAgent:
    """An agent who may work some occurrence on a day: its schedule, its skills and what it may work that day."""

    schedule: Schedule
    skills: tuple[str, ...]
    offered: frozenset[ShiftInstance]

    def may_work(self, node: Node) -> bool:
        return node[0] in self.offered and node[1] in self.skills


def _chain_pass(
    members: list[Member],
    schedules: Mapping[str, Schedule],
    free: Mapping[str, Mapping[date, list[ShiftInstance]]],
    residual: CountResidual,
    stopped: Stopped = never,
) -> int:
    """Occurrences still short, each filled by a chain of same-day switches (`_chain_to`); how many shifts were (those
    made before `stopped`, checked before each occurrence, when it was).

    What moves, drops, adds and hand-overs leave: on 2,700 agents aimed at
    the proven optimum of the headcounts, 263 shifts short in 15
    occurrences, every agent who may work them busy that day on another
    shift at its headcount. A chain moves one of them to the short
    occurrence, another agent into the shift it left, and so on, until the
    last shift left is taken by an agent over its headcount that day or
    another day of the week, or by an agent free that day: with it the
    repair ends 91 short and 347 over where it ended 263 and 519, in about a
    second more (benchmarks/notes/robust-search.md).
    """
    on_day: dict[tuple[str, date], list[DayAgent]] = defaultdict(list)  # an agent works its own site's shifts only
    for group, scope in members:
        for day, offered in free[scope.id].items():
            on_day[(scope.agent.site, day)].append(DayAgent(schedules[scope.id], group.skills, frozenset(offered)))
    made = 0
    for s in sorted(residual.index, key=lambda s: (s.start_utc, s.site, s.shift)):
        if stopped():
            return made
        for channel in sorted(residual.need):
            while residual.left(s, channel) > 0 and _chain_to((s, channel), on_day[(s.site, s.day)], residual):
                made += 1
    return made


def _chain_to(short: Node, agents: list[DayAgent], residual: CountResidual) -> bool:
    """One more agent on the `short` occurrence, by the shortest chain of same-day switches found breadth first.

    Each agent moves at most once. A chain ends where the last shift left
    empty is taken by an agent whose own shift that day is over its
    headcount, or who works one over it on another day of the week (moved
    here), or who is free that day; each agent's minimums are kept. Whether
    one was made.
    """
    came_from: dict[Node, tuple[Node, Schedule] | None] = {short: None}
    moved: set[str] = set()
    queue = deque([short])
    day = short[0].day
    while queue:
        node = queue.popleft()
        able = [a for a in agents if a.may_work(node) and a.schedule.scope.id not in moved]
        if _end_chain(node, able, residual):
            _follow_chain(node, came_from, residual)
            return True
        for agent in able:
            if day not in agent.schedule.chosen:
                continue
            held = (agent.schedule.chosen[day], agent.schedule.channels[day])
            if held not in came_from and residual.left(*held) == 0 and _switches(agent.schedule, node, day):
                came_from[held] = (node, agent.schedule)
                moved.add(agent.schedule.scope.id)
                queue.append(held)
    return False


def _end_chain(node: Node, able: list[DayAgent], residual: CountResidual) -> bool:
    """Someone takes `node` without leaving a shift the headcounts want: an over shift that day, an over shift moved from
    another day of the week, or a free day; taken if so."""
    s, channel = node
    for agent in able:
        held = agent.schedule.chosen.get(s.day)
        if (
            held is not None
            and residual.left(held, agent.schedule.channels[s.day]) < 0
            and _switches(agent.schedule, node, s.day)
        ):
            residual.give_back(*agent.schedule.remove(s.day))
            return _taken(agent.schedule, node, residual)
    for agent in able:
        if s.day in agent.schedule.chosen:
            continue
        other = _over_elsewhere(agent.schedule, node, residual)
        if other is not None:
            residual.give_back(*agent.schedule.remove(other))
            return _taken(agent.schedule, node, residual)
    for agent in able:
        if s.day not in agent.schedule.chosen and agent.schedule.can_add(s):
            return _taken(agent.schedule, node, residual)
    return False


def _follow_chain(end: Node, came_from: Mapping[Node, tuple[Node, Schedule] | None], residual: CountResidual) -> None:
    """Each agent on the chain, from its end back to the short occurrence, moves to the node before its own."""
    node = end
    while (link := came_from[node]) is not None:
        before, schedule = link
        residual.give_back(*schedule.remove(before[0].day))
        _taken(schedule, before, residual)
        node = before


def _taken(schedule: Schedule, node: Node, residual: CountResidual) -> bool:
    schedule.add(*node)
    residual.take_one(*node)
    return True


def _switches(schedule: Schedule, node: Node, day: date) -> bool:
    """Whether the agent may work `node` instead of its shift on `day` (that day or another of its week), its minimums
    kept; nothing changed."""
    kept = schedule.minimums_kept(week_monday(day))
    held = schedule.remove(day)
    may = _fits(schedule, node, kept)
    schedule.add(*held)
    return may


def _over_elsewhere(schedule: Schedule, node: Node, residual: CountResidual) -> date | None:
    """Another day of the week whose shift is over its headcount and may move to `node`, minimums kept; None if none."""
    monday = week_monday(node[0].day)
    for day in sorted(d for d in schedule.chosen if week_monday(d) == monday and d != node[0].day):
        if residual.left(schedule.chosen[day], schedule.channels[day]) < 0 and _switches(schedule, node, day):
            return day
    return None


def _fits(schedule: Schedule, node: Node, kept: Callable[[], bool]) -> bool:
    """Whether `node` may be added to the schedule as it is and `kept` still holds after; nothing changed."""
    if not schedule.can_add(node[0]):
        return False
    schedule.add(*node)
    may = kept()
    schedule.remove(node[0].day)
    return may


def _repair_agent(
    schedule: Schedule, free: Mapping[date, list[ShiftInstance]], skills: tuple[str, ...], residual: CountResidual
) -> int:
    """One agent's moves, drops and adds (see `repair`); how many it made."""
    made = 0
    for day in sorted(free):
        if day in schedule.chosen:
            s, channel = schedule.chosen[day], schedule.channels[day]
            if residual.left(s, channel) < 0 and _move_off(schedule, day, free, skills, residual):
                made += 1
        elif _add_short(schedule, free[day], skills, residual):
            made += 1
    return made


def _move_off(
    schedule: Schedule, day: date, free: Mapping[date, list[ShiftInstance]], skills: tuple[str, ...], residual: CountResidual
) -> bool:
    """The agent's shift on `day`, over its headcount, moved to a short occurrence (that day first, then the week's
    other free days), or dropped when its minimums allow; put back when neither keeps every share."""
    kept = schedule.minimums_kept(week_monday(day))
    s, channel = schedule.remove(day)
    residual.give_back(s, channel)
    for other in _free_in_week(schedule, free, day):
        if _add_short(schedule, free[other], skills, residual, kept):
            return True
    if kept():
        return True  # dropped: nobody's headcount wanted it
    schedule.add(s, channel)
    residual.take_one(s, channel)
    return False


def _free_in_week(schedule: Schedule, free: Mapping[date, list[ShiftInstance]], day: date) -> list[date]:
    """`day` (its shift just taken out), then the week's other days the agent may work and does not yet, in order."""
    monday = week_monday(day)
    return [day] + [d for d in sorted(free) if week_monday(d) == monday and d != day and d not in schedule.chosen]


def _add_short(
    schedule: Schedule,
    offered: list[ShiftInstance],
    skills: tuple[str, ...],
    residual: CountResidual,
    keeps: Callable[[], bool] = lambda: True,
) -> bool:
    """The most wanted short occurrence of `offered` the agent may add (and `keeps` still holds after); whether one was."""
    wanted = sorted(
        ((residual.left(s, c), s, c) for s in offered for c in skills if residual.left(s, c) > 0),
        key=lambda v: (-v[0], v[1].start_utc, v[1].shift, v[2]),
    )
    for _, s, channel in wanted:
        if not schedule.can_add(s):
            continue
        schedule.add(s, channel)
        if keeps():
            residual.take_one(s, channel)
            return True
        schedule.remove(s.day)
    return False


def _by_day(occurrences: list[ShiftInstance]) -> dict[date, list[ShiftInstance]]:
    days: dict[date, list[ShiftInstance]] = defaultdict(list)
    for s in occurrences:
        days[s.day].append(s)
    return days


Member = tuple[Group, AgentScope]


def _members(headcounts: HeadcountModel, hired: frozenset[str]) -> list[Member]:
    """Every group's agents, candidates only when hired."""
    return [
        (group, scope)
        for group in headcounts.groups
        for scope in group.scopes
        if scope.id not in group.optional or scope.id in hired
    ]


def _greedy_schedules(
    headcounts: HeadcountModel, members: list[Member], residual: Residual, stopped: Stopped = never
) -> dict[str, Schedule]:
    """Every member's schedule, week by week and step by step, each shift taken off `residual` as it is chosen; as far
    as they got when `stopped` turned true (checked before each agent's turn)."""
    data = headcounts.data
    kept = {} if data.keep is None else {(a.agent, a.day, a.shift): a.channel for a in data.keep.assignments}
    greedy = Greedy(data.config, data.grid, residual, kept)
    schedules = {scope.id: Schedule(scope, data.config) for _, scope in members}
    free = {scope.id: _by_week(free_occurrences(scope)) for _, scope in members}
    mondays = sorted({m for weeks in free.values() for m in weeks})
    for number, monday in enumerate(mondays, start=1):
        turn = (number - 1) * len(members) // len(mondays)
        for step in Step:
            for group, scope in members[turn:] + members[:turn]:
                if stopped():
                    return schedules
                offered = free[scope.id].get(monday, [])
                greedy.choose_week(schedules[scope.id], offered, group.skills, number / len(mondays), step)
    for group, scope in members:
        if stopped():
            return schedules
        offered = [s for week in free[scope.id].values() for s in week]
        greedy.meet_period_minimum(schedules[scope.id], offered, group.skills)
    return schedules


def _shifts(members: list[Member], schedules: Mapping[str, Schedule]) -> frozenset[tuple[str, date, str, str]]:
    return frozenset(
        (scope.id, day, s.shift, schedules[scope.id].channels[day])
        for _, scope in members
        for day, s in schedules[scope.id].chosen.items()
    )


def _by_week(occurrences: list[ShiftInstance]) -> dict[date, list[ShiftInstance]]:
    weeks: dict[date, list[ShiftInstance]] = defaultdict(list)
    for s in occurrences:
        weeks[week_monday(s.day)].append(s)
    return weeks


class Step(Enum):
    """The passes over the agents in each week, in order."""

    KEPT = "the kept roster's shifts (re-planning)"
    MINIMUM = "up to the contract minimum"
    EXTRA = "shifts worth their overstaffing"


@dataclass
class Greedy:
    """What every agent's choices read and change: the config, the grid and the requirement still uncovered."""

    config: Config
    grid: Grid
    residual: Residual
    kept: Mapping[tuple[str, date, str], str]  # re-planning: (agent, day, shift) -> channel of the kept roster

    def choose_week(
        self, schedule: Schedule, offered: list[ShiftInstance], skills: tuple[str, ...], so_far: float, step: Step
    ) -> None:
        """The agent's shifts of one week, the most wanted first, each taken off the residual as it is chosen.

        KEPT: the kept roster's shifts the agent may still work. MINIMUM:
        until the week's contract minimum is met, which may use the whole
        period's limits. EXTRA: shifts worth their overstaffing, within the
        part of the period's limits the weeks so far may use (`so_far`).
        Values are computed once per call (a shift chosen changes the
        residual mostly on its own day, where the agent takes no second shift).
        """
        if not offered or (step is Step.KEPT and not self.kept):
            return
        monday = week_monday(offered[0].day)
        minimum = step is Step.MINIMUM
        if minimum and schedule.short_of_minimum(monday) <= 0:
            return
        weights = self.config.weights
        valued = []
        for s in offered:
            slots = self.residual.duty(self.config, self.grid, s)
            (short, residual), channel = self.residual.best(slots, skills)
            kept = self.kept.get((schedule.scope.id, s.day, s.shift))
            if kept in skills:
                channel = kept
            valued.append((kept is not None, short, residual, len(slots), s, channel))
        valued.sort(key=lambda v: (not v[0], -v[1], -v[2], v[4].start_utc, v[4].shift))
        for kept_shift, wanted, _, length, s, channel in valued:
            if minimum and schedule.short_of_minimum(monday) <= 0:
                return
            if step is Step.KEPT:
                wanted_here = kept_shift
            else:
                wanted_here = minimum or wanted * weights.understaffed > (length - wanted) * weights.overstaffed
            if wanted_here and schedule.can_add(s, so_far if step is Step.EXTRA else 1.0):
                self.take(schedule, s, channel)

    def take(self, schedule: Schedule, s: ShiftInstance, channel: str) -> None:
        schedule.add(s, channel)
        self.residual.take(self.residual.duty(self.config, self.grid, s), channel)

    def meet_period_minimum(self, schedule: Schedule, offered: list[ShiftInstance], skills: tuple[str, ...]) -> None:
        """Shifts added anywhere they fit until the period's minimum hours are met (none when the agent has no period hours)."""
        least = schedule.scope.period_minimum_minutes()
        for s in sorted(offered, key=lambda s: (s.start_utc, s.shift)):
            if schedule.minutes >= least:
                return
            if schedule.can_add(s):
                self.take(schedule, s, self.residual.best(self.residual.duty(self.config, self.grid, s), skills)[1])


def _below_minimum(schedule: Schedule) -> bool:
    if any(schedule.short_of_minimum(monday) > 0 for monday in {week_monday(d) for d in schedule.scope.site_days}):
        return True
    return schedule.minutes < schedule.scope.period_minimum_minutes()


def hint(headcounts: HeadcountModel, first: FirstCounts) -> None:
    """Every count and hire of the model hinted from the greedy's."""
    for option, var in headcounts.counts.choices.items():
        headcounts.model.add_hint(var, first.counts.get(option, 0))
    for agent, literal in headcounts.counts.hired.items():
        headcounts.model.add_hint(literal, agent in first.hired)


def try_start(
    headcounts: HeadcountModel, first: FirstCounts, seconds: float = 30.0, *, deterministic: bool = False
) -> Completion:
    """The greedy's counts as a complete solution of the headcount model, every auxiliary variable found; no solver when
    they break a sum, the time ran out, or Ctrl-C stopped it (`Completion.interrupted`: the stages then end).
    `deterministic`: `seconds` of CP-SAT's work (runner.try_fill_hint), so that the start does not hang on the clock.

    The model is left hinted with that solution, so the search starts from
    it. A greedy that left an agent below a minimum (`FirstCounts.short`) may
    still give counts that meet every group's sum, which this decides.
    """
    headcounts.model.clear_hints()
    hint(headcounts, first)
    return try_fill_hint(headcounts.model, seconds, deterministic=deterministic)


def start(headcounts: HeadcountModel, first: FirstCounts, seconds: float = 30.0) -> cp_model.CpSolver | None:
    """`try_start`'s solve; None when the counts break a sum or the time ran out (callers that only need the counts)."""
    return try_start(headcounts, first, seconds).solver
