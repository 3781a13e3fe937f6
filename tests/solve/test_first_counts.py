"""First headcounts by construction: each agent's greedy schedule keeps its share of every group sum, so their sums solve the headcount model."""

from __future__ import annotations

from datetime import date

from helpers import QUIET, TINY, config_data, hourly
from test_staged import TWO_SITES

from coverage.check import check_roster
from coverage.config import load_config
from coverage.demand import requirements
from coverage.roster import Assignment, Roster
from coverage.solve import ModelInputs, solve
from coverage.solve.aggregate import headcount_model
from coverage.solve.first_counts import CountResidual, Schedule, greedy_counts, repair, start, towards_headcounts
from coverage.solve.runner import SolveParams
from coverage.synthetic import write_team
from coverage.time import local_to_utc, shift_instances

# One agent needed 09:00-17:00 New York (14:00-22:00 UTC) Mon 7 - Wed 9 Dec; nobody Thu-Sun.
MON_TO_WED = hourly("2026-12-07T14:00:00", 8) + hourly("2026-12-08T14:00:00", 8) + hourly("2026-12-09T14:00:00", 8)


def shift_of(config, agent: str, day: int, site: str) -> Assignment:
    """A day shift (09:00 New York, 8 h) of `agent` at `site` on `day` December."""
    begins = local_to_utc(date(2026, 12, day), config.sites[site].shifts["day"].start, "America/New_York")
    return Assignment(agent, site, "chat", "day", date(2026, 12, day), begins, begins.add(hours=8))


def by_site_and_day(first) -> dict[tuple[str, int], int]:
    """The greedy's counts as {(site, day of December): agents}, zero counts left out."""
    found: dict[tuple[str, int], int] = {}
    for option, count in first.counts.items():
        if count:
            key = (option.instance.site, option.instance.day.day)
            found[key] = found.get(key, 0) + count
    return found


def test_the_second_group_covers_what_the_first_may_not_work(make_config) -> None:
    """Two days in a row at most: a1 (nyc) takes Mon and Tue, its Wednesday would be a third; b1 (bos) takes Wednesday.

    Every needed hour has its agent, so the counts cost 0, and the
    headcount model accepts them as a solution.
    """
    config = make_config(TWO_SITES.replace("max_consecutive_days: 6", "max_consecutive_days: 2"), MON_TO_WED)
    model = headcount_model(config, requirements(config))
    first = greedy_counts(model)
    assert by_site_and_day(first) == {("nyc", 7): 1, ("nyc", 8): 1, ("bos", 9): 1}
    assert first.short == ()
    assert {(agent, day.day) for agent, day, _, _ in first.shifts} == {("a1", 7), ("a1", 8), ("b1", 9)}
    solution = start(model, first)
    assert solution is not None and solution.objective_value == 0


def test_contract_minimums_are_placed_before_extra_shifts(make_config) -> None:
    """b1 must work 16 h in the (full) week: it takes Mon and Tue, the most wanted; a1, free to stay home, adds only Wednesday.

    Had a1 chosen first without regard to minimums it would have taken all
    three days, and b1's 16 h would have gone where nobody is needed.
    """
    text = (
        TINY.replace(
            "sites:\n", 'sites:\n  bos:\n    timezone: America/New_York\n    shifts:\n      day: {start: "09:00", hours: 8}\n'
        )
        .replace("contracts:\n", "contracts:\n  part_time: {hours_per_week: {min: 16, max: 40}, max_days_per_week: 5}\n")
        .replace("skills: [chat]}", "skills: [chat]}\n  - {id: b1, site: bos, contract: part_time, skills: [chat]}")
    )
    config = make_config(text, MON_TO_WED)
    model = headcount_model(config, requirements(config))
    first = greedy_counts(model)
    assert by_site_and_day(first) == {("bos", 7): 1, ("bos", 8): 1, ("nyc", 9): 1}
    solution = start(model, first)
    assert solution is not None and solution.objective_value == 0


