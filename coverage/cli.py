"""`covplan`: the command line. Thin on purpose — parse, call the library, print.

User mistakes are caught here, once, and printed as `FILE:LINE: where: what`
lines with exit code 2; a roster that cannot exist exits 1 and says why.
Nothing else escapes either: a bug is one line and exit code 3 (set
COVPLAN_DEBUG=1 for the traceback), Ctrl-C is exit code 130.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from coverage.config import BacklogChannel, Config, load_config
from coverage.errors import CoverageError, InputError, OutputExistsError
from coverage.executor import CLUSTER_ENV, cluster_address
from coverage.outputs import (
    ATTRITION_FILE,
    CHANGES_FILE,
    HIRES_FILE,
    OUTPUT_NAMES,
    PICTURE_SUFFIXES,
    REQUIREMENTS_FILE,
    ROSTER_FILE,
    XLSX_FILE,
    prepare_out_dir,
    staged_outputs,
)
from coverage.pipeline import PlanResult, RosterRejected, publish_roster
from coverage.roster import Assignment, KeptRoster, Roster

if TYPE_CHECKING:
    from coverage.demand import Requirements
    from coverage.forecast import BuiltForecast, RowSpacing
    from coverage.helpdesk import Tickets
    from coverage.hires import Loss
    from coverage.scenarios import ScenarioPlan
    from coverage.solve import ModelInputs, SolveParams, Target

EXIT_OK, EXIT_NO_ROSTER, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_OUT_OF_REACH = EXIT_NO_ROSTER  # covplan hires: target hours no hire can close (says which)


def _seconds(text: str) -> float:
    """A `--time-limit`: a positive number of seconds, as plan.time_limit_seconds must be (CP-SAT reads a negative
    one as an invalid model, which would be reported as contradicting hard rules)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not value > 0:  # NaN too
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds (expected e.g. 10)")
    return value


