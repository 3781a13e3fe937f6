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

from coverage.config import WEEKDAYS, Config, RuleOverrides
from coverage.outputs import write_text_atomic
from coverage.plots import heatmap_file_name
from coverage.roster import Roster
from coverage.windows import DayRow, GapWindow, daily_rows
from coverage.workload import agent_loads

if TYPE_CHECKING:
    from coverage.report import Analysis

WINDOWS_SHOWN = 15

PLOT_NOTES = {
    "gaps-": (
        "Gap heatmap — {view}",
        "Rows are local weekdays, columns local hours in {view}; the colour is the understaffed agent-hours summed over "
        "the rota period (darker = fewer, yellow = most). Weekend rows are outlined and hatched, overnight hours sit "
        "under the blue band; a dot marks an hour in which, at least once, nobody was on duty.",
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


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, table_id: str = "", left: int = 1, classes: Iterable[str] = ()) -> str:
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
    cards = [
        ("coverage ratio", f"{digest['coverage_ratio']:.1%}", "of required agent-hours met"),
        ("uncovered hours", _cell(sum(digest["uncovered_hours"].values())), "channel-hours with nobody on duty"),
        ("short agent-hours", _cell(sum(digest["understaffed_agent_hours"].values())), "required − scheduled, summed"),
        ("status", escape(str(digest["status"])), f"objective {digest['objective']}" if digest.get("objective") is not None else "roster given"),
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
        "<h3>By channel</h3>",
        _table(
            ["channel", "required agent-h", "scheduled agent-h", "met agent-h", "coverage ratio", "uncovered h", "short agent-h"],
            [
                [c.channel, c.required_agent_hours, c.scheduled_agent_hours, c.met_agent_hours, f"{c.coverage_ratio:.1%}",
                 _hours(c.uncovered_hours), c.understaffed_agent_hours]
                for c in analysis.channels
            ],
            table_id="summary",
        ),
        "<h3>Weekend and overnight, in each view's local time</h3>",
        _table(
            ["view", "channel", "uncovered h", "weekend uncovered h", "overnight uncovered h", "short agent-h",
             "weekend short agent-h", "overnight short agent-h"],
            [
                [t.view, t.channel, _hours(t.uncovered_hours), _hours(t.weekend_uncovered_hours), _hours(t.overnight_uncovered_hours),
                 t.understaffed_agent_hours, t.weekend_understaffed_agent_hours, t.overnight_understaffed_agent_hours]
                for t in analysis.totals
            ],
            table_id="view-totals",
            left=2,
        ),
    ]
    return "\n".join(html)


def _plots(plots: list[Path], config: Config) -> str:
    views = {heatmap_file_name(zone): zone for zone in config.view_zones}
    parts = []
    for path in plots:
        title, note = _plot_note(path, views)
        parts.append(
            f'<figure id="plot-{escape(path.stem)}"><h3>{escape(title)}</h3>{_image(path, title)}'
            f"<figcaption>{escape(note)} <span class=\"muted\">File: {escape(path.name)} (and .svg).</span></figcaption></figure>"
        )
    return "\n".join(parts)


def _windows(windows: list[GapWindow], config: Config) -> str:
    parts = [
        "<p>A window is a stretch of local time with nobody (uncovered) or too few (short) agents on duty; windows "
        "that come back at the same local time every week are listed once, with how often they happened. "
        f"Worst {WINDOWS_SHOWN} of each kind per view; every window is in <code>windows.csv</code>.</p>"
    ]
    for zone in config.view_zones:
        parts.append(f"<h3>{escape(zone)}</h3>")
        for kind, label in (("uncovered", "Nobody on duty"), ("understaffed", "Too few on duty")):
            chosen = [w for w in windows if w.view == zone and w.kind == kind]
            if not chosen:
                parts.append(f"<p><b>{label}:</b> none.</p>")
                continue
            parts.append(f"<p><b>{label}</b> ({len(chosen)} windows)</p>")
            parts.append(
                _table(
                    ["window", "channel", "how often", "hours", "weekend h", "overnight h", "short agent-h"],
                    [
                        [w.when + " " + w.view, w.channel, w.how_often, w.total_hours, w.weekend_hours, w.overnight_hours, w.short_agent_hours]
                        for w in chosen[:WINDOWS_SHOWN]
                    ],
                    table_id=f"windows-{kind}-{zone.replace('/', '_')}",
                    left=3,
                )
            )
    return "\n".join(parts)


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
    return (
        f"<p>Paid hours exclude unpaid breaks. A night is a shift with at least {night.min_hours:g} h between "
        f"{night.start} and {night.end} site time; a weekend counts once however many of its days are worked.</p>"
        + _table(
            ["agent", "name", "site", "contract", "shifts", "paid hours", "nights", "weekends", "shifts per channel"],
            [
                [a.agent, a.name, a.site, a.contract, a.shifts, a.paid_hours, a.nights, a.weekends,
                 ", ".join(f"{c} {n}" for c, n in a.channels.items())]
                for a in loads
            ],
            table_id="agents",
            left=4,
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
        [name, key, _value(value)]
        for name, contract in config.contracts.items()
        for key, value in contract
        if value is not None
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


def table_section(ident: str, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
                  intro: str = "", plot: Path | None = None) -> tuple[str, str, str]:
    """An extra section for the report (e.g. the hiring roadmap): a table, an optional plot, escaped."""
    parts = [f"<p>{escape(intro)}</p>"] if intro else []
    if plot is not None:
        parts.append(_image(plot, name))
    parts.append(_table(headers, rows, table_id=ident + "-table", left=2))
    return ident, name, "\n".join(parts)


def render_html(config: Config, roster: Roster, analysis: Analysis, plots: list[Path],
                extra: Sequence[tuple[str, str, str]] = ()) -> str:
    """The whole page as one string; `extra` sections (id, title, html) come after the summary."""
    title = f"Coverage report — {config.source.name}"
    sections = [
        ("summary-section", "Summary", _summary(config, analysis)),
        *extra,
        ("plots", "Plots", _plots(plots, config)),
        ("windows", "Gap windows", _windows(analysis.windows, config)),
        ("daily", "Coverage per day", _daily(daily_rows(analysis.coverage, config), config)),
        ("agents-section", "Per agent", _agents(roster, config)),
        ("rules-section", "Rules in force", _rules(config)),
    ]
    nav = " · ".join(f'<a href="#{ident}">{escape(name)}</a>' for ident, name, _ in sections)
    body = "\n".join(f'<section id="{ident}"><h2>{escape(name)}</h2>\n{html}\n</section>' for ident, name, html in sections)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{STYLE}</style><script>{SCRIPT}</script></head>\n"
        f"<body><h1>{escape(title)}</h1><p class=\"muted\">{nav}</p>\n{body}\n</body></html>\n"
    )


def write_html(path: Path, config: Config, roster: Roster, analysis: Analysis, plots: list[Path],
               extra: Sequence[tuple[str, str, str]] = ()) -> Path:
    """report.html, written atomically."""
    return write_text_atomic(Path(path), render_html(config, roster, analysis, plots, extra))
