"""Render our sections of benchmarks/RESULTS.md from benchmarks/results/*.jsonl, keeping everyone else's.

RESULTS.md is shared: each stage of the project owns the `## ` sections it
writes. Ours are replaced in place (or appended); the others are copied as
they are. RESULTS.md holds tables: notes that interpret a run, and the story of
what was tried, live in benchmarks/notes/SECTION.md (shown on the docs site's
"Benchmark notes" page), and each section links to its note.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CURTOIS, ROSTER, SCALE, PEERS = "Curtois & Qu", "Roster model: example and 200-agent team", "Scale", "Peers"
DEMAND = "Demand (Erlang)"
YEAR = "A year of rota periods"
BACKLOG = "Email by its deadline"
SUITE = "Generated suite (the yardstick)"
PART_TIME = "Part-time team"
NOTES = Path(__file__).resolve().parent / "notes"


def load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _n(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}" if isinstance(value, (int, float)) else str(value)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _latest(rows: list[dict[str, Any]]) -> dict[tuple[str, str, float], dict[str, Any]]:
    """Last run per (model, instance, time limit)."""
    found: dict[tuple[str, str, float], dict[str, Any]] = {}
    for row in rows:
        if "instance" in row:
            found[(row["model"], row["instance"], float(row["time_limit"]))] = row
    return found


def _instances(rows: dict[tuple[str, str, float], dict[str, Any]]) -> list[str]:
    return sorted({key[1] for key in rows}, key=lambda name: int(re.sub(r"\D", "", name) or 0))


def curtois_section(rows: list[dict[str, Any]]) -> str:
    runs = _latest(rows)
    limits = sorted({key[2] for key in runs if key[0] == "coverage"})
    head = (
        "| instance | best known | "
        + " | ".join(f"ours {t:g} s: objective (gap) | bound | first feasible (s) | load" for t in limits)
        + " |"
    )
    lines = [head, "|" + "---|" * (2 + 4 * len(limits))]
    for name in _instances(runs):
        best = next((r.get("best_known") for k, r in runs.items() if k[1] == name), None)
        cells = [name.removeprefix("Instance"), _n(best)]
        for t in limits:
            r = runs.get(("coverage", name, t), {})
            mark = " ✓" if r.get("objective") is not None and r.get("objective") == best else ""
            cells += [
                f"{_n(r.get('objective'))} ({_pct(r.get('gap_to_best_known'))}){mark}",
                _n(r.get("bound")),
                _n(r.get("first_feasible_seconds"), 2),
                _n((r.get("load") or [None])[0], 1),
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def peers_section(rows: list[dict[str, Any]]) -> str:
    runs = _latest(rows)
    columns = sorted({(k[0], k[2]) for k in runs}, key=lambda c: (c[1], ["coverage", "peer_cpsat", "peer_cpmpy"].index(c[0])))
    label = {"coverage": "ours", "peer_cpsat": "plain CP-SAT", "peer_cpmpy": "CPMpy"}
    head = "| instance | " + " | ".join(f"{label[m]} {t:g} s" for m, t in columns) + " |"
    lines = [head, "|" + "---|" * (1 + len(columns))]
    ratios: dict[tuple[str, float], list[float]] = defaultdict(list)
    for name in _instances(runs):
        cells = [name.removeprefix("Instance")]
        for model, t in columns:
            r = runs.get((model, name, t), {})
            text = _n(r.get("objective"))
            if r.get("status") == "OPTIMAL":
                text += f" (opt. {r['seconds']:.1f} s)"
            cells.append(text)
            ours = runs.get(("coverage", name, t), {}).get("objective")
            if model != "coverage" and ours and r.get("objective"):
                ratios[(model, t)].append(ours / r["objective"])
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "Objective ratio ours / peer at the same time limit (geometric mean over the instances both solved; below 1 = we are better):"
    )
    lines.append("")
    for (model, t), values in sorted(ratios.items()):
        product = 1.0
        for v in values:
            product *= v
        lines.append(f"- {label[model]}, {t:g} s: {product ** (1 / len(values)):.3f} over {len(values)} instances")
    return "\n".join(lines)


def team_table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| team | agents | sites | days | grid (min) | limit (s) | first roster (s) | within 1 % of bound (s) | objective | bound | gap "
        "| status | peak memory (MB) | load |"
    )
    lines = [head, "|" + "---|" * 14]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r.get('command', '')[-80:]} | error: {r['error']} |" + " |" * 12)
            continue
        lines.append(
            "| "
            + " | ".join(
                [
                    r["label"],
                    _n(r["agents"]),
                    _n(r["sites"]),
                    _n(r["days"]),
                    _n(r["interval"]),
                    _n(r["time_limit"]),
                    _n(r["first_roster_seconds"], 1),
                    _n(r["within_1pct_seconds"], 1),
                    _n(r["objective"]),
                    _n(r["bound"]),
                    _pct(r["gap"]),
                    r["status"],
                    _n(r["peak_mb"]),
                    _n(r["load"][0], 1),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def _latest_team_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        found[(r.get("label"), r.get("interval"), r.get("time_limit"), r.get("command") if "error" in r else None)] = r
    return list(found.values())


def notes_link(name: str) -> str:
    """The line under a section's tables that points at its note (benchmarks/notes/SECTION.md), if it has one."""
    path = NOTES / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.md"
    if not path.exists():
        return ""
    return f"\n\nWhat these figures mean, how they were measured and what was tried: [notes/{path.name}](notes/{path.name})."


