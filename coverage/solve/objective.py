"""The objective: understaffing first, then wishes, then fairness, then overstaffing.

Weights are per interval (coverage) or per shift (wishes, changes). An
interval nobody covers costs the "uncovered" weight on top of the per-agent
shortfall, so the solver puts *somebody* in every needed hour before it
doubles up anywhere.

The objective is a part built from (model, data, variables), like the rules:
it reads the variables and never writes into them. Its own auxiliary
variables (shortfall, "nobody there", work past its deadline) stay inside
it. The coverage terms read only the choices and break choices, so the
headcount relaxation (coverage.solve.aggregate) prices its counts with them
unchanged.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

import numpy as np
from ortools.sat.python import cp_model
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from coverage.config.schema import HEAD_UNITS, WEEKDAYS, Agent, Config, Request, Weights
from coverage.demand import Backlog
from coverage.gaps import late_units_that_count
from coverage.queue import BacklogQueue
from coverage.roster import Roster
from coverage.solve.data import ModelData, Option, Target
from coverage.solve.variables import AgentVars, Breaks, Exact, FlexVars, LinearExpr, Value, Variables
from coverage.targets import HALF_HOUR, agent_targets, away_units, hours_away
from coverage.time import ShiftInstance, duty_slots, local_slots, slot_start, week_monday

_DEFAULTS = Weights()
# The default weights (config `weights:` overrides each one).
WEIGHT_UNCOVERED = _DEFAULTS.uncovered  # an interval that needs someone and has nobody
WEIGHT_SHORT_AGENT = _DEFAULTS.understaffed  # each agent missing in an interval
WEIGHT_REQUEST = _DEFAULTS.request  # per unit of a request's weight, each time it is missed
WEIGHT_FAIRNESS = _DEFAULTS.fairness  # per night or weekend of spread (max - min) between agents of a
# site; below the cost of one overstaffed 4 h shift, so fairness never buys a shift nobody needs
WEIGHT_CHANGE = _DEFAULTS.change  # per shift added or removed against a --keep roster
WEIGHT_OVER_AGENT = _DEFAULTS.overstaffed  # each agent beyond the requirement in an interval


class Choices(Protocol):
    """What the coverage and hiring terms read: how many work each option (an agent's 0/1 choice, or a group's count), its break choices, who is hired."""

    @property
    def choices(self) -> Mapping[Option, cp_model.IntVar]: ...

    @property
    def breaks(self) -> Breaks: ...

    @property
    def hired(self) -> Mapping[str, cp_model.IntVar]: ...


class Objective:
    """The objective's terms, each `weight * term` with the term's exact value as a function of the roster.

    Built from (model, data, variables); `add_all` adds the roster model's
    terms, and `set` hands their sum to the model. Until `set`, parts may add
    terms of their own (`minimize`): a staged site model prices its
    headcount targets so (coverage.solve.staged).
    """

    def __init__(
        self, model: cp_model.CpModel, data: ModelData, variables: Choices, head_units: Callable[[Option], int] | None = None
    ):
        self.model = model
        self.data = data
        self.variables = variables
        self.head_units = head_units or data.head_units  # hundredths of a person an option adds to its channel's coverage
        self._terms: list[tuple[int, LinearExpr, Exact | None]] = []
        self._uncovered: dict[str, dict[int, cp_model.IntVar]] = defaultdict(dict)  # channel -> needed interval -> nobody there
        self._short: dict[str, dict[int, tuple[cp_model.IntVar, int]]] = defaultdict(
            dict
        )  # channel -> needed interval -> (shortfall, need)
        self._late: dict[str, dict[int, cp_model.IntVar]] = defaultdict(
            dict
        )  # backlog channel -> interval -> work past its deadline, in steps of its price (BacklogQueue.priced)
        self._past: dict[str, dict[int, LinearExpr]] = defaultdict(
            dict
        )  # backlog channel -> interval -> work past its deadline, in the queue's units (what the report counts)
        self._queues: dict[str, BacklogQueue] = {}  # backlog channel -> its queue (the hiring target reads its arrivals)
        self._unpriced: dict[int, Exact | None] = {}  # exact values of variables no term prices yet (a weighted `short`)
        self._upper: dict[int, int] = {}  # variable index -> its largest value (_most)
        self._runs_on: dict[tuple[int, str], LinearExpr] = {}  # (id of a template-day's FlexVars, channel) -> runs serving it

    @property
    def config(self) -> Config:
        return self.data.config

    @property
    def roster_vars(self) -> Variables:
        """The roster's variables: the terms about who works need agents, not counts."""
        if not isinstance(self.variables, Variables):
            raise TypeError("the terms about agents need the roster model's variables, not headcounts")
        return self.variables

    # ------------------------------------------------------------------ terms

    def add_all(self) -> None:
        """Every term of the roster model: coverage, hiring, wishes and fairness, and changes against a kept roster."""
        self.add_coverage_terms()
        self.add_hiring_terms()
        self.add_agent_terms()
        self.add_change_terms()

    def add_coverage_terms(self) -> None:
        """Only the terms that depend on how many work each occurrence, not on who (see aggregate)."""
        if self.config.forecast is not None:
            _coverage_terms(self)
            _clock_terms(self)
        _cover_terms(self)

    def add_hiring_terms(self) -> None:
        """What the hires cost, and the coverage target they must reach (after the coverage terms, which it reads)."""
        _hiring_terms(self)

    def add_change_terms(self) -> None:
        """With a kept roster: every shift added or dropped, every channel moved."""
        if self.data.keep is not None:
            _stability_terms(self, self.data.keep)

    def add_agent_terms(self) -> None:
        """The terms about who works: wishes and fairness."""
        for av in self.roster_vars.agents.values():
            _request_terms(self, av)
            _availability_terms(self, av)
            _shift_length_terms(self, av)
        _fairness_terms(self)
        _mix_terms(self)
        _cover_mix_terms(self)
        _mentor_terms(self)
        _target_terms(self)

    def minimize(self, weight: int, term: LinearExpr, exact: Exact | None = None) -> None:
        """Add `weight * term` to the objective; `exact` recomputes the term from the roster alone."""
        if weight:
            self._terms.append((weight, term, exact))

    # ------------------------------------------------------------------ read

    def set(self) -> None:
        """Minimize the sum of the terms added so far."""
        self.model.minimize(self.expression())

    def expression(self) -> LinearExpr:
        return sum(weight * term for weight, term, _ in self._terms)

    def exact(self, value: Value) -> int:
        """The roster's own cost: auxiliary variables may hold slack in a non-optimal solution."""
        read = solution_reader(value)
        return sum(weight * (exact(read) if exact else read(term)) for weight, term, exact in self._terms)

    def term_costs(self, value: Value) -> list[tuple[LinearExpr, int]]:
        """Each term with what it costs in a solution (weight × its exact value): where a roster's price comes from.

        For a breakdown of a roster's cost by term (benchmarks/construction.py
        names each by its expression); they sum to `exact`, which adds them up
        without the list, since it prices every roster a search reports.
        """
        read = solution_reader(value)
        return [(term, weight * (exact(read) if exact else read(term))) for weight, term, exact in self._terms]

    def _exact_of(self) -> dict[int, Exact | None]:
        """Each term's exact value, by the term's identity: a later term over the same variable reuses it."""
        return {**self._unpriced, **{id(term): value for _, term, value in self._terms}}


