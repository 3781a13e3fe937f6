"""Forecast: contacts expected per channel on the period's UTC grid, from three kinds of input.

1. A CSV of volumes (`forecast.file`: ``start,channel,volume``), e.g. exported
   from a workforce-management tool.
2. A weekly profile (`forecast.profile`): 168 hourly shares per channel in a
   named zone, times a weekly volume, with weekly growth and dated
   multipliers (Black Friday ×3, a Q4 peak ×1.2).
3. A history of tickets (one row per ticket: ``created_at,channel``), which
   :func:`build_profile` turns into (2) — the `covplan forecast` command.

Volumes given coarser than the planning interval are spread evenly over the
intervals they cover (an hourly volume on a 15-minute grid puts a quarter in
each); finer volumes are summed into the interval containing them. Every
problem in a file is reported with the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pendulum

from coverage.backtest import AUTO, HOURS_PER_WEEK, Backtest, backtest, predict
from coverage.config.schema import WEEKDAYS, Config, Forecast
from coverage.csvcells import from_csv_cell
from coverage.errors import InputError, Problem, raise_problems
from coverage.helpdesk import ExportOptions, export_hint, read_export
from coverage.inputs import MAX_CSV_BYTES, other_separator, read_text
from coverage.time import Grid, local_to_utc, parse_wall_timestamp, period_grid, to_local

FORECAST_COLUMNS = ("start", "channel", "volume")
PROFILE_COLUMNS = ("channel", "weekday", "hour", "share")
PIECE_MINUTES = 15  # every UTC offset in use is a multiple of 15 minutes
MAX_VOLUME = 1e9  # contacts in one row; see docs/reliability.md


@dataclass(frozen=True)
class RowSpacing:
    """How one channel's forecast rows were read without `forecast.interval_minutes`: their spacing, and the span given each."""

    channel: str
    step_minutes: int  # the shortest step between two of the channel's starts
    row_minutes: int  # what each row is taken to cover: the step, from one grid interval up to an hour


@dataclass(frozen=True)
class ForecastData:
    """What the forecast yielded: volumes on the grid, and how many rows fell outside it."""

    volume: dict[str, list[float]]
    rows: int
    ignored_rows: int
    spacing: tuple[RowSpacing, ...] = ()  # per channel, how its rows were read when no `forecast.interval_minutes` says


def load_volumes(config: Config) -> ForecastData:
    """Contacts per channel and grid interval from the config's forecast (CSV or profile)."""
    if config.forecast is None:  # demand given only as headcount per shift (`cover`)
        count = period_grid(config.plan).count
        return ForecastData(volume={name: [0.0] * count for name in config.channels}, rows=0, ignored_rows=0)
    if config.forecast.profile is not None:
        return ForecastData(volume=profile_volumes(config), rows=0, ignored_rows=0)
    return load_forecast(config)


# --------------------------------------------------------------------------- shared CSV reading


def _section(config: Config) -> Forecast:
    """The config's `forecast:` section; the readers below are for configs that have one (load_volumes asks)."""
    if config.forecast is None:
        raise ValueError("this configuration has no forecast")
    return config.forecast


def _read_text(file: Path) -> str:
    return read_text(file, MAX_CSV_BYTES, save_as="UTF-8 CSV")