def _whole(least: int, most: int | None = None) -> Callable[[str], int]:
    """A count flag (`--workers`, `--steps`, `--race`) within the range its config key or meaning allows: `--workers -2`
    and `--steps -1` were taken without a word (a negative worker count reached CP-SAT; no step asked for none)."""

    def count(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = least - 1
        if value < least or (most is not None and value > most):
            span = f"from {least} to {most}" if most is not None else f"{least} or more"
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number {span}")
        return value

    return count


WORKERS = _whole(0, 256)  # as plan.workers: 0 = one per core


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="covplan",
        description="Follow-the-sun shift coverage planner: forecast → requirements → roster → gaps by time zone.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate a configuration and every file it names")
    check.add_argument("config", type=Path, metavar="CONFIG")

    demand = commands.add_parser("demand", help="turn the forecast into staffing requirements (requirements.csv and a plot)")
    demand.add_argument("config", type=Path, metavar="CONFIG")
    demand.add_argument("--out", type=Path, required=True, metavar="DIR")

    forecast = commands.add_parser(
        "forecast", help="ticket history or a helpdesk export → forecast (profile.csv, forecast.yaml, forecast.csv, a plot)"
    )
    forecast.add_argument(
        "history", type=Path, metavar="EXPORT", help="one row per ticket (created_at,channel), or a helpdesk export with --from"
    )
    forecast.add_argument(
        "--config", type=Path, required=True, metavar="CONFIG", help="plan configuration: channels and forecast.timezone"
    )
    forecast.add_argument("--out", type=Path, required=True, metavar="DIR")
    forecast.add_argument(
        "--from",
        dest="vendor",
        metavar="VENDOR",
        help="the export's helpdesk: zendesk, freshdesk, intercom, helpscout, front or gorgias",
    )
    forecast.add_argument(
        "--map", metavar="A=b,...", help='export channel values to planned channels, e.g. "Web form=email,Chat=chat"'
    )
    forecast.add_argument(
        "--drop-unmapped",
        action="store_true",
        help="count and report rows for channels the plan does not staff instead of refusing them",
    )
    forecast.add_argument(
        "--time-column", metavar="NAME", help="column with each ticket's arrival time (default: the preset's, or created_at)"
    )
    forecast.add_argument(
        "--channel-column", metavar="NAME", help="column with each ticket's channel (default: the preset's, or channel)"
    )
    forecast.add_argument(
        "--timezone",
        metavar="ZONE",
        help="zone of timestamps without an offset (default: UTC for most helpdesks; "
        "forecast.timezone for zendesk and plain histories)",
    )
    forecast.add_argument(
        "--date-format",
        metavar="FORMAT",
        help='strptime layout of the timestamps, e.g. "%%d/%%m/%%Y %%H:%%M" (without it 11/05/2026 is month first, 05.11.2026 day first)',
    )
    forecast.add_argument(
        "--weeks", type=int, default=8, metavar="N", help="use the last N whole weeks of the history (default 8)"
    )
    forecast.add_argument(
        "--holdout", type=int, default=2, metavar="K", help="backtest on the last K weeks (default 2; 0: no backtest)"
    )
    forecast.add_argument(
        "--method",
        default="auto",
        metavar="M",
        help="auto (default: best by backtest with the [forecast] extra, else profile), profile, seasonal_naive, mstl or autoets",
    )

    plan = commands.add_parser("plan", help="build the roster and its coverage report")
    plan.add_argument("config", type=Path, metavar="CONFIG")
    plan.add_argument("--out", type=Path, required=True, metavar="DIR")
    plan.add_argument(
        "--time-limit", type=_seconds, metavar="S", help="search time in seconds (default: plan.time_limit_seconds)"
    )
    plan.add_argument("--seed", type=int, metavar="N", help="random seed of the search (default: plan.seed)")
    plan.add_argument(
        "--workers", type=WORKERS, metavar="N", help="parallel search workers (default: plan.workers, 0 = all cores)"
    )
    plan.add_argument("--force", action="store_true", help="replace a roster already published in DIR")
    plan.add_argument("--quiet", action="store_true", help="no progress lines while searching")
    plan.add_argument(
        "--deterministic", action="store_true", help="same input, seed and workers give the same roster (work-based time limit)"
    )
    plan.add_argument(
        "--keep", type=Path, metavar="ROSTER.csv", help="re-plan changing as few of this roster's shifts as possible"
    )
    plan.add_argument(
        "--race",
        type=_whole(1),
        default=1,
        metavar="N",
        help="search from N seeds at once (seed, seed+1, ...); the best roster wins",
    )
    _cluster_option(plan)

    verify = commands.add_parser("verify", help="re-check every hard rule on a roster, ours or hand-made")
    verify.add_argument("config", type=Path, metavar="CONFIG")
    verify.add_argument(
        "roster", type=Path, metavar="ROSTER.csv", help="roster.csv, or an .xlsx grid like roster.xlsx's Roster sheet"
    )

    hires = commands.add_parser("hires", help="hiring roadmap: which hire, where, on which shifts, and what it closes")
    hires.add_argument("config", type=Path, metavar="CONFIG")
    hires.add_argument("--out", type=Path, required=True, metavar="DIR")
    hires.add_argument(
        "--steps", type=_whole(1), metavar="N", help="at most N hires in the roadmap (default: every candidate, up to 12)"
    )
    hires.add_argument(
        "--cheapest", action="store_true", help="instead: the cheapest set of hires leaving no needed hour with nobody"
    )
    hires.add_argument(
        "--attrition", action="store_true", help="also: which single agent or site, if lost, opens the largest gap"
    )
    hires.add_argument(
        "--target",
        default="uncovered",
        metavar="T",
        help="uncovered (default: nobody-on-duty hours at zero), service (no understaffing), or ratio:0.95",
    )
    hires.add_argument("--channels", metavar="A,B", help="channels the target applies to (default: all)")
    hires.add_argument(
        "--within",
        action="append",
        default=[],
        metavar="SPEC",
        help="hours the target applies to (repeatable; default: all): ZONE, ZONE:weekend, ZONE:overnight, "
        "ZONE:weekdays or ZONE:08:00-20:00, judged on ZONE's clock (any IANA zone, not only a view)",
    )
    hires.add_argument(
        "--time-limit", type=_seconds, metavar="S", help="search time per step in seconds (default: plan.time_limit_seconds)"
    )
    hires.add_argument("--seed", type=int, metavar="N")
    hires.add_argument("--workers", type=WORKERS, metavar="N")
    hires.add_argument("--force", action="store_true", help="replace a roster already published in DIR")
    _cluster_option(hires)

    sweep = commands.add_parser("sweep", help="what-if scenarios, each a full plan, side by side (sweep.csv, report.html)")
    sweep.add_argument("config", type=Path, metavar="CONFIG")
    sweep.add_argument(
        "--scenarios", type=Path, required=True, metavar="FILE", help="YAML: scenarios and their changes (docs/sweep.md)"
    )
    sweep.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="sweep.csv and report.html here, each scenario in DIR/NAME/"
    )
    sweep.add_argument(
        "--time-limit", type=_seconds, metavar="S", help="search time per scenario in seconds (default: plan.time_limit_seconds)"
    )
    sweep.add_argument("--seed", type=int, metavar="N", help="random seed of every scenario's search (default: plan.seed)")
    sweep.add_argument(
        "--workers",
        type=WORKERS,
        metavar="N",
        help="CP-SAT threads per scenario (default: plan.workers, or a share of the cores when 0; 1 on a cluster)",
    )
    sweep.add_argument(
        "--deterministic", action="store_true", help="same input, seed and workers give the same rosters (work-based time limit)"
    )
    sweep.add_argument("--force", action="store_true", help="replace the files of an earlier sweep in DIR")
    _cluster_option(sweep)

    schema = commands.add_parser("schema", help="write the JSON Schema of the configuration (for editor completion)")
    schema.add_argument("--out", type=Path, metavar="FILE", help="file to write (default: standard output)")

    gaps = commands.add_parser("gaps", help="coverage and gap report for an existing roster")
    gaps.add_argument("config", type=Path, metavar="CONFIG")
    gaps.add_argument("roster", type=Path, metavar="ROSTER", help="roster.csv, or an .xlsx grid like roster.xlsx's Roster sheet")
    gaps.add_argument("--out", type=Path, required=True, metavar="DIR")
    gaps.add_argument("--force", action="store_true", help="write the report into a folder that holds another published roster")
    return parser


def _cluster_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the searches on a Dask distributed scheduler, e.g. tcp://HOST:8786 "
        f"(default: ${CLUSTER_ENV}, else processes on this machine)",
    )


