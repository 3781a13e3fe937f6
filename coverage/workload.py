"""Per-agent workload: shifts, paid hours, nights and weekends — what people compare in a published rota.

Counted from the roster and the config alone, with the same definitions the
rules use, so the report's numbers match what `verify` enforces:

* paid hours: shift length minus the template's unpaid break (a flexible
  shift has none: its paid hours are its length);
* a night: a shift with at least `night_shift.min_hours` inside the
  `night_shift` window, in the agent's site time (the night rules' test);
* a weekend: a (site-local) week in which the agent starts a shift on a
  `weekend` day, counted once however many weekend days are worked (the
  `max_weekends_per_period` test);
* hours from the preferred length: for an agent with `preferred_hours`,
  how far each flexible shift's length is from it, summed over the period
  (what `weights.shift_length` prices, before its rounding to whole hours).
"""

from __future__ import annotations

from dataclasses import dataclass

from coverage.config.schema import Config
from coverage.roster import Assignment, Roster, paid_minutes
from coverage.time import hours_in_local_window, week_monday


@dataclass(frozen=True)
class AgentLoad:
    agent: str
    name: str
    site: str
    contract: str
    shifts: int
    paid_hours: float
    nights: int
    weekends: int
    channels: dict[str, int]  # shifts per channel
    length_away_hours: float | None = None  # Σ |flexible shift length − preferred_hours|; None without preferred_hours


def paid_hours(shift: Assignment, config: Config) -> float:
    return paid_minutes(shift, config) / 60


def length_away_hours(shifts: list[Assignment], preferred_hours: float | None, config: Config) -> float | None:
    """Hours the agent's flexible shifts are longer or shorter than their preferred length, in total."""
    if preferred_hours is None:
        return None
    flexible = [s for s in shifts if config.sites[s.site].shifts[s.shift].flexible]
    return round(sum(abs(s.hours - preferred_hours) for s in flexible), 4)


def is_night(shift: Assignment, config: Config) -> bool:
    night = config.night_shift
    zone = config.sites[shift.site].timezone
    return hours_in_local_window(shift.start_utc, shift.end_utc, zone, night.start, night.end) >= night.min_hours - 1e-9


def agent_loads(roster: Roster, config: Config) -> list[AgentLoad]:
    """One row per agent of the config (zeros for agents without shifts), in config order."""
    weekend = config.weekend_days
    loads = []
    for agent in config.agents:
        shifts = roster.for_agent(agent.id)
        channels: dict[str, int] = {}
        for shift in shifts:
            channels[shift.channel] = channels.get(shift.channel, 0) + 1
        loads.append(
            AgentLoad(
                agent=agent.id,
                name=agent.name or agent.id,
                site=agent.site,
                contract=agent.contract,
                shifts=len(shifts),
                paid_hours=round(sum(paid_hours(s, config) for s in shifts), 4),
                nights=sum(is_night(s, config) for s in shifts),
                weekends=len({week_monday(s.day) for s in shifts if s.day.isoweekday() in weekend}),
                channels=channels,
                length_away_hours=length_away_hours(shifts, agent.preferred_hours, config),
            )
        )
    return loads
