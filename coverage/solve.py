"""Solve: the CP-SAT roster model — the only module that imports OR-Tools.

Decision: for each agent and each shift occurrence they may work, whether
they work it and on which of their channels. Leave, holidays, rest, run
lengths and contract limits are hard constraints; understaffing is a soft
penalty, heaviest where nobody at all covers a channel that needs someone.
"""

from __future__ import annotations

import math
import os
import sys
import time as wallclock
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TextIO

from ortools.sat.python import cp_model

from coverage.config import Agent, Config, EffectiveRules
from coverage.demand import Requirements
from coverage.roster import Assignment, Roster
from coverage.time import Grid, ShiftInstance, duty_slots, shift_instances, week_monday

# Objective weights per interval. An interval nobody covers costs the
# "uncovered" weight on top of the per-agent shortfall, so the solver spreads
# thin coverage over more hours before it doubles up anywhere; overstaffing
# is a tie-breaker only.
WEIGHT_UNCOVERED = 400
WEIGHT_SHORT_AGENT = 100
WEIGHT_OVER_AGENT = 1

STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


@dataclass(frozen=True)
class SolveOptions:
    time_limit_seconds: float = 60.0
    seed: int = 1
    workers: int = 0  # 0: let CP-SAT use every core
    progress: TextIO | None = sys.stderr


@dataclass
class SolveResult:
    """What the search found: a roster (when any exists) and how good it is proven to be."""

    status: str
    roster: Roster | None
    objective: float | None
    best_bound: float | None
    wall_seconds: float
    reasons: list[str] = field(default_factory=list)
    first_solution_seconds: float | None = None

    @property
    def found(self) -> bool:
        return self.roster is not None


@dataclass(frozen=True)
class Option:
    """One way an agent can spend one shift occurrence: the occurrence and a channel."""

    agent: str
    instance: ShiftInstance
    channel: str


def available_instances(config: Config, agent: Agent, instances: list[ShiftInstance]) -> list[ShiftInstance]:
    """Occurrences the agent may work at all: their site, allowed template, not on leave or a holiday."""
    allowed = set(config.allowed_shifts(agent))
    blocked = agent.leave_days()
    if not agent.works_holidays:
        blocked |= config.holidays_at(agent.site)
    return [s for s in instances if s.site == agent.site and s.shift in allowed and s.day not in blocked]


def _full_weeks(days: list[date]) -> set[date]:
    """Mondays of weeks whose seven dates all lie in `days`: only there do weekly minimums bind."""
    present = set(days)
    mondays = {week_monday(d) for d in days}
    return {m for m in mondays if all(m + timedelta(days=k) in present for k in range(7))}


