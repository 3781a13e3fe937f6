"""Big teams in stages: the headcount model is a true relaxation, and the staged solve keeps the optimum."""

from __future__ import annotations

import io
import time
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from enumeration import TINY_INSTANCES, brute_force_optimum, tiny
from helpers import (
    QUIET,
    TINY,
    completions_on_a_slow_machine,
    hourly,
    main_search_finds_nothing,
    nine_to_five_new_york,
    objective_from_roster,
)

from coverage.check import Checker, check_roster
from coverage.config import Config
from coverage.demand import requirements
from coverage.roster import Assignment, Roster, read_history
from coverage.solve import Hiring, ModelInputs, solve, staged
from coverage.solve.aggregate import groups_of, headcount_model
from coverage.solve.runner import run_search
from coverage.solve.staged import (
    STAGED_FROM_AGENTS,
    SiteResult,
    SiteTask,
    Turn,
    assign_site,
    in_turn,
    local_pool,
    shifts_of,
    staged_start,
    wanted,
)
from coverage.time import local_to_utc, shift_instances

STAGED = replace(QUIET, staged=True)
THREE_DAYS = TINY.replace("days: 7", "days: 3").replace("max_consecutive_days: 6", "max_consecutive_days: 2")
# 09:00-17:00 New York is 14:00-22:00 UTC in December: one agent needed through each shift, Mon-Wed.
DAY_SHIFTS = hourly("2026-12-07T14:00:00", 8) + hourly("2026-12-08T14:00:00", 8) + hourly("2026-12-09T14:00:00", 8)


def headcount_optimum(config, needs) -> tuple[str, float]:
    model = headcount_model(config, needs)
    code, solver, _ = run_search(model.model, QUIET.params)
    return solver.status_name(code), solver.objective_value


def test_headcounts_keep_the_consecutive_day_limit(make_config) -> None:
    """One agent, three needed days, at most two in a row: one day stays open, 8 h x (400 + 100) = 4,000.

    The headcount model knows it without naming the agent: any 3-day window
    holds at most 2 x (group size) working days.
    """
    config = make_config(THREE_DAYS, DAY_SHIFTS)
    needs = requirements(config)
    assert headcount_optimum(config, needs) == ("OPTIMAL", 4000)
    shown = io.StringIO()
    result = solve(config, needs, replace(STAGED, progress=shown))
    assert (result.status, result.objective) == ("OPTIMAL", 4000)
    assert Checker(config).check(result.roster) == []
    lines = shown.getvalue().splitlines()
    assert lines[0].startswith("  first headcounts: cost 4,000 (greedy)")  # the greedy's counts are optimal here
    assert lines[1].startswith("  site nyc: agents assigned, 0 shift(s) off the headcounts")  # the first roster
    assert lines[2].startswith("  headcounts: 1 groups, cost at least 4,000 (proven)")
    assert lines[3].startswith("  site nyc: agents assigned, 0 shift(s) off the headcounts")


def test_headcounts_keep_the_rest_between_late_and_early(make_config) -> None:
    """Late Mon (14:00-22:00 NY) then early Tue (06:00): 8 h rest < 11 h, so one agent covers only one.

    Need: Mon late and Tue early, 8 h each; one of them stays open: 4,000.
    """
    text = TINY.replace("days: 7", "days: 2").replace(
        'day: {start: "09:00", hours: 8}', 'early: {start: "06:00", hours: 8}\n      late: {start: "14:00", hours: 8}'
    )
    config = make_config(text, hourly("2026-12-07T19:00:00", 8) + hourly("2026-12-08T11:00:00", 8))
    needs = requirements(config)
    assert headcount_optimum(config, needs) == ("OPTIMAL", 4000)


@pytest.mark.parametrize("agent_keys, rules", TINY_INSTANCES)
def test_staged_solve_reaches_the_enumerated_optimum(make_config, agent_keys: str, rules: str) -> None:
    """The headcount bound is at most the true optimum, and the staged search still ends at it."""
    config = tiny(make_config, agent_keys, rules)
    needs = requirements(config)
    best, _ = brute_force_optimum(config, needs)
    status, bound = headcount_optimum(config, needs)
    assert status == "OPTIMAL" and bound <= best
    result = solve(config, needs, STAGED)
    assert (result.status, result.objective) == ("OPTIMAL", best)
    assert objective_from_roster(config, needs, result) == best


