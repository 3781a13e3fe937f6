"""Demand: forecast volume → agents required per UTC interval and channel.

A support manager forecasts *contacts*; the roster needs *agents*. This module
turns one into the other on the period's UTC grid:

* realtime channels (chat, phone) are queues answered live, so they are
  staffed with Erlang C against a service-level target (e.g. 80 % answered
  within 60 s); chat agents serve `concurrency` conversations at once;
* backlog channels (email) can wait, so their workload only has to be done
  before the response deadline;
* shrinkage (breaks, meetings, training) then inflates both.

The Erlang functions use Erlang B's recursion, never factorials or powers, so
they stay finite and accurate for the thousands of Erlangs a seasonal peak
can bring.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pendulum

from coverage.config import BacklogChannel, Config, RealtimeChannel
from coverage.errors import InputError, Problem
from coverage.outputs import write_csv_atomic
from coverage.time import Grid, parse_timestamp, period_grid

FORECAST_COLUMNS = ("start", "channel", "volume")
REQUIREMENTS_FILE = "requirements.csv"
REQUIREMENTS_COLUMNS = ("interval_start_utc", "channel", "volume", "required")
_DECIMALS = 9  # float noise below this is not a real fraction of an agent


@dataclass(frozen=True)
class Requirements:
    """Forecast volume and required agents on the period's UTC grid."""

    grid: Grid
    volume: dict[str, list[float]]  # channel -> contacts arriving per interval
    required: dict[str, list[int]]  # channel -> agents required per interval (after concurrency and shrinkage)
    ignored_rows: int = 0  # forecast rows whose start lies outside the rota period


@dataclass(frozen=True)
class ForecastData:
    """What the forecast file yielded: volumes on the grid, and how many rows fell outside it."""

    volume: dict[str, list[float]]
    rows: int
    ignored_rows: int


# --------------------------------------------------------------------------- queueing math


def erlang_b(servers: int, traffic: float) -> float:
    """Blocking probability of `servers` lines offered `traffic` Erlangs (Erlang B).

    Uses the recursion B(0)=1, B(n) = A·B(n−1) / (n + A·B(n−1)). Every step
    stays in [0, 1], so unlike the textbook A^N/N! form it neither overflows
    nor loses precision at hundreds or thousands of Erlangs.
    """
    if servers < 0 or traffic < 0:
        raise ValueError("servers and traffic must be >= 0")
    blocking = 1.0
    for n in range(1, servers + 1):
        blocking = _next_erlang_b(n, traffic, blocking)
    return blocking


def _next_erlang_b(n: int, traffic: float, previous: float) -> float:
    """One step of the Erlang B recursion: B(n) from B(n−1)."""
    load = traffic * previous
    return load / (n + load)


def _erlang_c_from_b(servers: int, traffic: float, blocking: float) -> float:
    """Erlang C from Erlang B: C = N·B / (N − A·(1 − B)); a queue with N ≤ A never drains."""
    if traffic <= 0:
        return 0.0
    if servers <= traffic:
        return 1.0
    return servers * blocking / (servers - traffic * (1.0 - blocking))


def erlang_c(servers: int, traffic: float) -> float:
    """Probability that a contact has to wait (Erlang C, the M/M/N queue).

    Computed from Erlang B so it is stable for large traffic. It is 1.0 when
    `servers` ≤ `traffic`: the queue grows without bound and everyone waits.
    No traffic means nobody waits (0.0).
    """
    return _erlang_c_from_b(servers, traffic, erlang_b(servers, traffic))


def _service_level_from_c(servers: int, traffic: float, wait: float, aht_seconds: float, within_seconds: float) -> float:
    if servers <= traffic:
        return 0.0 if traffic > 0 else 1.0
    return 1.0 - wait * math.exp(-(servers - traffic) * within_seconds / aht_seconds)


def service_level(servers: int, traffic: float, aht_seconds: float, within_seconds: float) -> float:
    """Share of contacts answered within `within_seconds`: 1 − C·exp(−(N−A)·T/AHT).

    The M/M/N waiting time, given that a contact waits, is exponential with
    rate (N−A)/AHT, hence the factor. An overloaded queue (N ≤ A) answers
    nothing in time (0.0).
    """
    wait = erlang_c(servers, traffic)
    return _service_level_from_c(servers, traffic, wait, aht_seconds, within_seconds)


@lru_cache(maxsize=65536)
def servers_for_service_level(traffic: float, aht_seconds: float, target_fraction: float, within_seconds: float) -> int:
    """Smallest N whose service level reaches `target_fraction` (e.g. 0.8 for 80/20).

    The queue is only stable above the traffic, so the search starts at
    floor(A)+1 and walks upward, carrying Erlang B along one recursion step
    per candidate: O(N) in total, not O(N²). Zero traffic needs no servers.
    Cached because forecasts repeat the same volumes many times.
    """
    if not 0 < target_fraction < 1:
        raise ValueError(f"target_fraction must be between 0 and 1 (got {target_fraction})")
    if traffic <= 0:
        return 0
    servers = math.floor(traffic) + 1
    blocking = erlang_b(servers, traffic)
    while True:
        wait = _erlang_c_from_b(servers, traffic, blocking)
        if _service_level_from_c(servers, traffic, wait, aht_seconds, within_seconds) >= target_fraction:
            return servers
        servers += 1
        blocking = _next_erlang_b(servers, traffic, blocking)