class RosterModel:
    """Builds the CP-SAT model from plain data; keeps the variables to read the roster back."""

    def __init__(self, config: Config, requirements: Requirements):
        self.config = config
        self.requirements = requirements
        self.grid: Grid = requirements.grid
        self.model = cp_model.CpModel()
        self.instances = shift_instances(config)
        self.choices: dict[Option, cp_model.IntVar] = {}
        self.objective_terms: list[tuple[int, cp_model.LinearExprT]] = []
        self._site_days: dict[str, list[date]] = defaultdict(list)
        for s in self.instances:
            if not self._site_days[s.site] or self._site_days[s.site][-1] != s.day:
                self._site_days[s.site].append(s.day)
        for site in self._site_days:
            self._site_days[site] = sorted(set(self._site_days[site]))

    # ------------------------------------------------------------------ variables

    def build(self) -> RosterModel:
        for agent in self.config.agents:
            self._add_agent(agent)
        self._add_coverage_objective()
        return self

    def _add_agent(self, agent: Agent) -> None:
        rules = self.config.rules_for(agent)
        worked: dict[ShiftInstance, list[cp_model.IntVar]] = {}
        for s in available_instances(self.config, agent, self.instances):
            for channel in agent.skills:
                var = self.model.new_bool_var(f"x[{agent.id},{s.day},{s.shift},{channel}]")
                self.choices[Option(agent.id, s, channel)] = var
                worked.setdefault(s, []).append(var)
        by_day: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        for s, vars_ in worked.items():
            by_day[s.day].extend(vars_)
        for vars_ in by_day.values():
            self.model.add_at_most_one(vars_)
        work = {s: sum(vars_) for s, vars_ in worked.items()}
        day_work = {d: sum(vars_) for d, vars_ in by_day.items()}
        self._add_rest(work, rules)
        self._add_consecutive_days(agent, day_work, rules)
        self._add_weekly_limits(agent, work, day_work, rules)
        self._add_weekends(day_work, rules)

    # ------------------------------------------------------------------ hard rules

    def _add_rest(self, work: dict[ShiftInstance, cp_model.LinearExprT], rules: EffectiveRules) -> None:
        """Two shifts closer than the minimum rest (in real elapsed time) cannot both be worked."""
        rest = timedelta(hours=rules.min_rest_hours)
        ordered = sorted(work, key=lambda s: s.start_utc)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                if second.start_utc >= first.end_utc + rest:
                    break  # later occurrences start later still
                if second.day != first.day:
                    self.model.add(work[first] + work[second] <= 1)

    def _add_consecutive_days(self, agent: Agent, day_work: dict[date, cp_model.LinearExprT], rules: EffectiveRules) -> None:
        limit = rules.max_consecutive_days
        days = self._site_days[agent.site]
        for start in days:
            window = [start + timedelta(days=k) for k in range(limit + 1)]
            terms = [day_work[d] for d in window if d in day_work]
            if len(terms) > limit:
                self.model.add(sum(terms) <= limit)

    def _add_weekly_limits(
        self,
        agent: Agent,
        work: dict[ShiftInstance, cp_model.LinearExprT],
        day_work: dict[date, cp_model.LinearExprT],
        rules: EffectiveRules,
    ) -> None:
        minutes_by_week: dict[date, list] = defaultdict(list)
        for s, expr in work.items():
            minutes_by_week[week_monday(s.day)].append(s.paid_minutes * expr)
        days_by_week: dict[date, list] = defaultdict(list)
        for d, expr in day_work.items():
            days_by_week[week_monday(d)].append(expr)
        for terms in days_by_week.values():
            if len(terms) > rules.max_days_per_week:
                self.model.add(sum(terms) <= rules.max_days_per_week)
        max_minutes = math.floor(rules.hours_per_week.max * 60 + 1e-9)
        for terms in minutes_by_week.values():
            self.model.add(sum(terms) <= max_minutes)
        for monday in _full_weeks(self._site_days[agent.site]):
            need = weekly_minimum_minutes(self.config, agent, rules, monday)
            if need > 0:
                self.model.add(sum(minutes_by_week.get(monday, [])) >= need)

    def _add_weekends(self, day_work: dict[date, cp_model.LinearExprT], rules: EffectiveRules) -> None:
        if rules.max_weekends_per_period is None:
            return
        weekend_days = self.config.weekend_days
        by_week: dict[date, list] = defaultdict(list)
        for d, expr in day_work.items():
            if d.isoweekday() in weekend_days:
                by_week[week_monday(d)].append(expr)
        if len(by_week) <= rules.max_weekends_per_period:
            return
        flags = []
        for monday, terms in by_week.items():
            flag = self.model.new_bool_var(f"weekend[{monday}]")
            for term in terms:
                self.model.add(flag >= term)
            flags.append(flag)
        self.model.add(sum(flags) <= rules.max_weekends_per_period)

    # ------------------------------------------------------------------ objective

    def slots_of(self, s: ShiftInstance) -> list[int]:
        template = self.config.sites[s.site].shifts[s.shift]
        return duty_slots(self.grid, s.start_utc, s.end_utc, template.unpaid_break_minutes)

    def _add_coverage_objective(self) -> None:
        on_duty: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        slot_cache: dict[ShiftInstance, list[int]] = {}
        for option, var in self.choices.items():
            if option.instance not in slot_cache:
                slot_cache[option.instance] = self.slots_of(option.instance)
            for slot in slot_cache[option.instance]:
                on_duty[(option.channel, slot)].append(var)
        for channel, required in self.requirements.required.items():
            for slot, need in enumerate(required):
                self._add_slot_terms(channel, slot, need, on_duty.get((channel, slot), []))
        self.model.minimize(sum(weight * term for weight, term in self.objective_terms))

    def _add_slot_terms(self, channel: str, slot: int, need: int, vars_: list[cp_model.IntVar]) -> None:
        scheduled = sum(vars_)
        if need <= 0:
            if vars_:
                self.objective_terms.append((WEIGHT_OVER_AGENT, scheduled))
            return
        short = self.model.new_int_var(0, need, f"short[{channel},{slot}]")
        self.model.add(short >= need - scheduled)
        self.objective_terms.append((WEIGHT_SHORT_AGENT, short))
        uncovered = self.model.new_bool_var(f"uncovered[{channel},{slot}]")
        self.model.add(uncovered + scheduled >= 1)
        self.objective_terms.append((WEIGHT_UNCOVERED, uncovered))
        if len(vars_) > need:
            over = self.model.new_int_var(0, len(vars_) - need, f"over[{channel},{slot}]")
            self.model.add(over >= scheduled - need)
            self.objective_terms.append((WEIGHT_OVER_AGENT, over))

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
            )
            for o, var in self.choices.items()
            if value(var)
        ]
        assignments.sort(key=lambda a: (a.start_utc, a.agent))
        return Roster(tuple(assignments))


def weekly_minimum_minutes(config: Config, agent: Agent, rules: EffectiveRules, monday: date) -> int:
    """Contract minimum for one full week, lowered for each day of leave or public holiday.

    Each such day credits min / max_days_per_week hours: a 32 h, 5-day
    contract with one day of leave must still work 25.6 h that week.
    """
    minimum = rules.hours_per_week.min
    if minimum <= 0:
        return 0
    blocked = agent.leave_days()
    if not agent.works_holidays:
        blocked |= config.holidays_at(agent.site)
    days_off = sum(1 for k in range(7) if monday + timedelta(days=k) in blocked)
    per_day = minimum / max(rules.max_days_per_week, 1)
    return max(0, math.ceil((minimum - days_off * per_day) * 60 - 1e-6))


