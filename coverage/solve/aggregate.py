"""Headcounts first: the roster model with interchangeable agents counted, not named.

A big team is mostly groups of agents who look the same to the coverage
terms: same site, same skills (and, on a channel that counts weight, the
same weight). Counting how many of a group work each shift
occurrence, instead of deciding who, shrinks 200 agents x 28 days x 6
options to a few thousand integers. Every constraint below is implied by the
individual rules (summed over the group's agents), and the dropped objective
terms (wishes, fairness) are never negative, so the optimum of this model is
a lower bound on the roster's cost — a proven bound that CP-SAT's own LP on
the full model reaches only slowly, if at all. Its headcounts are also the
targets the individual rostering starts from (see `staged`).

Composed like the roster model, from (model, data, variables): the counts
(`Counts`), each group's rules summed over its agents (`add_group_rules`),
and the roster model's own coverage terms (coverage.solve.objective), which
read counts as they read an agent's choices.

Later periods, re-plans and hiring keep it a relaxation:

- history (`history:`): each agent's boundary state (coverage.boundary)
  is folded into the sums — days the previous roster already works are not
  free, a first-day shift too close to the previous roster's last one is not
  free for that agent, and the previous roster's days, hours and nights in
  the period's first week come off that agent's weekly limits (and off its
  weekly minimum: the roster's week may already be partly worked);
- `--keep`: an agent who works an occurrence the kept roster did not, or
  leaves one it did, makes one change, so a group whose headcount moves from
  the kept roster's by k makes at least k changes: that much is priced;
- hiring: each candidate is an optional member of its site's group, with
  its own "hired" literal; its share of every sum counts only if hired, and
  the hires cost what they cost in the roster model.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

import pendulum
from ortools.sat.python import cp_model

from coverage.config.schema import HEAD_UNITS, Agent, Config
from coverage.demand import Requirements
from coverage.roster import Roster, paid_minutes
from coverage.solve.data import Hiring, ModelData, Option
from coverage.solve.objective import Objective
from coverage.solve.scope import AgentScope
from coverage.solve.variables import Breaks, LinearExpr
from coverage.time import ShiftInstance, break_starts, week_monday

Hired = Mapping[str, cp_model.IntVar]  # candidate agent id -> 1 when hired (empty without hiring)


@dataclass
class Group:
    """Agents of one site with the same skills: the unit the headcounts count.

    `available` and `present` count the members who are always there;
    candidates (possible hires) are listed apart, per occurrence and day,
    since they count only if hired.
    """

    key: str
    site: str
    skills: tuple[str, ...]
    units: tuple[int, ...] = ()  # per skill, hundredths of a person each member adds (coverage on a `count_weight` channel)
    scopes: list[AgentScope] = field(default_factory=list)
    available: dict[ShiftInstance, int] = field(default_factory=lambda: defaultdict(int))  # agents free for it
    present: dict[date, int] = field(default_factory=lambda: defaultdict(int))  # agents free for some shift that day
    optional: set[str] = field(default_factory=set)  # candidates among the scopes
    optional_at: dict[ShiftInstance, list[str]] = field(default_factory=lambda: defaultdict(list))
    optional_on: dict[date, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, scope: AgentScope, optional: bool = False) -> None:
        self.scopes.append(scope)
        free = free_occurrences(scope)
        if optional:
            self.optional.add(scope.id)
        for s in free:
            if optional:
                self.available[s] += 0  # the occurrence exists for the group
                self.optional_at[s].append(scope.id)
            else:
                self.available[s] += 1
        for d in {s.day for s in free}:
            if optional:
                self.optional_on[d].append(scope.id)
            else:
                self.present[d] += 1

    def days_free(self, scope: AgentScope, monday: date) -> int:
        return len({s.day for s in scope.available if week_monday(s.day) == monday})

    def total(self, per_agent: Callable[[AgentScope], int], hired: Hired) -> LinearExpr:
        """The sum of an agent's limit over the group: a candidate's counts only if hired (an int without candidates)."""
        fixed = sum(per_agent(scope) for scope in self.scopes if scope.id not in self.optional)
        if not self.optional:
            return fixed
        return fixed + sum(per_agent(scope) * hired[scope.id] for scope in self.scopes if scope.id in self.optional)

    def most_at(self, s: ShiftInstance, hired: Hired) -> LinearExpr:
        """How many members can work occurrence `s`."""
        return self.available[s] + sum(hired[c] for c in self.optional_at.get(s, ()))

    def most_on(self, d: date, hired: Hired) -> LinearExpr:
        """How many members can work on day `d`."""
        return self.present[d] + sum(hired[c] for c in self.optional_on.get(d, ()))


def free_occurrences(scope: AgentScope) -> list[ShiftInstance]:
    """The occurrences the agent may work here: available, and not kept off by the previous roster's last shifts."""
    kept_off = _kept_off_by_history(scope)
    return [s for s in scope.available if s not in kept_off]


