"""The covplan command line end to end: exit codes, files written, nothing overwritten."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coverage.cli import main

ROOT = Path(__file__).resolve().parent.parent
NINE = ROOT / "configs" / "nine-to-five.yaml"


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nine") / "out"
    assert main(["plan", str(NINE), "--out", str(out), "--time-limit", "20", "--workers", "2", "--quiet"]) == 0
    return out


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_plan_writes_every_contract_file(planned: Path) -> None:
    names = {p.name for p in planned.iterdir()}
    assert {"roster.csv", "coverage.csv", "gaps.csv", "summary.json"} <= names
    assert {f"gaps-{zone}.png" for zone in ("America_New_York", "Europe_London", "Asia_Manila")} <= names
    roster = rows(planned / "roster.csv")
    assert list(roster[0]) == [
        "agent",
        "site",
        "channel",
        "shift",
        "date",
        "start_local",
        "end_local",
        "start_utc",
        "end_utc",
        "break_start_local",
        "break_start_utc",
    ]  # the contract's nine, then ours
    assert len(roster) == 160
    first = roster[0]
    assert first["date"] == "2027-01-04"
    assert first["start_local"] == "2027-01-04T09:00:00-05:00" and first["start_utc"] == "2027-01-04T14:00:00+00:00"
    coverage = rows(planned / "coverage.csv")
    assert list(coverage[0])[:5] == ["interval_start_utc", "channel", "required", "scheduled", "gap"]  # then service columns
    assert len(coverage) == 28 * 24
    assert sum(int(r["gap"]) for r in coverage) == 4 * 128
    gaps = rows(planned / "gaps.csv")
    assert list(gaps[0]) == [
        "view",
        "channel",
        "weekday",
        "hour",
        "required_agent_hours",
        "scheduled_agent_hours",
        "uncovered_hours",
        "understaffed_agent_hours",
        "weekend",
        "overnight",
    ]
    assert len(gaps) == 3 * 7 * 24
    summary = json.loads((planned / "summary.json").read_text())
    assert summary["status"] == "OPTIMAL" and summary["objective"] == summary["best_bound"]
    assert summary["uncovered_hours"] == {"chat": 512}
    view = summary["views"]["America/New_York"]
    assert (view["uncovered_hours"], view["weekend_uncovered_hours"], view["overnight_uncovered_hours"]) == (512, 192, 224)
    assert (view["weekend_hours"], view["overnight_hours"]) == (192, 224)  # every weekend and night hour of the 4 weeks
    assert view["per_week"] == {"uncovered_hours": 128, "weekend_uncovered_hours": 48, "overnight_uncovered_hours": 56}


def test_plan_refuses_to_overwrite_a_published_roster(planned: Path, capsys) -> None:
    before = (planned / "roster.csv").read_bytes()
    assert main(["plan", str(NINE), "--out", str(planned), "--quiet"]) == 2
    assert "--force" in capsys.readouterr().err
    assert (planned / "roster.csv").read_bytes() == before


def test_verify_accepts_the_planned_roster(planned: Path, capsys) -> None:
    assert main(["verify", str(NINE), str(planned / "roster.csv")]) == 0
    assert "every hard rule holds" in capsys.readouterr().out


def test_verify_reports_a_hand_made_roster_breaking_rules(tmp_path: Path, capsys) -> None:
    roster = tmp_path / "rota.csv"
    roster.write_text("agent,shift,date\navery,day,2027-01-09\navery,day,2027-01-04\navery,day,2027-01-04\n")
    assert main(["verify", str(NINE), str(roster)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{roster}:2: agent avery:") and "weekend" in line for line in out)
    assert any(line.startswith(f"{roster}:4:") for line in out)  # second shift on the same day
    assert any("avery" in line and "40" in line for line in out)  # weekly minimum not met


def test_gaps_on_a_hand_made_roster(tmp_path: Path, capsys) -> None:
    roster = tmp_path / "rota.csv"
    roster.write_text("agent,shift,date\n" + "".join(f"avery,day,2027-01-{d:02d}\n" for d in range(4, 9)))
    assert main(["gaps", str(NINE), str(roster), "--out", str(tmp_path / "out")]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status"] == "GIVEN"
    assert summary["uncovered_hours"] == {"chat": 28 * 24 - 5 * 8}


def test_demand_writes_requirements(tmp_path: Path) -> None:
    assert main(["demand", str(NINE), "--out", str(tmp_path)]) == 0
    table = rows(tmp_path / "requirements.csv")
    assert list(table[0])[:4] == ["interval_start_utc", "channel", "volume", "required"]
    assert {r["required"] for r in table} == {"1"}


def test_a_command_draws_headless_and_leaves_the_callers_backend_alone(tmp_path: Path, monkeypatch) -> None:
    """`demand` draws with Agg, but a notebook kernel or test run that calls main() keeps its own backend afterwards."""
    monkeypatch.delenv("MPLBACKEND", raising=False)
    assert main(["demand", str(NINE), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "requirements-by-hour.png").is_file() and "MPLBACKEND" not in os.environ
    monkeypatch.setenv("MPLBACKEND", "svg")
    assert main(["demand", str(NINE), "--out", str(tmp_path / "again")]) == 0
    assert os.environ["MPLBACKEND"] == "svg"


def test_plan_exits_1_and_says_why_when_rules_contradict(tmp_path: Path, capsys) -> None:
    shutil.copy(ROOT / "configs" / "nine-to-five-forecast.csv", tmp_path)
    text = NINE.read_text().replace("{min: 40, max: 40}", "{min: 48, max: 48}")
    (tmp_path / "team.yaml").write_text(text)
    assert main(["plan", str(tmp_path / "team.yaml"), "--out", str(tmp_path / "out"), "--quiet", "--time-limit", "10"]) == 1
    err = capsys.readouterr().err
    assert "no roster: INFEASIBLE" in err and "agent avery" in err
    assert not (tmp_path / "out" / "roster.csv").exists()


def test_hires_exits_1_and_says_why_when_todays_team_has_no_roster(tmp_path: Path, capsys) -> None:
    """The roadmap's step 0 is today's team: when the hard rules leave it no roster, say so, exit 1, no traceback."""
    shutil.copy(ROOT / "configs" / "nine-to-five-forecast.csv", tmp_path)
    (tmp_path / "team.yaml").write_text(NINE.read_text().replace("{min: 40, max: 40}", "{min: 48, max: 48}"))
    assert main(["hires", str(tmp_path / "team.yaml"), "--out", str(tmp_path / "out"), "--steps", "1", "--time-limit", "10"]) == 1
    err = capsys.readouterr().err
    assert "no roster for today's team: INFEASIBLE" in err and "agent avery" in err
    assert not (tmp_path / "out" / "roster.csv").exists()


def test_bad_roster_file_is_bad_input(tmp_path: Path, capsys) -> None:
    roster = tmp_path / "rota.csv"
    roster.write_text("agent,shift,date\nzed,day,2027-01-04\navery,night,2027-01-04\navery,day,04/01/2027\n")
    assert main(["verify", str(NINE), str(roster)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[0] for line in err] == [f"{roster}:2", f"{roster}:3", f"{roster}:4"]


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan: [1, 2\n")
    done = subprocess.run([sys.executable, "-m", "coverage", "check", str(bad)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and f"{bad}:" in done.stderr


def test_plan_explains_why_the_largest_gaps_stay_open(planned: Path) -> None:
    why = json.loads((planned / "summary.json").read_text())["gap_explanations"]
    # Only the candidate sites (nobody hired yet) have shifts reaching New York's evenings and nights: the fix is a hire.
    assert why[0] == (
        "Mon–Thu 17:00–09:00 next day America/New_York, every week, chat: "
        "no agent with the chat skill works at dublin, los_angeles, manila, whose shifts reach these hours"
        " — hire profile la-evening or dublin or manila would reach them"
    )
    # The weekend: the team's limit of 0 weekends keeps all 8 off; ny-weekend (New York's day shift) is a hire that would not.
    assert why[1] == (
        "Fri 17:00–Mon 09:00 America/New_York, every week (the last cut short by the period's end), chat: "
        "of 8 agents who could cover its first hours, 8 at their weekend limit"
        " — a higher max_weekends_per_period (now 0 for 8 of them) would reach them;"
        " or hire profile ny-weekend or la-evening or dublin would reach them"
    )
    assert why[2] == (
        "Mon 04 Jan 00:00–09:00 America/New_York, once (the period's first day), chat: "
        "no agent with the chat skill works at dublin, manila, whose shifts reach these hours"
        " — hire profile dublin or manila would reach them"
    )
    html = (planned / "report.html").read_text(encoding="utf-8")
    assert html.count("hire profile la-evening or dublin or manila would reach them") == 2  # in the list, and beside its window


def test_ctrl_c_keeps_the_best_roster_found(tmp_path: Path) -> None:
    import signal
    import time

    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "coverage",
        "plan",
        str(ROOT / "configs" / "example.yaml"),
        "--out",
        str(out),
        "--time-limit",
        "120",
        "--workers",
        "2",
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # wait for the first roster before interrupting
        line = process.stderr.readline()
        if "objective" in line or not line:
            break
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "interrupted: keeping the best roster found so far" in stderr
    assert "Traceback" not in stderr
    assert main(["verify", str(ROOT / "configs" / "example.yaml"), str(out / "roster.csv")]) == 0


def test_hires_says_which_target_hours_no_hire_reaches(tmp_path: Path, capsys) -> None:
    """The nine-to-five team with only the New York weekend and Los Angeles evening profiles: overnight in
    New York (22:00-06:00), the LA evenings reach 22:00-24:00 and nobody reaches 00:00-06:00. The roadmap
    takes the two LA hires that close target hours (not the third, nor the weekend ones), writes them,
    names the hours out of reach with the shifts that would reach them, and exits 1; --cheapest likewise."""
    text = NINE.read_text(encoding="utf-8")
    for profile in ("dublin", "manila"):
        text = "\n".join(line for line in text.splitlines() if not line.startswith(f"  - {{id: {profile},"))
    config = tmp_path / "team.yaml"
    config.write_text(text + "\n", encoding="utf-8")
    shutil.copy(NINE.with_name("nine-to-five-forecast.csv"), tmp_path)
    common = ["--within", "America/New_York:overnight", "--time-limit", "10", "--workers", "2"]
    assert main(["hires", str(config), "--out", str(tmp_path / "roadmap"), *common]) == 1
    printed = capsys.readouterr()
    assert [row["hire"] for row in rows(tmp_path / "roadmap" / "hires.csv")] == ["", "la-evening-1", "la-evening-2"]
    expected = [
        "target out of reach: no shift of today's team or of any candidate reaches these 168 h of it (every needed "
        "interval with somebody on duty overnight (22:00–06:00) in America/New_York):",
        "  chat: Mon–Sun 00:00–06:00 America/New_York (28 days, 168 h)",
        "  shifts over these hours: dublin early (05:00 local, 9 h); manila afternoon (13:00 local, 9 h) — add a candidate "
        "with chat who may work one (candidates: site, skills, shifts; a limit of 0 weekends or nights keeps one off), "
        "or leave these hours out of the target",
    ]
    assert printed.err.splitlines()[-3:] == expected and "Traceback" not in printed.err
    assert main(["hires", str(config), "--out", str(tmp_path / "cheapest"), "--cheapest", *common]) == 1
    printed = capsys.readouterr()
    assert [row["hire"] for row in rows(tmp_path / "cheapest" / "hires.csv")] == ["la-evening-1", "la-evening-2"]
    assert "cheapest hires for every target hour within reach" in printed.out and printed.err.splitlines()[-3:] == expected


@pytest.mark.parametrize("command", ["plan", "hires", "sweep"])
@pytest.mark.parametrize("limit", ["-5", "0", "nan"])
def test_a_time_limit_that_is_no_positive_number_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, limit: str
) -> None:
    """`--time-limit -5` reached CP-SAT, which answered MODEL_INVALID: exit 1 with "the hard rules (leave, rest,
    contract hours, weekends) contradict each other", a wrong reason for a typo. plan.time_limit_seconds must be
    > 0 in the YAML; the flag is the same setting: exit 2 and one line, before any file is read."""
    extra = ["--scenarios", str(tmp_path / "s.yaml")] if command == "sweep" else []
    with pytest.raises(SystemExit) as exited:
        main([command, str(tmp_path / "team.yaml"), "--out", str(tmp_path / "out"), "--time-limit", limit, *extra])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"covplan {command}: error: argument --time-limit: {limit!r} is not a positive number of seconds (expected e.g. 10)"
    )


@pytest.mark.parametrize(
    ("command", "flag", "value", "expected"),
    [
        ("plan", "--workers", "-2", "from 0 to 256"),
        ("plan", "--workers", "two", "from 0 to 256"),
        ("plan", "--race", "0", "1 or more"),
        ("hires", "--steps", "-1", "1 or more"),
        ("hires", "--workers", "257", "from 0 to 256"),
        ("sweep", "--workers", "-1", "from 0 to 256"),
    ],
)
def test_a_count_flag_out_of_its_range_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, flag: str, value: str, expected: str
) -> None:
    """`--workers -2` and `hires --steps -1` were taken without a word; like plan.workers (0-256), exit 2, one line."""
    extra = ["--scenarios", str(tmp_path / "s.yaml")] if command == "sweep" else []
    with pytest.raises(SystemExit) as exited:
        main([command, str(tmp_path / "team.yaml"), "--out", str(tmp_path / "out"), flag, value, *extra])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"covplan {command}: error: argument {flag}: {value!r} is not a whole number {expected}"
    )


def test_gaps_of_another_roster_never_rewrites_a_published_folder_without_force(
    planned: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`covplan gaps CONFIG hand.csv --out DIR`, DIR holding a published roster: the report of hand.csv replaced
    DIR's roster.xlsx (the grid the team reads) and summary.json, beside a roster.csv that says otherwise, with no
    --force. Refused like `plan` (exit 2, one line, nothing touched); the folder's own roster.csv, or --force, is fine."""
    out = tmp_path / "out"
    shutil.copytree(planned, out)
    lines = (out / "roster.csv").read_text(encoding="utf-8").splitlines()
    hand = tmp_path / "hand.csv"
    hand.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # one shift fewer
    before = {name: (out / name).read_bytes() for name in ("roster.xlsx", "summary.json", "coverage.csv")}
    capsys.readouterr()
    assert main(["gaps", str(NINE), str(hand), "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{out / 'roster.csv'}: a roster is already published here; pass --force to replace its report with "
        f"{hand.name}'s or choose another --out directory"
    ]
    assert {name: (out / name).read_bytes() for name in before} == before
    assert main(["gaps", str(NINE), str(out / "roster.csv"), "--out", str(out)]) == 0  # its own roster: the same report
    assert main(["gaps", str(NINE), str(hand), "--out", str(out), "--force"]) == 0
    assert json.loads((out / "summary.json").read_text())["roster"]["shifts"] == len(lines) - 2
