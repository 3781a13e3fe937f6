"""Gap heatmaps: the numbers drawn match gaps.csv, and the files are real pictures."""

from __future__ import annotations

from datetime import date, timedelta

import matplotlib.pyplot as plt
import pendulum
import pytest
from helpers import TINY

from coverage.config import WEEKDAYS, Config
from coverage.demand import Requirements
from coverage.figures import heatmap_file_name, save_figure, write_heatmaps
from coverage.gaps import GapRow, coverage_of, gap_rows
from coverage.plots import heatmap_matrix, plot_gap_heatmap, uncovered_matrix
from coverage.roster import Assignment, Roster
from coverage.time import local_to_utc, period_grid

MONDAY = date(2026, 12, 7)
NY = "America/New_York"
LONDON = "Europe/London"
TWO_CHANNELS = TINY.replace("views: [America/New_York]", "views: [America/New_York, Europe/London]").replace(
    "    service_level: {percent: 80, within_seconds: 60}\n",
    "    service_level: {percent: 80, within_seconds: 60}\n  email: {kind: backlog, aht_seconds: 300, respond_within_hours: 4}\n",
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
                    if r.view == view
                    and r.weekday == row.weekday
                    and r.hour == row.hour
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
    path = save_figure(plot_gap_heatmap(rows, NY), tmp_path / "gaps-ny.png")
    assert path == tmp_path / "gaps-ny.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000
    svg = path.with_suffix(".svg").read_text(encoding="utf-8")
    assert "<svg" in svg and len(svg) > 10_000
    assert not list(tmp_path.glob(".*tmp"))
    assert plt.get_fignums() == []  # the figure was closed


def test_heatmap_for_one_channel_and_svg_only(rows, tmp_path):
    path = save_figure(plot_gap_heatmap(rows, LONDON, channel="email"), tmp_path / "email.svg")
    assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "email" in path.read_text(encoding="utf-8") or len(path.read_bytes()) > 10_000
    assert not (tmp_path / "email.png").exists()


def test_heatmap_with_no_gaps_at_all(make_config, tmp_path):
    config = make_config()
    rows = nine_to_five_rows(config, {"chat": 0})
    assert all(v == 0 for line in heatmap_matrix(rows, NY) for v in line)
    path = save_figure(plot_gap_heatmap(rows, NY), tmp_path / "quiet.png")
    assert path.stat().st_size > 10_000


def test_write_heatmaps_one_file_per_view(make_config, rows, tmp_path):
    config = make_config(TWO_CHANNELS)
    paths = write_heatmaps(rows, config, tmp_path / "out")
    assert paths == [tmp_path / "out" / "gaps-America_New_York.png", tmp_path / "out" / "gaps-Europe_London.png"]
    for path in paths:
        assert path.stat().st_size > 10_000
        assert path.with_suffix(".svg").is_file()
    assert heatmap_file_name("America/Argentina/Buenos_Aires") == "gaps-America_Argentina_Buenos_Aires.png"


def test_recurrence_markers_tell_a_weekly_hole_from_christmas(make_config, tmp_path):
    """Four weeks; nobody on Saturdays 01:00-03:00 New York every week, and on Friday 25 Dec 10:00-12:00 once."""
    from coverage.gaps import Coverage
    from coverage.plots.heatmap import DOT_AREA, SMALLEST_DOT, recurrence_markers
    from coverage.time import to_local
    from coverage.windows import cell_recurrence

    config = make_config(TINY.replace("days: 7", "days: 28"))
    grid = period_grid(config.plan)
    local = [to_local(s, NY) for s in grid.starts]
    hole = [(t.weekday() == 5 and 1 <= t.hour < 3) or (t.date() == date(2026, 12, 25) and 10 <= t.hour < 12) for t in local]
    coverage = Coverage(grid, {"chat": [1] * grid.count}, {"chat": [0 if h else 1 for h in hole]})
    cells = cell_recurrence(coverage, config, NY)
    markers = {(m.weekday, m.hour): m for m in recurrence_markers(cells)}
    assert set(markers) == {(5, 1), (5, 2), (4, 10), (4, 11)}
    weekly, christmas = markers[(5, 1)], markers[(4, 10)]
    assert (weekly.share, weekly.area, weekly.one_off) == (1.0, DOT_AREA, False)
    assert (christmas.share, christmas.area, christmas.one_off) == (0.25, max(DOT_AREA / 4, SMALLEST_DOT), True)
    assert christmas.area < weekly.area
    rows = gap_rows(coverage, config)
    path = save_figure(plot_gap_heatmap(rows, NY, recurrence=cells), tmp_path / "gaps.png")
    assert path.stat().st_size > 10_000 and plt.get_fignums() == []
    assert write_heatmaps(rows, config, tmp_path / "out", recurrence={NY: cells}) == [
        tmp_path / "out" / "gaps-America_New_York.png"
    ]


def test_rerender_replaces_the_file(rows, tmp_path):
    target = tmp_path / "gaps.png"
    target.write_bytes(b"old")
    save_figure(plot_gap_heatmap(rows, NY), target)
    assert target.read_bytes()[:4] == b"\x89PNG"


# --------------------------------------------------------------------------- the other three pictures
# Numbers behind each picture, checked against coverage.csv on the two-site week of tests/twosites.py.

import csv  # noqa: E402

from twosites import TWO_SITES, hand_requirements, two_site_roster  # noqa: E402

from coverage.gaps import write_coverage_csv  # noqa: E402
from coverage.plots import (  # noqa: E402
    follow_the_sun_profile,
    gantt_bars,
    plot_follow_the_sun,
    plot_requirement,
    plot_roster_gantt,
    requirement_series,
)
from coverage.plots.follow_the_sun import local_clock  # noqa: E402
from coverage.time import duty_slots, parse_timestamp, to_local  # noqa: E402

MANILA = "Asia/Manila"


@pytest.fixture
def week(make_config, tmp_path):
    """(config, roster, coverage, coverage.csv rows) of the two-site week."""
    config = make_config(TWO_SITES)
    roster = two_site_roster(config)
    coverage = coverage_of(roster, hand_requirements(config), config)
    path = write_coverage_csv(coverage, tmp_path / "coverage.csv")
    with path.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return config, roster, coverage, rows


def test_heatmap_numbers_are_coverage_csv_seen_from_each_view(week):
    config, _, coverage, rows = week
    heat_rows = gap_rows(coverage, config)
    for view in (NY, MANILA):
        expected = [[0.0] * 24 for _ in range(7)]
        for row in rows:
            local = to_local(parse_timestamp(row["interval_start_utc"], "UTC"), view)
            expected[local.weekday()][local.hour] += float(row["gap"])
        assert heatmap_matrix(heat_rows, view) == expected
    # By hand: nobody covers chat Mon 00:00-09:00 New York (05:00-14:00Z), and Manila's 08:00 is New York's 19:00.
    assert heatmap_matrix(heat_rows, NY)[0][0:9] == [1.0] * 9
    assert heatmap_matrix(heat_rows, NY)[0][9:17] == [0.0] * 8
    manila = heatmap_matrix(heat_rows, MANILA)
    assert manila[1][8] == 0.0  # Tue 08:00 Manila: m1 on chat
    assert manila[1][12] == 1.0  # Tue 12:00 Manila: m1's unpaid hour
    assert manila[3][8] == 1.0  # Thu 08:00 Manila: m1 answers email, nobody chat
    assert manila[0][22] == 0.0  # Mon 22:00 Manila = 09:00 New York: a1 on chat
    assert sum(map(sum, heatmap_matrix(heat_rows, MANILA))) == 112


def test_requirement_series_is_coverage_csv(week):
    _, _, coverage, rows = week
    for channel in ("chat", "email"):
        series = requirement_series(coverage, channel)
        mine = [r for r in rows if r["channel"] == channel]
        assert series.required == [int(r["required"]) for r in mine]
        assert series.scheduled == [int(r["scheduled"]) for r in mine]
        assert [s.isoformat() for s in series.starts] == [
            parse_timestamp(r["interval_start_utc"], "UTC").isoformat() for r in mine
        ]
        assert series.uncovered == [int(r["required"]) > 0 and int(r["scheduled"]) == 0 for r in mine]
    chat = requirement_series(coverage, "chat")
    assert (sum(chat.required), sum(chat.scheduled), sum(chat.uncovered)) == (168, 56, 112)
    email = requirement_series(coverage, "email")
    assert (sum(email.required), sum(email.scheduled), sum(email.uncovered)) == (0, 16, 0)


def test_follow_the_sun_numbers_by_hand(week):
    config, roster, coverage, _ = week
    profile = follow_the_sun_profile(roster, coverage, config)
    assert list(profile.sites) == ["nyc", "manila"]
    nyc, manila = profile.sites["nyc"], profile.sites["manila"]
    assert nyc == pytest.approx([5 / 7 if 14 <= h < 22 else 0 for h in range(24)])
    # Manila's 08:00-17:00 is 00:00-09:00Z with the unpaid hour 04:00-05:00Z; four days in seven.
    assert manila == pytest.approx([4 / 7 if h in (0, 1, 2, 3, 5, 6, 7, 8) else 0 for h in range(24)])
    assert profile.required == [1.0] * 24


def test_follow_the_sun_adds_up_to_coverage_csv(week):
    config, roster, coverage, rows = week
    profile = follow_the_sun_profile(roster, coverage, config)
    scheduled, required, count = [0.0] * 24, [0.0] * 24, [0] * 24
    for row in rows:
        hour = parse_timestamp(row["interval_start_utc"], "UTC").hour
        scheduled[hour] += int(row["scheduled"])
        required[hour] += int(row["required"])
        count[hour] += row["channel"] == "chat"
    assert count == [7] * 24
    for hour in range(24):
        assert sum(band[hour] for band in profile.sites.values()) == pytest.approx(scheduled[hour] / 7)
        assert profile.scheduled[hour] == pytest.approx(scheduled[hour] / 7)
        assert profile.required[hour] == pytest.approx(required[hour] / 7)


def test_local_clock_labels_follow_each_site_and_daylight_saving():
    winter, summer = pendulum.datetime(2026, 12, 7, tz="UTC"), pendulum.datetime(2026, 7, 6, tz="UTC")
    assert local_clock(MANILA, winter, 0) == "08"
    assert local_clock(NY, winter, 14) == "09"
    assert local_clock(NY, summer, 14) == "10"
    assert local_clock("Asia/Kolkata", winter, 0) == "05:30"


def test_gantt_bars_are_the_roster_and_add_up_to_coverage_csv(week):
    config, roster, coverage, rows = week
    bars = gantt_bars(roster, config)
    assert [bar.agent for bar in bars] == ["a1"] * 5 + ["m1"] * 4
    assert [bar.channel for bar in bars[5:]] == ["chat", "chat", "email", "email"]
    assert bars[0].start.isoformat() == "2026-12-07T14:00:00+00:00"
    assert bars[5].start.isoformat() == "2026-12-08T00:00:00+00:00"
    on_duty = [0] * coverage.grid.count
    for bar in bars:
        template = config.sites[bar.site].shifts[bar.shift]
        start, end = pendulum.instance(bar.start), pendulum.instance(bar.end)
        for slot in duty_slots(coverage.grid, start, end, template.unpaid_break_minutes):
            on_duty[slot] += 1
    per_interval: dict[str, int] = {}
    for row in rows:
        per_interval[row["interval_start_utc"]] = per_interval.get(row["interval_start_utc"], 0) + int(row["scheduled"])
    assert on_duty == list(per_interval.values())


def assert_real_picture(path):
    """A PNG that is more than a blank canvas, with its SVG beside it."""
    import matplotlib.image

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    pixels = matplotlib.image.imread(path)
    colours = {tuple(p) for p in pixels.reshape(-1, pixels.shape[-1])[::7].tolist()}
    assert len(colours) > 20
    svg = path.with_suffix(".svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and len(svg) > 20_000


def test_every_picture_is_written_as_png_and_svg(week, tmp_path):
    config, roster, coverage, _ = week
    written = [
        save_figure(plot_requirement(coverage, config), tmp_path / "requirement.png"),
        save_figure(plot_follow_the_sun(roster, coverage, config), tmp_path / "follow-the-sun.png"),
        save_figure(plot_roster_gantt(roster, config), tmp_path / "roster-gantt.png"),
    ]
    for path in written:
        assert_real_picture(path)
    by_channel = save_figure(plot_roster_gantt(roster, config, colour_by="channel"), tmp_path / "by-channel.svg")
    legend = by_channel.read_text(encoding="utf-8")  # matplotlib keeps each text as a comment beside its path
    assert "<!-- channel chat -->" in legend and "<!-- channel email -->" in legend and "<!-- shift day -->" not in legend
    assert "<!-- Mia Mendez · manila -->" in legend
    assert plt.get_fignums() == []
    assert not list(tmp_path.glob(".*tmp"))
    # The Gantt names agents and the legend names what the colours mean.
    svg = (tmp_path / "roster-gantt.svg").read_text(encoding="utf-8")
    assert "<!-- Ana Abel · nyc -->" in svg and "<!-- shift day -->" in svg and "<!-- shift morning -->" in svg
    assert "<!-- leave / public holiday -->" in svg
    sun = (tmp_path / "follow-the-sun.svg").read_text(encoding="utf-8")
    assert "<!-- manila -->" in sun and "<!-- UTC+08:00 -->" in sun and "<!-- UTC−05:00 -->" in sun


def test_pictures_with_an_empty_roster(week, tmp_path):
    config, _, _, _ = week
    empty = Roster(())
    coverage = coverage_of(empty, hand_requirements(config), config)
    assert follow_the_sun_profile(empty, coverage, config).sites == {"nyc": [0.0] * 24, "manila": [0.0] * 24}
    assert gantt_bars(empty, config) == []
    for path in (  # SVG only: quicker, and as good a proof that drawing an empty roster works
        save_figure(plot_requirement(coverage, config), tmp_path / "r.svg"),
        save_figure(plot_follow_the_sun(empty, coverage, config), tmp_path / "f.svg"),
        save_figure(plot_roster_gantt(empty, config), tmp_path / "g.svg"),
    ):
        assert path.stat().st_size > 10_000 and not path.with_suffix(".png").exists()


def test_an_agent_name_is_drawn_as_written_dollar_signs_and_all(week, tmp_path):
    """`$...$` is matplotlib's math mode: a name such as `$\\frac$` stopped the report after the search (exit 3)."""
    config, roster, _, _ = week
    agents = [a.model_copy(update={"name": "Jo $\\frac$ Doe"}) if a.name == "Ana Abel" else a for a in config.agents]
    svg = save_figure(plot_roster_gantt(roster, config.model_copy(update={"agents": agents})), tmp_path / "gantt.svg").read_text(
        encoding="utf-8"
    )
    assert "<!-- Jo $\\frac$ Doe · nyc -->" in svg


def test_plots_draw_on_the_axes_and_figures_they_are_given_and_write_nothing(week, tmp_path, monkeypatch):
    """As in a notebook: two pictures side by side on one figure of the caller's, shown inline, no file anywhere."""
    from matplotlib.figure import Figure

    config, roster, coverage, _ = week
    before = set(tmp_path.iterdir())  # the week's own files
    monkeypatch.chdir(tmp_path)
    rows = gap_rows(coverage, config)
    fig = Figure(figsize=(20, 5))
    left, right = fig.subplots(1, 2)
    assert plot_gap_heatmap(rows, NY, ax=left) is left and plot_roster_gantt(roster, config, ax=right) is right
    assert left.get_title().startswith("Understaffed agent-hours by local weekday and hour — America/New_York")
    assert [label.get_text() for label in right.get_yticklabels()][0] == "Ana Abel · nyc"
    panels = Figure()
    assert plot_requirement(coverage, config, fig=panels) is panels and len(panels.axes) == len(coverage.channels)
    assert plot_follow_the_sun(roster, coverage, config, fig=Figure()).axes[-1].get_ylabel() == "all sites\nagents"
    assert set(tmp_path.iterdir()) == before
