"""The names `--out` is guarded by are the names the writers write (one list, coverage.outputs.OUTPUT_NAMES).

`plan`, `gaps`, `hires` and `demand` refuse an --out folder where a file the
config reads carries one of these names (it would be replaced). The list was
once spelled in cli.py apart from the writers: a new output had to be added
there by hand. Here every command that is guarded runs on a tiny team into
its own folder, and every file it writes must be named by the list (or be a
picture, .png or .svg); and every name on the list must be written by one of
them, so the list holds no stale name either.
"""

from __future__ import annotations

from pathlib import Path

from helpers import TINY, nine_to_five_new_york, write_forecast

from coverage import cli
from coverage.outputs import OUTPUT_NAMES, PICTURE_SUFFIXES, REJECTED_ROSTER_FILE

# Two agents with fair-share targets (workload.csv) and one candidate profile (hires, attrition).
TEAM = (
    TINY.replace(
        "  - {id: a1, site: nyc, contract: full_time, skills: [chat]}",
        "  - {id: a1, site: nyc, contract: full_time, skills: [chat]}\n  - {id: a2, site: nyc, contract: full_time, skills: [chat]}",
    )
    + "workload: {hours_per_week: 16}\n"
    + "candidates:\n  - {id: extra, site: nyc, contract: full_time, skills: [chat], cost: 1000, max_count: 1}\n"
)


def written(folder: Path) -> set[str]:
    """The files a command left in its --out folder (calendars/ is a folder of the agents' .ics, not a name here)."""
    return {path.name for path in folder.iterdir() if path.is_file()}


def test_every_file_the_guarded_commands_write_is_named_by_the_one_list(tmp_path: Path) -> None:
    config = tmp_path / "team.yaml"
    config.write_text(TEAM, encoding="utf-8")
    write_forecast(tmp_path / "forecast.csv", nine_to_five_new_york(range(7, 12)))
    quick = ["--time-limit", "2", "--workers", "2"]
    runs = {
        "plan": ["plan", str(config), "--out", str(tmp_path / "plan"), *quick, "--quiet"],
        "keep": ["plan", str(config), "--out", str(tmp_path / "keep"), "--keep", str(tmp_path / "plan" / "roster.csv"), *quick],
        "gaps": ["gaps", str(config), str(tmp_path / "plan" / "roster.csv"), "--out", str(tmp_path / "gaps")],
        "demand": ["demand", str(config), "--out", str(tmp_path / "demand")],
        "hires": ["hires", str(config), "--out", str(tmp_path / "hires"), "--steps", "1", "--attrition", *quick],
    }
    files: dict[str, set[str]] = {}
    for name, argv in runs.items():
        assert cli.main(argv) in (0, 1), name  # hires: 1 when one step leaves hours open, its files written all the same
        files[name] = written(tmp_path / name)
    unnamed = {
        name: sorted(f for f in names if f not in OUTPUT_NAMES and not f.endswith(PICTURE_SUFFIXES))
        for name, names in files.items()
    }
    assert unnamed == {name: [] for name in runs}
    # roster.rejected.csv is written only when our checker rejects a roster (tests/test_reliability.py makes one)
    assert OUTPUT_NAMES - set().union(*files.values()) == {REJECTED_ROSTER_FILE}
    assert {"changes.csv", "workload.csv", "attrition.csv", "hires.csv", "requirements.csv"} <= set().union(*files.values())
    assert cli.OUTPUT_NAMES is OUTPUT_NAMES
