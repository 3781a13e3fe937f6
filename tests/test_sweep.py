"""What-if sweeps: scenarios validated like the config, each a full plan, on a local pool or a real Dask cluster.

The cluster tests start a real `LocalCluster(n_workers=2, threads_per_worker=1,
processes=True)`: a sweep there gives the figures and rosters of separate
`covplan plan` runs, a worker killed mid-task has its task run again with
the same roster, and an address nobody answers is exit 2 before any work.
The team is nine-to-five over one week, searched deterministically with one
thread, so every answer is the same on any machine.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from coverage.check import check_roster
from coverage.cli import main
from coverage.config import load_config
from coverage.executor import open_executor, run_tasks, task_workers
from coverage.roster import read_roster
from coverage.scenarios import load_scenarios
from coverage.solve import SolveParams
from coverage.sweep import plan_task, run_sweep

ROOT = Path(__file__).resolve().parent.parent
NINE = ROOT / "configs" / "nine-to-five.yaml"

SCENARIOS = """\
scenarios:
  baseline: {}
  hire-dublin:
    hire: [dublin]
  weekend-ok:
    description: today's team may work one weekend
    rules.max_weekends_per_period: 1
    without: [harper]
"""
SEARCH = ["--time-limit", "2", "--workers", "1", "--deterministic", "--seed", "1"]


@pytest.fixture
def week(tmp_path: Path) -> Path:
    """nine-to-five over one week (Mon 4 - Sun 10 Jan 2027), beside its forecast and a scenarios file."""
    text = NINE.read_text(encoding="utf-8").replace("days: 28", "days: 7")
    config = tmp_path / "team.yaml"
    config.write_text(text, encoding="utf-8")
    (tmp_path / "nine-to-five-forecast.csv").write_bytes((ROOT / "configs" / "nine-to-five-forecast.csv").read_bytes())
    (tmp_path / "scenarios.yaml").write_text(SCENARIOS, encoding="utf-8")
    return config


def _variant(week: Path, name: str, old: str, new: str) -> Path:
    """The config of one scenario written out by hand, as a manager would for a separate `covplan plan`."""
    text = week.read_text(encoding="utf-8")
    assert old in text
    path = week.with_name(f"{name}.yaml")
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- scenarios, no search


def test_scenarios_change_the_config_as_written(week: Path) -> None:
    plans = {p.name: p for p in load_scenarios(week, week.with_name("scenarios.yaml"))}
    assert list(plans) == ["baseline", "hire-dublin", "weekend-ok"]
    assert [a.id for a in plans["hire-dublin"].config.agents][-1] == "dublin-1"
    assert len(plans["hire-dublin"].config.agents) == 9
    weekend = plans["weekend-ok"].config
    assert weekend.rules.max_weekends_per_period == 1 and "harper" not in weekend.agent_ids
    assert plans["baseline"].config.rules.max_weekends_per_period == 0
    assert plans["baseline"].scenario.changes == "the config as it is"
    assert plans["weekend-ok"].scenario.changes == "rules.max_weekends_per_period=1; without harper"


def test_volume_scales_the_forecast_before_the_requirement(week: Path) -> None:
    week.with_name("more.yaml").write_text(
        "scenarios:\n  triple:\n    volume: {chat: 3}\n  same:\n    volume: 1\n", encoding="utf-8"
    )
    plans = {p.name: p for p in load_scenarios(week, week.with_name("more.yaml"))}
    assert plans["baseline"].name == "baseline" and list(plans)[0] == "baseline"  # always scenario one
    assert sum(plans["baseline"].needs.volume["chat"]) == 7 * 24  # one chat an hour
    assert sum(plans["triple"].needs.volume["chat"]) == 3 * 7 * 24
    assert max(plans["baseline"].needs.required["chat"]) == 1  # 1 chat/h of 5 min: 1 agent meets 80 % in 60 s
    assert max(plans["triple"].needs.required["chat"]) == 2  # 3 chats/h: one agent answers 78.5 % in 60 s, two
    assert plans["same"].needs.required == plans["baseline"].needs.required


def test_every_bad_override_is_said_at_its_line_in_the_scenarios_file(week: Path, capsys) -> None:
    bad = week.with_name("bad.yaml")
    bad.write_text(
        "scenarios:\n"
        "  slow:\n"
        "    channels.chat.aht_seconds: -5\n"  # line 3
        "  typo:\n"
        "    rules.max_weekend_per_period: 2\n"  # line 5
        "  hires:\n"
        "    hire: [dublin, nobody]\n"  # line 7
        "  who:\n"
        "    agents.zed.contract: full_time\n"  # line 9
        "  volume:\n"
        "    volume: -1\n"  # line 11
        "  elsewhere:\n"  # line 12
        "    views: [Asia/Manila]\n",
        encoding="utf-8",
    )
    assert main(["sweep", str(week), "--scenarios", str(bad), "--out", str(week.with_name("out"))]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"{bad}:3: scenarios.slow.channels.chat.aht_seconds: Input should be greater than 0 (got -5)"
    assert lines[1].startswith(f"{bad}:5: scenarios.typo.rules.max_weekend_per_period: unknown key")
    assert lines[2].startswith(f"{bad}:7: scenarios.hires.hire: unknown candidate 'nobody' (expected one of: ny-weekend,")
    assert lines[3].startswith(f"{bad}:9: scenarios.who.agents.zed.contract: agents has no item 'zed' (expected an id (avery,")
    assert lines[4].startswith(f"{bad}:11: scenarios.volume.volume: -1 is not a volume factor (expected a number above 0")
    assert lines[5].startswith(
        f"{bad}:12: scenarios.elsewhere: changes the first view to Asia/Manila (expected the baseline's, America/New_York"
    )
    assert len(lines) == 6
    assert not week.with_name("out").exists()  # nothing done


def test_a_sweep_folder_is_not_overwritten_without_force(week: Path, capsys) -> None:
    out = week.with_name("out")
    out.mkdir()
    (out / "sweep.csv").write_text("somebody's\n", encoding="utf-8")
    assert main(["sweep", str(week), "--scenarios", str(week.with_name("scenarios.yaml")), "--out", str(out)]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert (out / "sweep.csv").read_text(encoding="utf-8") == "somebody's\n"


def test_a_sweep_never_replaces_a_file_the_config_reads_even_with_force(week: Path, capsys) -> None:
    """`--force` lets a sweep replace an earlier sweep's files, not the team's own: a forecast kept as sweep.csv in
    --out, or as coverage.csv in a folder named like a scenario (whose plan writes its coverage.csv there), is refused
    before any search (exit 2, one line naming it, the file untouched); the same forecast elsewhere sweeps."""
    scenarios = str(week.with_name("scenarios.yaml"))
    for folder, name in [(week.parent, "sweep.csv"), (week.parent / "baseline", "coverage.csv")]:
        folder.mkdir(exist_ok=True)
        forecast = folder / name
        forecast.write_bytes(week.with_name("nine-to-five-forecast.csv").read_bytes())
        relative = forecast.relative_to(week.parent).as_posix()
        week.write_text(week.read_text(encoding="utf-8").replace("nine-to-five-forecast.csv", relative), encoding="utf-8")
        before = forecast.read_bytes()
        argv = ["sweep", str(week), "--scenarios", scenarios, "--out", str(week.parent), "--force", "--time-limit", "1"]
        assert main(argv) == 2
        assert capsys.readouterr().err.splitlines() == [
            f"{forecast}: the config reads this file, and the outputs written to {week.parent} would replace it "
            "(rename it, or choose another --out directory)"
        ]
        assert forecast.read_bytes() == before and not (week.parent / "report.html").exists()
        week.write_text(week.read_text(encoding="utf-8").replace(relative, "nine-to-five-forecast.csv"), encoding="utf-8")


def test_ctrl_c_keeps_what_finished_and_cancels_the_rest() -> None:
    def interrupt_after_first(k: int, result: int) -> None:
        raise KeyboardInterrupt

    with ThreadPoolExecutor(max_workers=1) as pool:
        batch = run_tasks(pool, _wait_then_square, [0.0, 5.0, 5.0], interrupt_after_first)
    assert batch.interrupted
    assert batch.results[0] == 0.0 and batch.results[2] is None  # the third never started


def test_ctrl_c_keeps_the_tasks_running_on_this_machines_processes() -> None:
    """Their searches heard the Ctrl-C too and end with their best roster: waited for and kept; the ones not started are not run."""

    def interrupt_after_first(k: int, result: float) -> None:
        if k == 0:
            raise KeyboardInterrupt

    jobs = [0.1, 1.5] + [2.0] * 6
    with ProcessPoolExecutor(max_workers=2) as pool:
        batch = run_tasks(pool, _sleep_then_square, jobs, interrupt_after_first)
    assert batch.interrupted
    assert batch.results[1] == 2.25  # running when the first finished: waited for
    assert batch.results[-1] is None  # queued far behind: never run
    assert all(found is None or found == x * x for found, x in zip(batch.results, jobs))


def _sleep_then_square(x: float) -> float:
    time.sleep(x)
    return x * x


def _wait_then_square(x: float) -> float:
    time.sleep(min(x, 0.2))
    return x * x


def test_tasks_share_the_cores_unless_the_user_says_how_many_threads(monkeypatch) -> None:
    cores = os.cpu_count() or 1
    assert task_workers(3, 12, cluster=False) == 3 and task_workers(3, 12, cluster=True) == 3
    assert task_workers(0, 1, cluster=False) == cores
    assert task_workers(0, 2 * cores, cluster=False) == 1
    assert task_workers(0, 2, cluster=True) == 1  # a cluster's machines are unknown: one thread each
    # Two tasks on four cores: two workers each would run four threads each (the portfolio's least), one task at a time.
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert task_workers(0, 2, cluster=False) == 1 and task_workers(0, 1, cluster=False) == 4
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert task_workers(0, 2, cluster=False) == 8 and task_workers(0, 3, cluster=False) == 5


# --------------------------------------------------------------------------- a real Dask cluster


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


def test_a_sweep_on_a_cluster_gives_the_figures_of_separate_plans(week: Path, cluster, capsys) -> None:
    out = week.with_name("sweep")
    code = main(
        [
            "sweep",
            str(week),
            "--scenarios",
            str(week.with_name("scenarios.yaml")),
            "--out",
            str(out),
            "--cluster",
            cluster.scheduler_address,
            *SEARCH,
        ]
    )
    assert code == 0, capsys.readouterr().err
    weekend = _variant(
        week, "weekend-ok", "  max_weekends_per_period: 0   # nobody works weekends today", "  max_weekends_per_period: 1"
    )
    weekend.write_text(
        "".join(line for line in weekend.read_text(encoding="utf-8").splitlines(True) if "id: harper" not in line),
        encoding="utf-8",
    )
    separate = {
        "baseline": week,
        "hire-dublin": _variant(
            week,
            "hire-dublin",
            "  - {id: harper,",
            "  - {id: dublin-1, site: dublin, contract: follow_the_sun, skills: [chat]}\n  - {id: harper,",
        ),
        "weekend-ok": weekend,
    }
    table = {row.split(",")[0]: row.split(",") for row in (out / "sweep.csv").read_text(encoding="utf-8").splitlines()[1:]}
    for name, config in separate.items():
        alone = week.with_name(f"plan-{name}")
        assert main(["plan", str(config), "--out", str(alone), "--quiet", *SEARCH]) == 0
        assert (out / name / "roster.csv").read_bytes() == (alone / "roster.csv").read_bytes()
        swept, planned = (_figures(folder / "summary.json") for folder in (out / name, alone))
        assert swept == planned
        view = planned["views"]["America/New_York"]
        assert table[name][1:5] == [
            planned["status"],
            f"{view['uncovered_hours']:g}",
            f"{view['weekend_uncovered_hours']:g}",
            f"{view['overnight_uncovered_hours']:g}",
        ]
        scenario_config = load_config(config)
        assert check_roster(read_roster(out / name / "roster.csv", scenario_config), scenario_config) == []
    # Hand-checkable: a week has 168 hours, New York's eight work 09:00-17:00 on five weekdays (40 of them).
    assert table["baseline"][2:5] == ["128", "48", "56"]
    assert table["baseline"][7:10] == ["320", "0", ""]  # paid hours: 8 agents × 5 days × 8 h; no hire
    assert table["hire-dublin"][8:10] == ["4200", "dublin-1"]  # the candidate's cost for the period
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count('<a href="hire-dublin/report.html">') == 1 and "data:image/png;base64," in html


def _figures(path: Path) -> dict:
    """summary.json without the clock time of the run."""
    summary = json.loads(path.read_text(encoding="utf-8"))
    summary.pop("wall_seconds")
    return summary


def test_a_task_whose_worker_dies_runs_again_with_the_same_roster(week: Path, cluster) -> None:
    import cloudpickle
    from distributed import Client

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    plans = load_scenarios(week, week.with_name("scenarios.yaml"))[1:2]  # hire-dublin
    params = SolveParams(time_limit_seconds=2, workers=1, deterministic=True)
    expected, _ = plan_task((plans[0], params))
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        killer = threading.Thread(target=_kill_the_worker_running_a_task, args=(client,))
        killer.start()
        with open_executor(cluster.scheduler_address) as executor:
            swept = run_sweep(plans, params, executor, _fresh(week.with_name("killed")), task=_slow_plan_task)
        killer.join()
        assert killed_pids, "no worker was killed: the task finished too soon"
    outcome = swept.outcomes[0]
    assert outcome.status == expected.status and outcome.found
    written = read_roster(week.with_name("killed") / "hire-dublin" / "roster.csv", plans[0].config)
    assert {(a.agent, a.shift, a.day, a.channel) for a in written.assignments} == {
        (a.agent, a.shift, a.day, a.channel) for a in expected.roster.assignments
    }
    assert outcome.summary is not None and expected.summary is not None
    assert replace(outcome.summary, wall_seconds=None, gap_explanations=()) == replace(expected.summary, wall_seconds=None)


killed_pids: list[int] = []


def _slow_plan_task(job):
    time.sleep(3)  # long enough for the test to find the task running and kill its worker
    return plan_task(job)


def _kill_the_worker_running_a_task(client) -> None:
    """Wait until a worker is running the task, then SIGKILL that worker's process (its nanny starts a new one)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        busy = [worker for worker, keys in client.processing().items() if keys]
        if busy:
            time.sleep(0.5)  # inside the task's sleep
            pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            killed_pids.append(pid)
            return
        time.sleep(0.1)


