"""The boundary between two rota periods, for sites at UTC-8, UTC+0, UTC+8 and UTC+13.

The second period starts Monday 2027-01-18 00:00 UTC. Each site runs an
`early` (07:00, 8 h), a `late` (17:00, 8 h) and a `night` (22:00, 8 h)
shift in its own clock, so the period begins on a different local date and
hour at each:

| zone               | period starts (local) | first local date F | previous roster's `early` on F |
|--------------------|-----------------------|--------------------|--------------------------------|
| America/Los_Angeles| Sun 17 Jan 16:00      | Sun 17 Jan         | 15:00 UTC Sun: previous period |
| Europe/London      | Mon 18 Jan 00:00      | Mon 18 Jan         | 07:00 UTC Mon: this period     |
| Asia/Manila        | Mon 18 Jan 08:00      | Mon 18 Jan         | 23:00 UTC Sun: previous period |
| Pacific/Tongatapu  | Mon 18 Jan 13:00      | Mon 18 Jan         | 18:00 UTC Sun: previous period |

Where the previous roster's `early` on F starts before the period ("taken"),
F is already worked when the period begins: every day rule must count it,
in the model as in the checker. Each case: the previous roster's shifts
(days relative to F), the rule, what the new roster must not hold, and a
hand-made roster the checker must reject (or accept) at each zone.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage.check import check_roster
from coverage.cli import main
from coverage.config import Config, load_config
from coverage.demand import requirements
from coverage.roster import Roster, read_history, read_roster, write_roster
from coverage.solve import ModelInputs, SolveOptions, solve
from coverage.time import shift_instances

START = date(2027, 1, 18)
FIRST_DAY = {  # zone -> (first local date of the period, whether the previous roster's early on it precedes the period)
    "America/Los_Angeles": (date(2027, 1, 17), True),
    "Europe/London": (date(2027, 1, 18), False),
    "Asia/Manila": (date(2027, 1, 18), True),
    "Pacific/Tongatapu": (date(2027, 1, 18), True),
}
ZONES = list(FIRST_DAY)
QUIET = SolveOptions(time_limit_seconds=20, workers=2, seed=1, progress=None, deterministic=True)

Shifts = tuple[tuple[int, str], ...]  # (days after F, template)


def team(zone: str, rules: dict, cover: list[str], history: str | None = "previous.csv") -> dict:
    """One agent at one site in `zone`; demand is one agent on each template in `cover`, every day."""
    data = {
        "plan": {"start": START, "days": 7, "timezone": "UTC", "interval_minutes": 60},
        "views": [zone],
        "channels": {"chat": {"kind": "realtime", "aht_seconds": 360, "service_level": {"percent": 80, "within_seconds": 60}}},
        "sites": {
            "s": {
                "timezone": zone,
                "shifts": {
                    "early": {"start": "07:00", "hours": 8},
                    "late": {"start": "17:00", "hours": 8},
                    "night": {"start": "22:00", "hours": 8},
                },
            }
        },
        "contracts": {"c": {"hours_per_week": {"min": 0, "max": 56}, "max_days_per_week": 7}},
        "rules": {"min_rest_hours": 1, "max_consecutive_days": 7, **rules},
        "cover": [{"site": "s", "shift": name, "count": 1} for name in cover],
        "agents": [{"id": "a1", "site": "s", "contract": "c", "skills": ["chat"]}],
    }
    if history is not None:
        data["history"] = history
    return data


def write(tmp_path: Path, data: dict, previous: Shifts, first: date) -> Config:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "previous.csv").write_text("agent,shift,date\n" + rows(previous, first))
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return load_config(tmp_path / "plan.yaml")


def rows(shifts: Shifts, first: date) -> str:
    return "".join(f"a1,{name},{first + timedelta(days=k)}\n" for k, name in shifts)


def hand_check(config: Config, tmp_path: Path, shifts: Shifts, first: date) -> list[str]:
    path = tmp_path / "hand.csv"
    path.write_text("agent,shift,date\n" + rows(shifts, first))
    return sorted({v.rule for v in check_roster(read_roster(path, config), config)})


@dataclass(frozen=True)
class Case:
    rules: dict
    previous: Shifts  # the previous roster (a shift on F is dropped where it starts inside this period)
    cover: list[str]
    never: Shifts  # (day, template) the new roster must not hold, where F is taken
    never_untaken: Shifts  # the same where it is not (Europe/London)
    hand: dict[bool, Shifts] = field(default_factory=dict)  # taken? -> a roster the checker must reject
    hand_rules: dict[str, list[str]] = field(default_factory=dict)  # zone -> rules it breaks there


CASES = {
    # F-2, F-1 and (where taken) F worked: at most 3 in a row, so F+1 is off; where F is free, F may be the third.
    "max_consecutive_days": Case(
        {"max_consecutive_days": 3},
        ((-2, "early"), (-1, "early"), (0, "early")),
        ["early", "late"],
        never=((0, "early"), (0, "late"), (1, "early"), (1, "late")),
        never_untaken=((1, "early"), (1, "late")),
        hand={True: ((1, "early"),), False: ((0, "early"), (1, "early"))},
        hand_rules=dict.fromkeys(ZONES, ["max_consecutive_days"]),
    ),
    # The previous roster's early on F leaves no room for a late on F the same local date.
    "max_shifts_per_day": Case(
        {},
        ((0, "early"),),
        ["late"],
        never=((0, "late"),),
        never_untaken=(),
        hand={True: ((0, "late"),), False: ((0, "late"),)},
        hand_rules={
            "America/Los_Angeles": ["max_shifts_per_day"],
            "Europe/London": [],
            "Asia/Manila": ["max_shifts_per_day"],
            "Pacific/Tongatapu": ["max_shifts_per_day"],
        },
    ),
    # Worked F-1 and F, at most 2 in a row, days off two at a time: F+1 and F+2 are both off.
    "min_consecutive_days_off": Case(
        {"max_consecutive_days": 2, "min_consecutive_days_off": 2},
        ((-1, "early"), (0, "early")),
        ["early", "late"],
        never=((1, "early"), (1, "late"), (2, "early"), (2, "late")),
        never_untaken=(),
        hand={True: ((2, "early"),), False: ((0, "early"), (2, "early"))},
        hand_rules={
            "America/Los_Angeles": ["min_days_off"],
            "Europe/London": ["min_days_off"],
            "Asia/Manila": ["min_days_off"],
            "Pacific/Tongatapu": ["min_days_off"],
        },
    ),
    # A run of work that began on F (the previous roster's) lasts three days: F+1 and F+2 are worked though
    # nobody is needed; where F is free nothing is worked.
    "min_consecutive_days": Case(
        {"min_consecutive_days": 3},
        ((0, "early"),),
        [],
        never=(),
        never_untaken=(),
        hand={True: ((1, "early"),), False: ((1, "early"), (2, "early"), (3, "early"))},
        hand_rules={
            "America/Los_Angeles": ["min_consecutive_days"],
            "Europe/London": [],
            "Asia/Manila": ["min_consecutive_days"],
            "Pacific/Tongatapu": ["min_consecutive_days"],
        },
    ),
    # Two days a week: where F is a taken Monday, one more day that week.
    "days_per_week": Case(
        {},
        ((-1, "early"), (0, "early")),
        ["early"],
        never=(),
        never_untaken=(),
        hand={True: ((1, "early"), (2, "early")), False: ((1, "early"), (2, "early"))},
        hand_rules={
            "America/Los_Angeles": [],
            "Europe/London": [],
            "Asia/Manila": ["days_per_week"],
            "Pacific/Tongatapu": ["days_per_week"],
        },
    ),
    # 16 paid hours a week: the same as two days, counted in hours.
    "hours_per_week": Case(
        {},
        ((-1, "early"), (0, "early")),
        ["early"],
        never=(),
        never_untaken=(),
        hand={True: ((1, "early"), (2, "early")), False: ((1, "early"), (2, "early"))},
        hand_rules={
            "America/Los_Angeles": [],
            "Europe/London": [],
            "Asia/Manila": ["max_hours_per_week"],
            "Pacific/Tongatapu": ["max_hours_per_week"],
        },
    ),
    # One weekend in the period: at Los Angeles F is Sunday 17 January, already worked, so 23-24 January are off.
    "weekends": Case(
        {"max_weekends_per_period": 1},
        ((0, "early"),),
        ["early"],
        never=(),
        never_untaken=(),
        hand={True: ((6, "early"),), False: ((6, "early"),)},
        hand_rules={"America/Los_Angeles": ["max_weekends"], "Europe/London": [], "Asia/Manila": [], "Pacific/Tongatapu": []},
    ),
    # One night a week: at Los Angeles the previous roster's Saturday night and Sunday 17 January share a week.
    "nights_per_week": Case(
        {"max_nights_per_week": 1},
        ((-1, "night"),),
        ["night"],
        never=(),
        never_untaken=(),
        hand={True: ((0, "night"),), False: ((0, "night"),)},
        hand_rules={"America/Los_Angeles": ["nights_per_week"], "Europe/London": [], "Asia/Manila": [], "Pacific/Tongatapu": []},
    ),
    # No early followed by a late the next day: the previous roster's last early forbids the next day's late.
    "successions": Case(
        {"forbidden_successions": [["early", "late"]]},
        ((-1, "early"), (0, "early")),
        ["late"],
        never=((1, "late"),),
        never_untaken=((0, "late"),),
        hand={True: ((1, "late"),), False: ((0, "late"),)},
        hand_rules=dict.fromkeys(ZONES, ["succession"]),
    ),
}
PER_WEEK = {"days_per_week": {"max_days_per_week": 2}, "hours_per_week": {"hours_per_week": {"min": 0, "max": 16}}}


def config_for(tmp_path: Path, zone: str, case: Case, name: str) -> tuple[Config, date, bool]:
    first, taken = FIRST_DAY[zone]
    data = team(zone, case.rules, case.cover)
    if name in PER_WEEK:
        data["contracts"]["c"].update(PER_WEEK[name])
    if not case.cover:  # nobody needed: every worked shift costs its cover row's over_weight (1)
        data["cover"] = [{"site": "s", "shift": name, "count": 0} for name in ("early", "late", "night")]
    return write(tmp_path, data, case.previous, first), first, taken


@pytest.mark.parametrize("zone", ZONES)
def test_the_fixture_starts_where_the_table_says(zone: str, tmp_path: Path) -> None:
    first, taken = FIRST_DAY[zone]
    config = write(tmp_path, team(zone, {}, ["early"]), ((0, "early"),), first)
    assert min(s.day for s in shift_instances(config)) == first
    assert [a.day for a in read_history(config).assignments] == ([first] if taken else [])


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("name", list(CASES))
def test_the_model_counts_the_boundary_as_the_checker_does(name: str, zone: str, tmp_path: Path) -> None:
    case = CASES[name]
    config, first, taken = config_for(tmp_path, zone, case, name)
    result = solve(config, requirements(config), QUIET)
    assert result.roster is not None
    assert check_roster(result.roster, config) == []
    worked = {((a.day - first).days, a.shift) for a in result.roster.assignments}
    assert not worked & set(case.never if taken else case.never_untaken)


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("name", list(CASES))
def test_the_checker_judges_rules_across_the_boundary(name: str, zone: str, tmp_path: Path) -> None:
    case = CASES[name]
    config, first, taken = config_for(tmp_path, zone, case, name)
    assert hand_check(config, tmp_path, case.hand[taken], first) == case.hand_rules[zone]


def test_a_run_of_work_begun_in_the_previous_roster_is_finished(tmp_path: Path) -> None:
    """Manila, min_consecutive_days 3, nobody needed: the previous roster's early on Monday 18 January starts a run,
    so exactly Tuesday and Wednesday are worked, each one agent beyond its cover row's count of 0 (cost 1)."""
    config, first, _ = config_for(tmp_path, "Asia/Manila", CASES["min_consecutive_days"], "min_consecutive_days")
    result = solve(config, requirements(config), QUIET)
    assert sorted(a.day for a in result.roster.assignments) == [date(2027, 1, 19), date(2027, 1, 20)]
    assert result.objective == 2
    london, _, _ = config_for(tmp_path / "london", "Europe/London", CASES["min_consecutive_days"], "min_consecutive_days")
    assert len(solve(london, requirements(london), QUIET).roster) == 0


