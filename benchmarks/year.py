"""A year of rota periods: the example team planned thirteen times, each period with the previous roster as history.

    python benchmarks/year.py [--periods 13] [--time-limit 30] [--seed 1] [--keep-period 6] [--deterministic] [--out DIR]

This is what a manager does all year with `covplan plan`: four weeks at a
time, `history:` set to the roster just published, and once a re-plan in the
middle of a period (`--keep`, after an agent falls ill for three days). The
script drives the real command line (`coverage.cli.main`) in this process,
then reads what was published:

* every roster as published passes `covplan verify` (plan refuses to publish
  one that does not);
* the concatenated year — the thirteen rosters as one, the re-planned one in
  place of its original — is checked against one config spanning the year,
  so every rule holds across every boundary, not only period by period
  (`max_weekends_per_period` is a per-period rule and is left to each period);
* fairness over the year: per site, the spread (most − fewest) of weekends
  and nights worked among the agents who share them, against the spread
  inside one period; a year spread that grows with the periods is drift;
* per period: coverage, uncovered clock hours and the search's gap to its bound.

With `--deterministic` every period is planned with `plan --deterministic`:
its time limit is CP-SAT's work, not seconds, so the year's rosters are the
same whatever the machine's load (tests/test_year.py: a busy machine left
the wall-clock search no time for fairness, and the spreads it checks grew).
The example's forecast (four weeks from Monday 7 December 2026) is repeated
for the year. Last line: one JSON object (benchmarks/run.py's `year` stage).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coverage.check import check_roster  # noqa: E402
from coverage.cli import main  # noqa: E402
from coverage.config import Config, load_config  # noqa: E402
from coverage.roster import Roster, read_roster  # noqa: E402
from coverage.solve.objective import works_weekends  # noqa: E402
from coverage.time import hours_in_local_window, week_monday  # noqa: E402

EXAMPLE = ROOT / "configs" / "example.yaml"
PERIOD_DAYS = 28
SICK_AGENT = "ben"  # falls ill on his first three rostered days of the re-planned period's second week


@dataclass
class Period:
    index: int
    start: str
    status: str
    objective: float | None
    best_bound: float | None
    seconds: float
    coverage_ratio: float
    uncovered_hours: float  # clock hours in the first view with any channel uncovered, or the sum over channels
    weekend_uncovered_hours: float
    overnight_uncovered_hours: float
    shifts: int
    replanned_changes: dict[str, int] | None = None  # removed, added, channel (moves), from changes.csv


@dataclass
class Fairness:
    site: str
    kind: str  # "weekends" or "nights"
    agents: int
    year_spread: int  # most - fewest over the year
    period_spreads: list[int] = field(default_factory=list)  # most - fewest inside each period


@dataclass
class Year:
    periods: list[Period]
    fairness: list[Fairness]
    year_violations: list[str]
    seconds: float


def year_forecast(example: Config, periods: int) -> list[tuple[str, str, str]]:
    """The example's four weeks of hourly volumes, repeated; rows as (start, channel, volume) text."""
    text = (EXAMPLE.parent / "example-forecast.csv").read_text()
    origin = example.plan.start
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        moment = date.fromisoformat(row["start"][:10])
        if not origin <= moment < origin + timedelta(days=PERIOD_DAYS):
            continue
        for k in range(periods):
            shifted = moment + timedelta(days=PERIOD_DAYS * k)
            rows.append((shifted.isoformat() + row["start"][10:], row["channel"], row["volume"]))
    return sorted(rows)


def period_config(base: dict, k: int, history: str | None, extra_leave: dict[str, list] | None = None) -> dict:
    data = json.loads(json.dumps(base, default=str))  # a deep copy with dates as text, as YAML writes them
    start = date.fromisoformat(str(base["plan"]["start"])) + timedelta(days=PERIOD_DAYS * k)
    data["plan"] = {**data["plan"], "start": start.isoformat(), "days": PERIOD_DAYS}
    data["forecast"] = {**data["forecast"], "file": "../year-forecast.csv"}
    if history:
        data["history"] = history
    for agent in data["agents"]:
        agent["leave"] = [*agent.get("leave", []), *(extra_leave or {}).get(agent["id"], [])]
    return data


