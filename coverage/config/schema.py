"""The configuration's schema: the pydantic models a config is validated into, their types, limits and words.

Nothing here reads a file: coverage.config.loader reads the YAML and the sheets
and validates them against these models, coverage.config.checks cross-checks
what they parsed. Modules that only need the models (coverage.config.teamsheet,
coverage.availability, the solver) import them from here.
"""

from __future__ import annotations

import datetime as dt  # dt.date inside models whose field `date` hides the type (Request, Span, Cover)
import re
import unicodedata
import zoneinfo
from collections.abc import Collection
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from coverage.yamlload import shorten

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _check_timezone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):  # OSError: a folder such as "Europe"
        raise ValueError(f"unknown time zone {name!r} (expected an IANA name such as Europe/Dublin)") from None
    return name


def clock_minutes(clock: str) -> int:
    """Minutes after midnight of a validated "HH:MM" (coverage.time has the same for its own callers, below the config)."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _check_clock(value: str) -> str:
    if not isinstance(value, str) or not _CLOCK.match(value):
        raise ValueError(f'{value!r} is not a time of day (expected "HH:MM", e.g. "07:00")')
    hours, minutes = value.split(":")
    return f"{int(hours):02d}:{minutes}"


# The years a plan may fall in. The code reaches a year either side of the period
# (holidays, roster dates), so a date near 0001 or 9999 would overflow Python's
# calendar after the search; a year like 0226 or 2926 is a typo anyway.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2199, 12, 31)
MAX_LEAVE_DAYS = 3 * 366  # one leave range; someone away for longer has an employment_end
MAX_WEIGHT = 1_000_000  # objective weights: CP-SAT refuses a model whose objective could overflow 64 bits
MAX_PERIOD_DAYS = 366
MAX_AGENTS = 10_000  # in one plan; see size_problems
MAX_WORKLOAD_WEIGHT = 100  # agents[].weight: a share of a full person (1); 100 people in one row is a typo
HEAD_UNITS = 100  # one person, in the hundredths a `count_weight` channel counts its agents in (CP-SAT counts in integers)


def _check_day(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            f"{value.isoformat()} is outside the years a plan can use (expected a date from {EARLIEST_DATE} to {LATEST_DATE})"
        )
    return value


REFUSED_IN_TEXT = {
    "Cc": "a control character",
    "Cs": "half of a surrogate pair, not a character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


def _check_text(value: str) -> str:
    """Free text ends up in spreadsheets, calendars and plot labels, which refuse control characters.

    Control characters (tabs, line breaks, NUL …), Unicode's line and
    paragraph separators and lone surrogates are refused; format characters are text people really write — the
    right-to-left mark in a Hebrew or Arabic name, the zero-width joiner in
    an Indic one — and pass (our exports carry them inert).
    """
    bad = next((ch for ch in value if unicodedata.category(ch) in REFUSED_IN_TEXT), None)
    if bad is not None:
        what = REFUSED_IN_TEXT[unicodedata.category(bad)]
        raise ValueError(f"{shorten(repr(value))} contains U+{ord(bad):04X}, {what} (expected text on one line)")
    return value


# Every zone in the config goes through _check_timezone, including `views`, which
# only the report reads: a typo there must fail `covplan check`, not the report.
TimeZone = Annotated[str, AfterValidator(_check_timezone)]  # each key that holds one says so in its description
Day = Annotated[date, AfterValidator(_check_day)]
Text = Annotated[str, AfterValidator(_check_text)]
NAME_PATTERN = r"^[A-Za-z0-9_.-]+$"


def _check_name(value: str) -> str:
    """A name made of dots only is refused: an agent id names a file (calendars/AGENT.ics), and `..` was a hidden
    `...ics` there (a leading '-' or a '.hidden' id stays valid: the exports keep such names inert)."""
    if value.strip(".") == "":
        raise ValueError(
            f"{value!r} is made of dots only, which a file named by it (calendars/AGENT.ics) reads as a folder or a "
            "hidden file (expected a name with a letter, digit, '_' or '-')"
        )
    return value


Name = Annotated[str, Field(min_length=1, pattern=NAME_PATTERN), AfterValidator(_check_name)]
Weight = Annotated[int, Field(ge=0, le=MAX_WEIGHT)]


class Strict(BaseModel):
    """Base for every config section: unknown keys are mistakes, not extensions."""

    # .inf / .nan are YAML numbers, but no duration or volume here can be infinite.
    # Each key's docstring is its description: in the JSON Schema editors read, and in the docs' configuration reference.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, use_attribute_docstrings=True)


class Plan(Strict):
    start: Day
    """First day of the rota period."""
    days: int = Field(ge=1, le=MAX_PERIOD_DAYS)
    """Length of the period in days (1–366)."""
    timezone: TimeZone
    """IANA zone of the calendar `start` and `days` are counted in: the period runs from local midnight of `start` to local midnight after the last day."""
    interval_minutes: Literal[60, 30, 15] = 60
    """Length of one interval of the UTC grid coverage is counted on."""
    time_limit_seconds: float = Field(default=60, gt=0)
    """Solver time limit (`--time-limit` overrides)."""
    seed: int = Field(default=1, ge=0, le=2**31 - 1)  # CP-SAT's seed is a 32-bit integer
    """Solver random seed (`--seed` overrides); CP-SAT's seed is a 32-bit integer."""
    workers: int = Field(default=0, ge=0, le=256, description="CP-SAT search workers; 0 = one per core")

    @property
    def end(self) -> date:
        """First day after the rota period."""
        return self.start + timedelta(days=self.days)


class Window(Strict):
    start: str
    """Local time the window starts, `"HH:MM"`."""
    end: str
    """Local time the window ends, `"HH:MM"`; before `start` means it ends the next day."""

    _clock = field_validator("start", "end")(_check_clock)

    @model_validator(mode="after")
    def _not_empty(self) -> Window:
        if self.start == self.end:
            raise ValueError(
                f"start and end are both {self.start}: the window would be empty (expected two times, e.g. 22:00 to 06:00)"
            )
        return self


class ServiceLevel(Strict):
    percent: float = Field(gt=0, lt=100)
    """Share of contacts to answer within `within_seconds`, in percent (80 = 80 %)."""
    within_seconds: float = Field(gt=0)
    """The answer time the service level counts against."""


# "at least 1 engineer": a role (or a channel skill) -> heads with it among those counted.
Mix = dict[Name, Annotated[int, Field(ge=1, le=MAX_AGENTS)]]


