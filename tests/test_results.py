"""Typed results: summary.json written from the dataclasses is byte for byte what the dict-built file was.

tests/data/summary/*-summary.json were written by the code before the
summary became a dataclass (coverage at fef4aa7), from the rosters beside
them; every key, its order and every number's spelling are the contract.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from coverage.config import load_config
from coverage.demand import requirements
from coverage.gaps import write_summary
from coverage.report import RunInfo, analyse
from coverage.results import ClockHours, RosterFigures, Summary, ViewFigures
from coverage.roster import read_roster

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "summary"
CASES = {
    "nine-to-five": (ROOT / "configs" / "nine-to-five.yaml", RunInfo("GIVEN")),
    # a workload block (written by main at ab2a926; rewritten when its hourly forecast rows stopped being read as
    # every other half hour on the 30-minute grid: 1.5 uncovered hours became the 3.0 that are uncovered)
    "fair-share": (ROOT / "configs" / "fair-share.yaml", RunInfo("GIVEN")),
    "email-mix": (
        DATA / "email-mix.yaml",
        RunInfo("FEASIBLE", 1234.5, 1000.0, 12.3456, explanations=("first reason", "second reason")),
    ),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[str, Summary]:
    config_file, run = CASES[request.param]
    config = load_config(config_file)
    roster = read_roster(DATA / f"{request.param}-roster.csv", config)
    return request.param, analyse(config, requirements(config), roster, run).summary


def test_summary_json_is_byte_identical(case: tuple[str, Summary], tmp_path: Path) -> None:
    name, digest = case
    written = write_summary(digest, tmp_path / "summary.json")
    assert written.read_bytes() == (DATA / f"{name}-summary.json").read_bytes()


def test_the_fixtures_hold_every_block() -> None:
    """The email + mix case exercises backlog, service, mix, roster and gap_explanations; nine-to-five an empty backlog and mix."""
    full = json.loads((DATA / "email-mix-summary.json").read_text())
    assert full["backlog"]["email"]["contacts_due"] > 0 and full["mix"]["chat"]["senior"]["at_least"] == 1
    assert full["service"]["chat"]["worst_intervals"] and full["roster"]["shifts"] == 398
    assert full["gap_explanations"] == ["first reason", "second reason"]
    assert json.loads((DATA / "fair-share-summary.json").read_text())["workload"]["agents"]
    plain = json.loads((DATA / "nine-to-five-summary.json").read_text())
    assert plain["backlog"] == {} and plain["mix"] == {} and "gap_explanations" not in plain


def test_attributes_read_what_the_file_says(case: tuple[str, Summary]) -> None:
    name, digest = case
    payload = json.loads((DATA / f"{name}-summary.json").read_text())
    zone = next(iter(payload["views"]))
    assert digest.first_view == zone and digest.clock is digest.views[zone]
    assert digest.clock.weekend_uncovered_hours == payload["views"][zone]["weekend_uncovered_hours"]
    assert digest.clock.per_week.overnight_uncovered_hours == payload["views"][zone]["per_week"]["overnight_uncovered_hours"]
    for channel, block in payload["backlog"].items():
        assert digest.backlog[channel].peak_at_utc == block["peak_at_utc"]
    for channel, block in payload["service"].items():
        assert digest.service[channel].target.within_seconds == block["target"]["within_seconds"]
        assert [w.interval_start_utc for w in digest.service[channel].worst_intervals] == [
            w["interval_start_utc"] for w in block["worst_intervals"]
        ]
    assert digest.roster is not None and digest.roster.shifts == payload["roster"]["shifts"]
    assert digest.total_uncovered_hours == round(sum(payload["uncovered_hours"].values()), 2)


def test_results_are_frozen() -> None:
    hours = ClockHours(1.0, 0.5, 0.25)
    with pytest.raises(dataclasses.FrozenInstanceError):
        hours.uncovered_hours = 2.0  # type: ignore[misc]


def test_optional_blocks_are_left_out_only_when_empty() -> None:
    clock = ViewFigures(3.0, 1.0, 2.0, 48.0, 56.0, ClockHours(3.0, 1.0, 2.0), {"chat": ClockHours(3.0, 1.0, 2.0)})
    bare = Summary("GIVEN", None, None, None, 1.0, {"chat": 3.0}, {"chat": 3.0}, {"UTC": clock}, {}, {}, {})
    assert list(bare.to_json()) == [
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
    ]
    assert bare.to_json()["objective"] is None  # a None figure is written as null; only the optional blocks go
    full = dataclasses.replace(bare, roster=RosterFigures(3, 24.0, ("manila-1",), 100.0), gap_explanations=("why",))
    assert full.to_json()["roster"] == {"shifts": 3, "paid_hours": 24.0, "hires": ["manila-1"], "hire_cost": 100.0}
    assert full.to_json()["gap_explanations"] == ["why"]
    assert json.loads(json.dumps(full.to_json()))["views"]["UTC"]["channels"]["chat"]["overnight_uncovered_hours"] == 2.0
