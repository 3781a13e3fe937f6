"""Polish a roster's channel choices by exact local moves: the one step CP-SAT's own neighbourhoods cannot see.

A backlog channel is a queue (coverage.queue): moving one agent-shift from
chat to email on Monday morning shortens the email queue for the rest of the
day, and every hour of it counts. CP-SAT's neighbourhood search fixes most of
the model to the incumbent, the queue's waiting variables included, so such a
move looks worthless inside a neighbourhood and the search needs minutes to
find what one pass over the roster finds in a second. This pass flips one
shift's channel at a time, keeps every flip that lowers the objective's
channel-dependent terms — computed exactly, the whole queue re-run from the
shift on — and repeats until none does. Who works which shift never changes,
so every hard rule still holds; the roster goes back to CP-SAT as its start
(coverage.solve.search). While CP-SAT searches, `IncumbentPolish` does the
same to each roster it reports, and keeps the best for the result.

Terms that depend on channels and are priced here exactly as the objective
prices them: each realtime channel's interval shortfall, "nobody there" and
excess (in hundredths of a person where the channel counts weight); each
backlog channel's lateness and excess over its pace; `cover` rows that
count one channel; and channel moves against a kept roster.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol, runtime_checkable

from coverage.config.schema import HEAD_UNITS, Config, Weights
from coverage.demand import Backlog, Requirements
from coverage.queue import BacklogQueue
from coverage.roster import Assignment, Roster
from coverage.time import duty_slots


@dataclass(frozen=True)
class _Queue:
    """One backlog channel's queue under the current roster: its state per interval, and the lateness still to come."""

    queue: BacklogQueue
    pace: list[int]
    waiting: list[int]
    late_after: list[int]  # late_after[k]: Σ late of intervals k.. under the current roster, priced (BacklogQueue.priced)

    @classmethod
    def of(cls, queue: BacklogQueue, pace: list[int], counts: list[int]) -> _Queue:
        run = queue.run(counts)
        after = [0] * (len(counts) + 1)
        for k in range(len(counts) - 1, -1, -1):
            after[k] = after[k + 1] + queue.priced(run.late[k])
        return cls(queue, pace, run.waiting, after)

    def late_from(self, first: int, last: int, counts: list[int]) -> int:
        """Σ late (priced) from interval `first` on under `counts`, which differ from the current roster's only in first..last.

        Past `last`, once the queue is as long as it is now, everything after
        is as now: the re-run usually stops a few intervals on, where the
        queue empties.
        """
        q = self.queue
        waiting = self.waiting[first - 1] if first else 0
        total = 0
        for k in range(first, len(counts)):
            waiting = max(0, waiting + q.arrivals[k] - q.per_agent[k] * counts[k])
            total += q.priced(max(0, waiting - q.not_yet_due[k]))
            if k >= last and waiting == self.waiting[k]:
                return total + self.late_after[k + 1]
        return total


MAX_PASSES = 50  # over all shifts; the example team's first rosters settle within a handful


