"""The CSV text-cell rule (coverage/csvcells.py): what spreadsheets see, and what our readers give back."""

from __future__ import annotations

import csv
import io

import pytest
from helpers import runs_as_formula
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage.csvcells import from_csv_cell, to_csv_cell
from coverage.outputs import write_csv_atomic


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://x.example","click")', '\'=HYPERLINK("http://x.example","click")'),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("-A1", "'-A1"),
        ("@cmd", "'@cmd"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("'=1+1", "''=1+1"),  # a name that really starts with an apostrophe keeps it
        ("'plain", "''plain"),
        ("'", "''"),
        ("-", "'-"),
        ("-inf", "'-inf"),  # not a number to a spreadsheet
        ("-3.5", "-3.5"),
        ("+1", "+1"),
        ("-1e-3", "-1e-3"),
        ("-.5", "-.5"),
        ("-٣", "'-٣"),  # Arabic-Indic digit: not what a spreadsheet reads as a number
        ("ana", "ana"),
        (" =1", " =1"),
        ("", ""),
    ],
)
def test_the_rule(typed: str, written: str) -> None:
    assert to_csv_cell(typed) == written
    assert from_csv_cell(written) == typed


def test_our_numbers_pass_unchanged() -> None:
    assert [to_csv_cell(v) for v in (-3, -2.5, 0, True, None)] == [-3, -2.5, 0, True, None]


def test_hand_made_cells_read_as_a_spreadsheet_shows_them() -> None:
    assert from_csv_cell("'=1+1") == "=1+1"
    assert from_csv_cell("'Brien") == "'Brien"  # an apostrophe before a letter is the user's own
    assert from_csv_cell("-3.5") == "-3.5"


@given(st.text(alphabet=st.sampled_from("=+-@'\t\r\n\"., a1e\u202e")) | st.text())
@settings(max_examples=300, deadline=None, database=None)
def test_any_text_round_trips_and_never_runs(text: str) -> None:
    cell = to_csv_cell(text)
    assert from_csv_cell(cell) == text
    assert not runs_as_formula(cell)


def test_write_csv_atomic_escapes_every_text_cell(tmp_path) -> None:
    rows = [["=1+1", "-A1", -3.5, "'x", "plain", 'a,"b"\nc']]
    path = write_csv_atomic(tmp_path / "t.csv", ["agent", "@head", "n", "q", "p", "multi"], rows)
    header, cells = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    assert header == ["agent", "'@head", "n", "q", "p", "multi"]
    assert cells == ["'=1+1", "'-A1", "-3.5", "''x", "plain", 'a,"b"\nc']
    assert [from_csv_cell(c) for c in cells] == ["=1+1", "-A1", "-3.5", "'x", "plain", 'a,"b"\nc']
