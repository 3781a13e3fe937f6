"""Reach: which target hours any hire could ever close, decided from the data before any search.

A hire closes a gap only by being on duty in it. An interval that no shift
occurrence of anybody — today's team or any possible hire — can touch for a
channel stays open whoever is hired, and the solver would only find that out
slowly ("infeasible", or a roadmap whose target column never moves) without
saying where. Here it is counted from plain data: skills, the site's shift
templates and each person's allowed shifts, leave, holidays, fixed days off,
employment dates, unpaid breaks (a break window reaches every slot some break
choice spares), and the rules that forbid a kind of shift outright (no
weekends, no nights, a template capped at 0). Subtler rules (rest, weekly
hours) are the solver's: the roadmap finds those when no hire closes more.

What counts as out of reach depends on the target:

* ``uncovered``: a needed target interval nobody at all could be on duty in;
* ``service``: a target interval needing more agents than could ever be on
  duty in it at once (everyone who could be there, counted once each);
* ``ratio``: the share asked for exceeds what the team and every candidate
  could meet at best (each interval met up to that head count); the hours
  short of their requirement are the ones named.

The hours are said as local clock windows in the target's zone
("chat: Mon–Sun 02:00–06:00 America/New_York (7 days, 28 h)"), with the site
shifts that would reach them when any exist.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from coverage.config.schema import HEAD_UNITS, WEEKDAYS, Config
from coverage.demand import Requirements
from coverage.gaps import LocalSlot, local_slots
from coverage.queue import BacklogQueue
from coverage.solve.data import Target
from coverage.solve.scope import AgentScope, agent_scopes
from coverage.time import Grid, ShiftInstance, break_starts, duty_slots, flexible_windows, shift_instances, to_local
from coverage.windows import weekday_ranges  # one way to say a set of weekdays, in every output

Pair = tuple[str, int]  # (channel, grid interval)
MAX_WINDOW_LINES = 8  # more windows than this are summed up in one line


@dataclass(frozen=True)
class Reach:
    """The target against everything the team and every possible hire could ever put on duty."""

    target: Target
    # channel -> interval -> people who could be on duty for it (Σ weight where the channel counts weight)
    capacity: dict[str, list[float]]
    unreachable: frozenset[Pair]  # target pairs that no choice of hires brings to the target
    best_ratio: float | None = None  # ratio targets: the largest share of the required agent-hours that can be met

    @property
    def reachable(self) -> bool:
        return not self.unreachable

    def aim(self) -> Target:
        """What hires are asked for: the target without its unreachable hours (a ratio stays as asked)."""
        if self.target.kind == "ratio" or not self.unreachable:
            return self.target
        return replace(self.target, excluded=self.target.excluded | self.unreachable)


def reachability(config: Config, requirements: Requirements, target: Target) -> Reach:
    """Which of the target's hours could ever be brought to the target; `config` holds the candidates as agents."""
    capacity = on_duty_capacity(config, requirements.grid)
    pairs = [
        (channel, k, need, capacity.get(channel, [0] * len(needs))[k])
        for channel, needs in requirements.required.items()
        for k, need in enumerate(needs)
        if need > 0 and target.counts(channel, k)
    ]
    if target.kind == "uncovered":
        nobody = frozenset((c, k) for c, k, _, most in pairs if most == 0)
        return Reach(target, capacity, nobody | _late_for_sure(config, requirements, capacity, target))
    short = frozenset((c, k) for c, k, need, most in pairs if need > most)
    if target.kind == "service":
        return Reach(target, capacity, short | _late_for_sure(config, requirements, capacity, target))
    required = sum(need for _, _, need, _ in pairs)
    best = sum(min(need, most) for _, _, need, most in pairs) / required if required else 1.0
    return Reach(target, capacity, short if best < target.ratio - 1e-9 else frozenset(), round(best, 4))


def _late_for_sure(
    config: Config, requirements: Requirements, capacity: dict[str, list[float]], target: Target
) -> frozenset[Pair]:
    """A backlog channel's target intervals whose arrivals nobody could answer before their deadline.

    Such an interval counts when its arrivals are late (coverage.gaps), and
    they are late whoever is hired when nobody could be on duty between
    their arrival and their deadline. (The queue ahead of them is the
    solver's, like rest and weekly hours.)
    """
    found: set[Pair] = set()
    count = requirements.grid.count
    for channel, backlog in requirements.backlog.items():
        arriving = BacklogQueue.of(backlog, config.weights.late, requirements.grid.hours_per_interval).arrivals
        reach = capacity.get(channel, [0] * count)
        for k, units in enumerate(arriving):
            due = backlog.due(k)
            if units and due < count and target.counts(channel, k) and not any(reach[k : due + 1]):
                found.add((channel, k))
    return frozenset(found)


