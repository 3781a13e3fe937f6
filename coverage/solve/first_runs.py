"""A first roster of flexible runs by construction: the run that lowers the cost most, again and again, within each agent's rules.

The flexible model's own search takes most of a minute to its first roster
on the 60-agent part-time team (presolve of 81,000 variables, then
feasibility jump's 90,000-unit roster), and the listed stand-in
(coverage.solve.coarse) as long: its first roster came at 18 s and cost
500,000 (benchmarks/notes/part-time-team.md, "A first flexible roster").
Here each agent-day's best run — start, length and channel — is priced
against what the roster built so far still lacks: the objective's own
weights for slots short and uncovered, a `mix` head missing, the agent's
`avoid` / not-preferred hours, the hours away from `preferred_hours`, and
the change in the squared (or linear) distance from the `workload` target.
The best run of all is taken, the agent-days it touches are priced again,
and so on until no run lowers the cost; then each run is priced again
against all the others and replaced where a better one exists (the
improving passes), hours pass from agents far over their target to others
who can work them (`_transfers`: both agent-days laid again at once, the
taker's first), and each agent's whole period is laid again at once by
dynamic programming (`_reoptimised`), in rounds until nothing changes. On
the 60-agent part-time team that takes some seconds and lands below every
roster a minute's search had found (benchmarks/notes/part-time-team.md,
"Transfers and whole periods").

A run is taken only where the agent's rules allow it: an open template-day
(scope), no closed slot, one run a day, rest from the runs before and
after, the weekly and period maximum hours, days a week, days in a row and
weekends; an onboarding agent's run lies inside one of their mentors' runs.
A week short of the agent's minimum hours then gets runs at a loss, the
least costly that reach it. Rules it does not try to keep — a period
minimum, minimum days in a row or days off, night limits, successions,
counts per template, a previous roster's shifts — and listed templates an
agent may work (it lays flexible runs only) make it decline up front
(`greedy_roster` returns None) where they bind. Whatever it returns is a
proposal: the caller hands it to the model as a complete hint, and the
model's own propagation (coverage.solve.runner.fill_hint) rejects it if a
hard rule is broken after all.
"""

from __future__ import annotations

import heapq
import math
import time as wallclock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np

from coverage.config.schema import HEAD_UNITS, Config
from coverage.roster import Assignment, Roster
from coverage.solve.data import ModelData
from coverage.solve.first_counts import Residual
from coverage.solve.scope import AgentScope
from coverage.targets import HALF_HOUR, AgentTarget, agent_targets, away_units, hours_away
from coverage.time import FlexWindow, Grid, slot_start, week_monday

NONE = -math.inf
MINIMUM_CREDIT = 1_000_000  # per minute toward a weekly minimum: more than any run can save or cost
IMPROVING_PASSES = 3  # over every agent-day, each run priced again against the others (`_improved`)
IMPROVES = 1e-6  # a replacement must save more than the run it replaces by this much (no churn between equals)
TRANSFER_SWEEPS = 8  # at most: sweeps of `_transfers`, each followed by the improving passes
ROUNDS = 4  # at most: transfer sweeps until none is kept, then a pass of `_whole_periods`; again until that changes nothing


@dataclass(frozen=True)
class Run:
    """One flexible run: the agent-day's window, its first grid slot, its length in slots and its channel."""

    window: FlexWindow
    start: int
    slots: int
    channel: str

    @property
    def end(self) -> int:
        """The first slot after the run."""
        return self.start + self.slots

    @property
    def minutes(self) -> int:
        return self.slots * self.window.slot_minutes


@dataclass
class Need:
    """What the roster built so far still lacks, slot by slot: heads per channel, and heads of each `mix` role."""

    short: dict[str, np.ndarray]  # units (hundredths of a person) still wanted per channel and slot
    covered: dict[str, np.ndarray]  # units on duty per channel and slot
    required: dict[str, np.ndarray]
    mix: dict[tuple[str, str], np.ndarray]  # (channel, role) -> heads still missing per slot (below 0: more than asked)
    moves: list[tuple[str, int, int]] = field(default_factory=list)  # kept takes and drops: (agent, first slot, slot after)

    @classmethod
    def of(cls, data: ModelData) -> Need:
        wanted = Residual.of(data.requirements).need
        short = {c: HEAD_UNITS * np.asarray(v, dtype=np.float64) for c, v in wanted.items()}
        required = {c: np.asarray(data.requirements.required[c], dtype=np.float64) for c in wanted}
        mix = {
            (channel, role): np.where(required[channel] > 0, heads, 0).astype(np.float64)
            for channel, rule in data.config.mix_rules().items()
            if channel in required
            for role, heads in rule.items()
        }
        return cls(short, {c: np.zeros_like(v) for c, v in short.items()}, required, mix)

    def gain(self, config: Config, channel: str, units: float, roles: set[str], slots: range) -> np.ndarray:
        """What one more agent on duty saves in each of `slots` (0 past the grid's end): shortfall, an uncovered slot, a missing role."""
        weights = config.weights
        found = np.zeros(len(slots))
        inside = [k for k in slots if 0 <= k < len(self.short[channel])]
        if not inside:
            return found
        at = np.arange(inside[0], inside[-1] + 1)
        offset = inside[0] - slots.start
        short, covered, required = self.short[channel][at], self.covered[channel][at], self.required[channel][at]
        saved = weights.understaffed * np.minimum(np.maximum(short, 0), units) / HEAD_UNITS
        saved -= weights.overstaffed * np.maximum(units - np.maximum(short, 0), 0) / HEAD_UNITS
        saved += np.where((covered <= 0) & (required > 0), weights.uncovered, 0)
        for (mixed, role), missing in self.mix.items():
            if mixed == channel and role in roles:
                saved += np.where(missing[at] > 0, weights.mix, 0)
        found[offset : offset + len(at)] = saved
        return found

    def take(self, run: Run, units: float, roles: set[str], sign: int = 1) -> None:
        """The run's agent on duty (sign 1), or off it again (sign −1)."""
        at = np.arange(max(run.start, 0), min(run.end, len(self.short[run.channel])))
        self.short[run.channel][at] -= sign * units
        self.covered[run.channel][at] += sign * units
        for (mixed, role), missing in self.mix.items():
            if mixed == run.channel and role in roles:
                missing[at] -= sign


