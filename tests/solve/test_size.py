"""Memory before it runs out: the model's size before it is built, and what the search does when it would not fit.

No test runs out of memory: the memory available is injected (`available=`,
or COVPLAN_MEMORY_LIMIT for the command line), and the estimate is compared
with the peak of one small real build measured in a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from helpers import TINY

from coverage.check import check_roster
from coverage.cli import main
from coverage.config import load_config
from coverage.demand import requirements
from coverage.solve import SolveOptions, solve
from coverage.solve.size import (
    GB,
    ModelTooLargeError,
    _cgroup_room,
    available_memory,
    check_memory,
    gigabytes,
    model_size,
    search_threads,
    stages_size,
)
from coverage.synthetic import write_team
from coverage.time import period_grid

ROOT = Path(__file__).resolve().parents[2]
QUICK = SolveOptions(time_limit_seconds=6, seed=1, workers=2, progress=None, explain=False)


def test_counts_choices_cover_terms_and_cells(make_config) -> None:
    """TINY: one agent, one chat channel, the 8 h day shift on 7 days of a week from Monday."""
    hourly = model_size(make_config())
    assert (hourly.agents, hourly.choices, hourly.cover_terms, hourly.cells) == (1, 7, 7 * 8, 168)
    quarter = model_size(make_config(TINY.replace("interval_minutes: 60", "interval_minutes: 15")))
    assert (quarter.choices, quarter.cover_terms, quarter.cells) == (7, 7 * 32, 672)
    assert quarter.bytes > hourly.bytes
    # A break window of 3-5 h on the hourly grid: 3 break starts, each its own variable with 9 covered hours.
    window = TINY.replace(
        'day: {start: "09:00", hours: 8}',
        'day: {start: "09:00", hours: 9, unpaid_break_minutes: 60, break_window: {earliest: 3, latest: 5}}',
    )
    broken = model_size(make_config(window))
    assert (broken.choices, broken.cover_terms) == (7 * 4, 7 * 9 * 4)


def test_the_rolling_starts_copy_of_the_model_counts_where_it_will_run(make_config, monkeypatch) -> None:
    """TINY, hourly: 7 choices and 56 cover terms, so one copy of the model adds (7 × 600 + 56 × 35) × 1.25 = 7,700
    bytes to the estimate. `solve` counts it where the rolling start may run — asked for here on a one-site plan —
    and not where it is turned off, nor on the channel polish's path, which never rolls."""
    from dataclasses import replace

    from coverage.solve import ModelInputs, SolveParams, search

    config = make_config()
    whole = model_size(config)
    assert replace(whole, copies=1).bytes - whole.bytes == (7 * 600 + 56 * 35) * 5 // 4 == 7_700
    fits = check_memory(config, period_grid(config.plan), stageable=False, available=whole.bytes)
    assert fits.whole.copies == 0
    with pytest.raises(ModelTooLargeError):  # the copy is what no longer fits
        check_memory(config, period_grid(config.plan), stageable=False, copies=1, available=whole.bytes)
    copies: list[int] = []

    def counted(*args, copies_=copies, **kwargs):
        copies_.append(kwargs["copies"])
        return check_memory(*args, **kwargs)

    monkeypatch.setattr(search.size, "check_memory", counted)
    params = SolveParams(time_limit_seconds=2, workers=2)
    for rolling, polish in ((True, None), (False, None), (True, lambda roster: roster)):
        monkeypatch.setattr(search, "polishing", lambda *args, polish=polish, **kwargs: polish)
        solve(config, requirements(config), ModelInputs(explain=False), replace(params, rolling_start=rolling))
    assert copies == [1, 0, 0]


