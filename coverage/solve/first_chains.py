"""Ejection chains in the constructed roster: one agent-day forced to change, the agent-days it disturbs laid again after it.

The construction's other moves (coverage.solve.first_runs) change one
agent-day, one agent's whole period, or a pair of agent-days where hours
pass from an agent far over their target. A short half-hour that nobody
can cover without a loss stays short: the agent who could take it would
give up hours someone else needs, or go further from their target. What a
minute's search changed in the constructed roster of the 60-agent team
(benchmarks/notes/part-time-team.md, "Ejection chains") was just such
chains across agents: coverage and wishes bought with target hours.

A chain begins at a root, a move that alone costs more than it saves:
an agent-day's run laid again so that it covers a short slot (`covering`),
or so that it no longer works its first or last slot where that slot is
avoided, not preferred or overstaffed (`releasing`). Each next link lays
again, at its best given the roster so far, an agent-day the link before
disturbed: one open over a slot that link gave up and not on duty there,
one working a slot it took, or another day of that link's agent (whose
target moved). Every link is priced exactly against the roster at its step
(first_prices; the weekend spread aside, as in every move here), so a
chain whose links together save more than they cost lowers the model's
cost by that much; the first such chain from a root is kept (first
improvement), where it keeps the weekly minimums and mentors' hosting.
Chains are at most CHAIN_DEPTH links long, and only the CHAIN_BRANCHES
best links that did not yet pay are followed further.
"""

from __future__ import annotations

import math
import time as wallclock
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from coverage.solve.data import ModelData
from coverage.solve.first_prices import (
    IMPROVES,
    NONE,
    AgentPlan,
    Need,
    Run,
    best_in_window,
    best_run,
    drop_run,
    meets_minimums,
    mentees_covered,
    open_over,
    run_value,
    take_run,
)
from coverage.time import FlexWindow

CHAIN_DEPTH = 4  # links in a chain at most, its root included (3 and two branches: about as many pricings, worse on seed 1)
CHAIN_BRANCHES = 1  # at each link before the last: how many of the next links that did not pay yet are followed further

AgentDay = tuple[str, date]
Days = dict[AgentDay, list[FlexWindow]]


@dataclass(frozen=True)
class Root:
    """Where a chain begins: an agent-day laid again to cover `cover` (slot, channel), or `within` (first slot, slot after)."""

    agent_day: AgentDay
    cover: tuple[int, str] | None = None
    within: tuple[float, float] | None = None
    run: Run | None = None  # a releasing root's run as it was found: the root is stale once the run changed


@dataclass(frozen=True)
class Link:
    """One agent-day laid again: its run before and after (None: no run), what that saved, where the log of moves stood before it."""

    plan: AgentPlan
    agent_day: AgentDay
    old: Run | None
    new: Run | None
    saved: float
    logged: int

    def gave(self) -> list[tuple[int, int]]:
        """The slots the link gave up, as (first slot, slot after) pieces."""
        return _left(self.old, self.new)

    def took(self) -> list[tuple[int, int]]:
        """The slots the link took."""
        return _left(self.new, self.old)


def _left(run: Run | None, without: Run | None) -> list[tuple[int, int]]:
    """The slots of `run` that `without` does not work (on its channel), as (first slot, slot after) pieces."""
    if run is None:
        return []
    if without is None or without.channel != run.channel:
        return [(run.start, run.end)]
    pieces = [(run.start, min(run.end, without.start)), (max(run.start, without.end), run.end)]
    return [(a, b) for a, b in pieces if a < b]


