"""report.html: one self-contained page a manager can mail to their boss.

Everything is inside the file — pictures as base64 PNG, styles inline, no
fonts, scripts or links fetched from anywhere — so it opens offline, from an
attachment, years later. The only script marks on <body> how many pictures
the browser decoded (``data-plots-rendered``), which is how the browser test
knows the plots really render.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from datetime import timedelta
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coverage.config.schema import WEEKDAYS, Config, RuleOverrides
from coverage.figures import heatmap_file_name
from coverage.outputs import write_text_atomic
from coverage.roster import Roster
from coverage.targets import has_targets, workload_rows
from coverage.time import parse_timestamp, to_local
from coverage.windows import DayRow, GapWindow, daily_rows
from coverage.workload import agent_loads

if TYPE_CHECKING:
    from coverage.report import Analysis
    from coverage.results import Summary

WINDOWS_SHOWN = 15

PLOT_NOTES = {
    "gaps-": (
        "Gap heatmap — {view}",
        "Rows are local weekdays, columns local hours in {view}; the colour is the understaffed agent-hours summed over "
        "the rota period (darker = fewer, yellow = most). Weekend rows are outlined and hatched, overnight hours sit "
        "under the blue band. A filled dot marks an hour some channel is left uncovered in several weeks, its area the "
        "share of the weeks; a hollow ring an hour uncovered once only (a public holiday, the period's first or last "
        "day, leave), so a weekly hole and Christmas do not look alike.",
    ),
    "requirement": (
        "Required vs scheduled",
        "One panel per channel across the whole period, dates in the plan's calendar. The black line is the number of "
        "agents required, the blue area the number scheduled; orange is the shortfall, and the black strip under the "
        "axis marks intervals with nobody on duty. Weekend days are shaded grey.",
    ),
    "follow-the-sun": (
        "Follow the sun",
        "Twenty-four hours of UTC across. Each band is one site: the bars are the agents on duty in that UTC hour, "
        "averaged over the period's days, and the labels under the band are the same hours on that site's clock "
        "(two lines when daylight saving changes in the period). Hatching marks the site's overnight hours. The "
        "bottom band stacks the sites against the total requirement (black line).",
    ),
    "roster-gantt": (
        "Roster",
        "One row per agent, one bar per shift, coloured by shift template, on the plan's calendar. Hatched grey days "
        "are leave or public holidays the agent does not work; weekend days are shaded.",
    ),
}

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1200px;
padding:1.5em;color:#222;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em} h2{margin-top:1.8em;border-bottom:2px solid #0072B2;padding-bottom:.2em}
h3{margin-bottom:.3em} .muted{color:#666} table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right;vertical-align:top}
th{background:#eee} td.l,th.l{text-align:left} tr.weekend td{background:#f6f1e7}
.bad{color:#b33c00;font-weight:bold} figure{margin:1.2em 0} figure img{max-width:100%;border:1px solid #ddd}
figcaption{color:#444;font-size:.92em;max-width:60em} .cards{display:flex;gap:1em;flex-wrap:wrap}
.card{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;min-width:10em} .card b{font-size:1.5em;display:block}
details{margin:.5em 0} summary{cursor:pointer;font-weight:bold}
"""

SCRIPT = """
window.addEventListener('load', function () {
  var shown = Array.prototype.filter.call(document.images, function (i) { return i.complete && i.naturalWidth > 0; });
  document.body.setAttribute('data-plots-rendered', String(shown.length));
  document.body.setAttribute('data-plots-total', String(document.images.length));
});
"""


def _table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, table_id: str = "", left: int = 1, classes: Iterable[str] = ()
) -> str:
    """An HTML table; the first `left` columns are text (left-aligned). Cells are escaped unless already markup."""
    head = "".join(f'<th class="{"l" if k < left else ""}">{escape(h)}</th>' for k, h in enumerate(headers))
    body = []
    styles = list(classes)
    for n, row in enumerate(rows):
        css = styles[n] if n < len(styles) else ""
        cells = "".join(f'<td class="{"l" if k < left else ""}">{_cell(v)}</td>' for k, v in enumerate(row))
        body.append(f'<tr class="{css}">{cells}</tr>')
    ident = f' id="{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class Markup(str):
    """Text that is already HTML."""