class RealtimeChannel(Strict):
    kind: Literal["realtime"]
    """`realtime`: queued and answered live (chat, phone), staffed with Erlang C (or Erlang A with `patience_seconds`)."""
    aht_seconds: float = Field(gt=0, le=24 * 3600)
    """Average handle time of one contact."""
    concurrency: int = Field(default=1, ge=1, le=20)
    """Contacts one agent handles at once (chat); an agent is that many servers."""
    service_level: ServiceLevel
    """The service-level target: `{percent, within_seconds}`, e.g. 80 % within 60 s."""
    # Optional extra targets and the Erlang A switch (see coverage/demand.py and docs/demand.md).
    asa_seconds: float | None = Field(default=None, gt=0, description="average speed of answer must not exceed this")
    max_occupancy: float | None = Field(default=None, gt=0, le=1, description="busy share of agent time, e.g. 0.85")
    patience_seconds: float | None = Field(default=None, gt=0, description="average patience: Erlang A instead of Erlang C")
    mix: Mix = Field(
        default_factory=dict,
        description="in every interval the channel needs someone, at least this many of those on duty with each role, e.g. {engineer: 1}",
    )
    count_weight: bool = False
    """Count each agent on duty as their `weight` of a person toward the requirement, not as one head: two agents of weight 0.5 meet a need of 1, and half a person missing costs half of `weights.understaffed`. "Uncovered" still means nobody on duty; `mix`, `cover` rows and mentors count heads. Weights in whole hundredths."""


class BacklogChannel(Strict):
    kind: Literal["backlog"]
    """`backlog`: contacts that can wait (email, tickets): the workload must be handled within the deadline."""
    aht_seconds: float = Field(gt=0, le=24 * 3600)
    """Average handle time of one contact."""
    respond_within_hours: float = Field(gt=0, le=24 * 14)
    """Deadline for handling a contact, from its arrival."""


Channel = Annotated[RealtimeChannel | BacklogChannel, Field(discriminator="kind")]


class Multiplier(Strict):
    """A dated event that scales the profile forecast: Black Friday ×3, a Q4 peak ×1.2."""

    start: Day = Field(alias="from")
    """First local date the factor applies (inclusive)."""
    end: Day = Field(alias="to")
    """Last local date the factor applies (inclusive)."""
    factor: float = Field(gt=0, le=100)
    """Volume multiplier; factors of overlapping multipliers multiply."""
    channels: list[str] | None = Field(default=None, description="default: every channel")
    name: Text | None = None
    """A label for the event, e.g. Black Friday."""

    @model_validator(mode="after")
    def _ordered(self) -> Multiplier:
        if self.end < self.start:
            raise ValueError(f"'to' ({self.end}) is before 'from' ({self.start}) (expected from <= to)")
        return self


class Forecast(Strict):
    """Where the volumes come from: a CSV of volumes (`file`) or a weekly `profile` × `weekly_volume`."""

    file: str | None = None
    """CSV `start,channel,volume`: contacts arriving in the interval starting at `start` (relative to this file)."""
    timezone: TimeZone = "UTC"
    """IANA zone of `start` values written without an offset, and of the profile's weekdays and hours."""
    interval_minutes: int | None = Field(
        default=None,
        gt=0,
        le=7 * 24 * 60,
        description="minutes each row of `file` covers; default: the rows' own spacing up to an hour (an hourly export on a 30-minute grid is hourly volumes), else one grid interval",
    )
    profile: str | None = Field(default=None, description="CSV channel,weekday,hour,share: 168 hourly shares per channel")
    weekly_volume: dict[str, Annotated[float, Field(ge=0, le=1e9)]] = Field(default_factory=dict)
    """With `profile`: contacts per week per channel, e.g. `{chat: 5000}`."""
    growth_per_week: float = Field(default=0.0, gt=-1, le=1)
    """With `profile`: compound growth per whole week, e.g. 0.01."""
    growth_from: Day | None = Field(default=None, description="date growth is counted from; default plan.start")
    multipliers: list[Multiplier] = Field(default_factory=list)
    """With `profile`: dated events that scale the volume, `[{from, to, factor, channels, name}]`."""
    quantile: float | None = Field(
        default=None, gt=0, lt=1, description="staff for this quantile of volume, e.g. 0.8 (needs the profile's spread)"
    )

    @model_validator(mode="after")
    def _one_source(self) -> Forecast:
        if (self.file is None) == (self.profile is None):
            raise ValueError("give exactly one of 'file' (a CSV of volumes) or 'profile' (weekly shares × weekly_volume)")
        if self.profile is not None and not self.weekly_volume:
            raise ValueError("'profile' needs 'weekly_volume' (contacts per week per channel, e.g. {chat: 5000})")
        if self.interval_minutes is not None and self.file is None:
            raise ValueError("'interval_minutes' is the length of the rows of 'file' (expected it only with file)")
        if self.quantile is not None and self.profile is None:
            raise ValueError(
                "'quantile' needs a 'profile' forecast with its spread (expected the profile.csv `covplan forecast` writes)"
            )
        if self.file is not None and (self.weekly_volume or self.multipliers or self.growth_per_week or self.growth_from):
            raise ValueError(
                "weekly_volume, growth_per_week, growth_from and multipliers shape a 'profile' forecast (expected a profile, or none of them with 'file')"
            )
        return self


class ShrinkageRule(Strict):
    """Share of paid time not available for contacts: one number, or a default with weekday exceptions."""

    default: float = Field(default=0.0, ge=0, lt=1)
    """Shrinkage on days without an exception."""
    weekday: dict[Weekday, Annotated[float, Field(ge=0, lt=1)]] = Field(default_factory=dict)
    """Exceptions by weekday, e.g. `{Sat: 0.2}` (each site's local weekday)."""

    @model_validator(mode="before")
    @classmethod
    def _bare_share(cls, data: Any) -> Any:
        """`shrinkage: 0.3` means {default: 0.3}; checked here so the error names the key itself."""
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            if not 0 <= data < 1:
                raise ValueError(f"shrinkage must be >= 0 and less than 1 (got {data}; expected a share such as 0.3)")
            return {"default": data}
        return data

    def at(self, weekday: int) -> float:
        """Shrinkage on weekday `weekday` (0 = Mon .. 6 = Sun)."""
        return self.weekday.get(WEEKDAYS[weekday], self.default)  # type: ignore[call-overload]


class Shrinkage(ShrinkageRule):
    """Top-level shrinkage; `sites` gives a site its own rule (its weekday is the site's local weekday)."""

    sites: dict[str, ShrinkageRule] = Field(default_factory=dict)
    """A site's own rule (a number, or `{default, weekday}`); other sites use the top-level one."""

    def rule_for(self, site: str | None) -> ShrinkageRule:
        return self.sites.get(site, self) if site is not None else self

    @property
    def is_constant(self) -> bool:
        """One number everywhere: requirements need no weighting over sites and weekdays."""
        rules = [self, *self.sites.values()]
        return all(not r.weekday and r.default == self.default for r in rules)


