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
dynamic programming (`_reoptimised`), in rounds until nothing changes;
then ejection chains (coverage.solve.first_chains) move several agents at
once where no single move or pair pays. The prices and the moves that take
and drop runs are coverage.solve.first_prices'. On the 60-agent part-time
team that takes some seconds (benchmarks/notes/part-time-team.md,
"Transfers and whole periods", "Ejection chains").

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
from datetime import date, timedelta

import numpy as np

from coverage.config.schema import Config
from coverage.roster import Assignment, Roster
from coverage.solve.data import ModelData
from coverage.solve.first_chains import chain_sweep
from coverage.solve.first_prices import (
    IMPROVES,
    NONE,
    AgentPlan,
    Need,
    Run,
    allowed_runs,
    best_run,
    drop_run,
    meets_minimums,
    mentees_covered,
    open_slots,
    plain_value,
    run_value,
    run_values,
    take_run,
    target_cost,
)
from coverage.solve.scope import AgentScope
from coverage.targets import agent_targets, away_units, hours_away
from coverage.time import FlexWindow, Grid, slot_start, week_monday

IMPROVING_PASSES = 3  # over every agent-day, each run priced again against the others (`_improved`)
TRANSFER_SWEEPS = 8  # at most: sweeps of `_transfers`, each followed by the improving passes
CHAIN_SWEEPS = 4  # at most: sweeps of ejection chains (coverage.solve.first_chains) after the rounds, each followed by improving passes and whole periods
ROUNDS = 4  # at most: transfer sweeps until none is kept, then a pass of `_whole_periods`; again until that changes nothing


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
    chained: int | None = None  # where in the log of moves the chain sweep before began
    for _ in range(CHAIN_SWEEPS):
        began = len(need.moves)
        only = None if chained is None else set(_affected(plans, days, need.moves[chained:]))
        chained = began
        if _past(deadline) or not chain_sweep(data, need, plans, days, deadline, only):
            break
        _improving_passes(data, need, plans, days, since=began)
        _whole_periods(data, need, plans, days)
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
        value, run = best_run(data, need, plans[agent], days[keys[index]])
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
        take_run(data, need, plan, run)
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
    opens = {key: _open_sum(plans[key[0]], windows) for key, windows in days.items()}
    for (agent, day), windows in days.items():
        plan = plans[agent]
        for other in (o for shift in (-1, 0, 1) for o in by_date.get(day + timedelta(days=shift), ())):
            run = plan.runs.get(day)
            if run is None:
                break
            if changed is not None and (agent, day) not in changed and other not in changed:
                continue
            if other[0] == agent or not _open_in(opens[other], run.start, run.end):
                continue
            if costs[agent][0] <= costs[other[0]][1]:
                continue
            if _transferred(data, need, plan, windows, plans[other[0]], days[other]):
                kept += 1
                costs[agent], costs[other[0]] = _hour_costs(data.config, plan), _hour_costs(data.config, plans[other[0]])
    return kept


def _open_sum(plan: AgentPlan, windows: list[FlexWindow]) -> tuple[int, np.ndarray]:
    """The agent-day's first window slot, and from there its slots open in any window (a window there, not closed) counted up to each.

    Closed slots never change: counted once a sweep, where a transfer sweep
    asked `open_over` of each window of some 400,000 pairs on the 60-agent team.
    """
    low, high = min(w.first for w in windows), max(w.last for w in windows) + 1
    found = np.zeros(high - low, dtype=bool)
    for w in windows:
        found[w.first - low : w.last + 1 - low] |= open_slots(plan, w)
    return low, np.concatenate(([0], np.cumsum(found)))


