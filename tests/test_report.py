"""write_report end to end: every file, report.html's content, the terminal summary, and a real browser.

The browser test opens report.html in headless Chromium (Debian's `chromium`).
Outside CI it is skipped when Chromium is not installed; in CI (CI=true)
a missing Chromium is a failure, so the test can never silently stop running.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from twosites import MONDAY, TWO_SITES, hand_requirements, shift, two_site_roster

from coverage.report import RunInfo, print_summary, write_report
from coverage.roster import Roster
from coverage.time import local_to_utc
from coverage.workload import agent_loads

STAMP = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
NY = "America/New_York"
PLOTS = ["gaps-America_New_York.png", "gaps-Asia_Manila.png", "requirement.png", "follow-the-sun.png", "roster-gantt.png"]


class Tables(HTMLParser):
    """Every <table id=...> of a page as rows of cell texts; and the <body> attributes."""

    def __init__(self, text: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.body: dict[str, str] = {}
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body = {k: v or "" for k, v in attrs.items()}
        elif tag == "table" and attrs.get("id"):
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The report of the two-site week (tests/twosites.py), written once for the module."""
    from conftest import write_forecast

    from coverage.config import load_config

    folder = tmp_path_factory.mktemp("week")
    (folder / "plan.yaml").write_text(TWO_SITES, encoding="utf-8")
    write_forecast(folder / "forecast.csv", [])
    config = load_config(folder / "plan.yaml")
    roster = two_site_roster(config)
    out = folder / "out"
    report = write_report(out, config, hand_requirements(config), roster, RunInfo("OPTIMAL", 123.0, 120.0, 1.5), stamp=STAMP)
    return config, roster, out, report


def test_every_output_file_is_written(written):
    _, _, out, report = written
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    expected = {
        "coverage.csv",
        "gaps.csv",
        "windows.csv",
        "daily.csv",
        "summary.json",
        "report.html",
        "roster.xlsx",
        "calendars/a1.ics",
        "calendars/m1.ics",
    }
    expected |= {name for plot in PLOTS for name in (plot, plot.replace(".png", ".svg"))}
    assert names == sorted(expected)
    assert sorted(str(p.relative_to(out)) for p in report.files) == sorted(expected)
    for plot in PLOTS:
        assert (out / plot).stat().st_size > 20_000 and (out / plot.replace(".png", ".svg")).stat().st_size > 20_000
    digest = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert digest["uncovered_hours"] == {"chat": 112, "email": 0}
    assert digest["coverage_ratio"] == round(56 / 168, 4)


def test_report_html_is_self_contained(written):
    _, _, out, _ = written
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "://" not in html  # no link, script or font from anywhere (':' is not a base64 character)
    assert "<link" not in html and "@import" not in html
    images = re.findall(r'<img class="plot" alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)">', html)
    assert len(images) == len(PLOTS)
    assert [base64.b64decode(data) for data in images] == [(out / plot).read_bytes() for plot in PLOTS]
    assert "<h3>Gap heatmap — America/New_York</h3>" in html and "<h3>Gap heatmap — Asia/Manila</h3>" in html


