"""Helpdesk exports as they come: one row per ticket (or per message) → (UTC arrival, planned channel).

A support manager's history is a Zendesk, Freshdesk, Intercom, Help Scout,
Front or Gorgias export, not our ``created_at,channel``. Each vendor's
:class:`Preset` knows, from the vendor's public documentation (the pages are
cited in tests/data/README.md):

* which column holds the arrival time and which the channel (the first of
  the spellings listed that the header has; matched without regard to case);
* the time zone of timestamps written without an offset — Zendesk's CSV
  export writes the account's zone (so: `forecast.timezone`, or --timezone),
  the others write UTC;
* the vendor's channel words (Zendesk's "Via", Freshdesk's numeric
  ``source`` codes …) as our usual channel names (email, chat, phone, sms,
  social, api), and which values are not customer contacts at all
  (outbound calls, triggers, internal notes): those rows are skipped and
  counted;
* for message exports (Front, Intercom's message rows), the conversation and
  direction columns: a conversation counts once, at its first inbound
  message.

Generic options cover everything else (`ExportOptions`): the time and channel
columns, ``--map "Web form=email,Chat=chat"`` (vendor value → channel, before
the preset's words), ``--drop-unmapped`` (rows for channels the plan does not
staff are counted and reported instead of refused), the zone and a strptime
format for naive timestamps. Channel names match the configuration without
regard to case. Every problem names the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pendulum

from coverage.config.schema import Config
from coverage.csvcells import from_csv_cell
from coverage.errors import InputError, Problem, raise_problems
from coverage.inputs import MAX_CSV_BYTES, read_text
from coverage.time import DayFirstDate, MonthFirstDottedDate, parse_export_timestamp

SKIP = ""  # a vendor value that is not a customer contact (outbound, internal, automation)
ACCOUNT_ZONE = None  # the export's naive times are in the helpdesk account's zone: forecast.timezone unless --timezone


@dataclass(frozen=True)
class Preset:
    """What one vendor's export looks like, as its documentation describes it."""

    name: str
    title: str
    time_columns: tuple[str, ...]
    channel_columns: tuple[str, ...]
    timezone: str | None  # zone of naive timestamps; ACCOUNT_ZONE = the config's forecast.timezone
    words: dict[str, str]  # casefolded vendor value -> our channel word, or SKIP
    conversation_column: str | None = None  # message exports: one conversation, many rows
    direction_column: str | None = None
    inbound: frozenset[str] = frozenset()  # casefolded direction / author values of a customer's message
    default_channel: str | None = None  # when the export has no channel column at all
    source: str = ""  # the documentation page


def _words(**groups: tuple[str, ...]) -> dict[str, str]:
    """{vendor value: channel} from channel=(values…); `skip` lists values that are not contacts."""
    table: dict[str, str] = {}
    for channel, values in groups.items():
        for value in values:
            table[value.casefold()] = SKIP if channel == "skip" else channel
    return table


