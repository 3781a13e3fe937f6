"""Every rule twice: the model respects it, and a hand-made roster that breaks it is reported.

Instances are one week (Mon 2026-12-07 .. Sun 2026-12-13) in New York with one
agent needed 09:00-17:00 every day unless a test says otherwise.
"""

from __future__ import annotations

import math
import random
from datetime import date
from fractions import Fraction
from itertools import combinations, product

import pytest
from helpers import QUIET, SEVEN_DAYS, TINY, WEEK, hourly, nine_to_five_new_york, solved, violations, week_config, worked_days

from coverage.check import check_roster
from coverage.demand import requirements
from coverage.roster import read_roster
from coverage.solve import WEIGHT_FAIRNESS, WEIGHT_SHORT_AGENT, WEIGHT_UNCOVERED, SolveOptions, solve
from coverage.solve.data import ModelData
from coverage.solve.model import build_model
from coverage.solve.rules import count_hull, exclusive_groups, most_working_days, run_automaton

# --------------------------------------------------------------------------- min consecutive days off


def test_days_off_come_two_in_a_row(make_config, tmp_path) -> None:
    text = TINY.replace("max_consecutive_days: 6", "max_consecutive_days: 3\n  min_consecutive_days_off: 2")
    config = week_config(make_config, text)
    _, result = solved(config)
    days = worked_days(result)
    assert len(days) == 5  # on on on off off on on: one single day off would allow 6
    assert result.objective == 2 * 8 * (WEIGHT_UNCOVERED + WEIGHT_SHORT_AGENT)
    gaps = [b - a - 1 for a, b in zip(days, days[1:]) if b - a > 1]
    assert all(gap >= 2 for gap in gaps)
    assert violations(config, tmp_path, "a1,day,2026-12-07\na1,day,2026-12-09\n") == ["min_days_off"]


def _runs_allowed(days: tuple[int, ...], most: int, rest: int, least: int) -> bool:
    """The run rules by brute force: runs of work at most `most`; between two working days a rest of at
    least `rest`; between two rests a run of work of at least `least` (runs touching either end free)."""
    text = "".join(map(str, days))
    runs_of_work = [r for r in text.split("0") if r]
    rests_inside = [r for r in text.strip("0").split("1") if r]
    work_inside = [r for r in text.strip("1").split("0") if r]
    return (
        all(len(r) <= most for r in runs_of_work)
        and all(len(r) >= rest for r in rests_inside)
        and all(len(r) >= least for r in work_inside)
    )


@pytest.mark.parametrize(("most", "rest", "least"), [(3, 2, 1), (5, 2, 2), (6, 3, 2), (2, 4, 1), (4, 1, 3)])
def test_most_working_days_matches_brute_force(most: int, rest: int, least: int) -> None:
    """The cap the model states on a window equals the best any allowed row of days achieves."""
    length = 9
    masks = [(True,) * length] + [tuple(random.Random(seed).random() > 0.2 for _ in range(length)) for seed in range(12)]
    for mask in masks:
        allowed = [
            days
            for days in product((0, 1), repeat=length)
            if _runs_allowed(days, most, rest, least) and all(open_ or not d for open_, d in zip(mask, days))
        ]
        assert most_working_days(mask, most, rest, least) == max(sum(days) for days in allowed)
    assert most_working_days((True,) * (most + rest), most, rest, least) == most  # the m + k window


def test_working_day_caps_are_in_the_model(make_config) -> None:
    """Runs of at most 3, rests of at least 2: every 5 consecutive days hold at most 3 working days."""
    text = TINY.replace("max_consecutive_days: 6", "max_consecutive_days: 3\n  min_consecutive_days_off: 2")
    config = week_config(make_config, text)
    model = build_model(ModelData.of(config, requirements(config))).model  # kept alive: the proto is a view into it
    proto = model.proto
    windows = [
        c.linear for c in proto.constraints if c.has_linear() and len(c.linear.vars) == 5 and list(c.linear.domain)[-1] == 3
    ]
    assert len(windows) == 3  # the week's windows starting Mon, Tue, Wed
    _, result = solved(config)
    assert len(worked_days(result)) == 5


def test_a_day_is_one_variable_whatever_the_templates(make_config) -> None:
    """Two templates (09:00 and 13:00): each day is one 0/1 variable, equal to the sum of the day's
    shifts, and the day rules read it — the 5-day caps hold 5 variables, not 10."""
    text = TINY.replace(
        'day: {start: "09:00", hours: 8}', 'day: {start: "09:00", hours: 8}\n      late: {start: "13:00", hours: 8}'
    )
    text = text.replace("max_consecutive_days: 6", "max_consecutive_days: 3\n  min_consecutive_days_off: 2")
    config = week_config(make_config, text)
    built = build_model(ModelData.of(config, requirements(config)))
    days = built.variables.agents["a1"].days()
    assert [days[d].name for d in sorted(days)] == [f"works[a1,2026-12-{d:02d}]" for d in range(7, 14)]
    proto = built.model.proto
    links = [
        c.linear for c in proto.constraints if c.has_linear() and len(c.linear.vars) == 3 and list(c.linear.domain) == [0, 0]
    ]
    assert len(links) == 7  # day + late - works == 0, one per day
    windows = [
        c.linear for c in proto.constraints if c.has_linear() and len(c.linear.vars) == 5 and list(c.linear.domain)[-1] == 3
    ]
    assert len(windows) == 3
    _, result = solved(config)
    assert len(worked_days(result)) == 5  # on on on off off on on, whichever template each day


# --------------------------------------------------------------------------- hours per period