def solution_reader(value: Value) -> Value:
    """`value` of a solver's or a solution callback's solution, its variables read from one copy of the solution.

    CP-SAT's `value` goes through the response on every call (0.5 µs; 13
    million calls to price a 1,000-agent roster on the 15-minute grid, before
    `_on_duty`). A list lookup is cheaper by half; a linear expression (or
    anything else) still goes to `value` itself.
    """
    source = getattr(value, "__self__", None)
    if not isinstance(source, (cp_model.CpSolver, cp_model.CpSolverSolutionCallback)):
        return value
    values = list(source.response_proto.solution)

    def read(expression: LinearExpr) -> int:
        if isinstance(expression, cp_model.IntVar):
            return values[expression.index]
        return value(expression)

    return read


def _on_duty(vars_: list[cp_model.IntVar]) -> Exact:
    """Agents on duty among `vars_` in a solution, summed once per solution however many terms of the interval ask."""
    last: list[Any] = [None, 0]

    def on_duty(value: Value) -> int:
        if last[0] is not value:
            last[0], last[1] = value, sum(value(v) for v in vars_)
        return last[1]

    return on_duty


def _clock_terms(o: Objective) -> None:
    """A tie-break on the headline: each interval of the first view's weekends and nights that a realtime channel leaves uncovered.

    The coverage terms count per channel, so two rosters of equal cost can
    differ in the clock hours a manager reads first (chat and email short
    in the same hour, or in two); `weights.clock` (1, below any real cost)
    prefers the roster that leaves fewer of the first view's weekend and
    overnight hours uncovered, so `plan`, `hires` and `gaps` agree on them.
    """
    weight = o.config.weights.clock
    if not weight or not o._uncovered:
        return
    exact = o._exact_of()
    for k, place in enumerate(local_slots(o.data.grid, o.config.view_zones[0], o.config)):
        if not (place.weekend or place.overnight):
            continue
        flags = [nobody[k] for nobody in o._uncovered.values() if k in nobody]
        if len(flags) == 1:
            o.minimize(weight, flags[0], exact.get(id(flags[0])))
        elif flags:
            clock = o.model.new_bool_var(f"clock_uncovered[{k}]")
            for flag in flags:
                o.model.add(clock >= flag)
            o.minimize(weight, clock, _worst_of([exact.get(id(flag)) for flag in flags], flags))


def _worst_of(rules: list[Exact | None], flags: list[cp_model.IntVar]) -> Exact:
    """The exact value of "any of the flags is set": the largest flag, each recomputed by its own rule where it has one."""
    return lambda value: max((rule(value) if rule else value(flag)) for rule, flag in zip(rules, flags))


def _most(o: Objective, vars_: list[cp_model.IntVar]) -> int:
    """The largest sum the variables can take (an agent's choice counts 1, a headcount its group's size).

    Each variable's upper bound is read from its proto once: on the 15-minute
    grid a choice sits in some 32 intervals' sums, and reading the proto
    wrapper each time took a third of the whole model's build (1,000 agents).
    """
    upper, total = o._upper, 0
    for var in vars_:
        most = upper.get(var.index)
        if most is None:
            most = upper[var.index] = max(var.proto.domain)  # (the proto wrapper has no negative indexing)
        total += most
    return total


def _coverage_terms(o: Objective) -> None:
    on_duty: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    slots: dict[ShiftInstance, list[int]] = {}
    for option, var in o.variables.choices.items():
        if option in o.variables.breaks:
            _add_with_chosen_break(o, option, on_duty)
            continue
        s = option.instance
        if s not in slots:
            template = o.config.sites[s.site].shifts[s.shift]
            slots[s] = duty_slots(o.data.grid, s.start_utc, s.end_utc, template.unpaid_break_minutes)
        for slot in slots[s]:
            on_duty[(option.channel, slot)].append(var)
    for channel, slot, duty in _flexible_duty(o):
        on_duty[(channel, slot)].append(duty)
    units = _units_by_literal(o)
    for channel, required in o.data.requirements.required.items():
        backlog = o.data.requirements.backlog.get(channel)
        if backlog is not None:
            _backlog_terms(o, channel, backlog, [on_duty.get((channel, slot), []) for slot in range(o.data.grid.count)])
            continue
        for slot, need in enumerate(required):
            if o.config.counts_weight(channel):
                _weighted_slot_terms(o, channel, slot, need, [(units[v.index], v) for v in on_duty.get((channel, slot), [])])
                continue
            _slot_terms(o, channel, slot, need, on_duty.get((channel, slot), []))