@dataclass
class AgentPlan:
    """One agent's runs so far, and what their rules leave."""

    scope: AgentScope
    target: AgentTarget | None
    weekend: frozenset[int]  # the config's weekend days (ISO weekday numbers), as the model and the checker read them
    runs: dict[date, Run] = field(default_factory=dict)
    wishes: dict[FlexWindow, np.ndarray] = field(default_factory=dict)  # per window, each slot's avoid / not-preferred cost
    closed: dict[FlexWindow, np.ndarray] = field(default_factory=dict)  # per window, its closed slots counted up to each slot
    mentors: list[AgentPlan] = field(default_factory=list)  # an onboarding agent's: a run lies inside one of their runs
    mentees: list[AgentPlan] = field(default_factory=list)  # a mentor's onboarding agents

    def mentored(self, day: date) -> list[tuple[int, int]]:
        """(first slot, slot after) of the mentors' runs on `day`'s neighbourhood that a run of this agent may lie inside."""
        return [slots for mentor in self.mentors for slots in self.mentored_by(mentor, day)]

    def hosted(self, day: date) -> tuple[int, int] | None:
        """(first slot, slot after) that a mentor's run on `day` must cover: the onboarding agents' runs inside its present run there and no other mentor's."""
        run = self.runs.get(day)
        if run is None:
            return None
        low, high = math.inf, -math.inf
        for mentee in self.mentees:
            for other, inside in mentee.runs.items():
                if abs((other - day).days) > 1 or not run.start <= inside.start < inside.end <= run.end:
                    continue
                if mentee.inside_a_mentor(other, inside, besides=self):
                    continue
                low, high = min(low, inside.start), max(high, inside.end)
        return None if low == math.inf else (int(low), int(high))

    def inside_a_mentor(self, day: date, run: Run, besides: AgentPlan | None = None) -> bool:
        """Whether this agent's `run` on `day` lies inside a run of one of its mentors (other than `besides`)."""
        return any(
            m is not besides and begin <= run.start < run.end <= end
            for m in self.mentors
            for begin, end in self.mentored_by(m, day)
        )

    def mentored_by(self, mentor: AgentPlan, day: date) -> list[tuple[int, int]]:
        """(first slot, slot after) of one mentor's runs on `day`'s neighbourhood."""
        return [(r.start, r.end) for d, r in mentor.runs.items() if abs((d - day).days) <= 1]

    def worked_minutes(self) -> int:
        return sum(r.minutes for r in self.runs.values())

    def week_minutes(self, monday: date) -> int:
        return sum(r.minutes for day, r in self.runs.items() if week_monday(day) == monday)

    def allows_day(self, day: date) -> bool:
        """Whether another run on `day` keeps the days a week, days in a row and weekends."""
        rules = self.scope.rules
        if day in self.runs:
            return False
        monday = week_monday(day)
        worked = set(self.runs) | set(self.scope.history_days)  # the previous roster's days count, as in the model
        if sum(1 for d in worked if week_monday(d) == monday) >= rules.max_days_per_week:
            return False
        before = next(k for k in range(1, len(worked) + 2) if day - timedelta(days=k) not in worked) - 1
        after = next(k for k in range(1, len(worked) + 2) if day + timedelta(days=k) not in worked) - 1
        if before + 1 + after > rules.max_consecutive_days:
            return False
        limit = rules.max_weekends_per_period
        if limit is not None and day.isoweekday() in self.weekend:
            first = week_monday(self.scope.site_days[0]) if self.scope.site_days else monday
            # the period's weekends, one begun in the previous roster included (the model counts it as worked)
            weekends = {week_monday(d) for d in worked if d.isoweekday() in self.weekend and week_monday(d) >= first}
            if monday not in weekends and len(weekends) >= limit:
                return False
        return True

    def rest_bounds(self, day: date, rest_slots: int) -> tuple[float, float]:
        """The earliest slot a run on `day` may start in and the slot it must end by, for rest from the runs around it."""
        earliest, latest = -math.inf, math.inf
        for other, run in self.runs.items():
            if other < day:
                earliest = max(earliest, run.end + rest_slots)
            elif other > day:
                latest = min(latest, run.start - rest_slots)
        return earliest, latest

    def minutes_left(self, day: date) -> float:
        """Paid minutes a run on `day` may still add: under the week's and the period's maximum."""
        rules = self.scope.rules
        left = math.floor(rules.hours_per_week.max * 60 + 1e-9) - self.week_minutes(week_monday(day))
        if rules.hours_per_period is not None:
            left = min(left, math.floor(rules.hours_per_period.max * 60 + 1e-9) - self.worked_minutes())
        return left


def constructible(config: Config, data: ModelData) -> bool:
    """Whether every rule that binds is one the construction keeps (see the module's docstring)."""
    if not data.windows or data.hiring is not None or data.keep is not None or config.cover:
        return False
    for scope in data.scopes:
        rules = scope.rules
        if (
            rules.min_consecutive_days > 1
            or rules.min_consecutive_days_off > 1
            or scope.available  # listed occurrences: the construction lays flexible runs only
            or (scope.boundary is not None and scope.boundary.shifts)
            or (rules.hours_per_period is not None and rules.hours_per_period.min > 0)
            or rules.max_nights_per_week is not None
            or rules.max_nights_per_period is not None
            or rules.forbidden_successions
            or rules.max_shifts_per_period
        ):
            return False
    return True


