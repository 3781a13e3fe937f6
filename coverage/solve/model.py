"""The CP-SAT model: one boolean per (agent, shift occurrence, channel).

Hard rules live in `rules.py`, objective terms in `objective.py`; this file
owns the variables and the bookkeeping both need. In *explain* mode every
hard rule of every agent is switched on by its own assumption literal, so an
infeasible plan can be traced back to a few rules named in plain words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pendulum
from ortools.sat.python import cp_model

from coverage.config import Config
from coverage.demand import Requirements
from coverage.roster import Assignment, Roster
from coverage.solve.scope import AgentScope, agent_scopes
from coverage.time import Grid, ShiftInstance, break_starts, shift_instances, week_monday

LinearExpr = cp_model.LinearExprT
Value = Callable[[LinearExpr], int]  # a solution's value of a variable or linear expression
Exact = Callable[[Value], int]  # a term's exact value, computed from the roster's own variables


@dataclass(frozen=True)
class Target:
    """A coverage level to reach, over `channels` and UTC grid `intervals` (None: all).

    kind "uncovered": no needed interval with nobody on duty; "service": no
    understaffing (the requirement is what meets each channel's service
    level); "ratio": at least `ratio` of required agent-hours met.
    `intervals` come from local hours of a view zone (weekends in New York),
    worked out outside the solver; `where` says them in words and `zone` is
    the clock they were named on. A `soft` target is no hard rule: its gaps
    come first in the objective instead (the roadmap's steps close target
    hours before any other). `excluded` (channel, interval) pairs are left
    out: hours no hire can reach (coverage.reach), so the rest can still be
    asked for. `most` relaxes a hard target to "at most this many gaps
    left" (intervals for uncovered, agent-intervals otherwise): the roadmap
    asks it when it needs to know whether any hire closes one more.
    """

    kind: str = "uncovered"
    ratio: float = 1.0
    channels: frozenset[str] | None = None
    intervals: frozenset[int] | None = None
    where: str = ""  # e.g. "on weekends in America/New_York"
    soft: bool = False
    zone: str = ""  # e.g. "America/New_York"; empty: the config's first view
    excluded: frozenset[tuple[str, int]] = frozenset()
    most: int | None = None

    def covers(self, channel: str) -> bool:
        return self.channels is None or channel in self.channels

    def counts(self, channel: str, interval: int) -> bool:
        """Whether a channel's grid interval counts toward the target."""
        return (self.covers(channel) and (self.intervals is None or interval in self.intervals)
                and (channel, interval) not in self.excluded)


@dataclass(frozen=True)
class Hiring:
    """Possible hires as optional agents: who may be hired, at what cost, how many, who already is."""

    costs: dict[str, float]  # candidate agent id -> cost over the period
    max_hires: int | None = None
    hired: frozenset[str] = frozenset()  # decided in an earlier step of the roadmap
    cost_weight: int = 0  # objective weight per unit of cost
    target: Target | None = None  # a coverage level the team must reach (cheapest-set mode)


@dataclass(frozen=True)
class Option:
    """One way an agent can spend one shift occurrence: the occurrence and a channel."""

    agent: str
    instance: ShiftInstance
    channel: str


@dataclass
class AgentVars:
    """An agent's decision variables, viewed per occurrence, per day and per week."""

    scope: AgentScope
    by_instance: dict[ShiftInstance, list[cp_model.IntVar]] = field(default_factory=dict)
    by_day: dict[date, LinearExpr] = field(default_factory=dict)

    def work(self, s: ShiftInstance) -> LinearExpr:
        """1 when the agent works occurrence `s` (on any channel)."""
        return sum(self.by_instance.get(s, []))

    @property
    def worked(self) -> list[ShiftInstance]:
        return list(self.by_instance)

    def days(self) -> dict[date, LinearExpr]:
        """1 when the agent works that site-local day: one literal per day (see RosterModel._link_days)."""
        return dict(self.by_day)

    def weeks(self) -> dict[date, list[ShiftInstance]]:
        found: dict[date, list[ShiftInstance]] = defaultdict(list)
        for s in self.by_instance:
            found[week_monday(s.day)].append(s)
        return found


