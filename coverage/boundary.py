"""The boundary between two rota periods: what the previous roster tells the next one.

A shift belongs to the period its UTC start falls in, but the day-based rules
(runs of days and days off, days and hours per week, weekends, nights,
successions, one shift a day) count site-local dates. At a boundary the two
disagree for every site whose clock is not the plan's: a Manila `early` shift
at 07:00 on Monday 18 January starts at 23:00 UTC on Sunday, so it belongs to a
period that ends at midnight UTC, yet its local date is the new period's first
day. Such a day is already worked when the new period begins.

The model and the independent checker both read the boundary through this
module, so they cannot count it differently. It holds plain data only (no
solver, no rule logic): which local dates the previous roster worked, which of
them fall inside the new period, and which of its shifts fall in a given week.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from coverage.roster import Assignment, Roster
from coverage.time import week_monday


@dataclass(frozen=True)
class AgentBoundary:
    """One agent's previous-roster shifts, seen from the site's first local date of the new period.

    `first_day` is None when the site has no shift in the new period (then
    nothing of the previous roster reaches into it).
    """

    shifts: tuple[Assignment, ...]  # sorted by UTC start
    first_day: date | None

    @cached_property
    def worked_days(self) -> frozenset[date]:
        """Every local date the previous roster has a shift on."""
        return frozenset(a.day for a in self.shifts)

    @cached_property
    def taken_days(self) -> dict[date, Assignment]:
        """Local dates on or after the first day that a previous-roster shift already works.

        These days are worked before the new period's roster says anything:
        they count as worked days for every day rule, and no second shift may
        be added on them (one shift per local date).
        """
        if self.first_day is None:
            return {}
        first = self.first_day
        return {a.day: a for a in self.shifts if a.day >= first}

    def on(self, day: date) -> Assignment | None:
        """The previous roster's shift on a local date (the last one, if a hand-made roster has two)."""
        found = [a for a in self.shifts if a.day == day]
        return found[-1] if found else None

    def in_week(self, monday: date) -> tuple[Assignment, ...]:
        """Previous-roster shifts whose local date falls in the Monday-to-Sunday week of `monday`."""
        return tuple(a for a in self.shifts if week_monday(a.day) == monday)

    def since(self, day: date) -> tuple[Assignment, ...]:
        """Previous-roster shifts from a local date on: what rules that look back a few days see."""
        return tuple(a for a in self.shifts if a.day >= day)


def agent_boundaries(history: Roster | None, agents: Iterable[tuple[str, date | None]]) -> dict[str, AgentBoundary] | None:
    """Each agent's boundary, from the previous roster and each agent's site's first local date; None without history."""
    if history is None:
        return None
    return {agent: AgentBoundary(tuple(history.for_agent(agent)), first_day) for agent, first_day in agents}