def greedy_roster(data: ModelData, deadline: float | None = None) -> Roster | None:
    """The constructed roster of flexible runs (see the module's docstring); None where a binding rule is not one it keeps.

    `deadline` (a `time.perf_counter()` reading): no further round of
    transfers or whole periods is begun past it, so a short time limit is
    not spent here. None (deterministic runs): every round, whatever the
    clock says, so the roster is the same on any machine.
    """
    config = data.config
    if not constructible(config, data):
        return None
    need = Need.of(data)
    targets = agent_targets(config)
    weekend = frozenset(data.config.weekend_days)
    plans = {s.id: AgentPlan(s, targets.get(s.id), weekend) for s in data.scopes if s.flexible and s.agent.skills}
    for plan in plans.values():
        plan.mentors = [plans[m] for m in plan.scope.agent.mentors if m in plans]
        for mentor in plan.mentors:
            mentor.mentees.append(plan)
    days: dict[tuple[str, date], list[FlexWindow]] = defaultdict(list)
    for plan in plans.values():
        for w in plan.scope.flexible:
            days[(plan.scope.id, w.day)].append(w)
    _lay_runs(data, need, plans, days)
    if not all(_weekly_minimums(data, need, plan, days) for plan in plans.values()):
        return None
    _improving_passes(data, need, plans, days)
    swept: int | None = None  # where in the log of moves the sweep before began
    for _ in range(ROUNDS):
        for _ in range(TRANSFER_SWEEPS):
            if _past(deadline):
                break
            began = len(need.moves)
            kept = _transfers(data, need, plans, days, since=swept)
            swept = began
            if not kept:
                break
            _improving_passes(data, need, plans, days, since=began)
        if _past(deadline) or not _whole_periods(data, need, plans, days):
            break
    return Roster(tuple(_assignment(data.grid, plan.scope, run) for plan in plans.values() for run in plan.runs.values()))


def _past(deadline: float | None) -> bool:
    return deadline is not None and wallclock.perf_counter() >= deadline


def _lay_runs(
    data: ModelData,
    need: Need,
    plans: dict[str, AgentPlan],
    days: dict[tuple[str, date], list[FlexWindow]],
) -> None:
    """The run that saves most of all agent-days', taken, until none saves anything (a lazy greedy).

    A run taken only lowers what the others save (the need it meets is gone,
    its agent's target and limits are nearer; up to the rounding of hours
    away from a target), so a price made before it is an upper bound: the top
    of the heap is priced again, and taken when its price is current.
    Onboarding agents are the exception — a mentor's new run opens runs to
    them — and are priced again at once.
    """
    keys = list(days)  # ties go to the first agent-day, as listed
    heap: list[tuple[float, int, int, Run]] = []
    taken = 0  # runs taken so far: a price made when `taken` was the same is current

    def price(index: int) -> None:
        agent, day = keys[index]
        value, run = _best_run(data, need, plans[agent], days[keys[index]])
        if run is not None and value > 0:
            heapq.heappush(heap, (-value, index, taken, run))

    for index in range(len(keys)):
        price(index)
    while heap:
        _, index, priced, run = heapq.heappop(heap)
        plan = plans[keys[index][0]]
        if keys[index][1] in plan.runs:  # an older price of a day since worked
            continue
        if priced != taken:
            price(index)
            continue
        _take(data, need, plan, run)
        taken += 1
        onboarding = {mentee.scope.id for mentee in plan.mentees}
        for k, (agent, day) in enumerate(keys):
            if agent in onboarding and day not in plans[agent].runs:
                price(k)


def _improving_passes(
    data: ModelData,
    need: Need,
    plans: dict[str, AgentPlan],
    days: dict[tuple[str, date], list[FlexWindow]],
    since: int | None = None,
) -> None:
    """Up to IMPROVING_PASSES passes of `_improved`, until one changes nothing.

    The first over every agent-day (`since` None) or over those the moves
    logged from `since` on may have made better (`_affected`); each next
    pass over those the moves since the pass before it began may have.
    """
    for _ in range(IMPROVING_PASSES):
        began = len(need.moves)
        keys = list(days) if since is None else _affected(plans, days, need.moves[since:])
        if not sum(_improved(data, need, plans[agent], day, days[(agent, day)]) for agent, day in keys):
            break
        since = began


def _affected(
    plans: dict[str, AgentPlan], days: dict[tuple[str, date], list[FlexWindow]], moves: list[tuple[str, int, int]]
) -> list[tuple[str, date]]:
    """The agent-days whose best run `moves` may have changed: their agent's (or a mentor's or onboarding agent's) or reaching a moved slot."""
    agents = {agent for agent, _, _ in moves}
    for agent in list(agents):
        agents |= {other.scope.id for other in (*plans[agent].mentors, *plans[agent].mentees)}
    end = max((w.last + 1 for windows in days.values() for w in windows), default=0)
    moved = np.zeros(end + 1, dtype=np.int64)
    for _, first, after in moves:
        moved[max(first, 0) : max(after, 0)] = 1
    moved_sum = np.concatenate(([0], np.cumsum(moved)))
    return [
        (agent, day)
        for (agent, day), windows in days.items()
        if agent in agents or any(moved_sum[w.last + 1] > moved_sum[max(w.first, 0)] for w in windows)
    ]


