"""Why the largest gaps stay open, and what would close them.

After a roster is found, a manager's next question about an uncovered hour is
"why not, and what do I change?". For the largest uncovered windows of the
first view this looks at every shift and agent that could have covered them
and names, where the data can tell, both:

* the cause: a template's fixed mid-shift break sits in the hours, no shift
  template reaches them, nobody with the skill works where shifts reach
  them, or the agents who could are kept off (leave, holidays, a weekend
  limit, a weekly limit, already working, ...);
* the change that would close them: give the template a ``break_window``; a
  shift at a site starting at a given local time (computed from the window's
  hours, the site's usual shift length, fewest overnight hours on the site's
  clock, sites with skilled agents first); an agent with the skill; a
  weekend limit, allowed shifts or ``works_holidays``; or a hire profile from
  ``candidates`` whose shifts reach the hours.

Windows are said on the first view's clock; a start time for a site is said
on the site's clock (as templates are written) with the view's beside it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pendulum

from coverage.config.schema import Config
from coverage.demand import Requirements
from coverage.gaps import coverage_of
from coverage.reach import reach_slots, usable
from coverage.roster import Assignment, Roster, paid_minutes
from coverage.solve.scope import AgentScope, agent_scopes
from coverage.time import Grid, ShiftInstance, hours_in_local_window, shift_instances, to_local, week_monday
from coverage.windows import GapWindow, gap_windows, in_words, worst_windows

CAPACITY = (
    "working another shift that day",
    "at their weekly limit",
    "kept off by minimum rest",
    "free but needed elsewhere or kept off by run and weekend limits",
)


@dataclass(frozen=True)
class GapExplanation:
    """Why one uncovered window (and those with the same cause) stays open, and what would close it."""

    windows: tuple[GapWindow, ...]  # the first is named; the others share its cause and fix
    cause: str
    fix: str = ""

    @property
    def line(self) -> str:
        """ "Sat–Sun 00:00–24:00 America/New_York, every week, chat: CAUSE — FIX"."""
        more = len(self.windows) - 1
        fold = f" (and {more} more window{'s' if more > 1 else ''} like it)" if more else ""
        text = f"{self.windows[0].describe()}{fold}: {self.cause}"
        return f"{text} — {self.fix}" if self.fix else text

    def __str__(self) -> str:
        return self.line


def explain_gaps(config: Config, requirements: Requirements, roster: Roster, top: int = 5) -> list[GapExplanation]:
    """One explanation per distinct cause and fix among the largest uncovered windows of the first view.

    Windows with the same cause and fix (an evening hole on every weekday,
    say) are folded into the first one's line with a count, so `top` lines
    name up to `top` different things to change. A plan with a flexible
    template gets none yet: the causes are judged per listed occurrence, and
    a run that could reach the hours would go unseen (the answer would be wrong).
    """
    if any(t.flexible for site in config.sites.values() for t in site.shifts.values()):
        return []
    coverage = coverage_of(roster, requirements, config)
    every = gap_windows(coverage, config, kinds=("uncovered",), roster=roster)
    windows = worst_windows(every, view=config.view_zones[0], count=top * 6)
    if not windows:
        return []
    team = _Team.of(config, requirements.grid, roster)
    found: dict[tuple[str, str], list[GapWindow]] = {}
    for window in windows:
        key = team.explain(window)
        if key in found or len(found) < top:
            found.setdefault(key, []).append(window)
    return [GapExplanation(tuple(ws), cause, fix) for (cause, fix), ws in found.items()]


@dataclass(frozen=True)
class _Team:
    """Every shift occurrence and agent (and possible hire) that could reach a window, computed once."""

    config: Config
    grid: Grid
    roster: Roster
    scopes: dict[str, AgentScope]
    slots: dict[ShiftInstance, frozenset[int]]  # slots an agent on the occurrence can be on duty in
    hires: dict[str, tuple[frozenset[str], frozenset[int]]]  # candidate profile -> (skills, slots its shifts reach)

    @classmethod
    def of(cls, config: Config, grid: Grid, roster: Roster) -> _Team:
        instances = shift_instances(config)
        scopes = {scope.id: scope for scope in agent_scopes(config, instances)}
        slots = {s: reach_slots(config, grid, s) for s in instances}
        return cls(config, grid, roster, scopes, slots, _hire_reach(config, instances, slots))

    def explain(self, window: GapWindow) -> tuple[str, str]:
        """(why the window stays open, the change that would close it — "" when the data cannot tell)."""
        wanted = self._first_hours(window)
        reaching = [s for s, covered in self.slots.items() if covered & wanted]
        if not reaching:
            return self._unreached(window, wanted)
        sites = sorted({s.site for s in reaching})
        skilled = [
            scope
            for scope in self.scopes.values()
            if scope.agent.site in sites and set(window.channels) & set(scope.agent.skills)
        ]
        hire = self._hire(window, wanted)
        if not skilled:
            skill = f"the {' or '.join(window.channels)} skill"
            cause = f"no agent with {skill} works at {', '.join(sites)}, whose shifts reach these hours"
            return cause, hire or f"an agent with {skill} at {' or '.join(sites)} would reach them"
        why = {
            scope.id: _why_not(self.config, self.roster, scope, [s for s in reaching if s.site == scope.agent.site])
            for scope in skilled
        }
        reasons = Counter(why.values())
        listed = ", ".join(f"{count} {reason}" for reason, count in reasons.most_common())
        cause = f"of {len(skilled)} agents who could cover its first hours, {listed}"
        return cause, _fix(reasons, [(scope, why[scope.id]) for scope in skilled], reaching, hire)

    def _first_hours(self, window: GapWindow) -> set[int]:
        first = self.grid.index(window.starts_utc[0]) or 0
        return set(range(first, min(first + max(1, round(window.hours_each * 60 / self.grid.minutes)), self.grid.count)))

    def _unreached(self, window: GapWindow, wanted: set[int]) -> tuple[str, str]:
        """No shift is on duty then: a fixed break in the way, or hours no template reaches."""
        for s in self.slots:
            template = self.config.sites[s.site].shifts[s.shift]
            if (
                template.unpaid_break_minutes
                and template.break_window is None
                and set(self.grid.covered(s.start_utc, s.end_utc)) & wanted
            ):
                return (
                    f"the fixed mid-shift break of {s.shift} at {s.site} falls in these hours and no other shift reaches them",
                    f"a break_window on {s.shift} at {s.site} would let the breaks move out of them",
                )
        return "no shift template at any site is on duty then (breaks included)", self._new_shift(window, wanted)

    def _new_shift(self, window: GapWindow, wanted: set[int]) -> str:
        """ "an 8-hour shift at dublin starting 22:00 local (17:00 America/New_York) would reach them"."""
        first, stop = min(wanted), max(wanted) + 1
        options = []
        for name, site in self.config.sites.items():
            hours = Counter(t.max_minutes / 60 for t in site.shifts.values()).most_common(1)[0][0]
            skilled = any(a.site == name and set(a.skills) & set(window.channels) for a in self.config.agents)
            start = self._best_start(first, stop, hours, site.timezone)
            night = hours_in_local_window(
                start, start.add(minutes=round(hours * 60)), site.timezone, self.config.overnight.start, self.config.overnight.end
            )
            options.append((not skilled, round(night, 6), name, start, hours))
        _, _, name, start, hours = min(options)
        zone = self.config.sites[name].timezone
        reach = "them" if (stop - first) * self.grid.minutes <= hours * 60 else f"its first {hours:g} h"
        at = (
            f"{to_local(start, zone):%H:%M} {zone}"
            if zone == window.view
            else f"{to_local(start, zone):%H:%M} local ({to_local(start, window.view):%H:%M} {window.view})"
        )
        length = f"{hours:g}"
        article = "an" if length.startswith("8") or length.split(".")[0] in ("11", "18") else "a"
        return f"{article} {length}-hour shift at {name} starting {at} would reach {reach}"

    def _best_start(self, first: int, stop: int, hours: float, zone: str) -> pendulum.DateTime:
        """The start covering slots [first, stop) (or their first `hours`) with the fewest overnight hours on `zone`'s clock."""
        steps = round(hours * 60 / self.grid.minutes)
        earliest = max(stop - steps, 0) if stop - first <= steps else first
        starts = [self.grid.start.add(minutes=k * self.grid.minutes) for k in range(earliest, first + 1)]
        night = self.config.overnight

        def score(start: pendulum.DateTime) -> tuple[float, int]:
            end = start.add(minutes=round(hours * 60))
            return round(hours_in_local_window(start, end, zone, night.start, night.end), 6), -int(start.timestamp())

        return min(starts, key=score)

    def _hire(self, window: GapWindow, wanted: set[int]) -> str:
        """ "hire profile manila would reach them" for the candidate profiles whose shifts reach the hours."""
        names = [name for name, (skills, reached) in self.hires.items() if skills & set(window.channels) and reached & wanted]
        if not names:
            return ""
        return f"hire profile {' or '.join(names[:3])} would reach them"