def test_schedules_aimed_at_searched_headcounts_take_those_counts_not_the_requirement(make_config) -> None:
    """Aimed at the requirement a1 (nyc, first in the list) takes Mon-Wed; aimed at nyc Mon, bos Tue and Wed it takes
    Monday only and b1 (bos) takes Tuesday and Wednesday: every headcount met, none exceeded (the sites' second round
    starts there, not from the first roster)."""
    config = make_config(TWO_SITES, MON_TO_WED)
    model = headcount_model(config, requirements(config))
    assert by_site_and_day(greedy_counts(model)) == {("nyc", 7): 1, ("nyc", 8): 1, ("nyc", 9): 1}
    wanted = {("nyc", 7), ("bos", 8), ("bos", 9)}
    targets = {(s, "chat"): int((s.site, s.day.day) in wanted) for s in shift_instances(config)}
    shifts = towards_headcounts(model, targets, frozenset())
    assert {(agent, day.day, shift, channel) for agent, day, shift, channel in shifts} == {
        ("a1", 7, "day", "chat"),
        ("b1", 8, "day", "chat"),
        ("b1", 9, "day", "chat"),
    }


def repaired(config, wanted_days: set[int], worked: dict[str, int]) -> dict[str, set[int]]:
    """Each agent of `worked` (nyc) works its day of December; the headcounts want one agent on each of
    `wanted_days`: the days each agent works after the repair."""
    model = headcount_model(config, requirements(config))
    members = [(g, sc) for g in model.groups for sc in g.scopes if sc.id in worked]
    occurrences = [s for s in shift_instances(config) if s.site == "nyc"]
    residual = CountResidual.of_counts({(s, "chat"): int(s.day.day in wanted_days) for s in occurrences}, occurrences)
    schedules = {sc.id: Schedule(sc, config) for _, sc in members}
    for agent, day in worked.items():
        shift = next(s for s in occurrences if s.day.day == day)
        schedules[agent].add(shift, "chat")
        residual.take_one(shift, "chat")
    repair(members, schedules, residual)
    return {agent: {day.day for day in schedule.chosen} for agent, schedule in schedules.items()}


WEEK_MIN_8 = TWO_SITES.replace("days: 3", "days: 7").replace("hours_per_week: {min: 0", "hours_per_week: {min: 8")


def test_a_shift_over_its_headcount_moves_to_one_short_of_it_or_goes_when_no_minimum_holds_it(make_config) -> None:
    """Tuesday is worked but not wanted, Wednesday wanted: the shift moves there. With nothing wanted it is dropped
    (a1's week has no minimum), unless a weekly minimum of 8 h holds it (in a whole week: then it stays, off by one)."""
    config = make_config(TWO_SITES, MON_TO_WED)
    assert repaired(config, {9}, {"a1": 8}) == {"a1": {9}}
    assert repaired(config, set(), {"a1": 8}) == {"a1": set()}
    assert repaired(make_config(WEEK_MIN_8, MON_TO_WED), set(), {"a1": 8}) == {"a1": {8}}


def test_a_shift_its_minimum_holds_is_traded_for_one_another_agent_may_give_up(make_config) -> None:
    """a1 must work 8 h this week and works Tuesday, which nobody wants; a2 (no minimum) works the wanted Wednesday.
    a1 takes Wednesday and a2 gives it up: nothing off the headcounts, both minimums kept."""
    text = WEEK_MIN_8.replace(
        "skills: [chat]}\n", "skills: [chat]}\n  - {id: a2, site: nyc, contract: free, skills: [chat]}\n", 1
    ).replace("contracts:\n", "contracts:\n  free: {hours_per_week: {min: 0, max: 40}, max_days_per_week: 5}\n")
    config = make_config(text, MON_TO_WED)
    assert [a.id for a in config.agents if a.site == "nyc"] == ["a1", "a2"]
    assert repaired(config, {9}, {"a1": 8, "a2": 9}) == {"a1": {9}, "a2": set()}


def test_an_occurrence_short_is_filled_by_a_chain_of_same_day_switches(make_config) -> None:
    """Monday's day shift wants one agent on chat and one on email. a1 (chat and email) works it on chat, a2 (chat only)
    is free: nobody's shift is over its headcount and a2 may not take email, so no move, drop, add or hand-over helps.
    The chain does: a1 switches to email, a2 takes the chat a1 left. Nothing off the headcounts."""
    data = config_data(TWO_SITES)
    data["channels"]["email"] = dict(data["channels"]["chat"])
    data["agents"] = [
        {"id": "a1", "site": "nyc", "contract": "full_time", "skills": ["chat", "email"]},
        {"id": "a2", "site": "nyc", "contract": "full_time", "skills": ["chat"]},
    ]
    config = make_config(data)
    model = headcount_model(config, requirements(config))
    members = [(g, sc) for g in model.groups for sc in g.scopes if sc.agent.site == "nyc"]
    occurrences = [s for s in shift_instances(config) if s.site == "nyc"]
    monday = next(s for s in occurrences if s.day.day == 7)
    residual = CountResidual.of_counts({(s, c): int(s is monday) for s in occurrences for c in ("chat", "email")}, occurrences)
    schedules = {sc.id: Schedule(sc, config) for _, sc in members}
    schedules["a1"].add(monday, "chat")
    residual.take_one(monday, "chat")
    assert residual.left(monday, "email") == 1
    repair(members, schedules, residual)
    assert {agent: dict(schedule.channels) for agent, schedule in schedules.items()} == {
        "a1": {monday.day: "email"},
        "a2": {monday.day: "chat"},
    }
    assert residual.left(monday, "chat") == residual.left(monday, "email") == 0


