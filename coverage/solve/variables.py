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

import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

import pendulum
from ortools.sat.python import cp_model

from coverage.roster import Assignment, Roster
from coverage.solve.data import ModelData, Option
from coverage.solve.rulebook import RuleBook
from coverage.solve.scope import AgentScope
from coverage.time import FlexWindow, ShiftInstance, break_starts, hours_in_local_window, slot_start, week_monday

LinearExpr = cp_model.LinearExpr | int  # a CP-SAT expression (variables included) or a plain constant; never a numpy integer
Value = Callable[[LinearExpr], int]  # a solution's value of a variable or linear expression
Exact = Callable[[Value], int]  # a term's exact value, computed from the roster's own variables
Breaks = Mapping[Option, tuple[tuple[pendulum.DateTime, cp_model.IntVar], ...]]  # option -> (break start, chosen)


@dataclass(frozen=True, eq=False)  # by identity: one per agent and template-day, a key of night_flags
class FlexVars:
    """One agent's runs of one flexible template on one date: a flow over the window's grid slots.

    `starts[k]` is 1 when a run begins in slot k, `duty[k]` when the agent is
    on duty in it, `ends[k]` when slot k is a run's last; duty[k] =
    duty[k−1] + starts[k] − ends[k−1] makes the duty slots one contiguous
    run per start (Variables._add_flexible). `channels[c][k]` is 1 when the
    agent serves channel c in slot k (one channel per run).
    """

    window: FlexWindow
    starts: Mapping[int, cp_model.IntVar]
    duty: Mapping[int, cp_model.IntVar]
    ends: Mapping[int, cp_model.IntVar]
    channels: Mapping[str, Mapping[int, cp_model.IntVar]]
    count: LinearExpr  # runs worked that date (at most the agent's max_shifts_per_day)
    on: LinearExpr  # 1 when at least one run is worked
    length: cp_model.IntVar  # duty slots of the date's runs: the sum of `duty`, as one bounded integer rules read

    @property
    def day(self) -> date:
        return self.window.day

    @property
    def shift(self) -> str:
        return self.window.shift

    def minutes(self) -> LinearExpr:
        """Paid minutes of the runs: every duty slot in full (a flexible shift has no unpaid break)."""
        return self.window.slot_minutes * self.length


@dataclass(frozen=True)
class AgentVars:
    """An agent's decision variables, viewed per occurrence, per day and per week."""

    scope: AgentScope
    by_instance: Mapping[ShiftInstance, tuple[cp_model.IntVar, ...]]  # occurrence -> one variable per channel
    by_day: Mapping[date, LinearExpr]  # site-local date -> 1 when worked (see Variables._link_days)
    flexible: tuple[FlexVars, ...] = ()  # flexible template-days the agent has variables for

    def duty(self, slot: int) -> LinearExpr:
        """1 when the agent is on duty in grid slot `slot` in a flexible run (listed shifts are read per occurrence)."""
        return sum(f.duty[slot] for f in self.flexible if slot in f.duty)

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

    def flexible_weeks(self) -> dict[date, list[FlexVars]]:
        found: dict[date, list[FlexVars]] = defaultdict(list)
        for f in self.flexible:
            found[week_monday(f.day)].append(f)
        return found


def gap_slots(gap_hours: float, slot_minutes: int) -> int:
    """Free slots between two runs of one date: the gap in whole slots, at least one (two runs back to back are one)."""
    return max(1, math.ceil(gap_hours * 60 / slot_minutes - 1e-9))


