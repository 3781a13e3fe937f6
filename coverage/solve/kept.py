"""The roster a `--keep` re-plan starts from: the kept shifts the new config still allows.

A manager re-planning for one sick agent expects a handful of changes at any
time limit. Searched from CP-SAT's own first roster, a short run changed
hundreds (the example team at 5 s, nobody even ill: 231 shifts removed, 232
added, at more than twice the kept roster's cost), although the model prices
every change. The kept roster, less the shifts the config no longer offers,
is where the search starts instead (coverage.solve.search): completed and
priced when it keeps every hard rule, only hinted when it does not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from coverage.roster import Assignment, Roster
from coverage.solve.variables import Variables

Occurrence = tuple[str, date, str]  # (agent, day, shift)


def still_allowed(variables: Variables, keep: Roster) -> Roster:
    """The kept shifts the model may still choose: agents in the team, off no new leave or unavailability, shift offered.

    A shift whose channel the agent no longer serves moves to the first one
    they do (a channel move costs less than a shift dropped and another
    added), a flexible run too: left on its old channel, no channel variable
    could take it and the whole kept roster was only a hint. A flexible
    template-day stays with its times as kept: where they no longer fit,
    completing it fails and it is only a hint.
    """
    channels = _channels(variables)
    allowed: list[Assignment] = []
    for a in keep.assignments:
        offered = channels.get((a.agent, a.day, a.shift))
        if offered:
            allowed.append(a if a.channel in offered else replace(a, channel=offered[0]))
    return Roster(tuple(allowed), keep.source)


def _channels(variables: Variables) -> dict[Occurrence, list[str]]:
    """Per occurrence an agent may work (listed or flexible), the channels they may work it on (sorted: the same choice every run)."""
    found: dict[Occurrence, list[str]] = {}
    for option in variables.choices:
        found.setdefault((option.agent, option.instance.day, option.instance.shift), []).append(option.channel)
    for av in variables.agents.values():  # a flexible run serves one of the template-day's channels (FlexVars.channels)
        for f in av.flexible:
            found[(av.scope.id, f.day, f.shift)] = list(f.channels)
    return {occurrence: sorted(channels) for occurrence, channels in found.items()}
