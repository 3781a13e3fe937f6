"""The objective: understaffing first, then wishes, then fairness, then overstaffing.

Weights are per interval (coverage) or per shift (wishes, changes). An
interval nobody covers costs the "uncovered" weight on top of the per-agent
shortfall, so the solver puts *somebody* in every needed hour before it
doubles up anywhere.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

from ortools.sat.python import cp_model

from coverage.config import WEEKDAYS, Agent, Config, Weights
from coverage.demand import Backlog
from coverage.queue import BacklogQueue
from coverage.roster import Roster
from coverage.solve.model import AgentVars, Exact, LinearExpr, Option, RosterModel, Value
from coverage.time import ShiftInstance, duty_slots, local_slots, week_monday

_DEFAULTS = Weights()
# The default weights (config `weights:` overrides each one).
WEIGHT_UNCOVERED = _DEFAULTS.uncovered  # an interval that needs someone and has nobody
WEIGHT_SHORT_AGENT = _DEFAULTS.understaffed  # each agent missing in an interval
WEIGHT_REQUEST = _DEFAULTS.request  # per unit of a request's weight, each time it is missed
WEIGHT_FAIRNESS = _DEFAULTS.fairness  # per night or weekend of spread (max - min) between agents of a
# site; below the cost of one overstaffed 4 h shift, so fairness never buys a shift nobody needs
WEIGHT_CHANGE = _DEFAULTS.change  # per shift added or removed against a --keep roster
WEIGHT_OVER_AGENT = _DEFAULTS.overstaffed  # each agent beyond the requirement in an interval


def add_objective(rm: RosterModel, keep: Roster | None = None) -> None:
    _add_coverage_terms(rm)
    _hiring_terms(rm)
    add_agent_terms(rm)
    if keep is not None:
        _stability_terms(rm, keep)
    rm.model.minimize(rm.objective())


def add_coverage_objective(rm: RosterModel) -> None:
    """Only the terms that depend on how many work each occurrence, not on who (see aggregate)."""
    _add_coverage_terms(rm)
    rm.model.minimize(rm.objective())


def add_agent_terms(rm: RosterModel) -> None:
    """The terms about who works: wishes and fairness."""
    for av in rm.agents.values():
        _request_terms(rm, av)
    _fairness_terms(rm)


def _add_coverage_terms(rm: RosterModel) -> None:
    if rm.config.forecast is not None:
        _coverage_terms(rm)
        _clock_terms(rm)
    _cover_terms(rm)


def _clock_terms(rm: RosterModel) -> None:
    """A tie-break on the headline: each interval of the first view's weekends and nights that a realtime channel leaves uncovered.

    The coverage terms count per channel, so two rosters of equal cost can
    differ in the clock hours a manager reads first (chat and email short
    in the same hour, or in two); `weights.clock` (1, below any real cost)
    prefers the roster that leaves fewer of the first view's weekend and
    overnight hours uncovered, so `plan`, `hires` and `gaps` agree on them.
    """
    weight = rm.config.weights.clock
    if not weight or not rm.uncovered:
        return
    exact = {id(term): value for _, term, value in rm.terms}
    for k, place in enumerate(local_slots(rm.grid, rm.config.view_zones[0], rm.config)):
        if not (place.weekend or place.overnight):
            continue
        flags = [nobody[k] for nobody in rm.uncovered.values() if k in nobody]
        if len(flags) == 1:
            rm.minimize(weight, flags[0], exact.get(id(flags[0])))
        elif flags:
            clock = rm.model.new_bool_var(f"clock_uncovered[{k}]")
            for flag in flags:
                rm.model.add(clock >= flag)
            rules = [exact.get(id(flag)) for flag in flags]
            rm.minimize(weight, clock, lambda value, rules=rules, flags=flags: max(
                (rule(value) if rule else value(flag)) for rule, flag in zip(rules, flags)))


def _most(vars_: list[cp_model.IntVar]) -> int:
    """The largest sum the variables can take (an agent's choice counts 1, a headcount its group's size)."""
    return sum(max(var.proto.domain) for var in vars_)  # (the proto wrapper has no negative indexing)


def _coverage_terms(rm: RosterModel) -> None:
    on_duty: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    slots: dict[ShiftInstance, list[int]] = {}
    for option, var in rm.choices.items():
        if option in rm.breaks:
            _add_with_chosen_break(rm, option, on_duty)
            continue
        s = option.instance
        if s not in slots:
            template = rm.config.sites[s.site].shifts[s.shift]
            slots[s] = duty_slots(rm.grid, s.start_utc, s.end_utc, template.unpaid_break_minutes)
        for slot in slots[s]:
            on_duty[(option.channel, slot)].append(var)
    for channel, required in rm.requirements.required.items():
        backlog = rm.requirements.backlog.get(channel)
        if backlog is not None:
            _backlog_terms(rm, channel, backlog, [on_duty.get((channel, slot), []) for slot in range(rm.grid.count)])
            continue
        for slot, need in enumerate(required):
            _slot_terms(rm, channel, slot, need, on_duty.get((channel, slot), []))


def _backlog_terms(rm: RosterModel, channel: str, backlog: Backlog, on_duty: list[list[cp_model.IntVar]]) -> None:
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
    queue = BacklogQueue.of(backlog, rm.config.weights.late, rm.grid.hours_per_interval)
    waiting_before: LinearExpr = 0
    for k, vars_ in enumerate(on_duty):
        waiting = rm.model.new_int_var(0, queue.arrived_by[k], f"waiting[{channel},{k}]")
        rm.model.add(waiting >= waiting_before + queue.arrivals[k] - queue.per_agent[k] * sum(vars_))
        overdue = queue.arrived_by[k] - queue.not_yet_due[k]  # the most that can be past its deadline now
        if overdue > 0:
            late = rm.model.new_int_var(0, overdue, f"late[{channel},{k}]")
            rm.model.add(late >= waiting - queue.not_yet_due[k])
            rm.late[channel][k] = late
        waiting_before = waiting
        _over_pace(rm, channel, k, backlog.pace[k], vars_)
    lates = list(rm.late[channel].values())
    cost = queue.late_cost
    if lates and cost:
        def exact(value: Value) -> int:
            return queue.late_units([sum(value(v) for v in vars_) for vars_ in on_duty])

        rm.minimize(cost, sum(lates), exact)


def _over_pace(rm: RosterModel, channel: str, slot: int, pace: int, vars_: list[cp_model.IntVar]) -> None:
    """Agents on a backlog channel beyond its pace: overstaffed, as on a realtime channel beyond its requirement."""
    most = _most(vars_)
    if most <= pace:
        return
    scheduled = sum(vars_)
    over = rm.model.new_int_var(0, most - pace, f"over[{channel},{slot}]")
    rm.model.add(over >= scheduled - pace)
    rm.minimize(rm.config.weights.overstaffed, over, lambda value: max(sum(value(v) for v in vars_) - pace, 0))


def _add_with_chosen_break(rm: RosterModel, option: Option, on_duty: dict[tuple[str, int], list[cp_model.IntVar]]) -> None:
    """The agent covers a slot under every break choice that leaves the slot whole.

    Exactly one break variable is 1 when the shift is worked, so summing the
    break choices that spare a slot counts the agent there once, or not at all.
    """
    s = option.instance
    minutes = rm.config.sites[s.site].shifts[s.shift].unpaid_break_minutes
    length = rm.grid.minutes * 60
    origin = rm.grid.start.timestamp()
    for slot in duty_slots(rm.grid, s.start_utc, s.end_utc, 0):
        slot_start = origin + slot * length
        for begin, chosen in rm.breaks[option]:
            pause = begin.timestamp()
            if pause >= slot_start + length or pause + minutes * 60 <= slot_start:
                on_duty[(option.channel, slot)].append(chosen)


def _slot_terms(rm: RosterModel, channel: str, slot: int, need: int, vars_: list[cp_model.IntVar]) -> None:
    """Shortfall, "nobody there" and excess of one interval.

    One-sided bounds search best; a roster found before the time limit may
    carry slack in them, so each term also carries its exact value as a
    function of the roster, which is what the result reports.
    """
    weights = rm.config.weights
    scheduled = sum(vars_)
    if need <= 0:
        rm.minimize(weights.overstaffed, scheduled)
        return

    def on_duty(value: Value) -> int:
        return sum(value(v) for v in vars_)

    short = rm.model.new_int_var(0, need, f"short[{channel},{slot}]")
    rm.model.add(short >= need - scheduled)
    rm.short[channel][slot] = (short, need)
    rm.minimize(weights.understaffed, short, lambda value: max(need - on_duty(value), 0))
    uncovered = rm.model.new_bool_var(f"uncovered[{channel},{slot}]")
    rm.model.add(uncovered + scheduled >= 1)
    rm.uncovered[channel][slot] = uncovered
    rm.minimize(weights.uncovered, uncovered, lambda value: int(on_duty(value) == 0))
    most = _most(vars_)
    if most > need:
        over = rm.model.new_int_var(0, most - need, f"over[{channel},{slot}]")
        rm.model.add(over >= scheduled - need)
        rm.minimize(weights.overstaffed, over, lambda value: max(on_duty(value) - need, 0))


def _hiring_terms(rm: RosterModel) -> None:
    """Each hire costs its profile's cost (times the weight); the target is a hard rule.

    Only the target's channels and intervals count. A soft target (the
    roadmap's) is no rule: each of its gaps outweighs every uncovered and
    understaffed interval outside it together, so a step closes target hours first.
    """
    if rm.hiring is None:
        return
    for agent_id, hired in rm.hired.items():
        rm.minimize(rm.hiring.cost_weight * round(rm.hiring.costs[agent_id]), hired)
    target = rm.hiring.target
    if target is None:
        return
    weights = rm.config.weights
    inside: list[tuple[cp_model.IntVar, cp_model.IntVar, int]] = []  # (uncovered, short, need)
    outside = 0  # the most the coverage terms outside the target can cost
    for channel, nobody in rm.uncovered.items():
        for slot, uncovered in nobody.items():
            short, need = rm.short[channel][slot]
            if target.counts(channel, slot):
                inside.append((uncovered, short, need))
            else:
                outside += weights.uncovered + need * weights.understaffed
    gaps = [u if target.kind == "uncovered" else s for u, s, _ in inside]
    if target.soft:
        exact = {id(term): value for _, term, value in rm.terms}
        for gap in gaps:
            rm.minimize(outside + 1, gap, exact.get(id(gap)))
        return
    allowed = 0
    if target.kind == "ratio":
        allowed = math.floor((1 - target.ratio) * sum(need for _, _, need in inside) + 1e-9)
    if target.most is not None:
        allowed = target.most
    if gaps:
        rm.model.add(sum(gaps) <= allowed)


def _cover_terms(rm: RosterModel) -> None:
    """Headcount per shift template and day (`cover`): each agent short or over costs its weight."""
    by_template_day: dict[tuple[str, str, date], list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
    for option, var in rm.choices.items():
        s = option.instance
        by_template_day[(s.site, s.shift, s.day)].append((option.channel, var))
    days = sorted({s.day for s in rm.instances})
    for index, cover in enumerate(rm.config.cover):
        for d in days:
            if not cover.applies_to(d):
                continue
            found = [var for channel, var in by_template_day.get((cover.site, cover.shift, d), [])
                     if cover.channel in (None, channel)]
            working = sum(found)
            if cover.count > 0:
                under = rm.model.new_int_var(0, cover.count, f"cover_under[{index},{d}]")
                rm.model.add(under >= cover.count - working)
                rm.minimize(cover.under_weight, under, _excess(cover.count, found, sign=-1))
            most = _most(found)
            if most > cover.count:
                over = rm.model.new_int_var(0, most - cover.count, f"cover_over[{index},{d}]")
                rm.model.add(over >= working - cover.count)
                rm.minimize(cover.over_weight, over, _excess(cover.count, found, sign=1))


def _excess(count: int, found: list[cp_model.IntVar], sign: int) -> Exact:
    """Exact value of max(sign * (working - count), 0) for a roster."""
    return lambda value: max(sign * (sum(value(v) for v in found) - count), 0)


def request_weight(weight: float, unit: int = WEIGHT_REQUEST) -> int:
    """Integer objective weight of a request (CP-SAT needs integers)."""
    return max(1, round(weight * unit)) if unit else 0


def _request_terms(rm: RosterModel, av: AgentVars) -> None:
    """Each missed request costs its weight; see config.Request for the meanings."""
    days = av.days()
    for request in av.scope.agent.requests:
        weight = request_weight(request.weight, rm.config.weights.request)
        matching = [s for s in av.worked if request.shift in ("any", s.shift)]
        if not request.scoped:
            others = [s for s in av.worked if s not in matching]
            missed = sum(av.work(s) for s in (others if request.on is not None else matching))
            rm.minimize(weight, missed)
            continue
        for d in av.scope.site_days:
            if not request.applies_to(d):
                continue
            on_day = days.get(d, 0) if request.shift == "any" else sum(av.work(s) for s in matching if s.day == d)
            rm.minimize(weight, (1 - on_day) if request.on is not None else on_day)


def _fairness_terms(rm: RosterModel) -> None:
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
    for av in rm.agents.values():
        if av.scope.id not in rm.hired:  # a possible hire is nobody's colleague yet: an unhired one would sit at 0
            by_site[av.scope.agent.site].append(av)
    night_templates = {(s.site, s.shift) for scope in rm.scopes for s in scope.nights}
    for site, members in by_site.items():
        nights: dict[str, LinearExpr] = {}
        weekends: dict[str, LinearExpr] = {}
        for av in members:
            allowed = {(site, name) for name in rm.config.allowed_shifts(av.scope.agent)}
            if allowed & night_templates and allowed - night_templates:
                nights[av.scope.id] = sum(av.work(s) for s in av.worked if s in av.scope.nights) + len(av.scope.history_nights)
            if works_weekends(rm.config, av.scope.agent, av.scope.rules.max_weekends_per_period):
                flags = rm.weekend_flags.get(av.scope.id, {})
                weekends[av.scope.id] = sum(flags.values()) + len(_earlier_weekends(rm, av) - flags.keys())
        _spread(rm, f"nights[{site}]", nights)
        _spread(rm, f"weekends[{site}]", weekends)


def _earlier_weekends(rm: RosterModel, av: AgentVars) -> set[date]:
    """Mondays of the weeks whose weekend the previous roster worked."""
    weekend = rm.config.weekend_days
    return {week_monday(a.day) for a in av.scope.history or [] if a.day.isoweekday() in weekend}


def works_weekends(config: Config, agent: Agent, max_weekends: int | None) -> bool:
    weekend = {WEEKDAYS[n - 1] for n in config.weekend_days}
    return max_weekends != 0 and not weekend <= set(agent.days_off)


def _spread(rm: RosterModel, name: str, counts: dict[str, LinearExpr]) -> None:
    if len(counts) < 2:
        return
    most = rm.config.plan.days + 2 + max(len(av.scope.history or []) for av in rm.agents.values())
    top = rm.model.new_int_var(0, most, f"max_{name}")
    bottom = rm.model.new_int_var(0, most, f"min_{name}")
    for count in counts.values():
        rm.model.add(top >= count)
        rm.model.add(bottom <= count)
    exprs = list(counts.values())
    rm.minimize(rm.config.weights.fairness, top - bottom, lambda value: max(map(value, exprs)) - min(map(value, exprs)))


def _stability_terms(rm: RosterModel, keep: Roster) -> None:
    """Every kept shift dropped and every new shift added counts as one change; a kept shift on another channel as a channel move."""
    kept: dict[tuple[str, date, str], str] = {(a.agent, a.day, a.shift): a.channel for a in keep.assignments}
    for av in rm.agents.values():
        for s in av.worked:
            key = (av.scope.id, s.day, s.shift)
            rm.minimize(rm.config.weights.change, (1 - av.work(s)) if key in kept else av.work(s))
    for option, var in rm.choices.items():
        was = kept.get((option.agent, option.instance.day, option.instance.shift))
        if was is not None and option.channel != was:
            rm.minimize(rm.config.weights.channel_change, var)
