"""Workload targets: the paid hours each agent should work over the period, and how far a roster is from them.

A support rota shared by part-timers is fair when each person works their
share: a full person (`agents[].weight` 1) `workload.hours_per_week`, an
engineer who counts as 0.25 of a person a quarter of it. Whoever worked more
than their share in earlier periods works that much less now, and the other
way round: the balance carries (`agents[].balance_hours`, or the previous
plan's `workload.csv` through `workload.balance_file`).

Counting rules, shared by the model's cost (coverage.solve.objective), the
report (coverage.gaps) and `workload.csv`, so that they cannot disagree:

- worked hours are paid hours (unpaid breaks left out), as contract hours;
- the share is weight × hours_per_week × (days of the period the agent is
  employed) / 7, or weight × hours_per_period, or the agent's own
  `target_hours`; leave does not lower it (the balance evens it out later);
- target = share − balance before, never below 0; everything is counted in
  whole minutes;
- hours away = |worked − target| rounded to the nearest whole hour (half an
  hour rounds up): a roster 20 minutes off its target costs nothing, since
  CP-SAT prices integers exactly and a manager does not count minutes;
- cost = `weights.target` × hours away², or × hours away with
  `workload.cost: linear`: convex both ways; squared, two agents 2 h off
  cost less than one agent 4 h off (linear, the same);
- balance after = balance before + worked − share: the next period's
  `balance_hours`.

Candidates of `covplan hires` have no target: an unhired profile would
otherwise cost its whole share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from coverage.config.schema import Agent, Config
from coverage.outputs import write_csv_atomic
from coverage.roster import Roster, paid_minutes

WORKLOAD_COLUMNS = (
    "agent",
    "weight",
    "share_hours",
    "balance_before",
    "target_hours",
    "worked_hours",
    "away_hours",
    "cost",
    "balance_after",
)
HALF_HOUR = 30  # minutes: from here a deviation rounds up to a whole hour away


@dataclass(frozen=True)
class AgentTarget:
    """One agent's target for the period, in whole minutes."""

    agent: str
    weight: float
    share_minutes: int  # before the balance
    balance_minutes: int  # carried from earlier periods: over (+) or under (−) target

    @property
    def minutes(self) -> int:
        """This period's target: the share less what earlier periods worked over it (never below 0)."""
        return max(0, self.share_minutes - self.balance_minutes)


def has_targets(config: Config) -> bool:
    """Whether any agent has a target: a `workload` share, or an agent's own `target_hours`."""
    return bool(agent_targets(config))


def agent_targets(config: Config) -> dict[str, AgentTarget]:
    """Every agent with a target -> it (see the module's counting rules)."""
    found: dict[str, AgentTarget] = {}
    for agent in config.agents:
        if config.candidate_of(agent.id) is not None:
            continue
        share = _share_hours(config, agent)
        if share is None:
            continue
        balance = agent.balance_hours or 0.0
        found[agent.id] = AgentTarget(agent.id, agent.weight, round(share * 60), round(balance * 60))
    return found


def _share_hours(config: Config, agent: Agent) -> float | None:
    """The agent's fair share over the period before the balance; None without a target."""
    if agent.target_hours is not None:
        return agent.target_hours
    workload = config.workload
    if workload is None:
        return None
    if workload.hours_per_period is not None:
        return agent.weight * workload.hours_per_period
    if workload.hours_per_week is not None:
        plan = config.plan
        employed = sum(1 for k in range(plan.days) if agent.employed_on(plan.start + timedelta(days=k)))
        return agent.weight * workload.hours_per_week * employed / 7
    return None


def hours_away(worked_minutes: int, target_minutes: int) -> int:
    """|worked − target| in whole hours, to the nearest (30 minutes round up)."""
    distance = abs(worked_minutes - target_minutes)
    return (distance + 60 - HALF_HOUR) // 60


def away_units(hours: int, config: Config) -> int:
    """What `hours` away from a target count before the weight: hours², or hours with `workload.cost: linear`."""
    linear = config.workload is not None and config.workload.cost == "linear"
    return hours if linear else hours * hours


def away_cost(hours: int, config: Config) -> int:
    """What `hours` away from a target cost: `weights.target` × hours² (or × hours, `workload.cost: linear`)."""
    return config.weights.target * away_units(hours, config)


# --------------------------------------------------------------------------- a roster against the targets


@dataclass(frozen=True)
class WorkloadRow:
    """One agent's hours against their target, in hours (2 decimals), and the cost the objective counts."""

    agent: str
    weight: float
    share_hours: float
    balance_before: float
    target_hours: float
    worked_hours: float
    away_hours: int  # rounded, as priced
    cost: int
    balance_after: float

    def cells(self) -> tuple[object, ...]:
        return (
            self.agent,
            f"{self.weight:g}",
            self.share_hours,
            self.balance_before,
            self.target_hours,
            self.worked_hours,
            self.away_hours,
            self.cost,
            self.balance_after,
        )


def workload_rows(roster: Roster, config: Config) -> list[WorkloadRow]:
    """Per agent with a target, in the config's order: worked against target (empty when nobody has one)."""
    targets = agent_targets(config)
    worked: dict[str, int] = dict.fromkeys(targets, 0)
    for a in roster.assignments:
        if a.agent in worked:
            worked[a.agent] += paid_minutes(a, config)
    rows = []
    for agent, target in targets.items():
        away = hours_away(worked[agent], target.minutes)
        rows.append(
            WorkloadRow(
                agent=agent,
                weight=target.weight,
                share_hours=_hours(target.share_minutes),
                balance_before=_hours(target.balance_minutes),
                target_hours=_hours(target.minutes),
                worked_hours=_hours(worked[agent]),
                away_hours=away,
                cost=away_cost(away, config),
                balance_after=_hours(target.balance_minutes + worked[agent] - target.share_minutes),
            )
        )
    return rows


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def write_workload_csv(rows: list[WorkloadRow], path: Path) -> Path:
    """workload.csv: one row per agent with a target; its `balance_after` is the next period's balance (coverage.config.teamsheet.load_balances)."""
    return write_csv_atomic(path, WORKLOAD_COLUMNS, [row.cells() for row in rows])
