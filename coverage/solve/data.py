"""What the roster model is built from, as plain data: no solver here.

`ModelInputs` is what a caller asks of the model beyond the config and the
requirements (a roster to keep, hires, a previous period, explanations);
`ModelData` is everything the model's parts read, worked out once before any
variable exists: the grid, each shift occurrence, and what each agent may work
(`scope`). `Target` and `Hiring` describe the hiring questions; `Option` is
one way an agent (or, in the headcount relaxation, a group) can spend one
shift occurrence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from coverage.config.schema import Agent, Config
from coverage.demand import Requirements
from coverage.roster import Roster
from coverage.solve.scope import AgentScope, agent_scopes
from coverage.time import FlexWindow, Grid, ShiftInstance, flexible_windows, shift_instances


@dataclass(frozen=True)
class Target:
    """A coverage level to reach, over `channels` and UTC grid `intervals` (None: all).

    kind "uncovered": no needed interval with nobody on duty; "service": no
    understaffing (the requirement is what meets each channel's service
    level); "ratio": at least `ratio` of required agent-hours met.
    `intervals` come from local hours of a view zone (weekends in New York),
    worked out outside the solver; `where` says them in words and `zone` is
    the clock they were named on. A `soft` target is no hard rule: its gaps
    come first in the objective instead (the roadmap's steps close target
    hours before any other). `excluded` (channel, interval) pairs are left
    out: hours no hire can reach (coverage.reach), so the rest can still be
    asked for. `most` relaxes a hard target to "at most this many gaps
    left" (intervals for uncovered, agent-intervals otherwise): the roadmap
    asks it when it needs to know whether any hire closes one more.
    """

    kind: str = "uncovered"
    ratio: float = 1.0
    channels: frozenset[str] | None = None
    intervals: frozenset[int] | None = None
    where: str = ""  # e.g. "on weekends in America/New_York"
    soft: bool = False
    zone: str = ""  # e.g. "America/New_York"; empty: the config's first view
    excluded: frozenset[tuple[str, int]] = frozenset()
    most: int | None = None

    def covers(self, channel: str) -> bool:
        return self.channels is None or channel in self.channels

    def counts(self, channel: str, interval: int) -> bool:
        """Whether a channel's grid interval counts toward the target."""
        return (
            self.covers(channel)
            and (self.intervals is None or interval in self.intervals)
            and (channel, interval) not in self.excluded
        )


def describe_target(target: Target) -> str:
    """The target in a manager's words: "every needed interval with somebody on duty on weekends in ..."."""
    words = {
        "uncovered": "every needed interval with somebody on duty",
        "service": "no understaffing, so every service level is met",
        "ratio": f"at least {target.ratio:.0%} of required agent-hours met",
    }[target.kind]
    words += "" if target.channels is None else f" for {', '.join(sorted(target.channels))}"
    return words + (f" {target.where}" if target.where else "")


@dataclass(frozen=True)
class Hiring:
    """Possible hires as optional agents: who may be hired, at what cost, how many, who already is."""

    costs: dict[str, float]  # candidate agent id -> cost over the period
    max_hires: int | None = None
    hired: frozenset[str] = frozenset()  # decided in an earlier step of the roadmap
    cost_weight: int = 0  # objective weight per unit of cost
    target: Target | None = None  # a coverage level the team must reach (cheapest-set mode)

    def in_order(self) -> list[tuple[str, str]]:
        """(first, second) pairs of identical hires (one profile, ids `profile-1`, `profile-2`, ...): the second only if the first.

        Hires of one profile are interchangeable; taking them in order leaves
        the search one of each set of equal rosters. Pairs with a hire
        already decided are left out.
        """
        by_profile: dict[str, list[str]] = defaultdict(list)
        for agent_id in self.costs:
            by_profile[agent_id.rsplit("-", 1)[0]].append(agent_id)
        pairs = []
        for ids in by_profile.values():
            ordered = sorted(ids, key=lambda a: int(a.rsplit("-", 1)[1]))
            pairs += [
                (first, second)
                for first, second in zip(ordered, ordered[1:])
                if first not in self.hired and second not in self.hired
            ]
        return pairs


