"""Flexible shift templates in the config: a range of starts and of lengths, on the plan's grid."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import build_config, config_data

from coverage.config import Config
from coverage.errors import InputError


def _with_shift(tmp_path: Path, shift: dict, interval: int = 60) -> Config:
    data = config_data()
    data["plan"]["interval_minutes"] = interval
    data["sites"]["nyc"]["shifts"]["day"] = shift
    return build_config(tmp_path, data)


def test_a_range_of_starts_and_lengths_is_a_flexible_template(tmp_path: Path) -> None:
    template = _with_shift(tmp_path, {"start": "08:00-14:00", "hours": "2-8"}).sites["nyc"].shifts["day"]
    assert template.flexible
    assert (template.earliest_start, template.latest_start) == ("08:00", "14:00")
    assert (template.min_minutes, template.max_minutes, template.length_text) == (120, 480, "2-8")
    with pytest.raises(TypeError):
        template.minutes  # noqa: B018 - a flexible template has no single length; reading one is a bug


def test_a_listed_template_keeps_its_one_start_and_length(tmp_path: Path) -> None:
    template = _with_shift(tmp_path, {"start": "9:00", "hours": 8.5}).sites["nyc"].shifts["day"]
    assert not template.flexible
    assert (template.start, template.minutes, template.min_minutes, template.max_minutes) == ("09:00", 510, 510, 510)


def test_a_range_of_starts_alone_or_of_lengths_alone_is_flexible(tmp_path: Path) -> None:
    config = _with_shift(tmp_path, {"start": "08:00", "hours": "4-6"}, interval=30)
    assert config.sites["nyc"].shifts["day"].flexible
    config = _with_shift(tmp_path, {"start": "08:00-09:30", "hours": 8}, interval=30)
    assert config.sites["nyc"].shifts["day"].flexible


@pytest.mark.parametrize(
    ("shift", "interval", "where", "message"),
    [
        ({"start": "08:30-14:00", "hours": "2-8"}, 60, "sites.nyc.shifts.day.start", "08:30 is not on the plan's 60-minute grid"),
        ({"start": "08:00-14:00", "hours": "2.5-8"}, 60, "sites.nyc.shifts.day.hours", "not whole 60-minute intervals"),
        ({"start": "14:00-08:00", "hours": "2-8"}, 60, "sites.nyc.shifts.day.start", "run past midnight"),
        (
            {"start": "08:00", "hours": "8-2"},
            60,
            "sites.nyc.shifts.day.hours",
            "shortest length 8 h is longer than the longest 2 h",
        ),
        ({"start": "08:00", "hours": "two"}, 60, "sites.nyc.shifts.day.hours", "'two' is not a length"),
        ({"start": "08:00", "hours": 17}, 60, "sites.nyc.shifts.day.hours", "17 h is not a shift length"),
        ({"start": "08:00-25:00", "hours": 8}, 60, "sites.nyc.shifts.day.start", "'25:00' is not a time of day"),
        (
            {"start": "08:00-10:00", "hours": "2-8", "unpaid_break_minutes": 30},
            60,
            "sites.nyc.shifts.day",
            "a flexible shift (a range of starts or lengths) has no unpaid break yet",
        ),
    ],
)
def test_a_flexible_template_off_the_grid_or_out_of_order_is_named(
    tmp_path: Path, shift: dict, interval: int, where: str, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        _with_shift(tmp_path, shift, interval)
    text = str(caught.value)
    assert f": {where}: " in text
    assert message in text
    assert text.count("\n") == 0  # one problem, one line: no union noise from the two forms of `hours`


def test_split_shift_rules_and_a_preferred_length_are_read(tmp_path: Path) -> None:
    data = config_data()
    data["rules"].update(max_shifts_per_day=2, min_gap_hours=3)
    data["agents"][0]["preferred_hours"] = 4
    data["weights"] = {"shift_length": 7}
    config = build_config(tmp_path, data)
    assert (config.rules.max_shifts_per_day, config.rules.min_gap_hours) == (2, 3)
    assert config.agents[0].preferred_hours == 4
    assert config.weights.shift_length == 7
    assert (Config.model_fields["rules"].default.max_shifts_per_day, Config.model_fields["rules"].default.min_gap_hours) == (1, 1)


def test_a_contract_or_an_agent_may_allow_split_shifts(tmp_path: Path) -> None:
    data = config_data()
    data["contracts"]["full_time"]["max_shifts_per_day"] = 2
    data["agents"].append({"id": "a2", "site": "nyc", "contract": "full_time", "skills": ["chat"], "min_gap_hours": 4})
    config = build_config(tmp_path, data)
    first, second = (config.rules_for(agent) for agent in config.agents)
    assert (first.max_shifts_per_day, first.min_gap_hours) == (2, 1)
    assert (second.max_shifts_per_day, second.min_gap_hours) == (2, 4)