def _units_by_literal(o: Objective) -> dict[int, int]:
    """Per variable index, the hundredths of a person it puts on duty, on channels that count weight.

    Each option's choice and break choices, and each flexible run's duty literals.
    """
    found: dict[int, int] = {}
    if not any(o.config.counts_weight(channel) for channel in o.config.channels):
        return found
    for option, var in o.variables.choices.items():
        if o.config.counts_weight(option.channel):
            units = o.head_units(option)
            found[var.index] = units
            for _, chosen in o.variables.breaks.get(option, ()):
                found[chosen.index] = units
    if isinstance(o.variables, Variables):
        for av in o.variables.agents.values():
            for f in av.flexible:
                for channel, slots in f.channels.items():
                    if o.config.counts_weight(channel):
                        units = o.config.head_units(av.scope.agent, channel)
                        found.update((duty.index, units) for duty in slots.values())
    return found


def _flexible_duty(o: Objective) -> list[tuple[str, int, cp_model.IntVar]]:
    """(channel, grid slot, literal) for every flexible run's duty slot inside the period's grid, agent by agent in order."""
    if not isinstance(o.variables, Variables):
        return []  # the headcount relaxation has no flexible runs (search solves such configs directly)
    count = o.data.grid.count
    return [
        (channel, slot, duty)
        for av in o.variables.agents.values()
        for f in av.flexible
        for channel, slots in f.channels.items()
        for slot, duty in slots.items()
        if 0 <= slot < count
    ]


def _backlog_terms(o: Objective, channel: str, backlog: Backlog, on_duty: list[list[cp_model.IntVar]]) -> None:
    """A backlog channel as a first-come-first-served queue: contacts answered after their deadline cost, per hour late.

    In the queue's units (coverage.queue): `waiting[k]` is what is
    still unanswered at the end of interval k, at least what waited before
    plus what arrived less what the agents on duty answer (and never below
    0: an idle agent cannot bank time for later work). First come first
    served, the newest arrivals wait longest, so `late[k]` — work past its
    deadline at the end of k — is what waits beyond the arrivals not yet
    due. An agent-hour of work an hour late costs `weights.late`. Agents beyond the
    channel's pace count as overstaffed, as on a realtime channel.
    """
    queue = BacklogQueue.of(backlog, o.config.weights.late, o.data.grid.hours_per_interval)
    o._queues[channel] = queue
    waiting_before: LinearExpr = 0
    duties = [_on_duty(vars_) for vars_ in on_duty]  # shared by the lateness and the over-pace terms
    for k, vars_ in enumerate(on_duty):
        waiting = o.model.new_int_var(0, queue.arrived_by[k], f"waiting[{channel},{k}]")
        o.model.add(waiting >= waiting_before + queue.arrivals[k] - queue.per_agent[k] * sum(vars_))
        overdue = queue.arrived_by[k] - queue.not_yet_due[k]  # the most that can be past its deadline now
        if overdue > 0:
            # `late` counts steps of the price (queue.scale units each), rounded up; at scale 1 it is the work itself
            late = o.model.new_int_var(0, queue.priced(overdue), f"late[{channel},{k}]")
            o.model.add(queue.scale * late >= waiting - queue.not_yet_due[k])
            o._late[channel][k] = late
            o._past[channel][k] = late if queue.scale == 1 else waiting - queue.not_yet_due[k]
        waiting_before = waiting
        _over_pace(o, channel, k, backlog.pace[k], vars_, duties[k])
    lates = list(o._late[channel].values())
    cost = queue.late_cost
    if lates and cost:

        def exact(value: Value) -> int:
            return queue.priced_late([duty(value) for duty in duties])

        o.minimize(cost, sum(lates), exact)


def _over_pace(o: Objective, channel: str, slot: int, pace: int, vars_: list[cp_model.IntVar], on_duty: Exact) -> None:
    """Agents on a backlog channel beyond its pace: overstaffed, as on a realtime channel beyond its requirement."""
    most = _most(o, vars_)
    if most <= pace:
        return
    scheduled = sum(vars_)
    over = o.model.new_int_var(0, most - pace, f"over[{channel},{slot}]")
    o.model.add(over >= scheduled - pace)
    o.minimize(o.config.weights.overstaffed, over, lambda value: max(on_duty(value) - pace, 0))


def _add_with_chosen_break(o: Objective, option: Option, on_duty: dict[tuple[str, int], list[cp_model.IntVar]]) -> None:
    """The agent covers a slot under every break choice that leaves the slot whole.

    Exactly one break variable is 1 when the shift is worked, so summing the
    break choices that spare a slot counts the agent there once, or not at all.
    """
    s = option.instance
    minutes = o.config.sites[s.site].shifts[s.shift].unpaid_break_minutes
    length = o.data.grid.minutes * 60
    origin = o.data.grid.start.timestamp()
    for slot in duty_slots(o.data.grid, s.start_utc, s.end_utc, 0):
        slot_start = origin + slot * length
        for begin, chosen in o.variables.breaks[option]:
            pause = begin.timestamp()
            if pause >= slot_start + length or pause + minutes * 60 <= slot_start:
                on_duty[(option.channel, slot)].append(chosen)


def _slot_terms(o: Objective, channel: str, slot: int, need: int, vars_: list[cp_model.IntVar]) -> None:
    """Shortfall, "nobody there" and excess of one interval.

    One-sided bounds search best; a roster found before the time limit may
    carry slack in them, so each term also carries its exact value as a
    function of the roster, which is what the result reports.
    """
    weights = o.config.weights
    scheduled = sum(vars_)
    if need <= 0:
        o.minimize(weights.overstaffed, scheduled)
        return

    on_duty = _on_duty(vars_)
    short = o.model.new_int_var(0, need, f"short[{channel},{slot}]")
    o.model.add(short >= need - scheduled)
    o._short[channel][slot] = (short, need)
    o.minimize(weights.understaffed, short, lambda value: max(need - on_duty(value), 0))
    uncovered = o.model.new_bool_var(f"uncovered[{channel},{slot}]")
    o.model.add(uncovered + scheduled >= 1)
    o._uncovered[channel][slot] = uncovered
    o.minimize(weights.uncovered, uncovered, lambda value: int(on_duty(value) == 0))
    most = _most(o, vars_)
    if most > need:
        over = o.model.new_int_var(0, most - need, f"over[{channel},{slot}]")
        o.model.add(over >= scheduled - need)
        o.minimize(weights.overstaffed, over, lambda value: max(on_duty(value) - need, 0))


