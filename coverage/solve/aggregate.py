"""Headcounts first: the roster model with interchangeable agents counted, not named.

A big team is mostly groups of agents who look the same to the coverage
terms: same site, same skills. Counting how many of a group work each shift
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
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

import pendulum
from ortools.sat.python import cp_model

from coverage.config import Config
from coverage.demand import Requirements
from coverage.solve.data import ModelData, Option
from coverage.solve.objective import Objective
from coverage.solve.scope import AgentScope
from coverage.solve.variables import Breaks
from coverage.time import ShiftInstance, break_starts, week_monday


@dataclass
class Group:
    """Agents of one site with the same skills: the unit the headcounts count."""

    key: str
    site: str
    skills: tuple[str, ...]
    scopes: list[AgentScope] = field(default_factory=list)
    available: dict[ShiftInstance, int] = field(default_factory=lambda: defaultdict(int))  # agents free for it
    present: dict[date, int] = field(default_factory=lambda: defaultdict(int))  # agents free for some shift that day

    def add(self, scope: AgentScope) -> None:
        self.scopes.append(scope)
        for s in scope.available:
            self.available[s] += 1
        for d in {s.day for s in scope.available}:
            self.present[d] += 1

    def days_free(self, scope: AgentScope, monday: date) -> int:
        return len({s.day for s in scope.available if week_monday(s.day) == monday})


def groups_of(scopes: list[AgentScope]) -> list[Group]:
    found: dict[tuple[str, tuple[str, ...]], Group] = {}
    for scope in scopes:
        skills = tuple(sorted(scope.agent.skills))
        key = (scope.agent.site, skills)
        if key not in found:
            found[key] = Group(f"{scope.agent.site}/{'+'.join(skills)}", scope.agent.site, skills)
        found[key].add(scope)
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
        self.groups = tuple(groups_of(list(data.scopes)))
        self._made: dict[str, dict[ShiftInstance, list[cp_model.IntVar]]] = {}
        self._choices: dict[Option, cp_model.IntVar] = {}
        self._breaks: dict[Option, tuple[tuple[pendulum.DateTime, cp_model.IntVar], ...]] = {}

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

    def _make_all(self) -> None:
        for group in self.groups:
            self.of(group)

    def _add_group(self, group: Group) -> dict[ShiftInstance, list[cp_model.IntVar]]:
        by_instance: dict[ShiftInstance, list[cp_model.IntVar]] = {}
        for s in sorted(group.available, key=lambda s: (s.start_utc, s.shift)):
            most = group.available[s]
            vars_ = []
            for channel in group.skills:
                var = self._model.new_int_var(0, most, f"n[{group.key},{s.day},{s.shift},{channel}]")
                option = Option(group.key, s, channel)
                self._choices[option] = var
                self._add_break_counts(option, var, most)
                vars_.append(var)
            self._model.add(sum(vars_) <= most)
            by_instance[s] = vars_
        return by_instance

    def _add_break_counts(self, option: Option, var: cp_model.IntVar, most: int) -> None:
        s = option.instance
        window = self._data.config.sites[s.site].shifts[s.shift].break_window
        if window is None:
            return
        starts = break_starts(s.start_utc, window.earliest, window.latest, self._data.grid.minutes)
        chosen = tuple((begin, self._model.new_int_var(0, most, f"breaks[{option.agent},{s.day},{begin:%H%M}]")) for begin in starts)
        self._model.add(sum(b for _, b in chosen) == var)
        self._breaks[option] = chosen


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


def headcount_model(config: Config, requirements: Requirements) -> HeadcountModel:
    """The relaxation of the roster model for `config`'s team: a group's counts, then its rules, group by group; then the coverage terms."""
    model = cp_model.CpModel()
    data = ModelData.of(config, requirements)
    counts = Counts(model, data)
    for group in counts.groups:
        add_group_rules(model, data, group, counts.of(group))
    objective = Objective(model, data, counts)
    objective.add_coverage_terms()
    objective.set()
    return HeadcountModel(model, data, counts, objective)


def add_group_rules(model: cp_model.CpModel, data: ModelData, group: Group, by_instance: Mapping[ShiftInstance, list[cp_model.IntVar]]) -> None:
    """Each individual rule summed over the group's agents; a sum of valid inequalities is valid."""
    work = {s: sum(vars_) for s, vars_ in by_instance.items()}
    by_day: dict[date, list[ShiftInstance]] = defaultdict(list)
    for s in work:
        by_day[s.day].append(s)
    for d, found in by_day.items():
        model.add(sum(work[s] for s in found) <= group.present[d])  # one shift per agent and day
    _weekly(model, group, work)
    _period(model, group, work)
    _consecutive(model, group, work, by_day)
    _rest_cliques(model, group, work, by_day)
    _weekends(model, group, work, by_day, data.config.weekend_days)


