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

An agent's interval of work is weight × h² × (1 − shrinkage) of those
units (the price per contact times the contacts per interval), which need
not be whole: 400 × 0.25² × 0.9 = 22.5 on a 15-minute grid. Rounded, the
queue cleared 22 a head, 2.2 % less than the agents do, in the model, the
report and the hiring target alike. So the units are split `scale` times
finer (`whole_scale`: 2 there), until every interval's capacity a head is
whole; the queue runs in those. The objective's integer price then holds
for `scale` units: each interval's lateness is priced in whole steps of
`scale` units, rounded up (`priced`), at most one step (1/40 of a contact
an hour late at the example's 6 minutes) above the fluid figure, while
what the report counts — late contacts, their hours — is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from coverage.demand import Backlog

FINEST = 5  # units per contact at least: below this the price per unit is rounded instead
MOST_SCALE = 1000  # finer units than this would only swell CP-SAT's coefficients
WHOLE = 1e-6  # a capacity this close to a whole number of units is whole (demand rounds it to 1e-9 contacts)
NEAR = 1e-3  # ... and failing that, one this close relative to its size is near enough (0.1 % of a head's work)


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
    late_cost: int  # objective weight of `scale` units past their deadline for one interval
    scale: int = 1  # units per step of the price: an agent's interval of work is whole in the finer units

    @classmethod
    def of(cls, backlog: Backlog, late_weight: int, interval_hours: float) -> BacklogQueue:
        price = late_weight * backlog.aht_seconds / 3600 * interval_hours  # one contact late for one interval
        each, cost = (price, 1) if price >= FINEST else (float(FINEST), max(1, round(price / FINEST)) if late_weight else 0)
        scale = whole_scale(v * each for v in backlog.per_agent)
        each *= scale
        arrived_by = [round(total * each) for total in accumulate(backlog.arrivals)]  # rounded once, so totals stay exact
        arrivals = [now - before for before, now in zip([0, *arrived_by], arrived_by)]
        recent = backlog.window - 1
        not_yet_due = [arrived_by[k] - (arrived_by[k - recent] if k >= recent else 0) for k in range(len(arrivals))]
        per_agent = [round(v * each) for v in backlog.per_agent]
        return cls(backlog.window, arrivals, per_agent, arrived_by, not_yet_due, each, cost, scale)

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

    def priced(self, late: int) -> int:
        """Work past its deadline at an interval's end in steps of the price (`scale` units), rounded up."""
        return -(-late // self.scale)

    def priced_late(self, agents: list[int]) -> int:
        """Σ over intervals of the work past its deadline at the interval's end, in steps of the price: what the objective counts."""
        return sum(self.priced(v) for v in self.run(agents).late)

    def most_priced_late(self) -> int:
        """The priced lateness with nobody on duty, the most any roster can leave (a soft hiring target must outweigh it)."""
        return self.priced_late([0] * len(self.arrivals))

    def contacts(self, units: float) -> float:
        """Units of work as contacts."""
        return units / self.units_per_contact


def whole_scale(capacities: Iterable[float]) -> int:
    """The fewest finer units per unit in which every agent-interval capacity is whole.

    Any whole-minute grid with a shrinkage of two decimals needs a divisor of
    900 at the default weight (400 × (m/60)² × n/100 = m² × n / 900 units);
    a site-weighted shrinkage can be any number, so failing a whole scale up
    to MOST_SCALE the first scale within NEAR (relative) is taken, and
    failing that MOST_SCALE, whose remainder is below 1/2000 of a unit.
    """
    values = np.array(sorted({v for v in capacities if v > 0}), dtype=float)
    if values.size == 0:
        return 1
    scales = np.arange(1, MOST_SCALE + 1, dtype=float)[:, None]
    fine = values[None, :] * scales
    off = np.abs(fine - np.rint(fine))
    for ok in (np.all(off <= WHOLE, axis=1), np.all(off <= NEAR * fine, axis=1)):
        if ok.any():
            return int(np.argmax(ok)) + 1
    return MOST_SCALE