def _hire_reach(
    config: Config, instances: list[ShiftInstance], slots: dict[ShiftInstance, frozenset[int]]
) -> dict[str, tuple[frozenset[str], frozenset[int]]]:
    """Per candidate profile: its skills and the slots one such hire could be on duty in (same rules as everyone)."""
    if not config.candidates:
        return {}
    hires = config.model_copy(update={"agents": [c.as_agents()[0] for c in config.candidates]})
    found = {}
    for candidate, scope in zip(config.candidates, agent_scopes(hires, instances)):
        reached = frozenset(k for s in usable(scope, hires) for k in slots[s])
        found[candidate.id] = (frozenset(candidate.skills), reached)
    return found


def _fix(reasons: Counter, kept: list[tuple[AgentScope, str]], reaching: list[ShiftInstance], hire: str) -> str:
    """The setting behind the most common reason that has one, and a hire profile that would reach the hours.

    A setting is named only when its reason is the most common one or keeps at least a third of the agents
    away: two agents off for a holiday do not explain a gap that eighteen busy agents leave open.
    """
    top = max(reasons.values())
    weighty = [reason for reason, count in reasons.most_common() if count == top or count * 3 >= len(kept)]
    changes = [change for reason in weighty if (change := _change(reason, kept, reaching))][:1]
    if hire and any(reason in CAPACITY or reason in ("on leave", "at their weekend limit") for reason in reasons):
        changes.append(hire)
    return "; or ".join(changes)