def _cell(value: Any) -> str:
    if isinstance(value, Markup):
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return escape(str(value))


def _hours(value: float) -> Markup:
    text = _cell(float(value))
    return Markup(f'<span class="bad">{text}</span>') if value > 0 else Markup(text)


def _image(path: Path, alt: str) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f'<img class="plot" alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def _plot_note(path: Path, views: dict[str, str]) -> tuple[str, str]:
    """Title and how-to-read note of a plot file; `views` maps heatmap file names to their zones."""
    view = views.get(path.name, "")
    for prefix, (title, note) in PLOT_NOTES.items():
        if path.name.startswith(prefix):
            return title.format(view=view), note.format(view=view)
    return path.stem, ""


# --------------------------------------------------------------------------- sections


def _summary(config: Config, analysis: Analysis) -> str:
    digest = analysis.summary
    last = config.plan.start + timedelta(days=config.plan.days - 1)
    first = config.view_zones[0]
    clock = digest.views[first]
    cards = [
        ("coverage ratio", f"{digest.coverage_ratio:.1%}", "of required agent-hours met"),
        (
            f"uncovered hours, {first}",
            _cell(clock.uncovered_hours),
            f"clock hours some channel is short ({_cell(clock.per_week.uncovered_hours)} a week)",
        ),
        ("weekend uncovered", _cell(clock.weekend_uncovered_hours), f"of {_cell(clock.weekend_hours)} weekend hours"),
        ("overnight uncovered", _cell(clock.overnight_uncovered_hours), f"of {_cell(clock.overnight_hours)} overnight hours"),
        (
            "status",
            escape(str(digest.status)),
            f"objective {digest.objective}" if digest.objective is not None else "roster given",
        ),
    ]
    html = [
        f"<p>Rota period {config.plan.start:%a %d %b %Y} – {last:%a %d %b %Y} ({config.plan.days} days, "
        f"calendar {escape(config.plan.timezone)}), {config.plan.interval_minutes}-minute intervals, "
        f"{len(config.agents)} agents at {len(config.sites)} sites. Views: {escape(', '.join(config.view_zones))}. "
        f"Overnight {config.overnight.start}–{config.overnight.end}, weekend {escape(', '.join(config.weekend))}, "
        "both judged in each view's local time.</p>",
        '<div class="cards">'
        + "".join(f'<div class="card">{escape(t)}<b>{v}</b><span class="muted">{escape(n)}</span></div>' for t, v, n in cards)
        + "</div>",
        "<h3>Uncovered clock hours, each view on its own clock</h3>",
        "<p>An hour counts once however many channels are short in it: a realtime channel with nobody on duty, or a "
        "backlog channel whose contacts arriving then are answered after their deadline. The first view is the "
        "customers' zone; every time in the summary is on its clock.</p>",
        _table(
            [
                "view",
                "uncovered h",
                "a week",
                "weekend uncovered h",
                "of weekend h",
                "a week",
                "overnight uncovered h",
                "of overnight h",
                "a week",
            ],
            [
                [
                    zone,
                    _hours(f.uncovered_hours),
                    f.per_week.uncovered_hours,
                    _hours(f.weekend_uncovered_hours),
                    f.weekend_hours,
                    f.per_week.weekend_uncovered_hours,
                    _hours(f.overnight_uncovered_hours),
                    f.overnight_hours,
                    f.per_week.overnight_uncovered_hours,
                ]
                for zone, f in digest.views.items()
            ],
            table_id="view-clock",
        ),
        "<h3>By channel</h3>",
        _table(
            ["channel", "required agent-h", "scheduled agent-h", "met agent-h", "coverage ratio", "uncovered h", "short agent-h"],
            [
                [
                    c.channel,
                    c.required_agent_hours,
                    c.scheduled_agent_hours,
                    c.met_agent_hours,
                    f"{c.coverage_ratio:.1%}",
                    _hours(c.uncovered_hours),
                    c.understaffed_agent_hours,
                ]
                for c in analysis.channels
            ],
            table_id="summary",
        ),
        _backlog(digest, first),
        "<h3>Weekend and overnight per channel, in each view's local time</h3>",
        _table(
            [
                "view",
                "channel",
                "uncovered h",
                "weekend uncovered h",
                "overnight uncovered h",
                "short agent-h",
                "weekend short agent-h",
                "overnight short agent-h",
            ],
            [
                [
                    t.view,
                    t.channel,
                    _hours(t.uncovered_hours),
                    _hours(t.weekend_uncovered_hours),
                    _hours(t.overnight_uncovered_hours),
                    t.understaffed_agent_hours,
                    t.weekend_understaffed_agent_hours,
                    t.overnight_understaffed_agent_hours,
                ]
                for t in analysis.totals
            ],
            table_id="view-totals",
            left=2,
        ),
    ]
    return "\n".join(html)