def test_hours_per_period_maximum(make_config, tmp_path) -> None:
    config = week_config(
        make_config, TINY.replace("max_consecutive_days: 6", "max_consecutive_days: 6\n  hours_per_period: {min: 0, max: 24}")
    )
    _, result = solved(config)
    assert len(result.roster) == 3
    rows = "".join(f"a1,day,2026-12-{d:02d}\n" for d in (7, 8, 9, 10))
    assert violations(config, tmp_path, rows) == ["max_hours_per_period"]


def test_hours_per_period_minimum_without_demand(make_config, tmp_path) -> None:
    text = TINY.replace("max_consecutive_days: 6", "max_consecutive_days: 6\n  hours_per_period: {min: 40, max: 60}")
    config = make_config(text.replace("max_days_per_week: 5", SEVEN_DAYS))
    _, result = solved(config)
    assert len(result.roster) == 5 and result.objective == 40  # 40 overstaffed agent-hours, nothing more
    assert violations(config, tmp_path, "a1,day,2026-12-07\n") == ["min_hours_per_period"]


# --------------------------------------------------------------------------- two shift lengths

# (lengths, paid minutes, most short shifts, most long, most days, days open): budgets of one agent
HULL_BUDGETS = [
    ((480, 600), (2280, 2400), 5, 5, 5, 5),  # 38-40 hours in five days
    ((480, 600), (7080, 8160), 26, 5, 18, 26),  # Curtois 9, staff A (at most 5 nights)
    ((480, 600), (5400, 6480), 26, 4, 15, 26),  # Curtois 9, staff K
    ((420, 540), (0, 2400), 7, 2, 5, 7),
    ((480, 720), (1000, 3000), 7, 7, 6, 7),
]


def in_budget(x: int, y: int, budget, days: int) -> bool:
    (short, long), (least, most), most_short, most_long, _, _ = budget
    return 0 <= x <= most_short and 0 <= y <= most_long and x + y <= days and least <= short * x + long * y <= most


@pytest.mark.parametrize("budget", HULL_BUDGETS)
def test_count_hull_keeps_every_allowed_count_and_cuts_only_fractions(budget) -> None:
    """Brute force over every pair of counts: the edges and the LP's own limits admit exactly the
    allowed integer pairs, and every edge touches two of them (a side of the hull, not a looser line)."""
    most_days, open_days = budget[4], budget[5]
    edges = count_hull(*budget)
    grid = list(product(range(open_days + 2), repeat=2))
    for x, y in grid:
        kept = in_budget(x, y, budget, open_days) and all(a * x + b * y >= c for a, b, c in edges)
        assert kept == in_budget(x, y, budget, most_days), (x, y)
    for a, b, c in edges:
        assert sum(1 for x, y in grid if in_budget(x, y, budget, most_days) and a * x + b * y == c) >= 2


def test_count_hull_by_hand() -> None:
    # 38-40 paid hours in five days of 8- or 10-hour shifts: five 8s, an 8 and three 10s, or four 10s
    edges = count_hull((480, 600), (2280, 2400), 5, 5, 5, 5)
    assert edges == ((1, 1, 4), (3, 4, 15))
    assert not all(a * 0 + b * 3.8 >= c for a, b, c in edges)  # the LP's 3.8 ten-hour shifts (2,280 minutes) are cut off
    # Curtois 9, staff A: 118-136 hours, at most 5 ten-hour nights, 18 working days at most:
    # 14 shifts at least (9 eights and 5 tens), and at most 20 counting the tens twice
    assert count_hull((480, 600), (7080, 8160), 26, 5, 18, 26) == ((1, 1, 14), (3, 4, 45), (-1, -2, -20))
    # a budget any mix of whole shifts fills adds nothing
    assert count_hull((480, 600), (0, 10080), 7, 7, 7, 7) == ()


def lp_corners(budget) -> list[tuple[Fraction, Fraction]]:
    """The corners of the LP's own polygon (`open_days` in all), found without count_hull's reasoning: every point where
    two of its limits' lines cross and every limit holds."""
    (short, long), (least, most), most_short, most_long, _, open_days = budget
    lines = [(-1, 0, 0), (0, -1, 0), (1, 0, most_short), (0, 1, most_long), (1, 1, open_days), (short, long, most)]
    lines.append((-short, -long, -least))
    corners = []
    for (g1, h1, k1), (g2, h2, k2) in combinations(lines, 2):
        det = g1 * h2 - g2 * h1
        if det:
            x, y = Fraction(k1 * h2 - k2 * h1, det), Fraction(g1 * k2 - g2 * k1, det)
            if all(g * x + h * y <= k for g, h, k in lines):
                corners.append((x, y))
    return corners


def hull_sides(budget) -> set[tuple[int, int, int]]:
    """Every line through two allowed integer points with all allowed points on one side (a side of their hull), as
    (a, b, c) with a * shorts + b * longs >= c, a and b coprime; none when the points lie on one line."""
    allowed = [(x, y) for x, y in product(range(budget[5] + 1), repeat=2) if in_budget(x, y, budget, budget[4])]
    sides = set()
    for (x1, y1), (x2, y2) in combinations(allowed, 2):
        a, b = y1 - y2, x2 - x1
        a, b = a // math.gcd(a, b), b // math.gcd(a, b)
        for a_, b_ in ((a, b), (-a, -b)):
            if all(a_ * x + b_ * y >= a_ * x1 + b_ * y1 for x, y in allowed):
                sides.add((a_, b_, a_ * x1 + b_ * y1))
    return set() if any((-a, -b, -c) in sides for a, b, c in sides) else sides