def _transfers(
    data: ModelData,
    need: Need,
    plans: dict[str, AgentPlan],
    days: dict[tuple[str, date], list[FlexWindow]],
    since: int | None = None,
) -> int:
    """One sweep of `_transferred` over each run and each other agent-day open in any of its slots; how many moves were kept.

    With `since` (where in the log of moves the sweep before began), only
    pairs with an agent-day the moves from there may have changed
    (`_affected`): any other pair was tried in that sweep and would fail again.

    Only where an hour less costs the run's agent more in target than an
    hour more costs the other (`_hour_costs`): the move is for agents far
    over their target, whose hours the greedy order needed before others
    were laid — mentors above all, whose runs the greedy made long to hold
    their onboarding agents'.
    """
    by_date: dict[date, list[tuple[str, date]]] = defaultdict(list)
    for agent, day in days:
        by_date[day].append((agent, day))
    kept = 0
    costs = {agent: _hour_costs(data.config, plan) for agent, plan in plans.items()}
    changed = None if since is None else set(_affected(plans, days, need.moves[since:]))
    for (agent, day), windows in days.items():
        plan = plans[agent]
        for other in (o for shift in (-1, 0, 1) for o in by_date.get(day + timedelta(days=shift), ())):
            run = plan.runs.get(day)
            if run is None:
                break
            if changed is not None and (agent, day) not in changed and other not in changed:
                continue
            if other[0] == agent or not any(_open_over(plans[other[0]], w, run.start, run.end) for w in days[other]):
                continue
            if costs[agent][0] <= costs[other[0]][1]:
                continue
            if _transferred(data, need, plan, windows, plans[other[0]], days[other]):
                kept += 1
                costs[agent], costs[other[0]] = _hour_costs(data.config, plan), _hour_costs(data.config, plans[other[0]])
    return kept


def _hour_costs(config: Config, plan: AgentPlan) -> tuple[int, int]:
    """What an hour less saves and an hour more costs in the agent's target (0, 0 without one)."""
    if plan.target is None or not config.weights.target:
        return 0, 0
    worked, target = plan.worked_minutes(), plan.target.minutes
    now = away_units(hours_away(worked, target), config)
    less = away_units(hours_away(max(worked - 60, 0), target), config)
    more = away_units(hours_away(worked + 60, target), config)
    return config.weights.target * (now - less), config.weights.target * (more - now)


def _transferred(
    data: ModelData,
    need: Need,
    giver: AgentPlan,
    giver_windows: list[FlexWindow],
    taker: AgentPlan,
    taker_windows: list[FlexWindow],
) -> bool:
    """The giver's run and the taker's (if any) on those days both out, the taker's best run laid first, then the giver's; whether kept.

    The improving passes move one agent-day at a time, so coverage cannot
    pass from an agent far over their target to one near it: the giver's
    run cannot shrink before the taker's grows (slots go short), nor the
    taker's grow first (slots overstaffed). Here both go at once. Every
    value is exact against the roster at its step (a run's value given the
    roster without it), so the move is kept where the two new runs save
    more than the two old ones did.
    """
    giver_day, taker_day = giver_windows[0].day, taker_windows[0].day
    gave, took = giver.runs[giver_day], taker.runs.get(taker_day)
    logged = len(need.moves)
    hosting = {id(giver): giver.hosted(giver_day), id(taker): taker.hosted(taker_day)}
    _drop(data, need, giver, gave)
    before = _run_value(data, need, giver, gave)
    if took is not None:
        _drop(data, need, taker, took)
        before += _run_value(data, need, taker, took)
    after, laid = 0.0, []
    hosts = True  # each mentor's new run covers the onboarding agents' runs its old one did
    for plan, windows in ((taker, taker_windows), (giver, giver_windows)):
        value, run = _best_run(data, need, plan, windows, hosting=hosting[id(plan)])
        if run is not None and value > 0:
            _take(data, need, plan, run)
            after += value
            laid.append((plan, run))
        else:
            hosts = hosts and hosting[id(plan)] is None
    kept = hosts and after > before + IMPROVES and _meets_minimums(giver) and _meets_minimums(taker)
    if kept and _mentees_covered((giver, taker), (giver_day, taker_day)):
        return True
    for plan, run in laid:  # the two old runs back
        _drop(data, need, plan, run)
    if took is not None:
        _take(data, need, taker, took)
    _take(data, need, giver, gave)
    del need.moves[logged:]  # nothing moved
    return False


def _mentees_covered(plans: tuple[AgentPlan, ...], days: tuple[date, ...]) -> bool:
    """Each onboarding agent of these mentors keeps every run near those days inside one of its mentors' runs.

    `hosted` leaves out a run another mentor's run also covers — right when
    one agent moves, not when two of one agent's mentors move at once (each
    counted on the other, and neither kept it).
    """
    for mentee in {id(m): m for plan in plans for m in plan.mentees}.values():
        for day, inside in mentee.runs.items():
            if all(abs((day - d).days) > 1 for d in days):
                continue
            if not mentee.inside_a_mentor(day, inside):
                return False
    return True


def _whole_periods(
    data: ModelData,
    need: Need,
    plans: dict[str, AgentPlan],
    days: dict[tuple[str, date], list[FlexWindow]],
) -> int:
    """One pass of `_reoptimised` over every agent; how many agents' runs changed."""
    by_agent: dict[str, list[list[FlexWindow]]] = defaultdict(list)
    for (agent, _), windows in sorted(days.items(), key=lambda item: item[0]):
        by_agent[agent].append(windows)
    return sum(_reoptimised(data, need, plans[agent], agent_days) for agent, agent_days in by_agent.items())


@dataclass(frozen=True)
class DayChoices:
    """One agent-day's best run of each length in slots, given everyone else: what it saves before the target (NONE: no run)."""

    values: np.ndarray  # [0] is no run: 0
    runs: list[Run | None]