class BreakWindow(Strict):
    """Where the model may place a template's unpaid break: its start, in hours after the shift starts."""

    earliest: float = Field(ge=0)
    """Earliest break start, in hours after the shift starts."""
    latest: float = Field(ge=0)
    """Latest break start, in hours after the shift starts."""


class LengthRange(Strict):
    """A flexible template's length: any whole number of grid intervals from `min` to `max` hours."""

    min: float = Field(gt=0, le=16)
    """Shortest shift, in hours."""
    max: float = Field(gt=0, le=16)
    """Longest shift, in hours."""

    @model_validator(mode="after")
    def _ordered(self) -> LengthRange:
        if self.min > self.max:
            raise ValueError(f"the shortest length {self.min:g} h is longer than the longest {self.max:g} h (expected e.g. 2-8)")
        return self


def _length_range(value: Any) -> Any:
    """`hours: 2-8` arrives from YAML as the text "2-8"; a number stays a listed template's one length."""
    if isinstance(value, str):
        low, dash, high = value.partition("-")
        try:
            shortest, longest = (float(low), float(high)) if dash else (float(value), float(value))
        except ValueError:
            raise ValueError(f"{value!r} is not a length (expected hours such as 8, or a range such as 2-8)") from None
        if shortest > longest:
            raise ValueError(f"the shortest length {shortest:g} h is longer than the longest {longest:g} h (expected e.g. 2-8)")
        return {"min": shortest, "max": longest} if dash else shortest
    return value


def _start_range(value: Any) -> Any:
    """`start: "08:00-14:00"`: the earliest and the latest start of a flexible template, on the site's clock."""
    if not isinstance(value, str) or "-" not in value:
        return _check_clock(value)
    first, _, last = value.partition("-")
    first, last = _check_clock(first.strip()), _check_clock(last.strip())
    if clock_minutes(last) < clock_minutes(first):
        raise ValueError(
            f"starts {value!r} run past midnight (expected the earliest start first, inside one day, e.g. 08:00-14:00; "
            "split the range into two templates)"
        )
    return f"{first}-{last}"


class ShiftTemplate(Strict):
    """A listed shift (one start, one length) or a flexible one (a range of starts, a range of lengths, on the grid).

    A flexible template is one decision per agent and day (coverage.solve
    encodes the run of duty intervals, never every start × length as a
    listed template); its paid time is its length (no unpaid break yet).
    """

    start: Annotated[str, BeforeValidator(_start_range)]
    """Local start time at the site, `"HH:MM"`; or a range of starts `"08:00-14:00"` for a flexible shift."""
    hours: Annotated[float | LengthRange, BeforeValidator(_length_range, json_schema_input_type=float | str | LengthRange)]
    """Length of the shift, unpaid break included (at most 16); or a range such as `2-8` for a flexible shift."""
    unpaid_break_minutes: int = Field(default=0, ge=0)
    """Unpaid break; paid hours are `hours − unpaid_break_minutes / 60`. Without a `break_window` it sits in the middle of the shift."""
    break_window: BreakWindow | None = None
    """Lets the model place the break, on the grid, between `earliest` and `latest` hours after the start, e.g. `{earliest: 3, latest: 5}`."""

    @field_validator("hours")
    @classmethod
    def _length(cls, value: float | LengthRange) -> float | LengthRange:
        if isinstance(value, float | int) and not 0 < value <= 16:
            raise ValueError(f"{value:g} h is not a shift length (expected more than 0 and at most 16 hours)")
        return value

    @model_validator(mode="after")
    def _break_fits(self) -> ShiftTemplate:
        if self.flexible:
            if self.unpaid_break_minutes or self.break_window is not None:
                raise ValueError(
                    "a flexible shift (a range of starts or lengths) has no unpaid break yet "
                    "(expected no unpaid_break_minutes or break_window; list the shift with a fixed start and length instead)"
                )
            return self
        if self.unpaid_break_minutes >= self.minutes:
            raise ValueError("unpaid_break_minutes must be shorter than the shift (expected fewer minutes than hours × 60)")
        window = self.break_window
        if window is not None:
            if self.unpaid_break_minutes <= 0:
                raise ValueError("break_window needs unpaid_break_minutes (expected a break length in minutes)")
            if window.earliest > window.latest or window.latest * 60 + self.unpaid_break_minutes > self.minutes:
                raise ValueError(
                    "break_window must run from earliest to latest inside the shift "
                    "(expected earliest <= latest and latest + the break to end by the shift's end)"
                )
        return self

    @property
    def flexible(self) -> bool:
        """A range of starts or of lengths: the model chooses both per agent and day."""
        return isinstance(self.hours, LengthRange) or "-" in self.start

    @property
    def earliest_start(self) -> str:
        return self.start.split("-")[0]

    @property
    def latest_start(self) -> str:
        return self.start.split("-")[-1]

    @property
    def min_minutes(self) -> int:
        return round((self.hours.min if isinstance(self.hours, LengthRange) else self.hours) * 60)

    @property
    def max_minutes(self) -> int:
        return round((self.hours.max if isinstance(self.hours, LengthRange) else self.hours) * 60)

    @property
    def length_text(self) -> str:
        """The length as the user wrote it: `8` or `2-8` (hours)."""
        if isinstance(self.hours, LengthRange):
            return f"{self.hours.min:g}-{self.hours.max:g}"
        return f"{self.hours:g}"

    @property
    def minutes(self) -> int:
        """A listed template's one length; a flexible template has none (each assignment has its own)."""
        if self.flexible:
            raise TypeError("a flexible template has no single length: read the assignment's own (coverage.roster.paid_minutes)")
        return self.min_minutes

    @property
    def paid_minutes(self) -> int:
        """Contract hours count paid time only; the unpaid break is not worked."""
        return self.minutes - self.unpaid_break_minutes


class Site(Strict):
    timezone: TimeZone
    """IANA zone of the site; its shift templates are in this local time."""
    holidays: str | None = Field(default=None, description="country[-subdivision], e.g. CA-ON")
    shifts: dict[Name, ShiftTemplate] = Field(min_length=1)
    """The site's shift templates by name, in site-local time."""

    @field_validator("holidays")
    @classmethod
    def _known_calendar(cls, value: str | None) -> str | None:
        if value is not None:
            _holiday_calendar(value, [2026])
        return value


class HoursRange(Strict):
    min: float = Field(default=0, ge=0)
    """Fewest paid hours."""
    max: float = Field(gt=0, le=24 * 7)
    """Most paid hours."""

    @model_validator(mode="after")
    def _ordered(self) -> HoursRange:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max}) (expected min <= max)")
        return self