DEGENERATE_BUDGETS = [
    ((480, 600), (2400, 2400), 5, 5, 5, 5),  # least = most: five 8s or four 10s, a segment
    ((480, 600), (0, 2400), 0, 5, 5, 5),  # no short shift allowed: the longs alone, a segment on the axis
    ((480, 600), (2280, 2400), 5, 5, 3, 5),  # too few days for the hours: nothing
    ((480, 600), (0, 1800), 7, 7, 7, 7),  # sides along both axes and the hours' line: the LP holds all
    ((480, 720), (1400, 1500), 7, 7, 7, 7),  # a sliver between the hours' lines that whole shifts barely reach
    ((420, 540), (960, 4000), 3, 7, 6, 7),  # most_short cuts below the days: a side on shorts = 3
]


@pytest.mark.parametrize("seed", range(20))
def test_count_hull_keeps_exactly_the_sides_the_lp_polygon_crosses(seed: int) -> None:
    """The edges are exactly the sides of the allowed points' hull that some point of the LP's polygon breaks (its
    lowest corner lies below the side's line): none the LP already holds is added, none it does not is left out.
    Degenerate budgets (a segment, a point, nothing; sides along the axes) and random ones, both found by brute force."""
    rng = random.Random(seed)
    budgets = list(DEGENERATE_BUDGETS) if seed == 0 else []
    for _ in range(10):
        short = rng.choice([240, 360, 420, 480])
        long = short + rng.choice([60, 120, 180, 240])
        open_days = rng.randint(2, 9)
        least = rng.choice([0, rng.randint(0, long * open_days)])
        most = rng.choice([least, least + rng.randint(0, 3 * long)])
        budgets.append(
            (
                (short, long),
                (least, most),
                rng.randint(0, open_days),
                rng.randint(0, open_days),
                rng.randint(0, open_days),
                open_days,
            )
        )
    for budget in budgets:
        corners = lp_corners(budget)
        wanted = {(a, b, c) for a, b, c in hull_sides(budget) if min(a * x + b * y for x, y in corners) < c}
        edges = count_hull(*budget)
        assert (sorted(edges), len(edges)) == (sorted(wanted), len(set(edges))), budget


MIXED = TINY.replace(
    'day: {start: "09:00", hours: 8}', 'day: {start: "09:00", hours: 8}\n      long: {start: "08:00", hours: 10}'
)
MIXED = MIXED.replace("hours_per_week: {min: 0, max: 40}", "hours_per_week: {min: 38, max: 40}")


def test_two_shift_lengths_get_the_hull_of_their_counts(make_config) -> None:
    """8- and 10-hour shifts, 38-40 paid hours a week in at most 5 days: the model holds
    day + long >= 4 and 3 day + 4 long >= 15 over the week's 14 shift variables, and a roster
    is 5 eights, an 8 and three 10s, or four 10s."""
    config = make_config(MIXED, WEEK)
    model = build_model(ModelData.of(config, requirements(config))).model  # kept alive: the proto is a view into it
    rows = sorted(
        (sorted(set(c.linear.coeffs)), list(c.linear.domain)[0])
        for c in model.proto.constraints
        if c.has_linear() and len(c.linear.vars) == 14 and list(c.linear.domain)[0] > 0
    )
    assert rows == [([1], 4), ([3, 4], 15), ([480, 600], 2280)]  # the hull's two edges beside the weekly minimum
    explained = build_model(ModelData.of(config, requirements(config), explain=True)).model
    assert not [c for c in explained.proto.constraints if c.has_linear() and sorted(set(c.linear.coeffs)) == [3, 4]]
    _, result = solved(config)
    shifts = sorted(a.shift for a in result.roster.assignments)
    assert shifts in (["day"] * 5, ["day"] + ["long"] * 3, ["long"] * 4)


# --------------------------------------------------------------------------- night shifts


NIGHTS = TINY.replace(
    'day: {start: "09:00", hours: 8}', 'night: {start: "22:00", hours: 8}\n      day: {start: "09:00", hours: 8}'
)


def nightly(nights: int = 7) -> list[tuple[str, str, float]]:
    """One agent needed 22:00-06:00 New York (03:00-11:00Z) on the first `nights` nights of the week."""
    rows: list[tuple[str, str, float]] = []
    for day in range(8, 8 + nights):
        rows += hourly(f"2026-12-{day:02d}T03:00:00", 8)
    return rows


def test_max_nights_per_week(make_config, tmp_path) -> None:
    config = week_config(
        make_config, NIGHTS.replace("max_consecutive_days: 6", "max_consecutive_days: 6\n  max_nights_per_week: 2"), nightly()
    )
    _, result = solved(config)
    assert [a.shift for a in result.roster.assignments] == ["night", "night"]
    rows = "".join(f"a1,night,2026-12-{d:02d}\n" for d in (7, 9, 11))
    assert violations(config, tmp_path, rows) == ["nights_per_week"]


def test_max_nights_per_period_and_what_counts_as_a_night(make_config, tmp_path) -> None:
    text = NIGHTS.replace("max_consecutive_days: 6", "max_consecutive_days: 6\n  max_nights_per_period: 1")
    text = text.replace("weekend: [Sat, Sun]", 'weekend: [Sat, Sun]\nnight_shift: {start: "23:00", end: "05:00", min_hours: 6}')
    config = week_config(make_config, text, nightly())
    _, result = solved(config)
    assert len([a for a in result.roster.assignments if a.shift == "night"]) == 1
    # Under this definition an 18:00-02:00 shift has only 3 h in 23:00-05:00: not a night.
    assert violations(config, tmp_path, "a1,night,2026-12-07\na1,night,2026-12-09\n") == ["nights_per_period"]


