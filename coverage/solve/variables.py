"""The roster model's variables: made once, from the data, and only read after.

One boolean per (agent, shift occurrence, channel) — the agent's choices —
with, for a template with a break window, one boolean per break start; one
literal per agent and day ("works that day"); one literal per candidate
("hired"). Literals that the rules and the objective both read and that are
derived from those (an agent's weekend worked) are made here too, on first
use, and kept: the rules ask for them first, agent by agent in a fixed
order, so the model is the same on every run; the objective then reads the
same literals. Nothing outside this module writes into `Variables`.

In explain mode the occurrences an agent may not work get variables too,
held at 0 by a labelled rule (coverage.solve.rulebook), so that the rule
keeping the agent off them can be named when no roster exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import pendulum
from ortools.sat.python import cp_model

from coverage.roster import Assignment, Roster
from coverage.solve.data import ModelData, Option
from coverage.solve.rulebook import RuleBook
from coverage.solve.scope import AgentScope
from coverage.time import ShiftInstance, break_starts, week_monday

LinearExpr = cp_model.LinearExpr | int  # a CP-SAT expression (variables included) or a plain constant; never a numpy integer
Value = Callable[[LinearExpr], int]  # a solution's value of a variable or linear expression
Exact = Callable[[Value], int]  # a term's exact value, computed from the roster's own variables
Breaks = Mapping[Option, tuple[tuple[pendulum.DateTime, cp_model.IntVar], ...]]  # option -> (break start, chosen)


@dataclass(frozen=True)
class AgentVars:
    """An agent's decision variables, viewed per occurrence, per day and per week."""

    scope: AgentScope
    by_instance: Mapping[ShiftInstance, tuple[cp_model.IntVar, ...]]  # occurrence -> one variable per channel
    by_day: Mapping[date, LinearExpr]  # site-local date -> 1 when worked (see Variables._link_days)

    def work(self, s: ShiftInstance) -> LinearExpr:
        """1 when the agent works occurrence `s` (on any channel)."""
        return sum(self.by_instance.get(s, ()))

    @property
    def worked(self) -> list[ShiftInstance]:
        return list(self.by_instance)

    def days(self) -> dict[date, LinearExpr]:
        """1 when the agent works that site-local day: one literal per day."""
        return dict(self.by_day)

    def worked_days(self) -> dict[date, LinearExpr]:
        """Per site-local date, 1 when the agent works it: the day's literal, or the constant 1 on a day the previous roster works.

        One literal per day states "one shift per day" where it is made
        (Variables._link_days). A previous-roster shift whose local date falls
        in this period (coverage.boundary) has already worked that day: its
        occurrences here are blocked (scope), and every day rule counts the day as
        worked, as the checker does.
        """
        days = self.days()
        if self.scope.boundary is not None:
            days.update(dict.fromkeys(self.scope.boundary.taken_days, 1))
        return days

    def weeks(self) -> dict[date, list[ShiftInstance]]:
        found: dict[date, list[ShiftInstance]] = defaultdict(list)
        for s in self.by_instance:
            found[week_monday(s.day)].append(s)
        return found


