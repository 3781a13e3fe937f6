"""Minimum heads with a role among those on duty ("at least one engineer"): soft, priced and reported like a gap.

One week from Mon 2026-12-07 in New York; the day shift 09:00-17:00 (14:00-22:00Z).
a1 is an engineer, a2 is not.
"""

from __future__ import annotations

import pytest
from helpers import TINY, nine_to_five_new_york, solved, week_config

from coverage.errors import InputError
from coverage.gaps import coverage_of, mix_lines, summary

TEAM = TINY.replace(
    "skills: [chat]}", "skills: [chat], roles: [engineer]}\n  - {id: a2, site: nyc, contract: full_time, skills: [chat]}"
)
ENGINEER_ON_CHAT = TEAM.replace(
    "service_level: {percent: 80, within_seconds: 60}", "service_level: {percent: 80, within_seconds: 60}\n    mix: {engineer: 1}"
)


def test_the_engineer_is_the_one_on_duty(make_config) -> None:
    config = week_config(make_config, ENGINEER_ON_CHAT, nine_to_five_new_york([7]))
    _, result = solved(config)
    assert [(a.agent, a.day.day) for a in result.roster.assignments] == [("a1", 7)]
    assert result.objective == 0


def test_an_hour_without_an_engineer_costs_and_is_reported(make_config) -> None:
    text = ENGINEER_ON_CHAT.replace("roles: [engineer]}", "roles: [engineer], leave: [2026-12-07]}")
    config = week_config(make_config, text, nine_to_five_new_york([7]))
    needs, result = solved(config)
    assert [(a.agent, a.day.day) for a in result.roster.assignments] == [("a2", 7)]
    assert result.objective == 8 * config.weights.mix == 3200  # eight hours covered, none by an engineer
    payload = summary(
        coverage_of(result.roster, needs, config), config, status="OPTIMAL", objective=None, best_bound=None, wall_seconds=None
    )
    assert payload.to_json()["mix"] == {"chat": {"engineer": {"at_least": 1, "uncovered_hours": 8.0}}}
    assert payload.uncovered_hours == {"chat": 0.0}  # the channel itself is covered
    assert mix_lines(payload) == ["chat: 8.00 h without at least 1 engineer on duty"]


def test_a_channel_skill_works_as_a_role(make_config) -> None:
    text = TEAM.replace("aht_seconds: 360", "aht_seconds: 360\n    mix: {email: 1}").replace(
        "forecast:", "  email: {kind: backlog, aht_seconds: 300, respond_within_hours: 4}\nforecast:"
    )
    text = text.replace(
        "{id: a2, site: nyc, contract: full_time, skills: [chat]}",
        "{id: a2, site: nyc, contract: full_time, skills: [chat, email]}",
    )
    _, result = solved(week_config(make_config, text, nine_to_five_new_york([7])))
    assert [(a.agent, a.channel) for a in result.roster.assignments] == [("a2", "chat")]
    assert result.objective == 0


def test_a_cover_row_asks_for_an_engineer_among_its_heads(make_config) -> None:
    base = TEAM.replace("forecast:\n  file: forecast.csv\n  timezone: UTC\n", "")
    row = "cover:\n  - {site: nyc, shift: day, count: 1, day: Mon, mix: {engineer: 1}}\n"
    _, result = solved(week_config(make_config, base + row))
    assert [(a.agent, a.day.day) for a in result.roster.assignments] == [("a1", 7)]
    assert result.objective == 0
    away = base.replace("roles: [engineer]}", "roles: [engineer], leave: [2026-12-07]}")
    _, result = solved(week_config(make_config, away + row))
    assert [(a.agent, a.day.day) for a in result.roster.assignments] == [("a2", 7)]
    assert result.objective == 100  # the row's under_weight, once for the day


def test_a_mix_names_a_role_somebody_has(make_config) -> None:
    text = ENGINEER_ON_CHAT.replace("mix: {engineer: 1}", "mix: {enginer: 1}")
    with pytest.raises(InputError) as caught:
        make_config(text)
    [problem] = caught.value.problems
    assert problem.where == "channels.chat.mix.enginer"
    assert problem.what == "no agent has the role or skill 'enginer' (expected one of: chat, engineer)"


def test_backlog_channels_take_no_mix(make_config) -> None:
    text = TEAM.replace(
        "forecast:", "  email: {kind: backlog, aht_seconds: 300, respond_within_hours: 4, mix: {engineer: 1}}\nforecast:"
    )
    with pytest.raises(InputError, match="channels.email.mix: unknown key"):
        make_config(text)


def test_channel_flips_are_not_polished_where_a_mix_is_asked(make_config) -> None:
    from coverage.demand import requirements
    from coverage.solve.polish import worth_polishing

    email = "  email: {kind: backlog, aht_seconds: 300, respond_within_hours: 4}\nforecast:"
    both = "skills: [chat, email]"
    plain = week_config(
        make_config,
        TEAM.replace("forecast:", email).replace("skills: [chat]", both),
        nine_to_five_new_york([7]) + [("2026-12-07T15:00:00", "email", 20)],
    )
    assert worth_polishing(plain, requirements(plain))
    mixed = week_config(
        make_config,
        ENGINEER_ON_CHAT.replace("forecast:", email).replace("skills: [chat]", both),
        nine_to_five_new_york([7]) + [("2026-12-07T15:00:00", "email", 20)],
    )
    assert not worth_polishing(mixed, requirements(mixed))