def _deadline_hours(config: Config, channel: str) -> float:
    """A backlog channel's deadline (the requirements name only backlog channels as backlog)."""
    spec = config.channels[channel]
    assert isinstance(spec, BacklogChannel), f"{channel} is not a backlog channel"
    return spec.respond_within_hours


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _check(args: argparse.Namespace) -> int:
    from coverage.demand import requirements
    from coverage.roster import read_history

    config = load_config(args.config)
    needs = requirements(config)
    read_history(config)  # a file the config names, read as `plan` reads it: its mistakes are bad input here too
    hours = sum(sum(values) for values in needs.required.values()) * needs.grid.minutes / 60
    backlog = "".join(
        f", {channel} {sum(b.arrivals):,.0f} contacts due within {_deadline_hours(config, channel):g} h"
        for channel, b in needs.backlog.items()
    )
    print(
        f"{args.config}: ok — {len(config.agents)} agents in {len(config.sites)} sites, "
        f"{_count(len(config.channels), 'channel')}, {config.plan.days} days from {config.plan.start}; "
        f"{hours:,.0f} required agent-hours{backlog}"
    )
    if needs.ignored_rows:
        print(f"forecast: {needs.ignored_rows} row(s) outside the rota period ignored")
    for line in _spacing_lines(needs.forecast_spacing, needs.grid.minutes):
        print(f"forecast: {line}")
    return EXIT_OK


def _spacing_lines(spacing: Sequence[RowSpacing], grid_minutes: int) -> list[str]:
    """What `check` says about rows read as longer than a grid interval, or further apart than they are read as."""
    lines = []
    for r in spacing:
        if r.step_minutes > r.row_minutes:
            lines.append(
                f"{r.channel} rows are {r.step_minutes} minutes apart; each is read as {r.row_minutes} minutes of contacts "
                f"(set forecast.interval_minutes: {r.step_minutes} if each row holds {r.step_minutes} minutes' contacts)"
            )
        elif r.row_minutes > grid_minutes:
            lines.append(
                f"{r.channel} rows are {r.row_minutes} minutes apart, so each row's volume is spread over the "
                f"{r.row_minutes // grid_minutes} {grid_minutes}-minute intervals it covers "
                "(set forecast.interval_minutes if its rows mean otherwise)"
            )
    return lines


def _refuse_replacing_inputs(config: Config, out: Path) -> None:
    """The outputs never replace a file the config reads (the config, its forecast, availability or team sheet).

    A forecast kept as coverage.csv beside team.yaml, planned with `--out .`, was replaced by the plan's own
    coverage.csv: the team could not be planned again. The previous period's files (`history:`,
    `workload.balance_file`, `--keep`) are read before anything is written and are the outputs' own kind.
    The names are the writers' own (coverage.outputs.OUTPUT_NAMES), so a new output is guarded as it is added.
    """
    folder = out.resolve()
    for path in _inputs_of(config):
        if path.resolve().parent == folder and _a_plans_output(path):
            raise _replacing(path, out)


def _inputs_of(config: Config) -> list[Path]:
    """The files a config reads before any search: itself, its forecast, availability sheet and team sheet."""
    forecast = config.forecast and (config.forecast.file or config.forecast.profile)
    names = [name for name in (forecast, config.availability_file, config.agents_file) if name]
    return [config.source, *(config.source.parent / name for name in names)]


def _a_plans_output(path: Path) -> bool:
    """Whether a plan's outputs (a folder of them: --out, or a sweep's scenario folder) may carry this file's name."""
    return path.name in OUTPUT_NAMES or path.suffix.lower() in PICTURE_SUFFIXES


def _replacing(path: Path, out: Path) -> OutputExistsError:
    return OutputExistsError(
        f"{path}: the config reads this file, and the outputs written to {out} would replace it "
        "(rename it, or choose another --out directory)"
    )


def _refuse_a_sweep_replacing_inputs(plans: Sequence[ScenarioPlan], scenarios: Path, out: Path) -> None:
    """A sweep's outputs never replace a file a scenario's config reads, nor the scenarios file, even with --force.

    `--force` lets a sweep replace an earlier sweep's files; a forecast kept as
    sweep.csv in --out, or as coverage.csv in a folder named like a scenario,
    would have gone with them (the scenario's plan writes its own there).
    """
    from coverage.sweep import PREVIOUS_ROSTER, SWEEP_CSV, SWEEP_HTML, SWEEP_PLOT

    folder = out.resolve()
    scenario_folders = {folder / plan.name for plan in plans}
    for path in dict.fromkeys([scenarios, *(p for plan in plans for p in _inputs_of(plan.config))]):
        target = path.resolve()
        mine = target.parent == folder and target.name in {SWEEP_CSV, SWEEP_HTML, SWEEP_PLOT}
        a_scenarios = target.parent in scenario_folders and (_a_plans_output(target) or target.name == PREVIOUS_ROSTER)
        if mine or a_scenarios:
            raise _replacing(path, out)


def _demand(args: argparse.Namespace) -> int:
    from coverage.demand import requirements, write_requirements

    config = load_config(args.config)
    _refuse_replacing_inputs(config, args.out)
    needs = requirements(config)
    args.out.mkdir(parents=True, exist_ok=True)
    path = write_requirements(needs, args.out / REQUIREMENTS_FILE, config)
    for channel, values in needs.required.items():
        backlog = needs.backlog.get(channel)
        if backlog is not None:
            work = sum(backlog.arrivals) * backlog.aht_seconds / 3600
            print(
                f"{channel}: {sum(backlog.arrivals):,.0f} contacts, {work:,.0f} agent-hours of work, "
                f"each answered within {_deadline_hours(config, channel):g} h (no agents required at any given hour)"
            )
            continue
        print(f"{channel}: peak {max(values, default=0)} agents, {sum(values) * needs.grid.minutes / 60:,.0f} agent-hours")
    from coverage.figures import save_figure
    from coverage.plots import plot_requirement_by_hour_of_week

    picture = save_figure(plot_requirement_by_hour_of_week(needs, config), args.out / "requirements-by-hour.png")
    print(f"wrote {path} and {picture}")
    return EXIT_OK


