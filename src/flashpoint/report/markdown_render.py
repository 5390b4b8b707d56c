"""A situation report as Markdown, for wikis, tickets and plain-text review.

Why the pictures are separate files (or data URIs on standard output): Markdown has no way to
embed an image in the text itself; files next to the report keep the ``.md`` readable, and when
the report goes to a pipe there is no "next to", so the images travel inline.

Text from articles is escaped: Markdown passes raw HTML through to the page, so ``<`` and ``&``
become entities, and the characters Markdown would read as formatting or table cells get a
backslash.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable

from flashpoint.report.citations import Citation, LongLists, compact_text, long_lists, split_cites
from flashpoint.report.compose import Picture, SitRep, Statement
from flashpoint.report.figures import change
from flashpoint.report.style import load_style

# Markdown reads these as markup anywhere in a line ("(" and "#" only after "]" or at a line's
# start, which our sentences never give article text).
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(value: object) -> str:
    """Text made inert: HTML entities for ``& < >``, backslashes before Markdown's markup."""
    text = " ".join(("" if value is None else str(value)).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def _cite_text(numbers: Iterable[int]) -> str:
    """"1–3, 5" or, past the report's limit, the first few and where the full list is."""
    shown, full, rest = split_cites(numbers)
    text = compact_text(shown)
    if full is not None:
        text += f", and {rest:,} more: list L{full} under Source lists"
    return text


def _cites(numbers: Iterable[int]) -> str:
    text = _cite_text(numbers)
    return f" \\[{text}\\]" if text else ""


def _statement(s: Statement) -> str:
    return md(s.text) + _cites(s.cites)


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return lines + [""]


def _n(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _picture(pic: Picture, src: str) -> list[str]:
    out = [f"![{md(pic.alt)}]({src})", ""]
    out += [f"*{_statement(s)}*" for s in pic.caption]
    return out + [""]


def _source(c: Citation) -> str:
    bits = [f"**{md(c.outlet or 'unknown outlet')}**"]
    if c.title:
        bits.append(f"“{md(c.title)}”")
    bits.append(md(c.published or "undated"))
    url = f" <{c.url}>" if c.url and c.url.lower().startswith(("http://", "https://")) and " " not in c.url \
        and ">" not in c.url else (f" {md(c.url)}" if c.url else "")
    return f"{c.n}. {', '.join(bits)}.{url}  \n   > {md(c.quote)}"


def _early_warning(rep: SitRep) -> list[str]:
    """Surges, then emerging actors, each a bullet citing its events; the note says how they are judged."""
    ew = rep.early_warning
    if ew is None:
        return []
    out = ["## Early warning", ""]
    if ew.surges:
        out += ["### Surges", ""] + [f"- {_statement(s)}" for s in ew.surges] + [""]
    if ew.emerging:
        out += ["### Emerging actors", ""] + [f"- {_statement(s)}" for s in ew.emerging] + [""]
    return out + [f"*{_statement(s)}*" for s in ew.note] + [""]


def render(rep: SitRep, *, image_stem: str | None = None) -> tuple[str, dict[str, bytes]]:
    """The report text and the images it refers to ({file name: PNG bytes}).

    With ``image_stem`` ("report"), images are files named "report-map.png" and so on, to write
    beside the Markdown file; without it, they are inline data URIs and the dict is empty.
    """
    with long_lists(load_style().limits.get("cites_shown", 6)) as lists:
        return _render(rep, image_stem, lists)


def _render(rep: SitRep, image_stem: str | None, lists: LongLists) -> tuple[str, dict[str, bytes]]:
    files: dict[str, bytes] = {}

    def image(pic: Picture) -> list[str]:
        if image_stem is None:
            return _picture(pic, "data:image/png;base64," + base64.b64encode(pic.png).decode("ascii"))
        name = f"{image_stem}-{pic.name}.png"
        files[name] = pic.png
        return _picture(pic, name)

    now, prev = rep.totals, rep.previous_totals
    out = [f"# {md(rep.title)}", ""]
    out += [md(line) + "  " for line in rep.scope] + [""]
    out += ["## Key figures", ""]
    out += _table(["", "This period", f"Previous period ({md(rep.previous.label())})", "Change"], [
        ["Events", _n(now.events), _n(prev.events), change(now.events, prev.events)],
        ["Fatalities", _n(now.fatalities), _n(prev.fatalities), change(now.fatalities, prev.fatalities)],
        ["Events with deaths", _n(now.with_fatalities), _n(prev.with_fatalities),
         change(now.with_fatalities, prev.with_fatalities)],
        ["Events with no casualty figure", _n(now.without_figure), _n(prev.without_figure),
         change(now.without_figure, prev.without_figure)],
    ], {1, 2})
    out += ["## Summary", ""] + [_statement(s) for s in rep.headline] + [""]
    out += ["## What changed", ""] + [_statement(s) for s in rep.change] + [""]
    out += _table(["Event type", "Events", "Fatalities", "Events before", "Fatalities before", "Change in events",
                   "Sources"],
                  [[md(t.event_type), _n(t.events), _n(t.fatalities), _n(t.previous_events), _n(t.previous_fatalities),
                    change(t.events, t.previous_events), _cite_text(t.cites)] for t in rep.types]
                  + [["**All types**", _n(now.events), _n(now.fatalities), _n(prev.events), _n(prev.fatalities),
                      change(now.events, prev.events), ""]], {1, 2, 3, 4, 5})
    out += _early_warning(rep)
    out += ["## Map", ""]
    out += image(rep.map) if rep.map else ["No event in this period has coordinates.", ""]
    out += ["## Timeline", ""]
    out += image(rep.timeline) if rep.timeline else ["No dated events to chart.", ""]

    out += ["## Most active actors", ""] + [_statement(s) for s in rep.actors_note]
    if rep.actors_note:
        out.append("")
    if rep.actors:
        out += _table(["Actor", "Events", "As actor 1", "As actor 2", "Fatalities in them", "Sources"],
                      [[md(a.actor), _n(a.events), _n(a.as_actor1), _n(a.as_actor2), _n(a.fatalities),
                        _cite_text(a.cites)] for a in rep.actors], {1, 2, 3, 4})
    else:
        out += ["No actors were named in these events.", ""]
    if rep.pairs:
        out += ["### Who acted against whom", ""]
        out += _table(["Actor 1", "Actor 2", "Events", "Fatalities", "Types", "Sources"],
                      [[md(p.actor1), md(p.actor2), _n(p.events), _n(p.fatalities), md(p.types), _cite_text(p.cites)]
                       for p in rep.pairs], {2, 3})
    out += ["### Relations between these actors", ""]
    out += [f"- {_statement(r.statement)}" for r in rep.relations] or \
           ["No relation between these actors was read from the articles."]
    out.append("")

    out += ["## Notable events", "", "### Deadliest", ""]
    for i, n in enumerate(rep.deadliest, 1):
        out += [f"{i}. {_statement(n.statement)}", f"   > {md(n.quote)}", ""]
    if not rep.deadliest:
        out += ["No event in this period reported deaths.", ""]
    out += ["### Most widely reported", ""] + [_statement(s) for s in rep.most_reported_note]
    for i, n in enumerate(rep.most_reported, 1):
        out += [f"{i}. {_statement(n.statement)} ({n.n_sources} sources)", f"   > {md(n.quote)}", ""]
    out.append("")

    out += [f"## All events ({len(rep.events) + rep.events_omitted:,})", ""]
    if rep.events:
        out += _table(["Date", "Event", "Fatalities", "Sources"],
                      [[md(r.date), _statement(r.statement), _n(r.fatalities), _n(r.n_sources)] for r in rep.events],
                      {2, 3})
    if rep.events_omitted:
        out += [f"{rep.events_omitted:,} more events are not listed; use flashpoint export with the same options "
                "for all of them.", ""]

    if lists.lists:
        out += ["## Source lists", "",
                "The full lists behind statements that cite more sources than fit after them.", ""]
        out += [f"- L{k}: \\[{compact_text(numbers)}\\]" for k, numbers in enumerate(lists.lists, 1)] + [""]
    out += [f"## Sources ({len(rep.citations):,})", ""]
    out += [_source(c) for c in rep.citations] + [""]
    out += ["---", ""] + [md(m) + "  " for m in rep.method] + [""]
    return "\n".join(out), files