PRESETS: dict[str, Preset] = {
    "zendesk": Preset(
        name="zendesk",
        title="Zendesk Support ticket export (CSV)",
        time_columns=("Created at", "created_at"),
        channel_columns=("Via", "via", "via.channel", "Ticket channel"),
        timezone=ACCOUNT_ZONE,
        # Via types: type, id and description (https://developer.zendesk.com/documentation/ticketing/reference-guides/via-types/)
        words=_words(
            email=(
                "web_form",
                "0",
                "Web form",
                "mail",
                "4",
                "Email",
                "Mail",
                "closed_ticket",
                "27",
                "Closed ticket",
                "dropbox",
                "17",
                "Feedback tab",
                "web_widget",
                "48",
                "Web Widget",
            ),
            chat=("chat", "29", "Chat", "native_messaging", "Messaging"),
            phone=("voicemail", "33", "Voicemail", "phone_call_inbound", "34", "Phone call (incoming)", "voice", "Phone"),
            api=("web_service", "5", "Web service (API)", "Web service", "api"),
            sms=("text_message", "37", "Text message", "sms"),
            social=(
                "twitter",
                "30",
                "Twitter",
                "X",
                "twitter_dm",
                "26",
                "Twitter DM",
                "X DM",
                "facebook_post",
                "38",
                "Facebook post",
                "facebook_message",
                "41",
                "Facebook message",
                "Facebook private message",
            ),
            skip=(
                "rule",
                "8",
                "Trigger, automation",
                "merge",
                "19",
                "Merge",
                "batch",
                "20",
                "Batch",
                "phone_call_outbound",
                "35",
                "Phone call (outbound)",
                "linked_problem",
                "9",
                "Linked problem",
            ),
        ),
        source="https://support.zendesk.com/hc/en-us/articles/4408886165402",
    ),
    "freshdesk": Preset(
        name="freshdesk",
        title="Freshdesk ticket export (CSV, or the API's fields)",
        time_columns=("Created time", "created_at", "Created at"),
        channel_columns=("Source", "source"),
        timezone="UTC",
        # source: 1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback Widget, 10 Outbound Email
        words=_words(
            email=("1", "Email", "2", "Portal", "9", "Feedback Widget", "Feedback widget"),
            phone=("3", "Phone"),
            chat=("7", "Chat"),
            skip=("10", "Outbound Email"),
        ),
        source="https://schemas.apis.io/schemas/freshdesk/freshdesk-ticket/",
    ),
    "intercom": Preset(
        name="intercom",
        title="Intercom conversation export (one row per conversation or per message)",
        time_columns=("message_created_at", "conversation_created_at", "created_at", "Created at", "Conversation started at"),
        channel_columns=("source.type", "source_type", "Channel", "channel"),
        timezone="UTC",
        # conversation source types of the REST API; a Messenger conversation is a chat
        words=_words(
            chat=("conversation", "Chat", "Messenger"),
            email=("email",),
            phone=("phone_call", "Phone"),
            sms=("sms",),
            social=("facebook", "instagram", "twitter"),
            skip=("push",),
        ),
        conversation_column="conversation_id",
        direction_column="message_author_type",
        inbound=frozenset({"user", "lead", "contact"}),
        default_channel="chat",
        source="https://www.prodsight.ai/help-sub/intercomexport-help-center/getting-started/what-does-the-intercom-conversation-export-contain",
    ),
    "helpscout": Preset(
        name="helpscout",
        title="Help Scout conversations (Mailbox API fields, or a report export)",
        time_columns=("createdAt", "Created At", "created_at"),
        channel_columns=("type", "Type"),
        timezone="UTC",
        words=_words(email=("email",), chat=("chat",), phone=("phone",)),
        source="https://developer.helpscout.com/webhooks/objects/conversation",
    ),
    "front": Preset(
        name="front",
        title="Front analytics export of messages (one row per message)",
        time_columns=("Message date",),
        channel_columns=("Inbox",),  # inbox names are the account's own: --map "Support inbox=email"
        timezone="UTC",
        words={},
        conversation_column="Conversation ID",
        direction_column="Direction",
        inbound=frozenset({"inbound"}),
        source="https://withone.ai/knowledge/front/conn_mod_def%3A%3AGJ2jJ096TKA%3A%3AV7pVGYX7SDSDOChCX_zzIg",
    ),
    "gorgias": Preset(
        name="gorgias",
        title="Gorgias ticket export (CSV, or the API's fields)",
        time_columns=("created_datetime", "Created datetime", "Created date", "Created"),
        channel_columns=("channel", "Channel"),
        timezone="UTC",
        words=_words(
            email=("email", "contact_form", "help-center"),
            chat=("chat",),
            phone=("phone", "aircall"),
            sms=("sms",),
            social=(
                "facebook",
                "facebook-mention",
                "facebook-messenger",
                "instagram-comment",
                "instagram-ad-comment",
                "instagram-direct-message",
                "instagram-mention",
                "twitter",
                "twitter-direct-message",
            ),
            skip=("internal-note",),
        ),
        source="https://developers.gorgias.com/docs/create-a-ticket-using-api",
    ),
}
GENERIC_TIME_COLUMNS = ("created_at",)
GENERIC_CHANNEL_COLUMNS = ("channel",)