def _day_choices(
    data: ModelData,
    need: Need,
    plan: AgentPlan,
    windows: list[FlexWindow],
    bounds: tuple[float, float],
    top: int,
    hosting: tuple[int, int] | None,
) -> DayChoices:
    """The day's best run of each length up to `top` slots within `bounds` (rest, `_cuts`), covering `hosting` (a mentor's)."""
    values, runs = np.full(top + 1, NONE), list[Run | None]([None] * (top + 1))
    values[0] = NONE if hosting is not None else 0.0
    for w in windows:
        for channel in plan.scope.agent.skills:
            if channel not in need.short:
                continue
            starts, lengths, value = _run_values(data, need, plan, w, channel)
            value = np.where(_allowed(plan, w, starts, lengths, bounds, hosting), value, NONE)
            best = value.argmax(axis=0)
            for j, length in enumerate(lengths):
                if length <= top and value[best[j], j] > values[length]:
                    values[length] = value[best[j], j]
                    runs[length] = Run(w, int(starts[best[j]] + w.first), int(length), channel)
    return DayChoices(values, runs)


def _reoptimised(data: ModelData, need: Need, plan: AgentPlan, agent_days: list[list[FlexWindow]]) -> bool:
    """The agent's runs over the whole period laid again at once, given everyone else's (dynamic programming); whether they changed.

    One agent-day at a time, an agent near their target cannot add a day
    and shorten two others, or move hours from a day of avoided hours to a
    preferred one: each step alone moves the target. Here each day's best
    run of every length is priced against the roster without the agent, and
    a dynamic programme over the days chooses one length a day (or none)
    under the weekly maximum and minimum hours, days a week and days in a
    row, the hours summed for the target's cost at the end. Rest between
    two days' runs is kept by a cut between them (the earlier day's runs end
    by it, the later's start a rest after it), placed where the agent's
    present runs keep it, so the present roster is among the choices and the
    result is never worse. Declined (False) where a rule it does not state
    binds: a previous roster's days, weekends per period, rest reaching two
    days on.
    """
    rules, slot = plan.scope.rules, agent_days[0][0].slot_minutes
    rest = math.ceil(rules.min_rest_hours * 60 / slot)
    if not _reoptimisable(plan, agent_days, rest, slot):
        return False
    bounds = _cuts(plan, agent_days, rest)
    hosting = [plan.hosted(windows[0].day) for windows in agent_days]
    old, logged = list(plan.runs.values()), len(need.moves)
    for run in old:
        _drop(data, need, plan, run)
    weekly = math.floor(rules.hours_per_week.max * 60 + 1e-9) // slot
    top = min(weekly, max(w.max_slots for windows in agent_days for w in windows))
    choices = [
        _day_choices(data, need, plan, windows, b, top, host)
        for windows, b, host in zip(agent_days, bounds, hosting, strict=True)
    ]
    new = [run for _, run in _best_lengths(data.config, plan, agent_days, choices, weekly, slot)]
    before = sum(_plain_value(data, need, plan, run) for run in old) - _target_cost(data.config, plan, _slots(old) * slot)
    after = sum(_plain_value(data, need, plan, run) for run in new) - _target_cost(data.config, plan, _slots(new) * slot)
    runs = new if after > before + IMPROVES else old
    for run in runs:
        _take(data, need, plan, run)
    if runs is old:
        del need.moves[logged:]  # nothing moved
    return runs is new


def _slots(runs: list[Run]) -> int:
    return sum(run.slots for run in runs)


def _reoptimisable(plan: AgentPlan, agent_days: list[list[FlexWindow]], rest: int, slot: int) -> bool:
    """Whether `_reoptimised` states every rule that binds the agent: none from a previous roster, no weekend limit, rest a day long at most."""
    scope = plan.scope
    if scope.history_days or scope.rules.max_weekends_per_period is not None:
        return False
    if any(w.slot_minutes != slot for windows in agent_days for w in windows):
        return False
    ends = [max(w.last for w in windows) + 1 for windows in agent_days]
    starts = [min(w.first for w in windows) for windows in agent_days]
    return all(ends[i] + rest <= starts[i + 2] for i in range(len(agent_days) - 2))


def _cuts(plan: AgentPlan, agent_days: list[list[FlexWindow]], rest: int) -> list[tuple[float, float]]:
    """Per day, the first slot its run may start in and the slot it must end by, for rest from the days either side (see `_reoptimised`).

    Where two days' windows come within a rest of each other the cut is
    the middle of the stretch where it binds both, moved where the agent's
    present runs need it.
    """
    bounds = [(-math.inf, math.inf)] * len(agent_days)
    for i in range(len(agent_days) - 1):
        end = max(w.last for w in agent_days[i]) + 1
        start = min(w.first for w in agent_days[i + 1])
        if end + rest <= start:
            continue
        cut = (start - rest + end) // 2
        earlier, later = plan.runs.get(agent_days[i][0].day), plan.runs.get(agent_days[i + 1][0].day)
        if earlier is not None:
            cut = max(cut, earlier.end)
        if later is not None:
            cut = min(cut, later.start - rest)
        bounds[i] = (bounds[i][0], cut)
        bounds[i + 1] = (cut + rest, bounds[i + 1][1])
    return bounds