class Variables:
    """Every variable the roster model's rules and objective share, made from (model, data) in a fixed order."""

    def __init__(self, model: cp_model.CpModel, data: ModelData, rules: RuleBook):
        self._model = model
        self._data = data
        self._choices: dict[Option, cp_model.IntVar] = {}
        self._breaks: dict[Option, tuple[tuple[pendulum.DateTime, cp_model.IntVar], ...]] = {}
        self._agents: dict[str, AgentVars] = {}
        for scope in data.scopes:
            self._agents[scope.id] = self._add_agent(scope, rules)
        self._hired = self._add_hiring()
        self._weekend_flags: dict[str, Mapping[date, LinearExpr]] = {}  # made on first use (weekend_flags)

    # ------------------------------------------------------------------ read

    @property
    def choices(self) -> Mapping[Option, cp_model.IntVar]:
        """(agent, occurrence, channel) -> 1 when the agent works that occurrence on that channel."""
        return MappingProxyType(self._choices)

    @property
    def breaks(self) -> Breaks:
        """Options with a break window -> (break start, 1 when the break starts then), one per possible start."""
        return MappingProxyType(self._breaks)

    @property
    def agents(self) -> Mapping[str, AgentVars]:
        return MappingProxyType(self._agents)

    @property
    def hired(self) -> Mapping[str, cp_model.IntVar]:
        """Candidate agent id -> 1 when hired (empty without hiring)."""
        return MappingProxyType(self._hired)

    def weekend_flags(self, agent: str) -> Mapping[date, LinearExpr]:
        """One 0/1 expression per weekend the agent could work (by the week's Monday): 1 when any weekend day is worked.

        A weekend the previous roster began counts as worked (the constant 1).
        Made on the first call for the agent, then the same literals on every
        call: the weekend rule asks first, the fairness term reads them again.
        """
        if agent not in self._weekend_flags:
            self._weekend_flags[agent] = MappingProxyType(self._add_weekend_flags(self._agents[agent]))
        return self._weekend_flags[agent]

    def roster(self, value: Callable[[cp_model.IntVar], int]) -> Roster:
        """The roster a solution describes: every choice set to 1, with its chosen break."""
        assignments = [
            Assignment(
                agent=o.agent,
                site=o.instance.site,
                channel=o.channel,
                shift=o.instance.shift,
                day=o.instance.day,
                start_utc=o.instance.start_utc,
                end_utc=o.instance.end_utc,
                break_start_utc=next((begin for begin, b in self._breaks.get(o, ()) if value(b)), None),
            )
            for o, var in self._choices.items()
            if value(var)
        ]
        assignments.sort(key=lambda a: (a.start_utc, a.agent))
        return Roster(tuple(assignments))

    # ------------------------------------------------------------------ make

    def _add_agent(self, scope: AgentScope, rules: RuleBook) -> AgentVars:
        by_instance: dict[ShiftInstance, list[cp_model.IntVar]] = {}
        occurrences = scope.available + (list(scope.blocked) if self._data.explain else [])
        for s in sorted(occurrences, key=lambda s: (s.start_utc, s.shift)):
            for channel in scope.agent.skills:
                var = self._model.new_bool_var(f"x[{scope.id},{s.day},{s.shift},{channel}]")
                option = Option(scope.id, s, channel)
                self._choices[option] = var
                by_instance.setdefault(s, []).append(var)
                self._add_break_vars(option, var)
        for s, reason in scope.blocked.items():
            if s in by_instance:
                rules.require(sum(by_instance[s]) == 0, reason)
        return AgentVars(
            scope,
            MappingProxyType({s: tuple(vars_) for s, vars_ in by_instance.items()}),
            MappingProxyType(self._link_days(scope, by_instance)),
        )

    def _link_days(self, scope: AgentScope, by_instance: dict[ShiftInstance, list[cp_model.IntVar]]) -> dict[date, LinearExpr]:
        """One 0/1 variable per agent and day, equal to the sum of that day's shift variables.

        Every day rule (runs, rests, weekends, caps) then reads one literal
        instead of a sum over templates and channels: its constraints become
        three-literal clauses CP-SAT propagates and cuts as such, and its
        neighbourhoods see the day as one variable. Measured on the Curtois
        instances and the synthetic teams (README, "Search and speed", sixth
        round): higher bounds on Curtois 4-7, better rosters on most of them
        and on the 1,000-agent team. The equality also states "one shift per
        day".
        """
        found: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        for s, vars_ in by_instance.items():
            found[s.day].extend(vars_)
        literals: dict[date, LinearExpr] = {}
        for d, vars_ in found.items():
            if len(vars_) == 1:
                literals[d] = vars_[0]
                continue
            works = self._model.new_bool_var(f"works[{scope.id},{d}]")
            self._model.add(sum(vars_) == works)
            literals[d] = works
        return literals

    def _add_break_vars(self, option: Option, var: cp_model.IntVar) -> None:
        """A template with a break window lets the model choose the break start, so breaks stagger."""
        s = option.instance
        template = self._data.config.sites[s.site].shifts[s.shift]
        window = template.break_window
        if window is None:
            return
        starts = break_starts(s.start_utc, window.earliest, window.latest, self._data.grid.minutes)
        chosen = tuple((begin, self._model.new_bool_var(f"break[{option.agent},{s.day},{begin:%H%M}]")) for begin in starts)
        self._model.add(sum(b for _, b in chosen) == var)
        self._breaks[option] = chosen

    def _add_hiring(self) -> dict[str, cp_model.IntVar]:
        """Candidates work only if hired; identical hires of one profile are taken in order (no symmetry)."""
        hiring = self._data.hiring
        hired: dict[str, cp_model.IntVar] = {}
        if hiring is None:
            return hired
        for agent_id in hiring.costs:
            literal = self._model.new_bool_var(f"hired[{agent_id}]")
            hired[agent_id] = literal
            for var in (v for vars_ in self._agents[agent_id].by_instance.values() for v in vars_):
                self._model.add(var <= literal)
            if agent_id in hiring.hired:
                self._model.add(literal == 1)
        for first, second in hiring.in_order():
            self._model.add(hired[first] >= hired[second])
        if hiring.max_hires is not None:
            self._model.add(sum(hired.values()) <= hiring.max_hires)
        return hired

    def _add_weekend_flags(self, av: AgentVars) -> dict[date, LinearExpr]:
        weekend = self._data.config.weekend_days
        by_week: dict[date, list[LinearExpr]] = defaultdict(list)
        for d, expr in av.worked_days().items():
            if d.isoweekday() in weekend:
                by_week[week_monday(d)].append(expr)
        flags: dict[date, LinearExpr] = {}
        started = {week_monday(a.day) for a in av.scope.history or [] if a.day.isoweekday() in weekend}
        for monday, terms in by_week.items():
            if monday in started:
                flags[monday] = 1  # the weekend began in the previous roster: already worked
                continue
            if len(terms) == 1:
                flags[monday] = terms[0]
                continue
            flag = self._model.new_bool_var(f"weekend[{av.scope.id},{monday}]")
            for term in terms:
                self._model.add(flag >= term)
            self._model.add(flag <= sum(terms))
            flags[monday] = flag
        return flags
