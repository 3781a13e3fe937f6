"""Hypothesis strategies and checks of the property tests: random valid teams, broken configs, forecasts, rosters and bytes.

Shared by tests/test_properties.py, tests/test_fuzz.py and benchmarks/fuzz.py (which drives PROPERTIES for much longer).
"""

from __future__ import annotations

import contextlib
import copy
import re
import signal
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from coverage.cli import main

ZONES = ["America/New_York", "Europe/Dublin", "Asia/Manila", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe"]


FIRST_DAY = date(2026, 10, 19)  # three weeks from here cross the EU (25 Oct) and US (1 Nov) clock changes


EXAMPLE_SECONDS = 30  # one example taking longer than this is a hang, whatever the machine's load


QUICK = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail instead of hanging: SIGALRM raises inside the example after `seconds`."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"one example ran longer than {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def clocks(draw: st.DrawFn) -> str:
    return f"{draw(st.integers(0, 23)):02d}:{draw(st.sampled_from([0, 15, 30, 45])):02d}"


@st.composite
def teams(draw: st.DrawFn, minimums: bool = True) -> tuple[dict[str, Any], list[tuple[str, str, float]]]:
    """A small valid team (1-2 sites, 1-4 agents, 2-8 days) and its forecast rows.

    With `minimums=False` no rule asks for a minimum of hours, so working no
    shift at all is a valid roster and the solver must always find one.
    """
    days = draw(st.integers(2, 8))
    start = FIRST_DAY + timedelta(days=draw(st.integers(0, 20)))
    interval = draw(st.sampled_from([60, 30, 15]))
    channels = {
        "chat": {
            "kind": "realtime",
            "aht_seconds": draw(st.sampled_from([240, 480])),
            "service_level": {"percent": 80, "within_seconds": 60},
        }
    }
    if draw(st.booleans()):
        channels["email"] = {"kind": "backlog", "aht_seconds": 300, "respond_within_hours": draw(st.sampled_from([1, 4]))}
    sites = {}
    for k in range(draw(st.integers(1, 2))):
        shifts = {}
        for m in range(draw(st.integers(1, 3))):
            hours = draw(st.sampled_from([4, 6, 7.5, 8, 9, 10, 12]))
            shift: dict[str, Any] = {"start": draw(clocks()), "hours": hours}
            if draw(st.booleans()):
                shift["unpaid_break_minutes"] = draw(st.sampled_from([15, 30, 60]))
            shifts[f"s{m}"] = shift
        site: dict[str, Any] = {"timezone": draw(st.sampled_from(ZONES)), "shifts": shifts}
        if draw(st.integers(0, 4)) == 0:
            site["holidays"] = draw(st.sampled_from(["US", "IE", "PH"]))
        sites[f"site{k}"] = site
    low = [0, 8, 16] if minimums else [0]
    contracts = {
        f"c{k}": {
            "hours_per_week": {"min": draw(st.sampled_from(low)), "max": draw(st.sampled_from([16, 24, 40, 48]))},
            "max_days_per_week": draw(st.integers(1, 6)),
        }
        for k in range(draw(st.integers(1, 2)))
    }
    rules = {
        "min_rest_hours": draw(st.sampled_from([0, 8, 11, 12])),
        "max_consecutive_days": draw(st.integers(1, 6)),
        "min_consecutive_days_off": draw(st.integers(1, 2)),
    }
    if draw(st.booleans()):
        rules["max_weekends_per_period"] = draw(st.integers(0, 2))
    if draw(st.booleans()):
        rules["max_nights_per_week"] = draw(st.integers(0, 3))
    if draw(st.integers(0, 3)) == 0:
        rules["max_nights_per_period"] = draw(st.integers(0, 4))
    if draw(st.integers(0, 2)) == 0:
        names = sorted({name for site in sites.values() for name in site["shifts"]})
        rules["forbidden_successions"] = [[draw(st.sampled_from(names)), draw(st.sampled_from(names))]]
    if draw(st.integers(0, 3)) == 0:
        rules["hours_per_period"] = {"min": 0, "max": draw(st.sampled_from([8, 20, 40]))}
    agents = []
    for k in range(draw(st.integers(1, 4))):
        site_name = draw(st.sampled_from(sorted(sites)))
        agent: dict[str, Any] = {
            "id": f"a{k}",
            "site": site_name,
            "contract": draw(st.sampled_from(sorted(contracts))),
            "skills": draw(st.lists(st.sampled_from(sorted(channels)), min_size=1, max_size=2, unique=True)),
        }
        if draw(st.booleans()):
            agent["shifts"] = draw(st.lists(st.sampled_from(sorted(sites[site_name]["shifts"])), min_size=1, unique=True))
        if draw(st.booleans()):
            agent["leave"] = [start + timedelta(days=draw(st.integers(0, days - 1)))]
        if draw(st.integers(0, 3)) == 0:
            agent["days_off"] = [draw(st.sampled_from(["Sat", "Sun", "Mon"]))]
        if draw(st.integers(0, 4)) == 0:
            agent["employment_start"] = start + timedelta(days=draw(st.integers(0, days - 1)))
        agent["works_holidays"] = draw(st.booleans())
        agents.append(agent)
    config = {
        "plan": {
            "start": start,
            "days": days,
            "timezone": draw(st.sampled_from(ZONES)),
            "interval_minutes": interval,
            "time_limit_seconds": 5,
            "seed": 1,
            "workers": 1,
        },
        "views": draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=2, unique=True)),
        "channels": channels,
        "forecast": {"file": "forecast.csv", "timezone": "UTC"},
        "sites": sites,
        "contracts": contracts,
        "rules": rules,
        "agents": agents,
    }
    # Demand in some UTC hours of every day (a day either side too: rows outside the period are ignored).
    busy_hours = draw(st.sets(st.integers(0, 23), min_size=8, max_size=24))
    volume = {channel: draw(st.sampled_from([1, 3, 8, 20, 0])) for channel in channels}
    origin = f"{start - timedelta(days=1)}T00:00:00+00:00"
    rows = [
        (_shift_hours(origin, 24 * day + hour), channel, volume[channel])
        for day in range(days + 2)
        for hour in sorted(busy_hours)
        for channel in channels
    ]
    return config, rows