def _weekly(model: cp_model.CpModel, group: Group, work: dict[ShiftInstance, cp_model.LinearExpr]) -> None:
    by_week: dict[date, list[ShiftInstance]] = defaultdict(list)
    for s in work:
        by_week[week_monday(s.day)].append(s)
    for monday, found in by_week.items():
        minutes = sum(s.paid_minutes * work[s] for s in found)
        days = sum(work[s] for s in found)
        most_minutes = most_days = least_minutes = 0
        for scope in group.scopes:
            most_minutes += math.floor(scope.rules.hours_per_week.max * 60 + 1e-9)
            most_days += min(scope.rules.max_days_per_week, group.days_free(scope, monday))
            if monday in scope.full_weeks():
                least_minutes += scope.weekly_minimum_minutes(monday)
        model.add(minutes <= most_minutes)
        model.add(days <= most_days)
        if least_minutes:
            model.add(minutes >= least_minutes)
        nights = [s for s in found if any(s in scope.nights for scope in group.scopes)]
        limits = [scope.rules.max_nights_per_week for scope in group.scopes]
        if nights and None not in limits:
            model.add(sum(work[s] for s in nights) <= sum(limits))


def _period(model: cp_model.CpModel, group: Group, work: dict[ShiftInstance, cp_model.LinearExpr]) -> None:
    minutes = sum(s.paid_minutes * w for s, w in work.items())
    periods = [scope.rules.hours_per_period for scope in group.scopes]
    if None not in periods:
        model.add(minutes <= sum(math.floor(p.max * 60 + 1e-9) for p in periods))
        model.add(minutes >= sum(scope.period_minimum_minutes() for scope in group.scopes))
    shifts = {name for scope in group.scopes for name in scope.rules.max_shifts_per_period}
    for name in shifts:
        limits = [scope.rules.max_shifts_per_period.get(name) for scope in group.scopes]
        if None not in limits:
            model.add(sum(w for s, w in work.items() if s.shift == name) <= sum(limits))
    nights = [s for s in work if any(s in scope.nights for scope in group.scopes)]
    limits = [scope.rules.max_nights_per_period for scope in group.scopes]
    if nights and None not in limits:
        model.add(sum(work[s] for s in nights) <= sum(limits))


def _consecutive(model: cp_model.CpModel, group: Group, work: dict[ShiftInstance, cp_model.LinearExpr],
                 by_day: dict[date, list[ShiftInstance]]) -> None:
    """Any window of limit+1 days holds at most `limit` working days per agent."""
    limit = max(scope.rules.max_consecutive_days for scope in group.scopes)
    days = sorted(by_day)
    for start in days:
        window = [start + timedelta(days=k) for k in range(limit + 1)]
        if all(d in by_day for d in window):
            model.add(sum(work[s] for d in window for s in by_day[d]) <= limit * len(group.scopes))


def _rest_cliques(model: cp_model.CpModel, group: Group, work: dict[ShiftInstance, cp_model.LinearExpr],
                  by_day: dict[date, list[ShiftInstance]]) -> None:
    """An occurrence, with the previous day's occurrences too close to it, is worked by each agent at most once.

    An agent works one shift a day, and none of the earlier ones together
    with the later one, so each agent adds at most one to the sum.
    """
    rest = min(scope.rules.min_rest_hours for scope in group.scopes) * 3600
    forbidden = set.intersection(*(set(scope.rules.forbidden_successions) for scope in group.scopes))
    for d, later in by_day.items():
        earlier = by_day.get(d - timedelta(days=1), [])
        for s in later:
            clash = [e for e in earlier
                     if s.start_utc.timestamp() < e.end_utc.timestamp() + rest or (e.shift, s.shift) in forbidden]
            if clash:
                model.add(work[s] + sum(work[e] for e in clash) <= len(group.scopes))


def _weekends(model: cp_model.CpModel, group: Group, work: dict[ShiftInstance, cp_model.LinearExpr],
              by_day: dict[date, list[ShiftInstance]], weekend: Collection[int]) -> None:
    """Agents working a weekend are at least those working any one of its days; each agent has a quota."""
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
    model.add(sum(worked) <= sum(min(limit, len(by_week)) for limit in limits))
