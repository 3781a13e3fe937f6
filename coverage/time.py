"""Time: the one place where site-local wall-clock time becomes UTC.

Shifts are written in each site's local time, coverage is counted on a UTC
grid. Keeping every conversion here means one daylight-saving rule for the
whole program (and for the independent checker):

* a start time that does not exist on a spring-forward day (02:30 when clocks
  jump from 02:00 to 03:00) is read with the offset in force *before* the
  jump, so it lands at 03:30 local, the same elapsed time after midnight;
* a start time that happens twice on a fall-back day (01:30) means the
  *first* occurrence, the one still on summer time.

These are the rules RFC 5545 (iCalendar) uses, so calendar exports agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import pendulum

if TYPE_CHECKING:
    from coverage.config.schema import Config, Plan

UTC = pendulum.UTC


@lru_cache(maxsize=65536)
def local_to_utc(day: date, clock: str, timezone: str) -> pendulum.DateTime:
    """The UTC instant of wall-clock `clock` ("HH:MM") on `day` in `timezone`.

    Cached: rosters ask for the same few templates on the same few dates
    thousands of times, and pendulum builds a zone object on every call.
    """
    hour, minute = (int(part) for part in clock.split(":"))
    first = pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=timezone, fold=0)
    second = pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=timezone, fold=1)
    if first == second:
        return first.in_tz(UTC)
    exists = (first.hour, first.minute) == (hour, minute) and first.day == day.day
    chosen = min(first, second) if exists else max(first, second)
    return chosen.in_tz(UTC)


@lru_cache(maxsize=1024)
def zone(name: str) -> pendulum.Timezone:
    """A pendulum zone, built once: pendulum re-reads the tz database on every by-name call."""
    return pendulum.timezone(name)


def to_local(instant: datetime, timezone: str) -> pendulum.DateTime:
    """An aware instant seen on the wall clocks of `timezone`."""
    if isinstance(instant, pendulum.DateTime):
        return instant.in_tz(zone(timezone))
    return pendulum.instance(instant).in_tz(zone(timezone))


def local_span_utc(day: date, start: str, end: str, timezone: str) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    """A local time range laid on `day`, in UTC: `end` "24:00" is the next midnight, an `end` at or before `start` is on the next day.

    Each end goes through local_to_utc on its own date, so "09:00-17:00" is
    9 to 5 on the wall clock on both sides of a daylight-saving change, and
    a night range "22:00-06:00" over the change lasts 7 or 9 real hours.
    """
    if end == "24:00":
        return local_to_utc(day, start, timezone), local_to_utc(day + timedelta(days=1), "00:00", timezone)
    last = day + timedelta(days=1) if end <= start else day
    return local_to_utc(day, start, timezone), local_to_utc(last, end, timezone)


def midnight_utc(day: date, timezone: str) -> pendulum.DateTime:
    """Start of a local calendar day, in UTC."""
    return local_to_utc(day, "00:00", timezone)


def parse_timestamp(text: str, default_timezone: str) -> pendulum.DateTime:
    """ISO 8601 text → UTC; a value without an offset is local to `default_timezone`.

    Raises ValueError with a short reason the caller can put in a message.
    """
    parsed = _parse_iso(text.strip())
    if parsed.tzinfo is None:
        day = parsed.date()
        return local_to_utc(day, f"{parsed.hour:02d}:{parsed.minute:02d}", default_timezone).add(seconds=parsed.second)
    return pendulum.instance(parsed).in_tz(UTC)


def parse_wall_timestamp(text: str, default_timezone: str, repeated: bool = False) -> pendulum.DateTime:
    """Like parse_timestamp, for a table of rows laid on a wall clock (a forecast by local hour).

    A shift start the clocks skip is read as the time just after the jump, but a
    table's row there is no hour of that day: read that way it would land on the
    next row's instant and be reported as a duplicate of it, so it is refused by
    name. A local time that happens twice (clocks going back) is its first
    occurrence, or its second when `repeated` (the table's second row for it):
    an export in local time lists that hour twice, once per offset.
    """
    parsed = _parse_iso(text.strip())
    if parsed.tzinfo is not None:
        return pendulum.instance(parsed).in_tz(UTC)
    fields = (parsed.year, parsed.month, parsed.day, parsed.hour, parsed.minute, parsed.second)
    first, second = (pendulum.datetime(*fields, tz=zone(default_timezone), fold=fold) for fold in (0, 1))
    if (first.day, first.hour, first.minute) != (parsed.day, parsed.hour, parsed.minute):
        raise ValueError(
            f"{text.strip()!r} does not exist in {default_timezone} (its clocks jump past it that night; "
            "expected a local time that exists there, or leave the row out)"
        )
    instants = sorted(moment.in_tz(UTC) for moment in (first, second))  # in UTC: one zone's times compare by wall clock
    return instants[-1] if repeated else instants[0]


_YEAR_LAST = re.compile(r"^(\d{1,2})([/-])\d{1,2}[/-]\d{4}\b")
_SHORT_YEAR_LAST = re.compile(r"^(\d{1,2})([/-])(\d{1,2})\2(\d{2})(?![\d/.-])")  # Excel's US short date: 11/5/26
# DIN 5008 and most of Europe: 05.03.2026, 5.3.26; Croatia and Serbia end the date with a dot (05.03.2026.), Czechia and
# Slovakia space it (5. 3. 2026)
_DOTTED = re.compile(r"^(\d{1,2})\. ?(\d{1,2})\. ?(\d{4}|\d{2})\.?(?![\d.])")
_DOTTED_START = re.compile(r"^\d{1,2}\. ?\d{1,2}\.")  # what _DOTTED does not read is no date it can read (see _year_last_as_iso)


class DayFirstDate(ValueError):
    """A year-last date whose first number is no month: written day first, as much of the world writes dates.

    Read month first otherwise, a day-first file would be read half one way
    (05/11 as 11 May) and half the other (13/11 as 13 November), with no word.
    """

    def __init__(self, text: str, first: int, hint: str = "or write dates as 2026-11-23 09:00", separator: str = "/") -> None:
        self.text, self.first, self.separator = text, first, separator
        words = "slashes" if separator == "/" else "dashes"
        super().__init__(
            f"{text[:40]!r} has no month {first}: a date with {words} and the year last is read month/day/year "
            f"(expected e.g. 11/23/2026 09:00; {hint})"
        )


class MonthFirstDottedDate(ValueError):
    """A dotted date whose second number is no month: the rare month.day.year file, refused like DayFirstDate.

    Read day first otherwise, such a file would be read half one way (11.05
    as 11 May) and half the other, with no word.
    """

    def __init__(self, text: str, second: int, hint: str = "or write dates as 2026-11-23 09:00") -> None:
        self.text, self.second = text, second
        super().__init__(
            f"{text[:40]!r} has no month {second}: a date with dots is read day.month.year "
            f"(expected e.g. 23.11.2026 09:00; {hint})"
        )


def _year_last_as_iso(text: str) -> str:
    """Text with a year-last date rewritten year first, so the parser cannot guess its order; other text unchanged.

    Dots are day.month.year: that is how Germany (DIN 5008) and most of
    Europe write dates, and no country writes month.day.year with dots.
    Slashes (and dashes) are month/day/year, as US exports and Excel's US
    short date write them; a two-digit year is 20yy either way, not the
    parser's guess of yy/mm/dd (11/5/26 was 26 May 2011).
    """
    dotted = _DOTTED.match(text)
    if dotted:
        day, month, year = int(dotted[1]), int(dotted[2]), int(dotted[3])
        if month > 12:  # see MonthFirstDottedDate
            raise MonthFirstDottedDate(text, month)
        year += 2000 if len(dotted[3]) == 2 else 0
        return f"{year:04d}-{month:02d}-{day:02d}{text[dotted.end() :]}"
    if _DOTTED_START.match(text):  # the parser would guess, month first: 05.03.2026.14:00 as 3 May, 1.2.3 as 3 Feb 2001
        raise ValueError(
            f"{text[:40]!r} is not a date and time (a date with dots is day.month.year: expected e.g. 23.11.2026 09:00)"
        )
    short = _SHORT_YEAR_LAST.match(text)
    reading = f"{short[1]}/{short[3]}/20{short[4]}{text[short.end() :]}" if short else text
    year_last = _YEAR_LAST.match(reading)
    if year_last and int(year_last[1]) > 12:  # see DayFirstDate
        raise DayFirstDate(text, int(year_last[1]), separator=year_last[2])
    return reading


def _parse_iso(text: str) -> datetime:
    """ISO 8601 text → a datetime, naive when it carries no offset; ValueError says why not.

    Dates with the year last, which spreadsheets write, are day.month.year
    with dots and month/day/year with slashes, whatever their numbers (see
    _year_last_as_iso).
    """
    reading = _year_last_as_iso(text)
    try:
        parsed = pendulum.parse(reading, tz=None, strict=False, exact=True)
    except OverflowError as exc:  # twenty-digit years and the like
        raise ValueError(f"{text[:40]!r} is out of range (expected e.g. 2026-12-07T09:00:00+00:00)") from exc
    except (ValueError, pendulum.parsing.exceptions.ParserError, TypeError) as exc:
        raise ValueError(f"{text!r} is not an ISO 8601 timestamp (expected e.g. 2026-12-07T09:00:00+00:00)") from exc
    if isinstance(parsed, pendulum.Date) and not isinstance(parsed, pendulum.DateTime):
        parsed = pendulum.datetime(parsed.year, parsed.month, parsed.day, tz=None)
    if not isinstance(parsed, datetime):
        raise ValueError(f"{text!r} is not a date and time (expected e.g. 2026-12-07T09:00:00+00:00)")
    return parsed


# Spreadsheets count days from 1899-12-30 (Excel's 1900 date system, Lotus leap-year bug included);
# serial numbers up to 2958465 reach 9999-12-31. Unix time counts seconds from 1970 in UTC.
EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_MAX_SERIAL = 2958465
UNIX_MIN_SECONDS = 1_000_000_000  # 2001-09-09: ten digits, far above any spreadsheet serial
_SERIAL = re.compile(r"^\d+(?:\.\d+)?$")


def parse_export_timestamp(text: str, default_timezone: str, date_format: str | None = None) -> pendulum.DateTime:
    """A helpdesk export's timestamp → UTC: what `parse_timestamp` reads, and what exports and spreadsheets write.

    Besides ISO 8601 that is ``2026-11-16 09:12:00 +0000`` or ``... UTC``
    (Zendesk, Intercom), US ``11/16/2026 09:12``, European ``16.11.2026 09:12``
    (day first: see _year_last_as_iso), an Excel serial day number
    (``46342.3833``: a date cell saved as a number, local to
    `default_timezone`), Unix seconds (ten digits or more, UTC by
    definition), or, with `date_format`, exactly that strptime format
    (``%d/%m/%Y %H:%M`` for day-first dates). A value without an offset is
    local to `default_timezone`. ValueError says what is wrong.
    """
    text = text.strip()
    if date_format is not None:
        try:
            parsed = datetime.strptime(text, date_format)
        except ValueError:
            raise ValueError(f"{text[:40]!r} does not match --date-format {date_format!r}") from None
        return _naive_or_aware(parsed, default_timezone)
    if _SERIAL.match(text):
        number = float(text)
        if number >= UNIX_MIN_SECONDS:
            return pendulum.from_timestamp(number, tz=UTC)
        if 1 <= number <= EXCEL_MAX_SERIAL:
            return _naive_or_aware(EXCEL_EPOCH + timedelta(days=number), default_timezone)
        raise ValueError(f"{text!r} is neither a spreadsheet date number nor Unix seconds (expected e.g. 2026-12-07 09:00)")
    return parse_timestamp(text, default_timezone)


def _naive_or_aware(parsed: datetime, default_timezone: str) -> pendulum.DateTime:
    """An aware datetime in UTC; a naive one read on the clocks of `default_timezone` (seconds rounded to the minute's start)."""
    if parsed.tzinfo is not None:
        return pendulum.instance(parsed).in_tz(UTC)
    seconds = parsed.second + parsed.microsecond / 1e6
    return local_to_utc(parsed.date(), f"{parsed.hour:02d}:{parsed.minute:02d}", default_timezone).add(seconds=round(seconds))


def week_monday(day: date) -> date:
    """Monday of the week `day` falls in: weekly limits run Monday to Sunday."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Grid:
    """The UTC interval grid of a rota period: `count` slots of `minutes` from `start`."""

    start: pendulum.DateTime
    minutes: int
    count: int

    @cached_property
    def starts(self) -> list[pendulum.DateTime]:
        return [self.start.add(minutes=self.minutes * k) for k in range(self.count)]

    @property
    def end(self) -> pendulum.DateTime:
        return self.start.add(minutes=self.minutes * self.count)

    @property
    def hours_per_interval(self) -> float:
        return self.minutes / 60

    def index(self, instant: datetime) -> int | None:
        """Slot that begins exactly at `instant`, or None if it is off the grid."""
        seconds = instant.timestamp() - self.start.timestamp()
        slot, rest = divmod(seconds, self.minutes * 60)
        if rest or not 0 <= slot < self.count:
            return None
        return int(slot)

    def covered(self, start: datetime, end: datetime) -> range:
        """Slots wholly inside [start, end): an agent counts only for slots they work in full."""
        length = self.minutes * 60
        origin = self.start.timestamp()
        first = -(-(start.timestamp() - origin) // length)
        last = (end.timestamp() - origin) // length
        return range(max(int(first), 0), min(int(last), self.count))


def period_grid(plan: Plan) -> Grid:
    """The rota period, counted in the plan's calendar zone, on a UTC grid."""
    start = midnight_utc(plan.start, plan.timezone)
    end = midnight_utc(plan.end, plan.timezone)
    count = int((end - start).total_seconds() // (plan.interval_minutes * 60))
    return Grid(start=start, minutes=plan.interval_minutes, count=count)


@dataclass(frozen=True)
class ShiftInstance:
    """One concrete occurrence of a site's shift template on one site-local date."""

    site: str
    shift: str
    day: date
    start_utc: pendulum.DateTime
    end_utc: pendulum.DateTime
    paid_minutes: int

    @property
    def paid_hours(self) -> float:
        return self.paid_minutes / 60


def shift_instances(config: Config) -> list[ShiftInstance]:
    """Every template occurrence that *starts* inside the rota period.

    A shift belongs to the period its start falls in, so consecutive periods
    tile without overlap; site-local dates may therefore reach one day before
    or after the plan's dates when the site is far from the plan's zone.
    """
    grid = period_grid(config.plan)
    found: list[ShiftInstance] = []
    for site_name, site in config.sites.items():
        for day in _candidate_days(config.plan):
            for shift_name, template in site.shifts.items():
                if template.flexible:
                    continue  # one decision per agent and day, not an occurrence: see flexible_windows
                start = local_to_utc(day, template.start, site.timezone)
                if grid.start <= start < grid.end:
                    found.append(
                        ShiftInstance(
                            site=site_name,
                            shift=shift_name,
                            day=day,
                            start_utc=start,
                            end_utc=start.add(minutes=template.minutes),
                            paid_minutes=template.paid_minutes,
                        )
                    )
    found.sort(key=lambda s: (s.site, s.day, s.start_utc, s.shift))
    return found


def _candidate_days(plan: Plan) -> Iterator[date]:
    for offset in range(-1, plan.days + 1):
        yield plan.start + timedelta(days=offset)


def site_days(config: Config, site: str) -> list[date]:
    """Site-local dates on which at least one of the site's shifts (listed or flexible) can start in the period."""
    listed = {s.day for s in shift_instances(config) if s.site == site}
    return sorted(listed | {w.day for w in flexible_windows(config) if w.site == site})


@dataclass(frozen=True)
class FlexWindow:
    """Where a flexible template's runs can lie on one site-local date, in UTC grid slots.

    Slots are counted from the period grid's start and may run past its end
    (a run that starts on the last evening ends in the next period), so slot
    k begins at `grid.start + k × slot_minutes` whatever k is. `starts` are
    the slots a run may begin in: the template's earliest to latest start,
    each laid on the date and converted on its own (a Dublin 08:00-14:00 is
    07:00-13:00Z in winter, 06:00-12:00Z in summer, and on the day clocks
    change the starts after the change move by an hour). A start that falls
    off the UTC grid (a zone half an hour off a 60-minute grid) or outside
    the period is left out. `first`..`last` are every slot a run can reach.
    """

    site: str
    shift: str
    day: date
    starts: tuple[int, ...]
    min_slots: int
    max_slots: int
    slot_minutes: int

    @property
    def first(self) -> int:
        return self.starts[0]

    @property
    def last(self) -> int:
        """The last slot a run can be on duty in: the latest start plus the longest length."""
        return self.starts[-1] + self.max_slots - 1

    @property
    def slots(self) -> range:
        return range(self.first, self.last + 1)


def slot_start(grid: Grid, slot: int) -> pendulum.DateTime:
    """The UTC start of slot `slot` of the grid, also for slots past its end (a run into the next period)."""
    return grid.start.add(minutes=grid.minutes * slot)


def flexible_windows(config: Config) -> list[FlexWindow]:
    """Every (site, flexible template, site-local date) with at least one start inside the rota period.

    The counterpart of `shift_instances` for flexible templates: a run, like
    a listed shift, belongs to the period its start falls in.
    """
    grid = period_grid(config.plan)
    step = config.plan.interval_minutes
    found: list[FlexWindow] = []
    for site_name, site in config.sites.items():
        for shift_name, template in site.shifts.items():
            if not template.flexible:
                continue
            for day in _candidate_days(config.plan):
                instants = clock_range_utc(day, template.earliest_start, template.latest_start, step, site.timezone)
                starts = sorted({k for k in (grid.index(t) for t in instants) if k is not None})
                if starts:
                    found.append(
                        FlexWindow(
                            site=site_name,
                            shift=shift_name,
                            day=day,
                            starts=tuple(starts),
                            min_slots=template.min_minutes // step,
                            max_slots=template.max_minutes // step,
                            slot_minutes=step,
                        )
                    )
    found.sort(key=lambda w: (w.site, w.day, w.first, w.shift))
    return found


def on_duty_spans(
    start: pendulum.DateTime, end: pendulum.DateTime, unpaid_break_minutes: int, break_start: datetime | None = None
) -> list[tuple[pendulum.DateTime, pendulum.DateTime]]:
    """The parts of a shift an agent is actually available, with the break taken out.

    Until break placement becomes a decision of the model, the unpaid break
    sits in the middle of the shift, its start rounded down to a multiple of
    its own length when that divides an hour (15, 20, 30 or 60 minutes) and
    of 15 minutes otherwise, so that a 30-minute break lines up with a
    30-minute grid. A 9 h shift with a 60 min break: break from +4:00 to +5:00;
    8 h with 30 min: +3:30 to +4:00.
    """
    if unpaid_break_minutes <= 0:
        return [(start, end)]
    if break_start is None:
        break_start = default_break_start(start, end, unpaid_break_minutes)
    begin = pendulum.instance(break_start)
    return [(start, begin), (begin.add(minutes=unpaid_break_minutes), end)]


def default_break_start(start: pendulum.DateTime, end: pendulum.DateTime, unpaid_break_minutes: int) -> pendulum.DateTime:
    """Mid-shift, on a step of the break's own length (or 15 minutes): where a break sits unless chosen."""
    total = int((end - start).total_seconds() // 60)
    step = unpaid_break_minutes if 60 % unpaid_break_minutes == 0 else 15
    return start.add(minutes=(total - unpaid_break_minutes) // 2 // step * step)


def break_starts(
    start: pendulum.DateTime, earliest_hours: float, latest_hours: float, step_minutes: int
) -> list[pendulum.DateTime]:
    """Break starts the model may choose: every `step_minutes` (the grid's) from earliest to latest after the start."""
    first, last = round(earliest_hours * 60), round(latest_hours * 60)
    return [start.add(minutes=offset) for offset in range(first, last + 1, step_minutes)]


def duty_slots(
    grid: Grid, start: pendulum.DateTime, end: pendulum.DateTime, unpaid_break_minutes: int, break_start: datetime | None = None
) -> list[int]:
    """Grid slots in which an agent on this shift counts as covering: whole slots, break excluded."""
    slots: list[int] = []
    for span_start, span_end in on_duty_spans(start, end, unpaid_break_minutes, break_start):
        slots.extend(grid.covered(span_start, span_end))
    return slots


@lru_cache(maxsize=65536)
def hours_in_local_window(start: datetime, end: datetime, timezone: str, window_start: str, window_end: str) -> float:
    """Hours of [start, end) that fall inside a daily local window such as 22:00-06:00.

    The window is laid on each local date the shift touches (and the day
    before, for windows that wrap midnight) and converted with local_to_utc,
    so a night that is 25 hours long in the autumn counts correctly.
    """
    first = to_local(start, timezone).date() - timedelta(days=1)
    last = to_local(end, timezone).date()
    wraps = window_end <= window_start
    total = 0.0
    day = first
    while day <= last:
        lo = local_to_utc(day, window_start, timezone)
        hi = local_to_utc(day + timedelta(days=1) if wraps else day, window_end, timezone)
        overlap = min(end.timestamp(), hi.timestamp()) - max(start.timestamp(), lo.timestamp())
        total += max(overlap, 0.0) / 3600
        day += timedelta(days=1)
    return total


# --------------------------------------------------------------------------- a view's wall clock


def clock_minutes(clock: str) -> int:
    """Minutes after midnight of an "HH:MM" clock time (validated by the config)."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def in_window(minute_of_day: int, start: str, end: str) -> bool:
    """Whether a local clock time (minutes after midnight) lies in [start, end), wrapping midnight."""
    lo, hi = clock_minutes(start), clock_minutes(end)
    if lo < hi:
        return lo <= minute_of_day < hi
    if lo > hi:
        return minute_of_day >= lo or minute_of_day < hi
    return False


@dataclass(frozen=True)
class LocalSlot:
    """One UTC interval on a view's wall clock: its local start and the weekend/overnight flags."""

    local: datetime
    weekend: bool
    overnight: bool

    @property
    def weekday(self) -> int:  # 0 = Mon .. 6 = Sun
        return self.local.weekday()

    @property
    def hour(self) -> int:
        return self.local.hour


def local_slots(grid: Grid, zone: str, config: Config) -> list[LocalSlot]:
    """Each interval's local start in `zone`, judged weekend and overnight by its start (as gaps.csv is).

    One judgement for every stage that asks "is this interval a weekend or a
    night hour in New York?": the gap report, hiring targets and the roster
    model's tie-break on the first view's weekend and overnight hours.
    """
    from coverage.config.schema import WEEKDAYS

    weekend = set(config.weekend)
    found = []
    for start in grid.starts:
        local = to_local(start, zone)
        minute = local.hour * 60 + local.minute
        found.append(
            LocalSlot(
                local, WEEKDAYS[local.weekday()] in weekend, in_window(minute, config.overnight.start, config.overnight.end)
            )
        )
    return found


@dataclass(frozen=True)
class TemplateReach:
    """The hours a template's shifts may span on one site-local date: a listed template's one shift, a flexible one's range.

    From the earliest start to the latest start plus the longest length, so
    that a question such as "could this site's shifts have covered these
    hours?" is answered for every start and length the template allows.
    """

    site: str
    shift: str
    day: date
    start_utc: pendulum.DateTime  # the earliest start
    end_utc: pendulum.DateTime  # the latest start plus the longest length


def template_reaches(config: Config) -> list[TemplateReach]:
    """Each template's reach on each site-local date on which some start of it falls inside the rota period.

    A flexible template's starts span less than a day, so one of them falls
    in the period (whole days) exactly when its earliest or its latest does.
    """
    grid = period_grid(config.plan)
    found: list[TemplateReach] = []
    for site_name, site in config.sites.items():
        for day in _candidate_days(config.plan):
            for shift_name, template in site.shifts.items():
                first = local_to_utc(day, template.earliest_start, site.timezone)
                last = local_to_utc(day, template.latest_start, site.timezone)
                if grid.start <= first < grid.end or grid.start <= last < grid.end:
                    found.append(TemplateReach(site_name, shift_name, day, first, last.add(minutes=template.max_minutes)))
    return found


def clock_range_utc(day: date, first: str, last: str, step_minutes: int, timezone: str) -> list[pendulum.DateTime]:
    """Wall-clock times from `first` to `last` ("HH:MM") every `step_minutes` on a local date, each as its UTC instant.

    Laid clock by clock, not by adding minutes in UTC, so a range that
    crosses a daylight-saving change keeps its wall-clock times.
    """
    start, stop = clock_minutes(first), clock_minutes(last)
    return [local_to_utc(day, f"{m // 60:02d}:{m % 60:02d}", timezone) for m in range(start, stop + 1, step_minutes)]