def _table(file: Path, expected: tuple[str, ...], *, optional: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {column: stripped cell}) for each non-blank row; header problems stop the read.

    Cells are read as our writers escaped them (`coverage.csvcells`): a
    profile.csv or forecast.csv we wrote gives back the names it was given.

    Rows with the wrong number of fields are yielded with an empty dict so
    the caller can report them in order with the other problems.
    """
    text = _read_text(file)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError([Problem(file, 1, "header", f"not readable as CSV: {exc}")]) from None
    wanted = ",".join(expected)
    if header is None or not any(cell.strip() for cell in header):
        raise InputError([Problem(file, 1, "header", f"empty file (expected a header line {wanted})")])
    names = [cell.strip() for cell in header]
    separator = other_separator(names, expected)
    if separator is not None:
        raise InputError([Problem(file, 1, "header", separator)])
    problems = []
    missing = [name for name in expected if name not in names]
    if missing:
        problems.append(Problem(file, 1, "header", f"missing column(s) {', '.join(missing)} (expected {wanted})"))
        if expected == FORECAST_COLUMNS and "volume" not in names:  # an export of tickets where volumes belong
            problems.append(Problem(file, 1, "header", export_hint(names, file)))
    extra = [_shown(name) for name in names if name not in expected + optional]
    if extra:
        problems.append(Problem(file, 1, "header", f"unknown column(s) {', '.join(extra)} (expected {wanted})"))
    repeated = sorted({name for name in names if name in expected + optional and names.count(name) > 1})
    if repeated:
        problems.append(Problem(file, 1, "header", f"repeated column(s) {', '.join(repeated)} (expected {wanted})"))
    if problems:
        raise InputError(problems)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a field beyond the csv module's size limit
            raise InputError([Problem(file, reader.line_num, "row", f"not readable as CSV: {exc}")]) from None
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            yield reader.line_num, {"": f"{len(cells)} fields (expected {len(names)}: {','.join(map(_shown, names))})"}
            continue
        yield (
            reader.line_num,
            {name: from_csv_cell(cells[k]).strip() for k, name in enumerate(names) if name in expected + optional},
        )


def _shown(name: str) -> str:
    """A column name for a message: as written when plain, quoted with escapes otherwise (one line per problem)."""
    if not name:
        return "(empty)"
    return name if name.isprintable() else repr(name)


def _amount(text: str, what: str) -> float:
    """A finite number >= 0; ValueError says what is wrong with the cell."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number (expected {what} >= 0, e.g. 12 or 7.5)") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number (expected {what} >= 0)")
    if value < 0:
        raise ValueError(f"{text!r} is negative (expected {what} >= 0)")
    if value > MAX_VOLUME:  # beyond any contact centre; the queueing maths would run for hours
        raise ValueError(f"{text!r} is too large (expected {what} of at most {MAX_VOLUME:,.0f})")
    return value


def _channel(text: str, config: Config) -> str:
    """The configured channel `text` names, matched without regard to case (`Chat` is `chat`)."""
    if text in config.channels:
        return text
    for name in config.channels:
        if name.casefold() == text.casefold():
            return name
    raise ValueError(f"unknown channel {text!r} (expected one of: {', '.join(config.channels)})")


# --------------------------------------------------------------------------- (1) CSV of volumes


def read_forecast(config: Config) -> dict[str, list[float]]:
    """Contacts per channel and grid interval from whichever forecast the config names (CSV or profile); InputError lists every problem."""
    return load_volumes(config).volume


def load_forecast(config: Config) -> ForecastData:
    """Parse the volumes CSV (`forecast.file`) onto the period grid.

    Columns start,channel,volume (header required). `start` is ISO 8601; a
    value without an offset is in `forecast.timezone`. Each row covers
    `forecast.interval_minutes` from its start (default: one grid interval).
    Rows as fine as the grid or finer add up in the interval containing
    their start; coarser rows (hourly or daily volumes on a 15-minute grid)
    are spread evenly over the intervals they cover, by overlap. Rows wholly
    outside the period are counted, not errors (exports often cover more
    than one rota). The same start and channel twice is an error: usually an
    export pasted twice.
    """
    file = config.forecast_path
    grid = period_grid(config.plan)
    problems: list[Problem] = []
    seen: dict[tuple[float, str], int] = {}
    parsed: list[tuple[float, str, float]] = []  # (seconds after grid start, channel, volume)
    rows = 0
    for line, cells in _table(file, FORECAST_COLUMNS):
        rows += 1
        if "" in cells:
            problems.append(Problem(file, line, "row", cells[""]))
            continue
        row = _parse_volume_row(file, line, cells, config, problems)
        if row is None:
            continue
        instant, channel, amount = row
        key = (instant.timestamp(), channel)
        if key in seen:  # a local time that happens twice: an export on that clock lists its second occurrence next
            instant = parse_wall_timestamp(cells["start"], _section(config).timezone, repeated=True)
            key = (instant.timestamp(), channel)
        if key in seen:
            problems.append(
                Problem(
                    file,
                    line,
                    "start",
                    f"duplicate row for {channel} at {instant.isoformat()} (also line {seen[key]}; expected one row per start and channel)",
                )
            )
            continue
        seen[key] = line
        parsed.append(((instant - grid.start).total_seconds(), channel, amount))
    raise_problems(problems, file)
    given = _section(config).interval_minutes
    spacing = () if given else _row_spacing(parsed, grid)
    spans = {name: given or grid.minutes for name in config.channels} | {r.channel: r.row_minutes for r in spacing}
    volume, ignored = _place(parsed, grid, spans)
    return ForecastData(volume=volume, rows=rows, ignored_rows=ignored, spacing=spacing)


MAX_INFERRED_ROW_MINUTES = 60  # see _row_spacing