# --------------------------------------------------------------------------- channels → agents


def apply_shrinkage(raw_agents: float, shrinkage: float) -> int:
    """Agents to roster so that `raw_agents` are actually on tickets: ceil(raw / (1 − shrinkage)).

    The quotient is rounded to 9 decimals before the ceiling, because float
    noise (21 / (1 − 0.3) = 30.000000000000004) must not add a whole agent.
    """
    if not 0 <= shrinkage < 1:
        raise ValueError(f"shrinkage must be in [0, 1) (got {shrinkage})")
    return math.ceil(round(raw_agents / (1.0 - shrinkage), _DECIMALS))


def realtime_agents(volume: float, interval_seconds: float, channel: RealtimeChannel) -> int:
    """Agents (before shrinkage) a live channel needs in one interval to meet its service level.

    Arrival rate λ = volume / interval_seconds, traffic A = λ·AHT Erlangs;
    Erlang C gives the N conversations that must be open at once. An agent
    handles `concurrency` conversations at the same time (chat), so the
    agents are ceil(N / concurrency): with concurrency 2, 13 conversations
    need 7 agents. The AHT is the time one conversation takes, as measured.
    Zero volume needs nobody.
    """
    if volume <= 0:
        return 0
    traffic = volume / interval_seconds * channel.aht_seconds
    target = channel.service_level.percent / 100
    servers = servers_for_service_level(traffic, channel.aht_seconds, target, channel.service_level.within_seconds)
    return math.ceil(servers / channel.concurrency)


def backlog_agents(volumes: list[float], interval_seconds: float, channel: BacklogChannel) -> list[float]:
    """Fractional agents (before shrinkage and rounding) a deferred channel needs per interval.

    Each interval's workload (volume × AHT seconds) must be done before the
    response deadline, so it is spread evenly over the k intervals from its
    arrival interval on, k = respond_within_hours / interval length, rounded
    down (finishing early is safe, finishing late is not), at least 1. The
    workload landing in an interval, divided by the interval's seconds, is
    the agents needed there. Work that would land after the period's last
    interval is dropped: it belongs to the next rota period's plan.

    This is a smoothed per-interval requirement: it guarantees enough agent
    time overall, not that each contact is answered in order before its own
    deadline (a deeper model of deadlines comes later).
    """
    window = _window_intervals(channel.respond_within_hours, interval_seconds)
    spread = [volume * channel.aht_seconds / window for volume in volumes]
    agents = []
    for j in range(len(volumes)):
        landing = math.fsum(spread[max(0, j - window + 1) : j + 1])
        agents.append(landing / interval_seconds)
    return agents


def _window_intervals(hours: float, interval_seconds: float) -> int:
    """Whole intervals that fit in the deadline (at least one), robust to float noise."""
    return max(1, math.floor(round(hours * 3600 / interval_seconds, _DECIMALS)))


def channel_requirement(volumes: list[float], interval_seconds: float, channel: RealtimeChannel | BacklogChannel, shrinkage: float) -> list[int]:
    """Agents to roster per interval for one channel, shrinkage included."""
    if isinstance(channel, RealtimeChannel):
        raw: list[float] = [realtime_agents(v, interval_seconds, channel) for v in volumes]
    else:
        raw = backlog_agents(volumes, interval_seconds, channel)
    return [apply_shrinkage(r, shrinkage) for r in raw]


def requirements(config: Config) -> Requirements:
    """Read the forecast and compute every channel's requirement on the period grid."""
    grid = period_grid(config.plan)
    forecast = load_forecast(config)
    seconds = grid.minutes * 60
    required = {
        name: channel_requirement(forecast.volume[name], seconds, channel, config.shrinkage)
        for name, channel in config.channels.items()
    }
    return Requirements(grid=grid, volume=forecast.volume, required=required, ignored_rows=forecast.ignored_rows)


def write_requirements(req: Requirements, path: Path) -> Path:
    """Write requirements.csv (interval_start_utc,channel,volume,required), atomically.

    `path` is the file to write; when it is an existing directory the file is
    `requirements.csv` inside it. One row per interval and channel, in time
    order, channels in config order.
    """
    target = Path(path)
    if target.is_dir():
        target = target / REQUIREMENTS_FILE
    rows = [
        (start.isoformat(), channel, _number(req.volume[channel][i]), req.required[channel][i])
        for i, start in enumerate(req.grid.starts)
        for channel in req.required
    ]
    return write_csv_atomic(target, REQUIREMENTS_COLUMNS, rows)


def _number(value: float) -> str:
    """Volumes as people write them: 12 rather than 12.0, at most 6 decimals."""
    rounded = round(value, 6)
    return str(int(rounded)) if rounded == int(rounded) else repr(rounded)


