"""Gaps: how many agents are on duty in each interval, against how many are needed.

Computed from the roster and the config alone — never from solver internals —
so the same report serves a roster we built and one a manager wrote by hand.

Counting rules
--------------
* An agent counts in a UTC interval only when on duty for the *whole*
  interval, and only for the channel of the assignment. The unpaid break is
  taken out (:func:`coverage.time.on_duty_spans`).
* ``gap = max(required - scheduled, 0)``; an interval is *uncovered* for a
  channel when ``required > 0`` and ``scheduled == 0``.
* On a channel with ``count_weight``, ``scheduled`` is the sum of the
  weights of the agents on duty (two agents of weight 0.5 are 1.0), in
  hundredths of a person (:meth:`coverage.config.Config.head_units`); still
  uncovered only when nobody is on duty. ``mix`` roles count heads.

Views
-----
Each view zone sees every UTC interval on its own wall clock: the interval goes
to the local weekday and hour *its start* falls in (in Asia/Kolkata a 60-minute
UTC interval starts at hh:30 local and belongs to hour hh). Weekend and
overnight are judged the same way, in the view's local time:

* weekend: the local weekday of the interval start is in ``config.weekend``;
* overnight: the local clock time of the interval start lies in
  ``[overnight.start, overnight.end)``, wrapping past midnight when
  ``start > end`` (22:00–06:00). A window with ``start == end`` is empty.
  The ``overnight`` flag of a ``gaps.csv`` row tests the hour's start
  ``hh:00``; the totals in ``summary.json`` test each interval's start. The two
  agree for whole-hour windows; for a window such as 22:30–06:00 the row
  for hour 22 is not flagged, while its 22:30 and 22:45 intervals (15-minute
  grid) count as overnight in the summary.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coverage.config.schema import HEAD_UNITS, WEEKDAYS, BacklogChannel, Config
from coverage.csvcells import metric_cell, number_cell
from coverage.outputs import write_csv_atomic, write_json_atomic
from coverage.queue import BacklogQueue
from coverage.results import (
    AgentWorkload,
    BacklogFigures,
    ClockHours,
    MixFigures,
    RosterFigures,
    ServiceFigures,
    ServiceTarget,
    Summary,
    ViewFigures,
    WorkloadFigures,
    WorstInterval,
)
from coverage.roster import Roster, paid_minutes
from coverage.targets import has_targets, workload_rows
from coverage.time import Grid, LocalSlot, duty_slots, in_window, local_slots, parse_timestamp, to_local  # noqa: F401 (LocalSlot: re-exported for callers)

if TYPE_CHECKING:
    from coverage.demand import Requirements

COVERAGE_COLUMNS = ("interval_start_utc", "channel", "required", "scheduled", "gap")
GAPS_COLUMNS = (
    "view",
    "channel",
    "weekday",
    "hour",
    "required_agent_hours",
    "scheduled_agent_hours",
    "uncovered_hours",
    "understaffed_agent_hours",
    "weekend",
    "overnight",
)
SUMMARY_KEYS = (
    "status",
    "objective",
    "best_bound",
    "wall_seconds",
    "coverage_ratio",
    "uncovered_hours",
    "understaffed_agent_hours",
    "views",
    "backlog",
    "service",
    "mix",
)


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class Coverage:
    """Agents required and on duty, per UTC interval of `grid`, per channel; backlog channels' queues."""

    grid: Grid
    required: dict[str, list[int]]
    scheduled: dict[str, list[float]]  # heads (whole numbers), or Σ weight on a channel that counts weight
    service: dict[str, ChannelService] | None = None  # what customers get; see "service" at the end
    backlog: dict[str, BacklogOutcome] = field(default_factory=dict)  # backlog channels: who waited, how long
    with_role: dict[str, dict[str, list[int]]] = field(
        default_factory=dict
    )  # channel -> role of its `mix` -> heads on duty with it

    def mix_short(self, channel: str, role: str, heads: int) -> list[bool]:
        """Per interval, whether the channel needs someone and fewer than `heads` of those on duty have the role."""
        have = self.with_role.get(channel, {}).get(role) or [0] * self.grid.count
        return [need > 0 and found < heads for need, found in zip(self.required_of(channel), have)]

    @property
    def channels(self) -> list[str]:
        return list(self.required) + [c for c in self.scheduled if c not in self.required]

    def required_of(self, channel: str) -> list[int]:
        return self.required.get(channel) or [0] * self.grid.count

    def scheduled_of(self, channel: str) -> list[float]:
        return self.scheduled.get(channel) or [0] * self.grid.count

    def gap(self, channel: str) -> list[float]:
        """Agents missing per interval: max(required - scheduled, 0) (none on a backlog channel: it has no per-interval need)."""
        return [_gap(r, s) for r, s in zip(self.required_of(channel), self.scheduled_of(channel))]

    def uncovered(self, channel: str) -> list[bool]:
        """Per interval, whether the channel fails its customers then.

        A realtime channel: somebody is needed and nobody is on duty. A
        backlog channel: contacts arriving in the interval are answered after
        their deadline (BacklogOutcome.uncovered).
        """
        outcome = self.backlog.get(channel)
        if outcome is not None:
            return outcome.uncovered
        return [need > 0 and have == 0 for need, have in zip(self.required_of(channel), self.scheduled_of(channel))]

    def clock_uncovered(self) -> list[bool]:
        """Per interval, whether any channel is uncovered: the clock time a manager counts once."""
        found = [False] * self.grid.count
        for channel in self.channels:
            found = [was or now for was, now in zip(found, self.uncovered(channel))]
        return found