_notes = notes_link


def _when(rows: list[dict[str, Any]]) -> str:
    """The days the rows were measured on (from their `finished` stamps), so re-rendering keeps the run's date."""
    days = sorted({row["finished"][:10] for row in rows if row.get("finished")})
    if not days:
        return datetime.now(UTC).date().isoformat()
    return days[0] if len(days) == 1 else f"{days[0]} – {days[-1]}"


def _machine(machine: str, rows: list[dict[str, Any]]) -> str:
    """The machine the rows were measured on, as each recorded it; `machine` (this one) for rows from before they did."""
    return " / ".join(sorted({row["machine"] for row in rows if row.get("machine")})) or machine


def _where(machine: str, rows: list[dict[str, Any]]) -> str:
    machine = _machine(machine, rows)
    return f"**Machine:** {machine}, 24 GiB (load average at the start of each run in its row). **Date:** {_when(rows)}."


def demand_section(row: dict[str, Any], machine: str) -> str:
    """Erlang requirements, ours against pyworkforce, from the last `erlang` stage run."""
    from erlang import table, totals  # the script's own table and sums: one rendering for its printout and RESULTS.md

    channels = row["channels"]
    version = f" {row['pyworkforce']}" if row.get("pyworkforce") else ""
    head = (
        f"**What:** staffing requirements (smallest number of servers meeting each channel's service level) for one year of "
        f"15-minute intervals — {row['intervals']:,} intervals — on {len(channels)} channels (synthetic weekly shape with "
        "±10 % noise, volumes to 0.1 contact), with `coverage.demand.required_servers` (vectorised Erlang C, and Erlang A "
        f"with patience) and with [pyworkforce](https://pypi.org/project/pyworkforce/){version}'s "
        "`ErlangC.required_positions` called once per interval.\n\n"
        f"**Machine:** {_machine(machine, [row])}, 24 GiB; numpy {row['numpy']}. **Date:** {_when([row])}. **Command:** `make bench` "
        "(stage `erlang`: `.venv/bin/python benchmarks/erlang.py --json`; pyworkforce through the `bench` extra).\n\n"
    )
    return head + table(row) + "\n\n" + _demand_summary(channels, totals(channels), row.get("sample", 0)) + _notes(DEMAND)


def _demand_summary(channels: list[dict[str, Any]], total: dict[str, float], sample: int) -> str:
    compared, agree, ours_c, theirs = total["compared"], total["agree"], total["ours_c"], total["theirs"]
    fewer = [100 * (1 - c["servers_a"] / c["servers_c"]) for c in channels if c["servers_c"]]
    lines = []
    if compared:
        lines.append(
            f"- **Answers:** {agree:,} of {compared:,} Erlang C requirements agree with pyworkforce's"
            + ("." if agree == compared else "; the exact service level decides each difference (listed above).")
        )
        if not sample:  # a sampled run times pyworkforce on part of the year only
            lines.append(f"- **Speed:** Erlang C about {theirs / ours_c:,.0f}× faster ({ours_c:.2f} s against {theirs:.1f} s).")
    else:
        lines.append("- pyworkforce was not installed for this run: our figures only.")
    if fewer:
        spread = f"{min(fewer):.0f}" if round(min(fewer)) == round(max(fewer)) else f"{min(fewer):.0f}–{max(fewer):.0f}"
        lines.append(
            f"- **Erlang A** (each channel's patience) needs {spread} % fewer server-intervals over the year than Erlang C."
        )
    return "\n".join(lines)