class RosterModel:
    """Builds the CP-SAT model from plain data and reads the roster back."""

    def __init__(
        self,
        config: Config,
        requirements: Requirements,
        *,
        explain: bool = False,
        history: Roster | None = None,
        hiring: Hiring | None = None,
        exact_runs: bool = False,
    ):
        self.config = config
        self.exact_runs = exact_runs  # run rules as automata (coverage.solve.rules.runs_as_automaton)
        self.requirements = requirements
        self.grid: Grid = requirements.grid
        self.explain = explain
        self.model = cp_model.CpModel()
        self.instances = shift_instances(config)
        self.scopes = agent_scopes(config, self.instances, history)
        self.choices: dict[Option, cp_model.IntVar] = {}
        self.breaks: dict[Option, list[tuple[pendulum.DateTime, cp_model.IntVar]]] = {}
        self.hiring = hiring
        self.hired: dict[str, cp_model.IntVar] = {}  # candidate agent id -> 1 when hired
        self.uncovered: dict[str, dict[int, cp_model.IntVar]] = defaultdict(dict)  # channel -> needed interval -> nobody there
        self.short: dict[str, dict[int, tuple[cp_model.IntVar, int]]] = defaultdict(dict)  # channel -> needed interval -> (shortfall, need)
        self.late: dict[str, dict[int, cp_model.IntVar]] = defaultdict(dict)  # backlog channel -> interval -> work past its deadline
        self.agents: dict[str, AgentVars] = {}
        self.guards: dict[str, cp_model.IntVar] = {}
        self.weekend_flags: dict[str, dict[date, LinearExpr]] = {}
        self.terms: list[tuple[int, LinearExpr, Exact | None]] = []

    def build(self, *, objective: bool = True) -> RosterModel:
        from coverage.solve.objective import add_objective
        from coverage.solve.rules import add_hard_rules

        for scope in self.scopes:
            self.agents[scope.id] = self._add_agent_vars(scope)
        self._add_hiring()
        for agent_vars in self.agents.values():
            add_hard_rules(self, agent_vars)
        if objective:
            add_objective(self)
        return self

    # ------------------------------------------------------------------ variables

    def _add_agent_vars(self, scope: AgentScope) -> AgentVars:
        agent_vars = AgentVars(scope)
        occurrences = scope.available + (list(scope.blocked) if self.explain else [])
        for s in sorted(occurrences, key=lambda s: (s.start_utc, s.shift)):
            for channel in scope.agent.skills:
                var = self.model.new_bool_var(f"x[{scope.id},{s.day},{s.shift},{channel}]")
                option = Option(scope.id, s, channel)
                self.choices[option] = var
                agent_vars.by_instance.setdefault(s, []).append(var)
                self._add_break_vars(option, var)
        for s, reason in scope.blocked.items():
            if s in agent_vars.by_instance:
                self.require(agent_vars.work(s) == 0, reason)
        agent_vars.by_day = self._link_days(agent_vars)
        return agent_vars

    def _link_days(self, agent_vars: AgentVars) -> dict[date, LinearExpr]:
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
        for s, vars_ in agent_vars.by_instance.items():
            found[s.day].extend(vars_)
        literals: dict[date, LinearExpr] = {}
        for d, vars_ in found.items():
            if len(vars_) == 1:
                literals[d] = vars_[0]
                continue
            works = self.model.new_bool_var(f"works[{agent_vars.scope.id},{d}]")
            self.model.add(sum(vars_) == works)
            literals[d] = works
        return literals

    def _add_hiring(self) -> None:
        """Candidates work only if hired; identical hires of one profile are taken in order (no symmetry)."""
        if self.hiring is None:
            return
        for agent_id in self.hiring.costs:
            hired = self.model.new_bool_var(f"hired[{agent_id}]")
            self.hired[agent_id] = hired
            for var in (v for vars_ in self.agents[agent_id].by_instance.values() for v in vars_):
                self.model.add(var <= hired)
            if agent_id in self.hiring.hired:
                self.model.add(hired == 1)
        by_profile: dict[str, list[str]] = defaultdict(list)
        for agent_id in self.hiring.costs:
            by_profile[agent_id.rsplit("-", 1)[0]].append(agent_id)
        for ids in by_profile.values():
            ordered = sorted(ids, key=lambda a: int(a.rsplit("-", 1)[1]))
            for first, second in zip(ordered, ordered[1:]):
                if first not in self.hiring.hired and second not in self.hiring.hired:
                    self.model.add(self.hired[first] >= self.hired[second])
        if self.hiring.max_hires is not None:
            self.model.add(sum(self.hired.values()) <= self.hiring.max_hires)

    def _add_break_vars(self, option: Option, var: cp_model.IntVar) -> None:
        """A template with a break window lets the model choose the break start, so breaks stagger."""
        s = option.instance
        template = self.config.sites[s.site].shifts[s.shift]
        window = template.break_window
        if window is None:
            return
        starts = break_starts(s.start_utc, window.earliest, window.latest, self.grid.minutes)
        chosen = [(begin, self.model.new_bool_var(f"break[{option.agent},{s.day},{begin:%H%M}]")) for begin in starts]
        self.model.add(sum(b for _, b in chosen) == var)
        self.breaks[option] = chosen

    # ------------------------------------------------------------------ rules

    def require(self, constraint: cp_model.BoundedLinearExpression | bool, label: str, only_if: cp_model.IntVar | None = None) -> None:
        """Add a hard rule; in explain mode it only holds while its label's assumption does.

        `only_if` limits it to when a literal holds (a candidate's minimum hours bind only if hired).
        """
        if only_if is not None and not isinstance(constraint, bool):
            added = self.model.add(constraint)
            added.only_enforce_if([only_if, self.guard(label)] if self.explain else only_if)
            return
        if isinstance(constraint, bool):
            if not constraint and not self.explain:
                self.model.add_bool_or([])  # a rule that can never hold: infeasible
            if not constraint and self.explain:
                self.model.add_bool_or([self.guard(label).Not()])
            return
        added = self.model.add(constraint)
        if self.explain:
            added.only_enforce_if(self.guard(label))

    def guard(self, label: str) -> cp_model.IntVar:
        if label not in self.guards:
            self.guards[label] = self.model.new_bool_var(f"rule[{len(self.guards)}]")
        return self.guards[label]

    def minimize(self, weight: int, term: LinearExpr, exact: Exact | None = None) -> None:
        """Add `weight * term` to the objective; `exact` recomputes the term from the roster alone."""
        if weight:
            self.terms.append((weight, term, exact))

    def objective(self) -> LinearExpr:
        return sum(weight * term for weight, term, _ in self.terms)

    def exact_objective(self, value: Value) -> int:
        """The roster's own cost: auxiliary variables may hold slack in a non-optimal solution."""
        return sum(weight * (exact(value) if exact else value(term)) for weight, term, exact in self.terms)

    # ------------------------------------------------------------------ read back

    def roster_from(self, value: Callable[[cp_model.IntVar], int]) -> Roster:
        assignments = [
            Assignment(
                agent=o.agent,
                site=o.instance.site,
                channel=o.channel,
                shift=o.instance.shift,
                day=o.instance.day,
                start_utc=o.instance.start_utc,
                end_utc=o.instance.end_utc,
                break_start_utc=next((begin for begin, b in self.breaks.get(o, []) if value(b)), None),
            )
            for o, var in self.choices.items()
            if value(var)
        ]
        assignments.sort(key=lambda a: (a.start_utc, a.agent))
        return Roster(tuple(assignments))