def _forecast(args: argparse.Namespace) -> int:
    from coverage.figures import save_figure
    from coverage.forecast import BACKTEST_COLUMNS, backtest_rows, build_forecast, forecast_yaml, profile_rows
    from coverage.helpdesk import ExportOptions, check_zone, parse_mapping, read_export
    from coverage.outputs import write_csv_atomic, write_text_atomic
    from coverage.plots import plot_history_vs_forecast

    config = load_config(args.config, need_demand=False)
    options = ExportOptions(
        vendor=args.vendor,
        time_column=args.time_column,
        channel_column=args.channel_column,
        mapping=parse_mapping(args.map),
        drop_unmapped=args.drop_unmapped,
        timezone=check_zone(args.timezone),
        date_format=args.date_format,
    )
    _refuse_replacing_forecast_inputs(config, args.out)
    tickets = read_export(args.history, config, options)
    built = build_forecast(tickets.arrivals, config, args.weeks, max(args.holdout, 0), args.history, args.method)
    history = built.history
    args.out.mkdir(parents=True, exist_ok=True)
    spread = {c.channel: c.spread for c in built.backtest.channels} if built.backtest else None
    columns = ("channel", "weekday", "hour", "share") + (("spread",) if spread else ())
    files = [
        write_csv_atomic(args.out / "profile.csv", columns, profile_rows(history, spread)),
        write_text_atomic(
            args.out / "forecast.yaml",
            forecast_yaml(history, args.history.name, _relative(args.out / "profile.csv", args.config), built),
        ),
    ]
    if built.backtest is not None:
        files.append(write_csv_atomic(args.out / "forecast.csv", BACKTEST_COLUMNS, backtest_rows(built.backtest)))
    files.append(save_figure(plot_history_vs_forecast(history, built.backtest), args.out / "forecast.png"))
    print("\n".join(_forecast_summary(tickets, built)))
    print(f"wrote {', '.join(map(str, files))}; paste forecast.yaml's section into your configuration")
    return EXIT_OK


FORECAST_OUTPUTS = ("profile.csv", "forecast.yaml", "forecast.csv", "forecast.png", "forecast.svg")


def _refuse_replacing_forecast_inputs(config: Config, out: Path) -> None:
    """`covplan forecast` never writes over a file the config reads, but the profile it is asked to renew.

    Run with `--out .` beside the config's own forecast.csv, the backtest (channel,method,…) replaced that
    forecast, and the team could not be checked again. The config's `forecast.profile` in `--out` is the
    file a new export is meant to renew (forecast.yaml names it there), so it alone may be rewritten.
    """
    section = config.forecast
    profile = (config.source.parent / section.profile).resolve() if section and section.profile else None
    renewed = profile if profile is not None and profile.name == "profile.csv" else None
    read = [section.file, section.profile] if section else []
    read += [config.availability_file, config.agents_file]
    folder = out.resolve()
    for path in [config.source, *(config.source.parent / name for name in read if name)]:
        target = path.resolve()
        if target.parent == folder and target.name in FORECAST_OUTPUTS and target != renewed:
            raise _replacing(path, out)


def _relative(path: Path, config: Path) -> str:
    """`path` as the configuration names files: relative to its folder (forward slashes, as YAML on any system)."""
    return Path(os.path.relpath(path.resolve(), config.resolve().parent)).as_posix()


def _forecast_summary(tickets: Tickets, built: BuiltForecast) -> list[str]:
    """What the export held, what was left out and why, the backtest and the method per channel."""
    history = built.history
    lines = [
        f"{tickets.rows:,} rows read ({tickets.vendor or 'plain'} export, naive times in {tickets.timezone}): "
        f"{len(tickets.arrivals):,} customer contacts"
    ]
    for label, counted in (
        ("not customer contacts, skipped", tickets.skipped),
        ("channels not planned, dropped", tickets.dropped),
    ):
        if counted:
            lines.append(
                f"  {label}: " + ", ".join(f"{value or '(empty)'} {count:,}" for value, count in sorted(counted.items()))
            )
    if tickets.later_messages:
        lines.append(
            f"  later messages of a conversation (agents' replies, follow-ups), not new contacts: {tickets.later_messages:,}"
        )
    lines.append(
        f"{history.weeks} week(s) from {history.first_day} to {history.last_day} ({history.timezone}): {history.tickets} tickets"
        + (f", {history.outside} older ones ignored" if history.outside else "")
    )
    backtest = built.backtest
    if backtest is None:
        lines.append("  no backtest: the history has no whole week to hold out beyond the first")
    else:
        lines.append(
            f"backtest: the last {backtest.held_out} week(s) forecast from the {backtest.training} before them (WAPE, lower is better)"
        )
        for tested in backtest.channels:
            scores = ", ".join(
                f"{e.method} {e.wape:.1%}" + (" ←" if e.method == tested.chosen else "")
                for e in tested.errors
                if e.wape == e.wape
            )
            lines.append(f"  {tested.channel}: {scores}")
        if backtest.not_run:
            lines.append(f"  ({backtest.not_run})")
    for channel, weekly in history.weekly_volume.items():
        lines.append(
            f"  {channel}: {weekly:,.1f} per week by {built.methods.get(channel, 'profile')} "
            f"(trend {history.trend_per_week[channel] * 100:+.2f} % per week, not applied)"
        )
    if built.uplifts:
        lines.append(f"last year's peaks: {len(built.uplifts)} dated multiplier(s) in forecast.yaml")
    return lines