def test_agents_with_the_same_site_and_skills_form_one_group(make_config) -> None:
    text = TINY.replace("skills: [chat]}", "skills: [chat]}\n  - {id: a2, site: nyc, contract: full_time, skills: [chat]}")
    config = make_config(text)
    from coverage.solve.scope import agent_scopes
    from coverage.time import shift_instances

    groups = groups_of(agent_scopes(config, shift_instances(config)))
    assert [(g.key, len(g.scopes)) for g in groups] == [("nyc/chat", 2)]
    assert set(groups[0].available.values()) == {2}  # both free for each of the 7 day shifts


def test_stages_are_for_big_multi_site_teams(make_config) -> None:
    config = make_config()
    assert not wanted(config, None)  # one agent, one site
    assert wanted(config, True)
    assert not wanted(config, False)
    assert STAGED_FROM_AGENTS == 60


def test_the_staged_roster_stands_when_the_full_search_finds_nothing(make_config, monkeypatch) -> None:
    """On a very big team the full model may not even finish presolve in the time left: the staged roster is kept, priced
    exactly. The headcounts' bound, 4,000, is its cost: proven optimal, so OPTIMAL (it said FEASIBLE, gap 0)."""
    main_search_finds_nothing(monkeypatch)
    config = make_config(THREE_DAYS, DAY_SHIFTS)
    result = solve(config, requirements(config), STAGED)
    assert (result.status, result.objective, result.best_bound) == ("OPTIMAL", 4000, 4000)
    assert len(result.roster.assignments) == 2 and Checker(config).check(result.roster) == []


# Two sites of one agent each (New York's clock at both), one agent needed 09:00-17:00 New York, Mon 7 - Wed 9 Dec.
TWO_SITES = (
    TINY.replace("days: 7", "days: 3")
    .replace("sites:\n", 'sites:\n  bos:\n    timezone: America/New_York\n    shifts:\n      day: {start: "09:00", hours: 8}\n')
    .replace("skills: [chat]}", "skills: [chat]}\n  - {id: b1, site: bos, contract: full_time, skills: [chat]}")
)
A1_ON_LEAVE_TUESDAY = TWO_SITES.replace("skills: [chat]}\n  - {id: b1", "skills: [chat], leave: [2026-12-08]}\n  - {id: b1")


def both_paths(config, needs, inputs: ModelInputs):
    """The staged and the direct solve of the same question (sites side by side where the machine has cores)."""
    return (
        solve(config, needs, replace(inputs, staged=True), QUIET.params),
        solve(config, needs, replace(inputs, staged=False), QUIET.params),
    )


def test_history_closes_monday_in_the_headcounts_and_the_sites(make_config, tmp_path) -> None:
    """Both agents worked Sat 5 and Sun 6 Dec; two days in a row at most, so nobody may work Monday.

    Monday's 8 hours stay open, 8 x (400 + 100) = 4,000; Tuesday and
    Wednesday are covered. The headcounts see it without naming anyone: the
    3-day window Sat-Mon holds each agent's 2 previous days, leaving 0 for
    Monday; without the history their bound is 0.
    """
    (tmp_path / "previous.csv").write_text(
        "agent,shift,date\na1,day,2026-12-05\na1,day,2026-12-06\nb1,day,2026-12-05\nb1,day,2026-12-06\n"
    )
    text = TWO_SITES.replace("max_consecutive_days: 6", "max_consecutive_days: 2") + "history: previous.csv\n"
    config = make_config(text, DAY_SHIFTS)
    needs = requirements(config)
    history = read_history(config)
    relaxed = headcount_model(config, needs, history=history)
    code, solver, _ = run_search(relaxed.model, QUIET.params)
    assert (solver.status_name(code), solver.objective_value) == ("OPTIMAL", 4000)
    assert headcount_optimum(config.model_copy(update={"history": None}), needs) == ("OPTIMAL", 0)
    shown = io.StringIO()
    staged = solve(config, needs, ModelInputs(staged=True), replace(QUIET.params, progress=shown))
    lines = shown.getvalue().splitlines()
    assert lines[0].startswith("  first headcounts: cost 4,000 (greedy)")  # the greedy keeps the history too
    assert any(line.startswith("  headcounts: 2 groups, cost at least 4,000 (proven)") for line in lines)
    assert (staged.status, staged.objective) == ("OPTIMAL", 4000)
    assert check_roster(staged.roster, config) == []
    assert sorted(a.day.day for a in staged.roster.assignments) == [8, 9]
    direct = solve(config, needs, ModelInputs(staged=False), QUIET.params)
    assert direct.objective == staged.objective