def _change(reason: str, kept: list[tuple[AgentScope, str]], reaching: list[ShiftInstance]) -> str:
    """The configuration change that lifts one reason ("" for reasons that are nobody's setting, such as leave)."""
    if reason == "at their weekend limit":
        limits = Counter(scope.rules.max_weekends_per_period for scope, why in kept if why == reason)
        said = ", ".join(f"{limit} for {count}" for limit, count in sorted(limits.items()))
        return f"a higher max_weekends_per_period (now {said} of them) would reach them"
    if reason == "off for public holidays":
        return "an agent with works_holidays: true would reach them"
    if reason == "not allowed those shifts":
        shifts = sorted({f"{s.shift} at {s.site}" for s in reaching})
        return f"allowing {in_words(shifts[:3])} in agents' shifts would reach them"
    if reason == "on a fixed day off":
        return "moving a fixed day off (days_off) would reach them"
    return ""


def _why_not(config: Config, roster: Roster, scope: AgentScope, reaching: list[ShiftInstance]) -> str:
    """The first rule that keeps this agent from the shifts that reach the window."""
    available = [s for s in reaching if s not in scope.blocked]
    if not available:
        blocked = scope.blocked[reaching[0]]
        for word in ("leave", "holiday", "fixed days off", "employed", "allowed shifts"):
            if word in blocked:
                return {
                    "leave": "on leave",
                    "holiday": "off for public holidays",
                    "fixed days off": "on a fixed day off",
                    "employed": "not employed then",
                    "allowed shifts": "not allowed those shifts",
                }[word]
        return "unavailable"
    mine = roster.for_agent(scope.id)
    day = available[0].day
    if any(a.day == day for a in mine):
        return "working another shift that day"
    rules = scope.rules
    weekend = config.weekend_days
    if day.isoweekday() in weekend and rules.max_weekends_per_period is not None:
        worked = {week_monday(a.day) for a in mine if a.day.isoweekday() in weekend}
        if week_monday(day) not in worked and len(worked) >= rules.max_weekends_per_period:
            return "at their weekend limit"
    week = [a for a in mine if week_monday(a.day) == week_monday(day)]
    paid = sum(paid_minutes(a, config) for a in week) / 60
    if len({a.day for a in week}) >= rules.max_days_per_week or paid + available[0].paid_hours > rules.hours_per_week.max + 1e-9:
        return "at their weekly limit"
    if _too_little_rest(mine, available[0], rules.min_rest_hours):
        return "kept off by minimum rest"
    return "free but needed elsewhere or kept off by run and weekend limits"


def _too_little_rest(mine: list[Assignment], s: ShiftInstance, hours: float) -> bool:
    rest = timedelta(hours=hours)
    return any(a.end_utc + rest > s.start_utc and s.end_utc + rest > a.start_utc for a in mine)