def test_report_html_tables(written):
    config, _, out, report = written
    tables = Tables((out / "report.html").read_text(encoding="utf-8")).tables
    assert tables["summary"][1:] == [
        ["chat", "168", "56", "56", "33.3%", "112", "112"],
        ["email", "0", "16", "0", "100.0%", "0", "0"],
    ]
    # Clock hours per view, each on its own clock (hand-counted in tests/twosites.py's terms): New York's weekend is
    # all uncovered; its nights 22:00-06:00 lose 5 h to m1 on two nights (23:00 is her break). Manila is 13 h ahead:
    # its weekend runs Fri 11:00 to Sun 11:00 New York (a1 covers Friday 11:00-17:00), its nights are 09:00-17:00 New York.
    assert tables["view-clock"][1:] == [
        ["America/New_York", "112", "112", "48", "48", "48", "46", "56", "46"],
        ["Asia/Manila", "112", "112", "42", "48", "42", "16", "56", "16"],
    ]
    assert tables["agents"][1:] == [
        ["a1", "Ana Abel", "nyc", "full_time", "5", "40", "0", "0", "chat 5"],
        ["m1", "Mia Mendez", "manila", "full_time", "4", "32", "0", "0", "chat 2, email 2"],
    ]
    # The weekend: Friday 17:00 New York (22:00Z) to the end of the period, Monday 00:00 New York.
    uncovered_ny = tables["windows-uncovered-America_New_York"]
    # Overnight 22:00-06:00: Friday 2 h, Saturday 8, Sunday 8.
    assert uncovered_ny[1] == [
        "Fri 11 Dec 17:00–Mon 14 Dec 00:00 America/New_York",
        "chat",
        "once (the period's last day)",
        "55",
        "48",
        "18",
        "55",
    ]
    assert uncovered_ny[4] == [
        "Mon 07 Dec 00:00–09:00 America/New_York",
        "chat",
        "once (the period's first day)",
        "9",
        "0",
        "6",
        "9",
    ]
    assert len(uncovered_ny) - 1 == min(
        15, sum(1 for w in report.windows if w.kind == "uncovered" and w.view == "America/New_York")
    )
    assert ["min_rest_hours", "11"] in tables["rules"] and ["max_weekends_per_period", "no limit"] in tables["rules"]
    assert ["full_time", "hours_per_week", "min 0, max 40"] in tables["contracts"]
    daily = tables["daily-America_New_York"]
    assert daily[0] == ["date", "chat ratio", "chat uncovered h", "email ratio", "email uncovered h"]
    # Monday in New York: a1 09:00-17:00, and m1's Tuesday in Manila starts 19:00 Monday New York (break 23:00).
    assert daily[1][:3] == ["Mon 2026-12-07", "50.0%", "12"]
    assert len(daily) == 1 + config.plan.days


def test_terminal_summary_plain_and_rich(written):
    _, _, _, report = written
    plain = io.StringIO()
    print_summary(report, plain)  # a StringIO is no terminal: plain lines
    assert plain.getvalue() == report.text + "\n"
    assert "worst uncovered windows in America/New_York:" in report.text
    assert "  Fri 11 Dec 17:00–Mon 14 Dec 00:00 America/New_York, once (the period's last day), chat  (55 h)" in report.text
    fancy = io.StringIO()
    print_summary(report, fancy, rich=True)
    text = fancy.getvalue()
    assert "\x1b[" in text  # colours
    for title in (
        "Uncovered clock hours, each view on its own clock",
        "Coverage by channel",
        "Worst uncovered windows — America/New_York",
    ):
        assert title in text
    assert "Fri 11 Dec 17:00–Mon 14 Dec 00:00 America/New_York" in text and "once (the period's last day)" in text


def test_nights_and_weekends_per_agent(make_config):
    text = TWO_SITES.replace("agents:\n", 'night_shift: {start: "22:00", end: "06:00", min_hours: 2}\nagents:\n')
    text = text.replace(
        'day: {start: "09:00", hours: 8}', 'day: {start: "09:00", hours: 8}\n      late: {start: "16:00", hours: 8}'
    )
    config = make_config(text)
    saturday, sunday = MONDAY + timedelta(days=5), MONDAY + timedelta(days=6)
    roster = Roster(
        (
            shift(config, "a1", "nyc", "late", MONDAY, "chat"),  # 16:00-24:00: two hours in 22:00-06:00, a night
            shift(config, "a1", "nyc", "day", saturday, "chat"),
            shift(config, "a1", "nyc", "day", sunday, "chat"),  # the same weekend: counted once
            shift(config, "m1", "manila", "morning", date(2026, 12, 12), "email"),
        )
    )
    loads = {load.agent: load for load in agent_loads(roster, config)}
    assert (loads["a1"].shifts, loads["a1"].paid_hours, loads["a1"].nights, loads["a1"].weekends) == (3, 24, 1, 1)
    assert (loads["m1"].shifts, loads["m1"].paid_hours, loads["m1"].nights, loads["m1"].weekends) == (1, 8, 0, 1)
    assert loads["m1"].channels == {"email": 1}