def _row_spacing(parsed: list[tuple[float, str, float]], grid: Grid) -> tuple[RowSpacing, ...]:
    """Per channel with two rows or more, their shortest step, and the span each row is read as: that step within [grid interval, one hour].

    Hourly exports on a finer grid are the common case, and a file may give
    chat by the hour and phone by the quarter. Rows further apart than an
    hour are more often a few hand-written samples than daily volumes, so a
    daily file says `forecast.interval_minutes: 1440` (`covplan check` says
    when rows are further apart than what they are read as); a channel with
    one row says nothing about its spacing and covers one grid interval.
    """
    starts: dict[str, set[float]] = {}
    for offset, channel, _ in parsed:
        starts.setdefault(channel, set()).add(offset)
    found = []
    for channel, offsets in sorted(starts.items()):
        steps = [b - a for a, b in itertools.pairwise(sorted(offsets))]
        if steps:
            step = round(min(steps) / 60)
            found.append(RowSpacing(channel, step, max(min(step, MAX_INFERRED_ROW_MINUTES), grid.minutes)))
    return tuple(found)


def _parse_volume_row(
    file: Path, line: int, cells: dict[str, str], config: Config, problems: list[Problem]
) -> tuple[pendulum.DateTime, str, float] | None:
    """(UTC start, channel, volume) of one row, or None after appending its problems."""
    found = len(problems)
    instant = channel = amount = None
    try:
        instant = parse_wall_timestamp(cells["start"], _section(config).timezone)
    except ValueError as exc:
        problems.append(Problem(file, line, "start", str(exc)))
    except OverflowError:  # digits beyond any calendar: dateutil overflows instead of refusing
        problems.append(
            Problem(file, line, "start", f"{cells['start']!r} is out of range (expected e.g. 2026-12-07T09:00:00+00:00)")
        )
    try:
        channel = _channel(cells["channel"], config)
    except ValueError as exc:
        problems.append(Problem(file, line, "channel", str(exc)))
    try:
        amount = _amount(cells["volume"], "a number of contacts")
    except ValueError as exc:
        problems.append(Problem(file, line, "volume", str(exc)))
    if instant is None or channel is None or amount is None or len(problems) > found:
        return None
    return instant, channel, amount


def _place(
    parsed: list[tuple[float, str, float]], grid: Grid, row_minutes: Mapping[str, int]
) -> tuple[dict[str, list[float]], int]:
    """Volumes on the grid, per channel (`row_minutes`: each one's row length): summed when rows are as fine as the grid, spread by overlap when coarser."""
    length = grid.minutes * 60
    end = grid.count * length
    volume: dict[str, list[float]] = {name: [0.0] * grid.count for name in row_minutes}
    ignored = 0
    for offset, channel, amount in parsed:
        target = volume[channel]
        span = row_minutes[channel] * 60
        if span <= length:
            slot = math.floor(offset / length)
            if 0 <= slot < grid.count:
                target[slot] += amount
            else:
                ignored += 1
            continue
        first, last = max(offset, 0.0), min(offset + span, end)
        if first >= last:
            ignored += 1
            continue
        for slot in range(math.floor(first / length), math.ceil(last / length)):
            overlap = min(last, (slot + 1) * length) - max(first, slot * length)
            target[slot] += amount * overlap / span
    return volume, ignored


# --------------------------------------------------------------------------- (2) weekly profile


@dataclass(frozen=True)
class Profile:
    """Share of a channel's weekly volume in each local hour of the week (Mon 00 = 0 … Sun 23 = 167)."""

    shares: dict[str, list[float]]  # channel -> 168 shares summing to 1
    spread: dict[str, list[float]] | None = None  # channel -> 168 relative rate errors (the optional `spread` column)