def _changes(found: dict[str, int] | None) -> str:
    return "–" if not found else f"−{found['removed']} +{found['added']}, {found['channel']} channel moves"


def year_section(row: dict[str, Any], machine: str) -> str:
    """Thirteen chained periods of the example team: each period's figures, fairness over the year, the concatenated check."""
    head = (
        f"**What:** the example team planned for {len(row['periods'])} four-week periods in a row, each with the previous "
        "roster as `history:`, one of them re-planned mid-period with `--keep` after an agent falls ill for three days; "
        "the rosters as published, and the year as one roster checked against one config spanning it.\n\n"
        f"{_where(machine, [row])} **Command:** `make bench` (stage `year`: `.venv/bin/python benchmarks/year.py "
        f"--time-limit {row['time_limit']:g} --workers 2`; {row['seconds'] / 60:.0f} min in all).\n\n"
    )
    lines = [
        "| period | start | status | gap to bound | coverage | uncovered h | weekend h | overnight h | shifts | re-plan: shifts −removed +added, channel moves | s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in row["periods"]:
        gap = (
            (p["objective"] - p["best_bound"]) / p["objective"]
            if p.get("objective") and p.get("best_bound") is not None
            else None
        )
        lines.append(
            f"| {p['index'] + 1} | {p['start']} | {p['status']} | {_pct(gap)} | {_pct(p['coverage_ratio'])} | "
            f"{_n(p['uncovered_hours'], 1)} | {_n(p['weekend_uncovered_hours'], 1)} | {_n(p['overnight_uncovered_hours'], 1)} | "
            f"{p['shifts']} | {_changes(p.get('replanned_changes'))} | {_n(p['seconds'], 0)} |"
        )
    fair = ["| site | shared | agents | spread over the year | spread in each period |", "|---|---|---|---|---|"]
    fair += [
        f"| {f['site']} | {f['kind']} | {f['agents']} | {f['year_spread']} | {', '.join(map(str, f['period_spreads']))} |"
        for f in row["fairness"]
    ]
    verdict = (
        f"**Concatenated year:** {row['year_violations']} violation(s) of any rule across the "
        f"{len(row['periods']) - 1} boundaries (checked as one roster)."
    )
    return head + "\n".join(lines) + "\n\n" + "\n".join(fair) + "\n\n" + verdict + _notes(YEAR)


def backlog_section(row: dict[str, Any], machine: str) -> str:
    """The queue model against the smoothed requirement it replaced: each one's time to come near its own best roster."""
    head = (
        f"**What:** the example team ({row['label']}) planned with its email channel as a first-come-first-served queue "
        "judged by its deadline (the model since issue 23) and as the smoothed per-interval requirement it replaced, "
        f"same seeds and 2 workers, {row['time_limit']:g} s a run, the models taking turns; a {row['reference']:g} s run "
        "per model (seed 1) helps set each one's best roster. The two models price different things, so each is "
        "timed to its own best (how long until its roster costs at most 1, 2 and 5 % more), and both are then judged "
        "in one currency, the queue's (below the table).\n\n"
        f"{_where(machine, [row])} **Command:** `make bench` (stage `backlog`: `.venv/bin/python benchmarks/backlog.py "
        f"--config configs/example.yaml --time-limit {row['time_limit']:g} --reference {row['reference']:g} --seeds 1,2,3`).\n\n"
    )
    lines = [
        "| model | seed | limit s | cost | bound | first roster s | to 5 % s | to 2 % s | to 1 % s | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(row["runs"], key=lambda r: (r["model"], r["time_limit"], r["seed"])):
        reach = r["to_quality"]
        lines.append(
            f"| {r['model']} | {r['seed']} | {r['time_limit']:g} | {_n(r['objective'])} | {_n(r['bound'])} | "
            f"{_n(r['first_roster_seconds'], 1)} | {_n(reach['5%'], 1)} | {_n(reach['2%'], 1)} | {_n(reach['1%'], 1)} | {_n(r['load'], 1)} |"
        )
    best = ", ".join(f"{model} {_n(value)}" for model, value in row["best"].items())
    ratio = "; ".join(
        f"within {q}: median {row['ratio_median'][q]:.2f}×, worst {row['ratio_worst'][q]:.2f}×" for q in row["ratio_median"]
    )
    verdict = (
        f"**Best rosters found:** {best}. **Queue / smoothed, time to come within each level of its own best** "
        f"(a run that never did counts its whole limit): {ratio}."
    )
    return head + "\n".join(lines) + "\n\n" + verdict + _one_currency(row) + _notes(BACKLOG)


def _one_currency(row: dict[str, Any]) -> str:
    """Equal quality in the manager's currency: the smoothed run's best roster priced by the queue, and who reached it when."""
    same = row.get("one_currency") or []
    if not same:
        return ""  # rows before the queue pricing, or one model alone
    lines = [
        "| seed | smoothed model's best roster, priced by the queue | smoothed found it, s | queue reached it, s | queue / smoothed |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {s['seed']} | {_n(s['level'])} | {_n(s['smoothed_seconds'], 1)} | {_n(s['queue_seconds'], 1)} | {s['ratio']:.2f}× |"
        for s in same
    ]
    return (
        "\n\n**Equal quality in one currency** — what a roster costs when email is judged by its deadline, the question "
        "the manager asks: every roster each smoothed run held, priced in the queue model (its shifts fixed); the "
        "cheapest of them is the answer the old model gave, and the queue run is timed to a roster at least as good.\n\n"
        + "\n".join(lines)
        + f"\n\n**Queue / smoothed, time to the smoothed model's best answer:** median "
        f"{row['one_currency_median']:.2f}×, worst {row['one_currency_worst']:.2f}×."
    )


def part_time_section(rows: list[dict[str, Any]], machine: str) -> str:
    """Issue 26's part-time team in its variants beside the example team: same limit, same workers; the latest run of each seed."""
    latest = {row.get("seed", 1): row for row in rows}
    runs = [latest[seed] for seed in sorted(latest)]
    head = (
        "**What:** a generated team of part-time engineers in Dublin, New York and Manila with availability per half "
        "hour (`availability_file`), one engineer on chat every hour (`mix`), mentors; `listed` — 20 listed templates a "
        "site, no availability; `availability` — with it; `targets` — and fair-share targets; `flexible` — as "
        "`targets` with one flexible template a site (`06:00-16:00`, 2-8 h) and a preferred length per agent. The "
        "example team (configs/example.yaml) with the same limit and workers. Each run is timed to its first roster, "
        "to come within 5 % and 1 % of its own final cost, and within 5 % of the best cost any recorded run of that team "
        "found (to best 5 %: `benchmarks/results/availability-bests.json`); verified = the roster passes `covplan "
        "verify`'s checks. The latest run of each seed (the seed generates the team).\n\n"
        f"{_where(machine, runs)} **Command:** `make bench` (stage `availability`: `.venv/bin/python "
        f"benchmarks/availability.py --json --time-limit {runs[-1]['time_limit']:g} --update-bests`, seed 1; other seeds "
        f"`--seed N`, some with `--variants flexible --no-example`), {runs[-1]['workers']} workers.\n\n"
    )
    lines = [
        "| seed | team | agents | days | availability rows | build s | variables | status | cost | gap | verified | "
        "first roster s | to 5 % s | to 1 % s | to best 5 % s | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in runs:
        for r in row["runs"]:
            lines.append(
                f"| {row.get('seed', 1)} | {r['team']} | {_n(r['agents'])} | {_n(r['days'])} | {_n(r['availability_rows'])} | "
                f"{_n(r['build_seconds'], 2)} | {_n(r['variables'])} | {r['status']} | {_n(r['objective'])} | {_pct(r['gap'])} | "
                f"{'yes' if r['verified'] else 'no'} | {_n(r['first_roster_seconds'], 1)} | {_n(r['to_5pct_seconds'], 1)} | "
                f"{_n(r['to_1pct_seconds'], 1)} | {_n(r.get('to_best_5pct_seconds'), 1)} | {_n(r['load'][0], 1)} |"
            )
    return head + "\n".join(lines) + _notes(PART_TIME)


def suite_section(rows: list[dict[str, Any]], machine: str) -> str:
    """One row per instance, condition and time limit: median and worst of the seeds, against the best any of our runs found."""
    good = [r for r in rows if "error" not in r]
    best: dict[str, float] = {}
    for r in good:
        if r["solver"] == "ours" and r.get("objective") is not None:
            best[r["instance"]] = min(best.get(r["instance"], r["objective"]), r["objective"])
    runs: dict[tuple[str, str, float], dict[str, dict[int, dict[str, Any]]]] = defaultdict(lambda: defaultdict(dict))
    for r in _newest_code(good):  # the latest row of each seed counts
        runs[(r["instance"], r.get("condition", "quiet"), r["time_limit"])][r["solver"]][r["seed"]] = r
    head = (
        "| instance | shape | condition | limit (s) | seeds | ours: from our best, median (worst) | ours: from the bound, "
        "median (worst) | first roster (s), median (worst) | plain / ours, median | peak memory (MB) | load |"
    )
    lines = [head, "|" + "---|" * 11]
    for (instance, condition, limit), by_solver in sorted(runs.items(), key=lambda item: (item[0][0], item[0][1], item[0][2])):
        ours = list(by_solver.get("ours", {}).values())
        plain = by_solver.get("plain", {})
        reference = best.get(instance)
        from_best = [
            None if r.get("objective") is None or not reference else (r["objective"] - reference) / reference for r in ours
        ]
        from_bound = [
            None
            if r.get("objective") is None or r.get("bound") is None
            else (r["objective"] - r["bound"]) / max(abs(r["objective"]), 1)
            for r in ours
        ]
        firsts = [r.get("first_roster_seconds") for r in ours]
        unpriced = _unpriced(ours)
        ratios = [
            plain[seed]["objective"] / r["objective"]
            for seed, r in by_solver.get("ours", {}).items()
            if seed in plain and plain[seed].get("objective") is not None and r.get("objective")
        ]
        shape = (ours or list(plain.values()))[0].get("shape", "")
        lines.append(
            "| "
            + " | ".join(
                [
                    instance,
                    shape,
                    condition,
                    _n(limit),
                    _n(len(ours)),
                    UNPRICED if unpriced else _median_worst(from_best, _pct),
                    UNPRICED if unpriced else _median_worst(from_bound, _pct),
                    _median_worst(firsts, lambda v: _n(v, 1)),
                    "–" if not ratios else f"{statistics.median(ratios):.2f}",
                    _n(max((r.get("peak_mb") or 0 for r in ours), default=None)),
                    _suite_load(ours),
                ]
            )
            + " |"
        )
    return (
        f"{_where(machine, rows)} **Command:** `python benchmarks/run.py --stages suite` (`benchmarks/suite.py run --limit S "
        "[--beside-load]`: every instance of the suite with seeds 1, 2 and 3, ours and the plain CP-SAT model in the same run), "
        "2 workers; each line the latest run of each seed with the code of its newest run (rows are stamped with their code's last "
        'commit since 2026-12-07; older rows count as one version). "from our best": distance to the best roster any of our runs of that instance found (any limit, any '
        'condition); a seed with no roster counts as worst; rosters the stages-only path returned (no whole model to price them) read "roster, not priced". "plain / ours": the plain model\'s objective over ours, same seed '
        '(`peer_cpsat.py` on the Curtois-like instances, the direct model without stages on the teams). "load": the load '
        "average at the start of the run, median of the seeds; in brackets, where measured, the cores' worth of CPU that "
        "processes other than the run (and its busy neighbour) took during it, from /proc/stat — the condition is "
        '"quiet" below 0.3.\n\n' + "\n".join(lines)
    )


def _newest_code(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Of each instance, condition and limit, only the rows of the code its newest row ran (rows without a `code`
    stamp, from before it existed, count as one version): a line of the table never mixes two versions' seeds."""

    def line(r: dict[str, Any]) -> tuple[str, str, float]:
        return r["instance"], r.get("condition", "quiet"), r["time_limit"]

    newest = {line(r): r.get("code") for r in rows}  # rows in the order they ran: the last of a line is its newest
    return [r for r in rows if r.get("code") == newest[line(r)]]


UNPRICED = "roster, not priced"


def _unpriced(ours: list[dict[str, Any]]) -> bool:
    """Every seed returned a roster without a cost: the stages-only path (a model too big to build in the limit) prices
    none, and "none" would read as no roster at all."""
    return bool(ours) and all(r.get("objective") is None and r.get("first_roster_seconds") is not None for r in ours)


def _suite_load(ours: list[dict[str, Any]]) -> str:
    """The median start load of the seeds, and the median CPU other processes took during them where measured."""
    if not ours or not all("load" in r for r in ours):
        return "–"
    load = _n(statistics.median(r["load"][0] for r in ours), 1)
    others = [r["others_cores"] for r in ours if "others_cores" in r]
    return load if not others else f"{load} ({statistics.median(others):.1f})"


def _median_worst(values: list[Any], show: Any) -> str:
    """'median (worst)' of the seeds; a seed without a value is the worst."""
    if not values:
        return "–"
    found = sorted(v for v in values if v is not None)
    if not found:
        return "none"
    worst = "none" if len(found) < len(values) else show(found[-1])
    return f"{show(statistics.median(found))} ({worst})"


def sections(results: Path, machine: str) -> dict[str, str]:
    curtois = load(results / "curtois.jsonl")
    roster, scale, erlang = load(results / "roster.jsonl"), load(results / "scale.jsonl"), load(results / "erlang.jsonl")
    found = {
        CURTOIS: (
            f"{_where(machine, curtois)} **Command:** `make bench` (stage `curtois`; one run per instance: "
            "`.venv/bin/python benchmarks/curtois.py benchmarks/data/InstanceN.txt --time-limit S --workers 2 "
            "--milestones 10,60`, S = 60 s, or 600 s for instances 10-12). The columns for 10 s (and 60 s in a 600 s "
            "run) are read off that same run: the objective the search had reported by then and its bound. The "
            "run's final objective is the independent evaluator's (`coverage.read_curtois.evaluate`), which agreed "
            "with the solver's own objective on every run. ✓ = best-known (proven optimal) value reached.\n\n"
            + curtois_section(curtois)
            + _notes(CURTOIS)
        ),
        ROSTER: (
            f"{_where(machine, roster)} **Command:** `make bench` (stage `roster`: `benchmarks/scale.py --config configs/example.yaml "
            "--time-limit 30` and `benchmarks/scale.py --agents 200 --sites 6 --days 28 --time-limit 120`), 2 workers.\n\n"
            + team_table(_latest_team_rows(roster))
            + _notes(ROSTER)
        ),
        SCALE: (
            f"{_where(machine, scale)} **Command:** `make bench` (stage `scale`: `benchmarks/scale.py --agents N --sites K --days 28 "
            "--interval I --time-limit S`, S = 60 s for every team and 300 s too for 300+ agents hourly or 100+ at "
            "15 minutes), 2 workers; synthetic teams from `coverage.synthetic.write_team`.\n\n"
            + team_table(_latest_team_rows(scale))
            + _notes(SCALE)
        ),
        PEERS: (
            f"{_where(machine, curtois)} **Command:** `make bench` (stage `curtois`: `benchmarks/peer_cpsat.py` 60 s with its 10 s "
            "milestone, `benchmarks/peer_cpmpy.py` 10 s, on the same instances, 2 workers). Final objectives from our "
            "evaluator, milestones as each search reported them.\n\n" + peers_section(curtois) + _notes(PEERS)
        ),
    }
    if erlang:  # until the stage has run, the section written by hand stays as it is
        found = {DEMAND: demand_section(erlang[-1], machine), **found}
    year = load(results / "year.jsonl")
    if year:
        found[YEAR] = year_section(year[-1], machine)
    backlog = load(results / "backlog.jsonl")
    if backlog:
        found[BACKLOG] = backlog_section(backlog[-1], machine)
    part_time = load(results / "availability.jsonl")
    if part_time:
        found[PART_TIME] = part_time_section(part_time, machine)
    suite = load(results / "suite.jsonl")
    if suite:
        found[SUITE] = suite_section(suite, machine)
    return found


def render(target: Path, results: Path, machine: str) -> None:
    """Replace (or append) our sections of `target`; every other section is kept verbatim."""
    text = target.read_text() if target.exists() else "# Benchmark results\n"
    for title, body in sections(results, machine).items():
        text = replace_section(text, title, body)
    target.write_text(text)


def replace_section(text: str, title: str, body: str) -> str:
    """`text` with its `## title` section's body replaced (or the section appended); the others kept verbatim.

    Other stages' scripts (benchmarks/memory.py) own a section each and write it with this too.
    """
    out, done = [], False
    for part in re.split(r"(?m)^(?=## )", text):
        name = part[3:].splitlines()[0].strip() if part.startswith("## ") else None
        if name == title:
            out.append(f"## {title}\n\n{body}\n\n")
            done = True
        else:
            out.append(part if part.endswith("\n\n") or not part.startswith("## ") else part.rstrip("\n") + "\n\n")
    if not done:
        out.append(f"## {title}\n\n{body}\n\n")
    return "".join(out).rstrip("\n") + "\n"
