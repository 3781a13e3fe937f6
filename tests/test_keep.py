"""Re-planning against a published roster (`covplan plan --keep`) after someone has left the team.

A manager re-plans exactly when an agent leaves: the old roster still names
them. Their shifts are removed (changes.csv and the printed summary say so),
the rest is kept with as few changes as possible. `verify` and `gaps` on the
old roster are bad input, one line per leaver (not one per row of theirs).
"""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from helpers import TINY, completions_on_a_slow_machine, nine_to_five_new_york, write_forecast

from coverage.check import check_roster
from coverage.cli import main
from coverage.config import Config, load_config
from coverage.demand import requirements
from coverage.errors import InputError
from coverage.roster import Assignment, Roster, read_kept_roster
from coverage.solve import ModelInputs, SolveParams, solve, staged
from coverage.solve.data import ModelData
from coverage.solve.kept import still_allowed
from coverage.solve.model import build_model

# Three agents once; a3 has left: the config names a1 and a2 only. One chat an hour 09:00-17:00 New York, Mon 7 - Fri 11 Dec,
# needs one agent on each weekday's `day` shift (09:00-17:00); nothing is needed at the weekend.
TEAM = TINY.replace(
    "  - {id: a1, site: nyc, contract: full_time, skills: [chat]}",
    "  - {id: a1, site: nyc, contract: full_time, skills: [chat]}\n  - {id: a2, site: nyc, contract: full_time, skills: [chat]}",
)
# The roster published before a3 left: a1 Mon-Tue, a2 Wed, a3 Thu-Fri (a hand-made copy: no times, as read_roster allows).
OLD = """agent,site,channel,shift,date
a1,nyc,chat,day,2026-12-07
a1,nyc,chat,day,2026-12-08
a2,nyc,chat,day,2026-12-09
a3,nyc,chat,day,2026-12-10
a3,nyc,chat,day,2026-12-11
"""


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, Path]:
    config = tmp_path / "plan.yaml"
    config.write_text(TEAM, encoding="utf-8")
    write_forecast(tmp_path / "forecast.csv", nine_to_five_new_york(range(7, 12)))
    old = tmp_path / "old" / "roster.csv"
    old.parent.mkdir()
    old.write_text(OLD, encoding="utf-8")
    return config, old


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_re_planning_after_an_agent_left_removes_their_shifts_and_keeps_the_rest(team: tuple[Path, Path], capsys) -> None:
    """By hand: a1's Mon-Tue and a2's Wed stay (3 kept); a3's Thu and Fri are removed (2), and Thu and Fri, each
    needing one agent, are each taken by a1 or a2 (2 added): 4 changes, every weekday covered once."""
    config, old = team
    out = config.parent / "new"
    code = main(["plan", str(config), "--out", str(out), "--keep", str(old), "--time-limit", "5", "--workers", "2", "--quiet"])
    printed = capsys.readouterr().out
    assert code == 0
    roster = rows(out / "roster.csv")
    assert sorted((r["date"], r["agent"]) for r in roster if r["date"] <= "2026-12-09") == [
        ("2026-12-07", "a1"),
        ("2026-12-08", "a1"),
        ("2026-12-09", "a2"),
    ]
    assert sorted(r["date"] for r in roster) == ["2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11"]
    changes = rows(out / "changes.csv")
    removed = [(r["agent"], r["date"], r["shift"], r["channel"]) for r in changes if r["change"] == "removed"]
    added = sorted((r["date"], r["shift"]) for r in changes if r["change"] == "added")
    assert removed == [("a3", "2026-12-10", "day", "chat"), ("a3", "2026-12-11", "day", "chat")]
    assert added == [("2026-12-10", "day"), ("2026-12-11", "day")]
    assert len(changes) == 4
    assert {r["agent"] for r in changes if r["change"] == "added"} <= {"a1", "a2"}
    # the leaver's removed shifts carry their local times like every other row (from the site's template)
    assert [r["start_local"] for r in changes if r["change"] == "removed"] == [
        "2026-12-10T09:00:00-05:00",
        "2026-12-11T09:00:00-05:00",
    ]
    assert "2 shift(s) removed, 2 added" in printed
    assert "  - a3 2026-12-10 day (chat)" in printed and "  - a3 2026-12-11 day (chat)" in printed
    assert "a3 is not in the config's agents any more (left the team?): their 2 shift(s) are removed" in printed
    assert main(["verify", str(config), str(out / "roster.csv")]) == 0


