"""The team from a sheet: `agents_file:` CSV or .xlsx, every mistake at once with its row and column."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import TINY
from openpyxl import Workbook

from coverage.config import Config, load_config
from coverage.errors import InputError

TEAM_YAML = TINY.replace(
    "agents:\n  - {id: a1, site: nyc, contract: full_time, skills: [chat]}\n",
    "agents_file: team.csv\n",
).replace(
    '      day: {start: "09:00", hours: 8}\n', '      day: {start: "09:00", hours: 8}\n      late: {start: "14:00", hours: 8}\n'
)


def load(tmp_path: Path, sheet: str, yaml_text: str = TEAM_YAML) -> Config:
    (tmp_path / "forecast.csv").write_text("start,channel,volume\n", encoding="utf-8")
    (tmp_path / "team.csv").write_text(textwrap.dedent(sheet), encoding="utf-8")
    (tmp_path / "plan.yaml").write_text(yaml_text, encoding="utf-8")
    return load_config(tmp_path / "plan.yaml")


def test_a_team_sheet_gives_the_agents_the_yaml_list_would(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """\
        ID,Name,Site,Contract,Skills,Days off,Leave,Allowed shifts,Works holidays
        ana,Ana Souza,nyc,full_time,chat,"Sat, Sun","2026-12-24; 2026-12-28 to 2026-12-31",day,no
        bo,Bo Chan,nyc,full_time,Chat,saturday,,"day; late",yes
        """,
    )
    ana, bo = config.agents
    assert (ana.id, ana.name, ana.days_off, ana.shifts, ana.works_holidays) == (
        "ana",
        "Ana Souza",
        ["Sat", "Sun"],
        ["day"],
        False,
    )
    assert ana.leave_days() == {
        date(2026, 12, 24),
        date(2026, 12, 28),
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2026, 12, 31),
    }
    assert (bo.days_off, bo.shifts, bo.works_holidays, bo.leave) == (["Sat"], ["day", "late"], True, [])


def test_every_kind_of_mistake_is_reported_at_once_with_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load(
            tmp_path,
            """\
            ID,Name,Site,Contract,Skills,Days off,Leave,Allowed shifts,Colour
            ana,Ana,nyc,full_time,chat,"Sat, Sun",2026-12-24,day,red
            bo,Bo,tokyo,part_time,"chat; sms",Funday,2026-13-01,night,blue
            ana,Cy,nyc,full_time,,Sat,2026-12-10 to 2026-12-09,early,green
            ,Di,nyc,full_time,chat,,,,
            """,
        )
    lines = [line.split("team.csv:", 1)[1] for line in str(caught.value).splitlines()]
    assert lines == [
        "1: header: unknown column 'Colour' (expected any of: id, name, site, contract, skills, days off, leave, shifts, "
        "works holidays, employment start, employment end, weight, target hours, balance hours)",
        "3: Leave: '2026-13-01' is not a date or a range (expected e.g. 2026-12-24 or 2026-12-28 to 2026-12-31)",
        "3: Days off: Input should be 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat' or 'Sun' (got 'Funday')",
        "3: Site: unknown site 'tokyo' (expected one of: nyc)",
        "3: Contract: unknown contract 'part_time' (expected one of: full_time)",
        "3: Skills: unknown channel 'sms' (expected one of: chat)",
        "4: Skills: empty cell (expected a value)",
        "4: Leave: 'to' (2026-12-09) is before 'from' (2026-12-10) (expected from <= to)",
        "4: ID: duplicate agent id 'ana' (also line 2; expected unique ids)",
        "4: Allowed shifts: site nyc has no shift 'early' (expected one of: day, late)",
        "5: ID: empty cell (expected a value)",
    ]


def test_a_workbook_reports_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Team"
    sheet.append(["id", "site", "contract", "skills", "leave", "days_off"])
    sheet.append(["ana", "nyc", "full_time", "chat", datetime(2026, 12, 24), "Sun"])
    sheet.append(["bo", "nyc", "full_time", "fax", "2026-12-28 .. 2026-12-29", "Sunday"])
    book.save(tmp_path / "team.xlsx")
    with pytest.raises(InputError) as caught:
        load(tmp_path, "", TEAM_YAML.replace("team.csv", "team.xlsx"))
    assert str(caught.value).endswith("team.xlsx:Team!D3: skills: unknown channel 'fax' (expected one of: chat)")
    sheet["D3"] = "chat"
    book.save(tmp_path / "team.xlsx")
    config = load(tmp_path, "", TEAM_YAML.replace("team.csv", "team.xlsx"))
    assert [(a.id, sorted(a.leave_days()), a.days_off) for a in config.agents] == [
        ("ana", [date(2026, 12, 24)], ["Sun"]),
        ("bo", [date(2026, 12, 28), date(2026, 12, 29)], ["Sun"]),
    ]


def test_the_yaml_list_stays_and_joins_the_sheet(tmp_path: Path) -> None:
    text = TEAM_YAML.replace(
        "agents_file: team.csv\n",
        "agents:\n  - {id: yam, site: nyc, contract: full_time, skills: [chat]}\nagents_file: team.csv\n",
    )
    config = load(tmp_path, "id,site,contract,skills\nsheet1,nyc,full_time,chat\n", text)
    assert [a.id for a in config.agents] == ["yam", "sheet1"]
    with pytest.raises(InputError, match=r"team.csv:2: id: agent id 'yam' is also in the configuration's agents list"):
        load(tmp_path, "id,site,contract,skills\nyam,nyc,full_time,chat\n", text)
    with pytest.raises(InputError, match=r"plan.yaml:\d+: agents_file: file 'crew.csv' not found"):
        load(tmp_path, "id,site,contract,skills\n", TEAM_YAML.replace("team.csv", "crew.csv"))


def test_candidates_accept_days_off(make_config: Callable[..., Config]) -> None:
    config = make_config(
        TINY
        + "candidates:\n  - {id: weekender, site: nyc, contract: full_time, skills: [chat], days_off: [Mon, Tue, Wed, Thu, Fri]}\n"
    )
    hire = config.candidates[0].as_agents()[0]
    assert hire.days_off == ["Mon", "Tue", "Wed", "Thu", "Fri"]


def test_an_id_of_dots_only_in_a_team_sheet_is_one_located_line(tmp_path: Path) -> None:
    """`..` would name the hidden calendar calendars/...ics: refused at its cell, as in the YAML list; `-cmd` stays valid."""
    with pytest.raises(InputError) as caught:
        load(tmp_path, "ID,Site,Contract,Skills\n-cmd,nyc,full_time,chat\n..,nyc,full_time,chat\n")
    assert [line.split("team.csv:", 1)[1] for line in str(caught.value).splitlines()] == [
        "3: ID: '..' is made of dots only, which a file named by it (calendars/AGENT.ics) reads as a folder or a hidden file "
        "(expected a name with a letter, digit, '_' or '-')"
    ]
