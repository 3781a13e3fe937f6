"""Workload targets: each agent's fair share of paid hours, the balance carried between periods, a convex cost of the distance.

One week from Mon 2026-12-07 in New York (TINY): one 8-hour `day` template,
at most 5 days and 40 h a week. With no forecast rows nothing is needed, so
every shift costs 8 (8 overstaffed hours at weight 1) and only the targets
ask for work; `weights.target` is 5 per (hour away)².
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import replace

import pytest
from helpers import QUIET, TINY, nine_to_five_new_york, solved, violations

from coverage.cli import main
from coverage.demand import requirements
from coverage.errors import InputError
from coverage.gaps import coverage_of, summary
from coverage.roster import Roster
from coverage.solve.aggregate import headcount_model
from coverage.targets import AgentTarget, agent_targets, away_cost, hours_away, workload_rows, write_workload_csv

A2 = "  - {id: a2, site: nyc, contract: full_time, skills: [chat]}\n"


A3 = "  - {id: a3, site: nyc, contract: full_time, skills: [chat]}\n"


def workload(text: str, section: str, a1: str = "", a2: str | None = None, more: str = "") -> str:
    """TINY with a `workload` section, extra keys on a1, a second agent a2 (with its own keys) unless None, and `more` agents."""
    text = text.replace("skills: [chat]}", f"skills: [chat]{a1}}}")
    if a2 is not None:
        text += A2.replace("skills: [chat]}", f"skills: [chat]{a2}}}")
    return text + more + f"workload: {section}\n"


def shifts_of(result, agent: str = "a1") -> int:
    return sum(1 for a in result.roster.assignments if a.agent == agent)


# --------------------------------------------------------------------------- counting


def test_hours_away_round_to_the_nearest_hour() -> None:
    assert [hours_away(worked, 600) for worked in (600, 571, 570, 630, 629, 689, 690, 0)] == [0, 0, 1, 1, 0, 1, 2, 10]


def test_targets_from_weight_share_and_balance(make_config) -> None:
    text = workload(
        TINY,
        "{hours_per_week: 21}",
        a1=", weight: 0.5, balance_hours: -1.5",
        a2=", employment_start: 2026-12-10",
        more=A3.replace("[chat]}", "[chat], target_hours: 4, balance_hours: 6}"),
    )
    targets = agent_targets(make_config(text))
    # a1: 0.5 x 21 = 10.5 h, 1.5 h under so far -> 12 h; a2 employed 4 of 7 days: 12 h; a3's own 4 h less 6 over: 0 (never below)
    assert targets == {
        "a1": AgentTarget("a1", 0.5, 630, -90),
        "a2": AgentTarget("a2", 1.0, 720, 0),
        "a3": AgentTarget("a3", 1.0, 240, 360),
    }
    assert [t.minutes for t in targets.values()] == [720, 720, 0]


def test_a_period_share_and_no_target_without_one(make_config) -> None:
    assert agent_targets(make_config(TINY)) == {}
    assert agent_targets(make_config(workload(TINY, "{cost: linear}"))) == {}  # the section alone gives nobody a share
    config = make_config(workload(TINY, "{hours_per_period: 30}", a1=", weight: 0.25"))
    assert agent_targets(config) == {"a1": AgentTarget("a1", 0.25, 450, 0)}


def test_the_cost_is_squared_or_linear(make_config) -> None:
    squared = make_config(workload(TINY, "{hours_per_week: 24}"))
    linear = make_config(workload(TINY, "{hours_per_week: 24, cost: linear}") + "weights: {target: 7}\n")
    assert [away_cost(h, squared) for h in (0, 1, 2, 4)] == [0, 5, 20, 80]
    assert [away_cost(h, linear) for h in (0, 1, 2, 4)] == [0, 7, 14, 28]


# --------------------------------------------------------------------------- the model


@pytest.mark.parametrize(
    ("section", "shifts", "objective"),
    [
        ("{hours_per_week: 24}", 3, 3 * 8),  # on target: only the 24 overstaffed hours cost
        ("{hours_per_week: 20}", 2, 5 * 4**2 + 2 * 8),  # 16 h (4 away: 80) beats 24 h (4 away, one more shift: 104)
        ("{hours_per_week: 28}", 3, 5 * 4**2 + 3 * 8),  # 24 h (80 + 24) beats 32 h (80 + 32)
        ("{hours_per_week: 28, cost: linear}", 3, 5 * 4 + 3 * 8),
        ("{hours_per_week: 8.4}", 1, 8),  # 24 minutes away rounds to 0 hours
    ],
)
def test_the_target_asks_for_hours_nobody_else_needs(make_config, section: str, shifts: int, objective: int) -> None:
    _, result = solved(make_config(workload(TINY, section)))
    assert shifts_of(result) == shifts
    assert result.objective == objective


def test_without_targets_nobody_works_an_unneeded_hour(make_config) -> None:
    _, result = solved(make_config(TINY.replace("skills: [chat]}", "skills: [chat], weight: 0.5}")))  # weight alone asks nothing
    assert result.roster is not None and len(result.roster) == 0
    assert result.objective == 0


MON_TO_THU = nine_to_five_new_york(range(7, 11))  # one agent needed 09:00-17:00, Mon-Thu: four 8-hour shifts


def test_weights_share_the_needed_shifts(make_config) -> None:
    # a1 (weight 1) should work 24 h, a2 (0.5) 12 h, and four shifts are needed: 3/1 costs a2's 4 h away (80);
    # 2/2 costs a1's 8 h and a2's 4 h (400); 4/0 costs 320 + 720.
    _, result = solved(make_config(workload(TINY, "{hours_per_week: 24}", a2=", weight: 0.5"), MON_TO_THU))
    assert (shifts_of(result, "a1"), shifts_of(result, "a2")) == (3, 1)
    assert result.objective == 5 * 4**2


def test_the_staged_search_prices_targets_too(make_config) -> None:
    # Headcounts (no targets), then the site's agents (targets priced), then the full model: the same optimum.
    _, result = solved(
        make_config(workload(TINY, "{hours_per_week: 24}", a2=", weight: 0.5"), MON_TO_THU), replace(QUIET, staged=True)
    )
    assert (shifts_of(result, "a1"), shifts_of(result, "a2")) == (3, 1)
    assert result.objective == 5 * 4**2


def test_the_balance_carries(make_config) -> None:
    # a1 worked 8 h over target so far: a1's target is 16 h, and 2/2 (a2 4 h over: 80) beats 3/1 (320 + 80).
    text = workload(TINY, "{hours_per_week: 24}", a1=", balance_hours: 8", a2=", weight: 0.5")
    _, result = solved(make_config(text, MON_TO_THU))
    assert (shifts_of(result, "a1"), shifts_of(result, "a2")) == (2, 2)
    assert result.objective == 5 * 4**2


def test_squared_spreads_the_distance_linear_does_not_care(make_config) -> None:
    # Three agents of 16 h and four needed shifts (32 h): 16 h short in all, unless an unneeded shift costs less than
    # the hours it closes; at 100 per overstaffed hour (800 a shift) none does. Squared: 2/1/1 (8 + 8 short: 640)
    # beats 2/2/0 (16 short: 1280); linear: both cost 16 x 5.
    text = workload(TINY, "{hours_per_week: 16}", a2="", more=A3) + "weights: {overstaffed: 100}\n"
    _, result = solved(make_config(text, MON_TO_THU))
    assert sorted(shifts_of(result, a) for a in ("a1", "a2", "a3")) == [1, 1, 2]
    assert result.objective == 2 * 5 * 8**2
    _, result = solved(make_config(text.replace("{hours_per_week: 16}", "{hours_per_week: 16, cost: linear}"), MON_TO_THU))
    assert result.objective == 16 * 5


def test_targets_are_never_a_hard_rule(make_config, tmp_path) -> None:
    config = make_config(workload(TINY, "{hours_per_week: 40}", a2=", target_hours: 0"))
    assert violations(config, tmp_path, "a2,day,2026-12-07\na2,day,2026-12-08\n") == []


def test_the_headcount_relaxation_leaves_targets_out(make_config) -> None:
    # Targets are about who works: the relaxation (a lower bound of the roster model) builds the same model with or without them.
    def proto(text: str) -> str:
        config = make_config(text, MON_TO_THU)
        return hashlib.md5(str(headcount_model(config, requirements(config)).model.Proto()).encode()).hexdigest()

    assert proto(TINY + A2) == proto(workload(TINY, "{hours_per_week: 24}", a2=", weight: 0.5"))


# --------------------------------------------------------------------------- the report and the next period


def test_the_report_per_agent_and_the_next_balance(make_config, tmp_path) -> None:
    text = workload(TINY, "{hours_per_week: 24}", a1=", balance_hours: -2", a2=", weight: 0.5")
    config = make_config(text, MON_TO_THU)
    needs, result = solved(config)
    assert (shifts_of(result, "a1"), shifts_of(result, "a2")) == (
        3,
        1,
    )  # a1: target 26 h, 24 worked (2 away: 20); a2: 12 h, 8 (4: 80)
    assert result.objective == 5 * 2**2 + 5 * 4**2
    block = summary(
        coverage_of(result.roster, needs, config),
        config,
        status="OPTIMAL",
        objective=result.objective,
        best_bound=None,
        wall_seconds=None,
        roster=result.roster,
    ).workload
    assert block is not None and block.cost == result.objective and block.away_hours == 6 and block.most_away_hours == 4
    assert block.agents["a1"].to_json() == {
        "weight": 1.0,
        "target_hours": 26.0,
        "worked_hours": 24.0,
        "away_hours": 2,
        "cost": 20,
        "balance_before": -2.0,
        "balance_after": -2.0,
    }
    assert block.agents["a2"].balance_after == -4.0  # 8 worked of a 12 h share
    write_workload_csv(workload_rows(result.roster, config), tmp_path / "last" / "workload.csv")
    nxt = make_config(
        workload(TINY, "{hours_per_week: 24, balance_file: last/workload.csv}", a2=", weight: 0.5, balance_hours: 1")
    )
    assert {t.agent: t.balance_minutes for t in agent_targets(nxt).values()} == {"a1": -120, "a2": 60}  # a2's own key wins


def test_no_workload_block_without_targets(make_config) -> None:
    config = make_config(TINY)
    payload = summary(
        coverage_of(Roster(()), requirements(config), config),
        config,
        status="OPTIMAL",
        objective=0,
        best_bound=None,
        wall_seconds=None,
        roster=Roster(()),
    )
    assert payload.workload is None and "workload" not in payload.to_json()


def test_a_team_sheet_gives_weights_and_targets(make_config, tmp_path) -> None:
    (tmp_path / "team.csv").write_text(
        "id,site,contract,skills,weight,target hours,balance hours\nb1,nyc,full_time,chat,0.25,,-3\n"
    )
    config = make_config(workload(TINY, "{hours_per_week: 40}") + "agents_file: team.csv\n")
    assert agent_targets(config)["b1"] == AgentTarget("b1", 0.25, 600, -180)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("section", "where", "says"),
    [
        ("{hours_per_week: 20, hours_per_period: 80}", "workload", "give hours_per_week or hours_per_period, not both"),
        ("{hours_per_week: 20, cost: cubic}", "workload.cost", "'squared' or 'linear'"),
        ("{hours_per_week: 20, balance_file: gone.csv}", "workload.balance_file", "file 'gone.csv' not found"),
    ],
)
def test_a_bad_workload_section_names_its_place(make_config, section: str, where: str, says: str) -> None:
    with pytest.raises(InputError) as caught:
        make_config(workload(TINY, section))
    [problem] = caught.value.problems
    assert (problem.line, problem.where) == (32, where)
    assert says in problem.what


def test_a_weight_of_nothing_is_refused(make_config) -> None:
    with pytest.raises(InputError) as caught:
        make_config(TINY.replace("skills: [chat]}", "skills: [chat], weight: 0}"))
    assert [(p.where, "greater than 0" in p.what) for p in caught.value.problems] == [("agents[0].weight", True)]


def test_a_bad_balance_file_names_its_lines(make_config, tmp_path) -> None:
    (tmp_path / "last.csv").write_text("agent,balance_after\na1,lots\nleft,3\na2,nan\n")
    with pytest.raises(InputError) as caught:
        make_config(workload(TINY, "{hours_per_week: 20, balance_file: last.csv}", a2=""))
    assert [(p.line, p.where) for p in caught.value.problems] == [(2, "balance_after"), (4, "balance_after")]
    (tmp_path / "last.csv").write_text("agent,hours\n")
    with pytest.raises(InputError, match="missing column.s. balance_after"):
        make_config(workload(TINY, "{hours_per_week: 20, balance_file: last.csv}"))


def test_plan_writes_the_workload_and_the_next_week_reads_it(make_config, tmp_path) -> None:
    # Through the command line: the week of test_the_report_per_agent_and_the_next_balance, then the week after, whose
    # config names the first week's workload.csv: a1 carries -2 h (26 h target, 24 worked), a2 -4 h (12 h share, 8 worked).
    text = workload(TINY, "{hours_per_week: 24}", a1=", balance_hours: -2", a2=", weight: 0.5")
    make_config(text, MON_TO_THU)
    assert (
        main(
            [
                "plan",
                str(tmp_path / "plan.yaml"),
                "--out",
                str(tmp_path / "week1"),
                "--quiet",
                "--time-limit",
                "10",
                "--workers",
                "2",
            ]
        )
        == 0
    )
    with open(tmp_path / "week1" / "workload.csv", newline="") as handle:
        rows = {row["agent"]: row for row in csv.DictReader(handle)}
    assert {
        a: (r["target_hours"], r["worked_hours"], r["away_hours"], r["cost"], r["balance_after"]) for a, r in rows.items()
    } == {
        "a1": ("26.0", "24.0", "2", "20", "-2.0"),
        "a2": ("12.0", "8.0", "4", "80", "-4.0"),
    }
    assert 'id="workload"' in (tmp_path / "week1" / "report.html").read_text()
    nxt = make_config(workload(TINY, "{hours_per_week: 24, balance_file: week1/workload.csv}", a2=", weight: 0.5"))
    assert {t.agent: t.minutes for t in agent_targets(nxt).values()} == {"a1": 26 * 60, "a2": 16 * 60}