def _backlog(digest: Summary, zone: str) -> str:
    """Backlog channels judged by their deadline: contacts due, answered in time, late and how late, the queue's peak."""
    blocks = digest.backlog
    if not blocks:
        return ""

    def at(stamp: str | None) -> str:
        return f"{to_local(parse_timestamp(stamp, 'UTC'), zone):%a %d %b %H:%M}" if stamp else "—"

    rows = [
        [
            channel,
            b.respond_within_hours,
            b.contacts_due,
            f"{b.in_time_share:.1%}" if b.in_time_share is not None else "—",
            _hours(b.late),
            b.most_hours_late,
            b.peak_waiting,
            at(b.peak_at_utc),
            at(b.empties_at_utc) if b.peak_at_utc else "—",
            _hours(b.still_open_at_end),
        ]
        for channel, b in blocks.items()
    ]
    return f"<h3>Backlog channels, judged by their deadline (times {escape(zone)})</h3>" + _table(
        [
            "channel",
            "answer within h",
            "contacts due",
            "answered in time",
            "late",
            "longest past deadline h",
            "peak waiting",
            "peak at",
            "empty again",
            "late at period end",
        ],
        rows,
        table_id="backlog",
    )


def _plots(plots: list[Path], config: Config) -> str:
    views = {heatmap_file_name(zone): zone for zone in config.view_zones}
    parts = []
    for path in plots:
        title, note = _plot_note(path, views)
        parts.append(
            f'<figure id="plot-{escape(path.stem)}"><h3>{escape(title)}</h3>{_image(path, title)}'
            f'<figcaption>{escape(note)} <span class="muted">File: {escape(path.name)} (and .svg).</span></figcaption></figure>'
        )
    return "\n".join(parts)


def _windows(windows: list[GapWindow], config: Config, explanations: Sequence[Any] = ()) -> str:
    """Per view, on its own clock: the windows with how often they happen and why; the first view's beside their why-lines."""
    why = _why_by_window(explanations)
    parts = [
        "<p>A window is a stretch of local time with nobody (uncovered: some channel has nobody on duty, or its contacts "
        "are answered late) or too few (short) agents on duty. A pattern that comes back on several weekdays at the same "
        "clock hours is listed once (\u201cMon\u2013Fri 17:00\u201320:00\u201d) with how often it happened: every week, "
        "N of M weeks, or once \u2014 with the cause when the data can tell (a public holiday at a site, the period's "
        f"first or last day, leave). Worst {WINDOWS_SHOWN} of each kind per view; every window is in "
        "<code>windows.csv</code>.</p>"
    ]
    if explanations:
        parts.append(f"<h3>Why the largest gaps stay open, and what would close them ({escape(config.view_zones[0])})</h3>")
        parts.append('<ul id="gap-explanations">' + "".join(f"<li>{escape(str(line))}</li>" for line in explanations) + "</ul>")
    for k, zone in enumerate(config.view_zones):
        parts.append(f"<h3>{escape(zone)}</h3>")
        for kind, label in (("uncovered", "Nobody on duty"), ("understaffed", "Too few on duty")):
            chosen = [w for w in windows if w.view == zone and w.kind == kind]
            if not chosen:
                parts.append(f"<p><b>{label}:</b> none.</p>")
                continue
            explained = k == 0 and kind == "uncovered" and bool(why)
            headers = ["window", "channels", "how often", "hours", "weekend h", "overnight h", "short agent-h"]
            parts.append(f"<p><b>{label}</b> ({len(chosen)} windows)</p>")
            parts.append(
                _table(
                    headers + (["why it stays open — what would close it"] if explained else []),
                    [
                        [
                            w.when + " " + w.view,
                            w.channel_words,
                            w.how_often,
                            w.total_hours,
                            w.weekend_hours,
                            w.overnight_hours,
                            w.short_agent_hours,
                        ]
                        + ([why.get(w.describe(), "")] if explained else [])
                        for w in chosen[:WINDOWS_SHOWN]
                    ],
                    table_id=f"windows-{kind}-{zone.replace('/', '_')}",
                    left=3,
                )
            )
    return "\n".join(parts)


