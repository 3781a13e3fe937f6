"""Why the largest remaining gaps stay open: which rules or missing skills keep agents away.

After a roster is found, a manager's next question about an uncovered hour is
"why not?". For the largest recurring uncovered windows this looks at every
agent who could have covered them and sorts them by what stopped them: no
shift template reaches the hour, nobody has the skill there, leave or
holidays, already working, or a contract limit already used up.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from coverage.config import Config
from coverage.demand import Requirements
from coverage.gaps import coverage_of
from coverage.roster import Assignment, Roster
from coverage.solve.scope import AgentScope, agent_scopes
from coverage.time import ShiftInstance, duty_slots, shift_instances, week_monday
from coverage.windows import GapWindow, gap_windows, worst_windows


def explain_gaps(config: Config, requirements: Requirements, roster: Roster, top: int = 5) -> list[str]:
    """One plain-words line per distinct cause among the largest uncovered windows (first view's clock).

    Windows with the same cause (Manila's lunch hour on every weekday, say)
    are folded into the first one's line with a count, so five lines name
    up to five different things to fix.
    """
    coverage = coverage_of(roster, requirements, config)
    windows = worst_windows(gap_windows(coverage, config, kinds=("uncovered",)), view=config.view_zones[0], count=top * 6)
    if not windows:
        return []
    instances = shift_instances(config)
    scopes = {scope.id: scope for scope in agent_scopes(config, instances)}
    slots = {s: _slots(config, requirements, s) for s in instances}
    causes: dict[str, list[str]] = {}
    for window in windows:
        head, cause = _explain(config, requirements, roster, scopes, slots, window)
        if cause in causes or len(causes) < top:
            causes.setdefault(cause, []).append(head)
    return [_folded(heads, cause) for cause, heads in causes.items()]


def _folded(heads: list[str], cause: str) -> str:
    more = f" (and {len(heads) - 1} more window{'s' if len(heads) > 2 else ''} like it)" if len(heads) > 1 else ""
    return f"{heads[0]}{more}: {cause}"


def _slots(config: Config, requirements: Requirements, s: ShiftInstance) -> set[int]:
    template = config.sites[s.site].shifts[s.shift]
    return set(duty_slots(requirements.grid, s.start_utc, s.end_utc, template.unpaid_break_minutes))


def _explain(
    config: Config,
    requirements: Requirements,
    roster: Roster,
    scopes: dict[str, AgentScope],
    slots: dict[ShiftInstance, set[int]],
    window: GapWindow,
) -> tuple[str, str]:
    """(the window in words, why it stays open)."""
    head = window.describe()
    grid = requirements.grid
    first = grid.index(window.starts_utc[0]) or 0
    wanted = set(range(first, first + max(1, round(window.hours_each * 60 / grid.minutes))))
    reaching = [s for s, covered in slots.items() if covered & wanted]
    if not reaching:
        return head, "no shift template at any site is on duty then (breaks included) — add a template or move one"
    sites = {s.site for s in reaching}
    skilled = [scope for scope in scopes.values() if scope.agent.site in sites and window.channel in scope.agent.skills]
    if not skilled:
        return head, f"no agent with the {window.channel} skill works at {', '.join(sorted(sites))}, whose shifts reach these hours"
    reasons = Counter(_why_not(config, roster, scope, [s for s in reaching if s.site == scope.agent.site]) for scope in skilled)
    listed = ", ".join(f"{count} {reason}" for reason, count in reasons.most_common())
    return head, f"of {len(skilled)} agents who could cover its first hours, {listed}"


def _why_not(config: Config, roster: Roster, scope: AgentScope, reaching: list[ShiftInstance]) -> str:
    """The first rule that keeps this agent from the shifts that reach the window."""
    available = [s for s in reaching if s not in scope.blocked]
    if not available:
        blocked = scope.blocked[reaching[0]]
        for word in ("leave", "holiday", "fixed days off", "employed", "allowed shifts"):
            if word in blocked:
                return {"leave": "on leave", "holiday": "off for public holidays", "fixed days off": "on a fixed day off",
                        "employed": "not employed then", "allowed shifts": "not allowed those shifts"}[word]
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
    paid = sum(config.sites[a.site].shifts[a.shift].paid_minutes for a in week) / 60
    if len({a.day for a in week}) >= rules.max_days_per_week or paid + available[0].paid_hours > rules.hours_per_week.max + 1e-9:
        return "at their weekly limit"
    if _too_little_rest(mine, available[0], rules.min_rest_hours):
        return "kept off by minimum rest"
    return "free but needed elsewhere or kept off by run and weekend limits"


def _too_little_rest(mine: list[Assignment], s: ShiftInstance, hours: float) -> bool:
    rest = timedelta(hours=hours)
    return any(a.end_utc + rest > s.start_utc and s.end_utc + rest > a.start_utc for a in mine)
