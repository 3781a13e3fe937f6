"""Gap heatmaps: the numbers drawn match gaps.csv, and the files are real pictures."""

from __future__ import annotations

from datetime import date, timedelta

import matplotlib.pyplot as plt
import pytest
from conftest import TINY  # pytest's default (prepend) import mode puts tests/ on sys.path

from coverage.config import WEEKDAYS, Config
from coverage.demand import Requirements
from coverage.gaps import GapRow, coverage_of, gap_rows
from coverage.plots import heatmap_file_name, heatmap_matrix, plot_gap_heatmap, plot_heatmaps, uncovered_matrix
from coverage.roster import Assignment, Roster
from coverage.time import local_to_utc, period_grid

MONDAY = date(2026, 12, 7)
NY = "America/New_York"
LONDON = "Europe/London"
TWO_CHANNELS = TINY.replace(
    "views: [America/New_York]", "views: [America/New_York, Europe/London]"
).replace(
    "    service_level: {percent: 80, within_seconds: 60}\n",
    "    service_level: {percent: 80, within_seconds: 60}\n"
    "  email: {kind: backlog, aht_seconds: 300, respond_within_hours: 4}\n",
)


def nine_to_five_rows(config: Config, required: dict[str, int]) -> list[GapRow]:
    """One agent on chat 09:00-17:00 New York, Monday to Friday."""
    grid = period_grid(config.plan)
    needs = Requirements(
        grid=grid,
        volume={c: [0.0] * grid.count for c in required},
        required={c: [n] * grid.count for c, n in required.items()},
    )
    shifts = []
    for k in range(5):
        day = MONDAY + timedelta(days=k)
        start = local_to_utc(day, "09:00", NY)
        shifts.append(Assignment("a1", "nyc", "chat", "day", day, start, start.add(hours=8)))
    return gap_rows(coverage_of(Roster(tuple(shifts)), needs, config), config)


@pytest.fixture
def rows(make_config) -> list[GapRow]:
    return nine_to_five_rows(make_config(TWO_CHANNELS), {"chat": 2, "email": 1})


def test_matrix_is_seven_by_twenty_four_and_matches_rows(rows):
    for view in (NY, LONDON):
        for channel in (None, "chat", "email"):
            matrix = heatmap_matrix(rows, view, channel)
            assert len(matrix) == 7 and all(len(line) == 24 for line in matrix)
            for row in rows:
                if row.view != view:
                    continue
                expected = sum(
                    r.understaffed_agent_hours
                    for r in rows
                    if r.view == view and r.weekday == row.weekday and r.hour == row.hour
                    and (channel is None or r.channel == channel)
                )
                assert matrix[WEEKDAYS.index(row.weekday)][row.hour] == expected


def test_matrix_numbers_by_hand(rows):
    # chat needs 2, one agent 09-17 NY on weekdays; email needs 1, nobody.
    ny = heatmap_matrix(rows, NY)
    assert ny[0][9] == 1 + 1  # Monday 09:00: chat short by one, email by one
    assert ny[0][8] == 2 + 1
    assert ny[5][12] == 2 + 1  # Saturday noon
    assert heatmap_matrix(rows, NY, "chat")[0][9] == 1
    assert heatmap_matrix(rows, LONDON, "chat")[0][14] == 1  # 09:00 NY = 14:00 London
    assert heatmap_matrix(rows, LONDON, "chat")[0][9] == 2
    assert sum(map(sum, heatmap_matrix(rows, NY, "chat"))) == 2 * 168 - 40
    assert sum(map(sum, heatmap_matrix(rows, NY))) == 2 * 168 - 40 + 168
    # A partly staffed hour is understaffed but not uncovered.
    assert uncovered_matrix(rows, NY, "chat")[0][9] == 0
    assert uncovered_matrix(rows, NY, "chat")[0][8] == 1


def test_heatmap_writes_png_and_svg(rows, tmp_path):
    path = plot_gap_heatmap(rows, NY, tmp_path / "gaps-ny.png")
    assert path == tmp_path / "gaps-ny.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000
    svg = path.with_suffix(".svg").read_text(encoding="utf-8")
    assert "<svg" in svg and len(svg) > 10_000
    assert not list(tmp_path.glob(".*tmp"))
    assert plt.get_fignums() == []  # the figure was closed


def test_heatmap_for_one_channel_and_svg_only(rows, tmp_path):
    path = plot_gap_heatmap(rows, LONDON, tmp_path / "email.svg", channel="email")
    assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "email" in path.read_text(encoding="utf-8") or len(path.read_bytes()) > 10_000
    assert not (tmp_path / "email.png").exists()


def test_heatmap_with_no_gaps_at_all(make_config, tmp_path):
    config = make_config()
    rows = nine_to_five_rows(config, {"chat": 0})
    assert all(v == 0 for line in heatmap_matrix(rows, NY) for v in line)
    path = plot_gap_heatmap(rows, NY, tmp_path / "quiet.png")
    assert path.stat().st_size > 10_000


def test_plot_heatmaps_one_file_per_view(make_config, rows, tmp_path):
    config = make_config(TWO_CHANNELS)
    paths = plot_heatmaps(rows, config, tmp_path / "out")
    assert paths == [tmp_path / "out" / "gaps-America_New_York.png", tmp_path / "out" / "gaps-Europe_London.png"]
    for path in paths:
        assert path.stat().st_size > 10_000
        assert path.with_suffix(".svg").is_file()
    assert heatmap_file_name("America/Argentina/Buenos_Aires") == "gaps-America_Argentina_Buenos_Aires.png"


def test_rerender_replaces_the_file(rows, tmp_path):
    target = tmp_path / "gaps.png"
    target.write_bytes(b"old")
    plot_gap_heatmap(rows, NY, target)
    assert target.read_bytes()[:4] == b"\x89PNG"
