"""The backlog queue: contacts answered first come, first served, each by its deadline — or late.

An email that arrives at 02:00 with a 24-hour deadline does not need anyone
at 02:00: the morning shift answers it in time. What matters is whether the
agents on the channel, interval by interval, clear the queue fast enough
that nothing waits past its deadline. This module runs that queue on the
period grid, for the roster model (as linear constraints: coverage.solve.
objective) and for the gap report (as a simulation of a finished roster:
coverage.gaps), from the same integers, so both count lateness alike.

The queue is fluid: contacts are divisible, counted in hundredths
(`UNITS`), and the agents on duty for a whole interval answer `per_agent`
contacts each in it (shrinkage taken out). What arrives in an interval may
be answered in it. Capacity nobody needs is lost, never banked for later.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from coverage.demand import Backlog

UNITS = 100  # a contact in hundredths: CP-SAT counts integers


@dataclass(frozen=True)
class QueueRun:
    """One roster's queue, per interval, in units: what waits at its end, and what of that is past its deadline."""

    waiting: list[int]
    late: list[int]
    answered: list[int]  # cumulative: answered by the end of each interval


@dataclass(frozen=True)
class BacklogQueue:
    """A backlog channel's queue on the grid, in integer units."""

    window: int
    arrivals: list[int]  # units arriving per interval
    per_agent: list[int]  # units one agent on duty answers per interval
    arrived_by: list[int]  # cumulative arrivals up to the end of each interval
    not_yet_due: list[int]  # of those, the units whose deadline lies later (the last window − 1 intervals' arrivals)

    @classmethod
    def of(cls, backlog: Backlog) -> BacklogQueue:
        arrivals = [round(v * UNITS) for v in backlog.arrivals]
        arrived_by = list(accumulate(arrivals))
        recent = backlog.window - 1
        not_yet_due = [arrived_by[k] - (arrived_by[k - recent] if k >= recent else 0) for k in range(len(arrivals))]
        return cls(backlog.window, arrivals, [round(v * UNITS) for v in backlog.per_agent], arrived_by, not_yet_due)

    def late_cost(self, weight: int, interval_hours: float) -> int:
        """Objective weight per unit of work past its deadline for one interval: `weight` per contact-hour late."""
        return max(1, round(weight * interval_hours / UNITS)) if weight else 0

    def run(self, agents: list[int]) -> QueueRun:
        """The queue under a roster: `agents[k]` on duty for the whole of interval k."""
        waiting, late, answered = [], [], []
        before, done = 0, 0
        for k, count in enumerate(agents):
            now = max(0, before + self.arrivals[k] - self.per_agent[k] * count)
            done += before + self.arrivals[k] - now
            waiting.append(now)
            late.append(max(0, now - self.not_yet_due[k]))
            answered.append(done)
            before = now
        return QueueRun(waiting, late, answered)

    def late_units(self, agents: list[int]) -> int:
        """Σ over intervals of the work past its deadline at the interval's end: contact-intervals late, in units."""
        return sum(self.run(agents).late)