def read_profile(config: Config) -> Profile:
    """Read `forecast.profile`: columns channel,weekday,hour,share; 168 rows per channel.

    Shares are relative weights — percentages, counts or fractions all work —
    and are normalised to sum to 1 per channel. Every channel with a
    `weekly_volume` needs all 168 hours (a missing hour is an error, not a
    silent zero); the same channel, weekday and hour twice is an error.
    An optional column `spread` (the relative error of the rate, from
    `covplan forecast`'s backtest) is what `forecast.quantile` staffs for.
    """
    file = config.forecast_path
    problems: list[Problem] = []
    raw: dict[str, list[float | None]] = {}
    spread: dict[str, list[float]] = {}
    where: dict[tuple[str, int], int] = {}
    has_spread = False
    for line, cells in _table(file, PROFILE_COLUMNS, optional=("spread",)):
        if "" in cells:
            problems.append(Problem(file, line, "row", cells[""]))
            continue
        row = _parse_profile_row(file, line, cells, config, problems)
        if row is None:
            continue
        channel, slot, share = row
        if (channel, slot) in where:
            day, hour = divmod(slot, 24)
            problems.append(
                Problem(
                    file,
                    line,
                    "hour",
                    f"duplicate row for {channel} {WEEKDAYS[day]} {hour:02d}:00 (also line {where[(channel, slot)]}; expected one row per channel, weekday and hour)",
                )
            )
            continue
        where[(channel, slot)] = line
        raw.setdefault(channel, [None] * HOURS_PER_WEEK)[slot] = share
        if "spread" in cells:
            has_spread = True
            try:
                spread.setdefault(channel, [0.0] * HOURS_PER_WEEK)[slot] = _spread(cells["spread"])
            except ValueError as exc:
                problems.append(Problem(file, line, "spread", str(exc)))
    problems.extend(_completeness_problems(file, raw, config))
    forecast = _section(config)
    if forecast.quantile is not None and not has_spread:
        problems.append(
            Problem(
                file,
                1,
                "header",
                f"forecast.quantile {forecast.quantile:g} needs the forecast's error: a column "
                "spread (expected the profile.csv `covplan forecast` writes from its backtest, or your own)",
            )
        )
    raise_problems(problems, file)
    shares = {}
    for channel in forecast.weekly_volume:
        values = [float(v or 0.0) for v in raw[channel]]
        total = math.fsum(values)
        shares[channel] = [v / total for v in values]
    return Profile(shares=shares, spread={c: spread.get(c, [0.0] * HOURS_PER_WEEK) for c in shares} if has_spread else None)


MAX_SPREAD = 10.0  # a rate ten times as uncertain as itself is a broken backtest, not a forecast


def _spread(text: str) -> float:
    """A relative rate error: a finite number from 0 to MAX_SPREAD (empty: 0)."""
    if not text:
        return 0.0
    value = _amount(text, "a relative error")
    if value > MAX_SPREAD:
        raise ValueError(f"{text!r} is too large (expected a relative error from 0 to {MAX_SPREAD:g}, e.g. 0.15)")
    return value


def _parse_profile_row(
    file: Path, line: int, cells: dict[str, str], config: Config, problems: list[Problem]
) -> tuple[str, int, float] | None:
    found = len(problems)
    channel = day = hour = share = None
    try:
        channel = _channel(cells["channel"], config)
    except ValueError as exc:
        problems.append(Problem(file, line, "channel", str(exc)))
    if cells["weekday"] in WEEKDAYS:
        day = WEEKDAYS.index(cells["weekday"])
    else:
        problems.append(
            Problem(file, line, "weekday", f"{cells['weekday']!r} is not a weekday (expected one of: {', '.join(WEEKDAYS)})")
        )
    if cells["hour"].isdigit() and int(cells["hour"]) < 24:
        hour = int(cells["hour"])
    else:
        problems.append(Problem(file, line, "hour", f"{cells['hour']!r} is not an hour of the day (expected 0 to 23)"))
    try:
        share = _amount(cells["share"], "a share")
    except ValueError as exc:
        problems.append(Problem(file, line, "share", str(exc)))
    if channel is None or day is None or hour is None or share is None or len(problems) > found:
        return None
    return channel, day * 24 + hour, share


def _completeness_problems(file: Path, raw: dict[str, list[float | None]], config: Config) -> list[Problem]:
    problems = []
    for channel in _section(config).weekly_volume:
        values = raw.get(channel)
        if values is None:
            problems.append(
                Problem(
                    file,
                    None,
                    "channel",
                    f"no rows for {channel} (expected 168 hourly shares, since forecast.weekly_volume names it)",
                )
            )
            continue
        missing = [k for k, v in enumerate(values) if v is None]
        if missing:
            first = ", ".join(f"{WEEKDAYS[k // 24]} {k % 24:02d}" for k in missing[:3])
            problems.append(
                Problem(
                    file,
                    None,
                    "hour",
                    f"{channel} has no share for {len(missing)} hour(s) of the week, e.g. {first} (expected all 168)",
                )
            )
        elif math.fsum(v or 0.0 for v in values) <= 0:
            problems.append(
                Problem(file, None, "share", f"{channel}'s shares are all zero (expected some hour with a positive share)")
            )
    return problems


