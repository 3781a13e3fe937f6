"""A 60-agent part-time team that gives its availability per half hour, in three zones: how long it takes to read, build and solve.

    python benchmarks/availability.py                     # 60 agents, 2 weeks, 60 s search
    python benchmarks/availability.py --agents 12 --time-limit 5   # a smoke run

The team of issue 26: engineers who do support part-time in Dublin, New York
and Manila, each with availability per half hour Mon-Fri written as
`unavailable` / `preferred` / `avoid` rows of an `availability_file`, one
row per half hour (free 6-10 h a day from a random start between 06:00 and
12:00 local, its first hour `avoid`, then `preferred` but for the last two
hours; weekends neutral) (what
the issue's stand-in wrote as some 20,000 `off` requests), one engineer
wanted on chat every hour (`mix`), a few onboarding agents with mentors.
The same team is also written without the availability file, so the table
shows what the ranges cost, and (third line) with fair-share targets too:
`workload: {hours_per_week: 14}`, engineers counting as half a person,
each agent a balance of -4..4 h carried from earlier weeks. The team is
random but seeded: the same arguments give the same files. Prints one JSON
line per variant.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from coverage.config import load_config
from coverage.demand import requirements
from coverage.solve import SolveParams, solve
from coverage.solve.data import ModelData, ModelInputs
from coverage.solve.model import build_model
from coverage.targets import workload_rows

SITES = {"dublin": "Europe/Dublin", "new_york": "America/New_York", "manila": "Asia/Manila"}
HEADER = """\
plan: {{start: 2027-03-22, days: {days}, timezone: UTC, interval_minutes: 30, seed: 1}}
views: [Europe/Dublin, America/New_York, Asia/Manila]
channels:
  chat:
    kind: realtime
    aht_seconds: 600
    service_level: {{percent: 80, within_seconds: 120}}
    mix: {{engineer: 1}}
forecast: {{file: forecast.csv, timezone: UTC}}
contracts:
  part_time: {{hours_per_week: {{min: 0, max: 16}}, max_days_per_week: 4}}
rules: {{min_rest_hours: 11, max_consecutive_days: 5}}
sites:
"""


def write_team(folder: Path, agents: int, days: int, seed: int, with_availability: bool, with_targets: bool = False) -> Path:
    rng = random.Random(seed)
    balances = random.Random(seed + 1)  # its own stream: the availability rows stay the same with or without targets
    text = HEADER.format(days=days)
    for site, zone in SITES.items():
        shifts = ", ".join(
            f's{start}_{hours}: {{start: "{start:02d}:00", hours: {hours}}}'
            for start in (7, 9, 11, 13, 15)
            for hours in (2, 4, 6, 8)
        )
        text += f"  {site}: {{timezone: {zone}, shifts: {{{shifts}}}}}\n"
    rows = ["agent,day,from,to,level"]
    text += "agents:\n"
    names = [f"e{k:02d}" for k in range(agents)]
    for k, name in enumerate(names):
        site = list(SITES)[k % 3]
        roles = "[engineer]" if k % 4 else "[]"
        mentors = f", mentors: [{names[k - 3]}, {names[k - 6]}]" if k % 15 == 14 else ""
        share = f", weight: {0.5 if k % 4 else 1}, balance_hours: {balances.randint(-4, 4)}" if with_targets else ""
        text += f"  - {{id: {name}, site: {site}, contract: part_time, skills: [chat], roles: {roles}{mentors}{share}}}\n"
        for day in ("Mon", "Tue", "Wed", "Thu", "Fri"):
            first, length = rng.randint(12, 24), rng.randint(12, 20)  # free from 06:00-12:00 for 6-10 h, on their own clock
            for slot in range(48):
                inside = first <= slot < first + length
                level = (
                    "unavailable"
                    if not inside
                    else "avoid"
                    if slot < first + 2
                    else "preferred"
                    if slot < first + length - 4
                    else ""
                )
                if level:
                    start = f"{slot // 2:02d}:{30 * (slot % 2):02d}"
                    end = "24:00" if slot == 47 else f"{(slot + 1) // 2:02d}:{30 * ((slot + 1) % 2):02d}"
                    rows.append(f"{name},{day},{start},{end},{level}")
    if with_targets:
        text += "workload: {hours_per_week: 14}\n"
    if with_availability:
        text += "availability_file: availability.csv\n"
        (folder / "availability.csv").write_text("\n".join(rows) + "\n")
    origin = datetime(2027, 3, 22, tzinfo=UTC)
    forecast = ["start,channel,volume"] + [f"{(origin + timedelta(hours=h)).isoformat()},chat,6" for h in range(days * 24)]
    (folder / "forecast.csv").write_text("\n".join(forecast) + "\n")
    (folder / "team.yaml").write_text(text)
    return folder / "team.yaml"


def run(path: Path, time_limit: float, workers: int) -> dict[str, object]:
    started = time.perf_counter()
    config = load_config(path)
    loaded = time.perf_counter()
    needs = requirements(config)
    data = ModelData.of(config, needs)
    built = build_model(data)
    made = time.perf_counter()
    result = solve(
        config, needs, ModelInputs(), SolveParams(time_limit_seconds=time_limit, seed=1, workers=workers, progress=None)
    )
    rows = workload_rows(result.roster, config) if result.roster is not None else []
    return {
        "load_seconds": round(loaded - started, 2),
        "build_seconds": round(made - loaded, 2),
        "variables": len(built.model.proto.variables),
        "status": result.status,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "solve_seconds": round(result.wall_seconds, 1),
        **({"target_cost": sum(r.cost for r in rows), "most_away_hours": max(r.away_hours for r in rows)} if rows else {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=60)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for with_availability, with_targets in ((False, False), (True, False), (True, True)):
        with tempfile.TemporaryDirectory() as folder:
            path = write_team(Path(folder), args.agents, args.days, args.seed, with_availability, with_targets)
            rows = (Path(folder) / "availability.csv").read_text().count("\n") - 1 if with_availability else 0
            load = os.getloadavg()[0]
            row = {
                "agents": args.agents,
                "days": args.days,
                "availability_rows": rows,
                "targets": with_targets,
                **run(path, args.time_limit, args.workers),
                "time_limit": args.time_limit,
                "workers": args.workers,
                "load": [round(load, 2), round(os.getloadavg()[0], 2)],
            }
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
