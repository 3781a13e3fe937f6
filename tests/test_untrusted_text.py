"""Names people paste from other systems, through every output and back (issue 30).

Agent names are free text; agent, site, shift and channel ids match
``[A-Za-z0-9_.-]+``, so of the formula starts only ``-`` reaches them. Each
output must keep such text inert — no spreadsheet formula, no calendar
property or HTML element of the name's making — and our readers must give
back exactly what the user typed.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
import yaml
from helpers import runs_as_formula
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import Contentlines
from openpyxl import load_workbook
from twosites import hand_requirements, shift

from coverage.cli import main
from coverage.config import Config, load_config
from coverage.exports import read_roster_xlsx, write_calendars, write_roster_xlsx
from coverage.gaps import write_coverage_csv, write_gaps_csv
from coverage.htmlreport import render_html
from coverage.report import Analysis, RunInfo, analyse
from coverage.roster import Roster, RosterChanges, read_history, read_roster, write_changes, write_roster
from coverage.synthetic import write_forecast_csv
from coverage.windows import daily_rows, write_daily_csv, write_windows_csv

MONDAY = date(2026, 12, 7)
HOSTILE_NAMES = [
    '=HYPERLINK("http://x.example","click")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "'=already quoted",
    "O'Brien",
    'Robert"); <script>alert(1)</script>',
    '" onmouseover="alert(1)',
    "Ana <b>Souza</b> & co",
    "semi;colon, comma\\backslash",
    "\u202eevil\u202c RTL \u200f",
    "$\\foo$ price",
    "a_x0041_b",
    " padded ",
]
# Names with control characters (a tab, a line break — "crlf\r\nEND:VCALENDAR") never get this far: the config refuses
# them (tests/config/test_config.py); the CSV rule still escapes a leading tab or CR (tests/test_csvcells.py).
# Ids the config allows that a spreadsheet could misread: a leading '-', a number, OOXML's _xHHHH_ escape.
HOSTILE_IDS = ["-A1", "-2", "-cmd", ".hidden", "a_x0041_", "1e5"]


# --------------------------------------------------------------------------- a team, a roster, every writer


def team(
    folder: Path,
    agents: list[tuple[str, str]],
    *,
    site: str = "-nyc",
    template: str = "-day",
    channel: str = "-chat",
    start: date = MONDAY,
    extra: dict | None = None,
) -> Path:
    """A one-week plan.yaml (written as a user's YAML would be) with `agents` as (id, name); its forecast beside it."""
    data = {
        "plan": {
            "start": start,
            "days": 7,
            "timezone": "America/New_York",
            "interval_minutes": 60,
            "time_limit_seconds": 5,
            "seed": 1,
        },
        "views": ["America/New_York", "Asia/Manila"],
        "shrinkage": 0.0,
        "channels": {channel: {"kind": "realtime", "aht_seconds": 360, "service_level": {"percent": 80, "within_seconds": 60}}},
        "forecast": {"file": "forecast.csv"},
        "sites": {site: {"timezone": "America/New_York", "shifts": {template: {"start": "09:00", "hours": 8}}}},
        "contracts": {"full_time": {"hours_per_week": {"min": 0, "max": 40}, "max_days_per_week": 5}},
        "agents": [
            {"id": ident, "name": name, "site": site, "contract": "full_time", "skills": [channel]} for ident, name in agents
        ],
        **(extra or {}),
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    weekdays = [MONDAY + timedelta(days=k) for k in range(5)]
    rows = [(f"{day}T{hour:02d}:00:00+00:00", channel, 20.0) for day in weekdays for hour in range(14, 22)]
    write_forecast_csv(folder / "forecast.csv", rows)  # ours: the channel is escaped, load_forecast must read it back
    return path


def weekday_roster(config: Config) -> Roster:
    """Every agent on the site's only shift, Monday to Friday, on its only channel."""
    shifts = []
    for agent in config.agents:
        template = next(iter(config.sites[agent.site].shifts))
        for k in range(5):
            shifts.append(shift(config, agent.id, agent.site, template, MONDAY + timedelta(days=k), agent.skills[0]))
    return Roster(tuple(shifts))


def key(roster: Roster) -> list[tuple]:
    return sorted((a.agent, a.site, a.channel, a.shift, a.day, a.start_utc, a.end_utc) for a in roster.assignments)


def gaps_analysis(config: Config, roster: Roster) -> Analysis:
    """What a `gaps` run computes: one agent required on the only channel at every hour."""
    return analyse(config, hand_requirements(config, {next(iter(config.channels)): 1}), roster, RunInfo("GIVEN"))


def write_csvs(config: Config, roster: Roster, analysis: Analysis, out: Path) -> None:
    """Every CSV of a `plan --keep` run that can carry a name (no plots: they are slow)."""
    write_roster(roster, config, out / "roster.csv")
    moved = ((roster.assignments[4], roster.assignments[4]),)
    write_changes(RosterChanges(roster.assignments[:2], roster.assignments[2:4], moved), out / "changes.csv", config)
    write_coverage_csv(analysis.coverage, out / "coverage.csv")
    write_gaps_csv(analysis.rows, out / "gaps.csv")
    write_windows_csv(analysis.windows, out / "windows.csv")
    write_daily_csv(daily_rows(analysis.coverage, config), out / "daily.csv")


# --------------------------------------------------------------------------- checks, one per format


def assert_csvs_inert(out: Path) -> None:
    """No cell of any CSV under `out` would run as a formula when opened in a spreadsheet."""
    files = sorted(out.rglob("*.csv"))
    assert files
    for path in files:
        for number, cells in enumerate(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")), start=1):
            dangerous = [cell for cell in cells if runs_as_formula(cell)]
            assert not dangerous, f"{path.name}:{number}: {dangerous}"


def excel_text(stored: str) -> str:
    """What Excel shows for a stored string: OOXML's _xHHHH_ escapes decoded (ECMA-376 ST_Xstring)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), stored)


def workbook_names(path: Path) -> dict[str, str]:
    """{agent id: name} as Excel shows the Roster sheet, after checking that no cell anywhere is a formula."""
    with zipfile.ZipFile(path) as archive:
        for entry in archive.namelist():
            if entry.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", archive.read(entry)), f"{entry} holds a formula"
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", f"{sheet.title}!{cell.coordinate}"
    grid = book["Roster"]
    return {excel_text(r[0].value): excel_text(r[1].value) for r in grid.iter_rows(min_row=2) if r[0].value is not None}


def one_line_breaks(text: str) -> str:
    """RFC 5545 TEXT has one line break (\\n): a CR or CR LF in a name arrives as \\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


CALENDAR_PROPERTIES = {"PRODID", "VERSION", "CALSCALE", "X-WR-CALNAME"}
EVENT_PROPERTIES = {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "CATEGORIES", "DESCRIPTION"}


def assert_calendar(path: Path, name: str, roster: Roster, agent: str) -> None:
    """One property per line, none of the name's making, and the name back as typed (line breaks as \\n)."""
    data = path.read_bytes()
    assert all(b"\r" not in line and b"\n" not in line for line in data.split(b"\r\n")), "a bare line break"
    calendar = icalendar.Calendar.from_ical(data)
    assert set(calendar) == CALENDAR_PROPERTIES
    # icalendar parses an X- property it does not know as raw text: unescape its line as TEXT, as calendar apps do.
    titles = [line.parts()[2] for line in Contentlines.from_ical(data.decode("utf-8")) if line.startswith("X-WR-CALNAME")]
    assert titles == ["Shifts: " + one_line_breaks(name)]
    events = calendar.walk("VEVENT")
    shifts = roster.for_agent(agent)
    assert len(events) == len(shifts)
    for event, worked in zip(sorted(events, key=lambda e: e.decoded("DTSTART")), shifts):
        assert set(event) == EVENT_PROPERTIES
        assert str(event["SUMMARY"]) == f"{worked.shift} shift · {worked.channel}"
        assert str(event["DESCRIPTION"]).startswith(one_line_breaks(name) + f": {worked.shift} ")


class Page(HTMLParser):
    """Every element of a page, and the cell texts of each table by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "table":
            self._rows = self.tables.setdefault(dict(attrs).get("id") or "", [])
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


REPORT_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "script",
    "body",
    "h1",
    "h2",
    "h3",
    "p",
    "a",
    "section",
    "div",
    "b",
    "span",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "details",
    "summary",
    "figure",
    "img",
    "figcaption",
}


def report_names(page: str) -> dict[str, str]:
    """{agent id: name} from the report's per-agent table, after checking that no name made an element or an attribute."""
    parsed = Page()
    parsed.feed(page)
    parsed.close()
    assert {tag for tag, _ in parsed.elements} <= REPORT_TAGS
    assert [tag for tag, _ in parsed.elements].count("script") == 1  # ours, in <head>
    assert not [a for _, attrs in parsed.elements for a in attrs if a.startswith("on")]
    header, *rows = parsed.tables["agents"]
    assert header[:2] == ["agent", "name"] and all(len(row) == len(header) for row in rows)
    return {row[0]: row[1] for row in rows}


# --------------------------------------------------------------------------- the tests


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Config, Roster]:
    ids = HOSTILE_IDS + [f"n{k}" for k in range(len(HOSTILE_NAMES) - len(HOSTILE_IDS))]
    config = load_config(team(tmp_path / "team", list(zip(ids, HOSTILE_NAMES))))
    return config, weekday_roster(config)


def test_roster_csv_ids_are_text_and_read_back(hostile, tmp_path):
    config, roster = hostile
    path = write_roster(roster, config, tmp_path / "roster.csv")
    assert_csvs_inert(tmp_path)
    assert "'-A1,'-nyc,'-chat,'-day," in path.read_text(encoding="utf-8")
    assert "\n-2,'-nyc,'-chat,'-day," in path.read_text(encoding="utf-8")  # -2 is a number: written as it is
    assert key(read_roster(path, config)) == key(roster)


def test_every_csv_of_a_report_is_inert(hostile, tmp_path):
    config, roster = hostile
    write_csvs(config, roster, gaps_analysis(config, roster), tmp_path)
    assert_csvs_inert(tmp_path)


def test_workbook_cells_are_text_never_formulas(hostile, tmp_path):
    config, roster = hostile
    path = write_roster_xlsx(roster, gaps_analysis(config, roster).coverage, config, tmp_path / "roster.xlsx")
    assert workbook_names(path) == {agent.id: agent.name for agent in config.agents}
    assert key(read_roster_xlsx(path, config)) == key(roster)


def test_workbook_takes_control_characters_in_names(tmp_path):
    """openpyxl refuses them (IllegalCharacterError): the plan died after solving. OOXML's _xHHHH_ carries them."""
    names = ["bell\x07", "\x1bescape", "nul\x00l", "vertical\x0btab", "unit\x1fsep"]
    config = load_config(team(tmp_path / "team", [(f"c{k}", f"name {k}") for k in range(len(names))]))
    # A config file refuses them (tests/config/test_config.py); a Config built in Python, as a notebook may, does not.
    config = config.model_copy(update={"agents": [a.model_copy(update={"name": n}) for a, n in zip(config.agents, names)]})
    roster = weekday_roster(config)
    path = write_roster_xlsx(roster, gaps_analysis(config, roster).coverage, config, tmp_path / "roster.xlsx")
    assert workbook_names(path) == {agent.id: agent.name for agent in config.agents}


def test_calendars_keep_hostile_names_inside_one_property(hostile, tmp_path):
    config, roster = hostile
    write_calendars(roster, config, tmp_path)
    for agent in config.agents:
        assert_calendar(tmp_path / f"{agent.id}.ics", agent.name, roster, agent.id)


def test_report_html_shows_hostile_names_as_text(hostile, tmp_path):
    """Already true before issue 30 (every cell goes through html.escape); kept so it stays true."""
    config, roster = hostile
    page = render_html(config, roster, gaps_analysis(config, roster), [])
    assert report_names(page) == {agent.id: agent.name for agent in config.agents}


def test_plan_with_hostile_names_and_our_readers_on_its_roster(tmp_path):
    """One real plan, then every reader of its roster.csv: gaps on an edited copy, verify, --keep and history:."""
    agents = list(zip(["-A1", "-2", "b3"], ['=HYPERLINK("http://x.example","click")', "\u05d3\u05e0\u05d4 \u200f-2", "$\\foo$"]))
    config_path = team(tmp_path / "team", agents)
    out = tmp_path / "out"
    assert main(["plan", str(config_path), "--out", str(out), "--time-limit", "5", "--workers", "1", "--quiet"]) == 0
    config = load_config(config_path)
    assert_csvs_inert(out)
    assert workbook_names(out / "roster.xlsx") == dict(agents)
    roster = read_roster(out / "roster.csv", config)
    assert {a.agent for a in roster.assignments} <= {"-A1", "-2", "b3"} and len(roster) > 0
    for agent in {a.agent for a in roster.assignments}:
        assert_calendar(out / "calendars" / f"{agent}.ics", dict(agents)[agent], roster, agent)
    assert report_names((out / "report.html").read_text(encoding="utf-8")) == dict(agents)

    lines = (out / "roster.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    edited = tmp_path / "edited.csv"
    edited.write_text("".join(lines[:-1]), encoding="utf-8")  # a manager deleted the last shift
    assert key(read_roster(edited, config)) == key(Roster(roster.assignments[:-1]))
    assert main(["gaps", str(config_path), str(edited), "--out", str(tmp_path / "gaps")]) == 0
    assert main(["verify", str(config_path), str(out / "roster.csv")]) == 0
    kept = tmp_path / "kept"
    assert (
        main(
            [
                "plan",
                str(config_path),
                "--out",
                str(kept),
                "--keep",
                str(edited),
                "--time-limit",
                "5",
                "--workers",
                "1",
                "--quiet",
            ]
        )
        == 0
    )
    assert_csvs_inert(kept)  # changes.csv too

    later = team(tmp_path / "later", agents, start=MONDAY + timedelta(days=7), extra={"history": str(out / "roster.csv")})
    previous = read_history(load_config(later))
    assert previous is not None and key(previous) == key(roster)


def test_profile_csv_channel_round_trips(tmp_path):
    """`covplan forecast` writes profile.csv; a plan reads it back with the channel as typed."""
    config_path = team(tmp_path / "team", [("-A1", "Ana")])
    history = tmp_path / "tickets.csv"
    tickets = [f"{MONDAY + timedelta(days=k)}T{hour:02d}:30:00+00:00,-chat" for k in range(7) for hour in range(24)]
    history.write_text("created_at,channel\n" + "\n".join(tickets) + "\n", encoding="utf-8")
    assert main(["forecast", str(history), "--config", str(config_path), "--out", str(tmp_path / "fc"), "--weeks", "1"]) == 0
    assert_csvs_inert(tmp_path / "fc")
    section = yaml.safe_load((tmp_path / "fc" / "forecast.yaml").read_text(encoding="utf-8"))["forecast"]
    section["profile"] = str(tmp_path / "fc" / "profile.csv")
    config = load_config(team(tmp_path / "profiled", [("-A1", "Ana")], extra={"forecast": section}))
    assert main(["demand", str(config.source), "--out", str(tmp_path / "demand")]) == 0
    assert_csvs_inert(tmp_path / "demand")


# --------------------------------------------------------------------------- property: any printable name, any allowed id

SPECIALS = ["=", "+", "-", "@", "'", '"', ",", ";", "\\", "<", ">", "&", "\u202e", "\u200f", "$", "_x0041_", " "]
names = st.lists(st.sampled_from(SPECIALS) | st.characters(categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=14).map(
    "".join
)
# Not dots only: load_config refuses '.', '..' (a calendar file named by such an id is a folder or hidden).
ids = st.from_regex(r"-?[A-Za-z0-9_.-]{1,7}", fullmatch=True).filter(lambda ident: ident.strip(".") != "")


def test_the_ids_drawn_are_never_dots_only():
    """The property below needs ids a config accepts: a dots-only one ('.', '..') is refused (schema._check_name).

    The regex draws one about once in 2,500 ids, six ids an example: the
    property failed about one run in twenty. Derandomized, so this fails every time the filter is missing.
    """
    from hypothesis import find
    from hypothesis.errors import NoSuchExample

    with pytest.raises(NoSuchExample):
        find(ids, lambda ident: ident.strip(".") == "", settings=settings(max_examples=5000, derandomize=True, database=None))


@given(
    agents=st.lists(st.tuples(ids, names), min_size=1, max_size=3, unique_by=lambda agent: agent[0]),
    site=ids,
    template=ids,
    channel=ids,
)
@settings(max_examples=25, deadline=None, database=None)
def test_any_names_through_every_output_and_back(agents, site, template, channel):
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        config = load_config(team(out / "team", agents, site=site, template=template, channel=channel))
        roster = weekday_roster(config)
        analysis = gaps_analysis(config, roster)
        write_csvs(config, roster, analysis, out)
        assert_csvs_inert(out)
        assert key(read_roster(out / "roster.csv", config)) == key(roster)
        workbook = write_roster_xlsx(roster, analysis.coverage, config, out / "roster.xlsx")
        assert workbook_names(workbook) == dict(agents)
        assert key(read_roster_xlsx(workbook, config)) == key(roster)
        write_calendars(roster, config, out / "calendars")
        for ident, name in agents:
            assert_calendar(out / "calendars" / f"{ident}.ics", name, roster, ident)
        assert report_names(render_html(config, roster, analysis, [])) == dict(agents)