def _shift_hours(origin: str, hours: int) -> str:
    day, hour = divmod(hours, 24)
    first = date.fromisoformat(origin[:10]) + timedelta(days=day)
    return f"{first}T{hour:02d}:00:00+00:00"


def write_team(folder: Path, config: dict[str, Any] | str, rows: list[tuple[str, str, float]] | str) -> Path:
    """config.yaml and forecast.csv in `folder` (dicts and rows are dumped; text is written as is)."""
    text = config if isinstance(config, str) else yaml.safe_dump(config, sort_keys=False)
    csv = rows if isinstance(rows, str) else "start,channel,volume\n" + "".join(f"{s},{c},{v}\n" for s, c, v in rows)
    (folder / "forecast.csv").write_text(csv, encoding="utf-8")
    path = folder / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _solve_and_check(config_path: Path, expect_roster: bool) -> None:
    from coverage.check import check_roster
    from coverage.config import load_config
    from coverage.demand import requirements
    from coverage.solve import SolveOptions, solve

    config = load_config(config_path)
    result = solve(
        config, requirements(config), SolveOptions(time_limit_seconds=5, seed=1, workers=1, progress=None, explain=False)
    )
    event(f"status {result.status}, {'no' if not result.roster else 'some'} shifts")
    if expect_roster:
        assert result.roster is not None, (result.status, result.reasons)
    if result.roster is not None:
        assert [str(v) for v in check_roster(result.roster, config)] == []
    else:
        assert result.status in ("INFEASIBLE", "UNKNOWN"), result.status


def check_team(team: tuple[dict[str, Any], list[tuple[str, str, float]]], expect_roster: bool = False) -> None:
    with tempfile.TemporaryDirectory() as folder, within(EXAMPLE_SECONDS):
        _solve_and_check(write_team(Path(folder), *team), expect_roster)


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["07:00", "25:99", "2026-02-30", "*", "&", "!!python/object", "", " ", "\t"]),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def config_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a nested dict/list document."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += config_paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += config_paths(value, prefix + (index,))
    return found


