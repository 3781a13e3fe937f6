"""Synthetic forecasts with a plausible weekly shape, for examples, tests and benchmarks.

Real contact volume follows the customers' business day: it climbs through
the morning of each region, sags at night and drops at weekends. The shape
here is a sum of regional daytime bumps in UTC, scaled down at weekends and
roughened with seeded noise, so examples look like real exports while staying
reproducible byte for byte.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from coverage.outputs import write_csv_atomic


@dataclass(frozen=True)
class Region:
    """Customers whose local business day peaks around `peak_utc_hour`."""

    peak_utc_hour: float
    share: float
    width_hours: float = 4.0


# Americas, Europe/Africa, Asia-Pacific customers.
DEFAULT_REGIONS = (Region(17.0, 0.45), Region(11.0, 0.35), Region(3.0, 0.20))


def hourly_shape(
    hour_utc: float, weekday: int, regions: tuple[Region, ...] = DEFAULT_REGIONS, weekend_factor: float = 0.45
) -> float:
    """Relative volume at an hour of the week (weekday 0 = Monday), in [~0.1, ~1]."""
    level = 0.12
    for region in regions:
        distance = min(abs(hour_utc - region.peak_utc_hour), 24 - abs(hour_utc - region.peak_utc_hour))
        level += region.share * math.exp(-0.5 * (distance / region.width_hours) ** 2)
    return level * (weekend_factor if weekday >= 5 else 1.0)


def forecast_rows(
    start: date,
    days: int,
    peaks: dict[str, float],
    interval_minutes: int = 60,
    seed: int = 7,
    regions: tuple[Region, ...] = DEFAULT_REGIONS,
) -> list[tuple[str, str, float]]:
    """(start UTC ISO, channel, volume) rows; `peaks` gives each channel's busiest-interval volume."""
    rng = random.Random(seed)
    origin = datetime(start.year, start.month, start.day, tzinfo=UTC) - timedelta(days=1)
    rows = []
    steps = (days + 2) * 24 * 60 // interval_minutes
    top = max(hourly_shape(h / 4, 0, regions) for h in range(96))
    for k in range(steps):
        moment = origin + timedelta(minutes=interval_minutes * k)
        hour = moment.hour + moment.minute / 60
        for channel, peak in peaks.items():
            level = peak * hourly_shape(hour, moment.weekday(), regions) / top
            volume = max(0.0, round(level * rng.uniform(0.9, 1.1), 1))
            rows.append((moment.isoformat(), channel, volume))
    return rows


def write_forecast_csv(path: Path, rows: list[tuple[str, str, float]]) -> Path:
    return write_csv_atomic(path, ("start", "channel", "volume"), rows)


# --------------------------------------------------------------------------- synthetic teams


# (site name, time zone) in the order sites are added: follow-the-sun pairs first.
SITE_POOL = (
    ("toronto", "America/Toronto"),
    ("dublin", "Europe/Dublin"),
    ("manila", "Asia/Manila"),
    ("saopaulo", "America/Sao_Paulo"),
    ("bangalore", "Asia/Kolkata"),
    ("sydney", "Australia/Sydney"),
    ("vancouver", "America/Vancouver"),
    ("berlin", "Europe/Berlin"),
)
# Busiest-hour contacts per agent on the team. Over 4 weeks the requirement is
# about 110 % of the team's paid hours at 25 agents and 75 % at 100 (Erlang's
# economies of scale): small teams run short somewhere, as real ones do.
CHAT_PEAK_PER_AGENT = 1.6
EMAIL_PEAK_PER_AGENT = 0.5


