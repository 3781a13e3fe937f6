"""The backlog queue: contacts answered first come, first served, each by its deadline — or late.

An email that arrives at 02:00 with a 24-hour deadline does not need anyone
at 02:00: the morning shift answers it in time. What matters is whether the
agents on the channel, interval by interval, clear the queue fast enough
that nothing waits past its deadline. This module runs that queue on the
period grid, for the roster model (as linear constraints: coverage.solve.
objective) and for the gap report (as a simulation of a finished roster:
coverage.gaps), from the same integers, so both count lateness alike.

The queue is fluid: contacts are divisible, counted in small units, and the
agents on duty for a whole interval each clear `per_agent` units in it
(shrinkage taken out). What arrives in an interval may be answered in it.
Capacity nobody needs is lost, never banked for later.

The price of lateness is the price of an uncovered hour: an agent-hour of
work that waits an hour past its deadline costs `weights.late` (400, as an
hour nobody covers costs `weights.uncovered`). A contact late for one
interval therefore costs `weights.late` × its handle time × the interval's
length in hours; the unit is chosen so that this is a whole number of units
at a price of 1 each (a 6-minute email, one hour: 40 units), so CP-SAT's
integer objective prices lateness exactly and counts contacts to a
fortieth. Only when that would make a contact fewer than `FINEST` units
(tiny weights, very short contacts) is the price rounded instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from coverage.demand import Backlog

FINEST = 5  # units per contact at least: below this the price per unit is rounded instead


@dataclass(frozen=True)
class QueueRun:
    """One roster's queue, per interval, in units: what waits at its end, and what of that is past its deadline."""

    waiting: list[int]
    late: list[int]
    answered: list[int]  # cumulative: answered by the end of each interval


@dataclass(frozen=True)
class BacklogQueue:
    """A backlog channel's queue on the grid, in integer units of work, and the objective weight of one unit late for one interval."""

    window: int
    arrivals: list[int]  # units arriving per interval
    per_agent: list[int]  # units one agent on duty clears per interval
    arrived_by: list[int]  # cumulative arrivals up to the end of each interval
    not_yet_due: list[int]  # of those, the units whose deadline lies later (the last window − 1 intervals' arrivals)
    units_per_contact: float
    late_cost: int  # objective weight of one unit past its deadline for one interval

    @classmethod
    def of(cls, backlog: Backlog, late_weight: int, interval_hours: float) -> BacklogQueue:
        price = late_weight * backlog.aht_seconds / 3600 * interval_hours  # one contact late for one interval
        each, cost = (price, 1) if price >= FINEST else (float(FINEST), max(1, round(price / FINEST)) if late_weight else 0)
        arrived_by = [round(total * each) for total in accumulate(backlog.arrivals)]  # rounded once, so totals stay exact
        arrivals = [now - before for before, now in zip([0, *arrived_by], arrived_by)]
        recent = backlog.window - 1
        not_yet_due = [arrived_by[k] - (arrived_by[k - recent] if k >= recent else 0) for k in range(len(arrivals))]
        per_agent = [round(v * each) for v in backlog.per_agent]
        return cls(backlog.window, arrivals, per_agent, arrived_by, not_yet_due, each, cost)

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
        """Σ over intervals of the work past its deadline at the interval's end: unit-intervals late."""
        return sum(self.run(agents).late)

    def contacts(self, units: float) -> float:
        """Units of work as contacts."""
        return units / self.units_per_contact