_DATES = st.builds(
    lambda y, m, d, short: f"{y:04d}-{m}-{d}" if short else f"{y:04d}-{m:02d}-{d:02d}",
    st.integers(0, 9999),
    st.integers(0, 19),
    st.integers(0, 39),
    st.booleans(),
)


_TIMESTAMPS = st.builds(
    lambda day, sep, h, m, sec, zone: f"{day}{sep}{h:02d}:{m:02d}:{sec:02d}{zone}",
    st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)),
    st.sampled_from(["T", "t", " "]),
    st.integers(0, 29),
    st.integers(0, 69),
    st.integers(0, 69),
    st.sampled_from(["", "Z", "+00:00", "-05:30", "+25:00", " +5", ".123456789", " -23:99"]),
)


def _spell_int(number: int, how: str) -> str:
    sign, size = ("-" if number < 0 else ""), abs(number)
    if how == "base 60":
        return f"{sign}{size // 3600 or 1}:{size // 60 % 60:02d}:{size % 60:02d}"
    return {
        "hex": f"{sign}0x{size:x}",
        "octal": f"{sign}0{size:o}",
        "binary": f"{sign}0b{size:b}",
        "underscores": f"{number:_}",
    }.get(how, str(number))


_INTEGERS = st.builds(
    _spell_int, st.integers(-(10**6), 10**25), st.sampled_from(["decimal", "hex", "octal", "binary", "underscores", "base 60"])
)


_FLOATS = st.one_of(
    st.sampled_from(
        [
            ".inf",
            "-.inf",
            "+.Inf",
            ".nan",
            ".NaN",
            "1e3",
            "1.0e+3",
            "1.5e+400",
            "-2.0e-400",
            "1_000.5",
            "1:30.5",
            "._",
            "1.",
            ".5",
            "0.0",
        ]
    ),
    st.builds(lambda k: "1" + ":00" * k + ".5", st.integers(1, 200)),  # base-60 floats, up to beyond a float's range
)


_WORDS = st.sampled_from(
    ["yes", "no", "on", "off", "y", "n", "Yes", "NO", "True", "FALSE", "true", "~", "null", "Null", "NULL", "", "=", "<<"]
)


_TAGGED = st.builds(
    lambda tag, text: f"{tag} {text}",
    st.sampled_from(
        [
            "!!int",
            "!!float",
            "!!bool",
            "!!null",
            "!!str",
            "!!timestamp",
            "!!binary",
            "!!set",
            "!!omap",
            "!!pairs",
            "!!map",
            "!!seq",
            "!!merge",
            "!!value",
            "!shift",
            "!!python/object:os.system",
            "!<tag:yaml.org,2002:int>",
        ]
    ),
    st.sampled_from(
        ["abc", "''", "7", "-", "[1, 2]", "{a: 1}", "2026-02-30", "2026-12-07", "aGVsbG8=", "ü", "0x_", "[a: 1, b: 2]", "{a, b}"]
    ),
)


_STRUCTURES = st.sampled_from(
    [
        "!!set {a, b}",
        "!!omap [a: 1, b: 2]",
        "!!pairs [a: 1, a: 2]",
        "{<<: {a: 1}, b: 2}",
        "{<<: [{a: 1}, {a: 2}], a: 3}",
        "{<<: 5}",
        "{<<: [5]}",
        "{a: 1, a: 2}",
        "{1: a, 0x1: b}",
        "{~: a, null: b}",
        "[[a, b]]",
        "{[a, b]: 1}",
        "&anchor 5",
        "[&one 1, *one]",
        "*nowhere",
        "[2026-12-07, 2026-02-30]",
        "{from: 2026-12-07, to: 2026-12-31}",
        "{start: 2026-12-07T10:00:00Z}",
    ]
)