# --------------------------------------------------------------------------- forbidden successions


def test_forbidden_succession(make_config, tmp_path) -> None:
    text = TINY.replace(
        'day: {start: "09:00", hours: 8}', 'early: {start: "06:00", hours: 4}\n      late: {start: "18:00", hours: 4}'
    )
    text = text.replace("min_rest_hours: 11", "min_rest_hours: 0\n  forbidden_successions: [[late, early]]")
    # Late on Monday (23:00-03:00Z) and early on Tuesday (11:00-15:00Z) are both needed.
    config = week_config(make_config, text, hourly("2026-12-07T23:00:00", 4) + hourly("2026-12-08T11:00:00", 4))
    _, result = solved(config)
    assert len(result.roster) == 1
    assert violations(config, tmp_path, "a1,late,2026-12-07\na1,early,2026-12-08\n") == ["succession"]
    assert violations(config, tmp_path, "a1,early,2026-12-07\na1,late,2026-12-08\n") == []


def four_shifts(starts: tuple[str, str, str, str], rules: str) -> str:
    shifts = "\n      ".join(f'{name}: {{start: "{start}", hours: 4}}' for name, start in zip("EDLN", starts))
    return TINY.replace('day: {start: "09:00", hours: 8}', shifts).replace("min_rest_hours: 11", rules)


def grouped_constraints(config, day: str) -> list[list[str]]:
    """The constraints "at most one of these shifts" that span `day` and the next, as sorted 'day shift' names."""
    model = build_model(ModelData.of(config, requirements(config))).model  # kept alive: the proto is a view into it
    proto = model.proto
    names = [v.name for v in proto.variables]
    groups = [
        sorted(" ".join(names[i].split(",")[1:3]) for i in c.linear.vars)
        for c in proto.constraints
        if c.has_linear() and list(c.linear.domain)[-1] == 1 and all(names[i].startswith("x[") for i in c.linear.vars)
    ]
    return sorted(g for g in groups if g[0].startswith(day))


def test_forbidden_successions_are_stated_per_group(make_config) -> None:
    """Curtois instance 8's successions (D, L, N may not be followed by E; L, N not by D; N not by L):
    per pair of days three constraints of four shifts each instead of six pairs."""
    pairs = "[[D, E], [L, E], [L, D], [N, E], [N, D], [N, L]]"
    config = week_config(
        make_config, four_shifts(("06:00", "10:00", "14:00", "22:00"), f"min_rest_hours: 0\n  forbidden_successions: {pairs}")
    )
    monday = grouped_constraints(config, "2026-12-07")
    assert monday == [
        ["2026-12-07 D", "2026-12-07 L", "2026-12-07 N", "2026-12-08 E"],
        ["2026-12-07 L", "2026-12-07 N", "2026-12-08 D", "2026-12-08 E"],
        ["2026-12-07 N", "2026-12-08 D", "2026-12-08 E", "2026-12-08 L"],
    ]
    assert len(grouped_constraints(config, "2026-12")) == 3 * 6
    explained = build_model(ModelData.of(config, requirements(config), explain=True))
    assert sorted(label for label in explained.guards if "followed by" in label) == [
        "agent a1: no D or L or N shift followed by E the next day",
        "agent a1: no L or N shift followed by E or D the next day",
        "agent a1: no N shift followed by E or D or L the next day",
    ]


def test_rest_conflicts_are_stated_per_group(make_config) -> None:
    """11 h rest: L (16-20) rules out the next E (06:00), N (22-02) the next E and D (10:00): per pair
    of days two constraints of three shifts instead of three pairs."""
    config = week_config(make_config, four_shifts(("06:00", "10:00", "16:00", "22:00"), "min_rest_hours: 11"))
    assert grouped_constraints(config, "2026-12-07") == [
        ["2026-12-07 L", "2026-12-07 N", "2026-12-08 E"],
        ["2026-12-07 N", "2026-12-08 D", "2026-12-08 E"],
    ]
    assert len(grouped_constraints(config, "2026-12")) == 2 * 6


@pytest.mark.parametrize("seed", range(40))
def test_groups_allow_exactly_what_the_pairs_allow(seed: int) -> None:
    """A random conflict relation between four shifts one day (0-3) and four the next (10-13): over every
    choice of at most one shift a day, the groups rule out exactly the choices the pairs rule out."""
    rng = random.Random(seed)
    pairs = {(a, b) for a in range(4) for b in range(10, 14) if rng.random() < 0.5}
    conflicts: dict[int, set[int]] = {}
    for a, b in pairs:
        conflicts.setdefault(a, set()).add(b)
    groups = exclusive_groups(conflicts, key=lambda shift: shift)
    assert all((a, b) in pairs for before, after in groups for a in before for b in after)
    for first, then in product([None, 0, 1, 2, 3], [None, 10, 11, 12, 13]):
        by_pairs = (first, then) in pairs
        by_groups = any(first in before and then in after for before, after in groups)
        assert by_pairs == by_groups
    assert len(groups) <= len(conflicts)


def test_forbidden_succession_names_must_exist(make_config) -> None:
    from coverage.errors import InputError

    with pytest.raises(InputError, match="forbidden_successions"):
        make_config(TINY.replace("min_rest_hours: 11", "min_rest_hours: 11\n  forbidden_successions: [[late, erly]]"))


# --------------------------------------------------------------------------- fixed days off, employment