def profile_volumes(config: Config, profile: Profile | None = None) -> dict[str, list[float]]:
    """Expand a weekly profile onto the period grid.

    Hourly volume at local hour h of the week = weekly_volume × share[h] ×
    (1 + growth_per_week)^w × the factors of every multiplier whose dates
    contain the local date, w = whole weeks from `growth_from` (default the
    plan's start) to that local date. Each grid interval is cut into
    15-minute pieces and each piece takes a quarter of its local hour's
    volume, so an hourly profile is spread evenly on a 15-minute grid and
    zones with :30 and :45 offsets are handled. A week with a clock change
    has one local hour more or less, and its volume follows the clock.
    """
    profile = profile or read_profile(config)
    grid = period_grid(config.plan)
    forecast = _section(config)
    origin = forecast.growth_from or config.plan.start
    risk = quantile_factors(profile, forecast.quantile)
    pieces = grid.minutes // PIECE_MINUTES
    volume = {name: [0.0] * grid.count for name in config.channels}
    cache: dict[tuple[date, str], float] = {}
    for slot, start in enumerate(grid.starts):
        for k in range(pieces):
            local = to_local(start.add(minutes=k * PIECE_MINUTES), forecast.timezone)
            hour_of_week = local.weekday() * 24 + local.hour
            day = local.date()
            for channel, weekly in forecast.weekly_volume.items():
                key = (day, channel)
                if key not in cache:
                    cache[key] = _day_factor(config, day, channel, origin)
                share = profile.shares[channel][hour_of_week] * risk[channel][hour_of_week]
                volume[channel][slot] += weekly * share * cache[key] * PIECE_MINUTES / 60
    return volume


def quantile_factors(profile: Profile, quantile: float | None) -> dict[str, list[float]]:
    """Per channel and hour of the week, the volume at `quantile` over the forecast: max(1 + z_q · spread, 0).

    The forecast rate is read as the mean of a normal error with standard
    deviation spread × rate (the backtest's relative error), so q = 0.5
    plans on the forecast itself and a higher q on more volume, never less:
    z_q = Φ⁻¹(q) rises with q. Arrivals' own Poisson scatter is Erlang C's
    part, not this one (see coverage/backtest.py).
    """
    if quantile is None or profile.spread is None:
        return {channel: [1.0] * HOURS_PER_WEEK for channel in profile.shares}
    from scipy.stats import norm

    z = float(norm.ppf(quantile))
    return {channel: [max(1.0 + z * s, 0.0) for s in profile.spread[channel]] for channel in profile.shares}


def _day_factor(config: Config, day: date, channel: str, origin: date) -> float:
    """Growth and event multipliers that apply to one local date and channel."""
    forecast = _section(config)
    weeks = math.floor((day - origin).days / 7)
    factor = (1.0 + forecast.growth_per_week) ** weeks
    for multiplier in forecast.multipliers:
        if multiplier.start <= day <= multiplier.end and (multiplier.channels is None or channel in multiplier.channels):
            factor *= multiplier.factor
    return factor


# --------------------------------------------------------------------------- (3) history → profile


@dataclass(frozen=True)
class HistoryProfile:
    """A weekly profile learnt from past tickets, with what the plot and the report need."""

    timezone: str
    first_day: date  # first local date of the window
    weeks: int
    shares: dict[str, list[float]]  # channel -> 168 shares summing to 1
    weekly_volume: dict[str, float]  # mean tickets per week
    weekly_counts: dict[str, list[list[int]]]  # channel -> per week, 168 hourly counts
    trend_per_week: dict[str, float]  # least-squares growth of weekly totals, for information
    tickets: int  # tickets inside the window
    outside: int  # tickets before the window

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=7 * self.weeks - 1)


def read_history(file: Path, config: Config, options: ExportOptions | None = None) -> list[tuple[pendulum.DateTime, str]]:
    """(UTC created-at, channel) of every ticket in a history or helpdesk export (see `coverage.helpdesk`).

    Without options the export needs the columns created_at and channel
    (others are ignored); naive timestamps are in `forecast.timezone`. A
    channel the config does not plan is reported once, with its first line
    and its number of rows.
    """
    return read_export(file, config, options).arrivals