def test_history_given_as_an_input_is_the_configs_history(tmp_path: Path) -> None:
    """ModelInputs(history=...) plans a period after that roster as the config's `history:` does."""
    config, _, _ = config_for(tmp_path, "Asia/Manila", CASES["min_consecutive_days"], "min_consecutive_days")
    given = solve(
        config.model_copy(update={"history": None}), requirements(config), ModelInputs(history=read_history(config)), QUIET.params
    )
    assert sorted(a.day for a in given.roster.assignments) == [date(2027, 1, 19), date(2027, 1, 20)]
    assert given.objective == 2


def test_per_week_limits_leave_one_more_day_after_a_taken_monday(tmp_path: Path) -> None:
    """Manila, two days a week: Monday 18 January is the previous roster's, so one more day that week and
    Monday 25 January (the next week's first) — two shifts in the period."""
    config, _, _ = config_for(tmp_path, "Asia/Manila", CASES["days_per_week"], "days_per_week")
    roster = solve(config, requirements(config), QUIET).roster
    days = sorted(a.day for a in roster.assignments)
    assert len(days) == 2 and days[0] < date(2027, 1, 25) and days[1] == date(2027, 1, 25)


def test_an_overlap_with_the_previous_roster_is_reported(tmp_path: Path) -> None:
    """Manila: the previous roster's early on 18 January runs 07:00-15:00; a 12:00 shift that day overlaps it."""
    data = team("Asia/Manila", {}, ["early"])
    data["sites"]["s"]["shifts"]["mid"] = {"start": "12:00", "hours": 8}
    first, _ = FIRST_DAY["Asia/Manila"]
    config = write(tmp_path, data, ((0, "early"),), first)
    assert hand_check(config, tmp_path, ((0, "mid"),), first) == ["max_shifts_per_day", "overlap"]