def test_fixed_days_off(make_config, tmp_path) -> None:
    config = week_config(make_config, TINY.replace("skills: [chat]}", "skills: [chat], days_off: [Wed, Sun]}"))
    _, result = solved(config)
    assert 9 not in worked_days(result) and 13 not in worked_days(result)
    assert violations(config, tmp_path, "a1,day,2026-12-09\n") == ["fixed_day_off"]


def test_employment_starts_and_ends_inside_the_period(make_config, tmp_path) -> None:
    text = TINY.replace("skills: [chat]}", "skills: [chat], employment_start: 2026-12-09, employment_end: 2026-12-11}")
    config = week_config(make_config, text)
    _, result = solved(config)
    assert worked_days(result) == [9, 10, 11]
    assert violations(config, tmp_path, "a1,day,2026-12-08\n") == ["employment"]


def test_weekly_minimum_skips_weeks_outside_employment(make_config) -> None:
    text = TINY.replace("{min: 0, max: 40}", "{min: 40, max: 40}")
    text = text.replace("skills: [chat]}", "skills: [chat], employment_start: 2026-12-10}")
    _, result = solved(week_config(make_config, text))
    assert result.roster is not None  # 40 h are impossible from Thursday, but the week is not a full one


# --------------------------------------------------------------------------- requests and fairness


def test_on_request_is_granted_when_it_costs_little(make_config) -> None:
    text = TINY.replace("skills: [chat]}", "skills: [chat], requests: [{on: day, date: 2026-12-08, weight: 5}]}")
    _, result = solved(make_config(text))
    assert worked_days(result) == [8]
    assert result.objective == 8  # eight overstaffed agent-hours beat a missed request (50)


def test_off_request_gives_way_to_coverage(make_config) -> None:
    text = TINY.replace("skills: [chat]}", "skills: [chat], requests: [{off: any, day: Fri, weight: 2}]}")
    _, result = solved(week_config(make_config, text, nine_to_five_new_york([11])))
    assert worked_days(result) == [11]
    assert result.objective == 20  # the wish is missed (2 x 10): an uncovered Friday would cost 4,000


def test_shift_preference_picks_among_equal_rosters(make_config) -> None:
    text = TINY.replace(
        'day: {start: "09:00", hours: 8}', 'day: {start: "09:00", hours: 8}\n      mid: {start: "09:00", hours: 8}'
    )
    text = text.replace("skills: [chat]}", "skills: [chat], requests: [{on: mid}]}")
    _, result = solved(week_config(make_config, text, nine_to_five_new_york([7, 8])))
    assert [a.shift for a in result.roster.assignments] == ["mid", "mid"]


def test_nights_are_shared_fairly(make_config) -> None:
    text = NIGHTS.replace("skills: [chat]}", "skills: [chat]}\n  - {id: a2, site: nyc, contract: full_time, skills: [chat]}")
    config = week_config(make_config, text, nightly(6))  # Mon-Sat nights; a1 alone could work 5 of them
    _, result = solved(config)
    counts = [len([a for a in result.roster.assignments if a.agent == agent and a.shift == "night"]) for agent in ("a1", "a2")]
    assert counts == [3, 3]
    assert result.objective == WEIGHT_FAIRNESS  # only Saturday night is a weekend shift: one agent has it


# --------------------------------------------------------------------------- explanations


def test_no_roster_names_the_conflicting_rules(make_config) -> None:
    text = TINY.replace("{min: 0, max: 40}", "{min: 40, max: 40}")
    text = text.replace("max_consecutive_days: 6", "max_consecutive_days: 6\n  max_weekends_per_period: 0")
    text = text.replace("skills: [chat]}", "skills: [chat], days_off: [Thu, Fri], leave: [{from: 2026-12-07, to: 2026-12-08}]}")
    config = make_config(text)
    result = solve(config, requirements(config), QUIET)
    assert result.status == "INFEASIBLE"
    assert result.reasons == [
        "agent a1: at least 24 paid hours in the week of 2026-12-07 (hours_per_week.min 40, less leave and holidays)",
        "agent a1: at most 0 weekends worked in the period",
        "agent a1: leave on 2026-12-07..2026-12-08",
        "fixed days off for agent a1: Thu, Fri",
    ]


# --------------------------------------------------------------------------- stability and controls


TWO = TINY.replace("skills: [chat]}", "skills: [chat]}\n  - {id: a2, site: nyc, contract: full_time, skills: [chat]}")


def test_keep_changes_as_few_shifts_as_possible(make_config, tmp_path) -> None:
    text = TWO.replace("max_days_per_week: 5", "max_days_per_week: 3")
    config = make_config(text, nine_to_five_new_york(range(7, 12)))
    _, first = solved(config)
    assert len(first.roster) == 5  # three days for one agent, two for the other (three days a week at most)
    days_of = {agent: sorted(a.day for a in first.roster.assignments if a.agent == agent) for agent in ("a1", "a2")}
    # The agent with three days falls sick on one of them: the other, with two, can take it over — one change each way.
    # (Were the sick agent the one with two days, the other could not add a fourth: the fewest changes would be three.)
    assert sorted(len(days) for days in days_of.values()) == [2, 3]
    sick_agent = max(days_of, key=lambda agent: len(days_of[agent]))
    sick_day = days_of[sick_agent][0]
    text_after = text.replace(
        f"{{id: {sick_agent}, site: nyc, contract: full_time, skills: [chat]}}",
        f"{{id: {sick_agent}, site: nyc, contract: full_time, skills: [chat], leave: [{sick_day.isoformat()}]}}",
    )
    after = make_config(text_after, nine_to_five_new_york(range(7, 12)))
    # Deterministic, and asserted optimal: the fewest changes is the optimum's.
    options = SolveOptions(time_limit_seconds=10, seed=1, workers=2, progress=None, keep=first.roster, deterministic=True)
    second = solve(after, requirements(after), options)
    assert second.status == "OPTIMAL" and check_roster(second.roster, after) == []
    before = {(a.agent, a.day) for a in first.roster.assignments}
    now = {(a.agent, a.day) for a in second.roster.assignments}
    other = next(agent for agent in days_of if agent != sick_agent)
    assert (before - now, now - before) == ({(sick_agent, sick_day)}, {(other, sick_day)})


