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
import time
from pathlib import Path
from typing import Any

import yaml

from coverage.config import load_config
from coverage.demand import requirements
from coverage.solve import SolveParams, solve
from coverage.solve.data import ModelData, ModelInputs
from coverage.solve.model import build_model

ROOT = Path(__file__).resolve().parent.parent


def listed_stand_in(shifts: dict[str, Any], step: int) -> dict[str, Any]:
    """Each flexible template as its listed starts × lengths, named `name-HHMM-minutes`."""
    found: dict[str, Any] = {}
    for name, shift in shifts.items():
        first, _, last = str(shift["start"]).partition("-")
        low, _, high = str(shift["hours"]).partition("-")
        if not last and not high:
            found[name] = shift
            continue
        last, high = last or first, high or low
        starts = range(_minutes(first), _minutes(last) + 1, step)
        lengths = range(round(float(low) * 60), round(float(high) * 60) + 1, step)
        for start in starts:
            for length in lengths:
                found[f"{name}-{start // 60:02d}{start % 60:02d}-{length}"] = {
                    "start": f"{start // 60:02d}:{start % 60:02d}",
                    "hours": length / 60,
                }
    return found


def _minutes(clock: str) -> int:
    hours, minutes = clock.strip().split(":")
    return int(hours) * 60 + int(minutes)


def variant(source: Path, folder: Path, kind: str) -> Path:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if kind != "flexible":
        data.setdefault("weights", {})["shift_length"] = 0
    if kind == "listed":
        step = data["plan"]["interval_minutes"]
        for site in data["sites"].values():
            site["shifts"] = listed_stand_in(site["shifts"], step)
    shutil.copy(source.parent / data["forecast"]["file"], folder / data["forecast"]["file"])
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run(path: Path, time_limit: float, workers: int) -> dict[str, object]:
    config = load_config(path)
    needs = requirements(config)
    started = time.perf_counter()
    built = build_model(ModelData.of(config, needs))
    made = time.perf_counter()
    result = solve(
        config, needs, ModelInputs(), SolveParams(time_limit_seconds=time_limit, seed=1, workers=workers, progress=None)
    )
    return {
        "templates": sum(len(site.shifts) for site in config.sites.values()),
        "build_seconds": round(made - started, 2),
        "variables": len(built.model.proto.variables),
        "status": result.status,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "solve_seconds": round(result.wall_seconds, 1),
    }


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
