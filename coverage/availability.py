"""Availability: when each agent can, would rather, or would rather not work, on their own clock.

Two ways in, one meaning. In the YAML each agent lists ranges by level:

    availability:
      unavailable: ["Mon-Fri 00:00-07:00", 2026-12-24]
      preferred: ["Mon-Fri 09:00-17:00"]
      avoid: ["Fri 13:00-24:00"]

and `availability_file: availability.csv` adds rows ``agent,day,from,to,level``
(what people fill in a form or a sheet; an empty from/to is the whole day).
Both become `Span`s on the agent (coverage.config; the sheet is read by
coverage.config.teamsheet), validated the same way.

A shift "touches" a range when their spans overlap by any time (the shift's
whole span, its unpaid break included): an `unavailable` range it touches
forbids it (the model never rosters it, `covplan verify` rejects it); the
minutes inside `avoid` ranges and outside `preferred` ones cost their
weights. Ranges become UTC spans here, through coverage.time, on every
local date around the period, so the solver, the checker and the report read
the same instants.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from coverage.config.schema import AVAILABILITY_LEVELS, Agent, Config, Weights
from coverage.time import local_span_utc

# --------------------------------------------------------------------------- ranges as UTC spans


@dataclass(frozen=True)
class Ranges:
    """One level's ranges of one agent as UTC spans (POSIX seconds), sorted by start, each with its words."""

    starts: tuple[float, ...]
    ends: tuple[float, ...]
    labels: tuple[str, ...]
    reach: tuple[float, ...]  # the latest end among the spans up to each one: "does any earlier span reach here?"

    @classmethod
    def of(cls, spans: list[tuple[float, float, str]]) -> Ranges:
        spans.sort()
        reach: list[float] = []
        for _, end, _ in spans:
            reach.append(max(end, reach[-1]) if reach else end)
        return cls(tuple(s for s, _, _ in spans), tuple(e for _, e, _ in spans), tuple(w for _, _, w in spans), tuple(reach))

    def __bool__(self) -> bool:
        return bool(self.starts)

    def touching(self, start: float, end: float) -> str | None:
        """The words of a range that overlaps [start, end), or None."""
        first, stop = self._around(start, end)
        return self.labels[first] if first < stop else None

    def minutes_in(self, start: float, end: float) -> float:
        """Minutes of [start, end) inside the union of the ranges (overlapping ranges count once)."""
        first, stop = self._around(start, end)
        covered, upto = 0.0, start
        for k in range(first, stop):
            lo, hi = max(self.starts[k], upto), min(self.ends[k], end)
            if hi > lo:
                covered += hi - lo
                upto = hi
        return covered / 60

    def _around(self, start: float, end: float) -> tuple[int, int]:
        """Indexes of the spans that may overlap [start, end): from the first whose reach passes `start` (the
        reach only grows, and that span itself ends after `start`) to the last that starts before `end`."""
        return bisect.bisect_right(self.reach, start), bisect.bisect_left(self.starts, end)


@dataclass(frozen=True)
class AgentAvailability:
    """An agent's ranges per level, in UTC, and what a shift of theirs costs or breaks."""

    zone: str
    unavailable: Ranges
    preferred: Ranges
    avoid: Ranges

    def blocked_by(self, start: datetime, end: datetime) -> str | None:
        """Words for an `unavailable` range the shift [start, end) touches, or None."""
        return self.unavailable.touching(start.timestamp(), end.timestamp()) if self.unavailable else None

    def cost(self, start: datetime, end: datetime, weights: Weights) -> int:
        """Objective units of a shift: `avoid` per hour inside avoid ranges, `not_preferred` per hour outside preferred ones.

        Each part is rounded to the nearest unit per shift (halves up), so the
        solver's integer objective and a recount from the roster agree.
        """
        lo, hi = start.timestamp(), end.timestamp()
        total = 0
        if self.avoid and weights.avoid:
            total += _units(weights.avoid * self.avoid.minutes_in(lo, hi))
        if self.preferred and weights.not_preferred:
            total += _units(weights.not_preferred * ((hi - lo) / 60 - self.preferred.minutes_in(lo, hi)))
        return total

    def __bool__(self) -> bool:
        return bool(self.unavailable or self.preferred or self.avoid)


def _units(weighted_minutes: float) -> int:
    return math.floor(weighted_minutes / 60 + 0.5 + 1e-9)


def agent_availability(config: Config, agent: Agent) -> AgentAvailability:
    """The agent's ranges laid on every local date that a shift of the period can touch, in UTC."""
    zone = config.agent_zone(agent)
    first, last = config.plan.start - timedelta(days=2), config.plan.end + timedelta(days=1)
    dates = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    found: dict[str, list[tuple[float, float, str]]] = {level: [] for level in AVAILABILITY_LEVELS}
    for level, spans in agent.availability.items():
        for span in spans:
            words = f"{level} {span} ({zone})"
            for day in dates:
                if span.applies_to(day):
                    lo, hi = local_span_utc(day, span.start, span.end, zone)
                    found[level].append((lo.timestamp(), hi.timestamp(), f"{words} on {day}" if span.days else words))
    return AgentAvailability(zone, *(Ranges.of(found[level]) for level in AVAILABILITY_LEVELS))


def availability_by_agent(config: Config) -> dict[str, AgentAvailability]:
    """Agents with any range -> their availability; agents without are left out (nothing to check or cost)."""
    return {agent.id: agent_availability(config, agent) for agent in config.agents if agent.availability}