@dataclass(frozen=True)
class ExportOptions:
    """How to read an export: the vendor preset and the generic overrides (all optional)."""

    vendor: str | None = None
    time_column: str | None = None
    channel_column: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)  # casefolded vendor value -> channel
    drop_unmapped: bool = False
    timezone: str | None = None  # zone of naive timestamps; default: the preset's convention
    date_format: str | None = None


@dataclass(frozen=True)
class Tickets:
    """The customer contacts an export holds, and what was left out of them and why."""

    arrivals: list[tuple[pendulum.DateTime, str]]  # (UTC, planned channel)
    rows: int
    timezone: str  # zone naive timestamps were read in
    dropped: dict[str, int]  # channel value the plan does not staff -> rows (--drop-unmapped)
    skipped: dict[str, int]  # vendor value that is not a customer contact -> rows
    later_messages: int  # message rows that are not a conversation's first inbound message
    vendor: str | None


def parse_mapping(text: str | None) -> dict[str, str]:
    """``"Web form=email, Chat=chat"`` → {"web form": "email", "chat": "chat"}; InputError on a malformed pair."""
    mapping: dict[str, str] = {}
    for pair in (text or "").split(","):
        if not pair.strip():
            continue
        value, sep, channel = pair.partition("=")
        if not sep or not value.strip() or not channel.strip():
            raise InputError(
                [
                    Problem(
                        "covplan forecast",
                        None,
                        "--map",
                        f'{pair.strip()!r} is not VALUE=channel (expected e.g. --map "Web form=email,Chat=chat")',
                    )
                ]
            )
        mapping[value.strip().casefold()] = channel.strip()
    return mapping


def preset(name: str | None) -> Preset | None:
    """The named preset; InputError naming the known ones otherwise."""
    if name is None:
        return None
    found = PRESETS.get(name.casefold().replace(" ", "").replace("-", ""))
    if found is None:
        raise InputError(
            [Problem("covplan forecast", None, "--from", f"unknown helpdesk {name!r} (expected one of: {', '.join(PRESETS)})")]
        )
    return found


def check_zone(name: str | None) -> str | None:
    """--timezone as given, when it is an IANA zone; InputError otherwise."""
    if name is None:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(
            [
                Problem(
                    "covplan forecast",
                    None,
                    "--timezone",
                    f"unknown time zone {name!r} (expected an IANA name such as Europe/Dublin)",
                )
            ]
        ) from None
    return name


def guess_vendor(header: list[str]) -> Preset | None:
    """The preset whose time and channel columns this header has (to say which command reads a misplaced export)."""
    names = {name.strip().casefold() for name in header}
    for candidate in PRESETS.values():
        has_time = any(c.casefold() in names for c in candidate.time_columns)
        has_channel = any(c.casefold() in names for c in candidate.channel_columns)
        if has_time and has_channel and candidate.words:
            return candidate
    return None


def export_hint(header: list[str], file: Path) -> str:
    """How to turn this export into a forecast: the command, with the vendor when the header names one."""
    vendor = guess_vendor(header)
    option = f"--from {vendor.name}" if vendor else "--time-column COLUMN --channel-column COLUMN"
    what = f"a {vendor.title.split(' (')[0]}" if vendor else "one row per ticket"
    return (
        f"this looks like {what}, not a forecast; turn it into one with "
        f"`covplan forecast {file.name} {option} --config CONFIG --out DIR`"
    )


# --------------------------------------------------------------------------- reading


def read_export(file: Path, config: Config, options: ExportOptions | None = None) -> Tickets:
    """Every customer contact in the export as (UTC arrival, planned channel); InputError lists every problem."""
    options = options or ExportOptions()
    vendor = preset(options.vendor)
    zone = options.timezone or (vendor.timezone if vendor and vendor.timezone else _account_zone(config))
    rows = _Rows(file)
    columns = _columns(rows.header, vendor, options, file)
    reader = _Reader(file, config, options, vendor, zone)
    for line, cells in rows:
        reader.row(line, cells, columns)
    return reader.finish()


def _account_zone(config: Config) -> str:
    """Where naive times are read when the export does not say: the forecast's zone (the plan's without a forecast)."""
    return config.forecast.timezone if config.forecast is not None else config.plan.timezone


@dataclass(frozen=True)
class _Columns:
    time: int
    channel: int | None
    conversation: int | None
    direction: int | None
    names: tuple[str, ...]