def test_a_first_day_too_close_to_the_previous_late_is_not_free_in_the_headcounts(make_config, tmp_path) -> None:
    """a1 ended a late shift at 06:00 UTC Monday (01:00 New York), 11 h rest: Monday's 09:00 is 8 h later, so b1 works it.

    Neither headcount nor roster may put a1 there; all three days covered, cost 0.
    """
    (tmp_path / "previous.csv").write_text("agent,shift,date,channel\na1,late,2026-12-06,chat\n")
    text = TWO_SITES.replace(
        '      day: {start: "09:00", hours: 8}\ncontracts',
        '      day: {start: "09:00", hours: 8}\n      late: {start: "17:00", hours: 8}\ncontracts',
    )
    text = text.replace("skills: [chat]}\n  - {id: b1", "skills: [chat], shifts: [day]}\n  - {id: b1") + "history: previous.csv\n"
    config = make_config(text, DAY_SHIFTS)
    needs = requirements(config)
    relaxed = headcount_model(config, needs, history=read_history(config))
    nyc = next(g for g in relaxed.groups if g.site == "nyc")
    assert sorted((s.day.day, n) for s, n in nyc.available.items()) == [(8, 1), (9, 1)]  # a1 is not free on Monday
    staged, direct = both_paths(config, needs, ModelInputs())
    assert (staged.status, staged.objective, direct.objective) == ("OPTIMAL", 0, 0)
    assert check_roster(staged.roster, config) == []
    assert {(a.agent, a.day.day) for a in staged.roster.assignments if a.day.day == 7} == {("b1", 7)}


def test_keep_prices_the_changes_in_every_stage(make_config) -> None:
    """a1 was to work Mon-Wed and is now on leave Tuesday: b1 (the other site) takes Tuesday, one change, 1,000.

    The headcounts know it: Boston's Tuesday headcount moves from the kept
    roster's 0 to 1, so at least one change; their bound is the optimum.
    """
    config = make_config(TWO_SITES, DAY_SHIFTS)
    needs = requirements(config)
    kept = solve(config, needs, ModelInputs(staged=False), QUIET.params).roster
    kept = Roster(
        tuple(a for a in kept.assignments if a.agent == "a1")
        + tuple(
            shift_of(config, "a1", d) for d in (7, 8, 9) if not any(a.agent == "a1" and a.day.day == d for a in kept.assignments)
        )
    )
    after = make_config(A1_ON_LEAVE_TUESDAY, DAY_SHIFTS)
    relaxed = headcount_model(after, needs, keep=kept)
    code, solver, _ = run_search(relaxed.model, QUIET.params)
    assert (solver.status_name(code), solver.objective_value) == ("OPTIMAL", 1000)
    staged, direct = both_paths(after, needs, ModelInputs(keep=kept))
    assert (staged.status, staged.objective, direct.objective) == ("OPTIMAL", 1000, 1000)
    assert check_roster(staged.roster, after) == []
    assert sorted((a.agent, a.day.day) for a in staged.roster.assignments) == [("a1", 7), ("a1", 9), ("b1", 8)]


def test_a_re_plan_after_the_stages_starts_from_the_kept_roster_where_it_is_cheaper(make_config, monkeypatch) -> None:
    """a1 was to work Mon-Wed and is now on leave Tuesday. The stages here hand over a roster of nobody: three days of
    8 uncovered hours, 3 x 8 x (400 + 100) = 12,000, and a1's Monday and Wednesday dropped, 2 x 1,000: 14,000. The
    kept roster less Tuesday leaves Tuesday's 8 hours open, 4,000 (Tuesday is leave now: no change of the model's),
    and is cheaper: it is the start, and the result when the full search finds nothing in its time."""
    after, kept = _kept_after_stages_of_nobody(make_config, monkeypatch)
    result = solve(after, requirements(after), ModelInputs(keep=kept, staged=True), QUIET.params)
    assert result.objective == 4_000
    assert sorted((a.agent, a.day.day) for a in result.roster.assignments) == [("a1", 7), ("a1", 9)]
    assert check_roster(result.roster, after) == []