@dataclass
class Chain:
    """Links laid one after another on the roster, each undone on demand; `gain` is what they save together."""

    data: ModelData
    need: Need
    plans: dict[str, AgentPlan]
    days: Days
    links: list[Link] = field(default_factory=list)
    gain: float = 0.0

    def lay(self, agent_day: AgentDay, cover: tuple[int, str] | None = None, within: tuple[float, float] | None = None) -> bool:
        """The agent-day's run laid again at its best (with `cover` or `within`: a root's); whether it changed.

        A mentor's new run still covers the onboarding agents' runs its old
        one did (`AgentPlan.hosted`); where no run may, nothing changes.
        """
        plan, day = self.plans[agent_day[0]], agent_day[1]
        old, hosting, logged = plan.runs.get(day), plan.hosted(day), len(self.need.moves)
        before = 0.0
        if old is not None:
            drop_run(self.data, self.need, plan, old)
            before = run_value(self.data, self.need, plan, old)
        if cover is not None:
            value, run = self._covering(plan, self.days[agent_day], cover, hosting)
        else:
            value, run = best_run(self.data, self.need, plan, self.days[agent_day], hosting=hosting, within=within)
            if run is None or value <= 0:
                value, run = (0.0, None) if hosting is None else (NONE, None)
        if run is None and (value == NONE or cover is not None) or run == old:
            if old is not None:
                take_run(self.data, self.need, plan, old)
            del self.need.moves[logged:]
            return False
        if run is not None:
            take_run(self.data, self.need, plan, run)
        self.links.append(Link(plan, agent_day, old, run, value - before, logged))
        self.gain += value - before
        return True

    def _covering(
        self, plan: AgentPlan, windows: list[FlexWindow], cover: tuple[int, str], hosting: tuple[int, int] | None
    ) -> tuple[float, Run | None]:
        """The agent-day's best run on the channel that works the slot (and what a mentor's must host)."""
        slot, channel = cover
        if not plan.allows_day(windows[0].day):
            return NONE, None
        held = (slot, slot + 1) if hosting is None else (min(hosting[0], slot), max(hosting[1], slot + 1))
        found: tuple[float, Run | None] = (NONE, None)
        for w in windows:
            if w.first <= slot <= w.last:
                value, run = best_in_window(self.data, self.need, plan, w, channel, hosting=held)
                if value > found[0]:
                    found = (value, run)
        return found

    def undo(self, to: int = 0) -> None:
        """The links from `to` on taken back, last first; the log of moves as it was before them."""
        for link in reversed(self.links[to:]):
            if link.new is not None:
                drop_run(self.data, self.need, link.plan, link.new)
            if link.old is not None:
                take_run(self.data, self.need, link.plan, link.old)
            self.gain -= link.saved
        if to < len(self.links):
            del self.need.moves[self.links[to].logged :]
        del self.links[to:]

    def pays(self) -> bool:
        """Whether the chain saves more than it costs and keeps each agent's weekly minimums and mentors."""
        if self.gain <= IMPROVES:
            return False
        plans = tuple(link.plan for link in self.links)
        return all(meets_minimums(p) for p in plans) and mentees_covered(plans, tuple(k.agent_day[1] for k in self.links))


def chain_sweep(
    data: ModelData,
    need: Need,
    plans: dict[str, AgentPlan],
    days: Days,
    deadline: float | None = None,
    only: set[AgentDay] | None = None,
) -> int:
    """A chain tried from each root (`_roots`), the first that pays kept; how many were kept.

    `deadline` (a `time.perf_counter()` reading): no root is tried past it;
    None (deterministic runs): every root. `only`: roots on these agent-days
    alone (a sweep after the first: those the moves since the sweep before
    may have changed; from any other, the chains tried then would fail again,
    but where a later link's neighbours changed).
    """
    reaching = _reaching(plans, days)
    kept = 0
    for root in _roots(data, need, plans, days, reaching):
        if deadline is not None and wallclock.perf_counter() >= deadline:
            break
        if only is not None and root.agent_day not in only or not _current(root, need, plans):
            continue
        chain = Chain(data, need, plans, days)
        if not chain.lay(root.agent_day, root.cover, root.within):
            continue
        if chain.pays() or _extended(chain, reaching, 2):
            kept += 1
        else:
            chain.undo()
    return kept


def _extended(chain: Chain, reaching: dict[int, list[AgentDay]], depth: int) -> bool:
    """Whether a next link (and, up to CHAIN_DEPTH, the links after it) makes the chain pay; if so it is laid, else nothing is."""
    followed: list[tuple[float, AgentDay]] = []
    for agent_day in _disturbed(chain, reaching):
        mark = len(chain.links)
        if not chain.lay(agent_day):
            continue
        if chain.pays():
            return True
        if depth < CHAIN_DEPTH:
            followed.append((chain.gain, agent_day))
        chain.undo(mark)
    followed.sort(key=lambda item: -item[0])  # stable: ties stay in the order found
    for _, agent_day in followed[:CHAIN_BRANCHES]:
        mark = len(chain.links)
        if chain.lay(agent_day) and _extended(chain, reaching, depth + 1):
            return True
        chain.undo(mark)
    return False


