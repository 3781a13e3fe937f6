"""Smoke tests: every bench script runs on its smallest case, so the benchmarks cannot rot.

Benchmarks themselves never run in `make test`; these run each script once
with a few seconds of search and check the JSON line it prints last.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from coverage.config import load_config
from coverage.read_curtois import evaluate, read_instance
from coverage.synthetic import team_data, write_team

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))  # the bench scripts import each other as top-level modules (report, run, curtois_like)

from report import render  # noqa: E402

INSTANCE1 = BENCH / "data" / "Instance1.txt"


def last_json(*args: str) -> dict:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_curtois_script_prints_the_published_optimum_of_instance1():
    row = last_json(str(BENCH / "curtois.py"), str(INSTANCE1), "--time-limit", "5", "--workers", "2")
    assert row["instance"] == "Instance1" and row["objective"] == 607 and row["bound"] == 607
    assert row["solver_objective"] == 607 and row["violations"] == 0 and row["gap_to_best_known"] == 0
    assert 0 < row["first_feasible_seconds"] <= row["seconds"]


def test_curtois_script_passes_extra_cp_sat_parameters():
    row = last_json(str(BENCH / "curtois.py"), str(INSTANCE1), "--time-limit", "5", "--param", "subsolvers=default_lp,max_lp_sym")
    assert row["objective"] == 607


def test_plain_cp_sat_peer_on_instance1():
    row = last_json(str(BENCH / "peer_cpsat.py"), str(INSTANCE1), "--time-limit", "5")
    assert row["model"] == "peer_cpsat" and row["objective"] == 607 and row["violations"] == 0


def test_cpmpy_peer_on_instance1():
    pytest.importorskip("cpmpy")
    row = last_json(str(BENCH / "peer_cpmpy.py"), str(INSTANCE1), "--time-limit", "5")
    assert row["model"] == "peer_cpmpy" and row["objective"] == 607 and row["violations"] == 0


def test_scale_script_on_a_generated_team_of_ten_for_one_week():
    row = last_json(str(BENCH / "scale.py"), "--agents", "10", "--sites", "2", "--days", "7", "--time-limit", "5")
    assert (row["agents"], row["sites"], row["days"], row["interval"]) == (10, 2, 7, 60)
    assert row["first_roster_seconds"] is not None and row["objective"] >= row["bound"] > 0 and row["peak_mb"] > 0


def test_team_generator_spreads_agents_over_sites_in_different_zones(tmp_path):
    data = team_data(10, 2, date(2026, 3, 2), 7)
    assert {name: site["timezone"] for name, site in data["sites"].items()} == {
        "toronto": "America/Toronto",
        "dublin": "Europe/Dublin",
    }
    assert [a["site"] for a in data["agents"][:4]] == ["toronto", "dublin", "toronto", "dublin"]
    assert [a["id"] for a in data["agents"] if a["contract"] == "part_time"] == ["a0004", "a0009"]
    config = load_config(write_team(tmp_path, 10, 2, date(2026, 3, 2), 7, interval_minutes=15))
    assert config.plan.interval_minutes == 15 and len(config.agents) == 10 and set(config.channels) == {"chat", "email"}
    rows = (tmp_path / "forecast.csv").read_text().splitlines()
    assert rows[0] == "start,channel,volume" and len(rows) == 1 + (7 + 2) * 96 * 2  # a day either side, 2 channels


def rendered(tmp_path: Path, existing: str, stage: str, row: dict) -> Path:
    """RESULTS.md holding `existing`, rendered from one stage's single result row."""

    target, results = tmp_path / "RESULTS.md", tmp_path / "results"
    target.write_text(existing)
    results.mkdir()
    (results / f"{stage}.jsonl").write_text(json.dumps(row) + "\n")
    render(target, results, "2 cores")
    return target


def test_results_keep_other_engineers_sections(tmp_path):
    target = rendered(
        tmp_path,
        "# Benchmark results\n\n## Demand (Erlang)\n\nkept as is\n\n## Scale\n\nold figures\n\n## Fuzzing\n\nalso kept\n",
        "curtois",
        {
            "instance": "Instance1",
            "objective": 607,
            "bound": 607.0,
            "seconds": 2.0,
            "first_feasible_seconds": 0.1,
            "status": "OPTIMAL",
            "best_known": 607,
            "gap_to_best_known": 0.0,
            "time_limit": 10.0,
            "workers": 2,
            "model": "coverage",
            "load": [4.0, 4.0],
        },
    )
    text = target.read_text()
    assert "## Demand (Erlang)\n\nkept as is" in text and "## Fuzzing\n\nalso kept" in text and "old figures" not in text
    assert "| 1 | 607 | 607 (0.0 %) ✓ | 607 | 0.10 | 4.0 |" in text
    assert text.index("## Demand") < text.index("## Scale") < text.index("## Fuzzing") < text.index("## Curtois & Qu")
    render(target, tmp_path / "results", "2 cores")
    assert target.read_text() == text  # idempotent


