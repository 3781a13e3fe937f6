"""Flexible templates against their listed stand-in: the same team, every start × length written as its own template.

    python benchmarks/flexible.py                                   # configs/flexible.yaml, 60 s each
    python benchmarks/flexible.py --time-limit 10                   # a smoke run

Issue 26 asks that flexible shifts (`start: "07:00-15:00"`, `hours: 2-8`) not be
enumerated as start × length templates and stay as fast as listed ones. Three
variants of one config, one JSON line each: `flexible` as written; `flexible,
no preference` with `weights.shift_length: 0` (the stand-in cannot price a
preferred length); `listed` — each flexible template replaced by one listed
template per start and length on the grid (17 starts × 13 lengths = 221 per
site on configs/flexible.yaml), also without the preference. Objectives of the
last two are comparable; build seconds and variables of all three.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from availability import run as measured_run  # a sibling script: benchmarks/ is on sys.path when run

from coverage.config import load_config
from coverage.solve.coarse import stand_in_shifts

ROOT = Path(__file__).resolve().parent.parent


def listed_stand_in(source: Path, step: int) -> dict[str, dict[str, Any]]:
    """Per site, its templates with each flexible one as every start × length on the grid (coverage.solve.coarse's stand-in at the grid's step)."""
    config = load_config(source)
    found: dict[str, dict[str, Any]] = {}
    for site_name, site in config.sites.items():
        shifts: dict[str, Any] = {}
        for name, template in site.shifts.items():
            if not template.flexible:
                shifts[name] = template.model_dump(exclude_defaults=True)
                continue
            for listed, shift in stand_in_shifts(name, template, step).items():
                shifts[listed.replace(".", "-")] = {"start": shift.start, "hours": shift.max_minutes / 60}
        found[site_name] = shifts
    return found


def variant(source: Path, folder: Path, kind: str) -> Path:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if kind != "flexible":
        data.setdefault("weights", {})["shift_length"] = 0
    if kind == "listed":
        for site_name, shifts in listed_stand_in(source, data["plan"]["interval_minutes"]).items():
            data["sites"][site_name]["shifts"] = shifts
    shutil.copy(source.parent / data["forecast"]["file"], folder / data["forecast"]["file"])
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run(path: Path, time_limit: float, workers: int) -> dict[str, object]:
    """availability.py's measured run (build, search, verify, time to within 5 % and 1 %), with the templates counted."""
    config = load_config(path)
    return {"templates": sum(len(site.shifts) for site in config.sites.values()), **measured_run(path, time_limit, workers)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", type=Path, default=ROOT / "configs" / "flexible.yaml")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for kind in ("flexible", "flexible, no preference", "listed"):
        with tempfile.TemporaryDirectory() as folder:
            path = variant(args.config, Path(folder), kind)
            load = os.getloadavg()[0]
            row = {"variant": kind, **run(path, args.time_limit, args.workers), "time_limit": args.time_limit}
            print(json.dumps({**row, "load": [round(load, 2), round(os.getloadavg()[0], 2)]}), flush=True)


if __name__ == "__main__":
    main()
