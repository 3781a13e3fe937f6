"""Shared fixtures: tiny configurations whose answers can be worked out by hand."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from coverage.config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent

TINY = """\
plan:
  start: 2026-12-07
  days: 7
  timezone: America/New_York
  interval_minutes: 60
  time_limit_seconds: 10
  seed: 1
views: [America/New_York]
overnight: {start: "22:00", end: "06:00"}
weekend: [Sat, Sun]
shrinkage: 0.0
channels:
  chat:
    kind: realtime
    aht_seconds: 360
    service_level: {percent: 80, within_seconds: 60}
forecast:
  file: forecast.csv
  timezone: UTC
sites:
  nyc:
    timezone: America/New_York
    shifts:
      day: {start: "09:00", hours: 8}
contracts:
  full_time: {hours_per_week: {min: 0, max: 40}, max_days_per_week: 5}
rules:
  min_rest_hours: 11
  max_consecutive_days: 6
agents:
  - {id: a1, site: nyc, contract: full_time, skills: [chat]}
"""


def write_forecast(path: Path, rows: list[tuple[str, str, float]]) -> Path:
    lines = ["start,channel,volume"] + [f"{start},{channel},{volume}" for start, channel, volume in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Config]:
    """Write a YAML config (and a forecast CSV beside it) and load it.

    `forecast` is a list of (start, channel, volume) rows; by default an empty
    forecast with just the header.
    """

    def build(text: str = TINY, forecast: list[tuple[str, str, float]] | None = None) -> Config:
        config_path = tmp_path / "plan.yaml"
        config_path.write_text(textwrap.dedent(text), encoding="utf-8")
        write_forecast(tmp_path / "forecast.csv", forecast or [])
        return load_config(config_path)

    return build