def _fresh(path: Path) -> Path:
    path.mkdir()
    return path


def test_an_unreachable_scheduler_is_one_line_and_exit_2_before_any_work(week: Path, capsys, monkeypatch) -> None:
    import coverage.executor

    monkeypatch.setattr(coverage.executor, "CONNECT_SECONDS", 1.0)
    out = week.with_name("nowhere")
    code = main(
        [
            "sweep",
            str(week),
            "--scenarios",
            str(week.with_name("scenarios.yaml")),
            "--out",
            str(out),
            "--cluster",
            "tcp://127.0.0.1:9",
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("covplan: cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")
    assert not out.exists()
    monkeypatch.setenv("COVPLAN_CLUSTER", "tcp://127.0.0.1:9")
    assert main(["plan", str(week), "--out", str(out)]) == 2
    assert not out.exists()


def test_a_seed_race_keeps_the_best_roster_and_the_earliest_seed_on_a_tie(week: Path, capsys) -> None:
    raced, alone = week.with_name("raced"), week.with_name("alone")
    assert main(["plan", str(week), "--out", str(raced), "--race", "2", "--quiet", *SEARCH]) == 0
    err = capsys.readouterr().err
    assert "searching from seeds 1, 2" in err and "seed 1 found the best roster (objective" in err
    assert main(["plan", str(week), "--out", str(alone), "--quiet", *SEARCH]) == 0
    assert (raced / "roster.csv").read_bytes() == (
        alone / "roster.csv"
    ).read_bytes()  # both seeds optimal: the tie goes to seed 1
    assert _figures(raced / "summary.json") == _figures(alone / "summary.json")


def test_a_race_ranks_an_unpriced_roster_after_every_priced_one() -> None:
    """The stages' roster when the whole model did not fit in one seed's time limit has no cost: a priced roster
    wins over it whatever its cost, and it still wins over no roster (before, comparing None with a cost raised)."""
    from coverage.pipeline import PlanResult, race_rank
    from coverage.roster import Roster
    from coverage.solve import SolveResult

    def planned(objective: float | None, found: bool = True) -> PlanResult:
        result = SolveResult("FEASIBLE" if found else "UNKNOWN", Roster(()) if found else None, objective, 10.0, 1.0)
        return PlanResult(result.roster, result, None, None)

    runs = [planned(None), planned(900.0), planned(None, found=False), planned(500.0)]
    assert sorted(range(4), key=lambda k: race_rank(k, runs[k])) == [3, 1, 0, 2]


def test_plan_on_a_cluster_sends_a_big_teams_sites_there(tmp_path: Path, cluster, capsys) -> None:
    """60 agents in two sites plan in stages: with --cluster each site's assignment is a task of the cluster, the rest here."""
    from datetime import date

    from distributed import Client

    from coverage.synthetic import write_team

    team = write_team(tmp_path, 60, 2, date(2026, 3, 2), 7)
    out = tmp_path / "out"
    code = main(
        ["plan", str(team), "--out", str(out), "--cluster", cluster.scheduler_address, "--time-limit", "20", "--workers", "2"]
    )
    assert code == 0, capsys.readouterr().err
    assert "the 2 sites' assignments on tcp://" in capsys.readouterr().err
    config = load_config(team)
    assert check_roster(read_roster(out / "roster.csv", config), config) == []
    with Client(cluster) as client:
        prefixes = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert "assign_site" in prefixes


def test_a_scenario_that_fails_is_a_row_and_the_others_go_on(week: Path, monkeypatch, capsys) -> None:
    """One scenario's plan raises: its row says FAILED and why, the others are planned and written, exit 3."""
    import coverage.sweep as sweep

    real = sweep.plan

    def breaks_on_hires(config, params, *, needs=None):
        if any(a.id == "dublin-1" for a in config.agents):
            raise MemoryError("no room for this one")
        return real(config, params, needs=needs)

    monkeypatch.setattr(sweep, "plan", breaks_on_hires)
    monkeypatch.setattr(sweep, "run_tasks", lambda executor, task, jobs, on_done: _in_this_process(task, jobs, on_done))
    out = week.with_name("sweep")
    assert main(["sweep", str(week), "--scenarios", str(week.with_name("scenarios.yaml")), "--out", str(out), *SEARCH]) == 3
    assert "covplan: scenario hire-dublin failed: MemoryError: no room for this one" in capsys.readouterr().err
    table = {row.split(",")[0]: row.split(",")[1] for row in (out / "sweep.csv").read_text(encoding="utf-8").splitlines()[1:]}
    assert table == {"baseline": "OPTIMAL", "hire-dublin": "FAILED", "weekend-ok": "OPTIMAL"}
    assert (out / "baseline" / "roster.csv").is_file() and not (out / "hire-dublin" / "roster.csv").exists()


def _in_this_process(task, jobs, on_done):
    from coverage.executor import Batch

    results = []
    for k, job in enumerate(jobs):
        results.append(task(job))
        on_done(k, results[-1])
    return Batch(results)


def test_a_rerun_scenario_without_a_roster_sets_the_earlier_one_aside(week: Path) -> None:
    """--force over an earlier sweep: a scenario that now finds none keeps its old roster, renamed, not beside a 'no roster' row."""
    from coverage.pipeline import PlanResult
    from coverage.solve import SolveResult
    from coverage.sweep import write_scenario

    plan = load_scenarios(week, week.with_name("scenarios.yaml"))[0]
    folder = week.with_name("sweep") / plan.name
    folder.mkdir(parents=True)
    (folder / "roster.csv").write_text("agent,site\nold,row\n", encoding="utf-8")
    none = PlanResult(None, SolveResult("INFEASIBLE", None, None, None, 1.0, reasons=["the rules contradict"]), None, None)
    outcome = write_scenario(plan, none, 1.0, folder, "America/New_York")
    assert outcome.status == "INFEASIBLE" and outcome.reasons == ("the rules contradict",)
    assert (
        not (folder / "roster.csv").exists()
        and (folder / "roster.previous.csv").read_text(encoding="utf-8") == "agent,site\nold,row\n"
    )


def test_a_task_no_worker_could_run_is_said_before_any_work() -> None:
    """Workers that declare 1 thread cannot run a task reserving 4: one clear error instead of a task queued forever."""
    distributed = pytest.importorskip("distributed")
    from coverage.errors import CoverageError

    # dashboard ":0": an in-process cluster ignores None and takes port 8787, which a parallel run may hold
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0", resources={"threads": 1}
    ) as small:
        with pytest.raises(CoverageError, match="each task needs 4 threads and the workers at .* declare at most 1"):
            with open_executor(small.scheduler_address, threads_per_task=4):
                pass
        with open_executor(small.scheduler_address, threads_per_task=1) as executor:
            assert executor.submit(sum, [1, 2]).result(timeout=30) == 3