class ChannelPolish:
    """The channel-dependent part of the objective for one roster, kept up to date flip by flip."""

    def __init__(self, config: Config, requirements: Requirements, roster: Roster, keep: Roster | None = None):
        self.config = config
        self.requirements = requirements
        self.weights = config.weights
        grid = requirements.grid
        self.assignments = list(roster.assignments)
        self.slots = [self._slots(a) for a in self.assignments]
        self.counts: dict[str, list[int]] = {c: [0] * grid.count for c in config.channels}  # heads, or hundredths (`scale`)
        self.scale = {c: HEAD_UNITS if config.counts_weight(c) else 1 for c in config.channels}
        self.agents = {agent.id: agent for agent in config.agents}
        for a, slots in zip(self.assignments, self.slots):
            for k in slots:
                self.counts[a.channel][k] += self._counted(a.agent, a.channel)
        self.queues = {c: self._queue(c, b) for c, b in requirements.backlog.items() if sum(b.arrivals) > 0}
        self.cover = self._cover_counts()
        self.kept = {(a.agent, a.day, a.shift): a.channel for a in keep.assignments} if keep is not None else {}
        self.skills = {agent.id: agent.skills for agent in config.agents}

    def _counted(self, agent: str, channel: str) -> int:
        """What the agent adds to the channel's count: one head, or their hundredths of a person where the channel counts weight."""
        return self.config.head_units(self.agents[agent], channel) if self.scale.get(channel, 1) > 1 else 1

    def _slots(self, a: Assignment) -> list[int]:
        template = self.config.sites[a.site].shifts[a.shift]
        return duty_slots(self.requirements.grid, a.start_utc, a.end_utc, template.unpaid_break_minutes, a.break_start_utc)

    def _queue(self, channel: str, backlog: Backlog) -> _Queue:
        queue = BacklogQueue.of(backlog, self.weights.late, self.requirements.grid.hours_per_interval)
        return _Queue.of(queue, backlog.pace, self.counts[channel])

    def _cover_counts(self) -> dict[tuple[int, date], int]:
        """Per `cover` row with a channel and day it applies to: the agents counted today."""
        counts: dict[tuple[int, date], int] = defaultdict(int)
        for index, row in enumerate(self.config.cover):
            if row.channel is None:
                continue  # counts every channel: a flip changes nothing
            for a in self.assignments:
                if (a.site, a.shift, a.channel) == (row.site, row.shift, row.channel) and row.applies_to(a.day):
                    counts[(index, a.day)] += 1
        return counts

    def cost(self) -> int:
        """The channel-dependent terms of the objective for the current roster, from scratch, up to a constant (what `gain` updates)."""
        total = 0
        for channel, counts in self.counts.items():
            queue = self.queues.get(channel)
            if queue is not None:
                over = sum(max(n - p, 0) for n, p in zip(counts, queue.pace))
                total += queue.queue.late_cost * queue.late_after[0] + self.weights.overstaffed * over
                continue
            need = self.requirements.required.get(channel) or [0] * len(counts)
            total += sum(interval_cost(r, n, self.weights, self.scale[channel]) for r, n in zip(need, counts))
        for (index, _), working in self.cover.items():
            row = self.config.cover[index]
            total += _cover_cost(row.count, working, row.under_weight, row.over_weight)
        moved = sum(1 for a in self.assignments if self.kept.get((a.agent, a.day, a.shift)) not in (None, a.channel))
        return total + self.weights.channel_change * moved

    # ------------------------------------------------------------------ one flip

    def gain(self, i: int, channel: str) -> int:
        """How much the objective falls if assignment i moves to `channel` (negative: it rises)."""
        a, slots = self.assignments[i], self.slots[i]
        delta = self._channel_delta(a.channel, slots, -self._counted(a.agent, a.channel))
        delta += self._channel_delta(channel, slots, self._counted(a.agent, channel))
        delta += self._cover_delta(a, a.channel, -1) + self._cover_delta(a, channel, +1)
        was = self.kept.get((a.agent, a.day, a.shift))
        if was is not None:
            delta += self.weights.channel_change * ((channel != was) - (a.channel != was))
        return -delta

    def _channel_delta(self, channel: str, slots: list[int], step: int) -> int:
        counts = self.counts[channel]
        queue = self.queues.get(channel)
        if queue is not None:
            return self._queue_delta(queue, counts, slots, step)
        need = self.requirements.required.get(channel) or [0] * len(counts)
        scale = self.scale[channel]
        return sum(
            interval_cost(need[k], counts[k] + step, self.weights, scale) - interval_cost(need[k], counts[k], self.weights, scale)
            for k in slots
        )

    def _queue_delta(self, queue: _Queue, counts: list[int], slots: list[int], step: int) -> int:
        over = sum(max(counts[k] + step - queue.pace[k], 0) - max(counts[k] - queue.pace[k], 0) for k in slots)
        first, last = min(slots), max(slots)
        for k in slots:
            counts[k] += step
        try:
            late = queue.late_from(first, last, counts)
        finally:
            for k in slots:
                counts[k] -= step
        return queue.queue.late_cost * (late - queue.late_after[first]) + self.weights.overstaffed * over

    def _cover_delta(self, a: Assignment, channel: str, step: int) -> int:
        delta = 0
        for index, row in enumerate(self.config.cover):
            if row.channel != channel or (row.site, row.shift) != (a.site, a.shift) or not row.applies_to(a.day):
                continue
            now = self.cover[(index, a.day)]
            delta += _cover_cost(row.count, now + step, row.under_weight, row.over_weight) - _cover_cost(
                row.count, now, row.under_weight, row.over_weight
            )
        return delta

    def apply(self, i: int, channel: str) -> None:
        a, slots = self.assignments[i], self.slots[i]
        for index, row in enumerate(self.config.cover):
            if (row.site, row.shift) == (a.site, a.shift) and row.applies_to(a.day):
                if row.channel == a.channel:
                    self.cover[(index, a.day)] -= 1
                if row.channel == channel:
                    self.cover[(index, a.day)] += 1
        for k in slots:
            self.counts[a.channel][k] -= self._counted(a.agent, a.channel)
            self.counts[channel][k] += self._counted(a.agent, channel)
        for name in (a.channel, channel):
            if name in self.queues:
                old = self.queues[name]
                self.queues[name] = _Queue.of(old.queue, old.pace, self.counts[name])
        self.assignments[i] = replace(a, channel=channel)

    # ------------------------------------------------------------------ the pass

    def run(self, deadline: float | None, passes: int = MAX_PASSES) -> int:
        """Flip channels while any flip lowers the objective, for at most `passes` passes; the number of flips made.

        `deadline` (time.monotonic) also stops it; None, for deterministic
        runs, leaves the number of passes as the only limit, so the roster
        never depends on the machine's load.
        """
        flips = 0
        improved = True

        def out_of_time() -> bool:
            return deadline is not None and time.monotonic() >= deadline

        while improved and passes > 0 and not out_of_time():
            improved = False
            passes -= 1
            for i, a in enumerate(self.assignments):
                if out_of_time():
                    break
                best, choice = 0, None
                for channel in self.skills.get(a.agent, ()):
                    if channel != a.channel:
                        gain = self.gain(i, channel)
                        if gain > best:
                            best, choice = gain, channel
                if choice is not None:
                    self.apply(i, choice)
                    flips += 1
                    improved = True
        return flips

    def roster(self) -> Roster:
        return Roster(tuple(self.assignments))


