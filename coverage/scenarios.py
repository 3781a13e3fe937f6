"""What-if scenarios: the config as it is, and named variations of it, each a full plan.

A scenarios file (YAML) names scenarios under `scenarios:`. Each one may

- override config values by dotted path (`channels.chat.aht_seconds: 420`,
  `shrinkage: 0.35`, `rules.max_weekends_per_period: 2`); a list item is
  named by its `id` or its position (`agents.avery.contract: part_time`,
  `candidates.0.cost: 3000`); a whole section may be given as a mapping;
- scale the forecast: `volume: 1.10` (every channel) or `volume: {chat: 1.10}`;
- add agents from the config's `candidates`: `hire: [manila, manila]` adds
  `manila-1` and `manila-2` (at most the candidate's `max_count`);
- leave agents out: `without: [avery]`.

The overridden config goes through the config's own validation
(coverage.config.config_from_data), so an override meets every check the
file itself does; each problem is said at the override's line in the
scenarios file: `FILE:LINE: scenarios.NAME.PATH: what (expected …)`. Every
scenario is checked before any is planned, and all problems come at once.

The baseline — the config unchanged — is always scenario one, `baseline`.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, TypeAdapter, ValidationError, field_validator

from coverage.config import SECTIONS, Config, Name, Strict, config_from_data, pydantic_problems, read_config_document
from coverage.demand import Requirements, requirements
from coverage.errors import InputError, Problem
from coverage.inputs import MAX_CONFIG_BYTES, read_text
from coverage.yamlload import dotted_path, line_of, node_at, parse_yaml, shorten

BASELINE = "baseline"
MAX_SCENARIOS = 500
SCENARIO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")  # it names a folder of the sweep's output
EXTRA_KEYS = ("volume", "hire", "without", "description")  # the rest of a scenario's keys are config paths

MAX_FACTOR = 100.0


class ScenarioExtras(Strict):
    """A scenario's keys that are not config paths."""

    volume: float | dict[Name, float] | None = Field(default=None, description="forecast volume × this (or per channel)")
    hire: list[Name] = Field(default_factory=list, description="candidate ids, once per hire")
    without: list[Name] = Field(default_factory=list, description="agent ids left out")
    description: str | None = None

    @field_validator("volume", mode="before")
    @classmethod
    def _factors(cls, value: Any) -> Any:
        """One message for either form, instead of one per branch of the union."""
        factors = value.values() if isinstance(value, dict) else [value]
        if value is None or all(_factor(f) for f in factors):
            return value
        raise ValueError(
            f"{shorten(repr(value))} is not a volume factor (expected a number above 0 and at most "
            f"{MAX_FACTOR:g} such as 1.1, or channels and factors such as {{chat: 1.1}})"
        )


