"""The project's own exceptions.

Every user mistake becomes an :class:`InputError` carrying one or more
:class:`Problem` lines; the CLI catches it once and prints the lines, so users
never see a traceback for something they can fix themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, located as precisely as we can."""

    file: Path | str
    line: int | str | None  # a line number, or a cell such as "Roster!B7" in a workbook
    where: str
    what: str

    def __str__(self) -> str:
        """Always one line: control characters from the user's text are shown escaped."""
        line = self.line if self.line is not None else "?"
        where = self.where or "(document)"
        return _one_line(f"{self.file}:{line}: {where}: {self.what}")


def _one_line(text: str) -> str:
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


class CoverageError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(CoverageError):
    """The user's configuration or a file it names is invalid (exit code 2)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputExistsError(CoverageError):
    """The output directory already holds a roster and --force was not given."""


class InfeasibleError(CoverageError):
    """No roster satisfies the hard rules (exit code 1)."""


MAX_PROBLEMS = 50  # a broken export of 100,000 rows should not print 100,000 lines


def raise_problems(problems: list[Problem], file: Path | str, limit: int = MAX_PROBLEMS) -> None:
    """Raise InputError with the problems found, at most `limit` of them plus a count of the rest; nothing if none."""
    if not problems:
        return
    shown = problems[:limit]
    if len(problems) > limit:
        shown.append(Problem(file, None, "", f"... and {len(problems) - limit} more problems (fix the ones above first)"))
    raise InputError(shown)