YAML_VALUES = st.one_of(_DATES, _TIMESTAMPS, _INTEGERS, _FLOATS, _WORDS, _TAGGED, _STRUCTURES)


YAML_KEYS = st.one_of(
    st.sampled_from(
        [
            "0x1",
            "1",
            "01",
            "1.0",
            "~",
            "null",
            "yes",
            "true",
            "[a, b]",
            "{a: 1}",
            "!!binary aGk=",
            "!!int x",
            ".nan",
            "<<",
            "=",
            "? x",
        ]
    ),
    _DATES,
    _INTEGERS,
)


def _mutate(document: dict[str, Any], path: tuple[Any, ...], how: str, junk: Any) -> None:
    parent: Any = document
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "replace":
        parent[last] = junk
    elif how == "extra" and isinstance(parent, dict):
        parent[f"{last}_typo"] = junk
    elif how == "extra":
        parent.append(junk)
    elif how == "rename" and isinstance(parent, dict):
        parent[junk] = parent.pop(last)
    elif how == "twin" and isinstance(parent, dict):
        parent[junk] = parent[last]


@st.composite
def broken_configs(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, float]], str | None]:
    """A valid team with 1-3 values or keys replaced, deleted or added — or its YAML text garbled.

    Replacements are Python junk (dumped, so quoted as YAML needs) or YAML's own values written
    as text at that spot (`start: 2026-02-30`, `days: 0x1F`, `views: !!set {a}`); keys are
    renamed to YAML-typed keys or given twice. The third item is a one-shift roster for some
    teams: a config that passes `check` then goes through `covplan gaps`, which reads what
    only the report, plots and exports read.
    """
    config, rows = draw(teams())
    first = config["agents"][0]
    shift = sorted(config["sites"][first["site"]]["shifts"])[0]
    roster = f"agent,shift,date\n{first['id']},{shift},{config['plan']['start']}\n" if draw(st.integers(0, 9)) == 0 else None
    if draw(st.integers(0, 3)) == 0:
        return _garble(draw, yaml.safe_dump(config, sort_keys=False)), rows, roster
    texts: dict[str, str] = {}  # placeholder -> YAML text written in its place
    for _ in range(draw(st.integers(1, 3))):
        paths = config_paths(config)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["delete", "replace", "extra", "yaml", "yaml", "rename", "twin"]))
        if how in ("yaml", "rename", "twin"):
            placeholder = f"yamlplaceholder{len(texts)}x"
            twin = draw(st.sampled_from(["{}", "'{}'", '"{}"'])).format(path[-1])  # the same key, spelt again
            texts[placeholder] = {"yaml": draw(YAML_VALUES), "rename": draw(YAML_KEYS), "twin": twin}[how]
            _mutate(config, path, "replace" if how == "yaml" else how, placeholder)
        else:
            _mutate(config, path, how, draw(JUNK))
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    for placeholder, written in texts.items():
        text = text.replace(placeholder, written)
    return text, rows, roster


