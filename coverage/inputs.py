"""Reading the files users hand us: bounded in size, decoded as UTF-8, every failure located.

Configs, forecasts and rosters come from text editors, spreadsheets and other
tools' exports. Reading them is where a Latin-1 export, a directory instead of
a file or a multi-gigabyte dump shows up, so that happens here, once, with one
set of messages, before any parser sees the text. The size caps keep a wrong
file from turning into minutes of parsing or an out-of-memory crash: they sit
far above any real team's files (see docs/reliability.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from coverage.errors import InputError, Problem

MIB = 1024 * 1024
# The YAML parser reads about 100 KB/s, so 4 MiB is ~40 s and ~60,000 agents
# written one per line — ten times the largest seasonal team we plan for.
MAX_CONFIG_BYTES = 4 * MIB
# A year of 15-minute forecast rows for 50 channels is ~70 MB; a roster of
# 10,000 agents for a year ~400 MB would be beyond the solver anyway.
MAX_CSV_BYTES = 128 * MIB


def read_text(file: Path, limit: int, save_as: str = "UTF-8") -> str:
    """The file's text (UTF-8, a byte-order mark allowed); InputError saying what is wrong otherwise.

    At most `limit` + 1 bytes are read, so a huge file or an endless device
    costs no more than the limit before it is refused.
    """
    data = _read_bytes(file, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start : exc.start + 1].hex().upper()
        raise InputError(
            [
                Problem(
                    file, line, "", f"not UTF-8 text (byte {exc.start}: 0x{byte} at column {column}); save the file as {save_as}"
                )
            ]
        ) from None


def _read_bytes(file: Path, limit: int) -> bytes:
    try:
        with file.open("rb") as stream:
            data = stream.read(limit + 1)
    except FileNotFoundError:
        raise InputError([Problem(file, None, "", "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(file, None, "", "is a directory (expected a file)")]) from None
    except OSError as exc:
        raise InputError([Problem(file, None, "", f"cannot read: {exc.strerror or exc}")]) from None
    if len(data) > limit:
        raise InputError(
            [
                Problem(
                    file,
                    None,
                    "",
                    f"file is larger than the limit of {_size(limit)} (expected a plan's own file; is this the right file?)",
                )
            ]
        )
    return data


def _size(count: int) -> str:
    return f"{count / MIB:g} MiB" if count >= MIB else f"{count:,} bytes"


OTHER_SEPARATORS = (";", "\t", "|")


def other_separator(names: Sequence[str], expected: Sequence[str]) -> str | None:
    """What is wrong with a header that is one cell holding expected column names split by another mark; else None.

    Excel saves "CSV" with ';' between columns in locales whose decimal mark
    is a comma. Read with commas the header is one unknown column and every
    expected one is "missing", which sends the manager looking for columns
    that are there: the one thing to fix is the separator.
    """
    cells = [name.strip() for name in names if name.strip()]
    if len(cells) != 1:
        return None
    wanted = {name.casefold() for name in expected}
    for mark in OTHER_SEPARATORS:
        parts = {part.strip().casefold() for part in cells[0].split(mark)}
        if len(parts) > 1 and wanted & parts:
            shown = "tabs" if mark == "\t" else repr(mark)
            return f"columns separated by {shown} (expected commas: {','.join(expected)}; save as CSV UTF-8, comma-delimited)"
    return None