def _kept_off_by_history(scope: AgentScope) -> set[ShiftInstance]:
    """Occurrences the agent is free for but may not work after the previous roster's shifts: too little rest, a forbidden succession.

    The roster model states these as rules (coverage.solve.rules, `_min_rest`
    and `_forbidden_successions`); here they only make the agent not free.
    """
    if scope.boundary is None or not scope.boundary.shifts:
        return set()
    rest = scope.rules.min_rest_hours * 3600
    pairs = set(scope.rules.forbidden_successions)
    off = set()
    for before in scope.boundary.shifts:
        starts, free_from = before.start_utc.timestamp(), before.end_utc.timestamp() + rest
        for s in scope.available:
            begins = s.start_utc.timestamp()
            if starts <= begins < free_from or (s.day == before.day + timedelta(days=1) and (before.shift, s.shift) in pairs):
                off.add(s)
    return off


def groups_of(
    scopes: list[AgentScope], optional: Collection[str] = (), head_units: Callable[[Agent, str], int] | None = None
) -> list[Group]:
    """Agents by site, skills and (where a channel counts weight) what each counts for; `optional` ids (candidates) join their group as optional members.

    Agents who count differently toward a channel's coverage are not
    interchangeable, so they are never counted together: a group's count
    times its members' weight is then exactly what they cover.
    """
    found: dict[tuple[str, tuple[str, ...], tuple[int, ...]], Group] = {}
    for scope in scopes:
        skills = tuple(sorted(scope.agent.skills))
        units = tuple(head_units(scope.agent, c) for c in skills) if head_units is not None else (HEAD_UNITS,) * len(skills)
        key = (scope.agent.site, skills, units)
        if key not in found:
            weighed = "" if set(units) <= {HEAD_UNITS} else f"@{scope.agent.weight:g}"
            found[key] = Group(f"{scope.agent.site}/{'+'.join(skills)}{weighed}", scope.agent.site, skills, units)
        found[key].add(scope, optional=scope.id in optional)
    return list(found.values())


