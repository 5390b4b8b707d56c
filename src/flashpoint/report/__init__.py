"""Situation reports: an area and a period, in figures, a map, a timeline, actors and notable
events, every statement cited to the articles behind it (``flashpoint report``).

Modules, one concern each: ``figures`` (the numbers), ``citations`` (numbering sources and
quotes), ``compose`` (what the report says), ``maps`` and ``basemap`` (the static map from bundled
Natural Earth borders), ``charts`` (the timeline), ``html_render`` and ``markdown_render``.
Reports are deterministic: no clock is read, pictures carry no creation metadata, and every
ordering is total, so the same store and options give the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flashpoint.filters import EventFilters
from flashpoint.report.compose import SitRep, Statement, build

FORMATS = ("html", "md")


def render(rep: SitRep, fmt: str, *, image_stem: str | None = None) -> tuple[str, dict[str, bytes]]:
    """The report as text in ``fmt`` ("html" or "md") and the image files it needs beside it
    (Markdown with ``image_stem`` only; HTML embeds its pictures)."""
    if fmt == "html":
        from flashpoint.report import html_render

        return html_render.render(rep), {}
    if fmt == "md":
        from flashpoint.report import markdown_render

        return markdown_render.render(rep, image_stem=image_stem)
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_report(store: Any, filters: EventFilters, fmt: str, output: Path | None, *,
                 title: str | None = None) -> tuple[str, list[Path]]:
    """Build and render a report. With ``output``, write it (and, for Markdown, its images next to
    it) and return the text and the files written; without, return the text to print."""
    rep = build(store, filters, title=title)
    text, images = render(rep, fmt, image_stem=output.stem if output is not None and fmt == "md" else None)
    written: list[Path] = []
    if output is not None:
        output.write_text(text, encoding="utf-8", newline="\n")
        written.append(output)
        for name, data in images.items():
            path = output.with_name(name)
            path.write_bytes(data)
            written.append(path)
    return text, written


__all__ = ["FORMATS", "SitRep", "Statement", "build", "render", "write_report"]