# --------------------------------------------------------------------------- forecast file


def read_forecast(config: Config) -> dict[str, list[float]]:
    """Contacts per channel and grid interval from the forecast CSV; InputError lists every problem."""
    return load_forecast(config).volume


def load_forecast(config: Config) -> ForecastData:
    """Parse `config.forecast_path` onto the period grid.

    Columns start,channel,volume (header required). `start` is ISO 8601; a
    value without an offset is in `forecast.timezone`. A row's volume goes to
    the grid interval containing its start, so a 15-minute forecast on a
    60-minute grid adds up. Rows outside the period are counted, not errors
    (forecast exports often cover more than one rota). The same start and
    channel twice is an error: usually an export pasted twice.
    """
    file = config.forecast_path
    text = _read_text(file)
    grid = period_grid(config.plan)
    volume: dict[str, list[float]] = {name: [0.0] * grid.count for name in config.channels}
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise InputError([Problem(file, 1, "header", f"empty file (expected a header line {','.join(FORECAST_COLUMNS)})")])
    columns = _check_header(file, [cell.strip() for cell in header])
    problems: list[Problem] = []
    seen: dict[tuple[float, str], int] = {}
    rows = ignored = 0
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        rows += 1
        parsed = _parse_row(file, line, cells, columns, config, problems)
        if parsed is None:
            continue
        instant, channel, amount = parsed
        key = (instant.timestamp(), channel)
        if key in seen:
            problems.append(Problem(file, line, "start", f"duplicate row for {channel} at {instant.isoformat()} (also line {seen[key]}; expected one row per start and channel)"))
            continue
        seen[key] = line
        slot = _slot(grid, instant)
        if slot is None:
            ignored += 1
        else:
            volume[channel][slot] += amount
    if problems:
        raise InputError(problems)
    return ForecastData(volume=volume, rows=rows, ignored_rows=ignored)


def _read_text(file: Path) -> str:
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(file, None, "", "file not found")]) from None
    except OSError as exc:
        raise InputError([Problem(file, None, "", f"cannot read: {exc.strerror}")]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([Problem(file, line, "", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV")]) from None


def _check_header(file: Path, header: list[str]) -> dict[str, int]:
    """Column positions; missing, unknown or repeated columns stop the read."""
    expected = ",".join(FORECAST_COLUMNS)
    problems = []
    missing = [name for name in FORECAST_COLUMNS if name not in header]
    if missing:
        problems.append(Problem(file, 1, "header", f"missing column(s) {', '.join(missing)} (expected {expected})"))
    extra = [name or "(empty)" for name in header if name not in FORECAST_COLUMNS]
    if extra:
        problems.append(Problem(file, 1, "header", f"unknown column(s) {', '.join(extra)} (expected {expected})"))
    repeated = sorted({name for name in header if name in FORECAST_COLUMNS and header.count(name) > 1})
    if repeated:
        problems.append(Problem(file, 1, "header", f"repeated column(s) {', '.join(repeated)} (expected {expected})"))
    if problems:
        raise InputError(problems)
    return {name: header.index(name) for name in FORECAST_COLUMNS}


def _parse_row(
    file: Path, line: int, cells: list[str], columns: dict[str, int], config: Config, problems: list[Problem]
) -> tuple[pendulum.DateTime, str, float] | None:
    """(UTC start, channel, volume) of one row, or None after appending its problems."""
    if len(cells) != len(columns):
        problems.append(Problem(file, line, "row", f"{len(cells)} fields (expected {len(columns)}: {','.join(FORECAST_COLUMNS)})"))
        return None
    found = len(problems)
    start, channel, raw_volume = (cells[columns[name]].strip() for name in FORECAST_COLUMNS)
    instant: pendulum.DateTime | None = None
    try:
        instant = parse_timestamp(start, config.forecast.timezone)
    except ValueError as exc:
        problems.append(Problem(file, line, "start", str(exc)))
    if channel not in config.channels:
        problems.append(Problem(file, line, "channel", f"unknown channel {channel!r} (expected one of: {', '.join(config.channels)})"))
    amount: float | None = None
    try:
        amount = _volume(raw_volume)
    except ValueError as exc:
        problems.append(Problem(file, line, "volume", str(exc)))
    if instant is None or amount is None or len(problems) > found:
        return None
    return instant, channel, amount


def _volume(text: str) -> float:
    """Contacts in one row; ValueError says what is wrong with the cell."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number (expected a number of contacts >= 0, e.g. 12 or 7.5)") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number (expected a number of contacts >= 0)")
    if value < 0:
        raise ValueError(f"{text!r} is negative (expected a number of contacts >= 0)")
    return value


def _slot(grid: Grid, instant: pendulum.DateTime) -> int | None:
    """The grid interval containing `instant`, or None outside the period."""
    seconds = (instant - grid.start).total_seconds()
    slot = math.floor(seconds / (grid.minutes * 60))
    return slot if 0 <= slot < grid.count else None