class Counts:
    """The relaxation's variables: `choices` maps (group, occurrence, channel) to how many of the group work it.

    A group's counts (and its break counts) are made the first time they are
    asked for (`of`), group by group as the model states each group's rules;
    `choices` and `breaks` make any group not yet asked for, in order. They
    read like the roster's choices to the coverage and `cover` terms
    (coverage.solve.objective), which only ever sum the variables of an
    occurrence and channel.
    """

    def __init__(self, model: cp_model.CpModel, data: ModelData):
        self._model = model
        self._data = data
        candidates = data.hiring.costs if data.hiring is not None else {}
        self.groups = tuple(groups_of(list(data.scopes), candidates, data.config.head_units))
        self._units = {(group.key, channel): units for group in self.groups for channel, units in zip(group.skills, group.units)}
        self._made: dict[str, dict[ShiftInstance, list[cp_model.IntVar]]] = {}
        self._choices: dict[Option, cp_model.IntVar] = {}
        self._breaks: dict[Option, tuple[tuple[pendulum.DateTime, cp_model.IntVar], ...]] = {}
        self._hired = _add_hiring(model, data.hiring)

    def of(self, group: Group) -> Mapping[ShiftInstance, list[cp_model.IntVar]]:
        """Per occurrence the group may work, one count per channel of the group's skills."""
        if group.key not in self._made:
            self._made[group.key] = self._add_group(group)
        return MappingProxyType(self._made[group.key])

    @property
    def choices(self) -> Mapping[Option, cp_model.IntVar]:
        self._make_all()
        return MappingProxyType(self._choices)

    @property
    def breaks(self) -> Breaks:
        self._make_all()
        return MappingProxyType(self._breaks)

    def head_units(self, option: Option) -> int:
        """What each member counted by `option` adds to its channel's coverage, in hundredths of a person."""
        return self._units[(option.agent, option.channel)]

    @property
    def hired(self) -> Hired:
        """Candidate agent id -> 1 when hired, as in the roster model (empty without hiring)."""
        return MappingProxyType(self._hired)

    def _make_all(self) -> None:
        for group in self.groups:
            self.of(group)

    def _add_group(self, group: Group) -> dict[ShiftInstance, list[cp_model.IntVar]]:
        by_instance: dict[ShiftInstance, list[cp_model.IntVar]] = {}
        for s in sorted(group.available, key=lambda s: (s.start_utc, s.shift)):
            most = group.available[s] + len(group.optional_at.get(s, ()))
            vars_ = []
            for channel in group.skills:
                var = self._model.new_int_var(0, most, f"n[{group.key},{s.day},{s.shift},{channel}]")
                option = Option(group.key, s, channel)
                self._choices[option] = var
                self._add_break_counts(option, var, most)
                vars_.append(var)
            self._model.add(sum(vars_) <= group.most_at(s, self._hired))
            by_instance[s] = vars_
        return by_instance

    def _add_break_counts(self, option: Option, var: cp_model.IntVar, most: int) -> None:
        s = option.instance
        window = self._data.config.sites[s.site].shifts[s.shift].break_window
        if window is None:
            return
        starts = break_starts(s.start_utc, window.earliest, window.latest, self._data.grid.minutes)
        chosen = tuple(
            (begin, self._model.new_int_var(0, most, f"breaks[{option.agent},{s.day},{begin:%H%M}]")) for begin in starts
        )
        self._model.add(sum(b for _, b in chosen) == var)
        self._breaks[option] = chosen


def _add_hiring(model: cp_model.CpModel, hiring: Hiring | None) -> dict[str, cp_model.IntVar]:
    """One "hired" literal per candidate, under the roster model's own rules about them.

    Those already hired are hired, identical hires of one profile are taken
    in order, and at most `max_hires` are: every roster satisfies these, so
    the relaxation may too (coverage.solve.variables states them alike).
    """
    hired: dict[str, cp_model.IntVar] = {}
    if hiring is None:
        return hired
    for agent_id in hiring.costs:
        hired[agent_id] = model.new_bool_var(f"hired[{agent_id}]")
        if agent_id in hiring.hired:
            model.add(hired[agent_id] == 1)
    for first, second in hiring.in_order():
        model.add(hired[first] >= hired[second])
    if hiring.max_hires is not None:
        model.add(sum(hired.values()) <= hiring.max_hires)
    return hired


@dataclass(frozen=True)
class HeadcountModel:
    """The headcount relaxation, composed: its counts, each group's rules summed over its agents, the coverage terms."""

    model: cp_model.CpModel
    data: ModelData
    counts: Counts
    objective: Objective

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.counts.groups

    def headcounts(self, solver: cp_model.CpSolver) -> dict[tuple[ShiftInstance, str], int]:
        """How many agents (any group) work each occurrence on each channel in the solution."""
        counts: dict[tuple[ShiftInstance, str], int] = defaultdict(int)
        for option, var in self.counts.choices.items():
            counts[(option.instance, option.channel)] += solver.value(var)
        return dict(counts)

    def hired(self, solver: cp_model.CpSolver) -> frozenset[str]:
        """The candidates the solution hires."""
        return frozenset(agent for agent, literal in self.counts.hired.items() if solver.value(literal))