def test_the_staged_paths_timeline_holds_the_stages_and_the_kept_roster_as_the_direct_path_holds_the_kept_one(
    make_config, monkeypatch
) -> None:
    """The test above's rosters, priced before the search: the stages' roster of nobody (14,000, with the headcounts'
    bound, none here) and the kept one (4,000) are the run's first rosters and its timeline's first entries, in
    that order, as the kept roster is the direct path's first (4,000); without --keep the stages' alone (12,000:
    no kept shift dropped). The search finds nothing here, so the timeline is those entries. The staged path's
    was empty."""
    after, kept = _kept_after_stages_of_nobody(make_config, monkeypatch)
    needs = requirements(after)
    runs = {
        "staged, kept": solve(after, needs, ModelInputs(keep=kept, staged=True), QUIET.params),
        "staged": solve(after, needs, ModelInputs(staged=True), QUIET.params),
        "direct, kept": solve(after, needs, ModelInputs(keep=kept, staged=False), QUIET.params),
    }
    costs = {name: [(objective, bound) for _, objective, bound in run.timeline] for name, run in runs.items()}
    assert costs == {"staged, kept": [(14_000, None), (4_000, None)], "staged": [(12_000, None)], "direct, kept": [(4_000, None)]}
    seconds = [t for t, _, _ in runs["staged, kept"].timeline]
    assert seconds == sorted(seconds)
    assert [run.objective for run in runs.values()] == [4_000, 12_000, 4_000]


def test_the_stages_roster_is_on_the_timeline_when_its_price_was_had_not_when_their_first_roster_was(
    make_config, monkeypatch
) -> None:
    """The stages (a stand-in) had a first roster at once and handed over their last 8 s later (search.py's clock moved
    on); its price, 12,000 (the test above: nobody rostered), was had only after that. The run's first roster is at
    0 s, as the stages had one then, but the timeline's entry was at 0 s too, with the last roster's price:
    SolveResult.at(1) read 12,000, which the run had only 8 s in. It is at 8 s or later."""
    from coverage.solve import search

    class Clock:  # search.py's wall clock
        offset = 0.0

        def perf_counter(self) -> float:
            return time.perf_counter() + self.offset

    clock = Clock()

    def stages(*args, **kwargs) -> staged.StagedStart:
        first_at = clock.perf_counter()
        clock.offset += 8.0  # the sites' second round
        return staged.StagedStart(None, Roster(()), first_roster_at=first_at)

    config = make_config(TWO_SITES, DAY_SHIFTS)
    monkeypatch.setattr(search, "wallclock", clock)
    monkeypatch.setattr(staged, "staged_start", stages)
    main_search_finds_nothing(monkeypatch)
    result = solve(config, requirements(config), ModelInputs(staged=True), QUIET.params)
    assert result.objective == 12_000 and result.first_solution_seconds < 1.0
    assert [(objective, t >= 8.0) for t, objective, _ in result.timeline] == [(12_000, True)]
    assert result.at(1.0) == (None, None)


def test_a_deterministic_re_plan_after_the_stages_prices_both_rosters_whatever_the_machines_speed(
    make_config, monkeypatch
) -> None:
    """The test above, deterministic, on a machine whose wall-clock limits buy a billionth of the work
    (helpers.completions_on_a_slow_machine): the stages' roster of nobody (14,000) and the kept one (4,000) are both
    completed by CP-SAT's work, and the kept one is the result, as on a fast machine. Both completions had a 30 s
    wall limit: there they ran out, and the result was the stages' roster, unpriced."""
    after, kept = _kept_after_stages_of_nobody(make_config, monkeypatch)
    completions_on_a_slow_machine(monkeypatch)
    params = replace(QUIET.params, deterministic=True)
    result = solve(after, requirements(after), ModelInputs(keep=kept, staged=True), params)
    assert result.objective == 4_000
    assert sorted((a.agent, a.day.day) for a in result.roster.assignments) == [("a1", 7), ("a1", 9)]


def _kept_after_stages_of_nobody(make_config, monkeypatch) -> tuple[Config, Roster]:
    """a1 on leave Tuesday 8 Dec, kept working Mon-Wed; stages that hand over a roster of nobody; a full search that
    finds nothing: the re-plan tests' setting (the test of the stages' and the kept roster's prices above)."""
    after = make_config(A1_ON_LEAVE_TUESDAY, DAY_SHIFTS)
    nobody = staged.StagedStart(None, Roster(()))
    monkeypatch.setattr(staged, "staged_start", lambda *args, **kwargs: nobody)
    main_search_finds_nothing(monkeypatch)
    return after, Roster(tuple(shift_of(after, "a1", d) for d in (7, 8, 9)))


def shift_of(config, agent: str, day: int) -> Assignment:
    """A day shift (09:00 New York, 8 h) of `agent` on `day` December."""
    start = local_to_utc(date(2026, 12, day), config.sites["nyc"].shifts["day"].start, "America/New_York")
    return Assignment(agent, config.agent(agent).site, "chat", "day", date(2026, 12, day), start, start.add(hours=8))