def _garble(draw: st.DrawFn, text: str) -> str:
    """Text-level damage a hand edit or a bad merge does: spliced junk, cut spans, doubled or dropped lines."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, max(len(lines) - 1, 0)))
        action = draw(st.sampled_from(["insert", "cut", "double", "drop", "indent"]))
        if action == "insert":
            lines.insert(where, draw(st.text(max_size=30)) + "\n")
        elif action == "cut" and lines:
            line = lines[where]
            a, b = sorted(draw(st.tuples(st.integers(0, len(line)), st.integers(0, len(line)))))
            lines[where] = line[:a] + line[b:]
        elif action == "double" and lines:
            lines.insert(where, lines[where])
        elif action == "drop" and lines:
            del lines[where]
        elif action == "indent" and lines:
            lines[where] = draw(st.sampled_from([" ", "   ", "\t", "- "])) + lines[where]
    return "".join(lines)


def assert_located(code: int, err: str, allowed_codes: set[int], *files: Path) -> None:
    """Exit code as expected; on exit 2 every line is `FILE:LINE: ...` for one of `files`."""
    with contextlib.suppress(Exception):  # outside a Hypothesis run there is nothing to count
        event(f"exit {code}")
    assert code in allowed_codes, err
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        names = "|".join(re.escape(str(f)) for f in files)
        for line in err.splitlines():
            assert re.match(rf"^({names}):(\d+: |\?: \(document\): \.\.\. and \d+ more problems)", line), line


def run_cli(argv: list[str]) -> tuple[int, str]:
    import io
    from contextlib import redirect_stderr, redirect_stdout

    err, out = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out):
        code = main(argv)
    return code, err.getvalue()


def check_broken_config(team: tuple[str, list[tuple[str, str, float]], str | None]) -> int:
    """`check` exits 0 or 2, located; with a roster, a config `check` passes must get through the whole report too."""
    text, rows, roster = team
    with tempfile.TemporaryDirectory() as folder, within(EXAMPLE_SECONDS):
        path = write_team(Path(folder), text, rows)
        code, err = run_cli(["check", str(path)])
        assert_located(code, err, {0, 2}, path, path.parent / "forecast.csv")
        if code != 0 or roster is None:
            return code
        rota = Path(folder) / "rota.csv"
        rota.write_text(roster, encoding="utf-8")
        code, err = run_cli(["gaps", str(path), str(rota), "--out", str(Path(folder) / "out")])
        assert_located(code, err, {0, 2}, rota)  # exit 2 only for the roster: the config passed check
        return code


SWEEP_VALUES = [
    "2026-02-30",
    "2026-12-07T25:00:00",
    "9999-12-31",
    "0x_",
    "0x1F",
    ".nan",
    "~",
    "yes",
    "!!int x",
    "!!set {a}",
    "!!binary aGk=",
    "{<<: 5}",
    "[a, b]",
    "{a: 1, a: 2}",
]


SWEEP_KEYS = ["0x1", "~", "2026-02-30", "[a, b]", "<<"]


def with_text_at(path: tuple[Any, ...], how: str, written: str) -> str:
    """FIXED_TEAM dumped with `written` (YAML text) as the value at `path`, as its key, or as a second copy of its key."""
    document = copy.deepcopy(FIXED_TEAM)
    _mutate(document, path, how, "yamlplaceholder")
    return yaml.safe_dump(document, sort_keys=False).replace("yamlplaceholder", written)


ISO = st.builds(
    lambda d, h, m, z: f"{d}T{h:02d}:{m:02d}:00{z}",
    st.dates(date(2026, 10, 1), date(2026, 12, 31)),
    st.integers(0, 23),
    st.sampled_from([0, 15, 30, 59]),
    st.sampled_from(["", "Z", "+00:00", "+05:45", "-03:30"]),
)


CELLS = st.one_of(
    ISO,
    st.text(max_size=12),
    st.sampled_from(["chat", "email", "", " chat ", "1", "-1", "nan", "inf", "1e308", "1e6", "2.5"]),
    st.dates(date(1, 1, 1), date(9999, 12, 31)).map(str),
    st.integers(-(10**20), 10**20).map(str),
)


FORECAST_HEADERS = [
    "start,channel,volume",
    "channel,start,volume",
    "start,channel",
    "start,channel,volume,note",
    "start;channel;volume",
    "",
]


ROSTER_HEADERS = [
    "agent,shift,date",
    "agent,site,channel,shift,date,start_local,end_local,start_utc,end_utc",
    "agent,date",
    "agent,shift,date,date",
    "",
]


@st.composite
def csv_texts(draw: st.DrawFn, headers: list[str], columns: int) -> str:
    """A header (right, shuffled, short or wrong) and up to 30 rows of plausible and implausible cells."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=200))
    header = draw(st.sampled_from(headers))
    rows = []
    for _ in range(draw(st.integers(0, 30))):
        cells = draw(st.lists(CELLS, min_size=max(columns - 1, 0), max_size=columns + 1))
        quote = draw(st.booleans())
        rows.append(",".join(f'"{c}"' if quote and '"' not in c else c for c in cells))
        if draw(st.integers(0, 9)) == 0:
            rows.append(rows[-1])  # a doubled row
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join([header, *rows]) + newline