def _best_lengths(
    config: Config, plan: AgentPlan, agent_days: list[list[FlexWindow]], choices: list[DayChoices], weekly: int, slot: int
) -> list[tuple[int, Run]]:
    """(day index, run) of the lengths a day that save most less the target's cost, within the weekly and daily rules.

    Week by week: a state after a day is (days in a row the week began with,
    slots worked in the week, days worked in it, days in a row up to the
    day), so one week's programme serves every way into it; the weeks are
    then joined on the slots worked before and the days in a row between
    them (`_joined`). Each step keeps where each state came from, so the
    best final state is followed back (`_backtracked`).
    """
    rules, scope = plan.scope.rules, plan.scope
    period = math.inf if rules.hours_per_period is None else math.floor(rules.hours_per_period.max * 60 + 1e-9) // slot
    row = min(rules.max_consecutive_days, len(agent_days)) + 1
    shape = (row, weekly + 1, min(rules.max_days_per_week, 7) + 1, row)
    minimums = {m: math.ceil(scope.weekly_minimum_minutes(m) / slot) for m in scope.full_weeks()}
    totals = np.full((1, row), NONE, dtype=np.float32)  # per slots worked so far and days in a row at the end
    totals[0, 0] = 0.0
    weeks: list[Week] = []
    previous: date | None = None
    for indexes in _by_week(agent_days):
        table = np.full(shape, NONE, dtype=np.float32)
        table[np.arange(row), 0, 0, np.arange(row)] = 0.0
        week = Week(indexes, joined=previous is not None and (agent_days[indexes[0]][0].day - previous).days == 1)
        for i in indexes:
            day, step = agent_days[i][0].day, Step()
            if previous is not None and i != indexes[0] and (day - previous).days > 1:
                step.reset = table.argmax(axis=3)
                table = _at_zero(table.max(axis=3), 3, table.shape)
            table, step.chosen, step.off = _worked(table, choices[i].values)
            week.steps.append(step)
            previous = day
        table = _held_to(table, minimums.get(week_monday(agent_days[indexes[0]][0].day), 0))
        week.days = table.argmax(axis=2)
        totals, week.came = _joined(totals, table.max(axis=2), week.joined)
        weeks.append(week)
    costs = np.array([_target_cost(config, plan, t * slot) for t in range(totals.shape[0])])
    final = np.where((np.arange(totals.shape[0]) <= period)[:, None], totals - costs[:, None], NONE)
    return _backtracked(choices, weeks, final)


def _by_week(agent_days: list[list[FlexWindow]]) -> list[list[int]]:
    """The indexes of `agent_days`, grouped by week in order."""
    found: dict[date, list[int]] = {}
    for i, windows in enumerate(agent_days):
        found.setdefault(week_monday(windows[0].day), []).append(i)
    return list(found.values())


@dataclass
class Step:
    """One day of `_best_lengths`: where each state after it came from."""

    reset: np.ndarray | None = None  # a day without a window before: the days in a row each state had
    chosen: np.ndarray = field(default_factory=lambda: np.zeros(0))  # the length worked (0: none)
    off: np.ndarray = field(default_factory=lambda: np.zeros(0))  # a day off: the days in a row before it


@dataclass
class Week:
    """One week of `_best_lengths`: its days' steps, and where its joined states came from."""

    indexes: list[int]
    joined: bool  # its first day follows the week before's last: the days in a row carry on
    steps: list[Step] = field(default_factory=list)
    days: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per (row in, slots, row out) the days worked
    came: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per (slots so far, row) the flat (slots before, row before)


def _joined(totals: np.ndarray, week: np.ndarray, joined: bool) -> tuple[np.ndarray, np.ndarray]:
    """The states after a week (slots so far, days in a row) from those before it and the week's (row in, slots, row out); and where each came from."""
    before, row = totals.shape
    slots = week.shape[1]
    after = np.full((before + slots - 1, row), NONE, dtype=np.float32)
    came = np.zeros(after.shape, dtype=np.int64)
    for p in range(before):
        for c in range(row):
            if totals[p, c] == NONE:
                continue
            found = totals[p, c] + week[c if joined else 0]  # (slots, row out)
            region = after[p : p + slots]
            better = found > region
            np.copyto(region, found, where=better)
            np.copyto(came[p : p + slots], p * row + c, where=better)
    return after, came


def _held_to(table: np.ndarray, minimum: int) -> np.ndarray:
    """The states whose week has at least `minimum` slots worked."""
    table = table.copy()
    table[:, :minimum] = NONE
    return table


def _at_zero(values: np.ndarray, axis: int, shape: tuple[int, ...]) -> np.ndarray:
    """A table of `shape` holding `values` at index 0 of `axis`, NONE elsewhere."""
    table = np.full(shape, NONE, dtype=np.float32)
    table[(slice(None),) * axis + (0,)] = values
    return table


