"""Text cells in the CSV files we write: never a spreadsheet formula, and read back exactly as typed.

Agent, site, shift and channel names come from the user's YAML, and CSV
files get opened in Excel, LibreOffice or Google Sheets, which run a cell
that begins with ``=``, ``+``, ``-`` or ``@`` (and, per OWASP, a tab or a
carriage return) as a formula: ``=HYPERLINK(...)`` in an agent's name would
become a live link in a manager's roster. The rule, in one place, for every
writer and every reader of our CSVs:

* **Writing** (:func:`to_csv_cell`): a text cell that begins with one of
  ``= + - @``, TAB, CR or ``'`` and is not a plain decimal number (``-3.5``,
  ``+1``, ``1e-3``: see :data:`NUMBER`) gets one ``'`` in front. Spreadsheets
  show a leading apostrophe as "this is text"; the apostrophe itself is in
  the set so a name that really starts with one stays distinguishable.
* **Reading** (:func:`from_csv_cell`): a cell that begins with ``'``
  followed by one of those characters loses that first ``'``.

Reading undoes writing for every string (tests/test_csvcells.py checks it);
a hand-made cell such as ``'=1`` reads as ``=1``, as the spreadsheet showed it.
The stdlib csv module still does the quoting of commas, quotes and line breaks.

Numbers get one spelling in every CSV we write (:func:`number_cell`): 40, 0.25,
12.5 — whole numbers without ``.0``, at most four decimals, no float noise —
and an empty cell where a figure is undefined (:func:`metric_cell`).

defusedcsv (PyPI) covers the writing half only, and not reversibly: it
rewrites ``|`` inside cells and leaves a leading ``'`` alone, so our readers
could not give back what the user typed. Hence these few lines of our own.
"""

from __future__ import annotations

import math
import re
from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r")  # OWASP's list of characters that start a formula
ESCAPE = "'"
ESCAPED_STARTS = FORMULA_STARTS | {ESCAPE}
# A plain decimal number, ASCII digits only: what a spreadsheet reads as a number, never a formula.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def to_csv_cell(value: Any) -> Any:
    """`value` as a CSV cell a spreadsheet shows as text; non-text values (our own numbers) pass unchanged."""
    if isinstance(value, str) and value[:1] in ESCAPED_STARTS and not NUMBER.fullmatch(value):
        return ESCAPE + value
    return value


def number_cell(value: float, digits: int = 4) -> str:
    """A number as a spreadsheet reads it: 40, 0.25, 12.5 (at most `digits` decimals, no float noise)."""
    rounded = round(float(value), digits)
    return str(int(rounded)) if rounded == int(rounded) else repr(rounded)


def metric_cell(value: float, digits: int = 4) -> str:
    """A figure that may be undefined (an overloaded queue's wait): its number_cell, or empty when not finite."""
    return number_cell(value, digits) if math.isfinite(value) else ""


def from_csv_cell(text: str) -> str:
    """The text a user typed, from a cell :func:`to_csv_cell` wrote (other cells are returned unchanged)."""
    if text[:1] == ESCAPE and text[1:2] in ESCAPED_STARTS:
        return text[1:]
    return text