def test_results_link_to_their_notes_instead_of_copying_the_prose(tmp_path):
    """RESULTS.md holds tables; the story of a section lives in benchmarks/notes/ and the docs site."""
    target = rendered(
        tmp_path,
        "# Benchmark results\n",
        "curtois",
        {
            "instance": "Instance1",
            "objective": 607,
            "bound": 607.0,
            "seconds": 2.0,
            "first_feasible_seconds": 0.1,
            "status": "OPTIMAL",
            "best_known": 607,
            "gap_to_best_known": 0.0,
            "time_limit": 10.0,
            "workers": 2,
            "model": "coverage",
            "load": [4.0, 4.0],
        },
    )
    text = target.read_text()
    note = (BENCH / "notes" / "curtois-qu.md").read_text().strip().splitlines()
    assert "[notes/curtois-qu.md](notes/curtois-qu.md)" in text and "[notes/peers.md](notes/peers.md)" in text
    assert not any(line in text for line in note if len(line) > 40)  # no sentence of the note came back


def test_erlang_script_prints_a_year_of_requirements_as_its_last_json_line():
    row = last_json(str(BENCH / "erlang.py"), "--json", "--sample", "3")
    assert row["intervals"] == 35_040 and [c["channel"] for c in row["channels"]] == ["chat", "phone", "peak-season phone"]
    for channel in row["channels"]:
        assert 0 < channel["servers_a"] < channel["servers_c"]  # patience: some callers leave, fewer servers needed
        if "compared" in channel:  # pyworkforce installed (the bench extra): the three sampled intervals agree
            assert (channel["compared"], channel["agree"]) == (3, 3)


def test_bench_renders_the_erlang_section_from_its_stage_with_the_run_date(tmp_path):
    channel = {
        "channel": "chat",
        "peak_erlangs": 234.6,
        "ours_c": 0.02,
        "ours_a": 0.1,
        "servers_c": 1000,
        "servers_a": 900,
        "theirs": 10.0,
        "compared": 35_040,
        "agree": 35_039,
        "verdicts": ["interval 7: ours minimal"],
    }
    row = {
        "stage": "erlang",
        "intervals": 35_040,
        "sample": 0,
        "channels": [channel],
        "python": "3.11.7",
        "numpy": "2.4.6",
        "pyworkforce": "0.5.1",
        "finished": "2026-11-20T10:00:00+00:00",
    }
    text = rendered(
        tmp_path, "# Benchmark results\n\n## Demand (Erlang)\n\nwritten by hand\n\n## Fuzzing\n\nkept\n", "erlang", row
    ).read_text()
    assert "written by hand" not in text and "## Fuzzing\n\nkept" in text
    assert text.index("## Demand (Erlang)") < text.index("## Fuzzing")
    assert "**Date:** 2026-11-20." in text and "pyworkforce/) 0.5.1's" in text
    assert "| chat | 235 | 0.02 | 0.10 | 10.0 | 35,040 | 35,039 |" in text and "  interval 7: ours minimal" in text
    assert "35,039 of 35,040 Erlang C requirements agree" in text and "about 500× faster (0.02 s against 10.0 s)" in text
    assert "needs 10 % fewer server-intervals" in text


def test_curtois_milestones_read_the_same_run_at_earlier_times():
    row = last_json(str(BENCH / "curtois.py"), str(INSTANCE1), "--time-limit", "5", "--milestones", "1,3,9")
    marks = row["milestones"]
    assert [m["time_limit"] for m in marks] == [1.0, 3.0]  # 9 s lies beyond the 5 s run
    found = [m["objective"] for m in marks if m["objective"] is not None]
    assert all(value >= 607 for value in found) and found == sorted(found, reverse=True)  # improvements only


def test_bench_run_turns_each_milestone_into_a_row_of_its_own(tmp_path, monkeypatch):
    import run

    final = {
        "instance": "Instance10",
        "objective": 4700,
        "bound": 4500.0,
        "seconds": 600.0,
        "status": "FEASIBLE",
        "solver_objective": 4700,
        "violations": 0,
        "best_known": 4631,
        "gap_to_best_known": 0.0149,
        "time_limit": 600.0,
        "model": "coverage",
        "first_feasible_seconds": 1.0,
        "milestones": [{"time_limit": 10.0, "objective": 9262, "bound": 10.0, "first_feasible_seconds": 1.0}],
    }
    commands = []
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    monkeypatch.setattr(run, "run_json", lambda command, timeout: commands.append(command) or json.loads(json.dumps(final)))
    run.run_with_milestones("curtois.py", Path("Instance10.txt"), 600.0)
    assert commands[0][-2:] == ["--milestones", "10,60"]
    early, last = [json.loads(line) for line in (tmp_path / "curtois.jsonl").read_text().splitlines()]
    assert (early["time_limit"], early["objective"], early["gap_to_best_known"], early["milestone_of"]) == (
        10.0,
        9262,
        1.0,
        600.0,
    )
    assert "violations" not in early and early["status"] == "at 10 s of 600 s"
    assert (last["time_limit"], last["objective"], "milestones" in last) == (600.0, 4700, False)


