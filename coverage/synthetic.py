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


def hourly_shape(hour_utc: float, weekday: int, regions: tuple[Region, ...] = DEFAULT_REGIONS, weekend_factor: float = 0.45) -> float:
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