class _Progress(cp_model.CpSolverSolutionCallback):
    """Prints the objective, the proven bound and the gap while the search runs.

    Called both for each improving roster and for each better bound; early on
    that is many times a second, so one line every couple of seconds is shown.
    """

    EVERY_SECONDS = 2.0

    def __init__(self, stream: TextIO | None, started: float):
        super().__init__()
        self.stream = stream
        self.started = started
        self.first_solution_seconds: float | None = None
        self._objective: float | None = None
        self._bound: float | None = None
        self._last_print = -math.inf

    def on_solution_callback(self) -> None:
        if self.first_solution_seconds is None:
            self.first_solution_seconds = wallclock.perf_counter() - self.started
        self._objective = self.objective_value
        self._bound = self.best_objective_bound
        self._report()

    def on_bound(self, bound: float) -> None:
        self._bound = bound
        self._report()

    def _report(self) -> None:
        elapsed = wallclock.perf_counter() - self.started
        if self.stream is None or self._objective is None or elapsed - self._last_print < self.EVERY_SECONDS:
            return
        self._last_print = elapsed
        objective, bound = self._objective, self._bound if self._bound is not None else -math.inf
        gap = 100 * (objective - bound) / max(abs(objective), 1)
        print(f"  {elapsed:7.1f}s  objective {objective:>12,.0f}  bound {bound:>12,.0f}  gap {gap:5.1f}%", file=self.stream, flush=True)


def configure_search(parameters: Any, options: SolveOptions) -> None:
    """Time limit, seed and workers from the user; the search portfolio from our measurements.

    CP-SAT's bound on rostering models comes from its strongest LP
    relaxation with symmetry handling ("max_lp_sym"), which the default
    portfolio only starts from 8 workers. On the 2-4 cores managers and CI
    have, running that as the one full-model worker and leaving the rest to
    the large-neighbourhood search proves the example team optimal in ~15 s
    on 2 cores, where the default portfolio is still 20 % from its bound
    after 60 s (benchmarks in the README).
    """
    workers = options.workers or os.cpu_count() or 1
    parameters.max_time_in_seconds = options.time_limit_seconds
    parameters.random_seed = options.seed
    parameters.num_workers = workers
    if workers == 1:
        parameters.linearization_level = 2
    elif workers < 8:
        parameters.subsolvers.append("max_lp_sym")


def solve(config: Config, requirements: Requirements, options: SolveOptions | None = None) -> SolveResult:
    """Build and solve the roster model; always returns, with a roster whenever one was found."""
    options = options or SolveOptions(
        time_limit_seconds=config.plan.time_limit_seconds, seed=config.plan.seed, workers=config.plan.workers
    )
    started = wallclock.perf_counter()
    reasons = infeasibility_hints(config)
    roster_model = RosterModel(config, requirements).build()
    solver = cp_model.CpSolver()
    configure_search(solver.parameters, options)
    progress = _Progress(options.progress, started)
    solver.best_bound_callback = progress.on_bound
    code = solver.solve(roster_model.model, progress)
    status = STATUS_NAMES.get(code, str(code))
    wall = wallclock.perf_counter() - started
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        roster = roster_model.roster_from(solver.boolean_value)
        return SolveResult(
            status, roster, solver.objective_value, solver.best_objective_bound, wall,
            first_solution_seconds=progress.first_solution_seconds,
        )
    if code == cp_model.UNKNOWN:
        reasons = [f"no roster found within the time limit of {options.time_limit_seconds:g} s (try a longer --time-limit)"] + reasons
    return SolveResult(status, None, None, None, wall, reasons)


def infeasibility_hints(config: Config) -> list[str]:
    """Cheap, plain-words reasons a roster cannot exist (agents who cannot reach a weekly minimum).

    The solver proves infeasibility; this names the likely culprits so the
    manager knows what to change.
    """
    hints: list[str] = []
    instances = shift_instances(config)
    site_days: dict[str, list[date]] = defaultdict(list)
    for s in instances:
        site_days[s.site].append(s.day)
    for agent in config.agents:
        rules = config.rules_for(agent)
        mine = available_instances(config, agent, instances)
        for monday in sorted(_full_weeks(site_days[agent.site])):
            need = weekly_minimum_minutes(config, agent, rules, monday)
            longest: dict[date, int] = {}
            for s in mine:
                if week_monday(s.day) == monday:
                    longest[s.day] = max(longest.get(s.day, 0), s.paid_minutes)
            best = sum(sorted(longest.values(), reverse=True)[: rules.max_days_per_week])
            best = min(best, math.floor(rules.hours_per_week.max * 60 + 1e-9))
            if best < need:
                hints.append(
                    f"agent {agent.id}: the week of {monday} needs at least {need / 60:g} paid hours "
                    f"but at most {best / 60:g} can be worked (leave, holidays, allowed shifts, {rules.max_days_per_week} days a week)"
                )
    return hints
