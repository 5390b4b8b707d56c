"""A situation report as one self-contained HTML file (styles inline, pictures as base64 PNG).

Why one file: it is mailed, attached to tickets and opened years later offline; nothing may point
at a server. Why everything is escaped: titles, outlets, quotes and actor names come from articles
(untrusted web pages); a ``<script>`` in a headline must show as text, never run. Links are made
only for http(s) URLs, so a ``javascript:`` URL in an article's metadata stays inert text.

Figures carry ``data-figure`` attributes so scripts (and the tests) can read the numbers back
without scraping prose.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from html import escape

from flashpoint.report.citations import Citation, LongLists, compact, long_lists, split_cites
from flashpoint.report.compose import Picture, SitRep, Statement
from flashpoint.report.figures import change
from flashpoint.report.style import load_style

_CSS = """
:root { --ink: #1d2327; --muted: #5f6b73; --rule: #dde3e8; --accent: #9b2c2c; --bg: #fbfbf9; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 15px/1.5 -apple-system, "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 28px 32px 48px; background: #fff;
       border-left: 1px solid var(--rule); border-right: 1px solid var(--rule); }
header { border-bottom: 3px solid var(--ink); padding-bottom: 12px; margin-bottom: 18px; }
.kicker { text-transform: uppercase; letter-spacing: .12em; font-size: 12px; color: var(--accent); margin: 0; font-weight: 600; }
h1 { font-size: 27px; line-height: 1.2; margin: 4px 0 8px; }
h2 { font-size: 19px; margin: 30px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 15px; margin: 18px 0 6px; }
.scope p { margin: 2px 0; color: var(--muted); font-size: 13.5px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 18px 0 6px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 14px; background: #fafbfc; }
.card .label { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.card .value { font-size: 28px; font-weight: 700; line-height: 1.15; }
.card .delta { font-size: 12.5px; color: var(--muted); }
p.statement { margin: 6px 0; }
sup.cite { font-size: 10.5px; line-height: 0; white-space: normal; }
sup.cite a { color: #2b6cb0; text-decoration: none; }
sup.cite .range { white-space: nowrap; }
td.cites { min-width: 7em; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: 13.5px; }
th, td { border-bottom: 1px solid var(--rule); padding: 5px 8px; text-align: left; vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.when { white-space: nowrap; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; vertical-align: baseline; }
figure { margin: 10px 0 4px; }
figure img { width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
figcaption p { margin: 2px 0; }
blockquote { margin: 4px 0 8px; padding: 2px 0 2px 12px; border-left: 3px solid var(--rule); color: #3b4650; font-size: 13.5px; }
ol.notable > li { margin-bottom: 6px; }
ol.sources { font-size: 13px; padding-left: 0; list-style: none; }
ol.sources li { margin: 0 0 8px; display: grid; grid-template-columns: 3.2em 1fr; }
ol.sources .n { color: var(--muted); }
ol.sources a { word-break: break-all; }
.note { font-size: 13px; color: var(--muted); }
footer { margin-top: 30px; border-top: 1px solid var(--rule); padding-top: 8px; font-size: 12.5px; color: var(--muted); }
footer p { margin: 4px 0; }
@media print { body { background: #fff; } main { border: 0; padding: 0; } h2 { break-after: avoid; } figure, tr { break-inside: avoid; } }
"""  # noqa: E501 - one CSS rule a line; wrapping them would change the report's bytes


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _cites(numbers: Sequence[int]) -> str:
    if not numbers:
        return ""
    shown, full, rest = split_cites(numbers)
    more = f', <a class="more" href="#cites-{full}">{rest:,} more</a>' if full is not None else ""
    return f'<sup class="cite">[{_links(shown)}{more}]</sup>'


def _statement(s: Statement) -> str:
    return f"{_e(s.text)}{_cites(s.cites)}"


def _paragraphs(statements: Iterable[Statement], cls: str = "statement") -> str:
    return "".join(f'<p class="{cls}">{_statement(s)}</p>\n' for s in statements)


def _num(value: int | None, figure: str | None = None) -> str:
    attr = f' data-figure="{_e(figure)}"' if figure else ""
    return f'<td class="num"{attr}>{"" if value is None else f"{value:,}"}</td>'


def _picture(pic: Picture) -> str:
    data = base64.b64encode(pic.png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_e(pic.alt)}">\n'
            f"<figcaption>{_paragraphs(pic.caption, 'caption')}</figcaption></figure>\n")


def _link(url: str | None) -> str:
    if not url:
        return ""
    if url.lower().startswith(("http://", "https://")):
        return f' <a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'
    return f" {_e(url)}"


def _source(c: Citation) -> str:
    bits = [f"<strong>{_e(c.outlet or 'unknown outlet')}</strong>"]
    if c.title:
        bits.append(f"“{_e(c.title)}”")
    bits.append(_e(c.published or "undated"))
    return (f'<li id="src-{c.n}"><span class="n">[{c.n}]</span><div>{", ".join(bits)}.{_link(c.url)}'
            f"<blockquote>{_e(c.quote)}</blockquote></div></li>\n")


def _card(label: str, value: int, figure: str, delta: str) -> str:
    return (f'<div class="card"><div class="label">{_e(label)}</div>'
            f'<div class="value" data-figure="{figure}">{value:,}</div><div class="delta">{_e(delta)}</div></div>')


def _early_warning(rep: SitRep) -> str:
    """Surges, then emerging actors, each citing its events; the note says how they are judged."""
    ew = rep.early_warning
    if ew is None:
        return ""
    out = ['<section id="early-warning"><h2>Early warning</h2>\n']
    if ew.surges:
        out.append('<h3>Surges</h3>\n<ul class="surges">' + "".join(
            f'<li data-alert="surge">{_statement(s)}</li>' for s in ew.surges) + "</ul>\n")
    if ew.emerging:
        out.append('<h3>Emerging actors</h3>\n<ul class="emerging">' + "".join(
            f'<li data-alert="emerging-actor">{_statement(s)}</li>' for s in ew.emerging) + "</ul>\n")
    out.append(_paragraphs(ew.note, "note"))
    return "".join(out) + "</section>\n"


def render(rep: SitRep) -> str:
    """The whole report as an HTML document (UTF-8 text)."""
    with long_lists(load_style().limits.get("cites_shown", 6)) as lists:
        return _render(rep, lists)


def _source_lists(lists: LongLists) -> str:
    """The full citation lists statements link to ("12 more" -> L3), each number a link."""
    if not lists.lists:
        return ""
    items = "".join(f'<li id="cites-{k}"><span class="n">L{k}</span><div>[{_links(numbers)}]</div></li>\n'
                    for k, numbers in enumerate(lists.lists, 1))
    return ('<section id="source-lists"><h2>Source lists</h2>\n<p class="note">The full lists behind '
            'statements that cite more sources than fit after them.</p>\n'
            f'<ol class="sources">\n{items}</ol>\n</section>\n')


def _links(numbers: Sequence[int]) -> str:
    parts = []
    for a, b in compact(numbers):
        link = f'<a href="#src-{a}">{a}</a>'
        parts.append(link if a == b else f'<span class="range">{link}–<a href="#src-{b}">{b}</a></span>')
    return ", ".join(parts)


def _render(rep: SitRep, lists: LongLists) -> str:
    now, prev = rep.totals, rep.previous_totals
    out: list[str] = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="generator" content="Flashpoint">\n',
        f"<title>{_e(rep.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n",
        '<header><p class="kicker">Situation report</p>\n',
        f"<h1>{_e(rep.title)}</h1>\n",
        '<div class="scope">' + "".join(f"<p>{_e(line)}</p>" for line in rep.scope) + "</div>\n</header>\n",
        '<section class="cards">',
        _card("Events", now.events, "events", f"previous period {prev.events:,}: {change(now.events, prev.events)}"),
        _card("Fatalities", now.fatalities, "fatalities",
              f"previous period {prev.fatalities:,}: {change(now.fatalities, prev.fatalities)}"),
        _card("Events with deaths", now.with_fatalities, "with-fatalities",
              f"{now.without_figure:,} with no figure"),
        _card("Previous period", prev.events, "previous-events", f"{rep.previous.label()}; "
              f"{prev.fatalities:,} fatalities"),
        "</section>\n",
        f'<span hidden data-figure="previous-fatalities">{prev.fatalities}</span>\n',
        '<section id="summary"><h2>Summary</h2>\n', _paragraphs(rep.headline), "</section>\n",
        '<section id="change"><h2>What changed</h2>\n', _paragraphs(rep.change),
        "<table><thead><tr><th>Event type</th><th class=\"num\">Events</th><th class=\"num\">Fatalities</th>"
        "<th class=\"num\">Events before</th><th class=\"num\">Fatalities before</th>"
        "<th class=\"num\">Change in events</th><th>Sources</th></tr></thead>\n<tbody>\n",
    ]
    for t in rep.types:
        out.append(
            f'<tr data-type="{_e(t.event_type)}"><td><span class="swatch" style="background:{_e(t.colour)}"></span>'
            f"{_e(t.event_type)}</td>{_num(t.events, 'events')}{_num(t.fatalities, 'fatalities')}"
            f"{_num(t.previous_events, 'previous-events')}{_num(t.previous_fatalities, 'previous-fatalities')}"
            f'<td class="num">{_e(change(t.events, t.previous_events))}</td>'
            f'<td class="cites">{_cites(t.cites)}</td></tr>\n')
    out.append(
        f'<tr data-type="all"><td><strong>All types</strong></td>{_num(now.events, "events")}'
        f'{_num(now.fatalities, "fatalities")}{_num(prev.events, "previous-events")}'
        f'{_num(prev.fatalities, "previous-fatalities")}<td class="num">{_e(change(now.events, prev.events))}</td>'
        "<td></td></tr>\n</tbody></table>\n"
        f'<p class="note">“Before” is the previous period of the same length: {_e(rep.previous.label())}.</p>\n'
        "</section>\n")
    out.append(_early_warning(rep))

    out.append('<section id="map"><h2>Map</h2>\n')
    out.append(_picture(rep.map) if rep.map else '<p class="note">No event in this period has coordinates.</p>\n')
    out.append('</section>\n<section id="timeline"><h2>Timeline</h2>\n')
    out.append(_picture(rep.timeline) if rep.timeline else '<p class="note">No dated events to chart.</p>\n')
    out.append("</section>\n")

    out.append('<section id="actors"><h2>Most active actors</h2>\n')
    out.append(_paragraphs(rep.actors_note, "note"))
    if rep.actors:
        out.append("<table><thead><tr><th>Actor</th><th class=\"num\">Events</th><th class=\"num\">As actor 1</th>"
                   "<th class=\"num\">As actor 2</th><th class=\"num\">Fatalities in them</th><th>Sources</th>"
                   "</tr></thead>\n<tbody>\n")
        for a in rep.actors:
            out.append(f'<tr data-actor="{_e(a.actor)}"><td>{_e(a.actor)}</td>{_num(a.events, "events")}'
                       f'{_num(a.as_actor1, "as-actor1")}{_num(a.as_actor2, "as-actor2")}'
                       f'{_num(a.fatalities, "fatalities")}<td class="cites">{_cites(a.cites)}</td></tr>\n')
        out.append("</tbody></table>\n")
    else:
        out.append('<p class="note">No actors were named in these events.</p>\n')
    if rep.pairs:
        out.append("<h3>Who acted against whom</h3>\n<table><thead><tr><th>Actor 1</th><th>Actor 2</th>"
                   "<th class=\"num\">Events</th><th class=\"num\">Fatalities</th><th>Types</th><th>Sources</th>"
                   "</tr></thead>\n<tbody>\n")
        for p in rep.pairs:
            out.append(f"<tr><td>{_e(p.actor1)}</td><td>{_e(p.actor2)}</td>{_num(p.events, 'events')}"
                       f"{_num(p.fatalities, 'fatalities')}<td>{_e(p.types)}</td>"
                       f"<td class='cites'>{_cites(p.cites)}</td></tr>\n")
        out.append("</tbody></table>\n")
    out.append("<h3>Relations between these actors</h3>\n")
    if rep.relations:
        out.append("<ul>" + "".join(f"<li>{_statement(r.statement)}</li>" for r in rep.relations) + "</ul>\n")
    else:
        out.append('<p class="note">No relation between these actors was read from the articles.</p>\n')
    out.append("</section>\n")

    out.append('<section id="notable"><h2>Notable events</h2>\n<h3>Deadliest</h3>\n')
    if rep.deadliest:
        out.append('<ol class="notable">' + "".join(
            f"<li>{_statement(n.statement)}<blockquote>{_e(n.quote)}</blockquote></li>" for n in rep.deadliest)
            + "</ol>\n")
    else:
        out.append('<p class="note">No event in this period reported deaths.</p>\n')
    out.append("<h3>Most widely reported</h3>\n")
    out.append(_paragraphs(rep.most_reported_note, "note"))
    if rep.most_reported:
        out.append('<ol class="notable">' + "".join(
            f"<li>{_statement(n.statement)} <span class=\"note\">({n.n_sources} sources)</span>"
            f"<blockquote>{_e(n.quote)}</blockquote></li>" for n in rep.most_reported) + "</ol>\n")
    out.append("</section>\n")

    out.append(f'<section id="events"><h2>All events ({len(rep.events) + rep.events_omitted:,})</h2>\n')
    if rep.events:
        out.append("<table><thead><tr><th>Date</th><th>Event</th><th class=\"num\">Fatalities</th>"
                   "<th class=\"num\">Sources</th></tr></thead>\n<tbody>\n")
        for r in rep.events:
            out.append(f'<tr><td class="when">{_e(r.date)}</td><td><span class="swatch" '
                       f'style="background:{_e(r.colour)}" '
                       f'title="{_e(r.event_type)}"></span>{_statement(r.statement)}</td>{_num(r.fatalities)}'
                       f"{_num(r.n_sources)}</tr>\n")
        out.append("</tbody></table>\n")
    if rep.events_omitted:
        out.append(f'<p class="note">{rep.events_omitted:,} more events are not listed; '
                   "use flashpoint export with the same options for all of them.</p>\n")
    out.append("</section>\n")

    out.append(_source_lists(lists))
    out.append(f'<section id="sources"><h2>Sources ({len(rep.citations):,})</h2>\n<ol class="sources">\n')
    out.extend(_source(c) for c in rep.citations)
    out.append("</ol>\n</section>\n<footer>" + "".join(f"<p>{_e(m)}</p>" for m in rep.method) + "</footer>\n")
    out.append("</main>\n</body>\n</html>\n")
    return "".join(out)