def _plan(args: argparse.Namespace) -> int:
    from coverage.demand import requirements
    from coverage.pipeline import plan
    from coverage.report import RunInfo, print_summary, write_report
    from coverage.roster import read_kept_roster
    from coverage.solve import ModelInputs
    from coverage.solve.gaps_why import explain_gaps

    config = load_config(args.config)
    _refuse_replacing_inputs(config, args.out)
    needs = requirements(config)
    kept = read_kept_roster(args.keep, config) if args.keep else None
    params = replace(_search_params(args, config, quiet=args.quiet), deterministic=args.deterministic)
    inputs = ModelInputs(keep=None if kept is None else kept.team)  # a leaver's shifts are not the model's to keep
    cluster = cluster_address(args.cluster)
    if cluster is None and args.race <= 1:
        out = prepare_out_dir(args.out, args.force)
        print(f"searching for up to {params.time_limit_seconds:g} s ...", file=sys.stderr)
        planned = plan(config, params, needs=needs, inputs=inputs)
    elif cluster is not None and args.race <= 1 and _staged(config):
        planned, out = _sites_on(cluster, args, config, needs, inputs, params)
    else:
        planned, out = _race(args, config, needs, inputs, params, cluster)
    result = planned.solve
    if result.roster is None:
        print(f"no roster: {result.status}", file=sys.stderr)
        for reason in result.reasons or ["the hard rules (leave, rest, contract hours, weekends) contradict each other"]:
            print(f"  - {reason}", file=sys.stderr)
        return EXIT_NO_ROSTER
    if result.interrupted:
        print("interrupted: keeping the best roster found so far", file=sys.stderr)
    roster_file = publish_roster(result.roster, config, out)
    redo = f"covplan gaps {args.config} {roster_file} --out {out}"
    with after_the_roster(roster_file, out, redo) as step, staged_outputs(out) as staging:
        if kept is not None:
            step("comparing with the kept roster")
            print(_describe_changes(kept, result.roster, config, staging))
        step("explaining the gaps")
        why = explain_gaps(config, needs, result.roster)
        run = RunInfo(result.status, result.objective, result.best_bound, round(result.wall_seconds, 3), explanations=tuple(why))
        step("writing the report")
        report = write_report(staging, config, needs, result.roster, run)
    with after_the_roster(roster_file, out, redo) as step:
        step("printing the summary")
        print_summary(report)  # why the largest gaps stay open is part of it, beside the windows
    print(f"wrote {roster_file} ({len(result.roster)} shifts) and {len(report.files)} report files in {out}")
    return EXIT_OK


def _staged(config: Config) -> bool:
    from coverage.solve import staged

    return staged.wanted(config, None)


def _sites_on(
    cluster: str, args: argparse.Namespace, config: Config, needs: Requirements, inputs: ModelInputs, params: SolveParams
) -> tuple[PlanResult, Path]:
    """`plan --cluster` on a team the search solves in stages: this process searches, each site's assignment is a task of the cluster.

    Every site at once, each on the threads a site search gets
    (staged.THREADS_PER_SITE) and its turn's full share of the time; the
    headcounts and the full model run here. Unreachable: exit 2 before the
    out folder is made.
    """
    from coverage.executor import open_executor
    from coverage.pipeline import plan
    from coverage.solve import SitePool
    from coverage.solve.staged import THREADS_PER_SITE

    sites = len({a.site for a in config.agents})
    with open_executor(cluster, threads_per_task=THREADS_PER_SITE, tasks=sites) as executor:
        out = prepare_out_dir(args.out, args.force)
        print(
            f"searching for up to {params.time_limit_seconds:g} s, the {sites} sites' assignments on {cluster} ...",
            file=sys.stderr,
        )
        planned = plan(
            config, replace(params, sites=SitePool(executor, at_once=sites, threads=THREADS_PER_SITE)), needs=needs, inputs=inputs
        )
    return planned, out


def _race(
    args: argparse.Namespace, config: Config, needs: Requirements, inputs: ModelInputs, params: SolveParams, cluster: str | None
) -> tuple[PlanResult, Path]:
    """`plan --race N` and `plan --cluster`: the search as tasks (one per seed), the best roster back; and the out folder.

    The scheduler is reached before the out folder is made: an unreachable
    one is exit 2 with nothing done.
    """
    from coverage.executor import open_executor, task_workers
    from coverage.pipeline import race
    from coverage.solve import search_threads

    seeds = [params.seed + k for k in range(max(args.race, 1))]
    workers = task_workers(params.workers, len(seeds), cluster is not None)
    with open_executor(cluster, threads_per_task=search_threads(workers), tasks=len(seeds)) as executor:
        out = prepare_out_dir(args.out, args.force)
        where = f" on {cluster}" if cluster else ""
        print(
            f"searching from seed{'s' if len(seeds) > 1 else ''} {', '.join(map(str, seeds))} for up to "
            f"{params.time_limit_seconds:g} s each, {workers} thread(s) each{where} ...",
            file=sys.stderr,
        )
        planned, interrupted = race(config, replace(params, workers=workers), seeds, executor, needs=needs, inputs=inputs)
    if interrupted:
        print("interrupted: keeping the best roster of the seeds that finished", file=sys.stderr)
    if len(seeds) > 1 and planned.found:
        cost = "not priced" if planned.solve.objective is None else f"{planned.solve.objective:,.0f}"
        print(f"seed {planned.seed} found the best roster (objective {cost})", file=sys.stderr)
    return planned, out