def test_where_only_the_rolling_starts_copy_does_not_fit_the_run_goes_without_the_rolling_start(make_config, monkeypatch) -> None:
    """TINY with exactly the whole model's estimate free: the rolling start's copy (7,700 bytes more) does not fit, the
    model does. The run plans the week without the rolling start — it refused the plan (ModelTooLargeError)."""
    from coverage.solve import ModelInputs, SolveParams, search

    config = make_config()
    monkeypatch.setattr(search.size, "available_memory", lambda: model_size(config).bytes)
    monkeypatch.setattr(search, "_rolling_start", lambda *args: pytest.fail("the rolling start ran without room for its copy"))
    result = solve(
        config, requirements(config), ModelInputs(explain=False), SolveParams(time_limit_seconds=2, workers=2, rolling_start=True)
    )
    assert result.roster is not None and check_roster(result.roster, config) == []


@pytest.fixture
def team(tmp_path: Path):
    """12 agents in 2 sites for a week: small, but a plan that may be solved in stages."""
    config = load_config(write_team(tmp_path / "team", 12, 2, date(2026, 3, 2), 7))
    return config, requirements(config)


def test_whole_model_when_it_fits_stages_when_only_they_fit(team) -> None:
    config, needs = team
    whole, stages = model_size(config, needs.grid), stages_size(config, needs.grid)
    assert stages.bytes < whole.bytes
    fits = check_memory(config, needs.grid, stageable=True, available=whole.bytes)
    assert not fits.stages_only and fits.whole == whole
    tight = check_memory(config, needs.grid, stageable=True, available=stages.bytes)
    assert tight.stages_only and tight.stages == stages
    with pytest.raises(ModelTooLargeError, match="this plan needs about"):
        check_memory(config, needs.grid, stageable=True, available=stages.bytes - 1)
    # Stages turned off (ModelInputs(staged=False)): nothing to fall back on, and the message says so.
    with pytest.raises(ModelTooLargeError, match=r"plan sites separately \(or in stages, not turned off: they would fit\)$"):
        check_memory(config, needs.grid, stageable=False, available=stages.bytes)


def test_too_large_says_the_estimate_what_is_available_and_what_to_change(tmp_path: Path) -> None:
    config = load_config(write_team(tmp_path, 40, 2, date(2026, 3, 2), 28, interval_minutes=15))
    needs = requirements(config)
    whole = model_size(config, needs.grid)
    hourly = model_size(load_config(write_team(tmp_path / "hourly", 40, 2, date(2026, 3, 2), 28)))
    available = (whole.bytes + hourly.bytes) // 2  # the hourly grid fits, and about three weeks of this one
    assert stages_size(config, needs.grid).bytes > available  # so the stages are no way out either
    with pytest.raises(ModelTooLargeError) as caught:
        check_memory(config, needs.grid, stageable=False, available=available)
    message = str(caught.value)
    assert message.startswith(
        f"this plan needs about {gigabytes(whole.bytes)} to solve (40 agents × 2,688 intervals on "
        f"the 15-minute grid, {whole.choices:,} shift choices); this machine has {gigabytes(available)} "
        f"available — set interval_minutes: 60 (about {gigabytes(hourly.bytes)}), shorten the period "
        "(plan.days: "
    )
    days = int(message.split("plan.days: ")[1].split()[0])
    assert 7 <= days < 28
    assert message.endswith(" or fewer) or plan sites separately")
    assert "\n" not in message


def test_an_unknown_amount_of_memory_never_stops_a_plan(team, monkeypatch) -> None:
    config, needs = team
    monkeypatch.setattr("coverage.solve.size.available_memory", lambda: None)
    assert not check_memory(config, needs.grid, stageable=False).stages_only


def test_solve_runs_the_stages_alone_when_only_they_fit(team, monkeypatch) -> None:
    """Between the two estimates the search never builds the whole model: the stages' roster is the
    result, every hard rule kept, bound proven, objective unknown (the whole model would price it)."""
    config, needs = team
    monkeypatch.setenv("COVPLAN_MEMORY_LIMIT", str(stages_size(config, needs.grid).bytes))
    monkeypatch.setattr("coverage.solve.search.build_model", None)  # building the whole model would fail loudly
    result = solve(config, needs, QUICK)
    assert result.status == "FEASIBLE" and result.roster is not None and result.objective is None
    assert result.best_bound is not None and "solving in stages only" in result.reasons[0]
    assert check_roster(result.roster, config) == []
    assert {a.agent for a in result.roster.assignments} <= {a.id for a in config.agents}


