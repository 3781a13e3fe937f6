"""Write an instance in the Curtois & Qu text format, of any size, with a roster that obeys every hard rule.

    python benchmarks/curtois_like.py /tmp/Big.txt --days 182 --staff 100 --shifts 8 --seed 1
    python benchmarks/curtois.py /tmp/Big.txt --time-limit 300 --workers 2 --milestones 60,120

The published set has 24 instances; `benchmarks/data/` holds 1-12 (up to 28
days, 60 staff, 10 shift types), and 13-24 run to a year, 150 staff and 32
types. This writes instances of those sizes so the reader, the model and
the evaluator can be tried beyond the files we have. Random rules could make
an instance with no roster at all, which measures nothing; so a roster is
planted first — runs of work and rest within the run rules, one shift type
per run, so no succession is ever broken — and every limit is drawn around
it: minutes, per-type maxima and weekends at or above what it works, days
off and the minimum minutes below. The cover and the requests are drawn
apart from it (cover_lines, request_lines), so the planted roster proves
that a roster exists and says nothing about the optimum.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coverage.errors import CoverageError  # noqa: E402
from coverage.outputs import write_text_atomic  # noqa: E402
from coverage.read_curtois import weekends_worked  # noqa: E402

LENGTHS = (480, 480, 480, 600, 720, 360)  # minutes: mostly 8 h, as in the published set
MAX_RUN, MIN_RUN, MIN_REST = 5, 2, 2


@dataclass
class PlantedStaff:
    """One staff member: the shift types they may work and the shift (or None) they work each day in the planted roster."""

    id: str
    skills: list[str]
    days: list[str | None] = field(default_factory=list)


def shift_types(count: int, rng: random.Random) -> list[tuple[str, int]]:
    """Ids in order of start time (S00 earliest) and lengths."""
    return [(f"S{i:02d}", rng.choice(LENGTHS)) for i in range(count)]


def cannot_follow(index: int, ids: list[str]) -> list[str]:
    """A shift starting late may not be followed next day by one starting two or more places earlier (too little rest)."""
    return [ids[j] for j in range(index - 1)]


def plant(staff_id: str, ids: list[str], horizon: int, rng: random.Random) -> PlantedStaff:
    """Alternate runs of 2-5 working days (one type each) and rests of 2-3 days, from a random phase."""
    skills = sorted(rng.sample(ids, k=rng.randint(1, min(3, len(ids)))))
    planted = PlantedStaff(staff_id, skills)
    working = rng.random() < 0.7
    while len(planted.days) < horizon:
        if working:
            planted.days += [rng.choice(skills)] * rng.randint(MIN_RUN, MAX_RUN)
        else:
            planted.days += [None] * rng.randint(MIN_REST, MIN_REST + 1)
        working = not working
    planted.days = planted.days[:horizon]
    return planted


def staff_line(s: PlantedStaff, ids: list[str], minutes: dict[str, int], horizon: int, rng: random.Random) -> str:
    """Limits drawn around the planted roster: it meets each of them, with some slack on most."""
    worked = sum(minutes[d] for d in s.days if d)
    maxima = "|".join(f"{t}={s.days.count(t) + rng.randint(0, horizon // 7) if t in s.skills else 0}" for t in ids)
    most = worked + rng.randint(0, 2) * 480
    least = max(0, worked - rng.randint(1, 3) * 480)
    weekends = max(weekends_worked(s.days), (horizon // 7 + 1) // 2)
    return f"{s.id},{maxima},{most},{least},{MAX_RUN},{MIN_RUN},{MIN_REST},{weekends}"


def days_off_line(s: PlantedStaff, rng: random.Random) -> str | None:
    """About one fixed day off a fortnight, on days the planted roster rests."""
    rest = [d for d, shift in enumerate(s.days) if shift is None]
    chosen = sorted(rng.sample(rest, k=min(len(rest), max(1, len(s.days) // 14))))
    return f"{s.id}," + ",".join(str(d) for d in chosen) if chosen else None


def request_lines(staff: list[PlantedStaff], rng: random.Random) -> tuple[list[str], list[str]]:
    """On-requests for about 18 % of staff-days, off-requests for 7 % (the published 1-12: 14-26 % and 4-11 %); most disagree with the planted roster."""
    on, off = [], []
    for s in staff:
        for d, shift in enumerate(s.days):
            draw = rng.random()
            if draw < 0.18:
                wanted = shift if shift and rng.random() < 0.3 else rng.choice(s.skills)
                on.append(f"{s.id},{d},{wanted},{rng.randint(1, 3)}")
            elif draw < 0.25:
                unwanted = shift if shift and rng.random() < 0.7 else rng.choice(s.skills)
                off.append(f"{s.id},{d},{unwanted},{rng.randint(1, 3)}")
    return on, off


def cover_lines(staff: list[PlantedStaff], ids: list[str], horizon: int, rng: random.Random) -> list[str]:
    """Each type's average planted headcount, shaped by weekday (weekends lower) with noise; under 100, over 1 as published.

    The total is about what the staff can work, but not day by day where the
    planted roster puts it: as in the published instances, some shortfall
    and some excess are the price of the rules, and the search has to choose
    where.
    """
    lines = []
    for t in ids:
        average = sum(1 for s in staff for shift in s.days if shift == t) / horizon
        for d in range(horizon):
            shape = 0.85 if d % 7 >= 5 else 1.1  # 3 % above the planted total: about what the minutes allow
            need = max(0, round(average * shape + rng.uniform(-1, 1)))
            lines.append(f"{d},{t},{need},100,1")
    lines.sort(key=lambda line: int(line.split(",")[0]))
    return lines


def planted_instance(days: int, staff_count: int, shifts: int, seed: int) -> tuple[str, dict[tuple[str, int], str]]:
    """The instance's text and its planted roster, as (employee, day) -> shift (the evaluator's grid)."""
    rng = random.Random(seed)
    types = shift_types(shifts, rng)
    ids = [t for t, _ in types]
    minutes = dict(types)
    staff = [plant(f"E{k}", ids, days, rng) for k in range(staff_count)]
    on, off = request_lines(staff, rng)
    days_off = [line for s in staff if (line := days_off_line(s, rng))]
    sections = [
        ("SECTION_HORIZON", "# All instances start on a Monday\n# The horizon length in days:", [str(days)]),
        (
            "SECTION_SHIFTS",
            "# ShiftID, Length in mins, Shifts which cannot follow this shift | separated",
            [f"{t},{length},{'|'.join(cannot_follow(i, ids))}" for i, (t, length) in enumerate(types)],
        ),
        (
            "SECTION_STAFF",
            "# ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts, "
            "MinConsecutiveDaysOff, MaxWeekends",
            [staff_line(s, ids, minutes, days, rng) for s in staff],
        ),
        ("SECTION_DAYS_OFF", "# EmployeeID, DayIndexes (start at zero)", days_off),
        ("SECTION_SHIFT_ON_REQUESTS", "# EmployeeID, Day, ShiftID, Weight", on),
        ("SECTION_SHIFT_OFF_REQUESTS", "# EmployeeID, Day, ShiftID, Weight", off),
        ("SECTION_COVER", "# Day, ShiftID, Requirement, Weight for under, Weight for over", cover_lines(staff, ids, days, rng)),
    ]
    head = f"# Generated by benchmarks/curtois_like.py --days {days} --staff {staff_count} --shifts {shifts} --seed {seed}\n"
    text = head + "\n".join(f"{name}\n{comment}\n" + "\n".join(rows) + "\n" for name, comment, rows in sections)
    return text, {(s.id, d): shift for s in staff for d, shift in enumerate(s.days) if shift}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--days", type=int, default=28, help="horizon, whole weeks (default 28)")
    parser.add_argument("--staff", type=int, default=30)
    parser.add_argument("--shifts", type=int, default=4, help="shift types (default 4)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.days <= 0 or args.days % 7 or args.staff <= 0 or not 1 <= args.shifts <= 99:
        parser.error("--days must be whole weeks, --staff positive, --shifts 1..99")
    if args.out.exists():
        parser.error(f"{args.out} exists: choose another name (nothing is overwritten)")
    try:
        write_text_atomic(args.out, planted_instance(args.days, args.staff, args.shifts, args.seed)[0])
    except CoverageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: {args.days} days, {args.staff} staff, {args.shifts} shift types", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
