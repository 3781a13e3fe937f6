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
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from ortools.sat.python import cp_model

from coverage.solve.model import Option, RosterModel
from coverage.solve.scope import AgentScope
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


class HeadcountModel(RosterModel):
    """The relaxation: `choices` maps (group, occurrence, channel) to how many of the group work it.

    It reuses the roster model's coverage and `cover` terms unchanged, since
    they only ever sum the variables of an occurrence and channel.
    """

    def build(self, *, objective: bool = True) -> HeadcountModel:
        from coverage.solve.objective import add_coverage_objective

        self.groups = groups_of(self.scopes)
        for group in self.groups:
            self._add_group(group)
        add_coverage_objective(self)
        return self

    def _add_group(self, group: Group) -> None:
        by_instance: dict[ShiftInstance, list[cp_model.IntVar]] = {}
        for s in sorted(group.available, key=lambda s: (s.start_utc, s.shift)):
            most = group.available[s]
            vars_ = []
            for channel in group.skills:
                var = self.model.new_int_var(0, most, f"n[{group.key},{s.day},{s.shift},{channel}]")
                option = Option(group.key, s, channel)
                self.choices[option] = var
                self._add_break_counts(option, var, most)
                vars_.append(var)
            self.model.add(sum(vars_) <= most)
            by_instance[s] = vars_
        _group_rules(self, group, by_instance)

    def _add_break_counts(self, option: Option, var: cp_model.IntVar, most: int) -> None:
        s = option.instance
        window = self.config.sites[s.site].shifts[s.shift].break_window
        if window is None:
            return
        starts = break_starts(s.start_utc, window.earliest, window.latest, self.grid.minutes)
        chosen = [(begin, self.model.new_int_var(0, most, f"breaks[{option.agent},{s.day},{begin:%H%M}]")) for begin in starts]
        self.model.add(sum(b for _, b in chosen) == var)
        self.breaks[option] = chosen

    def headcounts(self, solver: cp_model.CpSolver) -> dict[tuple[ShiftInstance, str], int]:
        """How many agents (any group) work each occurrence on each channel in the solution."""
        counts: dict[tuple[ShiftInstance, str], int] = defaultdict(int)
        for option, var in self.choices.items():
            counts[(option.instance, option.channel)] += solver.value(var)
        return dict(counts)


def _group_rules(hm: HeadcountModel, group: Group, by_instance: dict[ShiftInstance, list[cp_model.IntVar]]) -> None:
    """Each individual rule summed over the group's agents; a sum of valid inequalities is valid."""
    work = {s: sum(vars_) for s, vars_ in by_instance.items()}
    by_day: dict[date, list[ShiftInstance]] = defaultdict(list)
    for s in work:
        by_day[s.day].append(s)
    for d, found in by_day.items():
        hm.model.add(sum(work[s] for s in found) <= group.present[d])  # one shift per agent and day
    _weekly(hm, group, work)
    _period(hm, group, work)
    _consecutive(hm, group, work, by_day)
    _rest_cliques(hm, group, work, by_day)
    _weekends(hm, group, work, by_day)


def _weekly(hm: HeadcountModel, group: Group, work: dict[ShiftInstance, cp_model.LinearExpr]) -> None:
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
        hm.model.add(minutes <= most_minutes)
        hm.model.add(days <= most_days)
        if least_minutes:
            hm.model.add(minutes >= least_minutes)
        nights = [s for s in found if any(s in scope.nights for scope in group.scopes)]
        limits = [scope.rules.max_nights_per_week for scope in group.scopes]
        if nights and None not in limits:
            hm.model.add(sum(work[s] for s in nights) <= sum(limits))


def _period(hm: HeadcountModel, group: Group, work: dict[ShiftInstance, cp_model.LinearExpr]) -> None:
    minutes = sum(s.paid_minutes * w for s, w in work.items())
    periods = [scope.rules.hours_per_period for scope in group.scopes]
    if None not in periods:
        hm.model.add(minutes <= sum(math.floor(p.max * 60 + 1e-9) for p in periods))
        hm.model.add(minutes >= sum(scope.period_minimum_minutes() for scope in group.scopes))
    shifts = {name for scope in group.scopes for name in scope.rules.max_shifts_per_period}
    for name in shifts:
        limits = [scope.rules.max_shifts_per_period.get(name) for scope in group.scopes]
        if None not in limits:
            hm.model.add(sum(w for s, w in work.items() if s.shift == name) <= sum(limits))
    nights = [s for s in work if any(s in scope.nights for scope in group.scopes)]
    limits = [scope.rules.max_nights_per_period for scope in group.scopes]
    if nights and None not in limits:
        hm.model.add(sum(work[s] for s in nights) <= sum(limits))


def _consecutive(hm: HeadcountModel, group: Group, work: dict[ShiftInstance, cp_model.LinearExpr],
                 by_day: dict[date, list[ShiftInstance]]) -> None:
    """Any window of limit+1 days holds at most `limit` working days per agent."""
    limit = max(scope.rules.max_consecutive_days for scope in group.scopes)
    days = sorted(by_day)
    for start in days:
        window = [start + timedelta(days=k) for k in range(limit + 1)]
        if all(d in by_day for d in window):
            hm.model.add(sum(work[s] for d in window for s in by_day[d]) <= limit * len(group.scopes))


def _rest_cliques(hm: HeadcountModel, group: Group, work: dict[ShiftInstance, cp_model.LinearExpr],
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
                hm.model.add(work[s] + sum(work[e] for e in clash) <= len(group.scopes))


def _weekends(hm: HeadcountModel, group: Group, work: dict[ShiftInstance, cp_model.LinearExpr],
              by_day: dict[date, list[ShiftInstance]]) -> None:
    """Agents working a weekend are at least those working any one of its days; each agent has a quota."""
    limits = [scope.rules.max_weekends_per_period for scope in group.scopes]
    if None in limits:
        return
    weekend = hm.config.weekend_days
    by_week: dict[date, list[date]] = defaultdict(list)
    for d in by_day:
        if d.isoweekday() in weekend:
            by_week[week_monday(d)].append(d)
    if len(by_week) <= 1:
        return
    worked = []
    for monday, days in by_week.items():
        flag = hm.model.new_int_var(0, len(group.scopes), f"weekends[{group.key},{monday}]")
        for d in days:
            hm.model.add(flag >= sum(work[s] for s in by_day[d]))
        worked.append(flag)
    hm.model.add(sum(worked) <= sum(min(limit, len(by_week)) for limit in limits))