@st.composite
def rosters(draw: st.DrawFn) -> str:
    """Roster CSVs for the tiny team below: its agent, shift and dates mixed with junk."""
    agent = st.sampled_from(["a0", "a1", "zed", ""])
    shift = st.sampled_from(["s0", "s1", "night", ""])
    day = st.one_of(st.dates(date(2026, 10, 15), date(2026, 11, 15)).map(str), CELLS)
    rows = draw(st.lists(st.tuples(agent, shift, day), max_size=20))
    if draw(st.booleans()):
        return "agent,shift,date\n" + "".join(f"{a},{s},{d}\n" for a, s, d in rows)
    return draw(csv_texts(ROSTER_HEADERS, 3))


FIXED_TEAM: dict[str, Any] = {
    "plan": {"start": FIRST_DAY, "days": 14, "timezone": "Europe/Dublin", "interval_minutes": 30},
    "channels": {
        "chat": {"kind": "realtime", "aht_seconds": 300, "service_level": {"percent": 80, "within_seconds": 60}},
        "email": {"kind": "backlog", "aht_seconds": 300, "respond_within_hours": 4},
    },
    "forecast": {"file": "forecast.csv", "timezone": "America/New_York"},
    "sites": {
        "dub": {
            "timezone": "Europe/Dublin",
            "shifts": {"s0": {"start": "07:00", "hours": 8}, "s1": {"start": "15:00", "hours": 9, "unpaid_break_minutes": 60}},
        }
    },
    "contracts": {"ft": {"hours_per_week": {"min": 0, "max": 40}}},
    "agents": [
        {"id": "a0", "site": "dub", "contract": "ft", "skills": ["chat"]},
        {"id": "a1", "site": "dub", "contract": "ft", "skills": ["chat", "email"]},
    ],
}


def check_forecast_text(text: str) -> int:
    with tempfile.TemporaryDirectory() as folder, within(EXAMPLE_SECONDS):
        path = write_team(Path(folder), FIXED_TEAM, text)
        code, err = run_cli(["check", str(path)])
        assert_located(code, err, {0, 2}, path.parent / "forecast.csv")
        return code


def check_roster_text(text: str) -> int:
    with tempfile.TemporaryDirectory() as folder, within(EXAMPLE_SECONDS):
        path = write_team(Path(folder), FIXED_TEAM, [])
        roster = Path(folder) / "rota.csv"
        roster.write_text(text, encoding="utf-8")
        code, err = run_cli(["verify", str(path), str(roster)])
        assert_located(code, err, {0, 1, 2}, roster)
        return code


def check_bytes(data: bytes) -> int:
    """The same bytes as a config, as a forecast and as a roster."""
    with tempfile.TemporaryDirectory() as folder, within(EXAMPLE_SECONDS):
        base = Path(folder)
        (base / "raw.yaml").write_bytes(data)
        code, err = run_cli(["check", str(base / "raw.yaml")])
        assert_located(code, err, {2}, base / "raw.yaml")
        path = write_team(base, FIXED_TEAM, [])
        (base / "forecast.csv").write_bytes(data)
        code, err = run_cli(["check", str(path)])
        assert_located(code, err, {0, 2}, base / "forecast.csv")
        (base / "forecast.csv").write_text("start,channel,volume\n")
        (base / "rota.csv").write_bytes(data)
        code, err = run_cli(["verify", str(path), str(base / "rota.csv")])
        assert_located(code, err, {0, 1, 2}, base / "rota.csv")
        return code


PROPERTIES: dict[str, tuple[Callable[..., int], st.SearchStrategy[Any]]] = {
    "config": (check_broken_config, broken_configs()),
    "forecast": (check_forecast_text, csv_texts(FORECAST_HEADERS, 3)),
    "roster": (check_roster_text, rosters()),
    "bytes": (check_bytes, st.binary(max_size=300)),
}  # the fuzz run (tests/test_fuzz.py, benchmarks/fuzz.py) drives these at volume