# --------------------------------------------------------------------------- the browser

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str:
    """Path of Chromium; skip outside CI when it is missing, fail in CI."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("chromium is not installed in CI (.ci/run installs Debian's chromium package)")
    pytest.skip("chromium is not installed (apt-get install -y chromium); CI runs this test")


def browse(browser: str, page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [browser, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def test_report_renders_in_a_browser(written, tmp_path):
    browser = chromium()
    _, _, out, _ = written
    page = out / "report.html"
    done = browse(browser, page, tmp_path / "profile-dom", "--virtual-time-budget=10000", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = Tables(done.stdout)
    # The page's own script counted the pictures the browser decoded.
    assert dom.body.get("data-plots-total") == str(len(PLOTS))
    assert dom.body.get("data-plots-rendered") == str(len(PLOTS))
    assert dom.tables["summary"][1][0] == "chat"
    assert [row[0] for row in dom.tables["agents"][1:]] == ["a1", "m1"]
    assert {"rules", "contracts", "view-totals", "windows-uncovered-Asia_Manila", "daily-Asia_Manila"} <= set(dom.tables)

    shot = tmp_path / "report.png"
    done = browse(browser, page, tmp_path / "profile-shot", "--window-size=1280,2400", f"--screenshot={shot}")
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (2400, 1280)
    colours = {tuple(p) for p in (pixels.reshape(-1, pixels.shape[-1])[::11] * 255).astype(int).tolist()}
    assert len(colours) > 200  # text alone is a few greys; the heatmap brings the colours
    if os.environ.get("COVPLAN_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["COVPLAN_KEEP_SCREENSHOT"])


def test_a_missing_browser_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium is not installed in CI"):
        chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        chromium()


# --------------------------------------------------------------------------- one clock per answer

ONE_CLOCK = (
    TWO_SITES.replace("views: [America/New_York, Asia/Manila]", "views: [America/New_York, Europe/Dublin]")
    .replace("respond_within_hours: 4", "respond_within_hours: 1")
    .replace("days: 7", "days: 14")
    .replace(
        "  - {id: m1, name: Mia Mendez, site: manila, contract: full_time, skills: [chat, email], leave: [2026-12-14]}",
        "  - {id: e1, name: Eli Ennis, site: nyc, contract: full_time, skills: [email]}",
    )
    .replace(
        '  manila:\n    timezone: Asia/Manila\n    shifts:\n      morning: {start: "08:00", hours: 9, unpaid_break_minutes: 60}\n',
        "",
    )
)


def one_clock_week(make_config):
    """Two weeks. Chat is needed 09:00-20:00 New York on weekdays (a1 works 09:00-17:00); one email arrives at 18:00
    New York each weekday with an hour's deadline, and e1 answers email 09:00-17:00. So 17:00-20:00 New York
    (22:00-01:00 Dublin) is uncovered every weekday, for chat and for email."""
    from coverage.demand import requirements

    rows = []
    for k in range(14):
        day = MONDAY + timedelta(days=k)
        if day.weekday() < 5:
            rows += [(local_to_utc(day, f"{h:02d}:00", NY).strftime("%Y-%m-%dT%H:%M:%S"), "chat", 1) for h in range(9, 20)]
            rows.append((local_to_utc(day, "18:00", NY).strftime("%Y-%m-%dT%H:%M:%S"), "email", 1))
    config = make_config(ONE_CLOCK, rows)
    days = [MONDAY + timedelta(days=k) for k in range(14) if (MONDAY + timedelta(days=k)).weekday() < 5]
    roster = Roster(
        tuple(
            [shift(config, "a1", "nyc", "day", d, "chat") for d in days]
            + [shift(config, "e1", "nyc", "day", d, "email") for d in days]
        )
    )
    return config, requirements(config), roster


def test_every_time_of_the_summary_is_on_the_first_view_clock(make_config, tmp_path):
    from coverage.solve.gaps_why import explain_gaps

    config, needs, roster = one_clock_week(make_config)
    why = explain_gaps(config, needs, roster)
    report = write_report(tmp_path / "out", config, needs, roster, RunInfo("GIVEN", explanations=tuple(why)), stamp=STAMP)
    text = report.text
    assert "  Mon–Fri 17:00–20:00 America/New_York, every week, chat and email  (30 h)" in text
    # The email queue: each 18:00 arrival waits for e1's 09:00 the next working day, 15 h later counted from interval
    # start to interval start; Friday's waits 63 h (Fri 18:00 to Mon 09:00), the last Friday's is still waiting at the end.
    # The first peak is the end of Monday's 18:00 interval; the queue is empty at the end of Tuesday's 09:00 interval.
    assert (
        "email (answer within 1 h): 10 contacts due, 0.0% answered in time, 10 late (up to 63 h past the deadline), "
        "1 still late at the period's end; the queue peaks at 1 waiting, Mon 07 Dec 19:00, empty again Tue 08 Dec 10:00 "
        "(America/New_York)"
    ) in text
    # The fix: of the 8-hour starts 12:00..17:00 that reach 17:00-20:00, 12:00-14:00 have no overnight hour; the latest is chosen.
    assert [str(line) for line in why] == [
        "Mon–Fri 17:00–20:00 America/New_York, every week, chat and email: no shift template at any site is on duty then "
        "(breaks included) — an 8-hour shift at nyc starting 14:00 America/New_York would reach them",
    ]
    lines = text.splitlines()
    # Dublin shows up once, in its own clock-hours line, and never lends a time to a line: 22:00 and 01:00 are Dublin's.
    assert [line for line in lines if "Europe/Dublin" in line] == [
        next(line for line in lines if line.startswith("  Europe/Dublin"))
    ]
    assert "22:00" not in text and "01:00" not in text
    assert next(line for line in lines if line.startswith("uncovered clock hours")) == lines[2]  # the clock hours lead
    assert (
        lines[3]
        == "  America/New_York  30.00 h (15.00 a week)   weekend 0.00 of 96 h (0.00 a week)   overnight 0.00 of 112 h (0.00 a week)"
    )
    assert (
        lines[4]
        == "  Europe/Dublin     30.00 h (15.00 a week)   weekend 2.00 of 96 h (1.00 a week)   overnight 30.00 of 112 h (15.00 a week)"
    )


def test_report_html_speaks_each_view_on_its_own_clock_with_the_why_beside(make_config, tmp_path):
    from coverage.solve.gaps_why import explain_gaps

    config, needs, roster = one_clock_week(make_config)
    why = explain_gaps(config, needs, roster)
    write_report(tmp_path / "out", config, needs, roster, RunInfo("GIVEN", explanations=tuple(why)), stamp=STAMP)
    tables = Tables((tmp_path / "out" / "report.html").read_text(encoding="utf-8")).tables
    ny, dublin = tables["windows-uncovered-America_New_York"], tables["windows-uncovered-Europe_Dublin"]
    assert ny[0][-1] == "why it stays open — what would close it"
    assert ny[1] == [
        "Mon–Fri 17:00–20:00 America/New_York",
        "chat and email",
        "every week",
        "30",
        "0",
        "0",
        "30",
        "no shift template at any site is on duty then (breaks included) — an 8-hour shift at nyc starting 14:00 "
        "America/New_York would reach them",
    ]
    # Dublin sees the same 30 hours from 22:00 to 01:00 the next day: all overnight there, and Friday night runs into
    # Saturday (1 h of weekend, twice). No why column: the why-lines speak the first view.
    assert dublin[1] == ["Mon–Fri 22:00–01:00 next day Europe/Dublin", "chat and email", "every week", "30", "2", "30", "30"]
    assert tables["view-clock"][1][:2] == ["America/New_York", "30"] and tables["view-clock"][2][:2] == ["Europe/Dublin", "30"]
    assert tables["backlog"][1] == ["email", "1", "10", "0.0%", "10", "63", "1", "Mon 07 Dec 19:00", "Tue 08 Dec 10:00", "1"]
    with (tmp_path / "out" / "windows.csv").open(encoding="utf-8") as stream:
        rows = [r for r in csv.DictReader(stream) if r["kind"] == "uncovered"]
    assert [(r["view"], r["window"], r["channels"], r["recurrence"]) for r in rows] == [
        ("America/New_York", "Mon–Fri 17:00–20:00", "chat and email", "every week"),
        ("Europe/Dublin", "Mon–Fri 22:00–01:00 next day", "chat and email", "every week"),
    ]
