"""Events as a fixed-width table for the terminal (``flashpoint events``).

Why fixed width with truncation: one event per line is what people scan and grep; wrapping long
actor names would break both. Long cells end in "…" so a cut is visible, and the widest text
columns give way first, so dates and counts stay whole on a narrow terminal.

Widths are measured in terminal cells, not characters: CJK text takes two cells and combining
marks none, otherwise Chinese or Vietnamese names would push later columns out of line.
"""

from __future__ import annotations

import shutil
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

ELLIPSIS = "…"
GAP = "  "
MIN_WIDTH = 6  # a squeezed text column still shows its first few letters
MIN_WIDTHS = {"date": len("2019-04-14")}  # a range may be cut, a single day never
HEADERS = ("date", "type / sub-type", "actor1", "actor2", "location", "fatalities", "injured",
           "source")
ID_HEADER = "id"  # optional first column; not squeezable: a cut id is of no use
NUMERIC = frozenset({"fatalities", "injured"})
SQUEEZABLE = ("type / sub-type", "actor1", "actor2", "location", "source", "date")


def _cell_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(_cell_width(ch) for ch in text)


def truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, ending in "…" when anything was cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = _cell_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _cells(event: Mapping[str, Any]) -> dict[str, str]:
    acled = event.get("acled") or {}
    plover = event.get("plover") or {}
    location = event.get("location") or {}
    article = event.get("article") or {}
    kind_parts: tuple[Any, ...]
    if acled:
        kind_parts = (acled.get("event_type"), acled.get("sub_event_type"))
    elif plover:
        kind_parts = ("PLOVER", plover.get("type"), plover.get("mode"))
    else:
        kind_parts = ()
    kind = " / ".join(p for p in kind_parts if p)
    date = event.get("date")
    if not date and (event.get("date_start") or event.get("date_end")):
        date = f"{event.get('date_start') or '?'}/{event.get('date_end') or '?'}"
    place_parts = (location.get("name"), location.get("admin1"), location.get("country"))
    place = ", ".join(dict.fromkeys(p for p in place_parts if p))  # "Gaza, Gaza" once
    return {
        "date": _text(date),
        "type / sub-type": _text(kind),
        "actor1": _text(event.get("actor1")),
        "actor2": _text(event.get("actor2")),
        "location": _text(place),
        "fatalities": _text(event.get("fatalities")),
        "injured": _text(event.get("injured")),
        "source": _text(_source(event, article)),
    }


def _source(event: Mapping[str, Any], article: Mapping[str, Any]) -> str:
    """The representative outlet, and "+N" for the other sources of a fused event."""
    outlet = article.get("source") or ""
    others = (event.get("n_sources") or 1) - 1
    return f"{outlet} +{others}".strip() if others > 0 else outlet


def _fit(widths: dict[str, int], total: int, squeezable: Iterable[str]) -> dict[str, int]:
    """Narrow the widest squeezable column one cell at a time until the line fits ``total``."""
    widths = dict(widths)
    squeezable = [c for c in squeezable if c in widths]
    budget = total - len(GAP) * (len(widths) - 1)
    while sum(widths.values()) > budget:
        candidates = [c for c in squeezable if widths[c] > MIN_WIDTHS.get(c, MIN_WIDTH)]
        if not candidates:
            break  # too narrow for any sensible table: overflow rather than show nothing
        widest = max(candidates, key=lambda c: widths[c])
        widths[widest] -= 1
    return widths


def render_cells(
    rows: Sequence[Mapping[str, str]],
    headers: tuple[str, ...],
    *,
    numeric: frozenset[str] = frozenset(),
    squeezable: Iterable[str] | None = None,
    width: int | None = None,
    empty: str = "(none)",
) -> str:
    """Any rows of text cells as the fixed-width table described above."""
    if width is None:
        # Fit a terminal; into a pipe or file, keep every cell whole for grep and friends.
        width = shutil.get_terminal_size(fallback=(120, 24)).columns if sys.stdout.isatty() else 10**6
    natural = {h: max([display_width(h)] + [display_width(r[h]) for r in rows]) for h in headers}
    widths = _fit(natural, width, headers if squeezable is None else squeezable)

    def line(cells: Mapping[str, str]) -> str:
        parts = [_pad(truncate(cells[h], widths[h]), widths[h], h in numeric) for h in headers]
        return GAP.join(parts).rstrip()

    out = [line({h: h for h in headers}), GAP.join("-" * widths[h] for h in headers)]
    out.extend(line(r) for r in rows)
    if not rows:
        out.append(empty)
    return "\n".join(out) + "\n"


def render(events: Iterable[Mapping[str, Any]], *, width: int | None = None, ids: bool = False) -> str:
    """The event table as one string (header, rule, one line per event), each line at most
    ``width`` cells when that is possible; ``width`` defaults to the terminal's (unlimited when
    standard output is not a terminal). ``ids`` adds the event id as the first column, never cut
    (``flashpoint events`` shows it so that ``flashpoint explain ID`` can be reached)."""
    headers = (ID_HEADER, *HEADERS) if ids else HEADERS
    cells = []
    for e in events:
        row = _cells(e)
        if ids:
            row[ID_HEADER] = _text(e.get("id"))
        cells.append(row)
    return render_cells(cells, headers, numeric=NUMERIC, squeezable=SQUEEZABLE, width=width,
                        empty="(no events)")


def render_rows(rows: Iterable[Mapping[str, Any]], columns: list[tuple[str, str]], *, width: int | None = None) -> str:
    """Plain records (articles, errors) as a table: ``columns`` are (key, header) pairs."""
    cells = [{header: _text(r.get(key)) for key, header in columns} for r in rows]
    headers = tuple(header for _, header in columns)
    numeric = frozenset(h for h in headers if all(c[h].isdigit() for c in cells if c[h]) and cells)
    return render_cells(cells, headers, numeric=numeric, width=width)