def interval_cost(need: int, have: int, weights: Weights, scale: int = 1) -> int:
    """A realtime interval's cost, as the objective's slot terms price it; `have` in 1/`scale` of a person.

    Per person short or over, rounded up to a whole unit of cost (exact in
    heads, where `scale` is 1).
    """
    short, over = max(scale * need - have, 0), max(have - scale * max(need, 0), 0)
    cost = -(-weights.understaffed * short // scale) + -(-weights.overstaffed * over // scale)
    return cost + (weights.uncovered if need > 0 and have == 0 else 0)


def _cover_cost(count: int, working: int, under: int, over: int) -> int:
    return under * max(count - working, 0) + over * max(working - count, 0)


POLISH_SECONDS = 5.0  # at most, per roster: one pass over 400 shifts takes well under a second


def polish_channels(
    config: Config, requirements: Requirements, roster: Roster, *, seconds: float | None, keep: Roster | None = None
) -> tuple[Roster, int]:
    """The roster with its channel choices improved by exact single flips, and how many flips were made.

    `seconds` None: no wall-clock limit, only MAX_PASSES (deterministic runs).
    """
    polish = ChannelPolish(config, requirements, roster, keep)
    flips = polish.run(None if seconds is None else time.monotonic() + seconds)
    return polish.roster(), flips


def worth_polishing(config: Config, requirements: Requirements) -> bool:
    """Only where the queue makes channel moves long-range: a backlog channel with work and an agent with more than one skill.

    Not where a `mix` asks for roles among those on a channel: a flip moves
    an engineer off chat, and this pass does not price that.
    """
    busy = any(sum(b.arrivals) > 0 for b in requirements.backlog.values())
    mixed = bool(config.mix_rules()) or any(cover.mix for cover in config.cover)
    return busy and not mixed and any(len(agent.skills) > 1 for agent in config.agents)


@dataclass(frozen=True)
class Refined:
    """A roster the incumbent polish made, and its exact cost (the search's roster's cost less what the flips gained)."""

    roster: Roster
    objective: float


@runtime_checkable
class Keeps(Protocol):
    """A refiner that keeps the best roster it made (IncumbentPolish, coverage.solve.neighbourhoods), for the search's result."""

    @property
    def best(self) -> Refined | None: ...


class IncumbentPolish:
    """The channel polish run on the search's rosters while CP-SAT goes on searching (runner.Refiner).

    Under load CP-SAT reports few rosters a minute, and each still holds
    flips that one pass finds in a tenth of a second (a 30 s run of the
    example team beside busy processes: 153,572 -> 91,269 by 22 flips).
    CP-SAT cannot take a roster back in the middle of a search, so the
    polished roster is kept aside: the search's result is the better of the
    two (coverage.solve.search), and the progress shows the better. The best
    is kept even where the flips gained nothing: CP-SAT ranks its rosters by
    its own figure, slack in the queue's waiting work included, and its last
    roster can cost more than one it reported earlier (seen: 136,286 returned
    after 111,439 was shown).
    `offer` only stores the latest solution; `work`, on the waiting main
    thread, polishes it — at most a fifth of that thread's time (REST), so
    that on a big team a pass that takes seconds never holds a core of the
    two that CP-SAT's threads share; the last roster of a search is always
    polished (`work(final=True)`).
    """

    REST = 4.0  # after a polish that took d seconds, the next waits at least REST × d

    def __init__(
        self,
        config: Config,
        requirements: Requirements,
        roster_of: Callable[[list[int]], Roster],
        keep: Roster | None = None,
        seconds: float = POLISH_SECONDS,
    ):
        self._config, self._requirements, self._keep, self._seconds = config, requirements, keep, seconds
        self._roster_of = roster_of
        self._latest: tuple[list[int], float] | None = None
        self._lock = threading.Lock()
        self._rest_until = -math.inf
        self.best: Refined | None = None

    def offer(self, solution: list[int], objective: float) -> None:
        with self._lock:
            self._latest = (solution, objective)

    def work(self, final: bool = False) -> float | None:
        if final or time.monotonic() >= self._rest_until:
            with self._lock:
                latest, self._latest = self._latest, None
            if latest is not None:
                began = time.monotonic()
                self._polish(*latest)
                self._rest_until = time.monotonic() + self.REST * (time.monotonic() - began)
        return None if self.best is None else self.best.objective

    def _polish(self, solution: list[int], objective: float) -> None:
        polish = ChannelPolish(self._config, self._requirements, self._roster_of(solution), self._keep)
        before = polish.cost()
        polish.run(time.monotonic() + self._seconds)
        cost = objective - (before - polish.cost())
        if self.best is None or cost < self.best.objective:
            self.best = Refined(polish.roster(), cost)