def headcount_model(
    config: Config,
    requirements: Requirements,
    *,
    history: Roster | None = None,
    keep: Roster | None = None,
    hiring: Hiring | None = None,
) -> HeadcountModel:
    """The relaxation of the roster model for `config`'s team: a group's counts, then its rules, group by group; then the objective's terms about counts.

    `history`, `keep` and `hiring` are the roster model's (coverage.solve.data.ModelInputs).
    """
    model = cp_model.CpModel()
    data = ModelData.of(config, requirements, history=history, hiring=hiring, keep=keep)
    counts = Counts(model, data)
    for group in counts.groups:
        add_group_rules(model, data, group, counts.of(group), counts.hired)
    objective = Objective(model, data, counts, counts.head_units)
    objective.add_coverage_terms()
    objective.add_hiring_terms()
    if keep is not None:
        _fewest_changes(objective, counts, keep)
    objective.set()
    return HeadcountModel(model, data, counts, objective)


def _fewest_changes(objective: Objective, counts: Counts, keep: Roster) -> None:
    """Each group's changes against the kept roster are at least how far its headcount on each occurrence moved.

    An agent's change on an occurrence is |works - worked|; summed over the
    group it is at least |headcount - kept headcount| (counting only the
    kept shifts an agent is still free for: the roster model prices no
    others). A channel move is a change the headcounts cannot see, and costs
    nothing here.
    """
    kept = {(a.agent, a.day, a.shift) for a in keep.assignments}
    weight = objective.config.weights.change
    for group in counts.groups:
        was: dict[ShiftInstance, int] = defaultdict(int)
        for scope in group.scopes:
            for s in scope.available:
                if (scope.id, s.day, s.shift) in kept:
                    was[s] += 1
        for s, vars_ in counts.of(group).items():
            moved = objective.model.new_int_var(0, max(was[s], _upper(vars_)), f"moved[{group.key},{s.day},{s.shift}]")
            objective.model.add(moved >= sum(vars_) - was[s])
            objective.model.add(moved >= was[s] - sum(vars_))
            objective.minimize(weight, moved)


def _upper(vars_: list[cp_model.IntVar]) -> int:
    return sum(max(var.proto.domain) for var in vars_)


def add_group_rules(
    model: cp_model.CpModel,
    data: ModelData,
    group: Group,
    by_instance: Mapping[ShiftInstance, list[cp_model.IntVar]],
    hired: Hired = MappingProxyType({}),
) -> None:
    """Each individual rule summed over the group's agents; a sum of valid inequalities is valid."""
    work: dict[ShiftInstance, LinearExpr] = {s: sum(vars_) for s, vars_ in by_instance.items()}
    by_day: dict[date, list[ShiftInstance]] = defaultdict(list)
    for s in work:
        by_day[s.day].append(s)
    for d, found in by_day.items():
        model.add(sum(work[s] for s in found) <= group.most_on(d, hired))  # one shift per agent and day
    _weekly(model, data.config, group, work, hired)
    _period(model, group, work, hired)
    _consecutive(model, group, work, by_day, hired)
    _rest_cliques(model, group, work, by_day, hired)
    _weekends(model, group, work, by_day, data.config.weekend_days, hired)


def _history_days(scope: AgentScope, monday: date) -> int:
    """Local dates of that week the previous roster worked (coverage.boundary): they count toward the week's limits."""
    return 0 if scope.boundary is None else len({a.day for a in scope.boundary.in_week(monday)})


def _history_minutes(config: Config, scope: AgentScope, monday: date) -> int:
    if scope.boundary is None:
        return 0
    return sum(paid_minutes(a, config) for a in scope.boundary.in_week(monday))