def test_deterministic_mode_gives_the_same_roster_twice(make_config) -> None:
    config = make_config(TWO, nine_to_five_new_york(range(7, 14)))
    options = SolveOptions(time_limit_seconds=5, seed=3, workers=2, progress=None, deterministic=True)
    first = solve(config, requirements(config), options)
    second = solve(config, requirements(config), options)
    assert first.roster == second.roster and first.objective == second.objective


# --------------------------------------------------------------------------- headcount per shift (cover)


def test_cover_headcount_per_shift_without_a_forecast(make_config, tmp_path) -> None:
    text = TWO.replace("forecast:\n  file: forecast.csv\n  timezone: UTC\n", "")
    text = text.replace(
        'day: {start: "09:00", hours: 8}', 'day: {start: "09:00", hours: 8}\n      late: {start: "15:00", hours: 8}'
    )
    text += (
        "cover:\n"
        "  - {site: nyc, shift: day, count: 2, day: [Mon, Tue], under_weight: 50, over_weight: 5}\n"
        "  - {site: nyc, shift: late, count: 1, date: 2026-12-09, under_weight: 7}\n"
    )
    config = make_config(text)
    assert config.forecast is None
    _, result = solved(config)
    # Mon and Tue: both agents on day (100 under avoided); Wed: a late (rest from Tue's day is fine).
    assert sorted((a.day.day, a.shift) for a in result.roster.assignments) == [
        (7, "day"),
        (7, "day"),
        (8, "day"),
        (8, "day"),
        (9, "late"),
    ]
    assert result.objective == 0


def test_config_without_forecast_or_cover_is_an_error(make_config) -> None:
    from coverage.errors import InputError

    with pytest.raises(InputError, match="no demand given"):
        make_config(TINY.replace("forecast:\n  file: forecast.csv\n  timezone: UTC\n", ""))


# --------------------------------------------------------------------------- minimum working runs, per-template maxima, weights


def test_working_days_come_at_least_three_in_a_row(make_config, tmp_path) -> None:
    text = TINY.replace("max_consecutive_days: 6", "max_consecutive_days: 6\n  min_consecutive_days: 3")
    # Demand on Tue and Thu only: working exactly those two days would make runs of one.
    config = week_config(make_config, text, nine_to_five_new_york([8, 10]))
    _, result = solved(config)
    assert worked_days(result) == [8, 9, 10]  # Wed is worked (8 h overstaffed) to join the two into one run
    assert result.objective == 8
    assert violations(config, tmp_path, "a1,day,2026-12-08\na1,day,2026-12-10\n") == [
        "min_consecutive_days",
        "min_consecutive_days",
    ]


def test_runs_touching_the_period_edges_can_be_enforced(make_config, tmp_path) -> None:
    exempt = TINY.replace("max_consecutive_days: 6", "max_consecutive_days: 6\n  min_consecutive_days: 3")
    config = week_config(make_config, exempt, nine_to_five_new_york([7]))
    _, result = solved(config)
    assert worked_days(result) == [7]  # a run touching the first day is not judged
    enforced = exempt.replace("min_consecutive_days: 3", "min_consecutive_days: 3\n  runs_at_period_edges: enforced")
    config = week_config(make_config, enforced, nine_to_five_new_york([7]))
    _, result = solved(config)
    assert worked_days(result) == [7, 8, 9]
    assert violations(config, tmp_path, "a1,day,2026-12-07\n") == ["min_consecutive_days"]


def test_max_shifts_of_one_template(make_config, tmp_path) -> None:
    text = TINY.replace("skills: [chat]}", "skills: [chat], max_shifts_per_period: {day: 2}}")
    config = week_config(make_config, text)
    _, result = solved(config)
    assert len(result.roster) == 2
    assert violations(config, tmp_path, "a1,day,2026-12-07\na1,day,2026-12-08\na1,day,2026-12-09\n") == ["max_shifts"]


def test_weights_are_the_managers_to_set(make_config) -> None:
    # With overstaffing free and requests weighing 1 per unit, the on-request of 5 is met for 0.
    text = TINY.replace("skills: [chat]}", "skills: [chat], requests: [{on: day, date: 2026-12-08, weight: 5}]}")
    text += "weights: {overstaffed: 0, request: 1}\n"
    _, result = solved(make_config(text))
    assert worked_days(result) == [8] and result.objective == 0


# --------------------------------------------------------------------------- continuity with the previous roster


def with_history(text: str, tmp_path, rows: str) -> str:
    (tmp_path / "previous.csv").write_text("agent,shift,date\n" + rows)
    return text + "history: previous.csv\n"