def on_duty_capacity(config: Config, grid: Grid) -> dict[str, list[float]]:
    """Per channel and interval, how many people have some shift they may work that puts them on duty there.

    On a channel that counts weight, each counts as their weight: two of weight 0.5 can meet a need of 1, one cannot.
    """
    slots: dict[ShiftInstance, frozenset[int]] = {}
    capacity: dict[str, list[float]] = {channel: [0] * grid.count for channel in config.channels}
    for scope in agent_scopes(config, shift_instances(config)):
        reached: set[int] = set()
        for s in usable(scope, config):
            if s not in slots:
                slots[s] = reach_slots(config, grid, s)
            reached |= slots[s]
        for w in scope.flexible:  # a flexible template reaches every slot a run of it can be on duty in
            closed = scope.closed_slots.get(w, {})
            reached |= {k for k in w.slots if 0 <= k < grid.count and k not in closed}
        for channel in scope.agent.skills:
            counts = capacity.setdefault(channel, [0] * grid.count)
            person = config.head_units(scope.agent, channel) / HEAD_UNITS if config.counts_weight(channel) else 1
            for k in reached:
                counts[k] += person
    for channel, counts in capacity.items():
        if config.counts_weight(channel):
            capacity[channel] = [round(count, 2) for count in counts]  # sums of hundredths, without float dust
    return capacity


def usable(scope: AgentScope, config: Config) -> list[ShiftInstance]:
    """The occurrences an agent may work, less those a rule forbids outright (a limit of 0)."""
    rules = scope.rules
    no_weekends = rules.max_weekends_per_period == 0
    no_nights = rules.max_nights_per_week == 0 or rules.max_nights_per_period == 0
    weekend = config.weekend_days
    return [
        s
        for s in scope.available
        if not (no_weekends and s.day.isoweekday() in weekend)
        and not (no_nights and s in scope.nights)
        and rules.max_shifts_per_period.get(s.shift) != 0
        and rules.max_days_per_week > 0
    ]


def reach_slots(config: Config, grid: Grid, s: ShiftInstance) -> frozenset[int]:
    """Grid slots an agent on this occurrence can be on duty in: every slot some break choice spares."""
    template = config.sites[s.site].shifts[s.shift]
    window = template.break_window
    if window is None:
        return frozenset(duty_slots(grid, s.start_utc, s.end_utc, template.unpaid_break_minutes))
    found: set[int] = set()
    for begin in break_starts(s.start_utc, window.earliest, window.latest, grid.minutes):
        found.update(duty_slots(grid, s.start_utc, s.end_utc, template.unpaid_break_minutes, begin))
    return frozenset(found)


# --------------------------------------------------------------------------- in words


@dataclass(frozen=True)
class ClockWindow:
    """The same local clock hours on some local dates, for some channels: "Mon–Fri 02:00–06:00"."""

    channels: tuple[str, ...]
    start: str  # "HH:MM" local
    end: str  # "HH:MM" local; "24:00" at the next midnight
    dates: tuple[date, ...]
    possible: int  # local dates of those weekdays on which the window's start lies in the period
    hours: float  # clock hours, each date counted

    def describe(self, zone: str) -> str:
        days = self.dates
        if len(days) == 1 and self.possible > 1:
            when = f"{WEEKDAYS[days[0].weekday()]} {days[0]:%d %b}"
            return f"{', '.join(self.channels)}: {when} {self.start}–{self.end} {zone} ({self.hours:g} h)"
        plural = "day" if self.possible == 1 else "days"
        count = f"{len(days)} {plural}" if len(days) >= self.possible else f"{len(days)} of {self.possible} {plural}"
        return (
            f"{', '.join(self.channels)}: {weekday_ranges({d.weekday() for d in days})} {self.start}–{self.end} "
            f"{zone} ({count}, {self.hours:g} h)"
        )


