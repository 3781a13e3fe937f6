"""The prices and moves shared by the constructed roster's steps (coverage.solve.first_runs) and its ejection chains (coverage.solve.first_chains).

A run's value is what it saves against the roster without it, in the
objective's own weights: slots short and uncovered, a `mix` head missing,
overstaffing, the agent's `avoid` / not-preferred hours, the hours away from
`preferred_hours`, and the change in the agent's `workload` target cost. So
a move that drops runs and takes others changes the model's cost by exactly
what the new runs save less what the old ones did, each priced against the
roster at its step (the weekend spread excepted: it is not priced here).
`Need` is what the roster still lacks, `AgentPlan` one agent's runs and what
their rules leave; `best_run` finds an agent-day's best run within them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np

from coverage.config.schema import HEAD_UNITS, Config
from coverage.solve.data import ModelData
from coverage.solve.first_counts import Residual
from coverage.solve.scope import AgentScope
from coverage.targets import HALF_HOUR, AgentTarget, away_units, hours_away
from coverage.time import FlexWindow, week_monday

NONE = -math.inf
MINIMUM_CREDIT = 1_000_000  # per minute toward a weekly minimum: more than any run can save or cost
IMPROVES = 1e-6  # a replacement must save more than the run it replaces by this much (no churn between equals)

_monday = functools.lru_cache(maxsize=None)(week_monday)  # asked some 700,000 times a construction of the 60-agent team


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
        low, high = max(slots.start, 0), min(slots.stop, len(self.short[channel]))  # `slots` a step of one
        if low >= high:
            return found
        at = slice(low, high)
        short, covered, required = np.maximum(self.short[channel][at], 0), self.covered[channel][at], self.required[channel][at]
        saved = weights.understaffed * np.minimum(short, units) / HEAD_UNITS
        saved -= weights.overstaffed * np.maximum(units - short, 0) / HEAD_UNITS
        saved += np.where((covered <= 0) & (required > 0), weights.uncovered, 0)
        for (mixed, role), missing in self.mix.items():
            if mixed == channel and role in roles:
                saved += np.where(missing[at] > 0, weights.mix, 0)
        found[low - slots.start : high - slots.start] = saved
        return found

    def take(self, run: Run, units: float, roles: set[str], sign: int = 1) -> None:
        """The run's agent on duty (sign 1), or off it again (sign −1)."""
        at = slice(max(run.start, 0), min(run.end, len(self.short[run.channel])))
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
    open_runs: dict[FlexWindow, np.ndarray] = field(default_factory=dict)  # per window, start × length: inside it, no closed slot
    mentors: list[AgentPlan] = field(default_factory=list)  # an onboarding agent's: a run lies inside one of their runs
    mentees: list[AgentPlan] = field(default_factory=list)  # a mentor's onboarding agents
    weeks: dict[date, int] = field(default_factory=dict)  # minutes worked per week (its Monday), kept by `put` and `remove`

    def put(self, run: Run) -> None:
        """The run worked on its day (`take_run`): the week's minutes kept with it, as every price reads them."""
        self.runs[run.window.day] = run
        monday = _monday(run.window.day)
        self.weeks[monday] = self.weeks.get(monday, 0) + run.minutes

    def remove(self, run: Run) -> None:
        """The run's day off again (`drop_run`)."""
        del self.runs[run.window.day]
        self.weeks[_monday(run.window.day)] -= run.minutes

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
        return sum(self.weeks.values())

    def week_minutes(self, monday: date) -> int:
        return self.weeks.get(monday, 0)

    def allows_day(self, day: date) -> bool:
        """Whether another run on `day` keeps the days a week, days in a row and weekends."""
        rules = self.scope.rules
        if day in self.runs:
            return False
        monday = _monday(day)
        worked = set(self.runs) | set(self.scope.history_days)  # the previous roster's days count, as in the model
        if sum(1 for d in worked if _monday(d) == monday) >= rules.max_days_per_week:
            return False
        before = next(k for k in range(1, len(worked) + 2) if day - timedelta(days=k) not in worked) - 1
        after = next(k for k in range(1, len(worked) + 2) if day + timedelta(days=k) not in worked) - 1
        if before + 1 + after > rules.max_consecutive_days:
            return False
        limit = rules.max_weekends_per_period
        if limit is not None and day.isoweekday() in self.weekend:
            first = week_monday(self.scope.site_days[0]) if self.scope.site_days else monday
            # the period's weekends, one begun in the previous roster included (the model counts it as worked)
            weekends = {_monday(d) for d in worked if d.isoweekday() in self.weekend and _monday(d) >= first}
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
        left = math.floor(rules.hours_per_week.max * 60 + 1e-9) - self.week_minutes(_monday(day))
        if rules.hours_per_period is not None:
            left = min(left, math.floor(rules.hours_per_period.max * 60 + 1e-9) - self.worked_minutes())
        return left