def _factor(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= MAX_FACTOR


@dataclass(frozen=True)
class Scenario:
    """One what-if as written: config overrides by dotted path, a volume factor, hires and agents left out."""

    name: str
    overrides: tuple[tuple[str, Any], ...] = ()
    volume: float | dict[str, float] | None = None
    hire: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    description: str | None = None

    @property
    def changes(self) -> str:
        """The scenario in a few words, for the sweep's table: `channels.chat.aht_seconds=420; volume ×1.1`."""
        parts = [f"{path}={_short(value)}" for path, value in self.overrides]
        if isinstance(self.volume, dict):
            parts += [f"{channel} volume ×{factor:g}" for channel, factor in self.volume.items()]
        elif self.volume is not None:
            parts.append(f"volume ×{self.volume:g}")
        parts += [f"hire {name}" + (f" ×{count}" if count > 1 else "") for name, count in Counter(self.hire).items()]
        if self.without:
            parts.append("without " + ", ".join(self.without))
        return "; ".join(parts) or "the config as it is"


def _short(value: Any) -> str:
    """A value as the scenarios file would write it, on one line."""
    if isinstance(value, dict | list):
        return shorten(yaml.safe_dump(value, default_flow_style=True, width=10**6).strip(), 60)
    return shorten(str(value).lower() if isinstance(value, bool) else str(value), 60)


@dataclass(frozen=True)
class ScenarioPlan:
    """A scenario made concrete: its validated config and its requirements (volume scaled), ready to plan."""

    scenario: Scenario
    config: Config
    needs: Requirements

    @property
    def name(self) -> str:
        return self.scenario.name


def load_scenarios(config_file: Path, scenarios_file: Path) -> list[ScenarioPlan]:
    """The baseline and every scenario of the file, each validated like the config; InputError lists every problem."""
    config_file, scenarios_file = Path(config_file), Path(scenarios_file)
    base_data, base_node = read_config_document(config_file)
    base = config_from_data(base_data, config_file, base_node)
    scenarios, nodes, problems = read_scenarios(scenarios_file)
    plans: list[ScenarioPlan] = []
    for scenario in scenarios:
        try:
            node, line = nodes.get(scenario.name, (None, None))
            plans.append(_made(scenario, base, base_data, config_file, scenarios_file, node, line))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line if isinstance(p.line, int) else 0))
    return plans


def read_scenarios(file: Path) -> tuple[list[Scenario], dict[str, tuple[yaml.Node | None, int | None]], list[Problem]]:
    """The file's well-formed scenarios, baseline first; each one's YAML node and line; the problems of the others."""
    data, root = parse_yaml(read_text(file, MAX_CONFIG_BYTES), file)
    if not isinstance(data, dict) or set(data) != {"scenarios"} or not isinstance(data["scenarios"], dict):
        raise InputError(
            [
                Problem(
                    file,
                    line_of(root, ()) or 1,
                    "",
                    "expected one section, `scenarios:`, a mapping of scenario names to their changes (see docs/sweep.md)",
                )
            ]
        )
    written: dict[Any, Any] = data["scenarios"]
    section, _ = node_at(root, ("scenarios",))
    problems: list[Problem] = []
    if len(written) > MAX_SCENARIOS:
        problems.append(
            Problem(
                file, line_of(root, ("scenarios",)), "scenarios", f"{len(written):,} scenarios (expected at most {MAX_SCENARIOS})"
            )
        )
    scenarios: list[Scenario] = []
    nodes: dict[str, tuple[yaml.Node | None, int | None]] = {}
    for name, body in written.items():
        path = ("scenarios", name)
        where, line = dotted_path(path), line_of(root, path)
        node, _ = node_at(section, (name,))
        if not isinstance(name, str) or not SCENARIO_NAME.match(name):
            problems.append(
                Problem(
                    file,
                    line,
                    where,
                    f"{shorten(repr(name))} is not a scenario name (expected letters, digits, "
                    "'_' and '-': it names the scenario's folder)",
                )
            )
            continue
        body = {} if body is None else body
        if not isinstance(body, dict):
            problems.append(
                Problem(file, line, where, "expected a mapping of changes (config paths, volume, hire, without), or {} for none")
            )
            continue
        try:
            scenario = _scenario(name, body, file, root)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if name == BASELINE and scenario.changes != Scenario(BASELINE).changes:
            problems.append(
                Problem(
                    file,
                    line,
                    where,
                    "the baseline is the config as it is (expected no changes; give this scenario another name)",
                )
            )
            continue
        scenarios.append(scenario)
        nodes[name] = (node, line)
    if not any(s.name == BASELINE for s in scenarios):
        scenarios.insert(0, Scenario(BASELINE))
    scenarios.sort(key=lambda s: s.name != BASELINE)  # stable: the rest in the file's order
    return scenarios, nodes, problems


