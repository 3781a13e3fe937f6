"""Loading a config: the YAML document read, its sections validated, the sheets joined, the cross-checks run.

Managers edit these files by hand, so every problem is reported with the file,
the line (taken from the YAML node, not guessed) and the dotted path of the
field, and *all* problems are reported at once rather than one per run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    TypeAdapter,
    ValidationError,
)

from coverage.config.checks import (
    file_problems,
    flexible_shift_problems,
    forecast_references,
    head_weight_problems,
    mentor_problems,
    reference_problems,
    repeat_problems,
    size_problems,
)
from coverage.config.problems import pydantic_problems
from coverage.config.schema import REQUIRED_SECTIONS, SECTIONS, Config, Workload
from coverage.config.teamsheet import load_availability, load_balances, load_team
from coverage.errors import InputError, Problem
from coverage.inputs import MAX_CONFIG_BYTES, read_text
from coverage.yamlload import dotted_path, line_of, parse_yaml


def load_config(path: str | Path, *, need_demand: bool = True) -> Config:
    """Read, validate and cross-check a plan configuration; raise InputError listing every problem.

    need_demand=False accepts a configuration with neither `forecast` nor
    `cover`: `covplan forecast` is how a new team gets its first forecast.
    """
    file = Path(path)
    data, node = read_config_document(file)
    return config_from_data(data, file, node, need_demand=need_demand)


def read_config_document(file: Path) -> tuple[dict[str, Any], yaml.Node | None]:
    """The config file's sections as YAML read them, and its node tree (for lines): not validated yet."""
    text = read_text(file, MAX_CONFIG_BYTES)
    data, node = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise InputError(
            [Problem(file, line_of(node, ()) or 1, "", "expected a mapping of sections (plan, channels, sites, ...)")]
        )
    return data, node


def config_from_data(data: dict[str, Any], file: Path, node: yaml.Node | None, *, need_demand: bool = True) -> Config:
    """Validate and cross-check sections read from `file` (as read_config_document returns them).

    A what-if scenario (coverage.scenarios) changes a copy of the sections and
    comes through here too, so an override meets every check the file does.
    `node` locates problems; None when the data no longer matches the file.
    """
    problems: list[Problem] = []
    parsed: dict[str, Any] = {}
    for key in data:
        if key not in SECTIONS:
            known = ", ".join(SECTIONS)
            problems.append(
                Problem(file, line_of(node, (key,)), dotted_path((key,)), f"unknown section (expected one of: {known})")
            )
    for key in REQUIRED_SECTIONS:
        if key not in data and not (key == "agents" and "agents_file" in data):
            problems.append(
                Problem(
                    file,
                    line_of(node, ()),
                    key,
                    "required section is missing (or an agents_file)" if key == "agents" else "required section is missing",
                )
            )
    for key, schema in SECTIONS.items():
        if key not in data:
            continue
        try:
            parsed[key] = TypeAdapter(schema).validate_python(data[key])
        except ValidationError as exc:
            problems.extend(pydantic_problems(exc, (key,), file, node))

    problems.extend(repeat_problems(parsed, file, node))
    problems.extend(reference_problems(parsed, file, node))
    problems.extend(_team_sheet(parsed, file, node))
    problems.extend(_availability_sheet(parsed, file, node))
    problems.extend(_balance_sheet(parsed, file, node))
    problems.extend(mentor_problems(parsed, file, node))
    problems.extend(flexible_shift_problems(parsed, file, node))
    problems.extend(head_weight_problems(parsed, file, node))
    problems.extend(forecast_references(parsed, file, node))
    problems.extend(size_problems(parsed, file, node))
    if not problems:
        problems.extend(p for p in file_problems(parsed, file, node) if need_demand or p.where != "forecast")  # "no demand given"
    if problems:
        raise InputError(problems)
    return Config(**parsed, source=file.resolve())


def _team_sheet(parsed: dict[str, Any], file: Path, node: yaml.Node | None) -> list[Problem]:
    """Agents of `agents_file` join `agents` (coverage/config/teamsheet.py); its problems point at rows and columns."""
    name = parsed.get("agents_file")
    if name is None:
        return []
    sheet = file.parent / name
    if not sheet.is_file():
        return _not_found(file, node, ("agents_file",), name, "a .csv or .xlsx team sheet")
    yaml_agents = parsed.get("agents") or []
    agents, problems = load_team(sheet, parsed, {agent.id for agent in yaml_agents})
    parsed["agents"] = [*yaml_agents, *agents]
    return problems


def _availability_sheet(parsed: dict[str, Any], file: Path, node: yaml.Node | None) -> list[Problem]:
    """Ranges of `availability_file` join each agent's `availability` (read by coverage/config/teamsheet.py); problems point at rows."""
    name = parsed.get("availability_file")
    if name is None:
        return []
    sheet = file.parent / name
    if not sheet.is_file():
        return _not_found(file, node, ("availability_file",), name, "a .csv or .xlsx sheet agent,day,from,to,level")
    agents, problems = load_availability(sheet, parsed.get("agents") or [])
    parsed["agents"] = agents
    return problems


def _balance_sheet(parsed: dict[str, Any], file: Path, node: yaml.Node | None) -> list[Problem]:
    """`workload.balance_file`'s balances become each agent's `balance_hours`, unless the agent gives their own."""
    workload: Workload | None = parsed.get("workload")
    if workload is None or workload.balance_file is None:
        return []
    sheet = file.parent / workload.balance_file
    if not sheet.is_file():
        return _not_found(file, node, ("workload", "balance_file"), workload.balance_file, "the previous plan's workload.csv")
    agents = parsed.get("agents") or []
    balances, problems = load_balances(sheet, {agent.id for agent in agents})
    parsed["agents"] = [
        agent.model_copy(update={"balance_hours": balances[agent.id]})
        if agent.balance_hours is None and agent.id in balances
        else agent
        for agent in agents
    ]
    return problems


def _not_found(file: Path, node: yaml.Node | None, path: tuple[str, ...], name: str, expected: str) -> list[Problem]:
    """A file the config names, relative to it, that is not there: one problem at the key that names it."""
    return [
        Problem(
            file,
            line_of(node, path),
            dotted_path(path),
            f"file {name!r} not found (expected {expected}, relative to {file.name})",
        )
    ]
