"""How long the independent checker takes on a big roster: listed shifts, and flexible split days.

    .venv/bin/python benchmarks/check_speed.py --agents 1000 --days 28
    .venv/bin/python benchmarks/check_speed.py --agents 1000 --days 28 --flexible

The team is coverage.synthetic's (early, day and late shifts at up to five
sites); the roster is built by hand, not solved: each agent works the `day`
shift five days a week (weekdays), or with --flexible two runs a weekday of
one flexible template (`08:00-18:00`, 2-6 h), 4 h and 3 h with a 3 h gap.
Both rosters are clean, so every rule is checked in full. Prints the
shifts, the seconds to read the roster file and the best of three checks,
then the same as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import yaml

from coverage.check import Checker
from coverage.config import load_config
from coverage.roster import read_roster
from coverage.synthetic import write_team

START = date(2027, 1, 4)  # a Monday


def roster_rows(agents: list[dict], days: int, flexible: bool) -> list[str]:
    rows = ["agent,shift,date,start_local,end_local"]
    for agent in agents:
        for offset in range(days):
            day = START + timedelta(days=offset)
            if day.weekday() >= (3 if agent["contract"] == "part_time" else 5):
                continue
            if flexible:
                rows.append(f"{agent['id']},flex,{day},{day}T08:00,{day}T12:00")
                rows.append(f"{agent['id']},flex,{day},{day}T15:00,{day}T18:00")
            else:
                rows.append(f"{agent['id']},day,{day},,")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--flexible", action="store_true", help="two flexible runs a weekday instead of one listed shift")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_team(Path(folder), args.agents, 3, START, args.days)
        data = yaml.safe_load(path.read_text())
        for agent in data["agents"]:
            agent["skills"] = agent["skills"][:1]  # one skill: the channel column may stay empty
        if args.flexible:
            for site in data["sites"].values():
                site["shifts"] = {"flex": {"start": "08:00-18:00", "hours": "2-6"}}
            data["rules"].update({"max_shifts_per_day": 2, "min_gap_hours": 3})
            for contract in data["contracts"].values():
                contract["hours_per_week"]["min"] = 0
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        config = load_config(path)
        roster_file = Path(folder) / "roster.csv"
        roster_file.write_text("\n".join(roster_rows(data["agents"], args.days, args.flexible)) + "\n")
        began = time.perf_counter()
        roster = read_roster(roster_file, config)
        read_seconds = time.perf_counter() - began
        checker = Checker(config)
        timings = []
        for _ in range(3):
            began = time.perf_counter()
            found = checker.check(roster)
            timings.append(time.perf_counter() - began)
    kind = "flexible split days" if args.flexible else "listed shifts"
    print(
        f"{args.agents} agents x {args.days} days, {kind}: {len(roster)} shifts, read {read_seconds:.2f} s, "
        f"check {min(timings):.2f} s (best of 3), {len(found)} violation(s)"
    )
    row = {"roster": kind, "agents": args.agents, "days": args.days, "shifts": len(roster), "violations": len(found)}
    print(json.dumps({**row, "read_seconds": round(read_seconds, 3), "check_seconds": round(min(timings), 3)}))


if __name__ == "__main__":
    main()