def _scenario(name: str, body: dict[Any, Any], file: Path, root: yaml.Node | None) -> Scenario:
    extras = {key: value for key, value in body.items() if key in EXTRA_KEYS}
    problems: list[Problem] = []
    overrides: list[tuple[str, Any]] = []
    for key, value in body.items():
        if key in EXTRA_KEYS:
            continue
        section = str(key).split(".", 1)[0]
        if not isinstance(key, str) or section not in SECTIONS or "" in key.split("."):
            path = ("scenarios", name, key)
            problems.append(
                Problem(
                    file,
                    line_of(root, path),
                    dotted_path(path),
                    f"{shorten(repr(key))} is not a change "
                    f"(expected a config path such as channels.chat.aht_seconds, whose first part is a "
                    f"section: {', '.join(SECTIONS)}; or one of {', '.join(EXTRA_KEYS)})",
                )
            )
            continue
        overrides.append((key, value))
    try:
        parsed = TypeAdapter(ScenarioExtras).validate_python(extras)
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, ("scenarios", name), file, root))
        parsed = None
    if problems or parsed is None:
        raise InputError(problems)
    return Scenario(name, tuple(overrides), parsed.volume, tuple(parsed.hire), tuple(parsed.without), parsed.description)


def _made(
    scenario: Scenario,
    base: Config,
    base_data: dict[str, Any],
    config_file: Path,
    scenarios_file: Path,
    node: yaml.Node | None,
    line: int | None,
) -> ScenarioPlan:
    """The scenario's config (overrides validated as the config is, then hires and agents left out) and requirements."""
    config = base
    if scenario.overrides:
        data = copy.deepcopy(base_data)
        where_set: list[tuple[str, str, int | None]] = []  # (the config path as problems name it, as written, line)
        problems: list[Problem] = []
        for path, value in scenario.overrides:
            at = _line(node, (path,), scenarios_file)
            try:
                where_set.append((_set(data, path, value), path, at))
            except ValueError as exc:
                problems.append(Problem(scenarios_file, at, f"scenarios.{scenario.name}.{path}", str(exc)))
        if problems:
            raise InputError(problems)
        try:
            config = config_from_data(data, config_file, None)
        except InputError as exc:
            raise InputError([_relocated(p, scenario, where_set, scenarios_file, line) for p in exc.problems]) from None
    config = _with_team(config, scenario, scenarios_file, node)
    if config.view_zones[0] != base.view_zones[0]:
        raise InputError(
            [
                Problem(
                    scenarios_file,
                    line,
                    f"scenarios.{scenario.name}",
                    f"changes the first view to {config.view_zones[0]} (expected the baseline's, {base.view_zones[0]}: "
                    "the sweep compares every scenario on that clock; add views after it instead)",
                )
            ]
        )
    scale = _volume_scale(scenario, config, scenarios_file, node)
    return ScenarioPlan(scenario, config, requirements(config, scale))


def _line(node: yaml.Node | None, path: tuple[Any, ...], file: Path) -> int | None:
    return line_of(node, path) if node is not None else None


def _set(data: dict[str, Any], path: str, value: Any) -> str:
    """Put `value` at the dotted `path` of the config's data; the path as problems name it (`agents[3].contract`).

    Mappings on the way are made when missing (a section or key the file
    leaves at its default); a list item is named by its `id` or position.
    """
    parts = path.split(".")
    container: Any = data
    canonical: list[Any] = []
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(container, dict):
            canonical.append(part)
            if last:
                container[part] = copy.deepcopy(value)
                break
            if not isinstance(container.get(part), dict | list):
                container[part] = {}
            container = container[part]
        elif isinstance(container, list):
            index = _item(container, part, dotted_path(tuple(canonical)))
            canonical.append(index)
            if last:
                container[index] = copy.deepcopy(value)
                break
            container = container[index]
        else:
            raise ValueError(
                f"{dotted_path(tuple(canonical))} is a single value, not a section (expected a path that ends at it)"
            )
    return dotted_path(tuple(canonical))


