"""Results: what the analysis of a roster returns, as typed values a notebook reads by attribute.

`coverage.gaps.summary` fills a `Summary`; `Summary.to_json()` is the
summary.json payload (the contract's keys, in the contract's order). Every
class here is a frozen dataclass whose fields *are* its JSON keys, in
declaration order, so a new figure is one new field: declare it with
`optional()` when it is only there in some runs (`roster`, `gap_explanations`)
and summary.json leaves it out when it is None or empty, as before.

Hours are clock hours (`ClockHours`) or agent-hours (`understaffed_agent_hours`)
as defined in coverage.gaps ("Counting rules"); contacts are counted to a
tenth (coverage.gaps.BacklogOutcome).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

OMIT_WHEN_EMPTY = "omit_when_empty"


def optional(default: Any = None) -> Any:
    """A field summary.json carries only when it has something to say (not None, not empty)."""
    return field(default=default, metadata={OMIT_WHEN_EMPTY: True})


def to_plain(value: Any) -> Any:
    """A result as JSON-ready values: records to dicts, tuples to lists, mappings key by key."""
    if isinstance(value, JsonRecord):
        return value.to_json()
    if isinstance(value, Mapping):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    return value


class JsonRecord:
    """A frozen dataclass written to JSON field by field, in declaration order."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.metadata.get(OMIT_WHEN_EMPTY) and (value is None or value == ()):
                continue
            found[item.name] = to_plain(value)
        return found


@dataclass(frozen=True)
class ClockHours(JsonRecord):
    """Clock hours in one view's zone when a channel (or any channel) failed its customers: in all, at weekends, overnight."""

    uncovered_hours: float
    weekend_uncovered_hours: float
    overnight_uncovered_hours: float


@dataclass(frozen=True)
class ViewFigures(ClockHours):
    """One view's clock: the uncovered hours (any channel short, each hour once) and the weekend and overnight hours that exist.

    `per_week` divides the period's figures by its weeks; `channels` gives
    each channel's own uncovered hours on the same clock.
    """

    weekend_hours: float
    overnight_hours: float
    per_week: ClockHours
    channels: Mapping[str, ClockHours]


@dataclass(frozen=True)
class BacklogFigures(JsonRecord):
    """A backlog channel judged by its deadline: contacts due, answered in time and late, how late, the queue's peak.

    `peak_at_utc` and `empties_at_utc` are ISO instants (interval ends),
    None when nobody ever waits (or the queue never empties again).
    """

    respond_within_hours: float
    contacts_due: float
    answered_in_time: float
    in_time_share: float | None
    late: float
    contact_hours_late: float
    most_hours_late: float
    peak_waiting: float
    peak_at_utc: str | None
    empties_at_utc: str | None
    still_open_at_end: float


@dataclass(frozen=True)
class ServiceTarget(JsonRecord):
    """A realtime channel's targets as configured (None where the config sets none)."""

    service_level: float
    within_seconds: float
    asa_seconds: float | None
    max_occupancy: float | None
    patience_seconds: float | None


@dataclass(frozen=True)
class WorstInterval(JsonRecord):
    """One interval with the lowest predicted service level of its channel."""

    interval_start_utc: str
    volume: float
    required: int
    scheduled: float  # heads, or Σ weight on a channel that counts weight
    agents_on_contacts: float
    service_level: float
    asa_seconds: float | None  # None: an overloaded Erlang C interval has no finite wait
    occupancy: float
    abandon_rate: float


@dataclass(frozen=True)
class ServiceFigures(JsonRecord):
    """What a realtime channel's customers get over the period, predicted from the roster (coverage.gaps.service_summary)."""

    model: str
    target: ServiceTarget
    volume: float
    service_level: float | None
    asa_seconds: float | None
    occupancy: float | None
    abandon_rate: float | None
    intervals_below_target: int
    intervals_overloaded: int
    worst_intervals: tuple[WorstInterval, ...]


@dataclass(frozen=True)
class MixFigures(JsonRecord):
    """One role of a channel's `mix`: the heads asked for, and the hours the channel needed someone without them."""

    at_least: int
    uncovered_hours: float


@dataclass(frozen=True)
class RosterFigures(JsonRecord):
    """What a roster costs: shifts, paid hours (unpaid breaks left out) and its hires with their price."""

    shifts: int
    paid_hours: float
    hires: tuple[str, ...]
    hire_cost: float


@dataclass(frozen=True)
class AgentWorkload(JsonRecord):
    """One agent's hours against their workload target (coverage.targets): worked, away, priced, and the balance carried."""

    weight: float
    target_hours: float
    worked_hours: float
    away_hours: int  # rounded, as priced
    cost: int
    balance_before: float
    balance_after: float


@dataclass(frozen=True)
class WorkloadFigures(JsonRecord):
    """The team against its workload targets: total cost and hours away, the largest distance, and each agent's row."""

    cost: int
    away_hours: int
    most_away_hours: int
    agents: Mapping[str, AgentWorkload]


@dataclass(frozen=True)
class Summary(JsonRecord):
    """summary.json as a value: the run, the coverage ratio, per-channel hours, each view's clock and the blocks below.

    `views` keeps the config's view order: the first is the customers' zone
    (`first_view`, `clock`). `status` is the solver's, or "GIVEN" for a
    roster read from a file.
    """

    status: str
    objective: float | None
    best_bound: float | None
    wall_seconds: float | None
    coverage_ratio: float
    uncovered_hours: Mapping[str, float]
    understaffed_agent_hours: Mapping[str, float]
    views: Mapping[str, ViewFigures]
    backlog: Mapping[str, BacklogFigures]
    service: Mapping[str, ServiceFigures]
    mix: Mapping[str, Mapping[str, MixFigures]]
    roster: RosterFigures | None = optional()
    workload: WorkloadFigures | None = optional()  # only when some agent has a workload target
    gap_explanations: tuple[str, ...] = optional(())

    @property
    def first_view(self) -> str | None:
        return next(iter(self.views), None)

    @property
    def clock(self) -> ViewFigures | None:
        """The first view's figures: the clock a manager reads the headline on."""
        zone = self.first_view
        return self.views[zone] if zone is not None else None

    @property
    def total_uncovered_hours(self) -> float:
        """Uncovered hours summed over channels (an hour two channels miss counts twice: see `clock` for clock hours)."""
        return round(sum(self.uncovered_hours.values()), 2)
