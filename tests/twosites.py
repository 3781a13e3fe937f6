"""A two-site week whose every output number can be worked out by hand (shared by the output tests).

One week from Mon 2026-12-07 (New York calendar, so the grid runs 05:00Z
Dec 7 to 05:00Z Dec 14; every UTC hour of the day occurs 7 times). Chat
needs 1 agent every hour, email nothing.

* a1 (New York, chat only): day 09:00–17:00 local = 14:00–22:00Z, Mon–Fri.
* m1 (Manila, chat + email): morning 08:00–17:00 local = 00:00–09:00Z with the
  unpaid hour 04:00–05:00Z, Tue 8 – Fri 11 Dec (chat Tue, Wed; email Thu, Fri);
  on leave Mon 14 Dec.

Chat: 168 required agent-hours, 40 + 16 = 56 scheduled, 112 uncovered.
Email: 16 scheduled, nothing required.
"""

from __future__ import annotations

from datetime import date, timedelta

from coverage.config import Config
from coverage.demand import Requirements
from coverage.roster import Assignment, Roster
from coverage.time import local_to_utc, period_grid

TWO_SITES = """\
plan:
  start: 2026-12-07
  days: 7
  timezone: America/New_York
  interval_minutes: 60
  time_limit_seconds: 10
views: [America/New_York, Asia/Manila]
overnight: {start: "22:00", end: "06:00"}
weekend: [Sat, Sun]
channels:
  chat:
    kind: realtime
    aht_seconds: 360
    service_level: {percent: 80, within_seconds: 60}
  email: {kind: backlog, aht_seconds: 300, respond_within_hours: 4}
forecast:
  file: forecast.csv
sites:
  nyc:
    timezone: America/New_York
    shifts:
      day: {start: "09:00", hours: 8}
  manila:
    timezone: Asia/Manila
    shifts:
      morning: {start: "08:00", hours: 9, unpaid_break_minutes: 60}
contracts:
  full_time: {hours_per_week: {min: 0, max: 40}, max_days_per_week: 5}
agents:
  - {id: a1, name: Ana Abel, site: nyc, contract: full_time, skills: [chat]}
  - {id: m1, name: Mia Mendez, site: manila, contract: full_time, skills: [chat, email], leave: [2026-12-14]}
"""

MONDAY = date(2026, 12, 7)


def hand_requirements(config: Config, per_channel: dict[str, int] | None = None) -> Requirements:
    """A constant number of agents per interval and channel (default: chat 1, email 0)."""
    grid = period_grid(config.plan)
    per_channel = per_channel if per_channel is not None else {"chat": 1, "email": 0}
    return Requirements(
        grid=grid,
        volume={channel: [0.0] * grid.count for channel in per_channel},
        required={channel: [n] * grid.count for channel, n in per_channel.items()},
    )


def shift(config: Config, agent: str, site: str, name: str, day: date, channel: str) -> Assignment:
    template = config.sites[site].shifts[name]
    start = local_to_utc(day, template.start, config.sites[site].timezone)
    return Assignment(agent, site, channel, name, day, start, start.add(minutes=template.minutes))


def two_site_roster(config: Config) -> Roster:
    shifts = [shift(config, "a1", "nyc", "day", MONDAY + timedelta(days=k), "chat") for k in range(5)]
    for k, channel in zip(range(1, 5), ("chat", "chat", "email", "email")):
        shifts.append(shift(config, "m1", "manila", "morning", MONDAY + timedelta(days=k), channel))
    return Roster(tuple(shifts))