class PeriodHours(HoursRange):
    """Paid hours over the whole rota period (up to a year of them)."""

    max: float = Field(gt=0, le=24 * 366)
    """Most paid hours."""


class RuleOverrides(Strict):
    """Rules a contract or an agent may set to override the defaults in `rules`."""

    min_rest_hours: float | None = Field(default=None, ge=0, le=48)
    """Overrides `rules.min_rest_hours`."""
    max_consecutive_days: int | None = Field(default=None, ge=1, le=366)
    """Overrides `rules.max_consecutive_days`."""
    min_consecutive_days: int | None = Field(default=None, ge=1, le=14)
    """Overrides `rules.min_consecutive_days`."""
    min_consecutive_days_off: int | None = Field(default=None, ge=1, le=7)
    """Overrides `rules.min_consecutive_days_off`."""
    max_weekends_per_period: int | None = Field(default=None, ge=0, le=MAX_PERIOD_DAYS)
    """Overrides `rules.max_weekends_per_period`."""
    max_nights_per_week: int | None = Field(default=None, ge=0, le=7)
    """Overrides `rules.max_nights_per_week`."""
    max_nights_per_period: int | None = Field(default=None, ge=0, le=MAX_PERIOD_DAYS)
    """Overrides `rules.max_nights_per_period`."""
    max_shifts_per_period: dict[str, Annotated[int, Field(ge=0, le=MAX_PERIOD_DAYS)]] | None = None
    """Overrides `rules.max_shifts_per_period`."""
    forbidden_successions: list[tuple[str, str]] | None = None
    """Overrides `rules.forbidden_successions`."""
    hours_per_week: HoursRange | None = None
    """Overrides the contract's `hours_per_week` (`{min, max}` paid hours per week)."""
    hours_per_period: PeriodHours | None = None
    """Overrides `rules.hours_per_period`."""
    max_days_per_week: int | None = Field(default=None, ge=0, le=7)
    """Overrides the contract's `max_days_per_week`."""
    max_shifts_per_day: int | None = Field(default=None, ge=1, le=4)
    """Overrides `rules.max_shifts_per_day`."""
    min_gap_hours: float | None = Field(default=None, ge=0, le=16)
    """Overrides `rules.min_gap_hours`."""


class Contract(RuleOverrides):
    hours_per_week: HoursRange
    """`{min, max}` paid hours per week; `min` applies to weeks wholly inside the period, lowered for leave and holidays."""
    max_days_per_week: int = Field(default=5, ge=0, le=7)
    """Working days per week; days off per week are 7 − this."""


class Rules(Strict):
    """Defaults for every agent; a contract, then an agent, may override each one."""

    min_rest_hours: float = Field(default=11, ge=0, le=48)
    """Between the end of one shift and the start of the next, in real elapsed hours."""
    max_consecutive_days: int = Field(default=6, ge=1, le=366)
    """Longest run of working days."""
    min_consecutive_days: int = Field(default=1, ge=1, le=14)
    """Shortest run of working days (2: no single-day stints)."""
    min_consecutive_days_off: int = Field(default=1, ge=1, le=7)
    """Shortest run of days off between two working days (2: days off come two together)."""
    max_weekends_per_period: int | None = Field(default=None, ge=0, le=MAX_PERIOD_DAYS)
    """Weekends with a shift starting on a weekend day (site-local); none = no limit."""
    max_nights_per_week: int | None = Field(default=None, ge=0, le=7)
    """Night shifts per week (see `night_shift`); none = no limit."""
    max_nights_per_period: int | None = Field(default=None, ge=0, le=MAX_PERIOD_DAYS)
    """Night shifts over the period (see `night_shift`); none = no limit."""
    max_shifts_per_period: dict[str, Annotated[int, Field(ge=0, le=MAX_PERIOD_DAYS)]] = Field(
        default_factory=dict, description="per shift template name"
    )
    forbidden_successions: list[tuple[str, str]] = Field(default_factory=list)
    """Pairs `[late, early]`: the first on one day may not be followed by the second the next day."""
    hours_per_period: PeriodHours | None = None
    """`{min, max}` paid hours over the whole period; none = no limit."""
    runs_at_period_edges: Literal["exempt", "enforced"] = Field(
        default="exempt",
        description="whether minimum runs (days in a row, days off in a row) bind runs touching the period's first or last day",
    )
    max_shifts_per_day: int = Field(default=1, ge=1, le=4)
    """Shifts an agent may work on one site-local date (2 or more: split shifts, `min_gap_hours` apart)."""
    min_gap_hours: float = Field(default=1, ge=0, le=16)
    """Between two shifts of one day (split shifts), from the end of one to the start of the next."""


class NightShift(Strict):
    """What counts as a night shift: at least `min_hours` inside [start, end), site-local."""

    start: str = "22:00"
    """Start of the site-local night window, `"HH:MM"`."""
    end: str = "06:00"
    """End of the site-local night window, `"HH:MM"`."""
    min_hours: float = Field(default=3, gt=0, le=24)
    """Hours a shift must spend inside the window to count as a night shift."""

    _clock = field_validator("start", "end")(_check_clock)

    @model_validator(mode="after")
    def _reachable(self) -> NightShift:
        """A window shorter than min_hours would count no shift as a night, and the night rules would hold vacuously."""
        minutes = (clock_minutes(self.end) - clock_minutes(self.start)) % (24 * 60)
        if minutes == 0:
            raise ValueError(
                f"start and end are both {self.start}: the window would be empty (expected two times, e.g. 22:00 to 06:00)"
            )
        if self.min_hours * 60 > minutes:
            raise ValueError(
                f"min_hours ({self.min_hours:g}) is longer than the window {self.start}-{self.end} ({minutes / 60:g} h), "
                "so no shift would count as a night (expected min_hours within the window)"
            )
        return self


class Request(Strict):
    """A wish with a weight: `on` a shift (or `any`), or `off` a shift (or `any`).

    Scoped by `date` or `day` (weekday names) it is a per-day request, missed
    on each scoped day the agent is not on (or is on) that shift; unscoped,
    `on: early` means "when I work, early please" and `off: late` means
    "as few lates as possible".
    """

    on: str | None = None
    """The shift wished for (or `any`): a standing preference, or per day with `date` / `day`."""
    off: str | None = None
    """The shift (or `any`) to be spared."""
    date: Day | None = None
    """The one date the wish is about."""
    day: list[Weekday] | None = None
    """The weekdays the wish is about, e.g. `[Sat, Sun]`."""
    weight: float = Field(default=1, gt=0, le=1000)
    """How much the wish counts; each unit costs `weights.request` every time it is missed."""

    @field_validator("day", mode="before")
    @classmethod
    def _one_day_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> Request:
        if (self.on is None) == (self.off is None):
            raise ValueError("give exactly one of 'on' or 'off' (expected e.g. {on: early, weight: 2} or {off: any, day: Fri})")
        if self.date is not None and self.day is not None:
            raise ValueError("give 'date' or 'day', not both (expected one scope)")
        return self

    @property
    def shift(self) -> str:
        return self.on if self.on is not None else self.off  # type: ignore[return-value]

    @property
    def scoped(self) -> bool:
        return self.date is not None or self.day is not None

    def applies_to(self, day: dt.date) -> bool:
        if self.date is not None:
            return day == self.date
        if self.day is not None:
            return WEEKDAYS[day.weekday()] in self.day
        return True


