"""The tests' own builders are strict: an edit of a config that matches nothing fails instead of testing the unchanged team."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import TINY, Text, build_config, config_data

from coverage.config import load_config


def test_a_replace_that_matches_nothing_fails() -> None:
    with pytest.raises(AssertionError, match="replace matched nothing: 'min_rest_hours: 99'"):
        TINY.replace("min_rest_hours: 99", "min_rest_hours: 8")
    edited = TINY.replace("min_rest_hours: 11", "min_rest_hours: 8")
    assert isinstance(edited, Text) and "min_rest_hours: 8" in edited
    with pytest.raises(AssertionError):  # still strict after a first edit
        edited.replace("min_rest_hours: 11", "min_rest_hours: 9")


def test_a_dict_config_is_the_text_config(tmp_path: Path, make_config) -> None:
    from_text = make_config(TINY.replace("min_rest_hours: 11", "min_rest_hours: 8"))
    data = config_data()
    data["rules"]["min_rest_hours"] = 8
    folder = tmp_path / "dict"
    folder.mkdir()
    from_dict = build_config(folder, data)
    assert from_dict.rules == from_text.rules and from_dict.rules.min_rest_hours == 8
    assert from_dict.agents == from_text.agents and from_dict.plan == from_text.plan
    assert load_config(folder / "plan.yaml").views == ["America/New_York"]