WEEKEND_HIRE = """\
candidates:
  - {id: weekend, site: bos, contract: part_time, skills: [chat], shifts: [day], cost: 2000, max_count: 2}
"""


def test_a_candidate_is_an_optional_member_of_its_sites_group(make_config) -> None:
    """a1 (New York) works Mon-Fri only; one agent is needed 09:00-17:00 all week. A weekend hire at Boston costs 2,000
    and closes the 16 weekend hours (16 x 500 = 8,000): hire one (weekend-1, not weekend-2), cost 2,000, in every stage."""
    text = (
        TINY.replace(
            "sites:\n", 'sites:\n  bos:\n    timezone: America/New_York\n    shifts:\n      day: {start: "09:00", hours: 8}\n'
        )
        .replace("skills: [chat]}", "skills: [chat], max_weekends_per_period: 0}")
        .replace("contracts:\n", "contracts:\n  part_time: {hours_per_week: {min: 0, max: 20}, max_days_per_week: 5}\n")
    )
    config = make_config(text + WEEKEND_HIRE, nine_to_five_new_york(range(7, 14))).with_candidates()
    needs = requirements(config)
    hiring = Hiring({"weekend-1": 2000, "weekend-2": 2000}, max_hires=1, cost_weight=1)
    relaxed = headcount_model(config, needs, hiring=hiring)
    code, solver, _ = run_search(relaxed.model, QUIET.params)
    assert (solver.status_name(code), solver.objective_value) == ("OPTIMAL", 2000)
    assert relaxed.hired(solver) == {"weekend-1"}
    staged, direct = both_paths(config, needs, ModelInputs(hiring=hiring))
    assert (staged.status, staged.objective, direct.objective) == ("OPTIMAL", 2000, 2000)
    assert check_roster(staged.roster, config) == []
    assert sorted((a.agent, a.day.day) for a in staged.roster.assignments if a.site == "bos") == [
        ("weekend-1", 12),
        ("weekend-1", 13),
    ]


def test_sites_side_by_side_give_what_sites_in_turn_give(make_config) -> None:
    """The same stages through a process pool of two (two threads each) and in this process, deterministic: the same bound and roster."""
    config = make_config(TWO_SITES, DAY_SHIFTS)
    needs = requirements(config)
    params = replace(QUIET.params, deterministic=True, workers=2)
    in_turn = staged_start(config, needs, params)
    with local_pool(2, cores=2) as none:
        assert none is None  # two cores: one site search of two threads at a time, in this process
    with local_pool(2, cores=4) as pool:
        assert pool is not None and (pool.at_once, pool.threads) == (2, 2)
        side_by_side = staged_start(config, needs, params, pool=pool)
    assert (in_turn.bound, side_by_side.bound) == (0, 0)
    assert in_turn.roster == side_by_side.roster and len(in_turn.roster.assignments) == 3
    assert check_roster(side_by_side.roster, config) == []


def test_a_site_whose_start_meets_its_headcounts_is_not_searched_again(make_config, monkeypatch) -> None:
    """The sites' second round, when the head counts did not move since the first roster: its shifts are the answer.

    Searching found them again, 3-5 s a site on the 15-minute grid; a
    deterministic run still searches (its models and rosters stay as before).
    """
    config = make_config(TWO_SITES, DAY_SHIFTS)
    needs = requirements(config)
    first = staged_start(config, needs, QUIET.params)
    instance = {(s.site, s.shift, s.day): s for s in shift_instances(config)}
    site_of = {a.id: a.site for a in config.agents}
    targets = Counter((instance[(site_of[a.agent], a.shift, a.day)], a.channel) for a in first.roster.assignments)
    searches = []
    monkeypatch.setattr(
        "coverage.solve.staged.run_search", lambda *args, **kwargs: searches.append(1) or run_search(*args, **kwargs)
    )
    task = SiteTask(config, needs, "bos", dict(targets), QUIET.params, start=shifts_of(first.roster))
    result = assign_site(task)
    bos = [a for a in first.roster.assignments if a.agent == "b1"]
    assert (result.missed, searches) == (0, [])
    assert sorted(result.roster.assignments, key=lambda a: a.day) == sorted(bos, key=lambda a: a.day) and bos
    searched = assign_site(replace(task, params=replace(QUIET.params, deterministic=True)))
    assert (searched.missed, searches) == (0, [1])