def test_plan_command_stops_with_one_line_when_nothing_fits(team, tmp_path: Path, monkeypatch, capsys) -> None:
    config, _ = team
    monkeypatch.setenv("COVPLAN_MEMORY_LIMIT", "50M")
    assert main(["plan", str(config.source), "--out", str(tmp_path / "out"), "--time-limit", "5", "--quiet"]) == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]  # after "searching for up to 5 s ..."
    assert line.startswith("covplan: this plan needs about ") and line.endswith(
        " shift choices); this machine has 50 MB available — plan sites separately"
    )
    assert not (tmp_path / "out" / "roster.csv").exists()


def test_available_memory_reads_the_cgroup_limit(tmp_path: Path, monkeypatch) -> None:
    """cgroup v2: the least room (memory.max - memory.current) over the process's group and its parents;
    v1 likewise with limit_in_bytes; "max" or v1's huge number means no limit."""
    v2 = tmp_path / "v2"
    (v2 / "jobs" / "me").mkdir(parents=True)
    (v2 / "jobs" / "memory.max").write_text(f"{4 * GB}\n")
    (v2 / "jobs" / "memory.current").write_text(f"{3 * GB}\n")
    (v2 / "jobs" / "me" / "memory.max").write_text("max\n")
    (v2 / "jobs" / "me" / "memory.current").write_text(f"{GB}\n")
    (tmp_path / "cgroup2").write_text("0::/jobs/me\n")
    assert _cgroup_room(v2, tmp_path / "cgroup2") == GB
    v1 = tmp_path / "v1" / "memory" / "jobs"
    v1.mkdir(parents=True)
    (v1 / "memory.limit_in_bytes").write_text(f"{2 * GB}\n")
    (v1 / "memory.usage_in_bytes").write_text(f"{GB // 2}\n")
    (tmp_path / "cgroup1").write_text("4:memory:/jobs\n3:cpu:/\n")
    assert _cgroup_room(tmp_path / "v1", tmp_path / "cgroup1") == 3 * GB // 2
    (v1 / "memory.limit_in_bytes").write_text("9223372036854771712\n")
    assert _cgroup_room(tmp_path / "v1", tmp_path / "cgroup1") is None
    monkeypatch.setenv("COVPLAN_MEMORY_LIMIT", "1.5G")
    assert available_memory() == 3 * GB // 2


def test_estimate_is_above_a_measured_peak_and_not_far_above() -> None:
    """One real build and a short search of 25 agents in its own process (benchmarks/memory.py): the
    estimate is meant as an upper bound within about 1.5x of a search of a few minutes; after a few
    seconds the peak is lower, so the bound checked here is loose."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "memory.py"),
            "--one",
            "--agents",
            "25",
            "--interval",
            "60",
            "--time-limit",
            "5",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    row = json.loads(done.stdout.strip().splitlines()[-1])
    assert row["peak_mb"] <= row["estimate_mb"] <= 2.5 * row["peak_mb"]


@pytest.mark.parametrize("workers", [1, 2, 4, 6, 8, 12])
def test_threads_are_those_the_search_runs(workers: int) -> None:
    from ortools.sat.python import cp_model

    from coverage.solve.runner import SolveParams, configure_search

    solver = cp_model.CpSolver()
    configure_search(solver.parameters, SolveParams(workers=workers))
    assert search_threads(workers) == solver.parameters.num_workers
    assert model_size_of_threads(search_threads(workers)) >= model_size_of_threads(4) or workers == 1


def model_size_of_threads(threads: int) -> int:
    """A fixed model's estimate with this many search threads."""
    from coverage.solve.size import ModelSize

    return ModelSize(10, 1000, 8000, 1344, 672, 60, threads).bytes