def test_generated_instances_read_back_at_their_size_with_a_planted_roster_that_breaks_no_rule(tmp_path):
    from curtois_like import planted_instance

    for days, staff, shifts in ((14, 6, 1), (28, 20, 4), (91, 12, 12)):
        text, planted = planted_instance(days, staff, shifts, seed=days)
        instance = read_instance(_write(tmp_path / f"like{days}.txt", text))
        assert (instance.horizon, len(instance.staff), len(instance.shifts)) == (days, staff, shifts)
        assert evaluate(instance, planted).violations == []  # the limits were drawn around it
        assert instance.days_off and instance.on_requests and instance.cover


def test_the_solver_finds_a_generated_instance_roster_at_least_as_good_as_the_planted_one(tmp_path):
    from curtois_like import planted_instance

    text, planted = planted_instance(14, 6, 2, seed=1)
    path = _write(tmp_path / "like.txt", text)
    planted_cost = evaluate(read_instance(path), planted).objective
    row = last_json(str(BENCH / "curtois.py"), str(path), "--time-limit", "5", "--workers", "2")
    assert row["instance"] == "like" and row["violations"] == 0 and row["best_known"] is None
    assert row["objective"] == row["solver_objective"] <= planted_cost


def test_instance_generator_refuses_to_overwrite_a_file(tmp_path):
    target = _write(tmp_path / "mine.txt", "my notes\n")
    done = subprocess.run(
        [sys.executable, str(BENCH / "curtois_like.py"), str(target), "--days", "14"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 2 and "exists" in done.stderr and target.read_text() == "my notes\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_bench_renders_the_year_of_periods_from_its_stage(tmp_path):
    period = {
        "index": 0,
        "start": "2026-12-07",
        "status": "FEASIBLE",
        "objective": 100_000.0,
        "best_bound": 99_000.0,
        "seconds": 44.0,
        "coverage_ratio": 0.85,
        "uncovered_hours": 60.0,
        "weekend_uncovered_hours": 20.0,
        "overnight_uncovered_hours": 40.0,
        "shifts": 410,
        "replanned_changes": None,
    }
    replanned = {**period, "index": 1, "start": "2027-01-04", "replanned_changes": {"removed": 3, "added": 4, "channel": 12}}
    row = {
        "stage": "year",
        "time_limit": 30.0,
        "periods": [period, replanned],
        "seconds": 600.0,
        "year_violations": 0,
        "fairness": [{"site": "toronto", "kind": "weekends", "agents": 8, "year_spread": 1, "period_spreads": [1, 0]}],
        "finished": "2026-12-06T10:00:00+00:00",
    }
    text = rendered(tmp_path, "# Benchmark results\n\n## Fuzzing\n\nkept\n", "year", row).read_text()
    assert "## Fuzzing\n\nkept" in text and "## A year of rota periods" in text and "**Date:** 2026-12-06." in text
    assert "| 1 | 2026-12-07 | FEASIBLE | 1.0 % | 85.0 % | 60.0 | 20.0 | 40.0 | 410 | – | 44 |" in text
    assert "| 2 | 2027-01-04 | FEASIBLE | 1.0 % | 85.0 % | 60.0 | 20.0 | 40.0 | 410 | −3 +4, 12 channel moves | 44 |" in text
    assert "| toronto | weekends | 8 | 1 | 1, 0 |" in text
    assert "**Concatenated year:** 0 violation(s) of any rule across the 1 boundaries" in text


def test_protos_script_hashes_the_models_solve_builds_the_same_twice(tmp_path):
    """benchmarks/protos.py on Curtois 1 (and its exact_runs variant): one model each, the same md5 on a second run."""
    saved = tmp_path / "protos.json"
    first = subprocess.run(
        [sys.executable, str(BENCH / "protos.py"), "--only", "^curtois-1( |$)", "--save", str(saved)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert first.returncode == 0, first.stderr[-2000:]
    hashes = json.loads(saved.read_text())
    assert sorted(hashes) == ["curtois-1", "curtois-1 exact_runs"] and all(len(models) == 1 for models in hashes.values())
    again = subprocess.run(
        [sys.executable, str(BENCH / "protos.py"), "--only", "^curtois-1( |$)", "--compare", str(saved)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert again.returncode == 0 and again.stdout.strip().endswith("0 difference(s)"), again.stdout[-2000:]


def test_backlog_script_times_both_models_to_their_own_best_roster():
    """benchmarks/backlog.py on the example team, five seconds a run: both models, every quality level, one ratio per seed."""
    row = last_json(
        str(BENCH / "backlog.py"), "--config", "configs/example.yaml", "--time-limit", "5", "--reference", "0", "--seeds", "1"
    )
    assert sorted(r["model"] for r in row["runs"]) == ["queue", "smoothed"]
    for run in row["runs"]:  # on a busy machine a model may find nothing in five seconds: then it never reaches a level
        assert run["objective"] is None or run["objective"] >= row["best"][run["model"]]
        assert run["to_quality"]["5%"] <= run["to_quality"]["2%"] <= run["to_quality"]["1%"] <= max(5.0, run["seconds"])
    assert set(row["ratios"]) == {"1%", "2%", "5%"} and all(len(found) == 1 for found in row["ratios"].values())
    smoothed = next(run for run in row["runs"] if run["model"] == "smoothed")
    for same in row["one_currency"]:  # none when the smoothed run found no roster in five seconds
        assert same["level"] == smoothed["in_queue_best"] and same["smoothed_seconds"] <= smoothed["seconds"]
        assert same["ratio"] == round(same["queue_seconds"] / max(same["smoothed_seconds"], 0.01), 2)


def test_backlog_one_currency_times_the_queue_run_to_the_smoothed_runs_cheapest_roster():
    """Hand-made runs: the level is the smoothed run's cheapest roster priced by the queue, found at its own time."""
    from backlog import one_currency

    def run(model: str, seed: int, timeline: list, in_queue: list) -> dict:
        return {"model": model, "seed": seed, "time_limit": 60.0, "timeline": timeline, "in_queue": in_queue}

    runs = [
        run("queue", 1, [(0.9, 1_330_178), (1.2, 313_938), (2.1, 172_036)], []),
        run("smoothed", 1, [], [(0.6, 612_508), (2.2, 336_925), (15.5, 313_499)]),
        run("queue", 2, [(3.0, 500_000)], []),
        run("smoothed", 2, [], [(1.0, 400_000)]),
        run("queue", 3, [(3.0, 500_000)], []),
        run("smoothed", 3, [], []),  # no roster at all: no level
    ]
    assert one_currency(runs, [1, 2, 3]) == [
        # 313,938 at 1.2 s is still dearer than 313,499: the queue run reaches it at 2.1 s
        {"seed": 1, "level": 313_499, "smoothed_seconds": 15.5, "queue_seconds": 2.1, "ratio": 0.14},
        # never reached: the queue run counts its whole limit
        {"seed": 2, "level": 400_000, "smoothed_seconds": 1.0, "queue_seconds": 60.0, "ratio": 60.0},
    ]


def test_backlog_prices_a_roster_in_the_queue_model_at_its_exact_cost():
    """The queue model's own roster, priced again with its shifts fixed, costs what its run reported."""
    from backlog import price

    from coverage.demand import requirements
    from coverage.solve import SolveParams, build_model, solve
    from coverage.solve.data import ModelData

    config = load_config(ROOT / "configs" / "three-sites.yaml")
    needs = requirements(config)
    assert needs.backlog  # 24-hour email: the queue model
    result = solve(config, needs, params=SolveParams(time_limit_seconds=3, workers=2, seed=1))
    assert result.roster is not None
    assert price(build_model(ModelData.of(config, needs)), result.roster) == result.objective


def test_backlog_hears_the_whole_models_rosters_after_a_cheaper_smaller_models():
    """A site or coarse model's reports (fewer variables, its own cheaper scale) do not hide the whole model's rosters.

    Staged teams (60 agents or more on several sites, the benchmark's own
    synthetic default) search each site before the whole model, in this
    process on 2 cores; their costs must not count as the run's best so far.
    """
    from backlog import rosters_held
    from ortools.sat.python import cp_model

    from coverage.solve import SolveParams
    from coverage.solve.runner import run_search

    site = cp_model.CpModel()  # a site's model: one variable, costs 0
    x = site.new_int_var(0, 5, "x")
    site.minimize(x)
    whole = cp_model.CpModel()  # the whole model: three variables, costs 10
    ys = [whole.new_int_var(0, 5, f"y{k}") for k in range(3)]
    whole.add(sum(ys) >= 10)
    whole.minimize(sum(ys))
    seen: list = []
    with rosters_held(seen, []):
        for model in (site, whole):
            run_search(model, SolveParams(time_limit_seconds=5, workers=1))
    assert [values for _, values in seen if len(values) == 1][-1] == [0]
    assert [sum(values) for _, values in seen if len(values) == 3][-1] == 10


def test_backlog_script_runs_one_model_alone_without_a_ratio():
    """`--models queue` (on/off comparisons of one model): its runs, and no ratio (there is no smoothed run to divide by)."""
    row = last_json(
        str(BENCH / "backlog.py"),
        "--config",
        "configs/example.yaml",
        "--time-limit",
        "2",
        "--reference",
        "0",
        "--seeds",
        "1",
        "--models",
        "queue",
    )
    assert [r["model"] for r in row["runs"]] == ["queue"] and row["ratios"] == {} and row["ratio_median"] == {}


def test_neighbourhoods_script_hands_cp_sats_roster_over_and_never_returns_a_dearer_one():
    """benchmarks/neighbourhoods.py on the example team: CP-SAT for 4 s, its 3 s roster handed to ours for 1 s.

    True whatever the machine's load: a roster is always handed over (CP-SAT's
    first, when none came by 3 s, and CP-SAT searches past 4 s to it if it
    must); CP-SAT's own objective never rises from one roster to the next,
    though the roster's exact cost may (its queue slack); ours keeps only
    rosters cheaper than the one it was handed.
    """
    row = last_json(str(BENCH / "neighbourhoods.py"), "configs/example.yaml", "--split", "3", "--limit", "4", "--seeds", "1")
    assert row["stage"] == "neighbourhoods" and row["seed"] == 1 and "error" not in row
    assert row["cp_sat_objective_at_limit"] <= row["cp_sat_objective_at_split"]
    assert row["ours_at_limit"] <= row["cp_sat_at_split"] and sum(row["steps"].values()) >= 1  # ours had its turn
    # A limit before any roster can come (the example's first takes over a second): CP-SAT searches on to its first,
    # which is handed over, and ours gets its second from there.
    late = last_json(str(BENCH / "neighbourhoods.py"), "configs/example.yaml", "--split", "0.1", "--limit", "0.2", "--seeds", "1")
    assert "error" not in late and late["handed_at"] <= late["cp_sat_seconds"] and late["ours_seconds"] >= 1.0
    assert late["ours_at_limit"] <= late["cp_sat_at_split"] and sum(late["steps"].values()) >= 1


def test_bench_renders_the_email_deadline_section_from_its_stage(tmp_path):
    def run(model: str, seed: int, cost: int, reach: tuple[float, float, float]) -> dict:
        return {
            "model": model,
            "seed": seed,
            "time_limit": 60.0,
            "status": "FEASIBLE",
            "objective": cost,
            "bound": cost - 1000,
            "first_roster_seconds": 0.8,
            "load": 1.0,
            "to_quality": dict(zip(("1%", "2%", "5%"), reach)),
        }

    row = {
        "stage": "backlog",
        "label": "example.yaml",
        "time_limit": 60.0,
        "reference": 300.0,
        "best": {"queue": 69_000, "smoothed": 102_000},
        "runs": [run("queue", 1, 69_852, (40.0, 9.5, 3.0)), run("smoothed", 1, 102_302, (2.0, 1.5, 1.0))],
        "ratio_median": {"1%": 20.0, "2%": 6.33, "5%": 3.0},
        "ratio_worst": {"1%": 20.0, "2%": 6.33, "5%": 3.0},
        "one_currency": [{"seed": 1, "level": 313_499, "smoothed_seconds": 15.5, "queue_seconds": 2.1, "ratio": 0.14}],
        "one_currency_median": 0.14,
        "one_currency_worst": 0.14,
        "finished": "2026-12-06T11:00:00+00:00",
    }
    text = rendered(tmp_path, "# Benchmark results\n\n## Fuzzing\n\nkept\n", "backlog", row).read_text()
    assert "| 1 | 313,499 | 15.5 | 2.1 | 0.14× |" in text and "median 0.14×, worst 0.14×" in text
    assert "## Fuzzing\n\nkept" in text and "## Email by its deadline" in text and "**Date:** 2026-12-06." in text
    assert "| queue | 1 | 60 | 69,852 | 68,852 | 0.8 | 3.0 | 9.5 | 40.0 | 1.0 |" in text
    assert "| smoothed | 1 | 60 | 102,302 | 101,302 | 0.8 | 1.0 | 1.5 | 2.0 | 1.0 |" in text
    assert "within 2%: median 6.33×, worst 6.33×" in text and "**Best rosters found:** queue 69,000, smoothed 102,000." in text


def test_sweep_script_times_three_scenarios_alone_and_on_a_local_cluster():
    pytest.importorskip("distributed")
    row = last_json(str(BENCH / "sweep.py"), "--count", "3", "--time-limit", "1", "--days", "7")
    assert row["benchmark"] == "sweep" and row["scenarios"] == 3 and row["dask_workers"] == 2
    assert row["same_rosters"] is True  # deterministic, one thread: the cluster finds the rosters found alone
    assert list(row["per_scenario"]) == ["baseline", "chat-plus-10", "chat-times-3"]
    assert row["speedup"] == pytest.approx(
        row["sequential_seconds"] / row["cluster_seconds"], rel=0.01
    )  # the same seconds, to 4 places


def test_the_suite_is_fixed_with_its_seeds_and_lists_itself():
    from suite import SUITE, CurtoisLike, Team

    assert len({i.name for i in SUITE}) == len(SUITE) == 13  # team-2700-4w-15min joined for issue 24, item 5
    assert {i.weeks for i in SUITE if isinstance(i, CurtoisLike)} == {6, 8, 10, 12}
    teams = [i for i in SUITE if isinstance(i, Team)]
    assert min(t.agents for t in teams) == 200 and max(t.agents for t in teams) == 3000
    assert {t.history for t in teams} == {True, False} and {t.weeks for t in teams} == {4, 13}
    done = subprocess.run([sys.executable, str(BENCH / "suite.py"), "list"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.splitlines()[0].startswith("cl-6w-20")


def test_a_suite_team_with_history_is_planned_after_its_hand_written_period(tmp_path):
    from suite import Team, run_team, team_config

    from coverage.roster import read_history

    tiny = Team("tiny", 12, 2, 1, 60, True, 5)
    config = load_config(team_config(tiny, tmp_path))
    assert config.plan.days == 7 and len(read_history(config).assignments) > 0
    row = run_team(tiny, seed=1, time_limit=3, workers=2, direct=False)
    assert (row["instance"], row["solver"], row["seed"]) == ("tiny", "ours", 1)
    assert row["objective"] is not None and row["bound"] <= row["objective"]


def test_the_suite_runs_ours_and_the_plain_model_beside_a_busy_process_and_renders_a_table(tmp_path, monkeypatch):
    import run
    import suite
    from report import suite_section

    monkeypatch.setattr(run, "RESULTS", tmp_path)
    monkeypatch.setattr(suite, "INSTANCES", tmp_path / "instances")
    suite.run_suite(3.0, (1,), loaded=True, only="^cl-6w-20$", plain=True)
    rows = [json.loads(line) for line in (tmp_path / "suite.jsonl").read_text().splitlines()]
    assert [(r["instance"], r["solver"], r["seed"], r["condition"]) for r in rows] == [
        ("cl-6w-20", "ours", 1, "beside one CPU-bound process"),
        ("cl-6w-20", "plain", 1, "beside one CPU-bound process"),
    ]
    assert all(r["objective"] is not None and r["violations"] == 0 for r in rows)
    table = suite_section(rows, "test machine")
    line = next(row for row in table.splitlines() if row.startswith("| cl-6w-20 |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[:5] == ["cl-6w-20", "6 weeks, 20 staff, 4 shift types", "beside one CPU-bound process", "3", "1"]
    assert cells[5] == "0.0 % (0.0 %)"  # our only run is our best
    assert float(cells[8]) == round(rows[1]["objective"] / rows[0]["objective"], 2)


def test_a_suite_line_keeps_the_seeds_of_its_newest_code_together():
    """Seed 1 re-run on new code must not sit beside seeds 2 and 3 of the old: the line shows the new code's seed alone."""
    from report import suite_section

    def row(seed: int, objective: int, code: str | None) -> dict[str, object]:
        stamp = {"code": code} if code is not None else {}
        return {
            "instance": "cl-6w-20",
            "solver": "ours",
            "seed": seed,
            "time_limit": 60.0,
            "objective": objective,
            "bound": 400,
            "condition": "quiet",
            "shape": "6 weeks",
            "finished": "2026-12-07T01:00:00+00:00",
            "machine": "test machine",
            **stamp,
        }

    old = [row(1, 500, None), row(2, 510, None), row(3, 520, None)]
    line = lambda rows: next(r for r in suite_section(rows, "m").splitlines() if r.startswith("| cl-6w-20 |"))  # noqa: E731
    assert [c.strip() for c in line(old).strip("|").split("|")][4:6] == ["3", "2.0 % (4.0 %)"]
    newer = old + [row(1, 490, "abc1234")]
    assert [c.strip() for c in line(newer).strip("|").split("|")][4:6] == ["1", "0.0 % (0.0 %)"]
    assert [c.strip() for c in line(newer + [row(2, 539, "abc1234")]).strip("|").split("|")][4:6] == [
        "2",
        "5.0 % (10.0 %)",
    ]  # median of 0 and 10 %


def test_sites_script_runs_the_site_stage_in_turn_and_on_a_local_cluster():
    """benchmarks/sites.py on a 60-agent, 3-site week: both ways give a staged roster, every site ends after the headcounts."""
    pytest.importorskip("dask.distributed")
    row = last_json(str(BENCH / "sites.py"), "--agents", "60", "--sites", "3", "--days", "7", "--time-limit", "10")
    for run in (row["in_turn"], row["cluster"]):
        assert run["roster"] and len(run["site_ends"]) == 3
        assert all(end >= run["headcounts_end"] for end in run["site_ends"].values())
    assert row["in_turn"]["bound"] is not None and row["cluster"]["bound"] is not None and row["speedup"] > 0


def test_a_section_names_the_machine_its_rows_were_measured_on_not_the_one_rendering(tmp_path):
    """Re-rendering on another machine must not move old figures onto it."""
    row = {
        "stage": "backlog",
        "label": "example.yaml",
        "time_limit": 60.0,
        "reference": 0.0,
        "best": {"queue": 1, "smoothed": 1},
        "runs": [],
        "ratio_median": {"1%": 1.0},
        "ratio_worst": {"1%": 1.0},
        "finished": "2026-12-06T11:00:00+00:00",
        "machine": "16 cores, AMD EPYC, Python 3.11.7",
    }
    text = rendered(tmp_path, "# Benchmark results\n", "backlog", row).read_text()
    assert (
        "**Machine:** 16 cores, AMD EPYC, Python 3.11.7, 24 GiB" in text
        and "**Machine:** 2 cores," not in text.split("## Email by its deadline")[1]
    )


def test_availability_script_times_the_part_time_team_beside_the_example_team():
    """benchmarks/availability.py, 12 agents for a week, 3 s a run: each variant and the example, timed to its own final cost."""
    row = last_json(
        str(BENCH / "availability.py"),
        "--agents",
        "12",
        "--days",
        "7",
        "--time-limit",
        "3",
        "--variants",
        "listed,targets",
        "--json",
    )
    assert [r["team"] for r in row["runs"]] == ["listed", "targets", "example"]
    listed, targets, _ = row["runs"]
    assert listed["availability_rows"] == 0 and targets["availability_rows"] > 0
    for run in row["runs"]:  # on a busy machine a run may find nothing in three seconds: then it reaches no level
        if run["objective"] is not None:
            assert run["verified"] is True
            assert run["first_roster_seconds"] <= run["to_5pct_seconds"] <= run["to_1pct_seconds"] <= run["solve_seconds"] + 0.1
            assert run["team_best"] <= run["objective"]  # the recorded best, or this run's own cost
            if run["team_best"] == run["objective"]:
                assert run["to_best_5pct_seconds"] == run["to_5pct_seconds"]
            else:  # a recorded best below this run's cost: reached later, or never
                assert run["to_best_5pct_seconds"] is None or run["to_best_5pct_seconds"] >= run["to_5pct_seconds"]


def test_availability_bests_keep_each_team_s_cheapest_run(tmp_path):
    from availability import read_bests, record_bests

    path = tmp_path / "bests.json"
    runs = [
        {"key": "flexible 60 agents 14 days seed 1", "objective": 5_000, "time_limit": 60.0, "load": [1.0, 1.2]},
        {"key": "example", "objective": None, "time_limit": 60.0, "load": [1.0, 1.2]},  # no roster: nothing recorded
    ]
    record_bests(runs, "availability.py --seed 1", path)
    record_bests([{**runs[0], "objective": 6_000}], "availability.py --seed 1", path)  # dearer: kept out
    record_bests([{**runs[0], "objective": 4_500}], "availability.py --seed 1", path)  # cheaper: replaces it
    assert {key: best["cost"] for key, best in read_bests(path).items()} == {"flexible 60 agents 14 days seed 1": 4_500}


def test_bench_renders_the_part_time_team_section_from_its_stage(tmp_path):
    def run(team: str, agents: int | None, cost: int | None) -> dict:
        found = cost is not None
        return {
            "team": team,
            "agents": agents,
            "days": 14 if agents else None,
            "availability_rows": 14_400 if agents else 0,
            "build_seconds": 2.5,
            "variables": 12_345,
            "status": "FEASIBLE" if found else "UNKNOWN",
            "objective": cost,
            "gap": 0.012 if found else None,
            "verified": True if found else None,
            "first_roster_seconds": 1.5 if found else None,
            "to_5pct_seconds": 4.0 if found else None,
            "to_1pct_seconds": 20.0 if found else None,
            **({"to_best_5pct_seconds": 30.0 if found else None} if agents else {}),  # an older row has none
            "load": [1.2, 1.4],
        }

    row = {
        "stage": "availability",
        "time_limit": 60.0,
        "workers": 2,
        "seed": 1,
        "runs": [run("flexible", 60, 81_234), run("example", None, None)],
        "finished": "2026-12-06T15:00:00+00:00",
    }
    text = rendered(tmp_path, "# Benchmark results\n\n## Fuzzing\n\nkept\n", "availability", row).read_text()
    assert "## Fuzzing\n\nkept" in text and "## Part-time team" in text and "**Date:** 2026-12-06." in text
    assert (
        "| flexible | 60 | 14 | 14,400 | 2.50 | 12,345 | FEASIBLE | 81,234 | 1.2 % | yes | 1.5 | 4.0 | 20.0 | 30.0 | 1.2 |"
        in text
    )
    assert "| example | – | – | 0 | 2.50 | 12,345 | UNKNOWN | – | – | no | – | – | – | – | 1.2 |" in text
    assert "notes/part-time-team.md" in text


@pytest.mark.parametrize("flexible", [[], ["--flexible"]])
def test_check_speed_script_checks_a_clean_roster(flexible: list[str]) -> None:
    row = last_json(str(BENCH / "check_speed.py"), "--agents", "10", "--days", "7", *flexible)
    # 10 agents, 3 sites: agents 4 and 9 are part-time (Mon-Wed), the others work Mon-Fri; flexible days have two runs.
    assert row["shifts"] == (8 * 5 + 2 * 3) * (2 if flexible else 1) and row["violations"] == 0


def test_construction_script_prices_the_constructed_roster_as_the_model_does():
    """benchmarks/construction.py on the 15-agent week of tests/solve/test_first_runs.py: its figures, with and without chains."""
    team = ("--agents", "15", "--days", "7", "--seed", "1")
    chained = last_json(str(BENCH / "construction.py"), *team)
    plain = last_json(str(BENCH / "construction.py"), *team, "--no-chains")
    assert (chained["cost"], plain["cost"]) == (67_524, 67_549)
    assert sum(chained["terms"].values()) == chained["cost"] and chained["seconds"] > 0


def test_a_row_is_stamped_with_the_last_commit_of_the_code_not_of_the_notes_or_results(tmp_path: Path) -> None:
    """A suite runs for an hour and its rows are committed, or notes written, meanwhile: the seeds that come after must
    keep the same stamp, or a line of the table splits one run's seeds. The stamp moves with the package and the scripts,
    with "+" while they have changes not committed."""
    import run

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def commit(path: str, text: str) -> str:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
        git("add", path)
        git("commit", "-q", "-m", path)
        return git("rev-parse", "--short", "HEAD")

    git("init", "-q")
    code = commit("coverage/model.py", "x = 1\n")
    assert run.code_version(tmp_path) == code
    commit("benchmarks/results/suite.jsonl", "{}\n")
    commit("benchmarks/notes/story.md", "tried\n")
    assert run.code_version(tmp_path) == code
    (tmp_path / "coverage/model.py").write_text("x = 2\n")
    assert run.code_version(tmp_path) == code + "+"
    newer = commit("coverage/model.py", "x = 2\n")
    assert run.code_version(tmp_path) == newer != code
    assert commit("benchmarks/run.py", "y = 1\n") == run.code_version(tmp_path)


def test_a_stages_only_roster_reads_as_a_roster_without_a_price_not_as_none():
    """The 15-minute grid's stages-only path returns a roster the whole model never priced: the line says so; a seed that
    found nothing at all still reads "none"."""
    from report import UNPRICED, suite_section

    def row(seed: int, first: float | None) -> dict[str, object]:
        return {
            "instance": "team-1000-4w-15min",
            "solver": "ours",
            "seed": seed,
            "time_limit": 60.0,
            "objective": None,
            "bound": 99_710,
            "first_roster_seconds": first,
            "condition": "quiet",
            "shape": "1,000 agents",
            "finished": "2026-12-07T04:03:00+00:00",
            "machine": "test machine",
        }

    def cells(rows: list[dict[str, object]]) -> list[str]:
        line = next(r for r in suite_section(rows, "test machine").splitlines() if r.startswith("| team-1000-4w-15min |"))
        return [c.strip() for c in line.strip("|").split("|")]

    assert cells([row(1, 9.4)])[5:8] == [UNPRICED, UNPRICED, "9.4 (9.4)"]
    assert cells([row(1, 9.4), row(2, None)])[5:8] == ["none", "none", "9.4 (none)"]
