"""Shared fixtures: tiny configurations whose answers can be worked out by hand."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import TINY, build_config, write_forecast

from coverage.config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Config]:
    """Write a config (and a forecast CSV beside it) and load it.

    `text` is YAML text, or a dict (helpers.config_data, edited by key)
    validated the same way. `forecast` is a list of (start, channel, volume)
    rows; by default an empty forecast with just the header.
    """

    def build(text: str | dict[str, Any] = TINY, forecast: list[tuple[str, str, float]] | None = None) -> Config:
        if isinstance(text, dict):
            return build_config(tmp_path, text, forecast)
        config_path = tmp_path / "plan.yaml"
        config_path.write_text(textwrap.dedent(text), encoding="utf-8")
        write_forecast(tmp_path / "forecast.csv", forecast or [])
        return load_config(config_path)

    return build