def build_profile(tickets: list[tuple[pendulum.DateTime, str]], config: Config, weeks: int, file: Path) -> HistoryProfile:
    """The last `weeks` whole weeks of tickets as a weekly profile in `forecast.timezone`.

    The window ends at local midnight after the day of the newest ticket and
    reaches back 7 × weeks days, so every local hour of the week is in it
    `weeks` times. weekly_volume is the mean weekly count; shares are each
    hour's count over the channel's total. Tickets before the window are
    ignored (counted). A history shorter than the window is an error.
    """
    zone = history_zone(config)
    if weeks < 1:
        raise InputError([Problem(file, None, "--weeks", f"{weeks} weeks (expected at least 1)")])
    newest = max(t for t, _ in tickets)
    oldest = min(t for t, _ in tickets)
    end_day = to_local(newest, zone).date() + timedelta(days=1)
    first_day = end_day - timedelta(days=7 * weeks)
    start_utc = local_to_utc(first_day, "00:00", zone)
    end_utc = local_to_utc(end_day, "00:00", zone)
    oldest_day = to_local(oldest, zone).date()
    if oldest_day > first_day:
        available = (end_day - oldest_day).days // 7
        raise InputError(
            [
                Problem(
                    file,
                    None,
                    "created_at",
                    f"history covers {(end_day - oldest_day).days} days from {oldest_day} to {end_day - timedelta(days=1)}, less than {weeks} weeks (use --weeks {max(available, 1)} or a longer export)",
                )
            ]
        )
    counts = {name: [[0] * HOURS_PER_WEEK for _ in range(weeks)] for name in config.channels}
    inside = outside = 0
    for instant, channel in tickets:
        if not start_utc <= instant < end_utc:
            outside += 1
            continue
        local = to_local(instant, zone)
        week = (local.date() - first_day).days // 7
        counts[channel][week][local.weekday() * 24 + local.hour] += 1
        inside += 1
    history = _summarise(counts, zone, first_day, weeks, inside, outside)
    if not history.shares:
        raise InputError(
            [Problem(file, None, "", f"no tickets in the last {weeks} weeks ({first_day} to {end_day - timedelta(days=1)})")]
        )
    return history


def _summarise(
    counts: dict[str, list[list[int]]], zone: str, first_day: date, weeks: int, inside: int, outside: int
) -> HistoryProfile:
    """Shares, mean weekly volume and trend of weekly counts (channels without a ticket are left out)."""
    shares: dict[str, list[float]] = {}
    weekly: dict[str, float] = {}
    trend: dict[str, float] = {}
    for channel, per_week in counts.items():
        totals = [sum(week) for week in per_week]
        total = sum(totals)
        if total == 0:
            continue
        hourly = [sum(week[h] for week in per_week) for h in range(HOURS_PER_WEEK)]
        shares[channel] = [count / total for count in hourly]
        weekly[channel] = total / weeks
        trend[channel] = _trend(totals)
    return HistoryProfile(
        timezone=zone,
        first_day=first_day,
        weeks=weeks,
        shares=shares,
        weekly_volume=weekly,
        weekly_counts={c: counts[c] for c in shares},
        trend_per_week=trend,
        tickets=inside,
        outside=outside,
    )


def last_weeks(history: HistoryProfile, weeks: int) -> HistoryProfile:
    """The profile of the last `weeks` weeks of a longer history (tickets before them count as outside)."""
    weeks = min(weeks, history.weeks)
    counts = {c: per_week[-weeks:] for c, per_week in history.weekly_counts.items()}
    inside = sum(sum(map(sum, per_week)) for per_week in counts.values())
    first_day = history.first_day + timedelta(days=7 * (history.weeks - weeks))
    return _summarise(counts, history.timezone, first_day, weeks, inside, history.outside + history.tickets - inside)


def whole_weeks(tickets: list[tuple[pendulum.DateTime, str]], config: Config) -> int:
    """Whole weeks from the oldest ticket's local day to the newest's (at least 1): the longest window build_profile takes."""
    zone = history_zone(config)
    newest = to_local(max(t for t, _ in tickets), zone).date()
    oldest = to_local(min(t for t, _ in tickets), zone).date()
    return max((newest - oldest).days + 1, 7) // 7


def history_zone(config: Config) -> str:
    """The zone a history is counted in: forecast.timezone (the plan's when the config has no forecast yet)."""
    return config.forecast.timezone if config.forecast is not None else config.plan.timezone


def _trend(totals: list[int]) -> float:
    """Weekly growth rate by least squares on log weekly totals (0 with fewer than 2 non-empty weeks)."""
    points = [(k, math.log(v)) for k, v in enumerate(totals) if v > 0]
    if len(points) < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return math.exp(slope) - 1.0