def _columns(header: list[str], vendor: Preset | None, options: ExportOptions, file: Path) -> _Columns:
    """Positions of the columns we read; a missing one is a header problem that says which flag names another."""
    folded = [name.strip().casefold() for name in header]

    def find(candidates: tuple[str, ...]) -> int | None:
        for candidate in candidates:
            if candidate.casefold() in folded:
                return folded.index(candidate.casefold())
        return None

    time_names = (options.time_column,) if options.time_column else (vendor.time_columns if vendor else GENERIC_TIME_COLUMNS)
    channel_names = (
        (options.channel_column,) if options.channel_column else (vendor.channel_columns if vendor else GENERIC_CHANNEL_COLUMNS)
    )
    time, channel = find(time_names), find(channel_names)
    problems = []
    shown = ",".join(name.strip() for name in header)
    if time is None:
        flag = "" if options.time_column else "; name it with --time-column"
        problems.append(
            Problem(
                file, 1, "header", f"missing column(s) {' or '.join(time_names)} (the arrival time{flag}; the header has {shown})"
            )
        )
    if channel is None and not (vendor and vendor.default_channel and not options.channel_column):
        flag = "" if options.channel_column else "; name it with --channel-column"
        problems.append(
            Problem(
                file, 1, "header", f"missing column(s) {' or '.join(channel_names)} (the channel{flag}; the header has {shown})"
            )
        )
    if time is None or problems:  # (a missing time column is one of the problems)
        raise InputError(problems)
    conversation = find((vendor.conversation_column,)) if vendor and vendor.conversation_column else None
    direction = find((vendor.direction_column,)) if vendor and vendor.direction_column else None
    return _Columns(time, channel, conversation, direction if conversation is not None else None, tuple(header))


class _Rows:
    """The export's header, then (line, cells) for each non-blank row; unreadable CSV is a located problem."""

    def __init__(self, file: Path):
        self.file = file
        self._reader = csv.reader(io.StringIO(read_text(file, MAX_CSV_BYTES, save_as="UTF-8 CSV"), newline=""))
        try:
            header = next(self._reader, None)
        except csv.Error as exc:
            raise InputError([Problem(file, 1, "header", f"not readable as CSV: {exc}")]) from None
        if header is None or not any(cell.strip() for cell in header):
            raise InputError([Problem(file, 1, "header", "empty file (expected a header line, then one row per ticket)")])
        self.header = [from_csv_cell(cell) for cell in header]

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError([Problem(self.file, self._reader.line_num, "row", f"not readable as CSV: {exc}")]) from None
            if any(cell.strip() for cell in cells):
                yield self._reader.line_num, [from_csv_cell(cell).strip() for cell in cells]