def test_a_start_that_breaks_a_site_rule_gives_way_to_the_first_rounds_assignment(make_config, monkeypatch) -> None:
    """b1 at bos on all three days breaks its two-days-in-a-row limit: the site's model refuses that start, and the
    first round's checked assignment (b1 on the 8th and the 9th), which meets the headcounts, is the answer unsearched."""
    config = make_config(TWO_SITES.replace("max_consecutive_days: 6", "max_consecutive_days: 2"), DAY_SHIFTS)
    needs = requirements(config)
    bos = {s.day.day: s for s in shift_instances(config) if s.site == "bos"}
    targets = {(bos[8], "chat"): 1, (bos[9], "chat"): 1}
    searches = []
    monkeypatch.setattr(
        "coverage.solve.staged.run_search", lambda *args, **kwargs: searches.append(1) or run_search(*args, **kwargs)
    )
    three_days = frozenset(("b1", date(2026, 12, day), "day", "chat") for day in (7, 8, 9))
    two_days = frozenset(("b1", date(2026, 12, day), "day", "chat") for day in (8, 9))
    result = assign_site(SiteTask(config, needs, "bos", targets, QUIET.params, start=three_days, fallback=two_days))
    assert (result.missed, searches, sorted(a.day.day for a in result.roster.assignments)) == (0, [], [8, 9])
    searched = assign_site(SiteTask(config, needs, "bos", targets, QUIET.params, start=three_days))
    assert (searched.missed, searches) == (0, [1])  # without it, a search from the refused start's hint


def test_a_site_with_less_time_than_its_first_assignment_took_keeps_it(make_config, monkeypatch) -> None:
    """The stage's end is 2 s away and each site's first assignment took 5 s: no site is tried again (it would
    run 3 s past the end), so the stage ends on time and staged_start keeps the first roster's assignments."""
    config = make_config(TWO_SITES, DAY_SHIFTS)
    needs = requirements(config)
    monkeypatch.setattr(
        "coverage.solve.staged.assign_site", lambda task, stopped=None: pytest.fail(f"site {task.site} was searched")
    )
    earlier = {site: SiteResult(site, Roster(()), 0, False, seconds=5.0) for site in ("bos", "nyc")}
    turn = Turn(time.perf_counter() + 2.0, 2.0, 0, 2, earlier)
    found: dict = {}
    task = SiteTask(config, needs, "", {}, QUIET.params)
    assert in_turn(task, ["bos", "nyc"], found, turn, print, None) is False
    assert found == {}
    deterministic = replace(task, params=replace(QUIET.params, deterministic=True))  # shares of work, not of the clock
    tried = []
    monkeypatch.setattr(
        "coverage.solve.staged.assign_site", lambda task, stopped=None: tried.append(task.site) or earlier[task.site]
    )
    in_turn(deterministic, ["bos", "nyc"], found, turn, lambda line: None, None)
    assert tried == ["bos", "nyc"]


def test_the_whole_model_starts_from_the_cheaper_of_the_first_and_the_second_round(make_config) -> None:
    """One agent, three needed days, at most two in a row: working two days leaves one open (4,000), one day two (8,000).

    When the sites' second round missed its headcounts, the first roster is
    priced beside it (2,700 agents: the second round ended thousands of
    shifts off and cost 6 % more). Whichever is cheaper is the result to
    beat, and the whole model is hinted with it, the other's hint undone.
    """
    from coverage.solve.data import ModelData
    from coverage.solve.model import build_model
    from coverage.solve.search import from_stages
    from coverage.solve.staged import StagedStart

    config = make_config(THREE_DAYS, DAY_SHIFTS)
    needs = requirements(config)
    two_days = solve(config, needs, STAGED).roster
    one_day = Roster(two_days.assignments[:1])

    def hinted_days(rm) -> set[date]:
        hint = dict(zip(rm.model.proto.solution_hint.vars, rm.model.proto.solution_hint.values))
        return {o.instance.day for o, var in rm.variables.choices.items() if hint.get(var.index) == 1}

    for second, earlier in ((one_day, two_days), (two_days, one_day)):
        rm = build_model(ModelData.of(config, needs))
        result = from_stages(rm, StagedStart(4000, second, earlier=earlier), time.perf_counter())
        assert (result.objective, result.roster.assignments) == (4000, two_days.assignments)
        assert hinted_days(rm) == {a.day for a in two_days.assignments}
    rm = build_model(ModelData.of(config, needs))
    assert from_stages(rm, StagedStart(4000, one_day), time.perf_counter()).objective == 8000  # alone, it stands