@dataclass(frozen=True)
class ModelInputs:
    """What a solve is asked for beyond the config and the requirements; the search's own controls are `SolveParams`.

    `history` None reads the config's `history:` (the previous period's
    roster); `explain` searches for the rules that conflict when no roster
    exists; `staged` None lets the team's size decide (coverage.solve.staged).
    """

    keep: Roster | None = None  # re-plan changing as few of these shifts as possible
    hiring: Hiring | None = None  # candidates as optional agents (config must include them: Config.with_candidates)
    history: Roster | None = None  # the previous period's shifts; None: the config's `history:`
    explain: bool = True  # when no roster exists, search for the rules that conflict
    exact_runs: bool = False  # run rules as one automaton per agent: exact LP, slower neighbourhoods (coverage.solve.rules)
    staged: bool | None = None  # headcounts first, then sites, then the full model (None: for big multi-site teams)


@dataclass(frozen=True)
class Option:
    """One way an agent (or a group, in the headcount relaxation) can spend one shift occurrence: the occurrence and a channel."""

    agent: str
    instance: ShiftInstance
    channel: str


@dataclass(frozen=True)
class ModelData:
    """Everything the parts of one CP-SAT model read, decided before any variable exists.

    `explain` builds the explain model: every hard rule behind its own
    assumption literal (coverage.solve.rulebook), blocked occurrences
    included so that the rule blocking them can be named.
    """

    config: Config
    requirements: Requirements
    instances: tuple[ShiftInstance, ...]
    scopes: tuple[AgentScope, ...]
    explain: bool = False
    hiring: Hiring | None = None
    keep: Roster | None = None
    exact_runs: bool = False
    windows: tuple[FlexWindow, ...] = ()  # flexible template-days (coverage.time.flexible_windows)

    @classmethod
    def of(
        cls,
        config: Config,
        requirements: Requirements,
        *,
        history: Roster | None = None,
        hiring: Hiring | None = None,
        keep: Roster | None = None,
        explain: bool = False,
        exact_runs: bool = False,
    ) -> ModelData:
        instances = shift_instances(config)
        windows = flexible_windows(config)
        scopes = agent_scopes(config, instances, history, windows)
        return cls(config, requirements, tuple(instances), tuple(scopes), explain, hiring, keep, exact_runs, tuple(windows))

    @property
    def grid(self) -> Grid:
        return self.requirements.grid

    @cached_property
    def _agents(self) -> Mapping[str, Agent]:
        return {scope.id: scope.agent for scope in self.scopes}

    def head_units(self, option: Option) -> int:
        """What the agent of `option` adds to its channel's coverage, in hundredths of a person (Config.head_units)."""
        return self.config.head_units(self._agents[option.agent], option.channel)

    @cached_property
    def mentor_shifts(self) -> Mapping[str, Mapping[ShiftInstance, tuple[tuple[str, ShiftInstance], ...]]]:
        """Per onboarding agent, per occurrence they have a variable for: the (mentor, occurrence) pairs on duty over all its hours.

        Only mentors of this model count: a site's own model (coverage.solve.staged)
        sees no mentor at another site, so its mentees work only beside one it
        has, and the staged roster stays one the full model can complete.
        """
        scopes = {scope.id: scope for scope in self.scopes}
        found: dict[str, dict[ShiftInstance, tuple[tuple[str, ShiftInstance], ...]]] = {}
        for scope in self.scopes:
            if not scope.agent.mentors:
                continue
            mentors = [scopes[m] for m in scope.agent.mentors if m in scopes]
            own = scope.available + (list(scope.blocked) if self.explain else [])
            found[scope.id] = {
                s: tuple((m.id, t) for m in mentors for t in m.available if t.start_utc <= s.start_utc and t.end_utc >= s.end_utc)
                for s in own
            }
        return found