def _why_by_window(explanations: Sequence[Any]) -> dict[str, str]:
    """Each explained window's description -> "cause — fix" (typed explanations only; plain strings name no window)."""
    found = {}
    for line in explanations:
        text = f"{line.cause} — {line.fix}" if getattr(line, "fix", "") else getattr(line, "cause", "")
        for window in getattr(line, "windows", ()):
            found[window.describe()] = text
    return found


def _daily(rows: list[DayRow], config: Config) -> str:
    parts = ["<p>Per local date: Σ min(scheduled, required) / Σ required, and hours with nobody on duty, per channel.</p>"]
    channels = list(dict.fromkeys(r.channel for r in rows))
    for k, zone in enumerate(config.view_zones):
        by_day: dict[Any, dict[str, DayRow]] = {}
        for row in rows:
            if row.view == zone:
                by_day.setdefault(row.date, {})[row.channel] = row
        headers = ["date"] + [f"{c} {what}" for c in channels for what in ("ratio", "uncovered h")]
        lines, classes = [], []
        for day, cells in sorted(by_day.items()):
            line: list[Any] = [f"{WEEKDAYS[day.weekday()]} {day:%Y-%m-%d}"]
            for channel in channels:
                cell = cells.get(channel)
                line += [f"{cell.coverage_ratio:.1%}", _hours(cell.uncovered_hours)] if cell else ["", ""]
            lines.append(line)
            classes.append("weekend" if WEEKDAYS[day.weekday()] in config.weekend else "")
        table = _table(headers, lines, table_id=f"daily-{zone.replace('/', '_')}", classes=classes)
        opened = " open" if k == 0 else ""
        parts.append(f"<details{opened}><summary>{escape(zone)}</summary>{table}</details>")
    return "\n".join(parts)


def _agents(roster: Roster, config: Config) -> str:
    loads = agent_loads(roster, config)
    night = config.night_shift
    preferred = any(a.length_away_hours is not None for a in loads)  # the column only where some agent has a preferred length
    headers = ["agent", "name", "site", "contract", "shifts", "paid hours", "nights", "weekends", "shifts per channel"]
    note = ""
    if preferred:
        headers.append("h from preferred length")
        note = " Hours from the preferred length add up how far each flexible shift is from the agent's preferred_hours."
    return (
        f"<p>Paid hours exclude unpaid breaks. A night is a shift with at least {night.min_hours:g} h between "
        f"{night.start} and {night.end} site time; a weekend counts once however many of its days are worked.{note}</p>"
        + _table(
            headers,
            [
                [
                    a.agent,
                    a.name,
                    a.site,
                    a.contract,
                    a.shifts,
                    a.paid_hours,
                    a.nights,
                    a.weekends,
                    ", ".join(f"{c} {n}" for c, n in a.channels.items()),
                    *([("" if a.length_away_hours is None else a.length_away_hours)] if preferred else []),
                ]
                for a in loads
            ],
            table_id="agents",
            left=4,
        )
    )


def _workload(roster: Roster, config: Config) -> str:
    """Each agent's paid hours against their fair-share target, and what the distance costs (coverage.targets)."""
    rows = workload_rows(roster, config)
    cost = config.workload.cost if config.workload is not None else "squared"
    return (
        f"<p>Target = share (weight × the full person's hours) − balance before. Hours away are rounded to the nearest hour and cost "
        f"{config.weights.target} per hour{'²' if cost == 'squared' else ''}. Balance after (worked − share + balance before) is what "
        "the next period carries: name this run's workload.csv as its <code>workload.balance_file</code>.</p>"
        + _table(
            ["agent", "weight", "share h", "balance before", "target h", "worked h", "hours away", "cost", "balance after"],
            [row.cells() for row in rows],
            table_id="workload",
            left=1,
        )
    )