def test_rest_and_runs_carry_over_from_the_previous_roster(make_config, tmp_path) -> None:
    # The previous roster ended with a late shift on Sunday 6 Dec (18:00-02:00 local): Monday's
    # 09:00 start would leave only 7 h of rest. It also worked Wed 2 - Sun 6: five days in a row.
    text = TINY.replace(
        'day: {start: "09:00", hours: 8}', 'day: {start: "09:00", hours: 8}\n      late: {start: "18:00", hours: 8}'
    )
    text = text.replace("max_days_per_week: 5", SEVEN_DAYS).replace(
        "max_consecutive_days: 6", "max_consecutive_days: 6\n  min_consecutive_days_off: 2"
    )
    previous = "".join(f"a1,day,2026-12-0{d}\n" for d in (2, 3, 4, 5)) + "a1,late,2026-12-06\n"
    config = make_config(with_history(text, tmp_path, previous), WEEK)
    _, result = solved(config)
    days = worked_days(result)
    assert 7 not in days  # rest (and six days in a row would be fine, but 7 h rest is not)
    assert 8 not in days  # days off come two in a row, counting Monday: Tue is still off
    assert days == [9, 10, 11, 12, 13]  # max 6 in a row holds easily from Wednesday
    assert violations(config, tmp_path, "a1,day,2026-12-07\n") == ["min_rest"]
    assert violations(config, tmp_path, "a1,day,2026-12-08\n") == ["min_days_off"]


def test_the_week_the_period_starts_in_counts_the_previous_roster(make_config, tmp_path) -> None:
    # The period starts on Thursday 10 Dec; Mon-Wed were worked in the previous roster (24 h).
    text = TINY.replace("start: 2026-12-07\n  days: 7", "start: 2026-12-10\n  days: 4").replace(
        "{min: 0, max: 40}", "{min: 32, max: 40}"
    )
    previous = "".join(f"a1,day,2026-12-{d:02d}\n" for d in (7, 8, 9))
    config = make_config(with_history(text, tmp_path, previous), nine_to_five_new_york(range(10, 14)))
    _, result = solved(config)
    assert len(worked_days(result)) == 2  # 5 days a week at most: two more days (40 h) of the four needed
    assert violations(config, tmp_path, "a1,day,2026-12-10\n") == []  # 24 + 8 = 32 h: the minimum is met
    assert violations(config, tmp_path, "a1,day,2026-12-13\n") == []
    assert violations(config, tmp_path, "") == ["min_hours_per_week"]  # 24 h < 32 h
    rows = "".join(f"a1,day,2026-12-{d}\n" for d in (10, 11, 12))
    assert violations(config, tmp_path, rows) == ["days_per_week", "max_hours_per_week"]  # 6 days, 48 h


# --------------------------------------------------------------------------- breaks chosen by the model


def test_breaks_are_staggered_inside_their_window(make_config, tmp_path) -> None:
    text = TWO.replace(
        'day: {start: "09:00", hours: 8}',
        'day: {start: "09:00", hours: 9, unpaid_break_minutes: 60, break_window: {earliest: 3, latest: 5}}',
    )
    config = make_config(text, hourly("2026-12-07T14:00:00", 9))  # one agent needed 09:00-18:00 on Monday
    _, result = solved(config)
    breaks = sorted(a.break_start_utc.strftime("%H:%M") for a in result.roster.assignments)
    assert len(breaks) == 2 and breaks[0] != breaks[1]  # staggered: somebody is always there
    assert result.objective == 7  # 2 x 8 on-duty hours for 9 needed: 7 overstaffed agent-hours, nothing uncovered
    rows = "agent,shift,date,break_start_local\na1,day,2026-12-07,2026-12-07T15:00:00-05:00\n"
    path = tmp_path / "breaks.csv"
    path.write_text(rows)
    found = check_roster(read_roster(path, config), config)
    assert [v.rule for v in found] == ["break"] and "6.0 h after the start (window 3–5 h)" in found[0].message


def test_without_a_window_both_breaks_sit_mid_shift(make_config) -> None:
    text = TWO.replace('day: {start: "09:00", hours: 8}', 'day: {start: "09:00", hours: 9, unpaid_break_minutes: 60}')
    config = make_config(text, hourly("2026-12-07T14:00:00", 9))
    _, result = solved(config)
    # Both agents would break 13:00-14:00, so a second agent adds nothing: one works, that hour stays uncovered.
    assert len(result.roster) == 1
    assert result.objective == WEIGHT_UNCOVERED + WEIGHT_SHORT_AGENT


# --------------------------------------------------------------------------- why gaps stay open


def test_gap_explanations_name_the_reason(make_config) -> None:
    from coverage.solve.gaps_why import explain_gaps

    # Needed 03:00-05:00 New York (no template reaches it) and 09:00-17:00 on Sunday (a1 never works Sundays).
    forecast = hourly("2026-12-08T08:00:00", 2) + nine_to_five_new_york([13])
    config = week_config(make_config, TINY.replace("skills: [chat]}", "skills: [chat], days_off: [Sun]}"), forecast)
    needs, result = solved(config)
    # The fix for 03:00-05:00: of the 8-hour starts 21:00..03:00 that reach it, 03:00 has the fewest overnight hours (3).
    assert [str(line) for line in explain_gaps(config, needs, result.roster)] == [
        "Sun 13 Dec 09:00–17:00 America/New_York, once, chat: of 1 agents who could cover its first hours, 1 on a fixed day off"
        " — moving a fixed day off (days_off) would reach them",
        "Tue 08 Dec 03:00–05:00 America/New_York, once, chat: no shift template at any site is on duty then (breaks included)"
        " — an 8-hour shift at nyc starting 03:00 America/New_York would reach them",
    ]