def test_re_planning_keeps_the_kept_shifts_first(make_config) -> None:
    """The kept roster has b1 (bos) Mon-Wed: the greedy keeps it, where a1 (nyc, first in the list) would otherwise take all three.

    No shift moves, so the counts cost 0 changes and 0 cover.
    """
    config = make_config(TWO_SITES, MON_TO_WED)
    needs = requirements(config)
    assert by_site_and_day(greedy_counts(headcount_model(config, needs))) == {("nyc", 7): 1, ("nyc", 8): 1, ("nyc", 9): 1}
    kept = Roster(tuple(shift_of(config, "b1", day, site="bos") for day in (7, 8, 9)))
    model = headcount_model(config, needs, keep=kept)
    first = greedy_counts(model)
    assert by_site_and_day(first) == {("bos", 7): 1, ("bos", 8): 1, ("bos", 9): 1}
    solution = start(model, first)
    assert solution is not None and solution.objective_value == 0


def test_a_period_limit_is_shared_over_the_weeks(make_config) -> None:
    """Two weekends of four for the single agent, every Saturday wanted: weeks 1-2 may use one, weeks 3-4 both.

    Saturdays 12, 19, 26 Dec and 2 Jan each need the agent 09:00-17:00 New
    York. Taken as they come, the quota would go on the 12th and 19th; shared
    out (a quarter of 2 rounds up to 1, a half to 1, three quarters to 2) it
    goes on the 12th and 26th, leaving the later weeks their part.
    """
    text = TINY.replace("days: 7", "days: 28").replace(
        "max_consecutive_days: 6", "max_consecutive_days: 6\n  max_weekends_per_period: 2"
    )
    saturdays = [hourly(f"{day}T14:00:00", 8) for day in ("2026-12-12", "2026-12-19", "2026-12-26", "2027-01-02")]
    config = make_config(text, [row for rows in saturdays for row in rows])
    model = headcount_model(config, requirements(config))
    first = greedy_counts(model)
    assert by_site_and_day(first) == {("nyc", 12): 1, ("nyc", 26): 1}
    solution = start(model, first)
    assert solution is not None and solution.objective_value == 2 * 8 * (
        100 + 400 + 1
    )  # two Saturdays open: short, nobody, clock


def test_the_staged_path_on_a_generated_team_gives_a_checked_roster_from_its_first(tmp_path) -> None:
    """60 agents at 2 sites for a week: the greedy's counts solve the headcount model, and the roster passes the checker."""
    config = load_config(write_team(tmp_path, 60, 2, date(2026, 3, 2), 7, seed=11))
    needs = requirements(config)
    model = headcount_model(config, needs)
    first = greedy_counts(model)
    assert first.short == () and start(model, first) is not None
    result = solve(config, needs, ModelInputs(staged=True, explain=False), SolveParams(time_limit_seconds=20, seed=1, workers=2))
    assert result.roster is not None and check_roster(result.roster, config) == []
    assert result.first_solution_seconds is not None and result.first_solution_seconds <= result.wall_seconds


def test_deterministic_staged_runs_give_the_same_roster(make_config) -> None:
    """Greedy, first roster, headcounts, sites: the whole staged path twice in deterministic mode, the same roster."""
    config = make_config(TWO_SITES.replace("max_consecutive_days: 6", "max_consecutive_days: 2"), MON_TO_WED)
    needs = requirements(config)
    params = SolveParams(time_limit_seconds=QUIET.time_limit_seconds, seed=1, workers=2, deterministic=True)
    once, twice = (solve(config, needs, ModelInputs(staged=True), params) for _ in range(2))
    assert once.roster == twice.roster and once.objective == twice.objective == 0
    assert check_roster(once.roster, config) == []