def _item(items: list[Any], part: str, where: str) -> int:
    for index, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("id")) == part:
            return index
    if part.isdigit() and int(part) < len(items):
        return int(part)
    ids = [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]
    known = f"an id ({', '.join(ids[:8])}{', ...' if len(ids) > 8 else ''}) or " if ids else ""
    raise ValueError(f"{where} has no item {part!r} (expected {known}a position from 0 to {len(items) - 1})")


def _relocated(
    problem: Problem, scenario: Scenario, where_set: list[tuple[str, str, int | None]], file: Path, scenario_line: int | None
) -> Problem:
    """A problem of the overridden config, said at the override that caused it in the scenarios file."""
    for canonical, written, line in where_set:
        if problem.where == canonical or problem.where.startswith((canonical + ".", canonical + "[")):
            return Problem(file, line, f"scenarios.{scenario.name}.{written}{problem.where[len(canonical) :]}", problem.what)
        if canonical.startswith((problem.where + ".", problem.where + "[")):
            return Problem(file, line, f"scenarios.{scenario.name}.{written}", f"{problem.where}: {problem.what}")
    # A cross-reference the overrides broke elsewhere (an agent's site removed, ...): said at the scenario.
    return Problem(
        file, scenario_line, f"scenarios.{scenario.name}", f"with these changes, {problem.where or 'the config'}: {problem.what}"
    )


def _with_team(config: Config, scenario: Scenario, file: Path, node: yaml.Node | None) -> Config:
    """The team with the scenario's hires (candidates as agents, `id-1`, `id-2`, ...) and without the agents it leaves out."""
    problems: list[Problem] = []
    where = f"scenarios.{scenario.name}"
    candidates = {c.id: c for c in config.candidates}
    added = []
    for name, count in Counter(scenario.hire).items():
        candidate = candidates.get(name)
        if candidate is None:
            known = ", ".join(candidates) or "none: the config has no `candidates`"
            problems.append(
                Problem(
                    file, _line(node, ("hire",), file), f"{where}.hire", f"unknown candidate {name!r} (expected one of: {known})"
                )
            )
        elif count > candidate.max_count:
            problems.append(
                Problem(
                    file,
                    _line(node, ("hire",), file),
                    f"{where}.hire",
                    f"{count} hires of {name!r} (expected at most its max_count, {candidate.max_count})",
                )
            )
        else:
            added += candidate.as_agents()[:count]
    team = [*config.agents, *added]
    ids = {agent.id for agent in team}
    for k, agent_id in enumerate(scenario.without):
        if agent_id not in ids:
            problems.append(
                Problem(
                    file,
                    _line(node, ("without", k), file),
                    f"{where}.without[{k}]",
                    f"unknown agent {agent_id!r} (expected an agent id of the config, or a hire of this scenario)",
                )
            )
    kept = [agent for agent in team if agent.id not in set(scenario.without)]
    if not kept and not problems:
        problems.append(
            Problem(
                file,
                _line(node, ("without",), file),
                f"{where}.without",
                "leaves nobody on the team (expected at least one agent)",
            )
        )
    if problems:
        raise InputError(problems)
    return config if not added and not scenario.without else config.model_copy(update={"agents": kept})


def _volume_scale(scenario: Scenario, config: Config, file: Path, node: yaml.Node | None) -> dict[str, float] | None:
    if scenario.volume is None:
        return None
    if not isinstance(scenario.volume, dict):
        return dict.fromkeys(config.channels, float(scenario.volume))
    unknown = [c for c in scenario.volume if c not in config.channels]
    if unknown:
        raise InputError(
            [
                Problem(
                    file,
                    _line(node, ("volume", c), file),
                    f"scenarios.{scenario.name}.volume.{c}",
                    f"unknown channel {c!r} (expected one of: {', '.join(config.channels)})",
                )
                for c in unknown
            ]
        )
    return dict(scenario.volume)
