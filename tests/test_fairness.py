"""Fair shares of nights and weekends: who shares them, and the previous roster's count.

One site in New York, one week from Monday 2027-01-04; demand is given as
cover rows: one agent on the templates and days a test names, nobody
elsewhere, and a shift nobody needs costs 10 (more than evening out a
spread of one is worth), so every cost below is the fairness weight (3)
times a spread (most − fewest) worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from coverage.check import check_roster
from coverage.config import Config, load_config
from coverage.demand import requirements
from coverage.solve import WEIGHT_FAIRNESS, SolveOptions, solve

QUIET = SolveOptions(time_limit_seconds=20, workers=2, seed=1, progress=None, deterministic=True)


WEEK = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def needed(shift: str, days: list[str]) -> list[dict]:
    """One agent on `shift` on `days`; on no other shift and day (each one there costs 10)."""
    rows = [{"site": "nyc", "shift": shift, "count": 1, "day": days, "over_weight": 10}]
    rows += [
        {"site": "nyc", "shift": name, "count": 0, "day": [d for d in WEEK if name != shift or d not in days], "over_weight": 10}
        for name in ("day", "night")
    ]
    return [row for row in rows if row["day"]]


def team(tmp_path: Path, agents: list[dict], cover: list[dict], history: str | None = None, days: int = 7) -> Config:
    data = {
        "plan": {"start": "2027-01-04", "days": days, "timezone": "America/New_York", "interval_minutes": 60},
        "channels": {"chat": {"kind": "realtime", "aht_seconds": 360, "service_level": {"percent": 80, "within_seconds": 60}}},
        "sites": {
            "nyc": {
                "timezone": "America/New_York",
                "shifts": {"day": {"start": "09:00", "hours": 8}, "night": {"start": "22:00", "hours": 8}},
            }
        },
        "contracts": {"c": {"hours_per_week": {"min": 0, "max": 40}, "max_days_per_week": 5}},
        "rules": {"min_rest_hours": 11, "max_consecutive_days": 6},
        "cover": cover,
        "agents": [{"site": "nyc", "contract": "c", "skills": ["chat"], **agent} for agent in agents],
    }
    if history is not None:
        data["history"] = "previous.csv"
        (tmp_path / "previous.csv").write_text("agent,shift,date\n" + history)
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return load_config(tmp_path / "plan.yaml")


def planned(config: Config) -> tuple[dict[str, list[str]], int]:
    result = solve(config, requirements(config), QUIET)
    assert result.roster is not None and check_roster(result.roster, config) == []
    worked: dict[str, list[str]] = {}
    for a in result.roster.assignments:
        worked.setdefault(a.agent, []).append(f"{a.day:%a} {a.shift}")
    return worked, result.objective


def test_the_previous_rosters_weekend_counts_toward_the_fair_share(tmp_path: Path) -> None:
    # One agent is needed on Saturday 9 January. a1 worked the weekend before (Sat 2 January) and a2 did not:
    # if a1 worked again, 2 weekends against 0 would cost 3 x 2; a2 evens it at 1 and 1, for nothing.
    config = team(tmp_path, [{"id": "a1"}, {"id": "a2"}], needed("day", ["Sat"]), history="a1,day,2027-01-02\n")
    worked, objective = planned(config)
    assert worked == {"a2": ["Sat day"]}
    assert objective == 0


def test_without_history_either_agent_may_take_the_weekend(tmp_path: Path) -> None:
    config = team(tmp_path, [{"id": "a1"}, {"id": "a2"}], needed("day", ["Sat"]))
    worked, objective = planned(config)
    assert sorted(worked) in (["a1"], ["a2"]) and objective == WEIGHT_FAIRNESS  # 1 weekend against 0


def test_an_agent_who_may_only_work_nights_does_not_set_the_spread(tmp_path: Path) -> None:
    # Nights are needed Monday and Tuesday. n may only work nights: it has no choice, so it stays out of the
    # share. n works both nights and a1, a2 none: a spread of 0 among a1 and a2. (Were n counted, the best
    # would be n and a1 one night each, 1, 1, 0: a cost of 3.)
    config = team(
        tmp_path, [{"id": "n", "shifts": ["night"]}, {"id": "a1"}, {"id": "a2"}], needed("night", ["Mon", "Tue"]), days=2
    )
    worked, objective = planned(config)
    assert objective == 0
    assert sum(len(shifts) for shifts in worked.values()) == 2