def mentees_covered(plans: tuple[AgentPlan, ...], days: tuple[date, ...]) -> bool:
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


def meets_minimums(plan: AgentPlan) -> bool:
    """Whether each full week keeps the agent's minimum hours."""
    if plan.scope.rules.hours_per_week.min <= 0:
        return True
    return all(plan.week_minutes(m) >= plan.scope.weekly_minimum_minutes(m) for m in plan.scope.full_weeks())


def take_run(data: ModelData, need: Need, plan: AgentPlan, run: Run) -> None:
    plan.put(run)
    need.take(run, units_of(data.config, plan, run.channel), roles_of(plan))
    need.moves.append((plan.scope.id, run.start, run.end))


def drop_run(data: ModelData, need: Need, plan: AgentPlan, run: Run) -> None:
    plan.remove(run)
    need.take(run, units_of(data.config, plan, run.channel), roles_of(plan), sign=-1)
    need.moves.append((plan.scope.id, run.start, run.end))


def plain_value(data: ModelData, need: Need, plan: AgentPlan, run: Run) -> float:
    """What one run saves against the roster without it, before the agent's target."""
    config, w = data.config, run.window
    offset = run.start - w.first
    gain = need.gain(config, run.channel, units_of(config, plan, run.channel), roles_of(plan), range(run.start, run.end))
    costs = (
        plan.wishes[w][offset : offset + run.slots].sum() + _window_length_costs(config, plan.scope, w)[run.slots - w.min_slots]
    )
    return float(gain.sum() - costs)


def target_cost(config: Config, plan: AgentPlan, minutes: int) -> float:
    """What `minutes` worked in the period cost in the agent's target (0 without one)."""
    if plan.target is None or not config.weights.target:
        return 0.0
    return float(config.weights.target * away_units(hours_away(minutes, plan.target.minutes), config))


def run_value(data: ModelData, need: Need, plan: AgentPlan, run: Run) -> float:
    """What one run saves against the roster without it: `best_in_window`'s price of that start and length."""
    return plain_value(data, need, plan, run) - float(
        _target_costs(data.config, plan, run.window)[run.slots - run.window.min_slots]
    )


def units_of(config: Config, plan: AgentPlan, channel: str) -> float:
    return float(config.head_units(plan.scope.agent, channel))


def roles_of(plan: AgentPlan) -> set[str]:
    return set(plan.scope.agent.roles) | set(plan.scope.agent.skills)