def _disturbed(chain: Chain, reaching: dict[int, list[AgentDay]]) -> Iterator[AgentDay]:
    """The agent-days the chain's last link may have made better, each once.

    Those open over a slot it gave up and not on duty there (who may take
    it), those working a
    slot it took on that channel (who may leave it), and its agent's other
    days where its hours changed (their target moved).
    """
    last = chain.links[-1]
    seen = {link.agent_day for link in chain.links}

    def fresh(agent_day: AgentDay) -> bool:
        if agent_day in seen:
            return False
        seen.add(agent_day)
        return True

    for slot in (k for first, after in last.gave() for k in range(first, after)):
        for agent_day in reaching.get(slot, ()):
            run = chain.plans[agent_day[0]].runs.get(agent_day[1])
            if run is not None and run.start <= slot < run.end:
                continue  # on duty there already
            if fresh(agent_day):
                yield agent_day
    channel = last.new.channel if last.new is not None else ""
    for slot in (k for first, after in last.took() for k in range(first, after)):
        for agent_day in reaching.get(slot, ()):
            run = chain.plans[agent_day[0]].runs.get(agent_day[1])
            if run is not None and run.channel == channel and run.start <= slot < run.end and fresh(agent_day):
                yield agent_day
    minutes = (last.new.minutes if last.new else 0) - (last.old.minutes if last.old else 0)
    if minutes and last.plan.target is not None:
        for agent_day in chain.days:
            if agent_day[0] == last.agent_day[0] and fresh(agent_day):
                yield agent_day


def _reaching(plans: dict[str, AgentPlan], days: Days) -> dict[int, list[AgentDay]]:
    """Per grid slot, the agent-days open over it (a window there, the slot not closed to the agent), in the order of `days`.

    Closed slots never change, so this is asked once a sweep, not once a
    slot of every link (a run only works open slots: whoever works a slot is
    listed there too).
    """
    found: dict[int, list[AgentDay]] = defaultdict(list)
    for agent_day, windows in days.items():
        plan = plans[agent_day[0]]
        slots = {k for w in windows for k in range(w.first, w.last + 1) if open_over(plan, w, k, k + 1)}
        for slot in sorted(slots):
            found[slot].append(agent_day)
    return found


def _roots(
    data: ModelData, need: Need, plans: dict[str, AgentPlan], days: Days, reaching: dict[int, list[AgentDay]]
) -> list[Root]:
    """Covering roots for each short slot (each agent-day open over it with the skill), then releasing roots for each run's end slots.

    An end slot is released where the agent avoids it or does not prefer it
    (its wish cost) or it is overstaffed without the run.
    """
    roots = []
    for channel, short in need.short.items():
        for slot in (int(k) for k in (short > 0).nonzero()[0]):
            for agent, day in reaching.get(slot, ()):
                if channel in plans[agent].scope.agent.skills:
                    roots.append(Root((agent, day), cover=(slot, channel)))
    for agent, plan in plans.items():
        for day, run in sorted(plan.runs.items()):
            wishes = plan.wishes.get(run.window)
            for slot, within in ((run.start, (run.start + 1, math.inf)), (run.end - 1, (-math.inf, run.end - 1))):
                wished = wishes is not None and wishes[slot - run.window.first] > 0
                inside = 0 <= slot < len(need.short[run.channel])
                if wished or inside and need.short[run.channel][slot] < 0:
                    roots.append(Root((agent, day), within=within, run=run))
    return roots


def _current(root: Root, need: Need, plans: dict[str, AgentPlan]) -> bool:
    """Whether the root still applies after the chains kept before it: its slot still short, its run unchanged."""
    if root.cover is not None:
        slot, channel = root.cover
        return bool(need.short[channel][slot] > 0)
    return plans[root.agent_day[0]].runs.get(root.agent_day[1]) == root.run