def _too_close(start: datetime, end: datetime, other_start: datetime, other_end: datetime, gap_seconds: float) -> bool:
    """Whether two spans overlap or lie less than the gap apart."""
    return other_start.timestamp() < end.timestamp() + gap_seconds and start.timestamp() < other_end.timestamp() + gap_seconds


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
        self._night_flags: dict[str, Mapping[FlexVars, LinearExpr]] = {}  # made on first use (night_flags)

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

    def night_flags(self, agent: str) -> Mapping[FlexVars, LinearExpr]:
        """Per flexible template-day of the agent that can hold a night shift: 1 exactly when its duty makes it one.

        A night shift spends at least `night_shift.min_hours` inside the night
        window on the site's clock; a run's night minutes are the sum of its
        duty slots' (each slot's minutes inside the window, DST included).
        With split shifts the day counts its night minutes divided by the
        minimum, rounded down: never fewer nights than its runs hold (the limits
        the model keeps, the checker finds kept), sometimes more (an 8 h run
        inside a 22:00-06:00 night with a 3 h minimum counts as two). Made on the
        first call, then the same literals: the night rules ask first, the
        fairness term reads them again.
        """
        if agent not in self._night_flags:
            self._night_flags[agent] = MappingProxyType(self._add_night_flags(self._agents[agent]))
        return self._night_flags[agent]

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
        assignments += [a for av in self._agents.values() for f in av.flexible for a in self._runs(av.scope.id, f, value)]
        assignments.sort(key=lambda a: (a.start_utc, a.agent))
        return Roster(tuple(assignments))

    def flexible_hint(self, roster: Roster) -> list[tuple[cp_model.IntVar, int]]:
        """(variable, value) for every start, duty, end and channel literal of the flexible runs, from a roster's runs.

        The counterpart of `_runs`: a roster handed back as a hint (a polished
        one, coverage.solve.staged.hint_roster) keeps its runs' times and channels.
        """
        grid = self._data.grid
        runs: dict[tuple[str, date, str], list[Assignment]] = defaultdict(list)
        for a in roster.assignments:
            runs[(a.agent, a.day, a.shift)].append(a)
        found: list[tuple[cp_model.IntVar, int]] = []
        for av in self._agents.values():
            for f in av.flexible:
                on: dict[int, str] = {}  # duty slot -> channel
                starts, ends = set(), set()
                for a in runs.get((av.scope.id, f.day, f.shift), []):
                    first = grid.index(a.start_utc)
                    last = round((a.end_utc - grid.start).total_seconds() / 60) // grid.minutes - 1
                    if first is None:
                        continue
                    starts.add(first)
                    ends.add(last)
                    on.update(dict.fromkeys(range(first, last + 1), a.channel))
                found += [(var, int(k in starts)) for k, var in f.starts.items()]
                found += [(var, int(k in ends)) for k, var in f.ends.items()]
                found += [(var, int(k in on)) for k, var in f.duty.items()]
                for channel, slots in f.channels.items():
                    found += [(var, int(on.get(k) == channel)) for k, var in slots.items() if var is not f.duty[k]]
        return found

    def _runs(self, agent: str, f: FlexVars, value: Callable[[cp_model.IntVar], int]) -> list[Assignment]:
        """Each run of a flexible template-day as an assignment: from its start slot to the end of its last."""
        w, grid = f.window, self._data.grid
        found = []
        begin: int | None = None
        for k in w.slots:
            if k in f.starts and value(f.starts[k]):
                begin = k
            if begin is not None and k in f.ends and value(f.ends[k]):
                channel = next(c for c, duty in f.channels.items() if value(duty[begin]))
                found.append(
                    Assignment(
                        agent=agent,
                        site=w.site,
                        channel=channel,
                        shift=w.shift,
                        day=w.day,
                        start_utc=slot_start(grid, begin),
                        end_utc=slot_start(grid, k + 1),
                    )
                )
                begin = None
        return found

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
        windows = scope.flexible + (list(scope.flexible_blocked) if self._data.explain else [])
        flexible = tuple(self._add_flexible(scope, w, rules) for w in sorted(windows, key=lambda w: (w.first, w.shift)))
        return AgentVars(
            scope,
            MappingProxyType({s: tuple(vars_) for s, vars_ in by_instance.items()}),
            MappingProxyType(self._link_days(scope, by_instance, flexible)),
            flexible,
        )

    def _add_flexible(self, scope: AgentScope, w: FlexWindow, rules: RuleBook) -> FlexVars:
        """The runs of one flexible template-day: starts, duty and ends per slot, tied by the flow, with their lengths.

        O(slots) literals rather than one per start × length: the design and
        its measurements are in benchmarks/notes/flexible-shifts.md. With one
        shift a day, "runs × shortest ≤ duty ≤ runs × longest" bounds the one
        run; with split shifts each run's length and the gap between two runs
        are clauses on its start and end.
        """
        m, name = self._model, f"{scope.id},{w.day},{w.shift}"
        starts = {k: m.new_bool_var(f"b[{name},{k}]") for k in w.starts}
        duty = {k: m.new_bool_var(f"d[{name},{k}]") for k in w.slots}
        ends = {k: m.new_bool_var(f"e[{name},{k}]") for k in w.slots if k >= w.first + w.min_slots - 1}
        for k in w.slots:
            m.add(duty[k] == duty.get(k - 1, 0) + starts.get(k, 0) - ends.get(k - 1, 0))
            for literal in (starts.get(k), ends.get(k)):
                if literal is not None:
                    m.add_implication(literal, duty[k])
        count = sum(starts.values())
        most = scope.rules.max_shifts_per_day
        m.add(sum(ends.values()) == count)
        length = m.new_int_var(0, min(len(duty), w.max_slots * most), f"length[{name}]")
        m.add(length == sum(duty.values()))  # one bounded integer: hour limits propagate through it, not through each slot
        m.add(length >= w.min_slots * count)
        m.add(length <= w.max_slots * count)
        if most > 1:
            self._split_runs(w, starts, duty, ends, gap_slots(scope.rules.min_gap_hours, w.slot_minutes))
        on: LinearExpr = count if most == 1 else self._any_of(f"on[{name}]", list(starts.values()))
        if len(starts) == 1 and most == 1:
            on = next(iter(starts.values()))
        channels = self._flexible_channels(scope, w, starts, duty)
        blocked = scope.flexible_blocked.get(w)
        if blocked is not None:
            rules.require(count == 0, blocked)
        by_reason: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for k, words in scope.closed_slots.get(w, {}).items():
            by_reason[f"agent {scope.id}: {words}"].append(duty[k])
        for label, closed in by_reason.items():
            rules.require(sum(closed) == 0, label)
        return FlexVars(w, MappingProxyType(starts), MappingProxyType(duty), MappingProxyType(ends), channels, count, on, length)

    def _split_runs(
        self,
        w: FlexWindow,
        starts: Mapping[int, cp_model.IntVar],
        duty: Mapping[int, cp_model.IntVar],
        ends: Mapping[int, cp_model.IntVar],
        gap: int,
    ) -> None:
        """Several runs in one window: each at least the shortest and at most the longest, `gap` free slots apart."""
        m = self._model
        for k, begin in starts.items():
            for j in range(w.min_slots - 1):
                if k + j in ends:
                    m.add_bool_or([begin.Not(), ends[k + j].Not()])
        for k in w.slots:
            window = [duty[k + j] for j in range(w.max_slots + 1) if k + j in duty]
            if len(window) > w.max_slots:
                m.add(sum(window) <= w.max_slots)
        for k, end in ends.items():
            for j in range(1, gap + 1):
                if k + j in starts:
                    m.add_bool_or([end.Not(), starts[k + j].Not()])

    def _any_of(self, name: str, literals: list[cp_model.IntVar]) -> LinearExpr:
        """A literal that is 1 exactly when one of `literals` is."""
        if len(literals) == 1:
            return literals[0]
        flag = self._model.new_bool_var(name)
        for literal in literals:
            self._model.add_implication(literal, flag)
        self._model.add(flag <= sum(literals))
        return flag

    def _flexible_channels(
        self, scope: AgentScope, w: FlexWindow, starts: Mapping[int, cp_model.IntVar], duty: Mapping[int, cp_model.IntVar]
    ) -> Mapping[str, Mapping[int, cp_model.IntVar]]:
        """Per channel, duty in each slot: a run serves one channel, chosen at its start and kept to its end."""
        skills = scope.agent.skills
        if len(skills) == 1:
            return MappingProxyType({skills[0]: MappingProxyType(dict(duty))})
        m = self._model
        by_channel: dict[str, dict[int, cp_model.IntVar]] = {
            c: {k: m.new_bool_var(f"d[{scope.id},{w.day},{w.shift},{c},{k}]") for k in w.slots} for c in skills
        }
        for k in w.slots:
            m.add(sum(by_channel[c][k] for c in skills) == duty[k])
            for c in skills:
                if k - 1 in by_channel[c]:
                    m.add(by_channel[c][k] <= by_channel[c][k - 1] + starts.get(k, 0))
                elif k not in starts:
                    m.add(by_channel[c][k] == 0)
        return MappingProxyType({c: MappingProxyType(dict(slots)) for c, slots in by_channel.items()})

    def _link_days(
        self, scope: AgentScope, by_instance: dict[ShiftInstance, list[cp_model.IntVar]], flexible: tuple[FlexVars, ...] = ()
    ) -> dict[date, LinearExpr]:
        """One 0/1 variable per agent and day, equal to the sum of that day's shift variables.

        Every day rule (runs, rests, weekends, caps) then reads one literal
        instead of a sum over templates and channels: its constraints become
        three-literal clauses CP-SAT propagates and cuts as such, and its
        neighbourhoods see the day as one variable. Measured on the Curtois
        instances and the synthetic teams (README, "Search and speed", sixth
        round): higher bounds on Curtois 4-7, better rosters on most of them
        and on the 1,000-agent team. The equality also states "one shift per
        day" — or, with `max_shifts_per_day` above 1 (split shifts), at most
        that many, each pair `min_gap_hours` apart (`_split_days`). A flexible
        template-day counts its runs (its starts).
        """
        found: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        for s, vars_ in by_instance.items():
            found[s.day].extend(vars_)
        for f in flexible:
            found[f.day].extend(f.starts.values())
        most = scope.rules.max_shifts_per_day
        literals: dict[date, LinearExpr] = {}
        for d, vars_ in found.items():
            if len(vars_) == 1:
                literals[d] = vars_[0]
                continue
            works = self._model.new_bool_var(f"works[{scope.id},{d}]")
            if most == 1:
                self._model.add(sum(vars_) == works)
            else:
                self._model.add(sum(vars_) <= most * works)
                for var in vars_:
                    self._model.add_implication(var, works)
            literals[d] = works
        if most > 1:
            self._split_days(scope, by_instance, flexible)
        return literals

    def _split_days(
        self, scope: AgentScope, by_instance: dict[ShiftInstance, list[cp_model.IntVar]], flexible: tuple[FlexVars, ...]
    ) -> None:
        """Two shifts of one date may not overlap and lie `min_gap_hours` apart (end to next start, real time).

        Between two listed occurrences, and between a listed occurrence and a
        flexible run's duty slots, it is a clause per pair too close; between
        two flexible templates of the date, per pair of their slots too close.
        Runs of one flexible template keep their gap in `_split_runs`.
        """
        m, gap = self._model, scope.rules.min_gap_hours * 3600
        grid = self._data.grid
        listed = sorted(by_instance, key=lambda s: (s.start_utc, s.shift))
        for s in listed:  # one occurrence is one shift on one channel: the day's sum no longer says so once it may exceed 1
            if len(by_instance[s]) > 1:
                m.add_at_most_one(by_instance[s])
        for i, first in enumerate(listed):
            for then in listed[i + 1 :]:
                if then.day == first.day and _too_close(first.start_utc, first.end_utc, then.start_utc, then.end_utc, gap):
                    m.add(sum(by_instance[first]) + sum(by_instance[then]) <= 1)
        for f in flexible:
            for s in (s for s in listed if s.day == f.day):
                for k, on_duty in f.duty.items():
                    begin = slot_start(grid, k)
                    if _too_close(begin, begin.add(minutes=grid.minutes), s.start_utc, s.end_utc, gap):
                        m.add(sum(by_instance[s]) + on_duty <= 1)
        slots = gap_slots(scope.rules.min_gap_hours, grid.minutes)
        for i, f in enumerate(flexible):
            for g in (g for g in flexible[i + 1 :] if g.day == f.day):
                for k, on_duty in f.duty.items():
                    for j in range(k - slots, k + slots + 1):
                        if j in g.duty:
                            m.add_bool_or([on_duty.Not(), g.duty[j].Not()])

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
            av = self._agents[agent_id]
            for var in (v for vars_ in av.by_instance.values() for v in vars_):
                self._model.add(var <= literal)
            for var in (b for f in av.flexible for b in f.starts.values()):
                self._model.add(var <= literal)
            if agent_id in hiring.hired:
                self._model.add(literal == 1)
        for first, second in hiring.in_order():
            self._model.add(hired[first] >= hired[second])
        if hiring.max_hires is not None:
            self._model.add(sum(hired.values()) <= hiring.max_hires)
        return hired

    def _add_night_flags(self, av: AgentVars) -> dict[FlexVars, LinearExpr]:
        config, grid = self._data.config, self._data.grid
        night, zone = config.night_shift, config.sites[av.scope.agent.site].timezone
        least = math.ceil(night.min_hours * 60 - 1e-6)
        flags: dict[FlexVars, LinearExpr] = {}
        for f in av.flexible:
            minutes = {}
            for k in f.duty:
                begin = slot_start(grid, k)
                minutes[k] = round(
                    60 * hours_in_local_window(begin, begin.add(minutes=grid.minutes), zone, night.start, night.end)
                )
            inside = sum(m for k, m in minutes.items() if m)
            if inside < least or least <= 0:
                if least <= 0:
                    flags[f] = f.on  # every shift is a night shift
                continue
            duty = sum(m * f.duty[k] for k, m in minutes.items() if m)
            most = av.scope.rules.max_shifts_per_day
            if most > 1:  # j night runs hold at least j × least night minutes: never fewer nights counted than worked
                # (a long night run counts ⌊its night minutes / least⌋: never too few, sometimes too many; its domain must allow that)
                top = max(most, inside // least)
                nights = self._model.new_int_var(0, top, f"nights[{av.scope.id},{f.day},{f.shift}]")
                self._model.add(least * nights >= duty - (least - 1))
                self._model.add(least * nights <= duty)
                flags[f] = nights
                continue
            flag = self._model.new_bool_var(f"night[{av.scope.id},{f.day},{f.shift}]")
            self._model.add(duty - (least - 1) <= inside * flag)
            self._model.add(duty >= least * flag)
            flags[f] = flag
        return flags

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