class _Reader:
    """Turns rows into arrivals, collecting problems, skipped and dropped rows as it goes."""

    def __init__(self, file: Path, config: Config, options: ExportOptions, vendor: Preset | None, zone: str):
        self.file, self.config, self.options, self.vendor, self.zone = file, config, options, vendor, zone
        self.planned = {name.casefold(): name for name in config.channels}
        self.problems: list[Problem] = []
        self.unknown: dict[str, list[int]] = {}
        self.dropped: dict[str, int] = {}
        self.skipped: dict[str, int] = {}
        self.first: dict[str, tuple[pendulum.DateTime, str]] = {}  # conversation -> first inbound arrival
        self.arrivals: list[tuple[pendulum.DateTime, str]] = []
        self.rows = self.later = 0

    def row(self, line: int, cells: list[str], columns: _Columns) -> None:
        self.rows += 1
        if len(cells) != len(columns.names):
            self.problems.append(
                Problem(self.file, line, "row", f"{len(cells)} fields (expected {len(columns.names)}, as in the header)")
            )
            return
        if columns.direction is not None:
            assert self.vendor is not None, "only a preset names a direction column (_columns)"
            if cells[columns.direction].casefold() not in self.vendor.inbound:
                self.later += 1  # an agent's reply, a note, a bot: not a customer arriving
                return
        if columns.channel is not None:
            raw = cells[columns.channel]
        else:
            assert self.vendor is not None and self.vendor.default_channel, (
                "no channel column only with a preset's default (_columns)"
            )
            raw = self.vendor.default_channel
        channel = self._channel(raw, line, columns)
        instant = self._time(cells[columns.time], line, columns)
        if channel is None or instant is None:
            return
        if columns.conversation is None:
            self.arrivals.append((instant, channel))
            return
        key = cells[columns.conversation]
        if key in self.first:
            self.later += 1
            if instant < self.first[key][0]:
                self.first[key] = (instant, channel)
            return
        self.first[key] = (instant, channel)

    def _time(self, text: str, line: int, columns: _Columns) -> pendulum.DateTime | None:
        try:
            return parse_export_timestamp(text, self.zone, self.options.date_format)
        except DayFirstDate as exc:
            hint = f'a day-first export needs --date-format "%d{exc.separator}%m{exc.separator}%Y %H:%M"'
            said = str(DayFirstDate(exc.text, exc.first, hint, exc.separator))
            self.problems.append(Problem(self.file, line, columns.names[columns.time].strip(), said))
        except MonthFirstDottedDate as exc:
            hint = 'a month-first export needs --date-format "%m.%d.%Y %H:%M"'
            said = str(MonthFirstDottedDate(exc.text, exc.second, hint))
            self.problems.append(Problem(self.file, line, columns.names[columns.time].strip(), said))
        except ValueError as exc:
            what = (
                str(exc)
                if self.options.date_format
                else (
                    f"{text[:40]!r} is not a date and time (expected e.g. 2026-12-07 09:00 or 2026-12-07T09:00:00+00:00; "
                    'give another layout with --date-format, e.g. "%d/%m/%Y %H:%M")'
                )
            )
            self.problems.append(Problem(self.file, line, columns.names[columns.time].strip(), what))
        except OverflowError:
            self.problems.append(
                Problem(
                    self.file,
                    line,
                    columns.names[columns.time].strip(),
                    f"{text[:40]!r} is out of range (expected e.g. 2026-12-07T09:00:00+00:00)",
                )
            )
        return None

    def _channel(self, raw: str, line: int, columns: _Columns) -> str | None:
        """The planned channel of a vendor value: --map first, then the preset's words, then the value itself."""
        folded = raw.casefold()
        word = self.options.mapping.get(folded)
        if word is None and self.vendor is not None:
            word = self.vendor.words.get(folded)
        if word == SKIP:
            self.skipped[raw] = self.skipped.get(raw, 0) + 1
            return None
        name = self.planned.get((word if word is not None else raw).casefold())
        if name is not None:
            return name
        if self.options.drop_unmapped:
            self.dropped[raw] = self.dropped.get(raw, 0) + 1
        else:
            self.unknown.setdefault(raw, []).append(line)
        return None

    def finish(self) -> Tickets:
        column = "channel"
        for raw, lines in self.unknown.items():
            word = self.options.mapping.get(raw.casefold()) or (self.vendor.words.get(raw.casefold()) if self.vendor else None)
            meaning = f" ({word} by the {self.vendor.name} preset)" if self.vendor and word else ""
            self.problems.append(
                Problem(
                    self.file,
                    lines[0],
                    column,
                    f"unknown channel {raw!r}{meaning} on {len(lines)} row(s) (expected one of: {', '.join(self.config.channels)}; "
                    f'map it with --map "{raw}={next(iter(self.config.channels))}" or leave such rows out with --drop-unmapped)',
                )
            )
        self.problems.sort(key=lambda p: p.line if isinstance(p.line, int) else 0)
        raise_problems(self.problems, self.file)
        arrivals = self.arrivals + sorted(self.first.values())
        if not arrivals:
            left = sum(self.dropped.values()) + sum(self.skipped.values())
            raise InputError(
                [
                    Problem(
                        self.file,
                        None,
                        "",
                        f"no customer contacts on planned channels ({self.rows} rows, {left} left out; "
                        "expected one row per ticket with its arrival time and channel)",
                    )
                ]
            )
        return Tickets(
            arrivals=arrivals,
            rows=self.rows,
            timezone=self.zone,
            dropped=self.dropped,
            skipped=self.skipped,
            later_messages=self.later,
            vendor=self.vendor.name if self.vendor else None,
        )