# --------------------------------------------------------------------------- two chained periods, at random

PROPERTY_ZONES = [
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Manila",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Tongatapu",
    "Pacific/Kiritimati",
]
TEMPLATES = {"early": "06:00", "day": "09:00", "late": "15:00", "night": "22:00"}


@st.composite
def chained_teams(draw: st.DrawFn) -> tuple[dict, int]:
    """A small random team over random zones; the config of its first period and the length of the second."""
    sites = {
        f"s{k}": {
            "timezone": draw(st.sampled_from(PROPERTY_ZONES)),
            "shifts": {
                name: {"start": TEMPLATES[name], "hours": 8}
                for name in draw(st.lists(st.sampled_from(list(TEMPLATES)), min_size=1, max_size=3, unique=True))
            },
        }
        for k in range(draw(st.integers(1, 3)))
    }
    names = sorted({name for site in sites.values() for name in site["shifts"]})
    rules: dict = {
        "min_rest_hours": draw(st.sampled_from([0, 8, 11])),
        "max_consecutive_days": draw(st.integers(2, 6)),
        "min_consecutive_days_off": draw(st.integers(1, 2)),
        "min_consecutive_days": draw(st.integers(1, 2)),
    }
    if draw(st.booleans()):
        rules["max_nights_per_week"] = draw(st.integers(0, 3))
    if len(names) > 1 and draw(st.booleans()):
        rules["forbidden_successions"] = [draw(st.permutations(names))[:2]]
    data = {
        "plan": {
            "start": draw(st.dates(date(2027, 1, 1), date(2027, 12, 20))),
            "days": draw(st.integers(5, 10)),
            "timezone": draw(st.sampled_from(PROPERTY_ZONES)),
            "interval_minutes": 60,
        },
        "channels": {"chat": {"kind": "realtime", "aht_seconds": 360, "service_level": {"percent": 80, "within_seconds": 60}}},
        "sites": sites,
        "contracts": {
            "c": {
                "hours_per_week": {"min": 0, "max": draw(st.sampled_from([24, 40, 56]))},
                "max_days_per_week": draw(st.integers(3, 7)),
            }
        },
        "rules": rules,
        "cover": [{"site": site, "shift": name, "count": 1} for site, spec in sites.items() for name in spec["shifts"]],
        "agents": [
            {"id": f"a{k}", "site": draw(st.sampled_from(sorted(sites))), "contract": "c", "skills": ["chat"]}
            for k in range(draw(st.integers(1, 4)))
        ],
    }
    return data, draw(st.integers(5, 10))