def _history_nights(scope: AgentScope, monday: date) -> int:
    return sum(1 for a in scope.history_nights if week_monday(a.day) == monday)


def _is_zero(total: LinearExpr) -> bool:
    return isinstance(total, int) and total == 0


def _weekly(model: cp_model.CpModel, config: Config, group: Group, work: dict[ShiftInstance, LinearExpr], hired: Hired) -> None:
    """Each agent's weekly limits, less what the previous roster already works that week (the period's first week only)."""
    by_week: dict[date, list[ShiftInstance]] = defaultdict(list)
    for s in work:
        by_week[week_monday(s.day)].append(s)
    for monday, found in by_week.items():
        minutes = sum(s.paid_minutes * work[s] for s in found)
        days = sum(work[s] for s in found)
        model.add(minutes <= group.total(lambda scope: week_most_minutes(config, scope, monday), hired))
        model.add(days <= group.total(lambda scope: min(week_most_days(scope, monday), group.days_free(scope, monday)), hired))
        least = group.total(lambda scope: week_least_minutes(config, scope, monday), hired)
        if not _is_zero(least):
            model.add(minutes >= least)
        nights = [s for s in found if any(s in scope.nights for scope in group.scopes)]
        if nights and all(scope.rules.max_nights_per_week is not None for scope in group.scopes):
            model.add(sum(work[s] for s in nights) <= group.total(lambda scope: week_nights_left(scope, monday), hired))


# One agent's weekly limits, less what the previous roster works that week: the terms the group sums above
# (and what coverage.solve.first_counts keeps each agent within).


def week_most_minutes(config: Config, scope: AgentScope, monday: date) -> int:
    return max(0, math.floor(scope.rules.hours_per_week.max * 60 + 1e-9) - _history_minutes(config, scope, monday))


def week_most_days(scope: AgentScope, monday: date) -> int:
    return max(0, scope.rules.max_days_per_week - _history_days(scope, monday))


def week_least_minutes(config: Config, scope: AgentScope, monday: date) -> int:
    """The week's contract minimum in full weeks only (0 elsewhere), less the previous roster's minutes there."""
    if monday not in scope.full_weeks():
        return 0
    return max(0, scope.weekly_minimum_minutes(monday) - _history_minutes(config, scope, monday))


def week_nights_left(scope: AgentScope, monday: date) -> int:
    """The agent's nights that week, less the previous roster's there; called where the agent has a weekly limit."""
    most = scope.rules.max_nights_per_week
    assert most is not None, "a weekly night limit is summed only when the agent has one"
    return max(0, most - _history_nights(scope, monday))


def _period_most_minutes(scope: AgentScope) -> int:
    hours = scope.rules.hours_per_period
    assert hours is not None, "a group's period hours are summed only when all its agents have them"
    return math.floor(hours.max * 60 + 1e-9)


def _period_most_nights(scope: AgentScope) -> int:
    most = scope.rules.max_nights_per_period
    assert most is not None, "a group's period night limit is summed only when all its agents have one"
    return most


def _most_weekends(scope: AgentScope) -> int:
    most = scope.rules.max_weekends_per_period
    assert most is not None, "a group's weekend quota is summed only when all its agents have one"
    return most


def _period(model: cp_model.CpModel, group: Group, work: dict[ShiftInstance, LinearExpr], hired: Hired) -> None:
    minutes = sum(s.paid_minutes * w for s, w in work.items())
    if all(scope.rules.hours_per_period is not None for scope in group.scopes):
        model.add(minutes <= group.total(_period_most_minutes, hired))
        model.add(minutes >= group.total(lambda scope: scope.period_minimum_minutes(), hired))
    shifts = {name for scope in group.scopes for name in scope.rules.max_shifts_per_period}
    for name in shifts:
        if all(name in scope.rules.max_shifts_per_period for scope in group.scopes):
            model.add(
                sum(w for s, w in work.items() if s.shift == name)
                <= group.total(lambda scope: scope.rules.max_shifts_per_period[name], hired)
            )
    nights = [s for s in work if any(s in scope.nights for scope in group.scopes)]
    if nights and all(scope.rules.max_nights_per_period is not None for scope in group.scopes):
        model.add(sum(work[s] for s in nights) <= group.total(_period_most_nights, hired))