def team_data(
    agents: int,
    sites: int,
    start: date,
    days: int,
    interval_minutes: int = 60,
    seed: int = 7,
    forecast_file: str = "forecast.csv",
) -> dict:
    """A plan config (YAML-shaped data) for a realistic team: N agents over K sites in different zones.

    Each site runs early, day and late shifts in its own time zone; one agent
    in five is part-time; most agents take chat and email, some one channel
    only. Demand comes from `forecast_file` (see write_team), so the solver
    sees the same kind of input a real team's export gives.
    """
    if not 1 <= sites <= len(SITE_POOL):
        raise ValueError(f"sites must be 1..{len(SITE_POOL)}")
    rng = random.Random(seed)
    chosen = SITE_POOL[:sites]
    shifts = {
        "early": {"start": "07:00", "hours": 8},
        "day": {"start": "10:00", "hours": 8},
        "late": {"start": "14:00", "hours": 8},
    }
    team = []
    for k in range(agents):
        site = chosen[k % sites][0]
        skills = rng.choices([["chat", "email"], ["chat"], ["email"]], weights=[6, 3, 1])[0]
        team.append({"id": f"a{k:04d}", "site": site, "contract": "part_time" if k % 5 == 4 else "full_time", "skills": skills})
    return {
        "plan": {"start": start, "days": days, "timezone": "UTC", "interval_minutes": interval_minutes},
        "channels": {
            "chat": {
                "kind": "realtime",
                "aht_seconds": 480,
                "concurrency": 2,
                "service_level": {"percent": 80, "within_seconds": 60},
            },
            "email": {"kind": "backlog", "aht_seconds": 360, "respond_within_hours": 4},
        },
        "shrinkage": 0.2,
        "forecast": {"file": forecast_file, "timezone": "UTC", "interval_minutes": interval_minutes},
        "sites": {name: {"timezone": zone, "shifts": shifts} for name, zone in chosen},
        "contracts": {
            "full_time": {"hours_per_week": {"min": 32, "max": 40}, "max_days_per_week": 5},
            "part_time": {"hours_per_week": {"min": 16, "max": 24}, "max_days_per_week": 3},
        },
        "rules": {"min_rest_hours": 11, "max_consecutive_days": 6, "max_weekends_per_period": max(1, days // 7 - 1)},
        "agents": team,
    }


def write_team(
    directory: Path, agents: int, sites: int, start: date, days: int, interval_minutes: int = 60, seed: int = 7
) -> Path:
    """Write team.yaml and its forecast.csv (chat + email with the weekly shape) into `directory`; return the YAML path."""
    import yaml

    from coverage.outputs import write_text_atomic

    directory.mkdir(parents=True, exist_ok=True)
    peaks = {"chat": CHAT_PEAK_PER_AGENT * agents, "email": EMAIL_PEAK_PER_AGENT * agents}
    scale = interval_minutes / 60  # peaks are per hour; rows are per interval
    rows = forecast_rows(start, days, {k: v * scale for k, v in peaks.items()}, interval_minutes=interval_minutes, seed=seed)
    write_forecast_csv(directory / "forecast.csv", rows)
    data = team_data(agents, sites, start, days, interval_minutes, seed)
    return write_text_atomic(directory / "team.yaml", yaml.safe_dump(data, sort_keys=False))


@dataclass(frozen=True)
class Peak:
    """A dated uplift of every channel's volume (last year's Q4, a sale)."""

    start: date
    end: date
    factor: float


def ticket_history(
    first_day: date, weeks: int, weekly_volume: dict[str, float], noise: float = 0.1, seed: int = 7, peaks: tuple[Peak, ...] = ()
) -> list[tuple[str, str]]:
    """(created_at in UTC, channel) of every ticket in `weeks` weeks from `first_day` (UTC midnight), oldest first.

    The known shape a backtest should find: each hour's rate is the channel's
    weekly volume × `hourly_shape` (normalised over the week) × a seeded
    normal factor 1 + noise·N(0, 1) (the part no forecast can know) × the
    peaks covering the day; the count is Poisson with that rate, and each
    ticket gets a uniform minute and second inside its hour.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    shape = [hourly_shape(h % 24, h // 24) for h in range(7 * 24)]
    total = sum(shape)
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
    rows: list[tuple[str, str]] = []
    for hour in range(weeks * 7 * 24):
        instant = start + timedelta(hours=hour)
        factor = math.prod(p.factor for p in peaks if p.start <= instant.date() <= p.end)
        for channel, weekly in weekly_volume.items():
            rate = max(weekly * shape[hour % (7 * 24)] / total * (1 + noise * rng.standard_normal()), 0.0) * factor
            for _ in range(int(rng.poisson(rate))):
                offset = timedelta(seconds=int(rng.integers(0, 3600)))
                rows.append(((instant + offset).strftime("%Y-%m-%dT%H:%M:%SZ"), channel))
    rows.sort()
    return rows


def write_ticket_history(path: Path, rows: list[tuple[str, str]]) -> Path:
    """A plain history export, created_at,channel, one row per ticket (what `covplan forecast` reads without --from)."""
    return write_csv_atomic(path, ("created_at", "channel"), rows)
