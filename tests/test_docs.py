"""The docs site's promises that code can keep: the first-team page works as written, and the
configuration reference covers every key of the models.

`make docs` (mkdocs build --strict) checks links and pages; these tests run in `make test` without
the docs extra installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coverage.config import config_schema

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "hooks"))

from config_reference import MARKER, markdown, missing_descriptions, reference  # noqa: E402

FENCE = re.compile(r'^```(\w+)(?: title="([^"]+)")?\n(.*?)^```', re.S | re.M)


def first_team_steps() -> tuple[dict[str, str], list[str]]:
    """The page's files (fences with a title) and its shell commands (untitled `sh` fences), in order."""
    files: dict[str, str] = {}
    commands: list[str] = []
    for language, title, body in FENCE.findall((DOCS / "first-team.md").read_text()):
        if title and title.startswith("Install"):
            continue  # the reader installs once; the suite runs with the project installed
        if title:
            files[title] = body
        elif language == "sh":
            commands += [line for line in body.splitlines() if line.strip()]
    return files, commands


def test_the_first_team_page_gets_a_newcomer_from_an_empty_folder_to_a_report(tmp_path: Path) -> None:
    files, commands = first_team_steps()
    assert set(files) == {"team.yaml", "forecast.csv"} and commands[:2] == ["mkdir my-team", "cd my-team"]
    assert any(c.startswith("covplan plan") for c in commands) and any(c.startswith("covplan verify") for c in commands)
    folder = tmp_path / "my-team"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command in commands:
        if command.startswith(("mkdir", "cd")):
            folder.mkdir(exist_ok=True)
            for name, text in files.items():  # the reader saves the files once the folder exists
                (folder / name).write_text(text)
            continue
        done = subprocess.run(command, shell=True, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{command}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    out = folder / "out"
    assert (out / "report.html").is_file() and (out / "roster.xlsx").is_file() and (out / "calendars").is_dir()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] in {"OPTIMAL", "FEASIBLE"}
    # What the page says the report shows: New York's nights left open, some hours covered.
    assert summary["views"]["America/New_York"]["overnight_uncovered_hours"] > 0 and 0 < summary["coverage_ratio"] < 1
    rows = (out / "roster.csv").read_text().splitlines()
    assert rows[0].startswith("agent,site,channel,shift,date") and len(rows) > 1
    for name in ("roster.csv", "roster.xlsx", "summary.json", "coverage.csv", "gaps-America_New_York.png"):
        assert (out / name).exists(), name  # the files the page's table names


def test_the_configuration_reference_has_every_key_with_a_description() -> None:
    keys = reference(config_schema())
    paths = [key.path for key in keys]
    assert missing_descriptions(keys) == []
    assert len(paths) == len(set(paths))
    # Sections, mappings of names, lists and the keys of both channel kinds, as a user writes them.
    for path in (
        "plan.start",
        "views",
        "channels.NAME.respond_within_hours",
        "sites.NAME.shifts.NAME.break_window.latest",
        "contracts.NAME.hours_per_week.max",
        "agents[].requests[].weight",
        "forecast.multipliers[].from",
        "candidates[].cost",
        "weights.late",
        "agents_file",
    ):
        assert path in paths, path
    row = {key.path: key for key in keys}
    assert (row["plan.interval_minutes"].type, row["plan.interval_minutes"].default) == ("one of `60`, `30`, `15`", "`60`")
    assert row["plan.start"].default == "required" and row["weekend"].default == '`["Sat", "Sun"]`'
    assert row["channels.NAME.respond_within_hours"].description.startswith("backlog only:")
    assert row["plan.days"].type == "integer, ≥ 1, ≤ 366"
    assert "| `rules.min_rest_hours` | number, ≥ 0, ≤ 48 | `11` |" in markdown(keys)


def test_the_configuration_page_holds_the_marker_the_hook_replaces() -> None:
    assert MARKER in (DOCS / "configuration.md").read_text()


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_no_page_links_to_a_readme_anchor(page: str) -> None:
    """Sections moved from the README to pages: a link into the README's old anchors would be dead."""
    assert "README.md#" not in (DOCS / page).read_text()


def test_the_readmes_api_example_runs(tmp_path: Path) -> None:
    """The README's ten lines of Python, as written (only the search shortened), in a fresh process without a display.

    Deterministic: three seconds of CP-SAT's deterministic time find a roster
    however busy the machine is (three seconds of wall time under a load of
    nine did not).
    """
    code = re.search(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert code is not None
    source = code.group(1).replace("time_limit_seconds=30, workers=2)", "time_limit_seconds=3, workers=2, deterministic=True)")
    assert "deterministic=True" in source  # the replace above found its text
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", source], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    uncovered, weekend, overnight = map(float, done.stdout.split())
    assert 0 <= weekend <= 192 and 0 <= overnight <= 224 and weekend + overnight - 64 <= uncovered <= 672  # 4 weeks' hours