def test_pricing_the_first_roster_too_stays_within_the_seconds_left(make_config, monkeypatch) -> None:
    """`seconds` is what is left of the limit: the two completions share it, they do not each get it.

    Each completion here "takes" 7 s of a fake clock: of 10 s, the first
    roster's completion is given the 3 s left, not 10 again (on big teams a
    completion takes 12 s, and a second with the whole budget again ran past
    the limit). With 7 s in all nothing is left, and the second round's
    roster stands unrivalled, its hint the search's start. A deterministic
    run gives each completion its own `seconds`, whatever the clock.
    """
    import coverage.solve.staged as staged_module
    from coverage.solve import search
    from coverage.solve.data import ModelData
    from coverage.solve.model import build_model
    from coverage.solve.staged import StagedStart

    config = make_config(THREE_DAYS, DAY_SHIFTS)
    needs = requirements(config)
    two_days = solve(config, needs, STAGED).roster
    one_day = Roster(two_days.assignments[:1])
    clock, given, completed = [1000.0], [], staged_module.try_complete_hint

    def slow(rm, seconds, **kwargs):
        given.append(seconds)
        clock[0] += 7.0
        return completed(rm, seconds, **kwargs)

    monkeypatch.setattr(staged_module, "try_complete_hint", slow)
    monkeypatch.setattr(search.wallclock, "perf_counter", lambda: clock[0])
    second_round = StagedStart(4000, two_days, earlier=one_day)
    for seconds, deterministic, expected in ((10.0, False, [10.0, 3.0]), (7.0, False, [7.0]), (7.0, True, [7.0, 7.0])):
        given.clear()
        rm = build_model(ModelData.of(config, needs))
        result = search.from_stages(rm, second_round, clock[0], seconds=seconds, deterministic=deterministic)
        assert (given, result.objective) == (expected, 4000)


def test_a_site_kept_from_the_first_round_beside_a_new_one_has_the_first_roster_priced_too(make_config, monkeypatch) -> None:
    """bos's second round meets the searched headcounts (0 off); nyc's found nothing and keeps its first assignment.

    That roster joins a site aimed at the searched headcounts with one
    aimed at the greedy's, whose 0 shifts off counted against the greedy's
    counts, not the searched ones: it is not surely the cheaper, so the
    first roster is priced beside it (`StagedStart.earlier`). When every
    site has a new assignment 0 off, it is not.
    """
    import coverage.solve.staged as staged_module
    from coverage.solve.staged import SiteResult

    config = make_config(TWO_SITES, DAY_SHIFTS)

    def day_shift(agent: str, site: str, day: int) -> Roster:
        begins = local_to_utc(date(2026, 12, day), config.sites[site].shifts["day"].start, "America/New_York")
        return Roster((Assignment(agent, site, "chat", "day", date(2026, 12, day), begins, begins.add(hours=8)),))

    first = {
        "bos": SiteResult("bos", day_shift("b1", "bos", 7), 0, False),
        "nyc": SiteResult("nyc", day_shift("a1", "nyc", 8), 0, False),
    }
    second = {"bos": SiteResult("bos", day_shift("b1", "bos", 9), 0, False)}
    for found, earlier in (
        (second, [("b1", 7), ("a1", 8)]),
        ({**second, "nyc": SiteResult("nyc", day_shift("a1", "nyc", 7), 0, False)}, None),
    ):

        def assigned(task: SiteTask, stopped=None, found=found) -> SiteResult:
            return first[task.site] if task.first_only else found.get(task.site, SiteResult(task.site, None, 0, False))

        monkeypatch.setattr(staged_module, "assign_site", assigned)
        start = staged_start(config, requirements(config), STAGED.params)
        priced = None if start.earlier is None else [(a.agent, a.day.day) for a in start.earlier.assignments]
        assert priced == earlier


def refused_second_round(config, needs) -> tuple[Roster, Roster]:
    """A second round's roster the whole model refuses (a1 on all three days, two in a row at most) and the first
    round's it was built from (the solved two days)."""
    two_days = solve(config, needs, STAGED).roster
    (open_day,) = {7, 8, 9} - {a.day.day for a in two_days.assignments}
    begins = local_to_utc(date(2026, 12, open_day), config.sites["nyc"].shifts["day"].start, "America/New_York")
    third = Assignment("a1", "nyc", "chat", "day", date(2026, 12, open_day), begins, begins.add(hours=8))
    return Roster((*two_days.assignments, third)), two_days