def _gap(need: int, have: float) -> float:
    """Whole heads give a whole number; a Σ weight is rounded to its hundredths, so 1 − 0.67 is 0.33, not 0.32999…"""
    if isinstance(have, int):
        return max(need - have, 0)
    return round(max(need - have, 0.0), 2)


def coverage_of(roster: Roster, requirements: Requirements, config: Config) -> Coverage:
    """Count, per interval and channel, the agents on duty for the whole interval."""
    grid = requirements.grid
    channels = list(requirements.required)
    channels += [c for c in config.channels if c not in channels]
    channels += sorted({a.channel for a in roster.assignments} - set(channels))
    units = {channel: [0] * grid.count for channel in channels}  # hundredths of a person on duty
    mix = config.mix_rules()
    agents = {agent.id: agent for agent in config.agents}
    with_role = {channel: {role: [0] * grid.count for role in roles} for channel, roles in mix.items()}
    for a in roster.assignments:
        template = config.sites[a.site].shifts[a.shift]
        counts = units[a.channel]
        each = config.head_units(agents[a.agent], a.channel) if config.counts_weight(a.channel) else HEAD_UNITS
        agent = agents[a.agent] if a.channel in mix else None
        for slot in duty_slots(grid, a.start_utc, a.end_utc, template.unpaid_break_minutes, a.break_start_utc):
            counts[slot] += each
            if agent is not None:
                for role in mix[a.channel]:
                    with_role[a.channel][role][slot] += role in agent.roles or role in agent.skills
    scheduled = {channel: _people(config, channel, counted) for channel, counted in units.items()}
    required = {channel: list(requirements.required.get(channel) or [0] * grid.count) for channel in channels}
    for channel, values in required.items():
        if len(values) != grid.count:
            raise ValueError(f"requirements for {channel} have {len(values)} intervals, the grid has {grid.count}")
    backlog = {
        channel: backlog_outcome(
            BacklogQueue.of(b, config.weights.late, grid.hours_per_interval),
            [u // HEAD_UNITS for u in units[channel]],  # a backlog channel counts heads
            grid.hours_per_interval,
        )
        for channel, b in requirements.backlog.items()
    }
    return Coverage(
        grid=grid,
        required=required,
        scheduled=scheduled,
        service=service_of(roster, requirements, config),
        backlog=backlog,
        with_role=with_role,
    )


def _people(config: Config, channel: str, units: list[int]) -> list[float]:
    """Hundredths of a person as people: whole heads stay whole numbers (coverage.csv prints 2, not 2.0)."""
    if config.counts_weight(channel):
        return [u / HEAD_UNITS for u in units]
    return [u // HEAD_UNITS for u in units]


# --------------------------------------------------------------------------- backlog channels

LATE_CONTACT = 0.5  # contacts of one interval's arrivals answered late before the interval counts as uncovered
# (or half of them, when fewer arrive: see BacklogOutcome.uncovered)


@dataclass(frozen=True)
class BacklogOutcome:
    """What a backlog channel's customers get from a roster: the queue run first come, first served.

    Counted in contacts, to a tenth (the fluid queue's resolution): `due` are the
    contacts whose deadline falls inside the period (later ones belong to
    the next plan and are never late here), `late` those answered after it
    or not at all within the period, `contact_hours_late` the hours they
    waited past their deadlines in all (what the roster model prices).
    `late_by_arrival[k]` are interval k's arrivals answered late, of the
    `arrived[k]` contacts that arrive in it.
    """

    late_by_arrival: list[float]
    arrived: list[float]
    waiting: list[float]  # contacts waiting at the end of each interval
    late_now: list[float]  # of those, contacts already past their deadline
    due: float
    late: float
    contact_hours_late: float
    most_hours_late: float  # the longest wait past a deadline (to the period's end for what is still open)
    still_open: float  # contacts past their deadline and unanswered when the period ends
    due_by_arrival: tuple[float, ...] = ()  # of `arrived[k]`, the contacts whose deadline falls inside the period

    @property
    def uncovered(self) -> list[bool]:
        """Per interval, whether its arrivals are answered late: half a contact of them, or half of them when fewer
        arrive. The half ignores the fluid queue's crumbs; a quiet hour's quarter of an email (one every four
        hours), all of it late, is as late as a busy hour's ten, and a rule of half a contact alone never saw it."""
        return [late > 0 and late >= min(LATE_CONTACT, come / 2) for late, come in zip(self.late_by_arrival, self.arrived)]

    @property
    def in_time_share(self) -> float | None:
        return round(1 - self.late / self.due, 4) if self.due else None

    @property
    def peak(self) -> tuple[float, int]:
        """The most contacts waiting at an interval's end, and the first interval it happens in."""
        top = max(self.waiting, default=0.0)
        return top, self.waiting.index(top) if self.waiting else 0

    @property
    def empties(self) -> int | None:
        """The first interval after the peak whose end finds nobody waiting; None when the queue never empties again."""
        _, start = self.peak
        return next((k for k in range(start, len(self.waiting)) if self.waiting[k] < 1e-9), None)


def backlog_outcome(queue: BacklogQueue, agents: list[int], interval_hours: float) -> BacklogOutcome:
    """Run the queue under the roster's agents on duty and read off who was answered late, and by how much (in contacts)."""
    run = queue.run(agents)
    count = len(agents)
    arrived_before = [0, *queue.arrived_by[:-1]]
    late_units: list[int] = []
    most = 0.0
    for k in range(count):
        due = k + queue.window - 1
        if due >= count or queue.arrivals[k] == 0:
            late_units.append(0)
            continue
        in_time = min(max(run.answered[due] - arrived_before[k], 0), queue.arrivals[k])
        late_units.append(queue.arrivals[k] - in_time)
        if in_time < queue.arrivals[k]:
            done = next((t for t in range(due, count) if run.answered[t] >= queue.arrived_by[k]), count - 1)
            most = max(most, (done - due) * interval_hours)
    late_by_arrival = [queue.contacts(v) for v in late_units]
    due_by_arrival = tuple(queue.contacts(v) if k + queue.window - 1 < count else 0.0 for k, v in enumerate(queue.arrivals))

    def tenth(units: float) -> float:  # the fluid queue counts to a fraction of a contact: totals to a tenth
        return round(queue.contacts(units), 1)

    return BacklogOutcome(
        late_by_arrival=late_by_arrival,
        arrived=[queue.contacts(v) for v in queue.arrivals],
        waiting=[tenth(v) for v in run.waiting],
        late_now=[tenth(v) for v in run.late],
        due=tenth(sum(queue.arrivals[: max(count - queue.window + 1, 0)])),
        late=tenth(sum(late_units)),
        contact_hours_late=round(queue.contacts(sum(run.late)) * interval_hours, 1),
        most_hours_late=most,
        still_open=tenth(run.late[-1]) if run.late else 0.0,
        due_by_arrival=due_by_arrival,
    )


def late_units_that_count(queue: BacklogQueue, k: int) -> int:
    """The fewest units of interval k's arrivals answered late that make it uncovered (BacklogOutcome.uncovered).

    A hiring target that asks for no uncovered hour bounds the queue's late
    work by one unit less, so the search asks exactly what the report counts.
    """
    come = queue.contacts(queue.arrivals[k])
    least = max(1, math.ceil(min(LATE_CONTACT, come / 2) * queue.units_per_contact) - 1)
    while queue.contacts(least) < min(LATE_CONTACT, come / 2):  # the float rule itself decides at the boundary
        least += 1
    return least


# --------------------------------------------------------------------------- views


def is_overnight_hour(hour: int, config: Config) -> bool:
    """The `overnight` flag of a gaps row: the hour's start hh:00 lies in the overnight window."""
    return in_window(hour * 60, config.overnight.start, config.overnight.end)


@dataclass(frozen=True)
class GapRow:
    """One row of gaps.csv: totals over the period for one local weekday and hour in one view."""

    view: str
    channel: str
    weekday: str
    hour: int
    required_agent_hours: float
    scheduled_agent_hours: float
    uncovered_hours: float
    understaffed_agent_hours: float
    weekend: bool
    overnight: bool


def gap_rows(coverage: Coverage, config: Config) -> list[GapRow]:
    """All 7 × 24 (weekday, local hour) cells per view zone and channel, zeros included."""
    grid = coverage.grid
    length = grid.hours_per_interval
    weekend = set(config.weekend)
    rows: list[GapRow] = []
    for zone in config.view_zones:
        places = local_slots(grid, zone, config)
        for channel in coverage.channels:
            required = coverage.required_of(channel)
            scheduled = coverage.scheduled_of(channel)
            cells = [[0.0, 0.0, 0.0, 0.0] for _ in range(7 * 24)]
            for place, need, have, nobody in zip(places, required, scheduled, coverage.uncovered(channel)):
                cell = cells[place.weekday * 24 + place.hour]
                cell[0] += need * length
                cell[1] += have * length
                cell[2] += nobody * length
                cell[3] += max(need - have, 0) * length
            for weekday in range(7):
                for hour in range(24):
                    need_hours, have_hours, uncovered, short = cells[weekday * 24 + hour]
                    rows.append(
                        GapRow(
                            view=zone,
                            channel=channel,
                            weekday=WEEKDAYS[weekday],
                            hour=hour,
                            required_agent_hours=round(need_hours, 6),
                            scheduled_agent_hours=round(have_hours, 6),
                            uncovered_hours=round(uncovered, 6),
                            understaffed_agent_hours=round(short, 6),
                            weekend=WEEKDAYS[weekday] in weekend,
                            overnight=is_overnight_hour(hour, config),
                        )
                    )
    return rows


# --------------------------------------------------------------------------- summary


def _finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: report them as null."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def summary(
    coverage: Coverage,
    config: Config,
    *,
    status: str,
    objective: float | None,
    best_bound: float | None,
    wall_seconds: float | None,
    roster: Roster | None = None,
    explanations: Iterable[object] = (),
) -> Summary:
    """The contract's summary.json figures (hours rounded to 2 decimals, the ratio to 4); `.to_json()` is the file.

    With `roster`, a `roster` block says what it costs (roster_figures):
    the figure a what-if sweep compares beside the hours it leaves open.
    `explanations` (why the largest gaps stay open) become
    `gap_explanations`, one line each.

    `views.ZONE` counts clock hours in that zone: an interval is uncovered
    when any channel fails its customers then (a realtime channel with
    nobody on duty, a backlog channel's arrivals answered late), counted
    once however many channels fail; `weekend_hours` and `overnight_hours`
    are the hours that exist in the period, so no figure can exceed them.
    `per_week` divides by the period's weeks. Per-channel figures follow
    underneath (`views.ZONE.channels`, `uncovered_hours`).
    """
    length = coverage.grid.hours_per_interval
    uncovered_hours = {channel: round(sum(coverage.uncovered(channel)) * length, 2) for channel in coverage.channels}
    wall = _finite(wall_seconds)
    understaffed = {channel: round(sum(coverage.gap(channel)) * length, 2) for channel in coverage.channels}
    return Summary(
        status=status,
        objective=_finite(objective),
        best_bound=_finite(best_bound),
        wall_seconds=None if wall is None else round(wall, 3),
        coverage_ratio=coverage_ratio(coverage, config),
        uncovered_hours=uncovered_hours,
        understaffed_agent_hours=understaffed,
        views={zone: view_figures(coverage, config, zone) for zone in config.view_zones},
        backlog={channel: backlog_figures(coverage, channel, config) for channel in coverage.backlog},
        service=service_summary(coverage, config),
        mix=mix_figures(coverage, config),
        roster=roster_figures(roster, config) if roster is not None else None,
        workload=workload_figures(roster, config) if roster is not None and has_targets(config) else None,
        gap_explanations=tuple(str(line) for line in explanations),
    )


def workload_figures(roster: Roster, config: Config) -> WorkloadFigures:
    """summary.json's `workload` block (only when some agent has a target; coverage.targets counts).

    `agents.ID` holds each agent's target, worked and away hours, the cost
    the objective counts and the balance the next period carries;
    `cost` and `away_hours` are the team's totals, `most_away_hours` the
    largest distance.
    """
    rows = workload_rows(roster, config)
    return WorkloadFigures(
        cost=sum(row.cost for row in rows),
        away_hours=sum(row.away_hours for row in rows),
        most_away_hours=max((row.away_hours for row in rows), default=0),
        agents={
            row.agent: AgentWorkload(
                weight=row.weight,
                target_hours=row.target_hours,
                worked_hours=row.worked_hours,
                away_hours=row.away_hours,
                cost=row.cost,
                balance_before=row.balance_before,
                balance_after=row.balance_after,
            )
            for row in rows
        },
    )


def mix_figures(coverage: Coverage, config: Config) -> dict[str, dict[str, MixFigures]]:
    """Per channel and role of its `mix`: the heads asked for and the hours the channel needed someone without them.

    An interval short of the mix counts as uncovered for that rule, like an
    interval nobody covers for the channel; empty when no channel asks for a mix.
    """
    length = coverage.grid.hours_per_interval
    return {
        channel: {
            role: MixFigures(at_least=heads, uncovered_hours=round(sum(coverage.mix_short(channel, role, heads)) * length, 2))
            for role, heads in mix.items()
        }
        for channel, mix in config.mix_rules().items()
    }


def mix_lines(digest: Summary) -> list[str]:
    """One line per channel and role of a `mix`: "chat: 3.50 h without at least 1 engineer on duty"."""
    return [
        f"{channel}: {_hours(figures.uncovered_hours)} h without at least {figures.at_least:g} {role} on duty"
        for channel, roles in digest.mix.items()
        for role, figures in roles.items()
    ]


def workload_lines(digest: Summary) -> list[str]:
    """One line for the workload targets: "workload: 12 agents, 7 h away from target in all, at most 2 h (cost 35)"."""
    block = digest.workload
    if not block:
        return []
    return [
        f"workload: {len(block.agents)} agents with a target, {block.away_hours} h away in all, "
        f"at most {block.most_away_hours} h (cost {block.cost})"
    ]


def roster_figures(roster: Roster, config: Config) -> RosterFigures:
    """summary.json's `roster` block: shifts, paid hours and what its hires cost.

    Paid hours leave unpaid breaks out, as contract hours count them. An
    agent who is one of the config's candidates (`manila-1`, a hire a
    roadmap or a scenario added) costs the candidate's `cost` for the
    period; the team of today has no price in the config, so it costs 0
    here and `paid_hours` is its measure.
    """
    paid = sum(paid_minutes(a, config) for a in roster.assignments)
    hired = {a.agent: candidate for a in roster.assignments if (candidate := config.candidate_of(a.agent)) is not None}
    hires = sorted(hired)
    hire_cost = sum(hired[agent].cost for agent in hires)
    return RosterFigures(shifts=len(roster), paid_hours=round(paid / 60, 2), hires=tuple(hires), hire_cost=round(hire_cost, 2))


def coverage_ratio(coverage: Coverage, config: Config) -> float:
    """Share of the work met: realtime agent-hours met over required, with backlog work answered in time over work due."""
    length = coverage.grid.hours_per_interval
    needed = met = 0.0
    for channel in coverage.channels:
        outcome = coverage.backlog.get(channel)
        if outcome is not None:
            hours_each = config.channels[channel].aht_seconds / 3600
            needed += outcome.due * hours_each
            met += (outcome.due - outcome.late) * hours_each
            continue
        required, scheduled = coverage.required_of(channel), coverage.scheduled_of(channel)
        needed += sum(required) * length
        met += sum(min(s, r) for r, s in zip(required, scheduled)) * length
    return round(met / needed, 4) if needed else 1.0


def view_figures(coverage: Coverage, config: Config, zone: str) -> ViewFigures:
    """One view's clock hours: uncovered in all, at weekends and overnight, per period and per average week."""
    length = coverage.grid.hours_per_interval
    places = local_slots(coverage.grid, zone, config)
    weeks = config.plan.days / 7

    def hours(flags: list[bool]) -> ClockHours:
        return ClockHours(
            uncovered_hours=round(sum(flags) * length, 2),
            weekend_uncovered_hours=round(sum(f and p.weekend for f, p in zip(flags, places)) * length, 2),
            overnight_uncovered_hours=round(sum(f and p.overnight for f, p in zip(flags, places)) * length, 2),
        )

    clock = hours(coverage.clock_uncovered())
    return ViewFigures(
        uncovered_hours=clock.uncovered_hours,
        weekend_uncovered_hours=clock.weekend_uncovered_hours,
        overnight_uncovered_hours=clock.overnight_uncovered_hours,
        weekend_hours=round(sum(p.weekend for p in places) * length, 2),
        overnight_hours=round(sum(p.overnight for p in places) * length, 2),
        per_week=ClockHours(
            *(
                round(value / weeks, 2)
                for value in (clock.uncovered_hours, clock.weekend_uncovered_hours, clock.overnight_uncovered_hours)
            )
        ),
        channels={channel: hours(coverage.uncovered(channel)) for channel in coverage.channels},
    )


def backlog_figures(coverage: Coverage, channel: str, config: Config) -> BacklogFigures:
    """summary.json's `backlog.CHANNEL`: contacts answered in time and late, how late, and the queue's peak."""
    outcome = coverage.backlog[channel]
    spec = config.channels[channel]
    assert isinstance(spec, BacklogChannel), "coverage.backlog holds the config's backlog channels (requirements)"
    top, at = outcome.peak
    empties = outcome.empties
    starts = coverage.grid.starts
    return BacklogFigures(
        respond_within_hours=spec.respond_within_hours,
        contacts_due=round(outcome.due, 2),
        answered_in_time=round(outcome.due - outcome.late, 2),
        in_time_share=outcome.in_time_share,
        late=round(outcome.late, 2),
        contact_hours_late=round(outcome.contact_hours_late, 2),
        most_hours_late=round(outcome.most_hours_late, 2),
        peak_waiting=round(top, 2),
        peak_at_utc=starts[at].add(minutes=coverage.grid.minutes).isoformat() if top > 0 else None,
        empties_at_utc=starts[empties].add(minutes=coverage.grid.minutes).isoformat()
        if top > 0 and empties is not None
        else None,
        still_open_at_end=round(outcome.still_open, 2),
    )


# --------------------------------------------------------------------------- writers


def write_coverage_csv(coverage: Coverage, path: Path) -> Path:
    """coverage.csv: one row per UTC interval and channel."""
    rows = []
    gaps = {channel: coverage.gap(channel) for channel in coverage.channels}
    for k, start in enumerate(coverage.grid.starts):
        stamp = start.isoformat()
        for channel in coverage.channels:
            rows.append(
                (stamp, channel, coverage.required_of(channel)[k], coverage.scheduled_of(channel)[k], gaps[channel][k])
                + service_cells(coverage, channel, k)
            )
    return write_csv_atomic(Path(path), COVERAGE_COLUMNS + (SERVICE_COLUMNS if coverage.service is not None else ()), rows)


def write_gaps_csv(rows: Iterable[GapRow], path: Path) -> Path:
    """gaps.csv: totals by view, channel, local weekday and hour; booleans as true/false."""
    lines = (
        (
            row.view,
            row.channel,
            row.weekday,
            row.hour,
            number_cell(row.required_agent_hours),
            number_cell(row.scheduled_agent_hours),
            number_cell(row.uncovered_hours),
            number_cell(row.understaffed_agent_hours),
            "true" if row.weekend else "false",
            "true" if row.overnight else "false",
        )
        for row in rows
    )
    return write_csv_atomic(Path(path), GAPS_COLUMNS, lines)


def write_summary(digest: Summary, path: Path) -> Path:
    """summary.json: the contract's keys in the contract's order (Summary.to_json)."""
    return write_json_atomic(Path(path), digest.to_json())


# --------------------------------------------------------------------------- terminal


def worst_cells(rows: Iterable[GapRow], count: int = 5) -> list[tuple[str, str, int, float, float]]:
    """The `count` weekday-hour cells of the first view with the most understaffed agent-hours.

    Only the first view is ranked: the same UTC hour seen from every view
    would otherwise fill the list with one hour several times. Ties go to
    weekend, then overnight cells, which managers ask about first.
    Returns (view, weekday, hour, understaffed_agent_hours, uncovered_hours)
    tuples; cells with no understaffing are left out.
    """
    rows = list(rows)
    if not rows:
        return []
    view = rows[0].view
    totals: dict[tuple[str, int], list[float]] = {}
    flags: dict[tuple[str, int], tuple[bool, bool]] = {}
    for row in rows:
        if row.view != view:
            continue
        cell = totals.setdefault((row.weekday, row.hour), [0.0, 0.0])
        cell[0] += row.understaffed_agent_hours
        cell[1] += row.uncovered_hours
        flags[(row.weekday, row.hour)] = (row.weekend, row.overnight)
    ranked = sorted(
        (key for key, value in totals.items() if value[0] > 0),
        key=lambda key: (-totals[key][0], not flags[key][0], not flags[key][1], WEEKDAYS.index(key[0]), key[1]),
    )
    return [(view, day, hour, totals[(day, hour)][0], totals[(day, hour)][1]) for day, hour in ranked[:count]]


def _hours(value: float) -> str:
    return f"{value:.2f}"


def _count(value: float) -> str:
    """Contacts as a manager reads them: 1,234 or 2.5 (the fluid queue counts fractions)."""
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"


def _at(stamp: str | None, zone: str) -> str:
    """An ISO UTC instant from summary.json on `zone`'s clock: "Fri 25 Dec 17:00"."""
    return f"{to_local(parse_timestamp(stamp, 'UTC'), zone):%a %d %b %H:%M}" if stamp else ""


def view_lines(digest: Summary, most: int = 10) -> list[str]:
    """Clock hours per view, each on its own clock: uncovered, weekend and overnight, per period and per week."""
    views = list(digest.views.items())
    if not views:
        return []
    lines = ["uncovered clock hours (some channel short, each hour once), per period (per week), each view on its own clock:"]
    width = max(len(zone) for zone, _ in views[:most])
    for zone, f in views[:most]:
        week = f.per_week
        lines.append(
            f"  {zone:<{width}}  "
            + "   ".join(
                (
                    f"{_hours(f.uncovered_hours)} h ({_hours(week.uncovered_hours)} a week)",
                    f"weekend {_hours(f.weekend_uncovered_hours)} of {f.weekend_hours:g} h ({_hours(week.weekend_uncovered_hours)} a week)",
                    f"overnight {_hours(f.overnight_uncovered_hours)} of {f.overnight_hours:g} h ({_hours(week.overnight_uncovered_hours)} a week)",
                )
            )
        )
    if len(views) > most:
        lines.append(f"  ... and {len(views) - most} more views (see summary.json)")
    return lines


def channel_lines(digest: Summary) -> list[str]:
    """Per channel, on the first view's clock: uncovered hours (weekend, overnight) and understaffed agent-hours."""
    zone, clock = digest.first_view, digest.clock
    per_view = clock.channels if clock is not None else {}
    short = digest.understaffed_agent_hours
    channels = list(dict.fromkeys([*digest.uncovered_hours, *short]))
    if not channels:
        return []
    lines = [f"by channel ({zone} clock):" if zone else "by channel:"]
    for channel in channels:
        hours = digest.uncovered_hours.get(channel, 0.0)
        mine = per_view.get(channel)
        split = (
            f" (weekend {_hours(mine.weekend_uncovered_hours)}, overnight {_hours(mine.overnight_uncovered_hours)})"
            if mine
            else ""
        )
        lines.append(f"  {channel} {_hours(hours)} h uncovered{split}, {_hours(short.get(channel, 0.0))} agent-h understaffed")
    return lines


def backlog_lines(digest: Summary) -> list[str]:
    """Per backlog channel: contacts due, answered in time, late and how late, the queue's peak — times on the first view's clock."""
    zone = digest.first_view or "UTC"
    lines = []
    for channel, b in digest.backlog.items():
        text = f"{channel} (answer within {b.respond_within_hours:g} h): {_count(b.contacts_due)} contacts due"
        if b.contacts_due:
            text += f", {b.in_time_share or 0.0:.1%} answered in time, {_count(b.late)} late"
            if b.late:
                text += f" (up to {b.most_hours_late:g} h past the deadline)"
        if b.still_open_at_end:
            text += f", {_count(b.still_open_at_end)} still late at the period's end"
        if b.peak_at_utc:
            text += f"; the queue peaks at {_count(b.peak_waiting)} waiting, {_at(b.peak_at_utc, zone)}"
            text += (
                f", empty again {_at(b.empties_at_utc, zone)}" if b.empties_at_utc else ", and is not empty again in the period"
            )
            text += f" ({zone})"
        lines.append(text)
    return lines


def terminal_summary(digest: Summary, rows: list[GapRow]) -> str:
    """A short plain-text block for the terminal (no colours, at most 25 lines), every time on the first view's clock.

    Clock hours per view lead (the first view is the customers' zone), then
    the channels, then each backlog channel's queue, then the worst hours.
    """
    lines = []
    head = f"status: {digest.status}"
    if digest.objective is not None:
        head += f"   objective: {digest.objective:g}"
    if digest.best_bound is not None:
        head += f"   best bound: {digest.best_bound:g}"
    if digest.wall_seconds is not None:
        head += f"   time: {digest.wall_seconds:.1f} s"
    lines.append(head)
    ratio = digest.coverage_ratio
    lines.append(f"coverage ratio: {ratio:.4f} ({ratio * 100:.1f}% of required agent-hours met)")
    lines += view_lines(digest)
    lines += channel_lines(digest)
    lines += backlog_lines(digest)
    lines += mix_lines(digest)
    lines += workload_lines(digest)
    worst = worst_cells(rows)
    if worst:
        lines.append(f"worst hours in {worst[0][0]} (understaffed agent-hours, all channels):")
        for _, day, hour, short_hours, uncovered_hours in worst:
            lines.append(
                f"  {day} {hour:02d}:00  {_hours(short_hours):>8} agent-h short   {_hours(uncovered_hours)} channel-h uncovered"
            )
    else:
        lines.append("no understaffed hours")
    return "\n".join(lines)


# --------------------------------------------------------------------------- service (what customers get)
#
# Predicted from the roster with the same queueing math that formed the
# requirement (coverage.demand), so a roster that meets the requirement meets
# the channel's targets. Agents on contacts = Σ over agents on duty of
# (1 − their shrinkage): each agent's own site rule on the site-local weekday.

SERVICE_COLUMNS = ("volume", "agents_on_contacts", "service_level", "asa_seconds", "occupancy", "abandon_rate")
WORST_INTERVALS = 5


@dataclass(frozen=True)
class ChannelService:
    """Per interval of one channel: volume, agents on contacts and (realtime only) the predicted figures."""

    model: str  # "erlang_c", "erlang_a" or "backlog"
    volume: list[float]
    agents_on_contacts: list[float]
    service_level: list[float] | None = None
    asa_seconds: list[float] | None = None
    occupancy: list[float] | None = None
    abandon_rate: list[float] | None = None


def service_of(roster: Roster, requirements: Requirements, config: Config) -> dict[str, ChannelService]:
    """Predicted service level, ASA, occupancy and abandonment per interval for every configured channel."""
    from coverage.config.schema import RealtimeChannel
    from coverage.demand import Targets, predicted_service

    grid = requirements.grid
    agents = agents_on_contacts(roster, grid, config)
    seconds = grid.minutes * 60
    found: dict[str, ChannelService] = {}
    for name, channel in config.channels.items():
        volume = list(requirements.volume.get(name) or [0.0] * grid.count)
        on_contacts = agents.get(name) or [0.0] * grid.count
        if not isinstance(channel, RealtimeChannel):
            found[name] = ChannelService("backlog", volume, on_contacts)
            continue
        metrics = predicted_service(volume, on_contacts, seconds, channel)
        found[name] = ChannelService(
            Targets.of(channel).model,
            volume,
            on_contacts,
            [float(v) for v in metrics.service_level],
            [float(v) for v in metrics.asa_seconds],
            [float(v) for v in metrics.occupancy],
            [float(v) for v in metrics.abandon_rate],
        )
    return found


def agents_on_contacts(roster: Roster, grid: Grid, config: Config) -> dict[str, list[float]]:
    """Per channel and interval: Σ (1 − shrinkage) over the agents on duty for the whole interval (× weight where the channel counts weight)."""
    from coverage.demand import local_weekdays, shrinkage_of

    agents = {agent.id: agent for agent in config.agents}
    weekdays: dict[str, Any] = {}
    found: dict[str, list[float]] = {}
    for a in roster.assignments:
        site = config.sites[a.site]
        if a.site not in weekdays:
            weekdays[a.site] = local_weekdays(grid, site.timezone)
        values = found.setdefault(a.channel, [0.0] * grid.count)
        person = config.head_units(agents[a.agent], a.channel) / HEAD_UNITS if config.counts_weight(a.channel) else 1.0
        for slot in duty_slots(grid, a.start_utc, a.end_utc, site.shifts[a.shift].unpaid_break_minutes, a.break_start_utc):
            values[slot] += person * (1.0 - shrinkage_of(config, a.site, int(weekdays[a.site][slot])))
    return found


def service_cells(coverage: Coverage, channel: str, k: int) -> tuple[str, ...]:
    """The SERVICE_COLUMNS cells of one coverage.csv row (empty where a figure does not apply)."""
    if coverage.service is None:
        return ()
    service = coverage.service.get(channel)
    if service is None:
        return ("",) * len(SERVICE_COLUMNS)
    cells = [number_cell(service.volume[k]), number_cell(service.agents_on_contacts[k])]
    for values in (service.service_level, service.asa_seconds, service.occupancy, service.abandon_rate):
        cells.append(metric_cell(values[k]) if values is not None else "")
    return tuple(cells)


def service_summary(coverage: Coverage, config: Config) -> dict[str, ServiceFigures]:
    """summary.json's `service` block: per realtime channel, period figures and the worst intervals.

    service_level and abandon_rate are weighted by volume; asa_seconds by
    the answered volume, over intervals where the queue is stable (an
    overloaded Erlang C interval has no finite ASA — it is counted in
    `intervals_overloaded`); occupancy is busy over available server time.
    The worst intervals are the lowest service levels among intervals with
    volume, ties to the busier interval.
    """
    from coverage.config.schema import RealtimeChannel

    block: dict[str, ServiceFigures] = {}
    for name, service in (coverage.service or {}).items():
        channel = config.channels.get(name)
        if not isinstance(channel, RealtimeChannel) or service.service_level is None:
            continue
        block[name] = _channel_block(coverage, name, service, channel)
    return block


def _channel_block(coverage: Coverage, name: str, service: ChannelService, channel: Any) -> ServiceFigures:
    target = channel.service_level.percent / 100
    sl, asa, occ, ab = service.service_level, service.asa_seconds, service.occupancy, service.abandon_rate
    assert sl is not None and asa is not None and occ is not None and ab is not None, (
        "a realtime channel has all four (service_of)"
    )
    busy = [k for k, v in enumerate(service.volume) if v > 0]
    volume = sum(service.volume[k] for k in busy)
    answered = [(service.volume[k] * (1 - ab[k]), asa[k]) for k in busy if math.isfinite(asa[k])]
    answered_volume = sum(w for w, _ in answered)
    servers = [service.agents_on_contacts[k] * channel.concurrency for k in range(coverage.grid.count)]
    below = [k for k in busy if sl[k] < target - 1e-12]
    worst = sorted(busy, key=lambda k: (sl[k], -service.volume[k], k))[:WORST_INTERVALS]

    def share(values: list[float]) -> float | None:
        return round(sum(service.volume[k] * values[k] for k in busy) / volume, 4) if volume else None

    return ServiceFigures(
        model=service.model,
        target=ServiceTarget(
            service_level=target,
            within_seconds=channel.service_level.within_seconds,
            asa_seconds=channel.asa_seconds,
            max_occupancy=channel.max_occupancy,
            patience_seconds=channel.patience_seconds,
        ),
        volume=round(volume, 2),
        service_level=share(sl),
        asa_seconds=round(sum(w * a for w, a in answered) / answered_volume, 2) if answered_volume else None,
        occupancy=round(sum(o * n for o, n in zip(occ, servers)) / sum(servers), 4) if sum(servers) else None,
        abandon_rate=share(ab),
        intervals_below_target=len(below),
        intervals_overloaded=sum(1 for k in busy if not math.isfinite(asa[k])),
        worst_intervals=tuple(
            WorstInterval(
                interval_start_utc=coverage.grid.starts[k].isoformat(),
                volume=round(service.volume[k], 2),
                required=coverage.required_of(name)[k],
                scheduled=coverage.scheduled_of(name)[k],
                agents_on_contacts=round(service.agents_on_contacts[k], 4),
                service_level=round(sl[k], 4),
                asa_seconds=round(asa[k], 2) if math.isfinite(asa[k]) else None,
                occupancy=round(occ[k], 4),
                abandon_rate=round(ab[k], 4),
            )
            for k in worst
        ),
    )