class LeaveRange(Strict):
    start: Day = Field(alias="from")
    """First day of leave (inclusive)."""
    end: Day = Field(alias="to")
    """Last day of leave (inclusive)."""

    @model_validator(mode="after")
    def _ordered(self) -> LeaveRange:
        if self.end < self.start:
            raise ValueError(f"'to' ({self.end}) is before 'from' ({self.start}) (expected from <= to)")
        days = (self.end - self.start).days + 1
        if days > MAX_LEAVE_DAYS:  # every leave day is listed, per agent, by the solver, checker and report
            raise ValueError(
                f"{days:,} days of leave in one range (expected at most {MAX_LEAVE_DAYS:,}; set employment_end for someone who leaves)"
            )
        return self


def _leave_kind(value: Any) -> str:
    return "LeaveRange" if isinstance(value, dict) else "date"


# A leave entry is a day or a {from, to} range; choosing by shape first means a bad
# range is not also reported as "not a date", and a bad day not as "not a range".
LeaveItem = Annotated[Annotated[Day, Tag("date")] | Annotated[LeaveRange, Tag("LeaveRange")], Discriminator(_leave_kind)]


AvailabilityLevel = Literal["unavailable", "preferred", "avoid"]
AVAILABILITY_LEVELS: tuple[AvailabilityLevel, ...] = ("unavailable", "preferred", "avoid")
_SPAN = re.compile(r"^\s*(?P<days>\S+)(?:\s+(?P<start>\d{1,2}:\d{2})\s*[-–]\s*(?P<end>\d{1,2}:\d{2}))?\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOCAL_DATE = re.compile(r"^\d{1,4}[/.]\d{1,2}[/.]\d{1,4}$")  # 3/26/2027, 26.03.2027: a sheet's date in its locale's order
_SPAN_EXAMPLE = 'expected e.g. "Mon-Fri 09:00-17:00", "Sat,Sun" or "2026-12-24 13:00-24:00"'


class Span(Strict):
    """A time range on an agent's own clock, weekly (`days`) or on one `date`.

    `end` "24:00" is the day's end; an `end` at or before `start` runs past
    midnight into the next day (`Fri 22:00-06:00` ends Saturday 06:00). The
    range is laid on each date in the agent's zone and converted to UTC there
    (coverage.time.local_span_utc), so `Mon 09:00-17:00` in Dublin is 9 to 5
    on Dublin's clock on both sides of a daylight-saving change.
    """

    days: tuple[Weekday, ...] | None = None
    date: Day | None = None
    start: str = "00:00"
    end: str = "24:00"

    @model_validator(mode="after")
    def _one_scope(self) -> Span:
        if (self.days is None) == (self.date is None):
            raise ValueError(f"give weekdays or a date ({_SPAN_EXAMPLE})")
        return self

    def applies_to(self, day: dt.date) -> bool:
        return day == self.date if self.date is not None else WEEKDAYS[day.weekday()] in (self.days or ())

    def __str__(self) -> str:
        scope = self.date.isoformat() if self.date is not None else ",".join(self.days or ())
        return scope if (self.start, self.end) == ("00:00", "24:00") else f"{scope} {self.start}-{self.end}"


def parse_span(value: Any) -> Any:
    """`"Mon-Fri 09:00-17:00"`, `"Sat,Sun"` (whole days) or `"2026-12-24 13:00-24:00"` as a Span's fields.

    Anything but text is left for the Span model to judge (a mapping of its
    fields is accepted too).
    """
    if not isinstance(value, str):
        return value
    match = _SPAN.match(value)
    if match is None:
        raise ValueError(f"{shorten(repr(value))} is not a time range ({_SPAN_EXAMPLE})")
    days, start, end = match["days"], match["start"] or "00:00", match["end"] or "24:00"
    for clock in (start, end):
        if clock != "24:00":
            _check_clock(clock)
    if start == "24:00" or start == end:
        raise ValueError(f"{shorten(repr(value))}: the range {start}-{end} is empty ({_SPAN_EXAMPLE})")
    fields: dict[str, Any] = {"start": _check_clock(start), "end": end if end == "24:00" else _check_clock(end)}
    if _DATE.match(days):
        fields["date"] = days
    else:
        fields["days"] = _weekday_list(days, value)
    return fields


def _weekday_list(text: str, written: str) -> list[str]:
    """`Mon-Fri`, `Sat,Sun`, `Fri-Mon` (wrapping the week) as weekday names."""
    found: list[str] = []
    for item in text.split(","):
        first, _, last = item.partition("-")
        names = [name.strip().capitalize()[:3] for name in (first, last or first)]
        if not all(name in WEEKDAYS for name in names) or not all(len(part.strip()) >= 3 for part in (first, last or first)):
            hint = "; a date is written year-month-day, 2026-12-24" if _LOCAL_DATE.match(item.strip()) else ""
            raise ValueError(
                f"{shorten(repr(written))}: {item!r} is not a weekday, a range of weekdays or a date{hint} ({_SPAN_EXAMPLE})"
            )
        k, stop = WEEKDAYS.index(names[0]), WEEKDAYS.index(names[1])
        while True:
            if WEEKDAYS[k] not in found:
                found.append(WEEKDAYS[k])
            if k == stop:
                break
            k = (k + 1) % 7
    return found


SpanText = Annotated[Span, BeforeValidator(parse_span, json_schema_input_type=str)]


class Agent(RuleOverrides):
    id: Name
    """Unique id (letters, digits, `_ . -`; not dots only, which a file name reads as a folder); rosters and calendars are keyed by it."""
    name: Text | None = None
    """Display name in the report, workbook and calendars."""
    site: str
    """The site the agent works at (a name under `sites`)."""
    contract: str
    """The agent's contract (a name under `contracts`)."""
    skills: list[str] = Field(min_length=1)
    """Channels the agent can serve (one per shift)."""
    roles: list[Name] = Field(
        default_factory=list, description="what the agent is besides the channels they serve, e.g. [engineer], for `mix`"
    )
    mentors: list[Name] = Field(
        default_factory=list, description="agents one of whom is on duty over every shift of this (onboarding) agent"
    )
    shifts: list[str] | None = None
    """Allowed shift templates of the site; none = all of the site's."""
    leave: list[LeaveItem] = Field(default_factory=list)
    """Dates and `{from, to}` ranges (inclusive) the agent does not work."""
    works_holidays: bool = False
    """May work the site's public holidays."""
    days_off: list[Weekday] = Field(default_factory=list, description="fixed weekly days off")
    employment_start: Day | None = None
    """Joins inside the period: works only from this date."""
    employment_end: Day | None = None
    """Leaves inside the period: works only up to this date."""
    requests: list[Request] = Field(default_factory=list)
    """Weighted wishes: `{on: early}`, `{off: any, day: [Sat, Sun], weight: 2}`, `{off: any, date: 2026-12-24, weight: 5}`."""
    timezone: TimeZone | None = Field(default=None, description="the agent's own clock for availability; default the site's")
    availability: dict[AvailabilityLevel, list[SpanText]] = Field(
        default_factory=dict,
        description='time ranges by level, on the agent\'s clock: {unavailable: ["Mon-Fri 00:00-08:00"], preferred: [...], avoid: [...]}',
    )
    weight: float = Field(default=1, gt=0, le=MAX_WORKLOAD_WEIGHT)
    """How much of a full person the agent counts as for `workload` targets: 0.25 = a quarter of `workload.hours_per_week`."""
    target_hours: float | None = Field(default=None, ge=0, le=24 * MAX_PERIOD_DAYS)
    """Paid hours this agent should work over the period (before `balance_hours`), instead of weight × `workload`'s hours."""
    preferred_hours: float | None = Field(default=None, gt=0, le=16)
    """Ideal length of this agent's flexible shifts: each hour a shift is longer or shorter costs `weights.shift_length`."""
    balance_hours: float | None = Field(default=None, ge=-24 * MAX_PERIOD_DAYS, le=24 * MAX_PERIOD_DAYS)
    """Hours over (+) or under (−) target carried from earlier periods; this period's target is lowered (raised) by it. Default: `workload.balance_file`'s, else 0."""

    def employed_on(self, day: date) -> bool:
        """Agents who join or leave inside the period work only while employed."""
        if self.employment_start is not None and day < self.employment_start:
            return False
        return self.employment_end is None or day <= self.employment_end

    def leave_days(self) -> set[date]:
        days: set[date] = set()
        for item in self.leave:
            if isinstance(item, date):
                days.add(item)
            else:
                span = (item.end - item.start).days
                days.update(item.start + timedelta(days=k) for k in range(span + 1))
        return days


class Weights(Strict):
    """Objective weights; the defaults put somebody in every needed hour first.

    uncovered: per interval nobody covers (on top of the shortfall);
    understaffed / overstaffed: per agent short or beyond the requirement per
    interval; request: per unit of a request's weight each time it is missed;
    fairness: per night or weekend of spread between agents of a site;
    change: per shift added or removed against `plan --keep`;
    channel_change: per kept shift worked on another channel than before
    (the agent's hours stay; a small price keeps channels from moving for
    nothing, and never outweighs an agent short in an interval);
    late: per agent-hour of a backlog channel's work that waits an hour
    past its deadline (twelve 5-minute emails an hour late cost what an
    hour nobody covers costs);
    clock: per interval of the first view's weekend or overnight hours that
    a realtime channel leaves uncovered (a tie-break: rosters of equal cost
    then agree on the headline clock hours);
    mix: per interval and head a channel's `mix` misses ("at least one
    engineer"): priced like an interval nobody covers;
    mentor_repeat: per mentor of an onboarding agent left out while
    another mentors more than one of their shifts (different mentors
    across the period where possible);
    avoid: per hour of a shift inside one of the agent's `avoid` ranges;
    not_preferred: per hour of a shift outside the agent's `preferred`
    ranges (only for agents who give some). Both are costs, never rewards,
    so a wish never buys a shift nobody needs; rounded per shift.
    target: per (hour away)² from an agent's `workload` target, or per
    hour with `workload.cost: linear` (coverage.targets).
    shift_length: per hour a flexible shift is away from the agent's
    `preferred_hours` (rounded to whole hours, like `avoid`).
    """

    uncovered: Weight = 400
    """Per interval that needs someone and has nobody (on top of the shortfall)."""
    understaffed: Weight = 100
    """Per missing agent per interval."""
    overstaffed: Weight = 1
    """Per agent beyond the requirement per interval."""
    request: Weight = 10
    """Per unit of a missed request's weight."""
    fairness: Weight = 3
    """Per night or weekend of spread (most − fewest) between agents of a site."""
    change: Weight = 1000
    """Per shift added or removed against `plan --keep`."""
    channel_change: Weight = 10
    """Per kept shift worked on another channel than before."""
    late: Weight = 400
    """Per agent-hour of a backlog channel's work that waits an hour past its deadline."""
    clock: Weight = 1
    """Tie-break: per interval of the first view's weekend or overnight hours left uncovered."""
    mix: Weight = 400
    """Per missing head of a channel's or cover row's `mix` (at least N with a role), per interval the channel needs someone."""
    mentor_repeat: Weight = 5
    """Per turn an onboarding agent's shift is beside a mentor already used, where a different one could have been."""
    avoid: Weight = 10
    """Per hour of a shift inside one of the agent's `avoid` ranges."""
    not_preferred: Weight = 2
    """Per hour of a shift outside the agent's `preferred` ranges (when the agent has any)."""
    target: Weight = 5
    """Per hour away from an agent's `workload` target, squared (`workload.cost: squared`) or not (`linear`)."""
    shift_length: Weight = 2
    """Per hour a flexible shift is longer or shorter than the agent's `preferred_hours`."""


class Workload(Strict):
    """Fair-share targets: the paid hours each agent should work over the period, and what each hour away costs.

    An agent's target is `weight` × `hours_per_week` × (days employed in the
    period) / 7, or `weight` × `hours_per_period` (their own `target_hours`
    instead, when given), less the `balance_hours` carried from earlier
    periods. No target is a hard rule: the contract's hours are.
    """

    hours_per_week: float | None = Field(default=None, ge=0, le=24 * 7)
    """Fair share of one full person (`weight` 1) per week, in paid hours."""
    hours_per_period: float | None = Field(default=None, ge=0, le=24 * MAX_PERIOD_DAYS)
    """Fair share of one full person over the whole period, in paid hours (instead of `hours_per_week`)."""
    cost: Literal["squared", "linear"] = "squared"
    """How the cost grows with the hours away from the target (rounded to whole hours): `squared` (2 h away costs 4 × `weights.target`) or `linear`."""
    balance_file: str | None = None
    """The previous plan's `workload.csv` (relative to this file): its `balance_after` column carries each agent's hours over or under target."""

    @model_validator(mode="after")
    def _one_share(self) -> Workload:
        if self.hours_per_week is not None and self.hours_per_period is not None:
            raise ValueError("give hours_per_week or hours_per_period, not both (expected one fair share of a full person)")
        return self


class Cover(Strict):
    """Headcount wanted on one shift template: "3 people on the early shift in Toronto".

    Scoped by `date` or `day` (weekday names), or every day of the period.
    Each agent short costs `under_weight`, each agent beyond `count` costs
    `over_weight` (per day). `channel` counts only agents serving it. `mix`
    asks, of those counted, at least N with a role ("1 engineer among
    them"): each one missing costs `under_weight` too.
    """

    site: str
    """The site of the shift template."""
    shift: str
    """The shift template's name at that site."""
    count: int = Field(ge=0, le=MAX_AGENTS)
    """Agents wanted on that shift each day the row applies."""
    date: Day | None = None
    """The one date the row applies to."""
    day: list[Weekday] | None = None
    """The weekdays the row applies to; neither `date` nor `day`: every day."""
    channel: str | None = None
    """The channel the agents serve; none = any."""
    under_weight: Weight = 100
    """Cost per agent short of `count`, per day."""
    over_weight: Weight = 1
    """Cost per agent beyond `count`, per day."""
    mix: Mix = Field(default_factory=dict, description="of those counted, at least this many with each role, e.g. {engineer: 1}")

    @field_validator("day", mode="before")
    @classmethod
    def _one_day_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def applies_to(self, day: dt.date) -> bool:
        if self.date is not None:
            return day == self.date
        return self.day is None or WEEKDAYS[day.weekday()] in self.day


class Candidate(Strict):
    """A hire profile: who we could hire, where, on which shifts, at what cost (for `covplan hires`)."""

    id: Name
    """Profile id; its possible hires are `id-1` .. `id-N`."""
    site: str
    """The site a hire would work at."""
    contract: str
    """The contract a hire would have."""
    skills: list[str] = Field(min_length=1)
    """Channels a hire could serve."""
    shifts: list[str] | None = None
    """Allowed shift templates of the site; none = all of the site's."""
    roles: list[Name] = Field(default_factory=list)
    """What a hire would be besides the channels they serve (e.g. [engineer]), for `mix`."""
    cost: float = Field(default=1, ge=0, le=1e9, description="cost of one hire over the rota period (salaries differ by country)")
    max_count: int = Field(default=1, ge=1, le=50)
    """How many of this profile may be hired."""
    works_holidays: bool = False
    """A hire may work the site's public holidays."""
    days_off: list[Weekday] = Field(
        default_factory=list, description="fixed weekly days off, e.g. [Mon, Tue, Wed] for a weekend-only hire"
    )

    def as_agents(self) -> list[Agent]:
        """The profile's possible hires as ordinary agents, `id-1` .. `id-N`: same rules as everyone."""
        return [
            Agent(
                id=f"{self.id}-{k}",
                site=self.site,
                contract=self.contract,
                skills=self.skills,
                roles=self.roles,
                shifts=self.shifts,
                works_holidays=self.works_holidays,
                days_off=self.days_off,
            )
            for k in range(1, self.max_count + 1)
        ]


class EffectiveRules(BaseModel):
    """The rules that bind one agent after defaults, contract and agent overrides."""

    model_config = ConfigDict(frozen=True)

    min_rest_hours: float
    max_consecutive_days: int
    min_consecutive_days: int
    min_consecutive_days_off: int
    max_weekends_per_period: int | None
    max_nights_per_week: int | None
    max_nights_per_period: int | None
    max_shifts_per_period: dict[str, int]
    forbidden_successions: list[tuple[str, str]]
    runs_at_period_edges: str
    max_shifts_per_day: int
    min_gap_hours: float
    hours_per_week: HoursRange
    hours_per_period: PeriodHours | None
    max_days_per_week: int


SECTIONS: dict[str, Any] = {
    "plan": Plan,
    "views": list[TimeZone],
    "overnight": Window,
    "weekend": list[Weekday],
    "shrinkage": Shrinkage,
    "channels": Annotated[dict[Name, Channel], Field(min_length=1)],
    "forecast": Forecast,
    "sites": Annotated[dict[Name, Site], Field(min_length=1)],
    "contracts": Annotated[dict[Name, Contract], Field(min_length=1)],
    "rules": Rules,
    "night_shift": NightShift,
    "cover": list[Cover],
    "weights": Weights,
    "history": Annotated[str, Field(min_length=1)],
    "candidates": list[Candidate],
    "agents": Annotated[list[Agent], Field(min_length=1)],
    "agents_file": Annotated[str, Field(min_length=1)],
    "availability_file": Annotated[str, Field(min_length=1)],
    "workload": Workload,
}
REQUIRED_SECTIONS = (
    "plan",
    "channels",
    "sites",
    "contracts",
    "agents",
)  # plus `forecast` or `cover`; `agents_file` may stand for `agents`


class Config(Strict):
    """A validated, cross-referenced plan configuration."""

    plan: Plan
    """The rota period, its grid and the solver's controls."""
    views: list[TimeZone] = Field(default_factory=list)
    """IANA time zones gaps are reported in (e.g. America/New_York), the customers' first; empty = `[plan.timezone]`."""
    overnight: Window = Window(start="22:00", end="06:00")
    """`{start, end}`: the local window judged overnight in each view."""
    weekend: list[Weekday] = ["Sat", "Sun"]  # pydantic copies a mutable default for each config
    """Weekday names judged weekend in each view, and the days that count for `max_weekends_per_period` at each site."""
    shrinkage: Shrinkage = Shrinkage()
    """Share of paid time not available for contacts, in [0, 1): a number, or `{default, weekday: {Sat: 0.2}, sites: {NAME: number or {default, weekday}}}`."""
    channels: dict[str, Channel]
    """The channels contacts arrive on, by name: `realtime` (chat, phone) or `backlog` (email)."""
    forecast: Forecast | None = None
    """Where the volumes come from; a `forecast`, a `cover` list or both give the demand."""
    sites: dict[str, Site]
    """Where agents work, by name: time zone, public holidays, shift templates."""
    contracts: dict[str, Contract]
    """Contracts by name: weekly hours and days, and any rule of `rules` overridden."""
    rules: Rules = Rules()
    """Rules for every agent; a contract, then an agent, may override each one."""
    night_shift: NightShift = NightShift()
    """What counts as a night shift for the night rules."""
    cover: list[Cover] = Field(default_factory=list)
    """Headcount per shift template, for managers who think in heads per shift: "3 people on the early shift in Toronto on weekdays"."""
    weights: Weights = Weights()
    """Objective weights, in order of importance by default."""
    history: str | None = Field(default=None, description="the previous period's roster.csv, relative to this file")
    candidates: list[Candidate] = Field(default_factory=list)
    """Hire profiles for `covplan hires`."""
    agents: list[Agent]
    """The team, one entry per agent (and the rows of `agents_file`)."""
    agents_file: str | None = Field(
        default=None, description="a team sheet (.csv or .xlsx), one row per agent; its agents join `agents`"
    )
    availability_file: str | None = Field(
        default=None, description="CSV agent,day,from,to,level: availability ranges that join each agent's `availability`"
    )
    workload: Workload | None = None
    """Fair-share targets: `{hours_per_week: 20}` for a full person (`agents[].weight` 1), `cost`, `balance_file`."""
    source: Path = Path("config.yaml")

    @property
    def view_zones(self) -> list[str]:
        """Zones gaps are reported in; the plan's own zone when none are named."""
        return list(self.views) or [self.plan.timezone]

    @property
    def weekend_days(self) -> set[int]:
        """Weekend as ISO weekday numbers (Mon=1 .. Sun=7)."""
        return {WEEKDAYS.index(day) + 1 for day in self.weekend}

    @property
    def forecast_path(self) -> Path:
        """The forecast's source file: the volumes CSV, or the weekly profile CSV."""
        if self.forecast is None:
            raise ValueError("this configuration has no forecast")
        return (self.source.parent / (self.forecast.file or self.forecast.profile or "")).resolve()

    @property
    def history_path(self) -> Path:
        if self.history is None:
            raise ValueError("this configuration names no history roster")
        return (self.source.parent / self.history).resolve()

    @property
    def agent_ids(self) -> set[str]:
        return {agent.id for agent in self.agents}

    def with_candidates(self) -> Config:
        """This config with every possible hire added as an agent (the hiring model decides who is hired)."""
        extra = [agent for candidate in self.candidates for agent in candidate.as_agents()]
        return self.model_copy(update={"agents": [*self.agents, *extra]})

    def with_hires(self, ids: Collection[str]) -> Config:
        """This config with exactly the candidates' agents named in `ids` added: the team a hiring plan ends with."""
        hires = [agent for candidate in self.candidates for agent in candidate.as_agents() if agent.id in ids]
        return self.model_copy(update={"agents": [*self.agents, *hires]})

    def candidate_of(self, agent_id: str) -> Candidate | None:
        for candidate in self.candidates:
            if agent_id.rsplit("-", 1)[0] == candidate.id and agent_id in {a.id for a in candidate.as_agents()}:
                return candidate
        return None

    def agent(self, agent_id: str) -> Agent:
        for agent in self.agents:
            if agent.id == agent_id:
                return agent
        raise KeyError(agent_id)

    def mix_rules(self) -> dict[str, Mix]:
        """Realtime channels that ask for a mix of roles on duty -> the mix."""
        return {
            name: channel.mix for name, channel in self.channels.items() if isinstance(channel, RealtimeChannel) and channel.mix
        }

    def counts_weight(self, channel: str) -> bool:
        """Whether the channel's coverage counts each agent as their `weight` (`count_weight`), not as one head."""
        found = self.channels.get(channel)
        return isinstance(found, RealtimeChannel) and found.count_weight

    def head_units(self, agent: Agent, channel: str) -> int:
        """What one agent on duty adds to a channel's coverage, in hundredths of a person (HEAD_UNITS is one).

        The one place that says how much a person counts: their `weight` on
        a channel that counts weight (checked to be whole hundredths when the
        config loads), a whole person anywhere else. Coverage, gaps, the
        model and its polish all read it, so they agree.
        """
        if not self.counts_weight(channel):
            return HEAD_UNITS
        return round(agent.weight * HEAD_UNITS)

    def agent_zone(self, agent: Agent) -> str:
        """The clock an agent's availability is written on: their own zone, else their site's."""
        return agent.timezone or self.sites[agent.site].timezone

    def allowed_shifts(self, agent: Agent) -> list[str]:
        return list(agent.shifts) if agent.shifts is not None else list(self.sites[agent.site].shifts)

    def rules_for(self, agent: Agent) -> EffectiveRules:
        """Defaults from `rules`, overridden by the contract, then by the agent."""
        contract = self.contracts[agent.contract]
        merged: dict[str, Any] = self.rules.model_dump()
        merged["hours_per_week"] = contract.hours_per_week
        merged["max_days_per_week"] = contract.max_days_per_week
        for layer in (contract, agent):
            for key in RuleOverrides.model_fields:
                value = getattr(layer, key)
                if value is not None:
                    merged[key] = value
        return EffectiveRules(**merged)

    def holidays_at(self, site_name: str) -> set[date]:
        """Public holidays of a site inside (and one day around) the rota period."""
        return set(self.holiday_names(site_name))

    def holiday_names(self, site_name: str) -> dict[date, str]:
        """The site's public holidays inside (and one day around) the rota period, with their names.

        Names let a report say why a one-off gap opened ("Christmas Day").
        """
        site = self.sites[site_name]
        if not site.holidays:
            return {}
        years = sorted({self.plan.start.year - 1, self.plan.end.year, self.plan.start.year})
        calendar = _holiday_calendar(site.holidays, years)
        return {
            day: str(name)
            for day, name in sorted(calendar.items())
            if self.plan.start - timedelta(days=1) <= day <= self.plan.end
        }


def config_schema() -> dict[str, Any]:
    """JSON Schema of the configuration file, for completion and validation in an editor."""
    schema = Config.model_json_schema(by_alias=True)
    schema["properties"].pop("source", None)
    for name in ("Shrinkage", "ShrinkageRule"):  # both also accept a bare share, e.g. `shrinkage: 0.3`
        if name in schema.get("$defs", {}):
            shape = schema["$defs"][name]
            schema["$defs"][name] = {"anyOf": [{"type": "number", "minimum": 0, "exclusiveMaximum": 1}, shape]}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "covplan configuration"
    return schema


def _holiday_calendar(code: str, years: list[int]) -> Any:
    """A `holidays` calendar for "CC" or "CC-SUBDIV"; ValueError names what is known."""
    import holidays

    country, _, subdiv = code.partition("-")
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ValueError(f"unknown holiday country {country!r} (expected an ISO 3166 code such as CA, IE, PH)")
    if subdiv and subdiv not in supported[country]:
        known = ", ".join(supported[country][:12]) or "none"
        raise ValueError(f"unknown subdivision {subdiv!r} of {country} (expected one of: {known})")
    return holidays.country_holidays(country, subdiv=subdiv or None, years=years)