def test_a_hire_the_config_has_not_added_is_named_as_a_hire(team: tuple[Path, Path], capsys) -> None:
    """A roster `covplan hires` published names hires (extra-1) the manager has not added to agents: the same
    re-plan (their 2 shifts removed, 2 added), and the line says to add the person hired under that id to keep them."""
    config, old = team
    config.write_text(
        TEAM + "candidates:\n  - {id: extra, site: nyc, contract: full_time, skills: [chat], cost: 1000, max_count: 1}\n",
        encoding="utf-8",
    )
    old.write_text(OLD.replace("a3,", "extra-1,"), encoding="utf-8")
    out = config.parent / "new"
    assert (
        main(["plan", str(config), "--out", str(out), "--keep", str(old), "--time-limit", "5", "--workers", "2", "--quiet"]) == 0
    )
    printed = capsys.readouterr().out
    assert "2 shift(s) removed, 2 added" in printed
    assert (
        "  extra-1, a hire of candidates' extra, is not in the config's agents: their 2 shift(s) are removed "
        "(add the person hired to agents as extra-1 to keep them)"
    ) in printed


def test_a_leavers_rows_need_no_site_when_one_site_has_their_template(team: tuple[Path, Path]) -> None:
    """A hand-made roster may leave out `site`: a leaver's is the one site offering the row's template (nyc's `day`)."""
    config_path, old = team
    old.write_text("agent,shift,date\na1,day,2026-12-07\na3,day,2026-12-10\n", encoding="utf-8")
    kept = read_kept_roster(old, load_config(config_path))
    assert [(a.agent, a.day.isoformat()) for a in kept.team.assignments] == [("a1", "2026-12-07")]
    assert [(a.agent, a.site, a.channel, a.start_utc.isoformat()) for a in kept.left.assignments] == [
        ("a3", "nyc", "", "2026-12-10T14:00:00+00:00")
    ]