def test_a_second_round_roster_the_whole_model_refuses_leaves_the_first_roster_as_the_start(make_config) -> None:
    """a1 on all three days breaks the two-days-in-a-row limit: the whole model refuses that roster, and the first
    roster (two days, 4,000), priced beside it, is the result to beat and the search's start, rather than nothing."""
    from coverage.solve.data import ModelData
    from coverage.solve.model import build_model
    from coverage.solve.search import from_stages
    from coverage.solve.staged import StagedStart

    config = make_config(THREE_DAYS, DAY_SHIFTS)
    needs = requirements(config)
    three_days, two_days = refused_second_round(config, needs)
    assert sorted(a.day.day for a in three_days.assignments) == [7, 8, 9]
    rm = build_model(ModelData.of(config, needs))
    result = from_stages(rm, StagedStart(4000, three_days, earlier=two_days), time.perf_counter())
    assert result is not None and (result.objective, result.roster.assignments) == (4000, two_days.assignments)


def test_ctrl_c_while_the_first_roster_is_priced_after_the_second_rounds_was_refused_ends_the_run_with_it(
    make_config, monkeypatch
) -> None:
    """a1 on all three days: the whole model refuses the second round's roster; Ctrl-C while the first roster (two days)
    is completed in its place leaves that roster, unpriced, as the result to end with and says so. (It returned
    nothing, and the run searched on for the rest of its limit as if no Ctrl-C had come.)"""
    import coverage.solve.staged as staged_module
    from coverage.solve.data import ModelData
    from coverage.solve.model import build_model
    from coverage.solve.runner import Completion
    from coverage.solve.search import from_stages
    from coverage.solve.staged import StagedStart

    config = make_config(THREE_DAYS, DAY_SHIFTS)
    needs = requirements(config)
    three_days, two_days = refused_second_round(config, needs)
    completed, outcomes = staged_module.try_complete_hint, []

    def refused_then_ctrl_c(rm, seconds, **kwargs):
        if not outcomes:
            outcomes.append(completed(rm, seconds, **kwargs))
            return outcomes[-1]
        outcomes.append(Completion(None, rejected=False, interrupted=True))
        return outcomes[-1]

    monkeypatch.setattr(staged_module, "try_complete_hint", refused_then_ctrl_c)
    rm = build_model(ModelData.of(config, needs))
    result = from_stages(rm, StagedStart(4000, three_days, earlier=two_days), time.perf_counter())
    assert [o.rejected for o in outcomes] == [True, False]
    assert result is not None and (result.roster, result.objective, result.interrupted) == (two_days, None, True)


def test_ctrl_c_while_a_stages_roster_is_completed_ends_the_run_with_it(make_config, monkeypatch) -> None:
    """Ctrl-C stops a completion (no values yet): the first roster is then not priced too (one completion, not two), and the run ends interrupted
    with the second round's roster (8 h open: 4,000), not a full search of the time left.

    Ctrl-C during the first roster's completion ends it too: the second
    round's, priced (4,000), stands, and the result says it was interrupted.
    """
    import coverage.solve.staged as staged_module
    from coverage.solve import search
    from coverage.solve.data import ModelData
    from coverage.solve.model import build_model
    from coverage.solve.runner import Completion
    from coverage.solve.staged import StagedStart

    config = make_config(THREE_DAYS, DAY_SHIFTS)
    needs = requirements(config)
    two_days = solve(config, needs, STAGED).roster
    one_day = Roster(two_days.assignments[:1])
    completed, calls, stop_at = staged_module.try_complete_hint, [0], [0]

    def ctrl_c(rm, seconds, **kwargs):
        calls[0] += 1
        if calls[0] - 1 == stop_at[0]:
            return Completion(None, rejected=False, interrupted=True)
        return completed(rm, seconds, **kwargs)

    monkeypatch.setattr(staged_module, "try_complete_hint", ctrl_c)
    for stopped, completions, objective in ((0, 1, None), (1, 2, 4000)):
        calls[0], stop_at[0] = 0, stopped
        rm = build_model(ModelData.of(config, needs))
        result = search.from_stages(rm, StagedStart(4000, two_days, earlier=one_day), time.perf_counter())
        assert (calls[0], result.objective, result.roster, result.interrupted) == (completions, objective, two_days, True)
    calls[0], stop_at[0] = 0, 0
    run = solve(config, needs, replace(STAGED, time_limit_seconds=60.0))
    assert run.interrupted and run.roster is not None and check_roster(run.roster, config) == []