def _weighted_slot_terms(o: Objective, channel: str, slot: int, need: int, heads: list[tuple[int, cp_model.IntVar]]) -> None:
    """`_slot_terms` on a channel that counts weight: the agents on duty meet the need with Σ weight, in hundredths of a person.

    `heads` are (hundredths, literal) pairs. Shortfall and excess cost their
    weights per person, so half a person missing costs half of
    `weights.understaffed`, rounded up to a whole unit of cost (the
    objective is in integers); "nobody there" counts heads. `short`, in
    whole people rounded up, is what a hiring target counts.
    """
    weights = o.config.weights
    literals = [v for _, v in heads]
    units = sum(u * v for u, v in heads)
    most = sum(u * max(v.proto.domain) for u, v in heads)

    def on_duty(value: Value) -> int:
        return sum(u * value(v) for u, v in heads)

    if need > 0:
        short = o.model.new_int_var(0, need, f"short[{channel},{slot}]")
        o.model.add(HEAD_UNITS * short >= HEAD_UNITS * need - units)
        o._short[channel][slot] = (short, need)
        o._unpriced[id(short)] = lambda value: max(-(-(HEAD_UNITS * need - on_duty(value)) // HEAD_UNITS), 0)
        _per_person(
            o,
            f"under[{channel},{slot}]",
            weights.understaffed,
            HEAD_UNITS * need - units,
            HEAD_UNITS * need,
            lambda value: HEAD_UNITS * need - on_duty(value),
        )
        uncovered = o.model.new_bool_var(f"uncovered[{channel},{slot}]")
        o.model.add(uncovered + sum(literals) >= 1)
        o._uncovered[channel][slot] = uncovered
        o.minimize(weights.uncovered, uncovered, lambda value: int(sum(value(v) for v in literals) == 0))
    floor = HEAD_UNITS * max(need, 0)
    _per_person(
        o, f"over[{channel},{slot}]", weights.overstaffed, units - floor, most - floor, lambda value: on_duty(value) - floor
    )


def _per_person(o: Objective, name: str, weight: int, excess: LinearExpr, most: int, exact: Callable[[Value], int]) -> None:
    """`weight` per person of `excess` (in hundredths of a person, at most `most`), rounded up to a whole unit of cost."""
    if not weight or most <= 0:
        return
    cost = o.model.new_int_var(0, -(-weight * most // HEAD_UNITS), name)
    o.model.add(HEAD_UNITS * cost >= weight * excess)
    o.minimize(1, cost, lambda value: -(-weight * max(exact(value), 0) // HEAD_UNITS))


def _hiring_terms(o: Objective) -> None:
    """Each hire costs its profile's cost (times the weight); the target is a hard rule.

    Only the target's channels and intervals count. A soft target (the
    roadmap's) is no rule: each of its gaps outweighs every uncovered and
    understaffed interval outside it together, and every email answered late,
    so a step closes target hours first. Late email is counted whole: first
    come, first served, the work past its deadline at an interval's end mixes
    arrivals the target counts with arrivals it does not, so the model cannot
    split it, and all of it could be bought back with a target hour.
    """
    if o.data.hiring is None:
        return
    for agent_id, hired in o.variables.hired.items():
        o.minimize(o.data.hiring.cost_weight * round(o.data.hiring.costs[agent_id]), hired)
    target = o.data.hiring.target
    if target is None:
        return
    weights = o.config.weights
    inside: list[tuple[cp_model.IntVar, cp_model.IntVar, int]] = []  # (uncovered, short, need)
    outside = 0  # the most the coverage terms outside the target (and all late email) can cost
    for channel, nobody in o._uncovered.items():
        for slot, uncovered in nobody.items():
            short, need = o._short[channel][slot]
            if target.counts(channel, slot):
                inside.append((uncovered, short, need))
            else:
                outside += weights.uncovered + need * weights.understaffed
    outside += sum(queue.late_cost * queue.most_priced_late() for channel, queue in o._queues.items() if o._late[channel])
    gaps = [u if target.kind == "uncovered" else s for u, s, _ in inside]
    if target.kind != "ratio":  # a backlog channel's hour counts when its arrivals are late, as coverage.hires counts it
        gaps += _late_arrivals(o, target)
    if target.soft:
        exact = o._exact_of()
        for gap in gaps:
            o.minimize(outside + 1, gap, exact.get(id(gap)))
        return
    allowed = 0
    if target.kind == "ratio":
        allowed = math.floor((1 - target.ratio) * sum(need for _, _, need in inside) + 1e-9)
    if target.most is not None:
        allowed = target.most
    if gaps:
        o.model.add(sum(gaps) <= allowed)


def _late_arrivals(o: Objective, target: Target) -> list[cp_model.IntVar]:
    """Per backlog interval the target counts, a literal that is 1 when its arrivals count as answered late.

    First come, first served, what is past its deadline at the end of the
    interval where interval k's arrivals fall due is k's arrivals (and maybe
    older work): at most `late_units_that_count - 1` units of it keep k in
    time, exactly as the report's BacklogOutcome.uncovered reads the roster.
    """
    found = []
    for channel, queue in o._queues.items():
        for k, units in enumerate(queue.arrivals):
            due = k + queue.window - 1
            if units == 0 or due >= o.data.grid.count or not target.counts(channel, k):
                continue
            flag = o.model.new_bool_var(f"late_arrivals[{channel},{k}]")
            o.model.add(o._past[channel][due] <= late_units_that_count(queue, k) - 1).only_enforce_if(flag.Not())
            found.append(flag)
    return found


def _cover_terms(o: Objective) -> None:
    """Headcount per shift template and day (`cover`): each agent short or over costs its weight."""
    by_template_day: dict[tuple[str, str, date], list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
    for option, var in o.variables.choices.items():
        s = option.instance
        by_template_day[(s.site, s.shift, s.day)].append((option.channel, var))
    runs = _flexible_runs(o)
    days = sorted({s.day for s in o.data.instances} | {w.day for w in o.data.windows})
    for index, cover in enumerate(o.config.cover):
        for d in days:
            if not cover.applies_to(d):
                continue
            listed = [
                var for channel, var in by_template_day.get((cover.site, cover.shift, d), []) if cover.channel in (None, channel)
            ]
            most = _most(o, listed)
            found: list[LinearExpr] = list(listed)
            for _, f, bound in runs.get((cover.site, cover.shift, d), []):
                found.append(_runs_on(o, f, cover.channel))
                most += bound
            working = sum(found)
            if cover.count > 0:
                under = o.model.new_int_var(0, cover.count, f"cover_under[{index},{d}]")
                o.model.add(under >= cover.count - working)
                o.minimize(cover.under_weight, under, _excess(cover.count, found, sign=-1))
            if most > cover.count:
                over = o.model.new_int_var(0, most - cover.count, f"cover_over[{index},{d}]")
                o.model.add(over >= working - cover.count)
                o.minimize(cover.over_weight, over, _excess(cover.count, found, sign=1))


def _flexible_runs(o: Objective) -> dict[tuple[str, str, date], list[tuple[str, FlexVars, int]]]:
    """Per (site, flexible template, date), (agent, their runs there, the most runs they can work)."""
    found: dict[tuple[str, str, date], list[tuple[str, FlexVars, int]]] = defaultdict(list)
    if isinstance(o.variables, Variables):
        for av in o.variables.agents.values():
            for f in av.flexible:
                found[(f.window.site, f.shift, f.day)].append((av.scope.id, f, av.scope.rules.max_shifts_per_day))
    return found


def _runs_on(o: Objective, f: FlexVars, channel: str | None) -> LinearExpr:
    """Runs of a template-day (on `channel`, when given): its starts, each on the channel its duty holds there."""
    if channel is None:
        return f.count
    if channel not in f.channels:
        return 0
    duty = f.channels[channel]
    if len(f.channels) == 1:
        return f.count
    if (id(f), channel) in o._runs_on:
        return o._runs_on[(id(f), channel)]
    found = []
    for k, begin in f.starts.items():
        on = o.model.new_bool_var(f"starts_on[{f.day},{f.shift},{channel},{k}]")
        o.model.add_implication(on, begin)
        o.model.add(on <= duty[k])
        o.model.add(on >= begin + duty[k] - 1)
        found.append(on)
    o._runs_on[(id(f), channel)] = sum(found)
    return o._runs_on[(id(f), channel)]


def _excess(count: int, found: Sequence[LinearExpr], sign: int) -> Exact:
    """Exact value of max(sign * (working - count), 0) for a roster."""
    return lambda value: max(sign * (sum(value(v) for v in found) - count), 0)


def request_weight(weight: float, unit: int = WEIGHT_REQUEST) -> int:
    """Integer objective weight of a request (CP-SAT needs integers)."""
    return max(1, round(weight * unit)) if unit else 0


def _request_terms(o: Objective, av: AgentVars) -> None:
    """Each missed request costs its weight; see config.Request for the meanings.

    The agent's occurrences are listed by (shift, day) once: a published
    instance asks for a shift on a fifth of its staff-days, and scanning every
    occurrence per request took a tenth of cl-12w-150's build.
    """
    days = av.days()
    worked = av.worked
    listed: dict[tuple[str, date], list[ShiftInstance]] = defaultdict(list)
    for s in worked:
        listed[(s.shift, s.day)].append(s)
    flexible: dict[tuple[str, date], list[FlexVars]] = defaultdict(list)
    for f in av.flexible:
        flexible[(f.shift, f.day)].append(f)
    for request in av.scope.agent.requests:
        weight = request_weight(request.weight, o.config.weights.request)
        if not request.scoped:
            o.minimize(weight, _missed_all_period(av, worked, request))
            continue
        for d in av.scope.site_days:
            if not request.applies_to(d):
                continue
            on_day = (
                days.get(d, 0)
                if request.shift == "any"
                else sum(av.work(s) for s in listed.get((request.shift, d), ()))
                + sum(f.on for f in flexible.get((request.shift, d), ()))
            )
            o.minimize(weight, (1 - on_day) if request.on is not None else on_day)


def _missed_all_period(av: AgentVars, worked: list[ShiftInstance], request: Request) -> LinearExpr:
    """A request for the whole period: an "on" one is missed by every other shift worked, an "off" one by each of its own."""
    matching = [s for s in worked if request.shift in ("any", s.shift)]
    runs = [f for f in av.flexible if request.shift in ("any", f.shift)]
    if request.on is not None:
        matched = set(matching)
        return sum(av.work(s) for s in worked if s not in matched) + sum(f.on for f in av.flexible if f not in runs)
    return sum(av.work(s) for s in matching) + sum(f.on for f in runs)


def _mix_terms(o: Objective) -> None:
    """Each interval a channel needs someone, each head of a role its `mix` asks for and misses costs `weights.mix`.

    Only the agents on duty for the channel count, as for its coverage. The
    term is about who works, so the headcount relaxation leaves it out.
    """
    rules = o.config.mix_rules()
    if not rules:
        return
    roles = {agent.id: set(agent.roles) | set(agent.skills) for agent in o.config.agents}
    on_duty: dict[tuple[str, int], list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
    for option, var in o.roster_vars.choices.items():
        if option.channel in rules:
            for slot, duty in _duty(o, option, var):
                on_duty[(option.channel, slot)].append((option.agent, duty))
    for av in o.roster_vars.agents.values():
        for f in av.flexible:
            for channel, slots in f.channels.items():
                if channel in rules:
                    for slot, duty in slots.items():
                        if 0 <= slot < o.data.grid.count:
                            on_duty[(channel, slot)].append((av.scope.id, duty))
    for channel, mix in rules.items():
        for slot, need in enumerate(o.data.requirements.required.get(channel, [])):
            if need <= 0:
                continue
            for role, heads in mix.items():
                found = [var for agent, var in on_duty.get((channel, slot), []) if role in roles[agent]]
                _at_least(o, f"mix[{channel},{role},{slot}]", heads, found, o.config.weights.mix)


def _cover_mix_terms(o: Objective) -> None:
    """A `cover` row's `mix`: of the agents it counts on a day, each head of a role missing costs the row's `under_weight`."""
    if not any(cover.mix for cover in o.config.cover):
        return
    roles = {agent.id: set(agent.roles) | set(agent.skills) for agent in o.config.agents}
    by_template_day: dict[tuple[str, str, date], list[tuple[Option, cp_model.IntVar]]] = defaultdict(list)
    for option, var in o.roster_vars.choices.items():
        s = option.instance
        by_template_day[(s.site, s.shift, s.day)].append((option, var))
    runs = _flexible_runs(o)
    days = sorted({s.day for s in o.data.instances} | {w.day for w in o.data.windows})
    for index, cover in enumerate(o.config.cover):
        for d in (d for d in days if cover.mix and cover.applies_to(d)):
            counted: list[tuple[str, LinearExpr]] = [
                (option.agent, var)
                for option, var in by_template_day.get((cover.site, cover.shift, d), [])
                if cover.channel in (None, option.channel)
            ]
            counted += [(agent, _runs_on(o, f, cover.channel)) for agent, f, _ in runs.get((cover.site, cover.shift, d), [])]
            for role, heads in cover.mix.items():
                found = [var for agent, var in counted if role in roles[agent]]
                _at_least(o, f"cover_mix[{index},{role},{d}]", heads, found, cover.under_weight)


def _at_least(o: Objective, name: str, heads: int, found: Sequence[LinearExpr], weight: int) -> None:
    """Each of `heads` missing among `found` costs `weight`."""
    short = o.model.new_int_var(0, heads, name)
    o.model.add(short >= heads - sum(found))
    o.minimize(weight, short, _excess(heads, found, sign=-1))


def _duty(o: Objective, option: Option, var: cp_model.IntVar) -> list[tuple[int, cp_model.IntVar]]:
    """(slot, literal) pairs: the option counts in the slot when the literal is 1 (a break choice that spares the slot, or the choice)."""
    if option in o.variables.breaks:
        found: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        _add_with_chosen_break(o, option, found)
        return [(slot, literal) for (_, slot), literals in found.items() for literal in literals]
    s = option.instance
    template = o.config.sites[s.site].shifts[s.shift]
    return [(slot, var) for slot in duty_slots(o.data.grid, s.start_utc, s.end_utc, template.unpaid_break_minutes)]


def _mentor_terms(o: Objective) -> None:
    """Different mentors across the period where possible: each mentor left out while another mentors twice costs `weights.mentor_repeat`.

    The cost of an onboarding agent with k mentors (in this model) who works
    W shifts is min(k, W) less the most distinct mentors their shifts can be paired with
    (a matching of shifts to mentors on duty over them): 0 when every
    mentor who could take a turn took one. Pairing literals say which mentor
    stands beside which shift; an agent with one mentor has no choice to price.
    Nor, yet, one who or whose mentors work flexible shifts: their pairing is
    a hard rule, and its choices here would read listed occurrences only.
    """
    weight = o.config.weights.mentor_repeat
    if not weight:
        return
    agents = o.roster_vars.agents
    for mentee, pairs in o.data.mentor_shifts.items():
        mentors = [m for m in dict.fromkeys(agents[mentee].scope.agent.mentors) if m in agents]
        shifts = [s for s, beside in pairs.items() if beside and s in agents[mentee].by_instance]
        if len(mentors) < 2 or not shifts:
            continue
        if agents[mentee].flexible or any(agents[m].flexible for m in mentors):
            continue  # pairing over flexible runs is a hard rule (coverage.solve.rules) but not priced here yet
        av = agents[mentee]
        paired: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for s in shifts:
            chosen = []
            for m in mentors:
                beside = [agents[m].work(t) for who, t in pairs[s] if who == m]
                if beside:
                    p = o.model.new_bool_var(f"mentor[{mentee},{s.day},{s.shift},{m}]")
                    o.model.add(p <= sum(beside))
                    chosen.append(p)
                    paired[m].append(p)
            o.model.add(sum(chosen) == av.work(s))
        used = []
        for m, ps in paired.items():
            flag = o.model.new_bool_var(f"mentor_used[{mentee},{m}]")
            o.model.add(flag <= sum(ps))
            used.append(flag)
        worked = sum(av.work(s) for s in shifts)
        could = []  # could[j - 1] is 1 when at least j shifts are worked: their sum is min(k, W)
        for j in range(1, min(len(mentors), len(shifts)) + 1):
            at_least = o.model.new_bool_var(f"mentor_turns[{mentee},{j}]")
            o.model.add(worked - (j - 1) <= (len(shifts) - j + 1) * at_least)
            could.append(at_least)
        o.minimize(weight, sum(could) - sum(used), _mentor_exact(av, shifts, pairs, agents, len(mentors)))


def _mentor_exact(
    av: AgentVars,
    shifts: list[ShiftInstance],
    pairs: Mapping[ShiftInstance, tuple[tuple[str, ShiftInstance], ...]],
    agents: Mapping[str, AgentVars],
    mentors: int,
) -> Exact:
    def exact(value: Value) -> int:
        worked = [s for s in shifts if value(av.work(s))]
        beside = [{m for m, t in pairs[s] if value(agents[m].work(t))} for s in worked]
        return min(mentors, len(worked)) - most_distinct(beside)

    return exact


def most_distinct(beside: list[set[str]]) -> int:
    """The most shifts that can each be paired with a different mentor: a maximum bipartite matching (shifts x mentors)."""
    names = sorted({m for found in beside for m in found})
    if not names:
        return 0
    column = {name: k for k, name in enumerate(names)}
    rows = [k for k, found in enumerate(beside) for _ in found]
    cols = [column[m] for found in beside for m in sorted(found)]
    graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(beside), len(names)))
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


def _availability_terms(o: Objective, av: AgentVars) -> None:
    """Hours of a shift inside the agent's `avoid` ranges, or outside their `preferred` ones, cost their weights."""
    ranges = av.scope.availability
    if ranges is None:
        return
    for s in av.worked:
        o.minimize(ranges.cost(s.start_utc, s.end_utc, o.config.weights), av.work(s))
    grid = o.data.grid
    for f in av.flexible:  # per duty slot, each rounded on its own: a run's cost is the sum of its slots'
        for slot, duty in f.duty.items():
            begin = slot_start(grid, slot)
            o.minimize(ranges.cost(begin, begin.add(minutes=grid.minutes), o.config.weights), duty)


def _shift_length_terms(o: Objective, av: AgentVars) -> None:
    """Each hour a flexible shift is longer or shorter than the agent's `preferred_hours` costs `weights.shift_length`.

    Per agent, date and flexible template, the hours its runs are away from
    the preference, summed over the runs and rounded to the nearest hour
    (halves up): `60·away ≥ |minutes away| − 29`, at its least when
    minimized. With one run a day the minutes away are |duty − preference|;
    with split shifts they are counted per slot (`_slots_away`), run by run.
    """
    preferred = av.scope.agent.preferred_hours
    weight = o.config.weights.shift_length
    if preferred is None or not weight:
        return
    target = round(preferred * 60)
    for f in av.flexible:
        w = f.window
        each = max(hours_away(w.min_slots * w.slot_minutes, target), hours_away(w.max_slots * w.slot_minutes, target))
        top = av.scope.rules.max_shifts_per_day * (each + 1)  # the most a day's runs can be away, rounded up per run
        away = o.model.new_int_var(0, top, f"length_away[{av.scope.id},{f.day},{f.shift}]")
        if av.scope.rules.max_shifts_per_day == 1:
            o.model.add(60 * away >= f.minutes() - target * f.on - (HALF_HOUR - 1))
            o.model.add(60 * away >= target * f.on - f.minutes() - (HALF_HOUR - 1))
        else:
            o.model.add(60 * away >= w.slot_minutes * _slots_away(o, f, target // w.slot_minutes) - (HALF_HOUR - 1))
        o.minimize(weight, away, _length_exact(f, target))


def _slots_away(o: Objective, f: FlexVars, preferred: int) -> LinearExpr:
    """Slots each run is longer (past its `preferred`-th slot) or shorter (short of it) than the preference, over the day's runs.

    A slot is past the preference when on duty with no start in the
    `preferred` slots up to it; short of it when a start lies within the
    `preferred` slots before it and it is not on duty (runs are at least a
    slot apart, so each run's missing slots are counted once).
    """
    terms: list[LinearExpr] = []
    name = f"{f.day},{f.shift},{f.window.first}"
    for k, duty in f.duty.items():
        recent = sum(f.starts[j] for j in range(k - preferred + 1, k + 1) if j in f.starts)
        past = o.model.new_bool_var(f"past[{name},{k}]")
        o.model.add(past >= duty - recent)
        terms.append(past)
    for k in range(f.window.first, f.window.last + preferred):
        recent = sum(f.starts[j] for j in range(k - preferred + 1, k + 1) if j in f.starts)
        if isinstance(recent, int):
            continue
        short = o.model.new_int_var(0, len(f.starts), f"short_of[{name},{k}]")
        o.model.add(short >= recent - f.duty.get(k, 0))
        terms.append(short)
    return sum(terms)


def _length_exact(f: FlexVars, target: int) -> Exact:
    """The hours away of the template-day's runs, recomputed from the roster's starts and ends."""

    def exact(value: Value) -> int:
        minutes, begin = 0, None
        for k in f.window.slots:
            if k in f.starts and value(f.starts[k]):
                begin = k
            if begin is not None and k in f.ends and value(f.ends[k]):
                minutes += abs((k - begin + 1) * f.window.slot_minutes - target)
                begin = None
        return hours_away(minutes, 0)

    return exact


def _target_terms(o: Objective) -> None:
    """Each agent's hours away from their `workload` target (coverage.targets) cost `weights.target`, squared or not.

    `away` is the hours away rounded to the nearest (60·away >= |worked −
    target| − 29 minutes, at its least when minimized); the squared cost is
    the most of the chords of h² between whole hours, (2k+1)·away − k(k+1),
    which equals away² at every whole `away`: exact in integers, and
    convex, so the LP relaxation prices it as tightly as a line can. The
    term is about who works, so the headcount relaxation leaves it out
    (its bound stays a lower bound: the cost is never negative).
    """
    weight = o.config.weights.target
    targets = agent_targets(o.config)
    if not weight or not targets:
        return
    linear = o.config.workload is not None and o.config.workload.cost == "linear"
    for agent, target in targets.items():
        av = o.roster_vars.agents.get(agent)
        if av is None:
            continue
        shifts = av.worked
        worked = sum(s.paid_minutes * av.work(s) for s in shifts) + sum(f.minutes() for f in av.flexible)
        most = _most_minutes(av)
        top = max(hours_away(0, target.minutes), hours_away(most, target.minutes))
        away = o.model.new_int_var(0, top, f"target_away[{agent}]")
        o.model.add(60 * away >= worked - target.minutes - (HALF_HOUR - 1))
        o.model.add(60 * away >= target.minutes - worked - (HALF_HOUR - 1))
        exact = _target_exact(av, shifts, target.minutes, o.config)
        if linear:
            o.minimize(weight, away, exact)
            continue
        cost = o.model.new_int_var(0, top * top, f"target_cost[{agent}]")
        for k in range(top):
            o.model.add(cost >= (2 * k + 1) * away - k * (k + 1))
        o.minimize(weight, cost, exact)


def _most_minutes(av: AgentVars) -> int:
    """The most paid minutes the agent can work: the longest occurrence of each day (one shift a day), within the weekly and period maxima.

    It bounds the domain of the hours away, so it must not be below any
    roster's: the maxima are the rules' own (coverage.solve.rules), floored as they are.
    """
    rules = av.scope.rules
    week_most = math.floor(rules.hours_per_week.max * 60 + 1e-9)
    longest: dict[date, int] = defaultdict(int)
    for s in av.worked:
        longest[s.day] = max(longest[s.day], s.paid_minutes)
    for f in av.flexible:
        longest[f.day] = max(longest[f.day], f.window.max_slots * f.window.slot_minutes)
    if rules.max_shifts_per_day > 1:
        longest = {day: minutes * rules.max_shifts_per_day for day, minutes in longest.items()}
    by_week: dict[date, int] = defaultdict(int)
    for day, minutes in longest.items():
        by_week[week_monday(day)] += minutes
    most = sum(min(minutes, week_most) for minutes in by_week.values())
    if rules.hours_per_period is not None:
        most = min(most, math.floor(rules.hours_per_period.max * 60 + 1e-9))
    return most


def _target_exact(av: AgentVars, shifts: list[ShiftInstance], target: int, config: Config) -> Exact:
    def exact(value: Value) -> int:
        worked = sum(s.paid_minutes for s in shifts if value(av.work(s)))
        worked += sum(f.window.slot_minutes * sum(value(d) for d in f.duty.values()) for f in av.flexible)
        return away_units(hours_away(worked, target), config)

    return exact


def _fairness_terms(o: Objective) -> None:
    """Spread nights and weekends evenly across the agents of each site.

    Nights are shared among the site's agents allowed a night template and
    at least one other (an agent who may only work nights has no choice, and
    would set the spread alone); weekends among those allowed to work
    weekends (max_weekends_per_period not 0 and not every weekend day a
    fixed day off). The nights and weekends of the previous roster
    (`history:`) count too: balancing each period on its own let the same
    agents take the extra weekend period after period, a spread that grew
    all year (benchmarks/year.py measures it). Membership comes from the
    config alone, so anyone can recompute the term from the rosters.
    """
    by_site: dict[str, list[AgentVars]] = defaultdict(list)
    for av in o.roster_vars.agents.values():
        if av.scope.id not in o.roster_vars.hired:  # a possible hire is nobody's colleague yet: an unhired one would sit at 0
            by_site[av.scope.agent.site].append(av)
    night_templates = {(s.site, s.shift) for scope in o.data.scopes for s in scope.nights}
    for site, members in by_site.items():
        nights: dict[str, LinearExpr] = {}
        weekends: dict[str, LinearExpr] = {}
        for av in members:
            allowed = {(site, name) for name in o.config.allowed_shifts(av.scope.agent)}
            if allowed & night_templates and allowed - night_templates:
                nights[av.scope.id] = sum(av.work(s) for s in av.worked if s in av.scope.nights) + len(av.scope.history_nights)
            if works_weekends(o.config, av.scope.agent, av.scope.rules.max_weekends_per_period):
                flags = o.roster_vars.weekend_flags(av.scope.id)
                weekends[av.scope.id] = sum(flags.values()) + len(_earlier_weekends(o, av) - flags.keys())
        _spread(o, f"nights[{site}]", nights)
        _spread(o, f"weekends[{site}]", weekends)


def _earlier_weekends(o: Objective, av: AgentVars) -> set[date]:
    """Mondays of the weeks whose weekend the previous roster worked."""
    weekend = o.config.weekend_days
    return {week_monday(a.day) for a in av.scope.history or [] if a.day.isoweekday() in weekend}


def works_weekends(config: Config, agent: Agent, max_weekends: int | None) -> bool:
    weekend = {WEEKDAYS[n - 1] for n in config.weekend_days}
    return max_weekends != 0 and not weekend <= set(agent.days_off)


def _spread(o: Objective, name: str, counts: dict[str, LinearExpr]) -> None:
    if len(counts) < 2:
        return
    most = o.config.plan.days + 2 + max(len(av.scope.history or []) for av in o.roster_vars.agents.values())
    top = o.model.new_int_var(0, most, f"max_{name}")
    bottom = o.model.new_int_var(0, most, f"min_{name}")
    for count in counts.values():
        o.model.add(top >= count)
        o.model.add(bottom <= count)
    exprs = list(counts.values())
    o.minimize(o.config.weights.fairness, top - bottom, lambda value: max(map(value, exprs)) - min(map(value, exprs)))


def _stability_terms(o: Objective, keep: Roster) -> None:
    """Every kept shift dropped and every new shift added counts as one change; a kept shift on another channel as a channel move."""
    for change in changes_against(o.roster_vars, keep):
        o.minimize(o.config.weights.change, change)
    kept: dict[tuple[str, date, str], str] = {(a.agent, a.day, a.shift): a.channel for a in keep.assignments}
    for option, var in o.variables.choices.items():
        was = kept.get((option.agent, option.instance.day, option.instance.shift))
        if was is not None and option.channel != was:
            o.minimize(o.config.weights.channel_change, var)


def changes_against(variables: Variables, keep: Roster) -> list[LinearExpr]:
    """Per agent and occurrence it may work, 1 when the roster differs from the kept one there (a shift dropped or added)."""
    kept = {(a.agent, a.day, a.shift) for a in keep.assignments}
    return [
        (1 - av.work(s)) if (av.scope.id, s.day, s.shift) in kept else av.work(s)
        for av in variables.agents.values()
        for s in av.worked
    ] + [
        (1 - f.on) if (av.scope.id, f.day, f.shift) in kept else f.on  # a flexible template-day kept or not, whatever its times
        for av in variables.agents.values()
        for f in av.flexible
    ]