def _open_in(opened: tuple[int, np.ndarray], first: int, after: int) -> bool:
    """Whether any slot from `first` to before `after` is open to the agent-day (`_open_sum`)."""
    low, counted = opened
    a, b = min(max(first - low, 0), len(counted) - 1), min(max(after - low, 0), len(counted) - 1)
    return bool(counted[b] > counted[a])


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
    drop_run(data, need, giver, gave)
    before = run_value(data, need, giver, gave)
    if took is not None:
        drop_run(data, need, taker, took)
        before += run_value(data, need, taker, took)
    after, laid = 0.0, []
    hosts = True  # each mentor's new run covers the onboarding agents' runs its old one did
    for plan, windows in ((taker, taker_windows), (giver, giver_windows)):
        value, run = best_run(data, need, plan, windows, hosting=hosting[id(plan)])
        if run is not None and value > 0:
            take_run(data, need, plan, run)
            after += value
            laid.append((plan, run))
        else:
            hosts = hosts and hosting[id(plan)] is None
    kept = hosts and after > before + IMPROVES and meets_minimums(giver) and meets_minimums(taker)
    if kept and mentees_covered((giver, taker), (giver_day, taker_day)):
        return True
    for plan, run in laid:  # the two old runs back
        drop_run(data, need, plan, run)
    if took is not None:
        take_run(data, need, taker, took)
    take_run(data, need, giver, gave)
    del need.moves[logged:]  # nothing moved
    return False


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
            starts, lengths, value = run_values(data, need, plan, w, channel)
            value = np.where(allowed_runs(plan, w, starts, lengths, bounds, hosting), value, NONE)
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
        drop_run(data, need, plan, run)
    weekly = math.floor(rules.hours_per_week.max * 60 + 1e-9) // slot
    top = min(weekly, max(w.max_slots for windows in agent_days for w in windows))
    choices = [
        _day_choices(data, need, plan, windows, b, top, host)
        for windows, b, host in zip(agent_days, bounds, hosting, strict=True)
    ]
    new = [run for _, run in _best_lengths(data.config, plan, agent_days, choices, weekly, slot)]
    before = sum(plain_value(data, need, plan, run) for run in old) - target_cost(data.config, plan, _slots(old) * slot)
    after = sum(plain_value(data, need, plan, run) for run in new) - target_cost(data.config, plan, _slots(new) * slot)
    runs = new if after > before + IMPROVES else old
    for run in runs:
        take_run(data, need, plan, run)
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
    costs = np.array([target_cost(config, plan, t * slot) for t in range(totals.shape[0])])
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
        drop_run(data, need, plan, old)
    value, run = best_run(data, need, plan, windows, hosting=hosting)
    kept = run_value(data, need, plan, old) if old is not None else 0.0
    if run is None or value <= 0:
        run, value = (old, kept) if hosting is not None else (None, 0.0)
    monday = week_monday(day)
    minimum = plan.scope.weekly_minimum_minutes(monday) if monday in plan.scope.full_weeks() else 0
    if value <= kept + IMPROVES or plan.week_minutes(monday) + (run.minutes if run else 0) < minimum:
        run = old
    if run is not None:
        take_run(data, need, plan, run)
    if run == old:
        del need.moves[logged:]  # nothing moved
    return run != old


def _weekly_minimums(data: ModelData, need: Need, plan: AgentPlan, days: dict[tuple[str, date], list[FlexWindow]]) -> bool:
    """Runs added, at a loss where need be, until each full week reaches the agent's minimum hours; False where none fits.

    Each added run is the one that saves most with MINIMUM_CREDIT a minute
    toward the minimum added: the longest run that still helps wins, and among
    those that reach the minimum, the cheapest.
    """
    for monday in plan.scope.full_weeks():
        while (missing := plan.scope.weekly_minimum_minutes(monday) - plan.week_minutes(monday)) > 0:
            found = [
                best_run(data, need, plan, windows, credit=missing)
                for (agent, day), windows in days.items()
                if agent == plan.scope.id and week_monday(day) == monday
            ]
            value, run = max(found, key=lambda item: item[0], default=(NONE, None))
            if run is None:
                return False
            take_run(data, need, plan, run)
    return True


def _assignment(grid: Grid, scope: AgentScope, run: Run) -> Assignment:
    w = run.window
    return Assignment(scope.id, w.site, run.channel, w.shift, w.day, slot_start(grid, run.start), slot_start(grid, run.end))