def test_the_repair_with_its_chains_keeps_the_counts_every_limit_and_every_minimum_on_a_generated_team(
    tmp_path, monkeypatch
) -> None:
    """60 agents at 2 sites for two weeks, aimed at the greedy's own counts each moved by -2, 0 or +2, then by 0 or +1
    (seeded): after the repair every occurrence's count left equals its target less the agents on it, every schedule
    could be built again shift by shift under its limits, on shifts the agent may work with its skills, no agent is
    further below a weekly or period minimum than the greedy left it, and no more agents are wanted than before. Chains
    fire in both (3 and 3 found when written)."""
    import random
    from collections import Counter

    import coverage.solve.first_counts as first_counts
    from coverage.time import week_monday

    config = load_config(write_team(tmp_path, 60, 2, date(2026, 3, 2), 14, seed=11))
    model = headcount_model(config, requirements(config))
    greedy: Counter = Counter()
    for option, count in greedy_counts(model).counts.items():
        greedy[(option.instance, option.channel)] += count
    members = first_counts._members(model, frozenset())
    occurrences = sorted({s for _, sc in members for s in first_counts.free_occurrences(sc)}, key=lambda s: s.start_utc)
    weeks = {sc.id: {week_monday(s.day) for s in first_counts.free_occurrences(sc)} for _, sc in members}
    real, chains = first_counts._chain_to, []
    monkeypatch.setattr(first_counts, "_chain_to", lambda *args: real(*args) and not chains.append(1))
    for seed, moves in ((1, (-2, 0, 2)), (2, (0, 1))):
        rng = random.Random(seed)
        targets = Counter({key: max(count + rng.choice(moves), 0) for key, count in greedy.items()})
        residual = CountResidual.of_counts(targets, occurrences)
        schedules = first_counts._greedy_schedules(model, members, residual)
        short_before = {(a, m): schedules[a].short_of_minimum(m) for a, mondays in weeks.items() for m in mondays}
        minutes_before = {a: schedule.minutes for a, schedule in schedules.items()}
        wanted_before = sum(max(residual.left(s, c), 0) for s, c in targets)
        chains.clear()
        repair(members, schedules, residual)
        working = Counter((s, sch.channels[day]) for sch in schedules.values() for day, s in sch.chosen.items())
        assert all(residual.left(s, c) == targets[(s, c)] - working[(s, c)] for s, c in set(targets) | set(working))
        for group, scope in members:
            schedule, again = schedules[scope.id], Schedule(scope, config)
            free = set(first_counts.free_occurrences(scope))
            for day in sorted(schedule.chosen):
                s, channel = schedule.chosen[day], schedule.channels[day]
                assert s in free and channel in group.skills and again.can_add(s), (scope.id, day)
                again.add(s, channel)
            assert all(schedule.short_of_minimum(m) <= max(short_before[(scope.id, m)], 0) for m in weeks[scope.id])
            assert schedule.minutes >= min(scope.period_minimum_minutes(), minutes_before[scope.id])
        assert sum(max(residual.left(s, c), 0) for s, c in targets) <= wanted_before
        assert chains, seed


def test_deterministic_stages_go_the_same_way_however_slow_the_machine(make_config, monkeypatch) -> None:
    """The stages' completions — the greedy's headcounts, each site's first assignment — are CP-SAT's work in a
    deterministic run, not the clock's: on a machine whose wall-clock limits buy a billionth of the work
    (helpers.completions_on_a_slow_machine) the stages say the same lines (the greedy's counts taken, each site's
    first assignment) and end on the same roster. With wall-clock limits the greedy's counts ran out there
    ("searching for them")."""
    import io
    import re

    from helpers import completions_on_a_slow_machine

    from coverage.solve.staged import staged_start

    config = make_config(TWO_SITES.replace("max_consecutive_days: 6", "max_consecutive_days: 2"), MON_TO_WED)
    needs = requirements(config)

    def stages() -> tuple[list[str], Roster | None]:
        said = io.StringIO()
        params = SolveParams(time_limit_seconds=QUIET.time_limit_seconds, seed=1, workers=2, deterministic=True, progress=said)
        start = staged_start(config, needs, params)
        return [re.sub(r", [0-9.]+s$", "", line) for line in said.getvalue().splitlines()], start.roster

    fast = stages()
    completions_on_a_slow_machine(monkeypatch)
    slow = stages()
    assert any("(greedy)" in line for line in fast[0])
    assert slow == fast