def best_run(
    data: ModelData,
    need: Need,
    plan: AgentPlan,
    windows: list[FlexWindow],
    credit: int = 0,
    hosting: tuple[int, int] | None = None,
    within: tuple[float, float] | None = None,
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
            value, run = best_in_window(data, need, plan, w, channel, credit, hosting, within)
            if value > found[0]:
                found = (value, run)
    return found


def best_in_window(
    data: ModelData,
    need: Need,
    plan: AgentPlan,
    w: FlexWindow,
    channel: str,
    credit: int = 0,
    hosting: tuple[int, int] | None = None,
    within: tuple[float, float] | None = None,
) -> tuple[float, Run | None]:
    """The template-day's best run on `channel`: every start × length priced at once (prefix sums over the window's slots).

    `within`: the first slot the run may start in and the slot it must end
    by, besides rest from the agent's other runs (an ejection chain's root).
    """
    starts, lengths, value = run_values(data, need, plan, w, channel)
    value = value - _target_costs(data.config, plan, w)[None, :]
    if credit:
        value += MINIMUM_CREDIT * np.minimum(lengths * w.slot_minutes, credit)[None, :]
    bounds = None
    if within is not None:
        earliest, latest = plan.rest_bounds(w.day, rest_slots(plan, w))
        bounds = (max(earliest, within[0]), min(latest, within[1]))
    allowed = allowed_runs(plan, w, starts, lengths, bounds=bounds, hosting=hosting)
    if not allowed.any():
        return NONE, None
    value = np.where(allowed, value, NONE)
    i, j = np.unravel_index(int(np.argmax(value)), value.shape)
    return float(value[i, j]), Run(w, int(starts[i] + w.first), int(lengths[j]), channel)


def run_values(
    data: ModelData, need: Need, plan: AgentPlan, w: FlexWindow, channel: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The window's starts and lengths (slots from its first), and per start × length what the run saves before the agent's target."""
    config, scope = data.config, plan.scope
    if w not in plan.wishes:
        plan.wishes[w] = _wish_costs(data, scope, w)
    saved = need.gain(config, channel, units_of(config, plan, channel), roles_of(plan), w.slots) - plan.wishes[w]
    saved_sum = np.concatenate(([0.0], np.cumsum(saved)))
    starts, lengths, ends = _shape(w)
    value = saved_sum[ends] - saved_sum[starts][:, None] - _window_length_costs(config, scope, w)[None, :]
    return starts, lengths, value


@functools.lru_cache(maxsize=4096)
def _shape(w: FlexWindow) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The window's starts and lengths (slots from its first), and per start × length the slot after the run, held to the window."""
    starts = np.array([k - w.first for k in w.starts])
    lengths = np.arange(w.min_slots, w.max_slots + 1)
    return starts, lengths, np.minimum(starts[:, None] + lengths[None, :], len(w.slots))


def allowed_runs(
    plan: AgentPlan,
    w: FlexWindow,
    starts: np.ndarray,
    lengths: np.ndarray,
    bounds: tuple[float, float] | None = None,
    hosting: tuple[int, int] | None = None,
) -> np.ndarray:
    """Per start × length (slots from the window's first: `starts` and `lengths` are `_shape`'s), whether the agent's rules allow that run.

    `bounds`: the first slot a run may start in and the slot it must end by,
    in place of rest from the agent's other runs; `hosting`: slots the run
    must cover (a mentor's, `AgentPlan.hosted`).
    """
    scope = plan.scope
    allowed = _open_runs(plan, w, starts, lengths)  # shared and read-only: each rule below makes a new array
    first, after = _reach(w)
    earliest, latest = bounds or plan.rest_bounds(w.day, rest_slots(plan, w))
    if earliest > -math.inf:  # a rule that binds no run is not applied (most prices have no run before or after)
        allowed = allowed & (first >= earliest)
    if latest < math.inf:
        allowed = allowed & (after <= latest)
    left = plan.minutes_left(w.day)
    if left < w.max_slots * w.slot_minutes:
        allowed = allowed & (lengths * w.slot_minutes <= left)[None, :]
    if hosting is not None:
        allowed = allowed & (first <= hosting[0]) & (after >= hosting[1])
    if scope.agent.mentors:  # inside one mentor's run (none: no run)
        inside = [(first >= begin) & (after <= end) for begin, end in plan.mentored(w.day)]
        allowed = allowed & np.logical_or.reduce(inside or [np.zeros_like(allowed)])
    return allowed


@functools.lru_cache(maxsize=4096)
def _reach(w: FlexWindow) -> tuple[np.ndarray, np.ndarray]:
    """Per start (a column) and per start × length, the run's first slot and the slot after it on the grid (`_shape`'s, held to the window)."""
    starts, _, ends = _shape(w)
    first, after = starts[:, None] + w.first, ends + w.first
    first.setflags(write=False)
    after.setflags(write=False)
    return first, after


def _open_runs(plan: AgentPlan, w: FlexWindow, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Per start × length, whether the run lies inside the window and works no closed slot (kept per window: it never changes)."""
    if w not in plan.open_runs:
        closed_sum = _closed_sum(plan, w)
        ends = starts[:, None] + lengths[None, :]
        inside = ends <= len(w.slots)
        ends = np.minimum(ends, len(w.slots))
        plan.open_runs[w] = inside & (closed_sum[ends] - closed_sum[starts][:, None] == 0)
        plan.open_runs[w].setflags(write=False)
    return plan.open_runs[w]


def rest_slots(plan: AgentPlan, w: FlexWindow) -> int:
    """The agent's minimum rest in the window's slots."""
    return math.ceil(plan.scope.rules.min_rest_hours * 60 / w.slot_minutes)


def _closed_sum(plan: AgentPlan, w: FlexWindow) -> np.ndarray:
    """The window's slots closed to the agent (`unavailable`), counted up to each slot (from its first)."""
    if w not in plan.closed:
        closed = np.zeros(len(w.slots))
        for k in plan.scope.closed_slots.get(w, {}):
            closed[k - w.first] = 1
        plan.closed[w] = np.concatenate(([0.0], np.cumsum(closed)))
    return plan.closed[w]


def open_over(plan: AgentPlan, w: FlexWindow, first: int, after: int) -> bool:
    """Whether the agent may work any slot from `first` to before `after` in the window."""
    low, high = max(first, w.first) - w.first, min(after, w.last + 1) - w.first
    if low >= high:
        return False
    closed = _closed_sum(plan, w)
    return bool(closed[high] - closed[low] < high - low)


def open_slots(plan: AgentPlan, w: FlexWindow) -> np.ndarray:
    """Per slot of the window, whether the agent may work it (`open_over` of each slot at once)."""
    return np.diff(_closed_sum(plan, w)) == 0


def _wish_costs(data: ModelData, scope: AgentScope, w: FlexWindow) -> np.ndarray:
    """Per slot of the window, what `avoid` and not-preferred hours cost (each slot rounded alone, as the model prices it)."""
    ranges = scope.availability
    if ranges is None:
        return np.zeros(len(w.slots))
    origin, seconds = data.grid.start.timestamp(), 60 * data.grid.minutes  # plain datetimes: pendulum's add is slow here

    def at(k: int) -> datetime:
        return datetime.fromtimestamp(origin + seconds * k, UTC)

    return np.array([ranges.cost(at(k), at(k + 1), data.config.weights) for k in w.slots], dtype=np.float64)


def _window_length_costs(config: Config, scope: AgentScope, w: FlexWindow) -> np.ndarray:
    """Per run length of the window (from its shortest), what its hours away from the agent's `preferred_hours` cost;
    kept per preference and window shape (read-only)."""
    preferred = scope.agent.preferred_hours
    minutes = None if preferred is None else round(preferred * 60)
    return _length_row(config.weights.shift_length, minutes, w.min_slots, w.max_slots, w.slot_minutes)


@functools.lru_cache(maxsize=4096)
def _length_row(weight: int, preferred: int | None, low: int, high: int, slot_minutes: int) -> np.ndarray:
    """Per length from `low` to `high` slots, what its hours away from `preferred` minutes cost (read-only: shared)."""
    lengths = np.arange(low, high + 1)
    row = np.zeros(len(lengths)) if preferred is None or not weight else weight * _hours_away(lengths * slot_minutes, preferred)
    row.setflags(write=False)
    return row


def _target_costs(config: Config, plan: AgentPlan, w: FlexWindow) -> np.ndarray:
    """Per run length, how much the run changes the cost of the agent's hours away from their `workload` target."""
    if plan.target is None or not config.weights.target:
        return np.zeros(w.max_slots - w.min_slots + 1)
    linear = config.workload is not None and config.workload.cost == "linear"
    return target_row(
        config.weights.target, linear, plan.worked_minutes(), plan.target.minutes, w.min_slots, w.max_slots, w.slot_minutes
    )


@functools.lru_cache(maxsize=65536)
def target_row(weight: int, linear: bool, worked: int, target: int, low: int, high: int, slot_minutes: int) -> np.ndarray:
    """`_target_costs` for `worked` minutes so far, kept: a construction asks the same few dozen rows of each agent again and again (read-only)."""
    lengths = np.arange(low, high + 1)
    after = _hours_away(worked + lengths * slot_minutes, target)
    now = hours_away(worked, target)
    units = after - now if linear else after * after - now * now
    row = weight * units.astype(np.float64)
    row.setflags(write=False)
    return row


def _hours_away(minutes: np.ndarray, target: int) -> np.ndarray:
    """coverage.targets.hours_away of each of `minutes`: whole hours to the nearest, half hours up."""
    return (np.abs(minutes - target) + 60 - HALF_HOUR) // 60