def profile_rows(history: HistoryProfile, spread: dict[str, float] | None = None) -> list[tuple]:
    """profile.csv rows (channel, weekday, hour, share[, spread]), shares to 8 decimals.

    With `spread` (a backtest's relative rate error per channel) each row
    also carries it, which `forecast.quantile` needs; a spread per row lets
    a hand-made profile give some hours more uncertainty than others.
    """
    rows: list[tuple] = []
    for channel, values in history.shares.items():
        for k, share in enumerate(values):
            row: tuple = (channel, WEEKDAYS[k // 24], k % 24, f"{share:.8f}")
            if spread is not None:
                row += (f"{spread.get(channel, 0.0):.6f}",)
            rows.append(row)
    return rows


def backtest_rows(result: Backtest) -> list[tuple]:
    """forecast.csv rows: per channel, method and hour of the week, the held-out volume, the forecast and the errors.

    Columns: channel, method, used (yes/no), weekday, hour, then summed
    over the held-out weeks actual, forecast and abs_error (Σ|actual −
    forecast| week by week); wape_hour = abs_error / actual (empty when
    nothing arrived) and wape = Σ abs_error / Σ actual over the channel's
    hours, so a spreadsheet can redo both.
    """
    rows: list[tuple] = []
    for channel in result.channels:
        actual = channel.actual.sum(axis=0)
        for error in channel.errors:
            forecast = error.forecast.sum(axis=0)
            absolute = np.abs(channel.actual - error.forecast).sum(axis=0)
            by_hour = error.wape_by_hour(channel.actual)
            used = "yes" if error.method == channel.chosen else "no"
            for k in range(HOURS_PER_WEEK):
                rows.append(
                    (
                        channel.channel,
                        error.method,
                        used,
                        WEEKDAYS[k // 24],
                        k % 24,
                        f"{actual[k]:g}",
                        f"{forecast[k]:.3f}",
                        f"{absolute[k]:.3f}",
                        _ratio(by_hour[k]),
                        _ratio(error.wape),
                    )
                )
    return rows


BACKTEST_COLUMNS = ("channel", "method", "used", "weekday", "hour", "actual", "forecast", "abs_error", "wape_hour", "wape")


def _ratio(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.4f}"


def forecast_yaml(
    history: HistoryProfile, source: str, profile_name: str = "profile.csv", built: BuiltForecast | None = None
) -> str:
    """A `forecast:` section to paste into a plan configuration (weekly volumes to 2 decimals).

    With a BuiltForecast it also names each channel's method and backtest
    error, carries last year's peaks as multipliers, and offers
    `quantile` (commented out) when the profile has its spread.
    """
    volumes = ", ".join(f"{c}: {round(v, 2):g}" for c, v in history.weekly_volume.items())
    trends = ", ".join(f"{c} {t * 100:+.2f} %" for c, t in history.trend_per_week.items())
    lines = [
        f"# built by `covplan forecast` from {source}: {history.weeks} week(s), {history.first_day} to {history.last_day}"
        f" ({history.timezone}), {history.tickets} tickets",
        f"# trend of weekly totals over those weeks: {trends} per week (not applied; set growth_per_week to use it)",
    ]
    if built is not None and built.backtest is not None:
        lines.append(
            f"# method per channel, by a backtest on the last {built.backtest.held_out} week(s) (forecast.csv): "
            + ", ".join(
                f"{c.channel} {c.chosen} (WAPE {c.error_of(c.chosen).wape:.1%})"
                for c in built.backtest.channels
                if not math.isnan(c.error_of(c.chosen).wape)
            )
        )
    lines += [
        "forecast:",
        f"  profile: {profile_name}          # relative to the plan configuration",
        f"  timezone: {history.timezone}",
        f"  weekly_volume: {{{volumes}}}",
        "  growth_per_week: 0",
    ]
    if built is not None and built.backtest is not None:
        lines.append("  # quantile: 0.8                  # staff for the 80th percentile of volume (profile.csv's spread)")
    uplifts = built.uplifts if built is not None else []
    if uplifts:
        lines.append(
            "  multipliers:                     # last year's weeks against the weeks before this window, a year earlier"
        )
        lines += [
            f"    - {{from: {u.start}, to: {u.end}, factor: {u.factor:g}, channels: [{u.channel}], name: last year from {u.last_year}}}"
            for u in uplifts
        ]
    else:
        lines.append(
            "  multipliers: []                  # e.g. - {from: 2026-11-27, to: 2026-11-27, factor: 3, name: Black Friday}"
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- (3b) the forecast `covplan forecast` writes


YEAR_WEEKS = 52  # 364 days: last year's same weekday
UPLIFT_THRESHOLD = 0.05  # last year's weeks within ±5 % of their baseline add no multiplier


@dataclass(frozen=True)
class Uplift:
    """Last year's volume over some weeks against the weeks before our window, a year earlier: a dated multiplier."""

    channel: str
    start: date
    end: date
    factor: float
    last_year: date  # first day of the same weeks last year


@dataclass(frozen=True)
class BuiltForecast:
    """What `covplan forecast` publishes: the profile, the backtest behind it and last year's peaks."""

    history: HistoryProfile  # the last `weeks` weeks, shares and weekly volume from the method used per channel
    backtest: Backtest | None  # None when the history has no weeks to hold out
    methods: dict[str, str]  # channel -> method used
    uplifts: list[Uplift]  # empty with less than a year (+ the window) of history
    history_weeks: int  # whole weeks in the export


def build_forecast(
    tickets: list[tuple[pendulum.DateTime, str]], config: Config, weeks: int, held_out: int, file: Path, method: str = AUTO
) -> BuiltForecast:
    """Backtest, choose the method per channel, forecast next week as a profile, and carry last year's peaks.

    Every method is scored on the last `held_out` weeks, trained on up to
    `weeks` weeks before them; the chosen one is then trained on the last
    `weeks` weeks and its next week becomes the profile (shares) and the
    weekly volume. With a year of history more than the window, last year's
    weeks become dated multipliers (see :func:`last_year_uplifts`).
    """
    if weeks < 1:
        raise InputError([Problem(file, None, "--weeks", f"{weeks} weeks (expected at least 1)")])
    total = whole_weeks(tickets, config)
    full = build_profile(tickets, config, max(total, weeks), file)
    history = last_weeks(full, weeks)
    result = None
    methods = {channel: "profile" for channel in history.shares}
    if held_out > 0 and total > held_out:
        try:
            result = backtest(full.weekly_counts, min(weeks, total - held_out), held_out, method)
        except ValueError as exc:
            raise InputError([Problem("covplan forecast", None, "--method", str(exc))]) from None
        methods = {c.channel: c.chosen for c in result.channels if c.channel in history.shares}
    elif method not in (AUTO, "profile"):
        raise InputError(
            [
                Problem(
                    file,
                    None,
                    "--holdout",
                    f"--method {method} needs a backtest (expected a history longer than --holdout {held_out} weeks)",
                )
            ]
        )
    history = _with_methods(history, methods)
    return BuiltForecast(history, result, methods, last_year_uplifts(full, weeks), total)


def _with_methods(history: HistoryProfile, methods: dict[str, str]) -> HistoryProfile:
    """The profile with each channel's next week as its method forecasts it from the window."""
    shares = dict(history.shares)
    weekly = dict(history.weekly_volume)
    for channel, name in methods.items():
        if name == "profile":
            continue
        train = np.asarray(history.weekly_counts[channel], dtype=float).ravel()
        week = predict(name, train, HOURS_PER_WEEK)
        total = float(week.sum())
        if total > 0:
            shares[channel] = [float(v) / total for v in week]
            weekly[channel] = total
    return replace(history, shares=shares, weekly_volume=weekly)


def last_year_uplifts(full: HistoryProfile, weeks: int) -> list[Uplift]:
    """Last year's weekly volume over the coming 52 weeks, against the same window a year earlier.

    Needs 52 + `weeks` whole weeks. The baseline of a channel is its mean
    weekly volume over the `weeks` weeks that ended 52 weeks before the
    history does (the profile's window, a year earlier); week j after the
    history gets factor = volume of week j a year earlier / baseline, on the
    same weekdays (364 days on). Consecutive weeks with the same factor (to
    2 decimals) are one multiplier; factors within ±5 % of 1 are left out.
    """
    if full.weeks < YEAR_WEEKS + weeks:
        return []
    start = full.first_day + timedelta(days=7 * full.weeks)  # the day after the history
    uplifts: list[Uplift] = []
    for channel, per_week in full.weekly_counts.items():
        totals = [sum(week) for week in per_week]
        baseline = sum(totals[-YEAR_WEEKS - weeks : -YEAR_WEEKS]) / weeks
        if baseline <= 0:
            continue
        for j in range(YEAR_WEEKS):
            factor = round(totals[len(totals) - YEAR_WEEKS + j] / baseline, 2)
            if abs(factor - 1) < UPLIFT_THRESHOLD or factor <= 0:
                continue
            first = start + timedelta(days=7 * j)
            last = first + timedelta(days=6)
            previous = uplifts[-1] if uplifts else None
            if (
                previous
                and previous.channel == channel
                and previous.factor == factor
                and previous.end + timedelta(days=1) == first
            ):
                uplifts[-1] = replace(previous, end=last)
            else:
                uplifts.append(Uplift(channel, first, last, factor, first - timedelta(days=7 * YEAR_WEEKS)))
    return uplifts