def test_a_fixed_break_in_the_hole_names_break_window_as_the_fix(make_config) -> None:
    from coverage.solve.gaps_why import explain_gaps

    # As in test_without_a_window_both_breaks_sit_mid_shift: both agents would break 13:00-14:00, so that hour stays open.
    text = TWO.replace('day: {start: "09:00", hours: 8}', 'day: {start: "09:00", hours: 9, unpaid_break_minutes: 60}')
    config = make_config(text, hourly("2026-12-07T14:00:00", 9))
    needs, result = solved(config)
    (line,) = explain_gaps(config, needs, result.roster)
    assert str(line) == (
        "Mon 07 Dec 13:00–14:00 America/New_York, once, chat: the fixed mid-shift break of day at nyc falls in these hours "
        "and no other shift reaches them — a break_window on day at nyc would let the breaks move out of them"
    )
    assert line.fix.startswith("a break_window on day at nyc") and [w.start for w in line.windows] == ["13:00"]


def test_a_weekend_limit_and_a_hire_profile_are_named_as_fixes(make_config) -> None:
    from coverage.roster import Assignment, Roster
    from coverage.solve.gaps_why import explain_gaps
    from coverage.time import local_to_utc

    # Chat is needed 09:00-17:00 New York every day; a1 may work no weekend, a 'weekender' profile could.
    text = (
        TINY.replace("max_consecutive_days: 6", "max_consecutive_days: 6\n  max_weekends_per_period: 0").replace(
            "contracts:\n",
            "contracts:\n  weekend: {hours_per_week: {min: 0, max: 40}, max_days_per_week: 5, max_weekends_per_period: 1}\n",
        )
        + "candidates:\n  - {id: weekender, site: nyc, contract: weekend, skills: [chat]}\n"
    )
    config = make_config(text, nine_to_five_new_york(range(7, 14)))
    days = [date(2026, 12, 7 + k) for k in range(5)]
    roster = Roster(
        tuple(
            Assignment(
                "a1",
                "nyc",
                "chat",
                "day",
                d,
                local_to_utc(d, "09:00", "America/New_York"),
                local_to_utc(d, "17:00", "America/New_York"),
            )
            for d in days
        )
    )
    lines = [str(line) for line in explain_gaps(config, requirements(config), roster)]
    assert lines == [
        "Sat 12 Dec 09:00–17:00 America/New_York, once, chat (and 1 more window like it): of 1 agents who could cover its "
        "first hours, 1 at their weekend limit — a higher max_weekends_per_period (now 0 for 1 of them) would reach them; "
        "or hire profile weekender would reach them",
    ]


def test_hours_per_period_may_exceed_a_week(make_config) -> None:
    text = TINY.replace("days: 7", "days: 28").replace(
        "max_consecutive_days: 6", "max_consecutive_days: 6\n  hours_per_period: {min: 0, max: 176}"
    )
    config = make_config(text)
    assert config.rules_for(config.agents[0]).hours_per_period.max == 176


def _accepts(transitions: list[tuple[int, int, int]], finals: list[int], days: tuple[int, ...]) -> bool:
    step = {(state, label): following for state, label, following in transitions}
    state: int | None = 0
    for label in days:
        state = step.get((state, label))
        if state is None:
            return False
    return state in finals


@pytest.mark.parametrize("most, rest, least", [(3, 2, 2), (5, 2, 2), (4, 3, 1), (2, 1, 2)])
def test_run_automaton_accepts_exactly_the_rows_the_run_rules_allow(most, rest, least):
    transitions, finals = run_automaton(most, rest, least)
    for n in range(1, 11):
        for days in product((0, 1), repeat=n):
            assert _accepts(transitions, finals, days) == _runs_allowed(days, most, rest, least), days


def test_run_automaton_examples_by_hand():
    transitions, finals = run_automaton(3, 2, 2)
    accepts = [
        row
        for row in [(1, 0, 1), (1, 1, 0, 1, 1), (1, 1, 0, 0, 1, 1), (1, 1, 1, 1), (1, 0, 0), (0, 0, 1), (0, 1, 0, 0)]
        if _accepts(transitions, finals, row)
    ]
    assert accepts == [
        (1, 1, 0, 0, 1, 1),
        (1, 0, 0),
        (0, 0, 1),
    ]  # one day off inside, four in a row, one day's work inside: refused


def test_a_channel_move_costs_a_little_and_is_made_when_it_closes_a_gap(make_config, tmp_path) -> None:
    """The kept roster has a1 on email on Monday; now chat needs one agent 09:00-17:00 and email nobody.
    Moving a1's shift to chat keeps the shift (no change at 1,000) and costs one channel move: exactly 10."""
    text = TINY.replace("skills: [chat]}", "skills: [chat, email]}").replace(
        "channels:\n  chat:", "channels:\n  email:\n    kind: backlog\n    aht_seconds: 360\n    respond_within_hours: 4\n  chat:"
    )
    config = make_config(text, nine_to_five_new_york([7]))
    kept_file = tmp_path / "kept.csv"
    kept_file.write_text("agent,shift,date,channel\na1,day,2026-12-07,email\n")
    kept = read_roster(kept_file, config)
    result = solve(config, requirements(config), SolveOptions(time_limit_seconds=10, seed=1, workers=2, progress=None, keep=kept))
    from coverage.roster import roster_changes

    changes = roster_changes(kept, result.roster)
    assert (len(changes.removed), len(changes.added), [(a.channel, b.channel) for a, b in changes.moved]) == (
        0,
        0,
        [("email", "chat")],
    )
    assert result.objective == config.weights.channel_change == 10
