"""A hiring target as the command line gives it: `--target`, `--channels` and `--within` specs, read into a solver Target.

Only `covplan hires` reads these strings; the hiring domain (coverage.hires)
takes the `Target` they become. The `--within` hours are found on each
interval's local clock (coverage.time.local_slots, as gaps.csv judges
weekend and overnight) in any IANA zone, not only a view. A mistake is
InputError naming the flag and what was expected: bad input, not a traceback.
"""

from __future__ import annotations

import re
import zoneinfo

from coverage.config.schema import Config
from coverage.errors import InputError, Problem
from coverage.solve import Target
from coverage.time import Grid, LocalSlot, in_window, local_slots, period_grid

TARGET_KINDS = ("uncovered", "service", "ratio")

WITHIN_FORMS = "ZONE, ZONE:weekend, ZONE:overnight, ZONE:weekdays or ZONE:HH:MM-HH:MM"
_WINDOW = re.compile(r"^(?P<start>(?:[01]\d|2[0-3]):[0-5]\d)-(?P<end>(?:[01]\d|2[0-3]):[0-5]\d|24:00)$")


def within(specs: list[str], config: Config) -> tuple[frozenset[int], str]:
    """The grid intervals in any of the `--within` specs and those hours in words.

    The zone need not be one of the config's views: a manager may ask about
    any IANA zone. Weekend and overnight follow the config's `weekend` and
    `overnight`, judged by each interval's local start, as in gaps.csv.
    """
    grid = period_grid(config.plan)
    chosen: set[int] = set()
    words: list[str] = []
    problems: list[Problem] = []
    for spec in specs:
        try:
            slots, said = _within_one(spec, grid, config)
        except ValueError as exc:
            problems.append(Problem("covplan hires", None, "--within", f"{spec!r}: {exc}"))
            continue
        chosen |= slots
        words.append(said)
    if problems:
        raise InputError(problems)
    return frozenset(chosen), " or ".join(words)


def _within_one(spec: str, grid: Grid, config: Config) -> tuple[set[int], str]:
    """One spec, ZONE[:HOURS]; a mistake is a ValueError saying what was expected."""
    zone, _, hours = (part.strip() for part in spec.partition(":"))
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as 'Europe'
        raise ValueError(
            f"unknown time zone {zone!r} (expected an IANA name, as in Europe/London:weekend; forms: {WITHIN_FORMS})"
        ) from None
    places = local_slots(grid, zone, config)
    if not hours:
        return set(range(len(places))), f"at any hour in {zone}"
    if hours in ("weekend", "weekends"):
        return {k for k, p in enumerate(places) if p.weekend}, f"on weekends ({'/'.join(config.weekend)}) in {zone}"
    if hours == "weekdays":
        return {k for k, p in enumerate(places) if not p.weekend}, f"on weekdays in {zone}"
    if hours == "overnight":
        night = config.overnight
        return {k for k, p in enumerate(places) if p.overnight}, f"overnight ({night.start}–{night.end}) in {zone}"
    window = _WINDOW.match(hours)
    if window is None:
        raise ValueError(
            f"{hours!r} is not a choice of hours (expected weekend, overnight, weekdays "
            f"or a local window HH:MM-HH:MM such as 08:00-20:00 or 22:00-06:00)"
        )
    start, end = window["start"], window["end"]
    if start == end:
        raise ValueError(
            f"{hours!r} is an empty window (expected two different times such as 08:00-20:00; for every hour give the zone alone)"
        )
    return {k for k, p in enumerate(places) if in_window(_minute(p), start, end)}, f"{start}–{end} in {zone}"


def _minute(place: LocalSlot) -> int:
    return place.local.hour * 60 + place.local.minute


def target_from_args(target: str, channels: str | None, specs: list[str], config: Config) -> Target:
    """`--target`, `--channels` and `--within` as a solver Target; every mistake at once, as bad input."""
    kind, _, value = target.partition(":")
    chosen = frozenset(c.strip() for c in channels.split(",")) if channels else None
    problems = []
    if kind not in TARGET_KINDS or (kind == "ratio") != bool(value):
        problems.append(f"--target {target!r} is not a target (expected uncovered, service or ratio:0.95)")
    ratio = 1.0
    if kind == "ratio" and value:
        try:
            ratio = float(value)
        except ValueError:
            ratio = -1.0
        if not 0 < ratio <= 1:
            problems.append(f"--target {target!r}: the ratio must be a number in (0, 1] (expected e.g. ratio:0.95)")
    for channel in sorted(chosen or ()):
        if channel not in config.channels:
            problems.append(f"--channels: unknown channel {channel!r} (expected one of: {', '.join(config.channels)})")
    if problems:
        raise InputError([Problem("covplan hires", None, "arguments", text) for text in problems])
    intervals, where = within(specs, config) if specs else (None, "")
    zone = specs[0].partition(":")[0].strip() if specs else ""  # hours out of reach are said on this clock
    return Target(kind=kind, ratio=ratio, channels=chosen, intervals=intervals, where=where, zone=zone)