def _value(value: Any) -> str:
    if value is None:
        return "no limit"
    if isinstance(value, float):
        return f"{value:g}"
    if hasattr(value, "model_dump"):
        return ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in value.model_dump().items())
    if isinstance(value, list):
        return ", ".join(" → ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for v in value) or "none"
    return str(value)


def _rules(config: Config) -> str:
    defaults = [[key, _value(value)] for key, value in config.rules]
    contracts = [
        [name, key, _value(value)] for name, contract in config.contracts.items() for key, value in contract if value is not None
    ]
    overrides = [
        [agent.id, key, _value(getattr(agent, key))]
        for agent in config.agents
        for key in RuleOverrides.model_fields
        if getattr(agent, key, None) is not None
    ]
    night = config.night_shift
    parts = [
        f"<p>Night shift: at least {night.min_hours:g} h between {night.start} and {night.end} site time. "
        "Agent settings beat contract settings, which beat the defaults.</p>",
        "<h3>Defaults (<code>rules</code>)</h3>",
        _table(["rule", "value"], defaults, table_id="rules", left=2),
        "<h3>Contracts</h3>",
        _table(["contract", "rule", "value"], contracts, table_id="contracts", left=3),
    ]
    if overrides:
        parts += ["<h3>Agent overrides</h3>", _table(["agent", "rule", "value"], overrides, table_id="agent-rules", left=3)]
    away = [
        [agent.id, len(agent.leave_days()), "yes" if agent.works_holidays else "no"]
        for agent in config.agents
        if agent.leave_days() or agent.works_holidays
    ]
    if away:
        parts += ["<h3>Leave and holidays</h3>", _table(["agent", "leave days", "works public holidays"], away, left=1)]
    return "\n".join(parts)


def table_section(
    ident: str, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, intro: str = "", plot: Path | None = None
) -> tuple[str, str, str]:
    """An extra section for the report (e.g. the hiring roadmap): a table, an optional plot, escaped."""
    parts = [f"<p>{escape(intro)}</p>"] if intro else []
    if plot is not None:
        parts.append(_image(plot, name))
    parts.append(_table(headers, rows, table_id=ident + "-table", left=2))
    return ident, name, "\n".join(parts)


def render_html(
    config: Config, roster: Roster, analysis: Analysis, plots: list[Path], extra: Sequence[tuple[str, str, str]] = ()
) -> str:
    """The whole page as one string; `extra` sections (id, title, html) come after the summary."""
    title = f"Coverage report — {config.source.name}"
    sections = [
        ("summary-section", "Summary", _summary(config, analysis)),
        *extra,
        ("plots", "Plots", _plots(plots, config)),
        ("windows", "Gap windows", _windows(analysis.windows, config, analysis.explanations)),
        ("daily", "Coverage per day", _daily(daily_rows(analysis.coverage, config), config)),
        ("agents-section", "Per agent", _agents(roster, config)),
        *([("workload-section", "Workload targets", _workload(roster, config))] if has_targets(config) else []),
        ("rules-section", "Rules in force", _rules(config)),
    ]
    return html_page(title, sections)


def html_page(title: str, sections: Sequence[tuple[str, str, str]]) -> str:
    """A self-contained page: the title, a line of links to the sections, the sections (id, title, html)."""
    nav = " · ".join(f'<a href="#{ident}">{escape(name)}</a>' for ident, name, _ in sections)
    body = "\n".join(f'<section id="{ident}"><h2>{escape(name)}</h2>\n{html}\n</section>' for ident, name, html in sections)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{STYLE}</style><script>{SCRIPT}</script></head>\n"
        f'<body><h1>{escape(title)}</h1><p class="muted">{nav}</p>\n{body}\n</body></html>\n'
    )


def write_html(
    path: Path, config: Config, roster: Roster, analysis: Analysis, plots: list[Path], extra: Sequence[tuple[str, str, str]] = ()
) -> Path:
    """report.html, written atomically."""
    return write_text_atomic(Path(path), render_html(config, roster, analysis, plots, extra))