class FailedAfterRoster(Exception):
    """A step after the roster was published failed: the roster is safe, the report is not (re)written."""

    def __init__(self, roster_file: Path, out: Path, step: str, cause: BaseException, redo: str | None):
        super().__init__(f"{step} failed ({type(cause).__name__}: {cause})")
        self.roster_file, self.out, self.step, self.cause, self.redo = roster_file, out, step, cause, redo


@contextmanager
def after_the_roster(roster_file: Path, out: Path, redo: str | None = None) -> Iterator[Callable[[str], None]]:
    """Name each step that follows a published roster, so a failure says which one and keeps the roster.

    The block calls `step("writing the report")` before each step; an error
    or Ctrl-C inside becomes FailedAfterRoster (the roster's path and `redo`,
    the command that writes the report again, in the message).
    COVPLAN_DEBUG=1 lets a bug's own error through.
    """
    current = ["the first step after the search"]

    def step(name: str) -> None:
        current[0] = name

    try:
        yield step
    except (Exception, KeyboardInterrupt) as exc:
        if os.environ.get("COVPLAN_DEBUG") and not isinstance(exc, CoverageError | KeyboardInterrupt):
            raise
        raise FailedAfterRoster(roster_file, out, current[0], exc, redo) from exc


def _describe_changes(kept: KeptRoster, roster: Roster, config: Config, out: Path) -> str:
    """What re-planning changed against --keep, printed and written to changes.csv (a leaver's shifts removed)."""
    from coverage.roster import roster_changes, write_changes

    changes = roster_changes(kept.whole, roster)
    write_changes(changes, out / CHANGES_FILE, config)
    lines = [
        f"changes against the kept roster: {len(changes.removed)} shift(s) removed, {len(changes.added)} added, "
        f"{len(changes.moved)} moved to another channel, {len(changes.retimed)} kept at other times"
    ]
    lines += [_leaver_line(agent, count, config) for agent, count in kept.leavers.items()]
    lines += [f"  - {a.agent} {a.day} {a.shift} ({a.channel}{_times(a, config)})" for a in changes.removed]
    lines += [f"  + {a.agent} {a.day} {a.shift} ({a.channel}{_times(a, config)})" for a in changes.added]
    lines += [f"  ~ {a.agent} {a.day} {a.shift} ({was.channel} → {a.channel})" for was, a in changes.moved]
    lines += [
        f"  ~ {a.agent} {a.day} {a.shift} ({_times(was, config)[2:]} → {_times(a, config)[2:]})" for was, a in changes.retimed
    ]
    return "\n".join(lines)


def _leaver_line(agent: str, count: int, config: Config) -> str:
    """Why an agent's kept shifts are all removed: they left, or (a roster `hires` published) were a hire not yet added."""
    candidate = config.candidate_of(agent)
    if candidate is not None:
        return (
            f"  {agent}, a hire of candidates' {candidate.id}, is not in the config's agents: their {count} shift(s) are "
            f"removed (add the person hired to agents as {agent} to keep them)"
        )
    return f"  {agent} is not in the config's agents any more (left the team?): their {count} shift(s) are removed"


def _times(a: Assignment, config: Config) -> str:
    """', HH:MM-HH:MM' in the site's clock for a flexible shift (its times are its own); '' for a listed one."""
    from coverage.time import to_local

    if not config.sites[a.site].shifts[a.shift].flexible:
        return ""
    zone = config.sites[a.site].timezone
    return f", {to_local(a.start_utc, zone):%H:%M}-{to_local(a.end_utc, zone):%H:%M}"


def _verify(args: argparse.Namespace) -> int:
    from coverage.check import check_roster

    config, roster = _read_given_roster(args.roster, load_config(args.config))
    violations = check_roster(roster, config)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{args.roster}: {len(violations)} violation(s)", file=sys.stderr)
        return EXIT_NO_ROSTER
    print(f"{args.roster}: ok — {len(roster)} shifts, every hard rule holds")
    return EXIT_OK


def _read_given_roster(path: Path, config: Config) -> tuple[Config, Roster]:
    """A roster the manager hands us, as `gaps` and `verify` both read it (roster.csv, or an .xlsx grid they edited),
    and the team it is checked against: the config's agents, and the hires of its `candidates` the roster names
    (`covplan hires` publishes the final team's roster, hires included, under the config the manager has)."""
    from coverage.exports import read_roster_xlsx
    from coverage.roster import read_roster

    def read(team: Config) -> Roster:
        return read_roster_xlsx(path, team) if path.suffix.lower() == ".xlsx" else read_roster(path, team)

    if not config.candidates:
        return config, read(config)
    roster = read(config.with_candidates())  # read once: a hire's shifts read the same under the final team
    hired = {a.agent for a in roster.assignments} - {agent.id for agent in config.agents}
    return config.with_hires(hired), roster


def _refuse_another_roster_s_report(out: Path, roster: Path, force: bool) -> None:
    """A folder holding a published roster keeps that roster's report (roster.xlsx, summary.json, ...) unless --force.

    The report of another roster written there would replace the grid the team reads, beside a
    roster.csv that says otherwise. The folder's own roster.csv or roster.xlsx is its report's roster.
    """
    published = out / ROSTER_FILE
    own = {published.resolve(), (out / XLSX_FILE).resolve()}
    if published.exists() and roster.resolve() not in own and not force:
        raise OutputExistsError(
            f"{published}: a roster is already published here; pass --force to replace its report with "
            f"{roster.name}'s or choose another --out directory"
        )