def _worked(table: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The states after a day: each length's run (or none) from each state before; the length chosen, and the row a day off came from."""
    after = _at_zero(table.max(axis=3) + values[0], 3, table.shape)  # values[0]: a day off (NONE where a run must be)
    off = table.argmax(axis=3)
    chosen = np.zeros(table.shape, dtype=np.int16)
    for length in range(1, len(values)):
        if values[length] == NONE or length >= table.shape[1]:
            continue
        came = table[:, : table.shape[1] - length, :-1, :-1] + values[length]
        region = after[:, length:, 1:, 1:]
        better = came > region
        np.copyto(region, came, where=better)
        np.copyto(chosen[:, length:, 1:, 1:], length, where=better)
    return after, chosen, off


def _backtracked(choices: list[DayChoices], weeks: list[Week], final: np.ndarray) -> list[tuple[int, Run]]:
    """(day index, run) on the way to the best final state (`final`: per slots worked and days in a row, less the target's cost)."""
    total, c = (int(x) for x in np.unravel_index(int(np.argmax(final)), final.shape))
    row = final.shape[1]
    found: list[tuple[int, Run]] = []
    for week in reversed(weeks):
        before, c_before = divmod(int(week.came[total, c]), row)
        entry = c_before if week.joined else 0
        w = total - before
        d = int(week.days[entry, w, c])
        for i, step in zip(reversed(week.indexes), reversed(week.steps), strict=True):
            length = int(step.chosen[entry, w, d, c])
            if length:
                run = choices[i].runs[length]
                assert run is not None
                found.append((i, run))
                w, d, c = w - length, d - 1, c - 1
            else:
                c = int(step.off[entry, w, d])
            if step.reset is not None:
                c = int(step.reset[entry, w, d])
        total, c = before, c_before
    return found[::-1]


def _meets_minimums(plan: AgentPlan) -> bool:
    """Whether each full week keeps the agent's minimum hours."""
    if plan.scope.rules.hours_per_week.min <= 0:
        return True
    return all(plan.week_minutes(m) >= plan.scope.weekly_minimum_minutes(m) for m in plan.scope.full_weeks())


def _take(data: ModelData, need: Need, plan: AgentPlan, run: Run) -> None:
    plan.runs[run.window.day] = run
    need.take(run, _units(data.config, plan, run.channel), _roles(plan))
    need.moves.append((plan.scope.id, run.start, run.end))


def _drop(data: ModelData, need: Need, plan: AgentPlan, run: Run) -> None:
    del plan.runs[run.window.day]
    need.take(run, _units(data.config, plan, run.channel), _roles(plan), sign=-1)
    need.moves.append((plan.scope.id, run.start, run.end))


def _improved(data: ModelData, need: Need, plan: AgentPlan, day: date, windows: list[FlexWindow]) -> bool:
    """The agent-day's run replaced by the best one given every other run (or dropped, where none saves anything); whether it changed.

    The greedy order leaves runs that later ones made worth less (two
    agents on a slot one would cover): each is priced again against the
    roster without it. A change that would take a week below its minimum
    hours is not made. A mentor's run keeps covering the onboarding agents'
    runs that lie inside it (`AgentPlan.hosted`).
    """
    old = plan.runs.get(day)
    hosting = plan.hosted(day)
    logged = len(need.moves)
    if old is not None:
        _drop(data, need, plan, old)
    value, run = _best_run(data, need, plan, windows, hosting=hosting)
    kept = _run_value(data, need, plan, old) if old is not None else 0.0
    if run is None or value <= 0:
        run, value = (old, kept) if hosting is not None else (None, 0.0)
    monday = week_monday(day)
    minimum = plan.scope.weekly_minimum_minutes(monday) if monday in plan.scope.full_weeks() else 0
    if value <= kept + IMPROVES or plan.week_minutes(monday) + (run.minutes if run else 0) < minimum:
        run = old
    if run is not None:
        _take(data, need, plan, run)
    if run == old:
        del need.moves[logged:]  # nothing moved
    return run != old


def _plain_value(data: ModelData, need: Need, plan: AgentPlan, run: Run) -> float:
    """What one run saves against the roster without it, before the agent's target."""
    config, w = data.config, run.window
    offset = run.start - w.first
    gain = need.gain(config, run.channel, _units(config, plan, run.channel), _roles(plan), range(run.start, run.end))
    costs = plan.wishes[w][offset : offset + run.slots].sum() + _length_costs(config, plan.scope, w, np.array([run.slots]))[0]
    return float(gain.sum() - costs)


def _target_cost(config: Config, plan: AgentPlan, minutes: int) -> float:
    """What `minutes` worked in the period cost in the agent's target (0 without one)."""
    if plan.target is None or not config.weights.target:
        return 0.0
    return float(config.weights.target * away_units(hours_away(minutes, plan.target.minutes), config))


def _run_value(data: ModelData, need: Need, plan: AgentPlan, run: Run) -> float:
    """What one run saves against the roster without it: `_best_in_window`'s price of that start and length."""
    return _plain_value(data, need, plan, run) - float(
        _target_costs(data.config, plan, run.window)[run.slots - run.window.min_slots]
    )


def _weekly_minimums(data: ModelData, need: Need, plan: AgentPlan, days: dict[tuple[str, date], list[FlexWindow]]) -> bool:
    """Runs added, at a loss where need be, until each full week reaches the agent's minimum hours; False where none fits.

    Each added run is the one that saves most with MINIMUM_CREDIT a minute
    toward the minimum added: the longest run that still helps wins, and among
    those that reach the minimum, the cheapest.
    """
    for monday in plan.scope.full_weeks():
        while (missing := plan.scope.weekly_minimum_minutes(monday) - plan.week_minutes(monday)) > 0:
            found = [
                _best_run(data, need, plan, windows, credit=missing)
                for (agent, day), windows in days.items()
                if agent == plan.scope.id and week_monday(day) == monday
            ]
            value, run = max(found, key=lambda item: item[0], default=(NONE, None))
            if run is None:
                return False
            _take(data, need, plan, run)
    return True


def _units(config: Config, plan: AgentPlan, channel: str) -> float:
    return float(config.head_units(plan.scope.agent, channel))


def _roles(plan: AgentPlan) -> set[str]:
    return set(plan.scope.agent.roles) | set(plan.scope.agent.skills)


def _best_run(
    data: ModelData,
    need: Need,
    plan: AgentPlan,
    windows: list[FlexWindow],
    credit: int = 0,
    hosting: tuple[int, int] | None = None,
) -> tuple[float, Run | None]:
    """The agent-day's run that lowers the cost most (its value: the cost it saves), over its windows and channels.

    `credit`: minutes still missing from a weekly minimum, each worth MINIMUM_CREDIT;
    `hosting`: slots the run must cover (a mentor's, `AgentPlan.hosted`).
    """
    found: tuple[float, Run | None] = (NONE, None)
    if not plan.allows_day(windows[0].day):
        return found
    for w in windows:
        for channel in plan.scope.agent.skills:
            if channel not in need.short:
                continue
            value, run = _best_in_window(data, need, plan, w, channel, credit, hosting)
            if value > found[0]:
                found = (value, run)
    return found


def _best_in_window(
    data: ModelData,
    need: Need,
    plan: AgentPlan,
    w: FlexWindow,
    channel: str,
    credit: int = 0,
    hosting: tuple[int, int] | None = None,
) -> tuple[float, Run | None]:
    """The template-day's best run on `channel`: every start × length priced at once (prefix sums over the window's slots)."""
    starts, lengths, value = _run_values(data, need, plan, w, channel)
    value = value - _target_costs(data.config, plan, w)[None, :]
    value += MINIMUM_CREDIT * np.minimum(lengths * w.slot_minutes, credit)[None, :]
    allowed = _allowed(plan, w, starts, lengths, hosting=hosting)
    if not allowed.any():
        return NONE, None
    value = np.where(allowed, value, NONE)
    i, j = np.unravel_index(int(np.argmax(value)), value.shape)
    return float(value[i, j]), Run(w, int(starts[i] + w.first), int(lengths[j]), channel)


def _run_values(
    data: ModelData, need: Need, plan: AgentPlan, w: FlexWindow, channel: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The window's starts and lengths (slots from its first), and per start × length what the run saves before the agent's target."""
    config, scope = data.config, plan.scope
    if w not in plan.wishes:
        plan.wishes[w] = _wish_costs(data, scope, w)
    saved = need.gain(config, channel, _units(config, plan, channel), _roles(plan), w.slots) - plan.wishes[w]
    saved_sum = np.concatenate(([0.0], np.cumsum(saved)))
    starts = np.array([k - w.first for k in w.starts])
    lengths = np.arange(w.min_slots, w.max_slots + 1)
    ends = np.minimum(starts[:, None] + lengths[None, :], len(w.slots))
    value = saved_sum[ends] - saved_sum[starts][:, None] - _length_costs(config, scope, w, lengths)[None, :]
    return starts, lengths, value


def _allowed(
    plan: AgentPlan,
    w: FlexWindow,
    starts: np.ndarray,
    lengths: np.ndarray,
    bounds: tuple[float, float] | None = None,
    hosting: tuple[int, int] | None = None,
) -> np.ndarray:
    """Per start × length (slots from the window's first), whether the agent's rules allow that run.

    `bounds`: the first slot a run may start in and the slot it must end by,
    in place of rest from the agent's other runs; `hosting`: slots the run
    must cover (a mentor's, `AgentPlan.hosted`).
    """
    scope = plan.scope
    closed_sum = _closed_sum(plan, w)
    ends = starts[:, None] + lengths[None, :]
    allowed = ends <= len(w.slots)
    ends = np.minimum(ends, len(w.slots))
    allowed &= closed_sum[ends] - closed_sum[starts][:, None] == 0
    earliest, latest = bounds or plan.rest_bounds(w.day, math.ceil(scope.rules.min_rest_hours * 60 / w.slot_minutes))
    first, after = starts[:, None] + w.first, ends + w.first
    allowed &= (first >= earliest) & (after <= latest)
    allowed &= (lengths * w.slot_minutes <= plan.minutes_left(w.day))[None, :]
    if hosting is not None:
        allowed &= (first <= hosting[0]) & (after >= hosting[1])
    if scope.agent.mentors:  # inside one mentor's run (none: no run)
        inside = [(first >= begin) & (after <= end) for begin, end in plan.mentored(w.day)]
        allowed &= np.logical_or.reduce(inside or [np.zeros_like(allowed)])
    return allowed


def _closed_sum(plan: AgentPlan, w: FlexWindow) -> np.ndarray:
    """The window's slots closed to the agent (`unavailable`), counted up to each slot (from its first)."""
    if w not in plan.closed:
        closed = np.zeros(len(w.slots))
        for k in plan.scope.closed_slots.get(w, {}):
            closed[k - w.first] = 1
        plan.closed[w] = np.concatenate(([0.0], np.cumsum(closed)))
    return plan.closed[w]


def _open_over(plan: AgentPlan, w: FlexWindow, first: int, after: int) -> bool:
    """Whether the agent may work any slot from `first` to before `after` in the window."""
    low, high = max(first, w.first) - w.first, min(after, w.last + 1) - w.first
    if low >= high:
        return False
    closed = _closed_sum(plan, w)
    return bool(closed[high] - closed[low] < high - low)


def _wish_costs(data: ModelData, scope: AgentScope, w: FlexWindow) -> np.ndarray:
    """Per slot of the window, what `avoid` and not-preferred hours cost (each slot rounded alone, as the model prices it)."""
    ranges = scope.availability
    if ranges is None:
        return np.zeros(len(w.slots))
    origin, seconds = data.grid.start.timestamp(), 60 * data.grid.minutes  # plain datetimes: pendulum's add is slow here

    def at(k: int) -> datetime:
        return datetime.fromtimestamp(origin + seconds * k, UTC)

    return np.array([ranges.cost(at(k), at(k + 1), data.config.weights) for k in w.slots], dtype=np.float64)


def _length_costs(config: Config, scope: AgentScope, w: FlexWindow, lengths: np.ndarray) -> np.ndarray:
    """Per run length, what its hours away from the agent's `preferred_hours` cost."""
    preferred = scope.agent.preferred_hours
    if preferred is None or not config.weights.shift_length:
        return np.zeros(len(lengths))
    return config.weights.shift_length * _hours_away(lengths * w.slot_minutes, round(preferred * 60))


def _target_costs(config: Config, plan: AgentPlan, w: FlexWindow) -> np.ndarray:
    """Per run length, how much the run changes the cost of the agent's hours away from their `workload` target."""
    lengths = np.arange(w.min_slots, w.max_slots + 1)
    if plan.target is None or not config.weights.target:
        return np.zeros(len(lengths))
    worked, target = plan.worked_minutes(), plan.target.minutes
    after = _hours_away(worked + lengths * w.slot_minutes, target)
    linear = config.workload is not None and config.workload.cost == "linear"
    units = after if linear else after * after
    return config.weights.target * (units - away_units(hours_away(worked, target), config)).astype(np.float64)


def _hours_away(minutes: np.ndarray, target: int) -> np.ndarray:
    """coverage.targets.hours_away of each of `minutes`: whole hours to the nearest, half hours up."""
    return (np.abs(minutes - target) + 60 - HALF_HOUR) // 60


def _assignment(grid: Grid, scope: AgentScope, run: Run) -> Assignment:
    w = run.window
    return Assignment(scope.id, w.site, run.channel, w.shift, w.day, slot_start(grid, run.start), slot_start(grid, run.end))
