"""Gap windows, daily ratios and weekend/overnight totals on rosters counted by hand.

Base case (conftest TINY, two weeks): one chat agent needed every hour, one
agent on 09:00-17:00 New York Monday to Friday. The uncovered time is then
Mon 7 Dec 00:00-09:00, every weekday evening 17:00-09:00 (Mon-Thu, twice each),
and two weekends from Friday 17:00: 9 + 8 × 16 + 64 + 55 = 256 hours.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

from helpers import TINY, hourly

from coverage.config import Config
from coverage.demand import Requirements, requirements
from coverage.gaps import BacklogOutcome, Coverage, coverage_of, summary
from coverage.roster import Assignment, Roster
from coverage.time import local_to_utc, period_grid, to_local
from coverage.windows import (
    DAILY_COLUMNS,
    WINDOWS_COLUMNS,
    cell_recurrence,
    channel_totals,
    daily_rows,
    gap_windows,
    runs,
    view_totals,
    worst_windows,
    write_daily_csv,
    write_windows_csv,
)

MONDAY = date(2026, 12, 7)
NY = "America/New_York"
MANILA = "Asia/Manila"


def needs(config: Config, per_channel: dict[str, int | list[int]] | None = None) -> Requirements:
    grid = period_grid(config.plan)
    per_channel = per_channel or {"chat": 1}
    required = {c: list(v) if isinstance(v, list) else [v] * grid.count for c, v in per_channel.items()}
    return Requirements(grid=grid, volume={c: [0.0] * grid.count for c in required}, required=required)


def weekday_shifts(config: Config, weeks: int) -> Roster:
    shifts = []
    for week in range(weeks):
        for k in range(5):
            day = MONDAY + timedelta(days=7 * week + k)
            start = local_to_utc(day, "09:00", NY)
            shifts.append(Assignment("a1", "nyc", "chat", "day", day, start, start.add(hours=8)))
    return Roster(tuple(shifts))


def two_weeks(make_config) -> tuple[Config, Coverage]:
    config = make_config(TINY.replace("days: 7", "days: 14"))
    return config, coverage_of(weekday_shifts(config, 2), needs(config), config)


def test_runs_are_maximal_stretches():
    assert runs([False, True, True, False, True]) == [(1, 3), (4, 5)]
    assert runs([]) == [] and runs([True]) == [(0, 1)]


def test_two_weeks_of_nine_to_five_in_words(make_config):
    config, coverage = two_weeks(make_config)
    windows = [w for w in gap_windows(coverage, config) if w.kind == "uncovered"]
    assert [w.describe() for w in windows] == [
        "Mon–Thu 17:00–09:00 next day America/New_York, every week, chat",
        "Fri 17:00–Mon 09:00 America/New_York, every week (the last cut short by the period's end), chat",
        "Mon 07 Dec 00:00–09:00 America/New_York, once (the period's first day), chat",
    ]
    # Four evenings of 16 h in each of two weeks; two weekends of 64 h, the second ending at midnight (55 h).
    assert [w.total_hours for w in windows] == [128, 119, 9]
    assert [w.weekend_hours for w in windows] == [0, 96, 0]
    # Overnight 22:00-06:00: 8 h a weekday night; a weekend Fri 2 + Sat 8 + Sun 8 + Mon 6, the second 2 + 8 + 8.
    assert [w.overnight_hours for w in windows] == [64, 42, 6]
    assert sum(w.total_hours for w in windows) == 256
    evenings = windows[0]
    assert (evenings.occurrences, evenings.possible, evenings.weeks, evenings.weeks_possible) == (8, 8, 2, 2)
    assert (evenings.hours_each, evenings.days_later, evenings.weekdays) == (16, 1, (0, 1, 2, 3))
    assert [d.isoformat() for d in evenings.local_dates[:2]] == ["2026-12-07", "2026-12-08"]
    assert evenings.starts_utc[0].isoformat() == "2026-12-07T22:00:00+00:00"


def test_weekend_and_overnight_hours_of_windows_match_the_summary(make_config):
    config, coverage = two_weeks(make_config)
    windows = [w for w in gap_windows(coverage, config) if w.kind == "uncovered"]
    digest = summary(coverage, config, status="GIVEN", objective=None, best_bound=None, wall_seconds=None)
    assert sum(w.weekend_hours for w in windows) == digest.views[NY].weekend_uncovered_hours == 96
    assert sum(w.overnight_hours for w in windows) == digest.views[NY].overnight_uncovered_hours == 112


def manila_month(make_config) -> tuple[Config, list[bool]]:
    """28 days in Manila; `hole[k]` marks the intervals of Saturday 01:00-07:00 Manila time."""
    text = TINY.replace("days: 7", "days: 28").replace(
        "timezone: America/New_York\n  interval", "timezone: Asia/Manila\n  interval"
    )
    config = make_config(text.replace("views: [America/New_York]", "views: [Asia/Manila]"))
    grid = period_grid(config.plan)
    hole = []
    for start in grid.starts:
        local = to_local(start, MANILA)
        hole.append(local.weekday() == 5 and 1 <= local.hour < 7)
    return config, hole


def test_the_saturday_night_hole_of_the_issue(make_config):
    config, hole = manila_month(make_config)
    grid = period_grid(config.plan)
    coverage = Coverage(grid, {"chat": [1] * grid.count}, {"chat": [0 if h else 1 for h in hole]})
    (window,) = [w for w in gap_windows(coverage, config) if w.kind == "uncovered"]
    assert window.describe() == "Sat 01:00–07:00 Asia/Manila, every week, chat"
    assert (window.total_hours, window.weekend_hours, window.overnight_hours) == (24, 24, 20)  # 06:00-07:00 is not overnight
    assert (window.occurrences, window.possible) == (4, 4)


def test_a_covered_saturday_makes_it_three_of_four(make_config):
    config, hole = manila_month(make_config)
    grid = period_grid(config.plan)
    third = [to_local(s, MANILA).date() == date(2026, 12, 19) for s in grid.starts]
    scheduled = [0 if h and not t else 1 for h, t in zip(hole, third)]
    coverage = Coverage(grid, {"chat": [1] * grid.count}, {"chat": scheduled})
    (window,) = [w for w in gap_windows(coverage, config) if w.kind == "uncovered"]
    assert window.describe() == "Sat 01:00–07:00 Asia/Manila, 3 of 4 weeks (not on Sat 19 Dec), chat"


def test_understaffed_windows_count_agent_hours_short(make_config):
    config = make_config()
    grid = period_grid(config.plan)
    monday_day = [to_local(s, NY).weekday() == 0 and 9 <= to_local(s, NY).hour < 17 for s in grid.starts]
    roster = Roster(weekday_shifts(config, 1).assignments[:1])  # Monday only
    coverage = coverage_of(roster, needs(config, {"chat": [2 if m else 0 for m in monday_day]}), config)
    windows = gap_windows(coverage, config)
    assert [w.kind for w in windows] == ["understaffed"]
    assert windows[0].describe() == "Mon 07 Dec 09:00–17:00 America/New_York, once, chat: short 8 agent-hours"
    assert worst_windows(windows) == []  # nothing uncovered
    assert worst_windows(windows, kind="understaffed") == windows


def test_windows_across_the_autumn_clock_change_count_real_hours(make_config):
    text = TINY.replace("start: 2026-12-07", "start: 2026-10-26")
    config = make_config(text)
    grid = period_grid(config.plan)
    # Sunday 1 Nov 00:00-04:00 New York: 01:00-02:00 happens twice, so the hole is 5 hours long.
    hole = [to_local(s, NY).date() == date(2026, 11, 1) and to_local(s, NY).hour < 4 for s in grid.starts]
    assert sum(hole) == 5
    coverage = Coverage(grid, {"chat": [1] * grid.count}, {"chat": [0 if h else 1 for h in hole]})
    (window,) = [w for w in gap_windows(coverage, config) if w.kind == "uncovered"]
    assert window.describe() == "Sun 01 Nov 00:00–04:00 America/New_York, once, chat"
    assert window.total_hours == 5 and window.overnight_hours == 5


def test_daily_ratio_in_two_views(make_config):
    config = make_config(TINY.replace("views: [America/New_York]", "views: [America/New_York, Europe/London]"))
    coverage = coverage_of(weekday_shifts(config, 1), needs(config), config)
    rows = daily_rows(coverage, config)
    ny = {r.date: r for r in rows if r.view == NY}
    assert len(ny) == 7
    monday = ny[MONDAY]
    assert (monday.required_agent_hours, monday.scheduled_agent_hours, monday.met_agent_hours) == (24, 8, 8)
    assert (monday.coverage_ratio, monday.uncovered_hours, monday.understaffed_agent_hours) == (0.3333, 16, 16)
    saturday = ny[MONDAY + timedelta(days=5)]
    assert saturday.weekend and saturday.coverage_ratio == 0.0 and saturday.uncovered_hours == 24
    london = {r.date: r for r in rows if r.view == "Europe/London"}
    # The New York week runs 05:00 London Monday to 05:00 London the next Monday: eight London dates.
    assert len(london) == 8
    assert london[MONDAY].required_agent_hours == 19 and london[MONDAY].coverage_ratio == round(8 / 19, 4)
    assert london[MONDAY + timedelta(days=7)].required_agent_hours == 5
    assert sum(r.required_agent_hours for r in london.values()) == 168


def test_daily_ratio_is_one_when_nothing_is_required(make_config):
    config = make_config()
    coverage = coverage_of(Roster(()), needs(config, {"chat": 0}), config)
    assert {r.coverage_ratio for r in daily_rows(coverage, config)} == {1.0}


def test_view_and_channel_totals(make_config):
    config = make_config(TINY.replace("views: [America/New_York]", "views: [America/New_York, Asia/Manila]"))
    coverage = coverage_of(weekday_shifts(config, 1), needs(config, {"chat": 1, "email": 2}), config)
    totals = {(t.view, t.channel): t for t in view_totals(coverage, config)}
    chat = totals[(NY, "chat")]
    assert (chat.uncovered_hours, chat.weekend_uncovered_hours, chat.overnight_uncovered_hours) == (128, 48, 56)
    assert (chat.understaffed_agent_hours, chat.weekend_understaffed_agent_hours) == (128, 48)
    email = totals[(NY, "email")]
    assert (email.uncovered_hours, email.understaffed_agent_hours, email.overnight_understaffed_agent_hours) == (168, 336, 112)
    digest = summary(coverage, config, status="GIVEN", objective=None, best_bound=None, wall_seconds=None)
    for view in (NY, MANILA):
        for key in ("weekend_uncovered_hours", "overnight_uncovered_hours"):
            for c in ("chat", "email"):
                assert getattr(totals[(view, c)], key) == getattr(digest.views[view].channels[c], key)
            # clock hours: an hour both channels leave uncovered counts once (email has nobody at all here)
            assert getattr(digest.views[view], key) == getattr(totals[(view, "email")], key)
    by_channel = {c.channel: c for c in channel_totals(coverage)}
    assert (by_channel["chat"].required_agent_hours, by_channel["chat"].met_agent_hours) == (168, 40)
    assert by_channel["chat"].coverage_ratio == round(40 / 168, 4)
    assert by_channel["email"].coverage_ratio == 0.0
    assert by_channel["email"].understaffed_agent_hours == digest.understaffed_agent_hours["email"] == 336


def test_csv_files(make_config, tmp_path):
    config, coverage = two_weeks(make_config)
    path = write_windows_csv(gap_windows(coverage, config), tmp_path / "windows.csv")
    with path.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert tuple(rows[0]) == WINDOWS_COLUMNS
    assert rows[0]["description"] == "Mon–Thu 17:00–09:00 next day America/New_York, every week, chat"
    assert (rows[0]["kind"], rows[0]["total_hours"], rows[0]["weekend_hours"], rows[0]["first_start_utc"]) == (
        "uncovered",
        "128",
        "0",
        "2026-12-07T22:00:00+00:00",
    )
    assert (rows[0]["channel"], rows[0]["channels"], rows[0]["weekday"], rows[0]["weekdays"]) == (
        "chat",
        "chat",
        "Mon",
        "Mon–Thu",
    )
    assert (rows[0]["recurrence"], rows[0]["cause"], rows[0]["occurrences"], rows[0]["possible"]) == ("every week", "", "8", "8")
    assert (rows[2]["recurrence"], rows[2]["cause"]) == ("once", "the period's first day")
    assert len(rows) == 6  # three uncovered windows, and the same three as understaffed
    first = gap_windows(coverage, config)[0].to_json()  # the same row with numbers as numbers
    assert tuple(first) == WINDOWS_COLUMNS and first["total_hours"] == 128.0 and first["occurrences"] == 8
    assert json.loads(json.dumps(first))["description"] == rows[0]["description"]
    path = write_daily_csv(daily_rows(coverage, config), tmp_path / "daily.csv")
    with path.open(encoding="utf-8") as stream:
        days = list(csv.DictReader(stream))
    assert tuple(days[0]) == DAILY_COLUMNS and len(days) == 14
    assert days[0] == {
        "view": NY,
        "channel": "chat",
        "date": "2026-12-07",
        "weekday": "Mon",
        "weekend": "false",
        "required_agent_hours": "24",
        "scheduled_agent_hours": "8",
        "met_agent_hours": "8",
        "coverage_ratio": "0.3333",
        "uncovered_hours": "16",
        "understaffed_agent_hours": "16",
    }


# --------------------------------------------------------------------------- recurrence, causes, merged windows


def weekdays_nine_to_five(config: Config, weeks: int, *, skip: tuple[date, ...] = ()) -> Roster:
    """a1 on chat 09:00-17:00 New York, Monday to Friday, except on the dates in `skip`."""
    shifts = []
    for week in range(weeks):
        for k in range(5):
            day = config.plan.start + timedelta(days=7 * week + k)
            if day in skip:
                continue
            start = local_to_utc(day, "09:00", NY)
            shifts.append(Assignment("a1", "nyc", "chat", "day", day, start, start.add(hours=8)))
    return Roster(tuple(shifts))


def office_hours(config: Config) -> Requirements:
    """One chat agent needed 09:00-17:00 New York on weekdays, nobody otherwise."""
    grid = period_grid(config.plan)
    wanted = [int(to_local(s, NY).weekday() < 5 and 9 <= to_local(s, NY).hour < 17) for s in grid.starts]
    return needs(config, {"chat": wanted})


def test_a_public_holiday_is_a_one_off_with_its_name(make_config):
    # Two weeks from Mon 14 Dec 2026; Fri 25 Dec is Christmas Day in the US, and a1 does not work holidays.
    text = TINY.replace("start: 2026-12-07", "start: 2026-12-14").replace("days: 7", "days: 14")
    config = make_config(
        text.replace("timezone: America/New_York\n    shifts", "timezone: America/New_York\n    holidays: US\n    shifts")
    )
    christmas = date(2026, 12, 25)
    coverage = coverage_of(weekdays_nine_to_five(config, 2, skip=(christmas,)), office_hours(config), config)
    (window,) = [w for w in gap_windows(coverage, config) if w.kind == "uncovered"]
    assert window.describe() == "Fri 25 Dec 09:00–17:00 America/New_York, once (public holiday at nyc: Christmas Day), chat"
    assert (window.recurrence, window.cause, window.total_hours) == ("once", "public holiday at nyc: Christmas Day", 8)


def test_leave_of_the_agent_who_usually_covers_is_the_cause(make_config):
    config = make_config(TINY.replace("days: 7", "days: 14").replace("skills: [chat]}", "skills: [chat], leave: [2026-12-16]}"))
    roster = weekdays_nine_to_five(config, 2, skip=(date(2026, 12, 16),))
    coverage = coverage_of(roster, office_hours(config), config)
    (window,) = gap_windows(coverage, config, kinds=("uncovered",), roster=roster)
    assert window.describe() == "Wed 16 Dec 09:00–17:00 America/New_York, once (a1 on leave), chat"
    # Without the roster nobody can tell who usually covers those hours: no cause is guessed.
    (window,) = gap_windows(coverage, config, kinds=("uncovered",))
    assert window.how_often == "once"


WITH_EMAIL = TINY.replace(
    "    service_level: {percent: 80, within_seconds: 60}\n",
    "    service_level: {percent: 80, within_seconds: 60}\n  email: {kind: backlog, aht_seconds: 300, respond_within_hours: 1}\n",
)


def late_where(flags: list[bool]) -> BacklogOutcome:
    """A backlog channel whose arrivals are answered late (one contact each) exactly where `flags` says."""
    late = [1.0 if f else 0.0 for f in flags]
    return BacklogOutcome(
        late,
        [1.0] * len(flags),
        [0.0] * len(flags),
        [0.0] * len(flags),
        due=float(len(flags)),
        late=sum(late),
        contact_hours_late=sum(late),
        most_hours_late=1.0,
        still_open=0.0,
    )


def test_a_daily_hole_on_two_channels_is_one_window(make_config):
    """Four weeks; chat (needed 09:00-20:00 on weekdays) has nobody 17:00-20:00, and email's 17:00-20:00 arrivals are late.

    Counted per channel and weekday this was ten windows; as clock hours it is one.
    """
    config = make_config(TINY.replace("days: 7", "days: 28"))
    grid = period_grid(config.plan)
    local = [to_local(s, NY) for s in grid.starts]
    wanted = [int(t.weekday() < 5 and 9 <= t.hour < 20) for t in local]
    hole = [t.weekday() < 5 and 17 <= t.hour < 20 for t in local]
    coverage = Coverage(
        grid,
        {"chat": wanted, "email": [0] * grid.count},
        {"chat": [0 if h else w for w, h in zip(wanted, hole)], "email": [0] * grid.count},
        backlog={"email": late_where(hole)},
    )
    (window,) = [w for w in gap_windows(coverage, config) if w.kind == "uncovered"]
    assert window.describe() == "Mon–Fri 17:00–20:00 America/New_York, every week, chat and email"
    assert (window.occurrences, window.possible, window.total_hours, window.short_agent_hours) == (20, 20, 60, 60)
    assert window.channels == ("chat", "email") and window.channel == "chat,email"
    (short,) = [w for w in gap_windows(coverage, config) if w.kind == "understaffed"]
    assert short.describe() == "Mon–Fri 17:00–20:00 America/New_York, every week, chat: short 60 agent-hours"


def test_weekdays_merge_only_when_they_missed_the_same_weeks(make_config):
    """Four weeks, chat needed 17:00-20:00 on weekdays; covered Mon-Thu of the third week and Friday of the first."""
    config = make_config(TINY.replace("days: 7", "days: 28"))
    grid = period_grid(config.plan)
    local = [to_local(s, NY) for s in grid.starts]
    wanted = [int(t.weekday() < 5 and 17 <= t.hour < 20) for t in local]
    covered = {MONDAY + timedelta(days=14 + k) for k in range(4)} | {MONDAY + timedelta(days=4)}
    coverage = Coverage(grid, {"chat": wanted}, {"chat": [int(bool(w) and t.date() in covered) for w, t in zip(wanted, local)]})
    assert [w.describe() for w in gap_windows(coverage, config, kinds=("uncovered",))] == [
        "Mon–Thu 17:00–20:00 America/New_York, 3 of 4 weeks (not in the week of Mon 21 Dec), chat",
        "Fri 17:00–20:00 America/New_York, 3 of 4 weeks (not on Fri 11 Dec), chat",
    ]


def test_clock_windows_count_an_hour_once_and_match_the_summary(make_config):
    """Saturdays: chat has nobody 10:00-14:00, email is late for 12:00-16:00 arrivals: 6 clock hours, not 8."""
    config = make_config(
        WITH_EMAIL.replace("days: 7", "days: 14").replace("views: [America/New_York]", "views: [America/New_York, Asia/Manila]")
    )
    grid = period_grid(config.plan)
    local = [to_local(s, NY) for s in grid.starts]
    chat_hole = [t.weekday() == 5 and 10 <= t.hour < 14 for t in local]
    email_late = [t.weekday() == 5 and 12 <= t.hour < 16 for t in local]
    coverage = Coverage(
        grid,
        {"chat": [1] * grid.count, "email": [0] * grid.count},
        {"chat": [0 if h else 1 for h in chat_hole], "email": [0] * grid.count},
        backlog={"email": late_where(email_late)},
    )
    windows = [w for w in gap_windows(coverage, config) if w.kind == "uncovered"]
    assert [w.describe() for w in windows if w.view == NY] == ["Sat 10:00–16:00 America/New_York, every week, chat and email"]
    # Manila sees the same hours on its own clock (13 h ahead): Saturday 23:00 to Sunday 05:00.
    assert [w.describe() for w in windows if w.view == MANILA] == ["Sat 23:00–Sun 05:00 Asia/Manila, every week, chat and email"]
    digest = summary(coverage, config, status="GIVEN", objective=None, best_bound=None, wall_seconds=None)
    for view in (NY, MANILA):
        mine = [w for w in windows if w.view == view]
        figures = digest.views[view]
        assert sum(w.total_hours for w in mine) == figures.uncovered_hours == 12
        assert sum(w.weekend_hours for w in mine) == figures.weekend_uncovered_hours
        assert sum(w.overnight_hours for w in mine) == figures.overnight_uncovered_hours
    assert digest.views[NY].weekend_uncovered_hours == 12 and digest.views[MANILA].weekend_uncovered_hours == 12
    # Manila's overnight 22:00-06:00: 23:00-05:00, all six hours, both weeks.
    assert digest.views[MANILA].overnight_uncovered_hours == 12


def test_a_channel_short_on_some_occurrences_says_how_many(make_config):
    config = make_config(TINY.replace("days: 7", "days: 28"))
    grid = period_grid(config.plan)
    local = [to_local(s, NY) for s in grid.starts]
    hole = [t.weekday() == 0 and 17 <= t.hour < 20 for t in local]
    first_monday = [h and t.date() == MONDAY for h, t in zip(hole, local)]
    coverage = Coverage(
        grid,
        {"chat": [1] * grid.count, "email": [0] * grid.count},
        {"chat": [0 if h else 1 for h in hole], "email": [0] * grid.count},
        backlog={"email": late_where(first_monday)},
    )
    (window,) = [w for w in gap_windows(coverage, config) if w.kind == "uncovered"]
    assert window.describe() == "Mon 17:00–20:00 America/New_York, every week, chat and email (1 of 4)"


def test_cell_recurrence_tells_a_weekly_hole_from_a_one_off(make_config):
    config, hole = manila_month(make_config)
    grid = period_grid(config.plan)
    christmas = [to_local(s, MANILA).date() == date(2026, 12, 25) and 10 <= to_local(s, MANILA).hour < 12 for s in grid.starts]
    coverage = Coverage(grid, {"chat": [1] * grid.count}, {"chat": [0 if h or c else 1 for h, c in zip(hole, christmas)]})
    cells = cell_recurrence(coverage, config, MANILA)
    saturday_three, friday_ten, friday_nine = cells[5][3], cells[4][10], cells[4][9]
    assert (saturday_three.weeks, saturday_three.possible, saturday_three.share, saturday_three.one_off) == (4, 4, 1.0, False)
    assert (friday_ten.weeks, friday_ten.possible, friday_ten.share, friday_ten.one_off) == (1, 4, 0.25, True)
    assert (friday_nine.weeks, friday_nine.share) == (0, 0.0)
    assert sum(c.weeks for line in cells for c in line) == 6 * 4 + 2


def test_a_backlog_channels_ratio_is_its_share_answered_in_time(make_config):
    """One email an hour, each answered within the hour (5 minutes of work: an agent clears 12 an hour); a1 answers
    email Mon–Fri 09:00–17:00 New York. First come, first served, Monday's 09:00–16:00 arrivals are in time (8 of 24:
    the 9 waiting since midnight are cleared in the 09:00 hour with it); Tuesday to Friday the 16 waiting since 17:00
    and the 09:00 arrival are 17 for 12 answers, so 10:00–16:00 only (7 of 24); the weekend none. 36 of 168 in time.
    The report printed 100.0% for email in every day and in the channel table (0 agents required, so "all met")."""
    config = make_config(WITH_EMAIL, [row for row in hourly("2026-12-07T05:00:00", 168, "email")])
    email_days = [
        Assignment("a1", "nyc", "email", "day", d, local_to_utc(d, "09:00", NY), local_to_utc(d, "09:00", NY).add(hours=8))
        for d in (MONDAY + timedelta(days=k) for k in range(5))
    ]
    coverage = coverage_of(Roster(tuple(email_days)), requirements(config), config)
    daily = {(r.date.isoformat(), r.view): r.coverage_ratio for r in daily_rows(coverage, config) if r.channel == "email"}
    assert [daily[(f"2026-12-{d:02d}", NY)] for d in range(7, 14)] == [0.3333, 0.2917, 0.2917, 0.2917, 0.2917, 0.0, 0.0]
    (email,) = [c for c in channel_totals(coverage) if c.channel == "email"]
    digest = summary(coverage, config, status="GIVEN", objective=None, best_bound=None, wall_seconds=None)
    assert email.coverage_ratio == digest.coverage_ratio  # the same formula: contacts in time over contacts due
    assert abs(email.coverage_ratio - 36 / 168) < 0.001  # the queue counts in 1/33 of an email: 131.9 late, not 132