def clock_windows(pairs: Iterable[Pair], grid: Grid, zone: str, config: Config) -> list[ClockWindow]:
    """Target hours as local clock windows in `zone`, split at local midnight, largest first.

    The same hours on several dates make one window; channels with exactly
    the same windows are named together.
    """
    places = local_slots(grid, zone, config)
    by_channel: dict[str, list[int]] = defaultdict(list)
    for channel, k in pairs:
        by_channel[channel].append(k)
    grouped: dict[tuple[str, str, tuple[date, ...], int], list[str]] = defaultdict(list)
    for channel, slots in sorted(by_channel.items()):
        spans: dict[tuple[str, str], list[tuple[date, int]]] = defaultdict(list)
        for first, last in _day_pieces(sorted(set(slots)), places):
            key = (_clock(places[first].local), _end_clock(places, last, grid, zone))
            spans[key].append((places[first].local.date(), last - first + 1))
        for (start, end), found in spans.items():
            grouped[(start, end, tuple(sorted(d for d, _ in found)), sum(n for _, n in found))].append(channel)
    windows = [
        ClockWindow(
            tuple(channels),
            start,
            end,
            days,
            _possible(places, start, {d.weekday() for d in days}),
            round(count * grid.hours_per_interval, 6),
        )
        for (start, end, days, count), channels in grouped.items()
    ]
    return sorted(windows, key=lambda w: (-w.hours * len(w.channels), w.start, w.channels))


def describe_windows(pairs: Iterable[Pair], grid: Grid, zone: str, config: Config) -> list[str]:
    """At most MAX_WINDOW_LINES lines, one per window, and a line for the rest."""
    windows = clock_windows(pairs, grid, zone, config)
    lines = [w.describe(zone) for w in windows[:MAX_WINDOW_LINES]]
    rest = windows[MAX_WINDOW_LINES:]
    if rest:
        lines.append(f"… and {len(rest)} more window(s), {sum(w.hours * len(w.channels) for w in rest):g} h")
    return lines


def shifts_that_reach(pairs: Iterable[Pair], grid: Grid, config: Config) -> list[str]:
    """Site shifts (templates) whose occurrences cover any of these intervals, the most covering first."""
    wanted = {k for _, k in pairs}
    found: dict[tuple[str, str], set[int]] = defaultdict(set)
    for s in shift_instances(config):
        hit = reach_slots(config, grid, s) & wanted
        if hit:
            found[(s.site, s.shift)] |= hit
    for w in flexible_windows(config):
        reached = set(w.slots) & wanted
        if reached:
            found[(w.site, w.shift)] |= reached
    ranked = sorted(found.items(), key=lambda item: (-len(item[1]), item[0]))
    return [
        f"{site} {shift} ({config.sites[site].shifts[shift].start} local, {config.sites[site].shifts[shift].length_text} h)"
        for (site, shift), _ in ranked[:3]
    ]


def holidays_in_the_way(pairs: Iterable[Pair], grid: Grid, config: Config) -> tuple[list[str], bool]:
    """The site holidays whose shifts alone reach some of these intervals ("nyc Fri 25 Dec"), and whether they reach all.

    Nobody works a public holiday without `works_holidays`, candidates
    included, so hours only a holiday's shifts reach are out of reach for
    that reason alone, however many candidates may work those shifts.
    """
    wanted = {k for _, k in pairs}
    on_workdays: set[int] = set()
    on_holidays: dict[tuple[date, str], set[int]] = defaultdict(set)
    for s in shift_instances(config):
        hit = reach_slots(config, grid, s) & wanted
        if hit and s.day in config.holidays_at(s.site):
            on_holidays[(s.day, s.site)] |= hit
        elif hit:
            on_workdays |= hit
    for w in flexible_windows(config):
        on_workdays |= set(w.slots) & wanted
    only = {key: hit - on_workdays for key, hit in on_holidays.items() if hit - on_workdays}
    named = [f"{site} {day:%a %d %b}" for day, site in sorted(only)]
    return named, bool(only) and set().union(*only.values()) == wanted


def _day_pieces(slots: list[int], places: list[LocalSlot]) -> list[tuple[int, int]]:
    """Runs of consecutive slots, cut at local midnight: (first, last) inclusive."""
    pieces: list[tuple[int, int]] = []
    for k in slots:
        if pieces and pieces[-1][1] == k - 1 and places[k].local.date() == places[pieces[-1][0]].local.date():
            pieces[-1] = (pieces[-1][0], k)
        else:
            pieces.append((k, k))
    return pieces


def _clock(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _end_clock(places: list[LocalSlot], last: int, grid: Grid, zone: str) -> str:
    end = to_local(grid.starts[last].add(minutes=grid.minutes), zone)
    return "24:00" if end.date() != places[last].local.date() else _clock(end)


def _possible(places: list[LocalSlot], start: str, weekdays: set[int]) -> int:
    """Local dates with one of `weekdays` on which some interval starts at `start`."""
    return len({p.local.date() for p in places if p.local.weekday() in weekdays and _clock(p.local) == start})