def _consecutive(
    model: cp_model.CpModel,
    group: Group,
    work: dict[ShiftInstance, LinearExpr],
    by_day: dict[date, list[ShiftInstance]],
    hired: Hired,
) -> None:
    """Any window of limit+1 days holds at most `limit` working days per agent, the previous roster's days included.

    A window that reaches back into the previous period (or holds a day it
    already works) leaves each agent `limit` less the days it worked there.
    """
    limit = max(scope.rules.max_consecutive_days for scope in group.scopes)
    days = sorted(by_day)
    worked_before = {scope.id: scope.history_days for scope in group.scopes if scope.history_days}
    starts = [days[0] - timedelta(days=k) for k in range(limit, 0, -1)] if days and worked_before else []
    for start in starts + days:
        window = [start + timedelta(days=k) for k in range(limit + 1)]
        carried = {agent: len(before.intersection(window)) for agent, before in worked_before.items()}
        if not any(carried.values()):
            if all(d in by_day for d in window):
                model.add(sum(work[s] for d in window for s in by_day[d]) <= group.total(lambda scope: limit, hired))
            continue
        inside = [s for d in window for s in by_day.get(d, [])]
        if inside:
            model.add(sum(work[s] for s in inside) <= group.total(lambda scope: max(0, limit - carried.get(scope.id, 0)), hired))


def _rest_cliques(
    model: cp_model.CpModel,
    group: Group,
    work: dict[ShiftInstance, LinearExpr],
    by_day: dict[date, list[ShiftInstance]],
    hired: Hired,
) -> None:
    """An occurrence, with the previous day's occurrences too close to it, is worked by each agent at most once.

    An agent works one shift a day, and none of the earlier ones together
    with the later one, so each agent adds at most one to the sum.
    """
    rest = min(scope.rules.min_rest_hours for scope in group.scopes) * 3600
    forbidden = set.intersection(*(set(scope.rules.forbidden_successions) for scope in group.scopes))
    members = group.total(lambda scope: 1, hired)
    for d, later in by_day.items():
        earlier = by_day.get(d - timedelta(days=1), [])
        for s in later:
            clash = [
                e for e in earlier if s.start_utc.timestamp() < e.end_utc.timestamp() + rest or (e.shift, s.shift) in forbidden
            ]
            if clash:
                model.add(work[s] + sum(work[e] for e in clash) <= members)


def _weekends(
    model: cp_model.CpModel,
    group: Group,
    work: dict[ShiftInstance, LinearExpr],
    by_day: dict[date, list[ShiftInstance]],
    weekend: Collection[int],
    hired: Hired,
) -> None:
    """Agents working a weekend are at least those working any one of its days; each agent has a quota.

    A weekend the previous roster began counts toward its agent's quota
    and already covers that agent's days of it; the quota summed over the
    group is still a valid limit on the weekends the group works here.
    """
    limits = [scope.rules.max_weekends_per_period for scope in group.scopes]
    if None in limits:
        return
    by_week: dict[date, list[date]] = defaultdict(list)
    for d in by_day:
        if d.isoweekday() in weekend:
            by_week[week_monday(d)].append(d)
    if len(by_week) <= 1:
        return
    worked = []
    for monday, days in by_week.items():
        flag = model.new_int_var(0, len(group.scopes), f"weekends[{group.key},{monday}]")
        for d in days:
            model.add(flag >= sum(work[s] for s in by_day[d]))
        worked.append(flag)
    model.add(sum(worked) <= group.total(lambda scope: min(_most_weekends(scope), len(by_week)), hired))
