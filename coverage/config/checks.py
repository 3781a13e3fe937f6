"""Cross-checks over a parsed config: what no single model can see (references, repeats, size, files).

Each check takes the sections parsed so far and returns every problem it finds,
located in the YAML, so a manager sees them all at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from coverage.config.schema import HEAD_UNITS, MAX_AGENTS, Agent, Contract, Cover, Forecast, Mix, Shrinkage, Site, clock_minutes
from coverage.errors import Problem
from coverage.yamlload import dotted_path, line_of


def mentor_problems(parsed: dict[str, Any], file: Path, node: yaml.Node | None) -> list[Problem]:
    """Mentors are other agents of the plan (after the team sheet joined its agents)."""
    agents = parsed.get("agents") or []
    known = {agent.id for agent in agents}
    problems = []
    for index, agent in enumerate(agents):
        for k, mentor in enumerate(agent.mentors):
            path = ("agents", index, "mentors", k)
            if mentor == agent.id:
                problems.append(
                    Problem(
                        file,
                        line_of(node, path),
                        dotted_path(path),
                        f"agent {agent.id} cannot mentor themselves (expected another agent's id)",
                    )
                )
            elif mentor not in known:
                problems.append(
                    Problem(
                        file,
                        line_of(node, path),
                        dotted_path(path),
                        f"unknown agent {mentor!r} (expected an agent id of this plan)",
                    )
                )
    return problems


def flexible_shift_problems(parsed: dict[str, Any], file: Path, node: yaml.Node | None) -> list[Problem]:
    """A flexible template's starts and lengths lie on the plan's grid: the model chooses whole intervals."""
    plan, sites = parsed.get("plan"), parsed.get("sites") or {}
    step = plan.interval_minutes if plan is not None else 60
    problems = []
    for site_name, site in sites.items():
        for name, template in site.shifts.items():
            if not template.flexible:
                continue
            starts = {template.earliest_start, template.latest_start}
            off_starts = sorted(c for c in starts if clock_minutes(c) % step)
            if off_starts:
                path = ("sites", site_name, "shifts", name, "start")
                what = f"{', '.join(off_starts)} is not on the plan's {step}-minute grid"
                problems.append(
                    Problem(
                        file, line_of(node, path), dotted_path(path), f"{what} (expected starts at multiples of {step} minutes)"
                    )
                )
            if template.min_minutes % step or template.max_minutes % step:
                path = ("sites", site_name, "shifts", name, "hours")
                problems.append(
                    Problem(
                        file,
                        line_of(node, path),
                        dotted_path(path),
                        f"lengths {template.length_text} h are not whole {step}-minute intervals "
                        f"(expected multiples of {step / 60:g} h)",
                    )
                )
    return problems


def head_weight_problems(parsed: dict[str, Any], file: Path, node: yaml.Node | None) -> list[Problem]:
    """An agent on a `count_weight` channel has a weight in whole hundredths: the model counts people in integers (HEAD_UNITS)."""
    channels = parsed.get("channels") or {}
    counting = {name for name, channel in channels.items() if getattr(channel, "count_weight", False)}
    problems = []
    for index, agent in enumerate(parsed.get("agents") or []):
        units = agent.weight * HEAD_UNITS
        if counting & set(agent.skills) and abs(units - round(units)) > 1e-6:
            path = ("agents", index, "weight")
            what = f"{agent.weight:g} counts toward {', '.join(sorted(counting & set(agent.skills)))} in hundredths of a person"
            problems.append(
                Problem(file, line_of(node, path), dotted_path(path), f"{what} (expected at most 2 decimals, e.g. 0.33)")
            )
    return problems


# A plan beyond these would take the solver hours and gigabytes; the message
# names the limit so the manager can split the plan (fewer days, sites or agents).
MAX_SHIFT_OPTIONS = 2_000_000  # Σ over agents of allowed shift templates × days
MAX_GRID_CELLS = 2_000_000  # intervals in the period × channels
MAX_VIEWS = 50  # each view is one heatmap (PNG + SVG)


def size_problems(parsed: dict[str, Any], file: Path, node: yaml.Node | None) -> list[Problem]:
    """Plans too large to solve or report on this machine, with the limit they exceed."""
    problems: list[Problem] = []

    def report(key: str, what: str) -> None:
        problems.append(Problem(file, line_of(node, (key,)), key, what))

    agents, plan, sites = parsed.get("agents") or [], parsed.get("plan"), parsed.get("sites") or {}
    channels, views = parsed.get("channels") or {}, parsed.get("views") or []
    if len(agents) > MAX_AGENTS:
        report("agents", f"{len(agents):,} agents (expected at most {MAX_AGENTS:,}; plan large teams site by site)")
    if len(views) > MAX_VIEWS:
        report("views", f"{len(views):,} view zones (expected at most {MAX_VIEWS}: one heatmap is drawn per view)")
    if plan is None:
        return problems
    options = sum(len(a.shifts if a.shifts is not None else sites[a.site].shifts) for a in agents if a.site in sites) * plan.days
    if options > MAX_SHIFT_OPTIONS:
        report(
            "agents",
            f"agents × allowed shifts × days is {options:,} (expected at most {MAX_SHIFT_OPTIONS:,}: fewer days or agents per plan)",
        )
    cells = plan.days * 24 * 60 // plan.interval_minutes * len(channels)
    if cells > MAX_GRID_CELLS:
        report(
            "channels",
            f"intervals × channels is {cells:,} (expected at most {MAX_GRID_CELLS:,}: fewer channels, days or a coarser interval)",
        )
    return problems


def reference_problems(parsed: dict[str, Any], file: Path, node: yaml.Node | None) -> list[Problem]:
    """Names that must point at something defined elsewhere in the file."""
    problems: list[Problem] = []

    def report(path: tuple[Any, ...], what: str) -> None:
        problems.append(Problem(file, line_of(node, path), dotted_path(path), what))

    seen: dict[str, int] = {}
    for index, agent in enumerate(parsed.get("agents") or []):
        if agent.id in seen:
            report(
                ("agents", index, "id"), f"duplicate agent id {agent.id!r} (also agents[{seen[agent.id]}]; expected unique ids)"
            )
        seen.setdefault(agent.id, index)
        _agent_references(agent, ("agents", index), parsed, report)
    for index, candidate in enumerate(parsed.get("candidates") or []):
        _agent_references(candidate.as_agents()[0], ("candidates", index), parsed, report)
        if candidate.id in seen:
            report(("candidates", index, "id"), f"candidate id {candidate.id!r} is also an agent id (expected distinct ids)")
    for index, cover in enumerate(parsed.get("cover") or []):
        _cover_references(cover, ("cover", index), parsed, report)
    _mix_references(parsed, report)
    all_shifts = {name for site in (parsed.get("sites") or {}).values() for name in site.shifts}
    if parsed.get("sites") is not None:
        for section, owner in [("rules", parsed.get("rules"))] + [
            (("contracts", name), contract) for name, contract in (parsed.get("contracts") or {}).items()
        ]:
            prefix = section if isinstance(section, tuple) else (section,)
            _shift_name_references(owner, prefix, all_shifts, report)
        for index, agent in enumerate(parsed.get("agents") or []):
            _shift_name_references(agent, ("agents", index), all_shifts, report)
    return problems


def _agent_references(agent: Agent, where: tuple[Any, ...], parsed: dict[str, Any], report: Callable[..., None]) -> None:
    sites: dict[str, Site] | None = parsed.get("sites")
    """Where agents work, by name: time zone, public holidays, shift templates."""
    contracts: dict[str, Contract] | None = parsed.get("contracts")
    """Contracts by name: weekly hours and days, and any rule of `rules` overridden."""
    channels: dict[str, Any] | None = parsed.get("channels")
    """The channels contacts arrive on, by name: `realtime` (chat, phone) or `backlog` (email)."""
    if sites is not None and agent.site not in sites:
        report(where + ("site",), f"unknown site {agent.site!r} (expected one of: {', '.join(sites)})")
    if contracts is not None and agent.contract not in contracts:
        report(where + ("contract",), f"unknown contract {agent.contract!r} (expected one of: {', '.join(contracts)})")
    if channels is not None:
        for k, skill in enumerate(agent.skills):
            if skill not in channels:
                report(where + ("skills", k), f"unknown channel {skill!r} (expected one of: {', '.join(channels)})")
    if sites is None or agent.site not in sites:
        return
    templates = sites[agent.site].shifts
    for k, shift in enumerate(agent.shifts or []):
        if shift not in templates:
            report(where + ("shifts", k), f"site {agent.site} has no shift {shift!r} (expected one of: {', '.join(templates)})")
    for k, request in enumerate(agent.requests):
        if request.shift != "any" and request.shift not in templates:
            key = "on" if request.on is not None else "off"
            report(
                where + ("requests", k, key),
                f"site {agent.site} has no shift {request.shift!r} (expected 'any' or one of: {', '.join(templates)})",
            )
    if agent.employment_start and agent.employment_end and agent.employment_end < agent.employment_start:
        report(
            where + ("employment_end",),
            f"{agent.employment_end} is before employment_start {agent.employment_start} (expected start <= end)",
        )


def _cover_references(cover: Cover, where: tuple[Any, ...], parsed: dict[str, Any], report: Callable[..., None]) -> None:
    sites: dict[str, Site] | None = parsed.get("sites")
    """Where agents work, by name: time zone, public holidays, shift templates."""
    channels: dict[str, Any] | None = parsed.get("channels")
    """The channels contacts arrive on, by name: `realtime` (chat, phone) or `backlog` (email)."""
    if sites is not None and cover.site not in sites:
        report(where + ("site",), f"unknown site {cover.site!r} (expected one of: {', '.join(sites)})")
    elif sites is not None and cover.shift not in sites[cover.site].shifts:
        report(
            where + ("shift",),
            f"site {cover.site} has no shift {cover.shift!r} (expected one of: {', '.join(sites[cover.site].shifts)})",
        )
    if channels is not None and cover.channel is not None and cover.channel not in channels:
        report(where + ("channel",), f"unknown channel {cover.channel!r} (expected one of: {', '.join(channels)})")


def _mix_references(parsed: dict[str, Any], report: Callable[..., None]) -> None:
    """A `mix` names a role some agent (or hire profile) has, or a channel: a misspelt one would be a gap nobody can close."""
    channels: dict[str, Any] = parsed.get("channels") or {}
    known = {role for people in ("agents", "candidates") for agent in parsed.get(people) or [] for role in agent.roles} | set(
        channels
    )
    places: list[tuple[tuple[str | int, ...], Mix]] = [
        (("channels", name, "mix"), getattr(channel, "mix", {})) for name, channel in channels.items()
    ]
    places += [(("cover", index, "mix"), cover.mix) for index, cover in enumerate(parsed.get("cover") or [])]
    for where, mix in places:
        for role in mix:
            if role not in known:
                report(where + (role,), f"no agent has the role or skill {role!r} (expected one of: {', '.join(sorted(known))})")


def _shift_name_references(owner: Any, where: tuple[Any, ...], all_shifts: set[str], report: Callable[..., None]) -> None:
    """Rules that name shift templates; a misspelt name would make the rule bind nothing, silently."""
    expected = f"expected one of: {', '.join(sorted(all_shifts))}"
    for k, pair in enumerate(getattr(owner, "forbidden_successions", None) or []):
        for m, name in enumerate(pair):
            if name not in all_shifts:
                report(where + ("forbidden_successions", k, m), f"no site has a shift {name!r} ({expected})")
    for name in getattr(owner, "max_shifts_per_period", None) or {}:
        if name not in all_shifts:
            report(where + ("max_shifts_per_period", name), f"no site has a shift {name!r} ({expected})")


def repeat_problems(parsed: dict[str, Any], file: Path, node: yaml.Node | None) -> list[Problem]:
    """A view or weekday listed twice: the second view would overwrite the first one's heatmap and
    summary figures, and a second Sat is usually a Sun mistyped."""
    problems: list[Problem] = []
    for key, what in (("views", "zone"), ("weekend", "day")):
        first: dict[str, int] = {}
        for index, value in enumerate(parsed.get(key) or []):
            if value in first:
                path = (key, index)
                problems.append(
                    Problem(
                        file,
                        line_of(node, path),
                        dotted_path(path),
                        f"{value!r} is listed twice (also {key}[{first[value]}]; expected each {what} once)",
                    )
                )
            first.setdefault(value, index)
    return problems


def file_problems(parsed: dict[str, Any], file: Path, node: yaml.Node | None) -> list[Problem]:
    history: str | None = parsed.get("history")
    if history is not None and not (file.parent / history).is_file():
        return [
            Problem(
                file,
                line_of(node, ("history",)),
                "history",
                f"file {history!r} not found (expected the previous roster.csv, relative to {file.name})",
            )
        ]
    forecast: Forecast | None = parsed.get("forecast")
    """Where the volumes come from; a `forecast`, a `cover` list or both give the demand."""
    if forecast is None:
        if not parsed.get("cover"):
            return [
                Problem(
                    file,
                    line_of(node, ()),
                    "forecast",
                    "no demand given (expected a `forecast` section, a `cover` list, or both)",
                )
            ]
        return []
    key, name = ("file", forecast.file) if forecast.file is not None else ("profile", forecast.profile)
    target = file.parent / str(name)
    if not target.is_file():
        path = ("forecast", key)
        return [
            Problem(
                file, line_of(node, path), dotted_path(path), f"file {name!r} not found (expected a path relative to {file.name})"
            )
        ]
    return []


def forecast_references(parsed: dict[str, Any], file: Path, node: yaml.Node | None) -> list[Problem]:
    """Channels named by the profile forecast and by per-site shrinkage must exist."""
    problems: list[Problem] = []
    channels: dict[str, Any] | None = parsed.get("channels")
    """The channels contacts arrive on, by name: `realtime` (chat, phone) or `backlog` (email)."""
    forecast: Forecast | None = parsed.get("forecast")
    """Where the volumes come from; a `forecast`, a `cover` list or both give the demand."""
    if channels is not None and forecast is not None:
        expected = f"expected one of: {', '.join(channels)}"
        for name in forecast.weekly_volume:
            if name not in channels:
                path: tuple[str | int, ...] = ("forecast", "weekly_volume", name)
                problems.append(Problem(file, line_of(node, path), dotted_path(path), f"unknown channel {name!r} ({expected})"))
        for k, multiplier in enumerate(forecast.multipliers):
            for m, name in enumerate(multiplier.channels or []):
                if name not in channels:
                    path = ("forecast", "multipliers", k, "channels", m)
                    problems.append(
                        Problem(file, line_of(node, path), dotted_path(path), f"unknown channel {name!r} ({expected})")
                    )
    shrinkage: Shrinkage | None = parsed.get("shrinkage")
    """Share of paid time not available for contacts, in [0, 1): a number, or `{default, weekday: {Sat: 0.2}, sites: {NAME: number or {default, weekday}}}`."""
    sites: dict[str, Any] | None = parsed.get("sites")
    """Where agents work, by name: time zone, public holidays, shift templates."""
    if shrinkage is not None and sites is not None:
        for name in shrinkage.sites:
            if name not in sites:
                path = ("shrinkage", "sites", name)
                problems.append(
                    Problem(
                        file,
                        line_of(node, path),
                        dotted_path(path),
                        f"unknown site {name!r} (expected one of: {', '.join(sites)})",
                    )
                )
    return problems


agent_references = _agent_references  # for coverage/config/teamsheet.py: the same checks, its own locations