def test_a_kept_row_without_an_agent_is_bad_input_not_a_leavers_shift(team: tuple[Path, Path]) -> None:
    """An empty `agent` cell names nobody who left: the row is refused where it is (as before leavers were read), not
    listed as the removed shift of an agent called ''."""
    config_path, old = team
    old.write_text(OLD.replace("a3,nyc,chat,day,2026-12-10", ",nyc,chat,day,2026-12-10"), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_kept_roster(old, load_config(config_path))
    assert [(p.line, p.where) for p in refused.value.problems] == [(5, "agent")]
    assert "empty" in refused.value.problems[0].what


@pytest.mark.parametrize("command", ["verify", "gaps"])
def test_verify_and_gaps_of_a_roster_naming_a_leaver_say_so_once_per_leaver(
    team: tuple[Path, Path], command: str, capsys
) -> None:
    """The old roster is no roster of this team any more: exit 2 and one line for a3 (two rows), at a3's first row."""
    config, old = team
    extra = ["--out", str(config.parent / "report")] if command == "gaps" else []
    assert main([command, str(config), str(old), *extra]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{old}:5: agent: unknown agent 'a3' on this row and 1 more (expected an id from agents in plan.yaml; "
        "if a3 has left the team, re-plan with `covplan plan --keep` this roster: it lists their shifts as removed)"
    ]
    assert not (config.parent / "report").exists()


# --------------------------------------------------------------------------- the re-plan starts from the kept roster

# a1 and a2 work three days a week at most; one agent is needed 09:00-17:00 New York, Mon 7 - Fri 11 Dec.
SHORT_WEEKS = TEAM.replace("max_days_per_week: 5", "max_days_per_week: 3")
# Published before a1 fell ill: a1 Mon-Wed, a2 Thu-Fri.
KEPT = """agent,site,channel,shift,date
a1,nyc,chat,day,2026-12-07
a1,nyc,chat,day,2026-12-08
a1,nyc,chat,day,2026-12-09
a2,nyc,chat,day,2026-12-10
a2,nyc,chat,day,2026-12-11
"""
A1_ON_LEAVE_WEDNESDAY = SHORT_WEEKS.replace("skills: [chat]}", "skills: [chat], leave: [2026-12-09]}", 1)


def a1_ill_on_wednesday(make_config, tmp_path: Path) -> tuple[Config, Roster]:
    """The team with a1 now on leave Wednesday 9 Dec, nine to five New York Mon-Fri, and KEPT read back from a file."""
    config = make_config(A1_ON_LEAVE_WEDNESDAY, nine_to_five_new_york(range(7, 12)))
    kept_file = tmp_path / "kept.csv"
    kept_file.write_text(KEPT, encoding="utf-8")
    return config, read_kept_roster(kept_file, config).team


def test_a_short_re_plan_for_one_sick_day_starts_from_the_kept_roster_and_changes_only_that_day(make_config, tmp_path) -> None:
    """a1 is ill on Wednesday 9 Dec. By hand: the kept roster less that shift leaves Wednesday's 8 hours uncovered,
    400 + 100 each (nobody there, one agent short): 4,000 — the run's first roster. a2, at two days, takes Wednesday:
    one shift added (1,000; a1's Wednesday is leave now, no change of the model's), every hour covered: 1,000."""
    config, kept = a1_ill_on_wednesday(make_config, tmp_path)
    result = solve(config, requirements(config), ModelInputs(keep=kept), SolveParams(time_limit_seconds=2, seed=1, workers=2))
    assert result.roster is not None and check_roster(result.roster, config) == []
    before = {(a.agent, a.day.isoformat()) for a in kept.assignments}
    now = {(a.agent, a.day.isoformat()) for a in result.roster.assignments}
    assert (before - now, now - before) == ({("a1", "2026-12-09")}, {("a2", "2026-12-09")})
    assert result.objective == 1_000
    assert result.timeline[0][1] == 4_000  # the first roster is the kept one, priced: never a dearer result


def test_the_kept_shifts_still_allowed_drop_new_leave_and_move_a_channel_no_longer_served(make_config, tmp_path) -> None:
    """a1 no longer answers email and is on leave on Wednesday: their Monday moves to chat (its only channel), their
    Wednesday is dropped; a2's Thursday stays as it was."""
    config = make_config(A1_ON_LEAVE_WEDNESDAY)
    kept_file = tmp_path / "kept.csv"
    kept_file.write_text(KEPT, encoding="utf-8")
    read = read_kept_roster(kept_file, config).team.assignments
    kept = Roster((replace(read[0], channel="email"), *read[1:]))  # a channel the config no longer gives a1
    rm = build_model(ModelData.of(config, requirements(config), keep=kept))
    allowed = still_allowed(rm.variables, kept)
    assert [(a.agent, a.day.isoformat(), a.channel) for a in allowed.assignments] == [
        ("a1", "2026-12-07", "chat"),
        ("a1", "2026-12-08", "chat"),
        ("a2", "2026-12-10", "chat"),
        ("a2", "2026-12-11", "chat"),
    ]


def test_on_the_email_queues_path_the_kept_roster_is_polished_before_the_search(tmp_path: Path) -> None:
    """ann and bob both kept on chat (test_backlog's day: one chat agent needed, 80 emails). Their channels polished,
    bob answers email, every email in time: one channel move, 10 — the run's first roster and its result, no
    shift added or removed."""
    from test_backlog import NY, two_agents

    from coverage.time import local_to_utc

    config = two_agents(tmp_path)
    start = local_to_utc(date(2027, 1, 4), "09:00", NY)
    both_on_chat = Roster(
        tuple(Assignment(name, "nyc", "chat", "day", date(2027, 1, 4), start, start.add(hours=8)) for name in ("ann", "bob"))
    )
    result = solve(config, requirements(config), ModelInputs(keep=both_on_chat), SolveParams(time_limit_seconds=3, workers=2))
    assert result.roster is not None and check_roster(result.roster, config) == []
    assert sorted(a.channel for a in result.roster.assignments) == ["chat", "email"]
    assert (result.objective, result.timeline[0][1]) == (10, 10)


def test_a_deterministic_re_plan_searches_the_whole_limit_however_long_the_completion_took(
    make_config, tmp_path, monkeypatch
) -> None:
    """A deterministic limit is CP-SAT's work, not this machine's seconds: the search from the kept roster gets the
    whole 2 s limit even where the kept roster's completion took 3 s of the wall clock (search.py's clock advanced
    here), and both runs start from the kept roster (4,000, the first test above) and end on the same roster, 1,000.
    Given what was left of the clock (1 s, its floor) the slow run's search would have had half the work."""
    import time

    from coverage.solve import search, staged

    class Clock:  # search.py's wall clock; `slow`: 3 s later after each completion
        offset, slow = 0.0, False

        def perf_counter(self) -> float:
            return time.perf_counter() + self.offset

    clock, real_complete, real_search, limits = Clock(), staged.try_complete_hint, search.run_search, []

    def completing(rm, seconds=30.0, **kwargs):
        done = real_complete(rm, seconds, **kwargs)
        clock.offset += 3.0 if clock.slow else 0.0
        return done

    def searching(model, params, progress=None, **kwargs):
        limits.append(params.time_limit_seconds)
        return real_search(model, params, progress, **kwargs)

    monkeypatch.setattr(search, "wallclock", clock)
    monkeypatch.setattr(staged, "try_complete_hint", completing)
    monkeypatch.setattr(search, "run_search", searching)
    config, kept = a1_ill_on_wednesday(make_config, tmp_path)
    params = SolveParams(time_limit_seconds=2, seed=1, workers=2, deterministic=True)
    fast = solve(config, requirements(config), ModelInputs(keep=kept), params)
    clock.slow = True
    slow = solve(config, requirements(config), ModelInputs(keep=kept), params)
    assert clock.offset == 3.0  # the slow run's one completion (deterministic: no polish, no second)
    assert limits == [2, 2]
    assert (fast.timeline[0][1], slow.timeline[0][1]) == (4_000, 4_000)
    assert (slow.roster, slow.objective) == (fast.roster, fast.objective)
    assert fast.objective == 1_000


def test_a_kept_roster_that_breaks_a_rule_now_is_only_the_hint_and_the_search_repairs_it(
    make_config, tmp_path, monkeypatch
) -> None:
    """a1 was rostered Mon-Thu, a2 Fri; the contract now allows three days a week. The kept roster breaks that rule, so
    it is not the run's first roster: nothing is priced before the search (its timeline is empty when it begins), whose
    hint is the kept roster, every kept shift 1 and every other choice 0. The other starts still run (a flexible team's
    construction: without it such a re-plan had only CP-SAT's own first roster). The search repairs the hint: one of
    a1's days goes to a2, one shift removed and one added, 2 x 1,000 = 2,000, every hour still covered."""
    from coverage.solve import search
    from coverage.solve.staged import shifts_of

    kept_starts, other_starts, built, at_search = [], [], [], []
    kept_start, flexible_start, build, real_search = (
        search._kept_start,
        search._flexible_start,
        search.build_model,
        search.run_search,
    )

    def kept_spy(*args, **kwargs):
        kept_starts.append(kept_start(*args, **kwargs))
        return kept_starts[-1]

    def flexible_spy(*args, **kwargs):
        other_starts.append(True)
        return flexible_start(*args, **kwargs)

    def build_spy(data):
        built.append(build(data))
        return built[-1]

    def search_spy(model, params, progress=None, **kwargs):
        hint = model.proto.solution_hint
        at_search.append((list(progress.timeline), {var: value for var, value in zip(hint.vars, hint.values)}))
        return real_search(model, params, progress, **kwargs)

    monkeypatch.setattr(search, "_kept_start", kept_spy)
    monkeypatch.setattr(search, "_flexible_start", flexible_spy)
    monkeypatch.setattr(search, "build_model", build_spy)
    monkeypatch.setattr(search, "run_search", search_spy)
    config = make_config(SHORT_WEEKS, nine_to_five_new_york(range(7, 12)))
    kept_file = tmp_path / "kept.csv"
    kept_file.write_text(KEPT.replace("a2,nyc,chat,day,2026-12-10", "a1,nyc,chat,day,2026-12-10"), encoding="utf-8")
    kept = read_kept_roster(kept_file, config).team
    result = solve(config, requirements(config), ModelInputs(keep=kept), SolveParams(time_limit_seconds=2, seed=1, workers=2))
    assert [priced.result for priced in kept_starts] == [None] and other_starts == [True]
    (rm,) = built
    shifts = shifts_of(kept)
    choices = {
        var.index: int((o.agent, o.instance.day, o.instance.shift, o.channel) in shifts)
        for o, var in rm.variables.choices.items()
    }
    assert sum(choices.values()) == 5
    assert len(at_search) == 1
    timeline, hinted = at_search[0]
    assert timeline == []
    assert {var: hinted.get(var) for var in choices} == choices
    assert result.roster is not None and check_roster(result.roster, config) == []
    before = {(a.agent, a.day.isoformat()) for a in kept.assignments}
    now = {(a.agent, a.day.isoformat()) for a in result.roster.assignments}
    removed, added = before - now, now - before
    assert (len(removed), len(added), {agent for agent, _ in removed}, {agent for agent, _ in added}) == (1, 1, {"a1"}, {"a2"})
    assert [day for _, day in removed] == [day for _, day in added]
    assert result.objective == 2_000


def test_the_polished_kept_rosters_completion_gets_only_what_is_left_of_the_limit(tmp_path: Path, monkeypatch) -> None:
    """The email path completes the kept roster, polishes it, and completes the polished one. Each completion here
    takes 3 s of a 5 s limit (a big team's took 13 s): the second has the 2 s floor left, not the 5 s the first was
    given (it was handed the first's seconds again, and the run could end a whole limit late)."""
    import time

    from test_backlog import NY, two_agents

    from coverage.solve import search, staged
    from coverage.time import local_to_utc

    class Clock:  # search.py's wall clock, 3 s later after each completion
        offset = 0.0

        def perf_counter(self) -> float:
            return time.perf_counter() + self.offset

    clock, asked = Clock(), []
    real = staged.try_complete_hint

    def completing(rm, seconds=30.0, **kwargs):
        asked.append(seconds)
        done = real(rm, seconds, **kwargs)
        clock.offset += 3.0
        return done

    monkeypatch.setattr(search, "wallclock", clock)
    monkeypatch.setattr(staged, "try_complete_hint", completing)
    config = two_agents(tmp_path)
    start = local_to_utc(date(2027, 1, 4), "09:00", NY)
    both_on_chat = Roster(
        tuple(Assignment(name, "nyc", "chat", "day", date(2027, 1, 4), start, start.add(hours=8)) for name in ("ann", "bob"))
    )
    result = solve(config, requirements(config), ModelInputs(keep=both_on_chat), SolveParams(time_limit_seconds=5, workers=2))
    assert sorted(a.channel for a in result.roster.assignments) == ["chat", "email"]
    assert asked[0] == pytest.approx(5.0, abs=0.5)  # the first: what was left of the limit
    assert asked[1] == 2.0  # the polished roster's: 5 - 3 s left less than the floor


def first_roster_of_nobody(monkeypatch) -> list[float]:
    """The search (search.run_search) stops at its first roster, nobody on any day, and its bound: 0 here; the
    objectives it stopped at, in a list that fills as it runs."""
    from ortools.sat.python import cp_model

    from coverage.solve import search

    real, searched = search.run_search, []

    def first_of_nobody(model, params, progress=None, settings=None, **kwargs):
        def first(parameters) -> None:
            parameters.stop_after_first_solution = True
            parameters.cp_model_presolve = False
            parameters.num_workers = 1
            parameters.search_branching = cp_model.FIXED_SEARCH  # every choice 0 first: nobody works
            parameters.linearization_level = 0

        model.clear_hints()
        found = real(model, params, progress, settings=first, **kwargs)
        searched.append(found[1].objective_value)
        return found

    monkeypatch.setattr(search, "run_search", first_of_nobody)
    return searched


def test_a_kept_roster_cheaper_than_the_search_is_the_result_with_the_searchs_bound(make_config, tmp_path, monkeypatch) -> None:
    """a1 is ill on Wednesday; the kept roster less that day costs 4,000 (the first test above). The search here stops at
    its first roster, nobody on any day (5 x 8 h x 500 uncovered + a1's other shifts dropped, 4,000: 24,000) and
    its bound, 0: the kept roster is the result, and the bound the search proved stays with it (it said none)."""
    config, kept = a1_ill_on_wednesday(make_config, tmp_path)
    searched = first_roster_of_nobody(monkeypatch)
    params = SolveParams(time_limit_seconds=2, seed=1, workers=1)
    result = solve(config, requirements(config), ModelInputs(keep=kept), params)
    assert searched == [24_000]
    assert (result.status, result.objective, result.best_bound) == ("FEASIBLE", 4_000, 0.0)


def test_a_kept_roster_the_search_proves_optimal_is_optimal(make_config, tmp_path, monkeypatch) -> None:
    """Nobody is ill: the kept roster (a1 Mon-Wed, a2 Thu-Fri) covers every hour within the rules, 0. The search stops
    at its first roster, nobody on any day (5 x 8 h x 500 uncovered + 5 kept shifts dropped, 5,000: 25,000), with
    its bound 0: the kept roster is the result, and its bound equals its cost, so it is OPTIMAL (it said FEASIBLE,
    gap 0), as a search's own roster would be."""
    config = make_config(SHORT_WEEKS, nine_to_five_new_york(range(7, 12)))
    kept_file = tmp_path / "kept.csv"
    kept_file.write_text(KEPT, encoding="utf-8")
    kept = read_kept_roster(kept_file, config).team
    searched = first_roster_of_nobody(monkeypatch)
    result = solve(config, requirements(config), ModelInputs(keep=kept), SolveParams(time_limit_seconds=2, seed=1, workers=1))
    assert searched == [25_000]
    assert (result.status, result.objective, result.best_bound, result.gap) == ("OPTIMAL", 0, 0.0, 0.0)
    assert result.roster is not None and staged.shifts_of(result.roster) == staged.shifts_of(kept)


def test_a_flexible_shift_on_a_channel_no_longer_served_moves_like_a_listed_one(make_config, tmp_path) -> None:
    """ben worked a flexible run on email (test_flexible_outputs' roster, less ana's run starting after the template's
    window) and now answers chat and phone: the run moves to
    chat, its times as kept, and the kept roster is completed through the model (it was left on email, which no
    channel variable of ben's could take: the whole kept roster was only a hint)."""
    import time

    from test_flexible_outputs import CONFIG, ROSTER

    from coverage.roster import read_roster
    from coverage.solve import search

    before = make_config(CONFIG)
    (tmp_path / "kept.csv").write_text(ROSTER.replace("ana,chat,flex,2026-12-07,2026-12-07T15:00,2026-12-07T17:00\n", ""))
    kept = read_roster(tmp_path / "kept.csv", before)
    phone = "  phone: {kind: realtime, aht_seconds: 360, service_level: {percent: 80, within_seconds: 60}}\n"
    now = CONFIG.replace("forecast:", phone + "forecast:").replace("skills: [chat, email]", "skills: [chat, phone]")
    config = make_config(now)
    rm = build_model(ModelData.of(config, requirements(config), keep=kept))
    allowed = still_allowed(rm.variables, kept)
    assert [(a.agent, a.channel, f"{a.start_utc:%d %H:%M}") for a in allowed.assignments if a.agent == "ben"] == [
        ("ben", "chat", "08 19:00")
    ]
    assert search._hinted(rm, allowed, None, time.perf_counter(), 10.0).result is not None


def test_a_deterministic_re_plan_completes_the_kept_roster_whatever_the_machines_speed(
    make_config, tmp_path, monkeypatch
) -> None:
    """The same deterministic re-plan twice, the second on a machine whose wall-clock limits buy a billionth of the
    work (helpers.completions_on_a_slow_machine). Both complete and price the kept roster, 4,000 (the first test
    above), and start from it; the rosters written are the same bytes, 1,000. The completion had a 30 s wall limit:
    on such a machine it ran out, the kept roster was only a hint and the run's first roster was the search's own."""
    from coverage.roster import write_roster

    config, kept = a1_ill_on_wednesday(make_config, tmp_path)
    params = SolveParams(time_limit_seconds=2, seed=1, workers=2, deterministic=True)
    fast = solve(config, requirements(config), ModelInputs(keep=kept), params)
    completions_on_a_slow_machine(monkeypatch)
    slow = solve(config, requirements(config), ModelInputs(keep=kept), params)
    assert (fast.timeline[0][1], slow.timeline[0][1]) == (4_000, 4_000)
    assert [objective for _, objective, _ in slow.timeline] == [objective for _, objective, _ in fast.timeline]
    written = [
        write_roster(r.roster, config, tmp_path / f"{name}.csv").read_bytes() for name, r in (("fast", fast), ("slow", slow))
    ]
    assert written[0] == written[1] and (fast.objective, slow.objective) == (1_000, 1_000)