def _gaps(args: argparse.Namespace) -> int:
    from coverage.demand import requirements
    from coverage.report import RunInfo, print_summary, write_report

    config, roster = _read_given_roster(args.roster, load_config(args.config))
    from_xlsx = args.roster.suffix.lower() == ".xlsx"
    _refuse_another_roster_s_report(args.out, args.roster, args.force)
    _refuse_replacing_inputs(config, args.out)
    needs = requirements(config)
    args.out.mkdir(parents=True, exist_ok=True)
    # Never replace the manager's own workbook with ours.
    own_workbook = from_xlsx and args.roster.resolve() == (args.out / XLSX_FILE).resolve()
    with staged_outputs(args.out) as staging:
        report = write_report(staging, config, needs, roster, RunInfo("GIVEN"), xlsx=not own_workbook)
    print_summary(report)
    print(f"wrote {len(report.files)} report files in {args.out}")
    return EXIT_OK


def _hires(args: argparse.Namespace) -> int:
    from coverage.demand import requirements
    from coverage.hires import NoRosterToday, cheapest, out_of_reach_lines, roadmap
    from coverage.hiresreport import columns_zone, roadmap_text, write_attrition_csv, write_hiring_plan
    from coverage.solve import describe_target

    config = load_config(args.config)
    _refuse_replacing_inputs(config, args.out)
    needs = requirements(config)
    target = _target(args, config)
    out = prepare_out_dir(args.out, args.force)
    params = _search_params(args, config, quiet=True)
    if args.cheapest:
        plan, result = cheapest(config, needs, params, target)
        if plan is None and result.status == "UNREACHABLE":  # said from the data, before any search
            print("\n".join(result.reasons), file=sys.stderr)
            return EXIT_OUT_OF_REACH
        if plan is None:
            print(f"no team reaches the target: {result.status}", file=sys.stderr)
            for reason in result.reasons:
                print(f"  - {reason}", file=sys.stderr)
            return EXIT_OUT_OF_REACH
    else:
        limit = args.steps if args.steps is not None else min(12, sum(c.max_count for c in config.candidates))
        try:
            plan = roadmap(config, needs, limit, params, progress=sys.stderr, target=target)
        except NoRosterToday as today:
            print(today, file=sys.stderr)
            for reason in today.result.reasons or [
                "the hard rules (leave, rest, contract hours, weekends) contradict each other"
            ]:
                print(f"  - {reason}", file=sys.stderr)
            return EXIT_NO_ROSTER
    roster_file = publish_roster(plan.roster, plan.config, out)
    with after_the_roster(roster_file, out) as step, staged_outputs(out) as staging:
        step("the attrition runs")
        losses = _attrition(args, config, needs, params) if args.attrition else None
        step("writing the hiring plan")
        write_hiring_plan(plan, needs, staging)
        if losses is not None:
            step("writing attrition.csv")
            write_attrition_csv(losses, staging / ATTRITION_FILE)
    if target.where or target.channels is not None or target.kind != "uncovered":
        print(f"target: {describe_target(target)}")
    if columns_zone(plan) != config.view_zones[0]:
        print(f"left, weekend and night: clock hours in {columns_zone(plan)}")
    if plan.steps:
        print(roadmap_text(plan.steps))
    else:
        print("no hire needed: today's team reaches the target" + (" wherever a hire could" if plan.out_of_reach else ""))
    if args.cheapest and plan.out_of_reach and plan.steps:
        print("these are the cheapest hires for every target hour within reach; the rest is out of reach (below)")
    if losses is not None:
        print("if we lost ... (uncovered hours opened, largest first)")
        print("\n".join(f"  {loss.lost:<24} +{loss.opened_hours:g} h{_whole_team(loss)}" for loss in losses[:10]))
    print(f"wrote {out / HIRES_FILE}, {out / 'hires.png'} and the final team's roster and report in {out}")
    for left in plan.open:  # last, so the reason for exit 1 is what the manager reads
        stream = sys.stdout if left.why in ("steps", "time_limit") else sys.stderr
        print("\n".join(out_of_reach_lines(left, plan.reach, config, needs)), file=stream)
    return EXIT_OUT_OF_REACH if plan.out_of_reach else EXIT_OK


def _whole_team(loss: Loss) -> str:
    """A site that holds the whole team leaves nobody: said, so its row does not read as an ordinary site's."""
    return " (the whole team: nobody left)" if loss.agents == 0 else ""


def _attrition(args: argparse.Namespace, config: Config, needs: Requirements, params: SolveParams) -> list:
    """The attrition runs on the cluster when one is named, else in processes here."""
    from coverage.executor import open_executor, task_workers
    from coverage.hires import attrition, attrition_runs
    from coverage.solve import search_threads

    cluster = cluster_address(args.cluster)
    tasks = attrition_runs(config)
    workers = task_workers(params.workers, tasks, cluster is not None)
    with open_executor(cluster, threads_per_task=search_threads(workers), tasks=tasks) as executor:
        return attrition(config, needs, replace(params, workers=workers), executor=executor)