def _load(folder: Path, data: dict) -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return load_config(folder / "plan.yaml")


def _plan(config: Config) -> Roster:
    result = solve(config, requirements(config), SolveOptions(time_limit_seconds=5, workers=1, seed=1, progress=None))
    assert result.roster is not None, result.reasons
    return result.roster


@given(team=chained_teams())
@settings(
    max_examples=int(os.environ.get("BOUNDARY_EXAMPLES", 15)),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
def test_a_second_period_with_history_verifies_on_the_concatenated_roster(team: tuple[dict, int]) -> None:
    """Period two, planned with period one as history, breaks no rule of the two periods taken as one."""
    first, days = team
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        # The first period judges runs at its end as if nothing followed (`enforced`): a run it leaves short
        # could otherwise force the second period into a day its weekly limits forbid, and no roster exists.
        one = _load(work / "one", {**first, "rules": {**first["rules"], "runs_at_period_edges": "enforced"}})
        before = _plan(one)
        write_roster(before, one, work / "one" / "roster.csv")
        second = {**first, "plan": {**first["plan"], "start": one.plan.end, "days": days}, "history": "../one/roster.csv"}
        two = _load(work / "two", second)
        after = _plan(two)
        assert check_roster(after, two) == []
        both = _load(work / "both", {**first, "plan": {**first["plan"], "days": first["plan"]["days"] + days}})
        assert check_roster(Roster(before.assignments + after.assignments), both) == []


def test_a_history_without_channels_is_read_for_an_agent_of_several_skills(tmp_path: Path, capsys) -> None:
    """No boundary rule reads a previous shift's channel, so a history exported without the column is read as it is
    for a1 with skills chat and email (it was "channel: empty, and agent a1 has several skills", exit 2). Manila, two
    days a week: Monday 18 January is the history's, so one more day that week and Monday 25 January, as above."""
    data = team("Asia/Manila", {}, ["early"])
    data["channels"]["email"] = {"kind": "backlog", "aht_seconds": 360, "respond_within_hours": 4}
    data["agents"][0]["skills"] = ["chat", "email"]
    data["contracts"]["c"].update(PER_WEEK["days_per_week"])
    first, _ = FIRST_DAY["Asia/Manila"]
    config = write(tmp_path, data, ((0, "early"),), first)
    assert (tmp_path / "previous.csv").read_text().splitlines()[0] == "agent,shift,date"
    history = read_history(config)
    assert history is not None and [(a.day, a.channel) for a in history.assignments] == [(first, "")]
    assert main(["check", str(tmp_path / "plan.yaml")]) == 0
    roster = solve(config, requirements(config), QUIET).roster
    days = sorted(a.day for a in roster.assignments)
    assert len(days) == 2 and days[0] < date(2027, 1, 25) and days[1] == date(2027, 1, 25)
    assert check_roster(roster, config) == []
    # where the channel matters (a roster to verify, to report on or to keep), a multi-skill agent's row still names it
    (tmp_path / "hand.csv").write_text("agent,shift,date\na1,early,2027-01-19\n")
    assert main(["verify", str(tmp_path / "plan.yaml"), str(tmp_path / "hand.csv")]) == 2
    assert "channel: empty, and agent a1 has several skills (expected one of: chat, email)" in capsys.readouterr().err