def write_yaml(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def plan(config: Path, out: Path, args: argparse.Namespace, *extra: str) -> tuple[int, str]:
    """`covplan plan` in this process; (exit code, what it printed on stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(
            [
                "plan",
                str(config),
                "--out",
                str(out),
                "--time-limit",
                str(args.time_limit),
                "--seed",
                str(args.seed),
                "--workers",
                str(args.workers),
                "--quiet",
                "--force",
                *(["--deterministic"] if getattr(args, "deterministic", False) else []),
                *extra,
            ]
        )
    return code, err.getvalue()


def summary_of(out: Path, config: Config) -> dict[str, Any]:
    digest = json.loads((out / "summary.json").read_text())
    view = digest["views"][config.view_zones[0]]
    return {
        "status": digest["status"],
        "objective": digest.get("objective"),
        "best_bound": digest.get("best_bound"),
        "coverage_ratio": digest["coverage_ratio"],
        "uncovered_hours": round(float(view.get("uncovered_hours", sum(digest["uncovered_hours"].values()))), 2),
        "weekend_uncovered_hours": view["weekend_uncovered_hours"],
        "overnight_uncovered_hours": view["overnight_uncovered_hours"],
    }


def run_year(work: Path, args: argparse.Namespace) -> Year:
    began = time.monotonic()
    base = yaml.safe_load(EXAMPLE.read_text())
    example = load_config(EXAMPLE)
    work.mkdir(parents=True, exist_ok=True)
    (work / "year-forecast.csv").write_text(
        "start,channel,volume\n" + "".join(f"{s},{c},{v}\n" for s, c, v in year_forecast(example, args.periods))
    )
    periods: list[Period] = []
    rosters: list[Roster] = []
    configs: list[Config] = []
    sick: dict[str, list] = {}
    history = None
    for k in range(args.periods):
        folder = work / f"p{k:02d}"
        config_file = write_yaml(folder / "team.yaml", period_config(base, k, history))
        out = folder / "out"
        clock = time.monotonic()
        code, err = plan(config_file, out, args)
        if code != 0:
            raise SystemExit(f"period {k}: plan exited {code}: {err.strip().splitlines()[-1:]}")
        seconds = time.monotonic() - clock
        config = load_config(config_file)
        changes = None
        if k == args.keep_period:
            sick = {SICK_AGENT: sick_days(read_roster(out / "roster.csv", config), config)}
            replan_file = write_yaml(folder / "team-replan.yaml", period_config(base, k, history, sick))
            code, err = plan(replan_file, folder / "replan", args, "--keep", str(out / "roster.csv"))
            if code != 0:
                raise SystemExit(f"period {k} re-plan: plan exited {code}: {err.strip().splitlines()[-1:]}")
            out, config = folder / "replan", load_config(replan_file)
            changes = {kind: 0 for kind in ("removed", "added", "channel")}
            for row in csv.DictReader((out / "changes.csv").open()):
                changes[row["change"]] += 1
        roster = read_roster(out / "roster.csv", config)
        assert check_roster(roster, config) == [], f"period {k}: the published roster does not verify"
        rosters.append(roster)
        configs.append(config)
        periods.append(
            Period(
                index=k,
                start=config.plan.start.isoformat(),
                seconds=round(seconds, 1),
                shifts=len(roster),
                replanned_changes=changes,
                **summary_of(out, config),
            )
        )
        history = f"../{out.relative_to(work).as_posix()}/roster.csv"
        print(
            f"period {k:2d} from {config.plan.start}: {periods[-1].status}, coverage {periods[-1].coverage_ratio:.2%}, "
            f"{periods[-1].uncovered_hours:g} uncovered h, {seconds:.0f} s"
            + (f", re-planned: {changes}" if changes is not None else ""),
            file=sys.stderr,
            flush=True,
        )
    year_config = load_config(write_yaml(work / "year.yaml", year_data(base, args.periods, sick)))
    everything = Roster(tuple(a for roster in rosters for a in roster.assignments))
    violations = [str(v) for v in check_roster(everything, year_config)]
    return Year(periods, fairness(rosters, configs, year_config), violations, round(time.monotonic() - began, 1))


def sick_days(roster: Roster, config: Config) -> list[str]:
    """The sick agent's first three rostered days from the period's second week: the leave the re-plan must absorb."""
    later = config.plan.start + timedelta(days=7)
    return [a.day.isoformat() for a in roster.for_agent(SICK_AGENT) if a.day >= later][:3]


def year_data(base: dict, periods: int, sick: dict[str, list]) -> dict:
    """One config spanning every period: the same team and rules, less the per-period weekend limit."""
    data = period_config(base, 0, None, sick)
    data["plan"]["days"] = PERIOD_DAYS * periods
    data["rules"].pop("max_weekends_per_period", None)
    data["forecast"]["file"] = "year-forecast.csv"
    return data


def fairness(rosters: list[Roster], configs: list[Config], year: Config) -> list[Fairness]:
    """Weekends and nights per agent, per period and over the year, among the agents of a site who share them."""
    found: list[Fairness] = []
    night = year.night_shift
    for site_name, site in year.sites.items():
        members = [a for a in year.agents if a.site == site_name]
        # the year's team lists its templates; a flexible one (a range of lengths) is no night template here
        night_templates = {
            name for name, t in site.shifts.items() if isinstance(t.hours, int | float) and _is_night(t.start, t.hours, night)
        }
        groups = {
            "weekends": [a.id for a in members if works_weekends(year, a, configs[0].rules_for(a).max_weekends_per_period)],
            "nights": [
                a.id
                for a in members
                if set(year.allowed_shifts(a)) & night_templates and not set(year.allowed_shifts(a)) <= night_templates
            ],  # night-only agents have no choice
        }
        for kind, ids in groups.items():
            if len(ids) < 2:
                continue
            per_period = [_counts(roster, ids, kind, year, night_templates) for roster in rosters]
            totals = {agent: sum(counts[agent] for counts in per_period) for agent in ids}
            found.append(
                Fairness(
                    site_name,
                    kind,
                    len(ids),
                    max(totals.values()) - min(totals.values()),
                    [max(c.values()) - min(c.values()) for c in per_period],
                )
            )
    return found


def _is_night(start: str, hours: float, night: Any) -> bool:
    """A template is a night one when it spends `night.min_hours` inside the night window (on a plain day)."""
    from datetime import datetime

    begin = datetime.fromisoformat(f"2027-03-10T{start}:00+00:00")
    return hours_in_local_window(begin, begin + timedelta(hours=hours), "UTC", night.start, night.end) >= night.min_hours


def _counts(roster: Roster, ids: list[str], kind: str, config: Config, night_templates: set[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for agent in ids:
        shifts = roster.for_agent(agent)
        if kind == "weekends":
            counts[agent] = len({week_monday(s.day) for s in shifts if s.day.isoweekday() in config.weekend_days})
        else:
            counts[agent] = sum(1 for s in shifts if s.shift in night_templates)
    return counts


def main_cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--periods", type=int, default=13)
    parser.add_argument("--time-limit", type=float, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-period", type=int, default=6, help="the period re-planned with --keep (-1: none)")
    parser.add_argument("--out", type=Path, help="keep the periods' folders here (default: a temporary folder)")
    parser.add_argument(
        "--deterministic", action="store_true", help="plan each period with a work-based limit: the same year whatever the load"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.out or Path(scratch)
        year = run_year(work, args)
    for f in year.fairness:
        print(
            f"{f.site:8} {f.kind:8} {f.agents} agents: spread {f.year_spread} over the year; per period {f.period_spreads}",
            file=sys.stderr,
        )
    print(f"concatenated year: {len(year.year_violations)} violation(s)", file=sys.stderr)
    for line in year.year_violations[:20]:
        print("  " + line, file=sys.stderr)
    print(
        json.dumps(
            {
                "stage": "year",
                "time_limit": args.time_limit,
                "periods": [asdict(p) for p in year.periods],
                "fairness": [asdict(f) for f in year.fairness],
                "year_violations": len(year.year_violations),
                "seconds": year.seconds,
            }
        )
    )


if __name__ == "__main__":
    main_cli()