def _search_params(args: argparse.Namespace, config: Config, *, quiet: bool) -> SolveParams:
    """Flags override the config's plan settings."""
    from coverage.solve import SolveParams

    return SolveParams(
        time_limit_seconds=args.time_limit if args.time_limit is not None else config.plan.time_limit_seconds,
        seed=args.seed if args.seed is not None else config.plan.seed,
        workers=args.workers if args.workers is not None else config.plan.workers,
        progress=None if quiet else sys.stderr,
    )


def _sweep(args: argparse.Namespace) -> int:
    """Every scenario checked before any search; the scheduler reached before anything is written."""
    from coverage.executor import open_executor, task_workers
    from coverage.scenarios import load_scenarios
    from coverage.solve import search_threads
    from coverage.sweep import FAILED, check_sweep_dir, run_sweep, sweep_text, task_params

    plans = load_scenarios(args.config, args.scenarios)
    config = plans[0].config
    _refuse_a_sweep_replacing_inputs(plans, args.scenarios, args.out)
    check_sweep_dir(args.out, args.force)
    params = replace(_search_params(args, config, quiet=True), deterministic=args.deterministic)
    cluster = cluster_address(args.cluster)
    workers = task_workers(params.workers, len(plans), cluster is not None)
    with open_executor(cluster, threads_per_task=search_threads(workers), tasks=len(plans)) as executor:
        args.out.mkdir(parents=True, exist_ok=True)
        where = f" on {cluster}" if cluster else " in processes on this machine"
        print(
            f"{len(plans)} scenarios{where}, up to {params.time_limit_seconds:g} s each with {workers} thread(s) ...",
            file=sys.stderr,
        )
        result = run_sweep(plans, task_params(params, workers), executor, args.out, progress=sys.stderr)
    print(sweep_text(result))
    print(f"wrote {args.out / 'sweep.csv'}, {args.out / 'report.html'} and each scenario's plan in {args.out}/NAME/")
    if result.interrupted:
        done = sum(o.found or o.status != "CANCELLED" for o in result.outcomes)
        print(f"covplan: interrupted; {done} of {len(result.outcomes)} scenarios finished and are kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    failed = [o for o in result.outcomes if o.status == FAILED]
    for outcome in failed:
        print(f"covplan: scenario {outcome.name} failed: {'; '.join(outcome.reasons)}", file=sys.stderr)
    return EXIT_INTERNAL if failed else EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    import json

    from coverage.config.schema import config_schema
    from coverage.outputs import write_text_atomic

    text = json.dumps(config_schema(), indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(args.out, text)
        print(f"wrote {args.out}")
    return EXIT_OK


def _target(args: argparse.Namespace, config: Config) -> Target:
    """--target, --channels and --within as a solver Target; a typo is bad input, not a traceback."""
    from coverage.hiringspec import target_from_args

    return target_from_args(args.target, args.channels, args.within, config)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": _check,
    "demand": _demand,
    "forecast": _forecast,
    "plan": _plan,
    "verify": _verify,
    "gaps": _gaps,
    "hires": _hires,
    "sweep": _sweep,
    "schema": _schema,
}


def _late_failure(exc: FailedAfterRoster) -> str:
    """What failed after the search, that the roster is safe, and how to get the report once it is mended."""
    cause = exc.cause
    if isinstance(cause, KeyboardInterrupt):
        what = f"interrupted while {exc.step}"
    elif isinstance(cause, CoverageError | OSError):
        what = f"{exc.step} failed: {getattr(cause, 'strerror', None) or cause}"
    else:
        what = f"{exc.step} failed (internal error {type(cause).__name__}: {cause}; this is a bug, please report it)"
    redo = f". `{exc.redo}` writes its report" if exc.redo else ""
    return (
        f"covplan: {what}. The roster is published as {exc.roster_file} (every hard rule verified); "
        f"other files in {exc.out} are from an earlier run, if any{redo}"
    )


@contextmanager
def _headless() -> Iterator[None]:
    """Pictures go to files, never a window, also without a display: matplotlib's Agg backend for this command only.

    Through the environment, so matplotlib is imported only by the commands
    that draw; restored afterwards, so a caller's own process (a test run, a
    notebook kernel it starts) keeps its backend.
    """
    before = os.environ.get("MPLBACKEND")
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("MPLBACKEND", None)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        with _headless():
            return COMMANDS[args.command](args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    except OutputExistsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except CoverageError as exc:
        print(f"covplan: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except RosterRejected as exc:
        for violation in exc.violations:
            print(violation, file=sys.stderr)
        print(
            f"covplan: the roster found breaks {len(exc.violations)} hard rule(s) (above), so it is not published; "
            f"it is kept as {exc.path}. This is a bug, please report it with the command and the files",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    except FailedAfterRoster as exc:
        print(_late_failure(exc), file=sys.stderr)
        if isinstance(exc.cause, KeyboardInterrupt):
            return EXIT_INTERRUPTED
        return EXIT_BAD_INPUT if isinstance(exc.cause, CoverageError | OSError) else EXIT_INTERNAL
    except KeyboardInterrupt:
        print("covplan: interrupted; every file written is complete", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # the machine, not the input: unreadable paths, a full disk
        print(f"covplan: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:
        print("covplan: out of memory; the plan is too large for this machine (see docs/reliability.md)", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # a bug: one line, not a traceback, unless a developer asks
        if os.environ.get("COVPLAN_DEBUG"):
            raise
        print(
            f"covplan: internal error ({type(exc).__name__}: {exc}); this is a bug, please report it with the command "
            "and the files (COVPLAN_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
